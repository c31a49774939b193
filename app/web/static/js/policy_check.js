/* QiSu policy check (issue 19 §5): 检查政策规则 on the modeler page sends the draft file and
 * follows the check; the check's own page follows it too and, for an admin, offers to deploy
 * anyway with a written reason. The panel #policy-check carries the URLs in data-* attributes;
 * texts come from #policy-texts (Chinese on a Chinese page). */
(function () {
  "use strict";

  const panel = document.getElementById("policy-check");
  if (!panel) return;
  const texts = JSON.parse(document.getElementById("policy-texts").textContent);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const showPassed = panel.dataset.showPassed === "1";

  const t = (key, values) => (texts[key] || key).replace(/{(\w+)}/g, (m, k) => (values && k in values ? String(values[k]) : m));
  const url = (template, id) => template.replace("{id}", String(id));

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "class") node.className = v; else node.setAttribute(k, v);
    });
    (children || []).forEach((c) => node.append(c));
    return node;
  }

  function summary(check) {
    if (check.status === "running") {
      return check.total ? t("已完成 {done}/{total} 个场景", { done: check.done, total: check.total }) : t("准备中…");
    }
    if (check.status === "passed") return t("政策规则检查通过：{passed} 个场景全部通过", { passed: check.passed });
    if (check.status === "failed") return t("政策规则检查未通过：{rules}", { rules: check.failed_rules.join("、") });
    return t("政策规则检查未能完成") + (check.message ? "：" + check.message.split("\n").slice(-1)[0] : "");
  }

  function scenarioItem(s) {
    const name = s.scenario + (s.example ? " [" + s.example + "]" : "");
    const item = el("li", { class: "policy-scenario " + s.outcome, "data-outcome": s.outcome }, [
      el("span", { class: "policy-mark", "aria-hidden": "true" }, [s.outcome === "failed" ? "✗" : "✓"]), " ", name]);
    if (s.outcome === "failed") {
      item.append(el("div", { class: "policy-step" }, [el("strong", {}, [t("失败步骤") + "："]), s.step || "—"]));
      if (s.message) item.append(el("pre", { class: "policy-message" }, [s.message]));
    }
    return item;
  }

  function render(check) {
    panel.dataset.state = check.status;
    panel.dataset.checkId = String(check.id);
    const head = el("div", { class: "designer-message " + ({ passed: "ok", failed: "error", error: "error" }[check.status] || "pending"),
                             "data-state": check.status },
                    [el("strong", {}, [t("检查政策规则") + " #" + check.id]), " ", el("span", { class: "policy-summary" }, [summary(check)])]);
    if (!panel.dataset.check) {
      head.append(" ", el("a", { href: url(panel.dataset.page, check.id) }, [t("查看检查详情")]));
    }
    const children = [head];
    if (check.status === "running" && check.total) {
      children.push(el("progress", { max: String(check.total), value: String(check.done) }));
    }
    const rules = el("ul", { class: "policy-rules" });
    (check.rules || []).forEach((rule) => {
      const count = rule.passed + rule.failed;
      const line = el("li", { class: "policy-rule " + (rule.ok ? "ok" : "failed"), "data-rule": rule.rule }, [
        el("strong", {}, [rule.rule]), " ", el("span", { class: "policy-count" }, [rule.passed + "/" + count]), " ",
        el("span", { class: "muted" }, [rule.features.join("；")])]);
      const shown = rule.scenarios.filter((s) => showPassed || s.outcome === "failed");
      if (shown.length) {
        const list = el("ul", { class: "policy-scenarios" });
        shown.forEach((s) => list.append(scenarioItem(s)));
        line.append(list);
      }
      rules.append(line);
    });
    children.push(rules);
    panel.replaceChildren(...children);
    const override = document.getElementById("policy-override");
    if (override) override.hidden = !(check.status === "failed" || check.status === "error");
  }

  async function getJson(address, options) {
    const response = await fetch(address, Object.assign({ credentials: "same-origin", cache: "no-store",
      headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": csrf } }, options || {}));
    let data = {};
    try { data = await response.json(); } catch (e) { /* not JSON */ }
    return { status: response.status, data: data };
  }

  async function follow(id) {
    for (;;) {
      const { status, data } = await getJson(url(panel.dataset.json, id));
      if (!data.ok) {
        panel.replaceChildren(el("div", { class: "designer-message error" }, [data.message || t("请求失败（{status}）", { status: status })]));
        return;
      }
      render(data.check);
      if (data.check.status !== "running") return;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  // -- the modeler page: 检查政策规则 sends the draft --------------------------------------
  const start = document.getElementById("policy-check-start");
  if (start) {
    start.addEventListener("click", async () => {
      start.disabled = true;
      panel.dataset.state = "starting";
      try {
        panel.replaceChildren(el("div", { class: "designer-message pending", "data-state": "starting" }, [t("政策规则检查中…")]));
        const content = await window.qisuDesigner.content();
        const { status, data } = await getJson(panel.dataset.start, {
          method: "POST", body: JSON.stringify({ filename: panel.dataset.filename, content: content }) });
        if (!data.ok) {
          const box = el("div", { class: "designer-message error", "data-state": "refused" }, [data.message || t("请求失败（{status}）", { status: status })]);
          if (data.errors && data.errors.length) {
            box.append(el("ul", { class: "designer-errors" }, data.errors.map((e) => el("li", {}, [el("code", {}, [e.where]), " ", e.message]))));
          }
          panel.replaceChildren(box);
          panel.dataset.state = "refused";
          return;
        }
        await follow(data.check.id);
      } catch (err) {
        panel.replaceChildren(el("div", { class: "designer-message error" }, [String(err.message || err)]));
      } finally {
        start.disabled = false;
      }
    });
  }

  // -- the check's page: follow it; an admin may deploy anyway -------------------------------
  if (panel.dataset.check) follow(panel.dataset.check);
  const override = document.getElementById("policy-override");
  if (override) {
    override.addEventListener("submit", async (event) => {
      event.preventDefault();
      const result = document.getElementById("override-result");
      const reason = override.querySelector("textarea").value.trim();
      if (!reason) { result.textContent = t("请填写理由"); return; }
      if (!window.confirm(t("确定跳过未通过的政策规则检查并部署？"))) return;
      const { status, data } = await getJson(override.dataset.url, { method: "POST", body: JSON.stringify({ reason: reason }) });
      if (data.ok) {
        result.textContent = t("已强制部署为 #{id}", { id: data.deployment.id });
        result.dataset.state = "ok";
      } else {
        const fields = Object.values(data.fields || {}).flat();
        result.textContent = fields.length ? fields.join(" ") : (data.message || t("请求失败（{status}）", { status: status }));
        result.dataset.state = "error";
      }
    });
  }
})();
