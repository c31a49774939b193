// Conditionally required fields of a task form (a JSON Schema if/then, see app/web/schema_form.py):
// a field whose label has data-required-when="rating" data-required-values='["不满意", …]' is
// marked required (the asterisk shows, the input gets `required`) while the controlling field has
// one of those values. The server validates the same rule and answers next to the field when it fails.
(function () {
  "use strict";

  function control(label) {
    const form = label.closest("form");
    return form ? form.elements.namedItem(label.dataset.requiredWhen) : null;
  }

  function update(label) {
    const field = label.closest(".field");
    const source = control(label);
    if (!source) return;
    let values = [];
    try { values = JSON.parse(label.dataset.requiredValues || "[]"); } catch (e) { values = []; }
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
    document.querySelectorAll("label[data-required-when]").forEach((label) => {
      update(label);
      const source = control(label);
      if (source) source.addEventListener("change", () => update(label));
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
