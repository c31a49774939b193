"""Issue 19 §2: decision-table cells checked at the cell on the server (POST /designer/dmn/cells),
with deploy's restricted-code checker and the output columns' types; and dmn-js speaks Chinese."""
from __future__ import annotations

import json
import re
import subprocess

from app.config import ROOT
from tests.policy.drafts import WORKFLOWS
from tests.support import logged_in


def post(client, content):
    return client.post("/designer/dmn/cells", json={"content": content},
                       headers={"X-CSRFToken": client.csrf})


def test_the_deployed_tables_have_no_cell_in_error(app):
    designer = logged_in(app, "designer1")
    for name in ("sla.dmn", "routing.dmn"):
        response = post(designer, (WORKFLOWS / name).read_text(encoding="utf-8"))
        assert response.status_code == 200 and response.get_json() == {"ok": True, "errors": {}}, name


def test_a_cell_in_error_is_named_with_its_message(app):
    text = (WORKFLOWS / "sla.dmn").read_text(encoding="utf-8")
    text = re.sub(r'(<outputEntry id="rule_06_response_minutes">\s*<text>)60', r'\g<1>"90"', text)
    text = re.sub(r'(<inputEntry id="rule_01_matter_class">\s*<text>)"urgent"', r'\g<1>urgent"', text)
    text = re.sub(r'(<outputEntry id="rule_06_solution_minutes">\s*<text>)1440', r'\g<1>().__class__', text)
    errors = post(logged_in(app, "designer1"), text).get_json()["errors"]
    assert set(errors) == {"rule_06_response_minutes", "rule_01_matter_class", "rule_06_solution_minutes"}
    assert errors["rule_06_response_minutes"] == '此列类型为 integer，应填写整数，而不是 "90"'
    assert "语法错误" in errors["rule_01_matter_class"]
    assert "__class__" in errors["rule_06_solution_minutes"]


def test_only_designers_check_cells_and_bad_xml_is_refused(app):
    assert post(logged_in(app, "ent1"), "<definitions/>").status_code == 403
    response = post(logged_in(app, "designer1"), "<definitions")
    assert response.status_code == 422 and response.get_json()["message"] == "决策表 XML 无法解析"


def test_every_dmn_js_text_has_a_chinese_translation():
    """Every string dmn-js passes to translate() — date/time editors included — is in
    modeler-zh.js (its sample string "HELLO {you}" is never shown)."""
    script = r"""
      const fs = require("fs");
      const src = fs.readFileSync("node_modules/dmn-js/dist/dmn-modeler.development.js", "utf8");
      const re = /translate\(\s*(["'`])((?:\\.|(?!\1).)*?)\1/g; const found = new Set(); let m;
      while ((m = re.exec(src))) found.add(m[2].replace(/\\"/g, '"'));
      global.window = {}; eval(fs.readFileSync("app/web/static/js/modeler-zh.js", "utf8"));
      console.log(JSON.stringify([...found].filter((s) => !(s in window.QISU_MODELER_ZH))));
    """
    run = subprocess.run(["node", "-e", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == ["HELLO {you}"]
