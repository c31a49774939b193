"""Agent intake, knowledge base and enterprise pages, through the browser's forms (with CSRF)."""
from __future__ import annotations


from app.demo.data import ENTERPRISES
from tests.support import csrf, logged_in

RED = ENTERPRISES[0]      # 中山市好来化工有限公司, 板芙镇, red list (ent1)
PLAIN = ENTERPRISES[1]    # 中山市榄兴五金制品有限公司, 小榄镇 (ent2)


def text(response) -> str:
    return response.get_data(as_text=True)


def article(api, title_part):
    found = [a for a in api.as_("agent1").get("/api/knowledge", q=title_part).json]
    assert found, title_part
    return found[0]


def intake_form(client, **fields):
    data = {"csrf_token": csrf(client, "/intake"), "credit_code": RED["credit_code"], "kind": "咨询",
            "domain": "劳动和社会保障", "town": "", "matter_class": "general",
            "description": "企业咨询社保缴费基数如何确定", "contact_name": "王经理",
            "contact_phone": "13800138000", "direct_reply": "", "kb_article_id": "",
            "action": "dispatch"}
    return client.post("/intake", data=data | fields)


def test_the_agent_intake_page_renders(app):
    client = logged_in(app, "agent1")
    assert client.get("/").headers["Location"].endswith("/intake")
    page = client.get("/intake")
    assert page.status_code == 200
    html = text(page)
    for word in ("电话受理", "识别企业", "直接答复办结", "提交派单", "建议承办单位", "知识库",
                 'value="咨询" checked', "城市管理", "板芙镇", "一般事项", 'name="csrf_token"'):
        assert word in html, word
    assert 'href="/intake"' in html and 'href="/knowledge"' in html  # navigation


def test_enterprise_search_fragment_shows_the_red_list_badge(app):
    client = logged_in(app, "agent1")
    html = text(client.get("/intake/enterprises", query_string={"q": "好来"}))
    assert RED["name"] in html and "红名单" in html and "龙头骨干" in html
    assert f'credit_code={RED["credit_code"]}' in html
    html = text(client.get("/intake/enterprises", query_string={"q": "榄兴"}))
    assert PLAIN["name"] in html and "红名单" not in html
    # As the agent types: the start of a credit code or of a phone number.
    assert RED["name"] in text(client.get("/intake/enterprises", query_string={"q": RED["credit_code"][:12]}))
    assert PLAIN["name"] in text(client.get("/intake/enterprises", query_string={"q": PLAIN["phone"]}))
    assert "未找到匹配的企业" in text(client.get("/intake/enterprises", query_string={"q": "不存在的公司"}))
    # Without JavaScript the same search is a plain GET of the page.
    assert RED["name"] in text(client.get("/intake", query_string={"q": "好来"}))


def test_choosing_an_enterprise_shows_its_card_and_town(app):
    client = logged_in(app, "agent1")
    html = text(client.get("/intake/enterprise", query_string={
        "credit_code": RED["credit_code"], "domain": "城市管理", "kind": "投诉", "town": ""}))
    assert f'name="credit_code" value="{RED["credit_code"]}" form="intake-form"' in html
    assert RED["name"] in html and "红名单" in html
    assert '<option value="板芙镇" selected>' in html and 'id="town-field" hx-swap-oob="true"' in html
    assert 'id="suggestion-hint"' in html and "<strong>板芙镇</strong>" in html  # the routing hint follows the town
    # A town the agent already chose is kept.
    html = text(client.get("/intake/enterprise", query_string={
        "credit_code": RED["credit_code"], "domain": "城市管理", "town": "小榄镇"}))
    assert '<option value="小榄镇" selected>' in html and "<strong>小榄镇</strong>" in html


def test_the_routing_suggestion_fragment(app):
    client = logged_in(app, "agent1")
    html = text(client.get("/intake/suggestion", query_string={
        "domain": "城市管理", "town": "板芙镇", "kind": "投诉"}))
    assert "建议承办单位" in html and "<strong>板芙镇</strong>" in html and "(bfz)" not in html  # names, not codes
    html = text(client.get("/intake/suggestion", query_string={"domain": "税务", "kind": "咨询"}))
    assert "市税务局" in html
    # No town given: the chosen enterprise's town decides.
    html = text(client.get("/intake/suggestion", query_string={
        "domain": "城市管理", "credit_code": PLAIN["credit_code"]}))
    assert "小榄镇" in html
    assert "选择诉求领域后显示" in text(client.get("/intake/suggestion"))


def test_the_knowledge_panel_and_citing_an_answer(app, api):
    cited = article(api, "公积金 封存")
    client = logged_in(app, "agent1")
    html = text(client.get("/intake/knowledge", query_string={"kb_q": "公积金 封存"}))
    assert cited["title"] in html and "引用此答复" in html
    assert f'/intake/direct-reply?kb={cited["id"]}' in html
    html = text(client.get("/intake/direct-reply", query_string={"kb": cited["id"]}))
    assert cited["answer"][:30] in html
    assert f'name="kb_article_id" value="{cited["id"]}"' in html and "取消引用" in html
    html = text(client.get("/intake/direct-reply"))
    assert 'name="kb_article_id" value=""' in html and "取消引用" not in html


def test_a_direct_reply_closes_the_consultation_and_cites_the_article(app, api):
    cited = article(api, "社保 基数")
    client = logged_in(app, "agent1")
    response = intake_form(client, action="direct", direct_reply=cited["answer"],
                           kb_article_id=str(cited["id"]))
    assert response.status_code == 302, text(response)
    number = response.headers["Location"].rsplit("/", 1)[-1]
    assert response.headers["Location"].endswith(f"/cases/{number}")
    page = client.get(f"/cases/{number}")
    assert page.status_code == 200 and "已直接答复并办结" in text(page)
    case = api.as_("agent1").get(f"/api/cases/{number}").json
    assert case["status"] == "direct_replied" and case["closed"] and case["channel"] == "phone"
    assert case["kb_article"] == {"id": cited["id"], "title": cited["title"]}
    assert case["direct_reply"] == cited["answer"] and case["contact_name"] == "王经理"


def test_dispatching_ignores_the_reply_box_and_keeps_the_routing(app, api):
    client = logged_in(app, "agent1")
    response = intake_form(client, kind="投诉", domain="城市管理", description="厂区门口绿化带影响车辆进出",
                           direct_reply="草稿", kb_article_id="1", action="dispatch")
    assert response.status_code == 302
    number = response.headers["Location"].rsplit("/", 1)[-1]
    case = api.as_("agent1").get(f"/api/cases/{number}").json
    assert case["status"] == "dispatching" and case["direct_reply"] is None
    assert case["kb_article"] is None and case["suggested_unit"] == "bfz" and case["town"] == "板芙镇"


def test_a_complaint_with_a_direct_reply_is_shown_again_with_the_error(app, api):
    client = logged_in(app, "agent1")
    response = intake_form(client, kind="投诉", description="门口道路积水严重 <b>请处理</b>",
                           direct_reply="已告知处理方式", action="direct")
    assert response.status_code == 422
    html = text(response)
    assert "只有咨询类诉求可以直接答复" in html
    assert 'value="投诉" checked' in html                       # the submitted values stay
    assert "门口道路积水严重 &lt;b&gt;请处理&lt;/b&gt;</textarea>" in html
    assert "已告知处理方式</textarea>" in html and RED["name"] in html  # the enterprise card too
    assert 'value="王经理"' in html
    assert api.as_("agent1").get("/api/cases").json["total"] == 0


def test_missing_fields_are_shown_in_place(app, api):
    client = logged_in(app, "agent1")
    response = intake_form(client, credit_code="", description="")
    assert response.status_code == 422
    assert "请先查询并选择企业" in text(response)
    response = intake_form(client, description="", contact_phone="12345")
    html = text(response)
    assert response.status_code == 422 and "请填写诉求内容" in html and 'id="error-contact_phone"' in html
    response = intake_form(client, action="direct", direct_reply="")
    assert response.status_code == 422 and "请填写直接答复内容" in text(response)
    assert api.as_("agent1").get("/api/cases").json["total"] == 0


def test_a_script_in_the_description_is_shown_as_text(app):
    client = logged_in(app, "agent1")
    response = intake_form(client, kind="投诉", domain="城市管理",
                           description="<script>alert('x')</script> 门口绿化带")
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert b"<script>alert" not in page.data and b"&lt;script&gt;alert" in page.data


def test_the_knowledge_pages(app, api):
    client = logged_in(app, "dispatcher1")
    html = text(client.get("/knowledge", query_string={"q": "高新技术企业"}))
    cited = article(api, "高新技术企业认定")
    assert cited["title"] in html and f'/knowledge/{cited["id"]}' in html
    fragment = client.get("/knowledge", query_string={"q": "留抵"}, headers={"HX-Request": "true"})
    assert "增值税留抵退税" in text(fragment) and "<html" not in text(fragment)
    page = client.get(f"/knowledge/{cited['id']}")
    assert page.status_code == 200 and "15%" in text(page)
    assert client.get("/knowledge/999999").status_code == 404
    assert "没有找到相关的知识库条目" in text(client.get("/knowledge", query_string={"q": "火星移民"}))


def test_an_enterprise_submits_a_demand_and_follows_it(app, api):
    client = logged_in(app, "ent2")
    assert client.get("/").headers["Location"].endswith("/my/cases")
    assert "还没有诉求" in text(client.get("/my/cases"))
    form = client.get("/my/submit")
    assert form.status_code == 200 and PLAIN["name"] in text(form)
    response = client.post("/my/submit", data={
        "csrf_token": csrf(client, "/my/submit"), "kind": "求助", "domain": "城市管理", "town": "",
        "description": "厂区门口路灯损坏多日,夜间员工出行不便", "contact_name": "李主任",
        "contact_phone": ""})
    assert response.status_code == 302
    number = response.headers["Location"].rsplit("/", 1)[-1]
    case = api.as_("ent2").get(f"/api/cases/{number}").json
    assert case["channel"] == "web" and case["town"] == "小榄镇" and case["status"] == "dispatching"
    html = text(client.get("/my/cases"))
    assert number in html and "待派单" in html and "派单" in html
    # Not for another enterprise.
    assert number not in text(logged_in(app, "ent3").get("/my/cases"))


def test_an_enterprise_form_with_errors_is_shown_again(app, api):
    client = logged_in(app, "ent2")
    response = client.post("/my/submit", data={
        "csrf_token": csrf(client, "/my/submit"), "kind": "咨询", "domain": "",
        "description": "", "contact_name": "<i>李</i>", "contact_phone": "123"})
    assert response.status_code == 422
    html = text(response)
    assert "请填写诉求内容" in html and 'id="error-contact_phone"' in html
    assert 'value="&lt;i&gt;李&lt;/i&gt;"' in html and 'value="咨询" checked' in html
    assert api.as_("ent2").get("/api/cases").json["total"] == 0


def test_my_cases_links_to_the_rating_task(app, api):
    number = api.submit(enterprise=1)["number"]
    api.dispatch(number, "cgj")
    api.unit_handles(number)
    rate = api.as_("ent2").task_for(number, "rate")
    html = text(logged_in(app, "ent2").get("/my/cases"))
    assert "去评价" in html and f'href="/tasks/{rate["id"]}"' in html
    assert "市城市管理和综合执法局" in html and "解决" in html and "待评价" in html
    api.rate(number, "满意")
    html = text(logged_in(app, "ent2").get("/my/cases"))
    assert "去评价" not in html and "满意" in html and "已结案" in html


def test_pages_are_for_their_roles(app):
    for user in ("dispatcher1", "supervisor1", "spec_cgj", "ent2", "designer1"):
        client = logged_in(app, user)
        for path in ("/intake", "/intake/enterprises?q=好来", "/intake/suggestion",
                     "/intake/knowledge?kb_q=社保", "/intake/direct-reply"):
            assert client.get(path).status_code == 403, (user, path)
    post = logged_in(app, "dispatcher1")
    assert intake_form(post).status_code == 403
    for user in ("ent2", "spec_cgj", "designer1"):
        assert logged_in(app, user).get("/knowledge").status_code == 403, user
    for user in ("agent1", "dispatcher1"):
        client = logged_in(app, user)
        assert client.get("/my/cases").status_code == 403 and client.get("/my/submit").status_code == 403
    assert app.test_client().get("/intake").status_code == 302  # to the login page


def test_the_intake_page_in_english(app):
    client = logged_in(app, "agent1")
    client.get("/lang/en")
    html = text(client.get("/intake"))
    assert "Direct reply and close" in html and "Dispatch" in html and "Identify the enterprise" in html


def test_a_refused_intake_keeps_the_knowledge_base_search(app):
    client = logged_in(app, "agent1")
    refused = intake_form(client, kind="投诉", action="direct", direct_reply="答复", kb_q="社保 基数")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="kb-q" type="search" name="kb_q" value="社保 基数"' in html
    assert 'class="kb-results"' in html and "引用此答复" in html
