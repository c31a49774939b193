"""Test helpers: an API client that logs in as demo users, and shortcuts for driving cases."""
from __future__ import annotations

from app.demo.data import ENTERPRISES

# P5: a contact time is not in the future nor before the dispatch; 10:00 is the tests' clock start
# (tests/conftest.py START). `ApiClient.unit_handles` contacts at the clock's present time.
CONTACT = {"contacted_at": "2026-11-23T10:00:00+08:00", "contact_method": "电话"}
# P10: a dissatisfied rating carries its reason; the helpers give this one unless told otherwise.
DISSATISFIED = ("不满意", "非常不满意")
REASON = "问题没有解决，企业仍受影响"
UNIT_STEPS = (("sign", {}), ("contact", CONTACT), ("propose", {"solution": "协调相关部门处理"}),
              ("reply", {"result": "解决", "reply_text": "已协调解决"}))


class Response:
    def __init__(self, raw):
        self.status = raw.status_code
        self.json = raw.get_json(silent=True)
        self.headers = raw.headers

    def __repr__(self):
        return f"<Response {self.status} {self.json}>"


class UserClient:
    def __init__(self, client, headers):
        self._client = client
        self.headers = headers

    def get(self, url, **params) -> Response:
        return Response(self._client.get(url, query_string=params, headers=self.headers))

    def post(self, url, json=None, **kwargs) -> Response:
        return Response(self._client.post(url, json=json, headers=self.headers, **kwargs))

    def tasks(self, **params) -> list[dict]:
        response = self.get("/api/tasks", **params)
        assert response.status == 200, response
        return response.json["items"]

    def task_for(self, number: str, name: str | None = None) -> dict | None:
        for task in self.tasks(case_number=number, per_page=100):
            if name is None or task["name"] == name:
                return task
        return None

    def complete(self, number: str, name: str, data: dict | None = None) -> Response:
        task = self.task_for(number, name)
        assert task is not None, f"no open task {name} for {number}"
        return self.post(f"/api/tasks/{task['id']}/complete", json={"data": data or {}})


class ApiClient:
    """`api.as_("agent1").post(...)`; tokens are cached for the whole session."""

    def __init__(self, app, token_cache: dict):
        self.app = app
        self.client = app.test_client()
        self._tokens = token_cache

    def token(self, username: str) -> str:
        if username not in self._tokens:
            self._tokens[username] = self.fresh_token(username)
        return self._tokens[username]

    def fresh_token(self, username: str) -> str:
        """A new token, not cached: for calls that end it (POST /api/auth/logout)."""
        raw = self.client.post("/api/auth/token",
                               json={"username": username, "password": f"qisu-{username}"})
        assert raw.status_code == 201, raw.get_json()
        return raw.get_json()["token"]

    def as_(self, username: str) -> UserClient:
        return UserClient(self.client, {"Authorization": f"Bearer {self.token(username)}"})

    def anonymous(self) -> UserClient:
        return UserClient(self.client, {})

    # -- shortcuts for the dual closed loop ---------------------------------------------
    def submit(self, enterprise: int = 1, **fields) -> dict:
        body = {"kind": "投诉", "description": "厂区门口绿化带影响车辆进出,请求协调移植",
                "credit_code": ENTERPRISES[enterprise]["credit_code"], "domain": "城市管理",
                "town": ""} | fields
        response = self.as_("agent1").post("/api/cases", json=body)
        assert response.status == 201, response
        return response.json

    def dispatch(self, number: str, unit_code: str = "cgj", reason: str = "派单员判断") -> Response:
        return self.as_("dispatcher1").complete(number, "dispatch",
                                                {"unit_code": unit_code, "override_reason": reason})

    def unit_handles(self, number: str, specialist: str = "spec_cgj", result: str = "解决") -> None:
        user = self.as_(specialist)
        for name, data in UNIT_STEPS:
            if name == "reply":
                data = {"result": result, "reply_text": "已协调解决"}
            elif name == "contact":
                data = {**data, "contacted_at": self.now_beijing()}
            response = user.complete(number, name, data)
            assert response.status == 200, response

    def rate(self, number: str, rating: str, enterprise_user: str = "ent2",
             comment: str | None = None) -> Response:
        """The enterprise rates; a dissatisfied rating gets REASON unless `comment` is given
        ("" sends none)."""
        body = {"rating": rating}
        if comment is None and rating in DISSATISFIED:
            comment = REASON
        if comment:
            body["rating_comment"] = comment
        return self.as_(enterprise_user).post(f"/api/cases/{number}/rating", json=body)

    def now_beijing(self) -> str:
        """The application clock's present time, as an API time in Beijing time."""
        from app.clock import iso
        return iso(self.app.extensions["qisu"].clock.now())


# -- pages ------------------------------------------------------------------------------
def csrf(client, path: str = "/login") -> str:
    """The CSRF token a page carries in its <meta name="csrf-token">."""
    import re
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def logged_in(app, username: str):
    """A test client logged in through the login form; `client.csrf` is the session's token."""
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": f"qisu-{username}",
                                           "csrf_token": csrf(client)})
    assert response.status_code == 302, response.status_code
    client.csrf = csrf(client, "/tasks")
    return client


def page_figures(html: str) -> dict[str, str]:
    """The figures a page shows as tiles: `data-figure="name"` … `<… class="kpi-value">value</…>`."""
    import re
    return {name: re.sub(r"<[^>]+>", "", value).strip() for name, value in
            re.findall(r'data-figure="(\w+)">.*?class="kpi-value">(.*?)</(?:div|span)>', html, re.S)}
