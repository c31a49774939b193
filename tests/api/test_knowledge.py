"""Knowledge base (P3): hotline staff search policy answers; a direct reply cites its article."""
from __future__ import annotations

from app.demo.data import ENTERPRISES
from app.demo.knowledge import ARTICLES

HOTLINE_STAFF = ("agent1", "dispatcher1", "supervisor1", "leader1", "admin1")


def article_id(api, title_part: str) -> dict:
    found = [a for a in api.as_("agent1").get("/api/knowledge").json if title_part in a["title"]]
    assert len(found) == 1, found
    return found[0]


def consultation(**fields) -> dict:
    return {"kind": "咨询", "description": "企业咨询社保缴费基数怎么定,能否按最低基数缴纳",
            "credit_code": ENTERPRISES[1]["credit_code"], "domain": "劳动和社会保障"} | fields


def test_every_demo_article_is_seeded_once(api):
    articles = api.as_("agent1").get("/api/knowledge").json
    assert len(articles) == len(ARTICLES) >= 15
    assert len({a["title"] for a in articles}) == len(articles)
    assert all(a["answer"] and isinstance(a["tags"], list) for a in articles)


def test_search_needs_every_word_in_title_answer_or_tags(api):
    agent = api.as_("agent1")
    hits = agent.get("/api/knowledge", q="社保 基数").json
    assert [a["title"] for a in hits] == ["社保缴费基数如何确定?可以按最低基数缴纳吗?"]
    hits = agent.get("/api/knowledge", q="稳岗补贴").json  # a tag
    assert hits and hits[0]["title"].startswith("失业保险稳岗返还")
    hits = agent.get("/api/knowledge", q="公积金").json
    assert len(hits) >= 2 and all("公积金" in a["title"] + a["answer"] + "".join(a["tags"]) for a in hits)
    assert agent.get("/api/knowledge", q="公积金 留抵退税").json == []
    assert agent.get("/api/knowledge", q="100%_").json == []  # LIKE wildcards are plain characters


def test_search_by_domain(api):
    hits = api.as_("dispatcher1").get("/api/knowledge", domain="税务").json
    assert len(hits) >= 2 and {a["domain"] for a in hits} == {"税务"}
    hits = api.as_("dispatcher1").get("/api/knowledge", q="退税", domain="税务").json
    assert [a["title"] for a in hits] == ["增值税留抵退税的条件和办理方式"]
    assert api.as_("dispatcher1").get("/api/knowledge", q="退税", domain="公积金").json == []


def test_one_article(api):
    article = article_id(api, "施工许可证")
    response = api.as_("supervisor1").get(f"/api/knowledge/{article['id']}")
    assert response.status == 200
    assert response.json["title"] == article["title"] and "施工许可" in response.json["answer"]
    assert response.json["domain"] == "城乡建设"
    assert api.as_("agent1").get("/api/knowledge/999999").status == 404
    assert api.as_("agent1").get("/api/knowledge/99999999999999").status == 404
    assert api.as_("agent1").get("/api/knowledge/abc").status == 404


def test_access_by_role(api):
    article = article_id(api, "用电报装")
    for user in HOTLINE_STAFF:
        assert api.as_(user).get("/api/knowledge", q="用电").status == 200, user
        assert api.as_(user).get(f"/api/knowledge/{article['id']}").status == 200, user
    for user in ("ent2", "spec_cgj", "designer1", "analyst1"):
        response = api.as_(user).get("/api/knowledge", q="用电")
        assert response.status == 403 and response.json["error"]["code"] == "forbidden", user
        assert api.as_(user).get(f"/api/knowledge/{article['id']}").status == 403, user
    assert api.anonymous().get("/api/knowledge").status == 401


def test_a_direct_reply_cites_its_article(api):
    article = article_id(api, "社保缴费基数")
    agent = api.as_("agent1")
    response = agent.post("/api/cases", json=consultation(direct_reply=article["answer"],
                                                           kb_article_id=article["id"]))
    assert response.status == 201, response
    case = response.json
    assert case["status"] == "direct_replied" and case["closed"]
    assert case["kb_article"] == {"id": article["id"], "title": article["title"]}
    assert case["direct_reply"] == article["answer"]
    again = agent.get(f"/api/cases/{case['number']}").json
    assert again["kb_article"] == {"id": article["id"], "title": article["title"]}
    listed = agent.get("/api/cases").json["items"]
    assert [c["kb_article"] for c in listed if c["number"] == case["number"]] == [case["kb_article"]]
    intake = agent.get(f"/api/cases/{case['number']}/history").json["events"][0]
    assert intake["action"] == "intake" and intake["after"]["kb_article"] == article["title"]


def test_a_case_without_an_article_shows_none(api):
    case = api.submit()
    assert case["kb_article"] is None
    assert api.as_("agent1").get(f"/api/cases/{case['number']}").json["kb_article"] is None


def test_an_unknown_article_is_422_and_nothing_is_written(api):
    agent = api.as_("agent1")
    for bad in (999999, 2**40):
        response = agent.post("/api/cases", json=consultation(direct_reply="按规定办理",
                                                               kb_article_id=bad))
        assert response.status == 422, response
        assert response.json["error"]["fields"] == {"kb_article_id": ["未找到该知识库条目"]}
    assert agent.post("/api/cases", json=consultation(direct_reply="按规定办理",
                                                      kb_article_id="3")).status == 422
    assert agent.get("/api/cases").json["total"] == 0


def test_an_article_only_with_a_direct_reply(api):
    article = article_id(api, "社保缴费基数")
    agent = api.as_("agent1")
    response = agent.post("/api/cases", json=consultation(kind="投诉", kb_article_id=article["id"]))
    assert response.status == 422
    assert response.json["error"]["fields"] == {"kb_article_id": ["只有直接答复可以引用知识库答复"]}
    response = agent.post("/api/cases", json=consultation(kb_article_id=article["id"]))
    assert response.status == 422 and "kb_article_id" in response.json["error"]["fields"]
    # A complaint cannot be answered directly, with or without an article.
    response = agent.post("/api/cases", json=consultation(kind="投诉", direct_reply=article["answer"],
                                                           kb_article_id=article["id"]))
    assert response.status == 422
    assert response.json["error"]["fields"]["direct_reply"] == ["只有咨询类诉求可以直接答复"]
    assert agent.get("/api/cases").json["total"] == 0
