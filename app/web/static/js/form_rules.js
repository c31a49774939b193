// Conditionally required fields of a task form (a JSON Schema if/then, see app/web/schema_form.py):
// a field with data-required-when="rating" data-required-values='["不满意", …]' is marked
// required (the asterisk shows, the input gets `required`) while the controlling field has one of
// those values. The server validates the same rule and answers next to the field when it fails.
(function () {
  "use strict";

  function control(field) {
    const form = field.closest("form");
    return form ? form.elements.namedItem(field.dataset.requiredWhen) : null;
  }

  function update(field) {
    const source = control(field);
    if (!source) return;
    let values = [];
    try { values = JSON.parse(field.dataset.requiredValues || "[]"); } catch (e) { values = []; }
    const on = values.includes(source.value);
    const input = field.querySelector("input, textarea, select");
    if (input) {
      input.required = on;
      input.setAttribute("aria-required", on ? "true" : "false");
    }
    const mark = field.querySelector(".req-when");
    if (mark) mark.hidden = !on;
  }

  function init() {
    document.querySelectorAll("[data-required-when]").forEach((field) => {
      update(field);
      const source = control(field);
      if (source) source.addEventListener("change", () => update(field));
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
