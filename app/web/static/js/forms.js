// Live character counters: a field with data-maxlength shows "n/max" in its counter
// (#<field id>-count, rendered by _counter.html), says so when the limit is reached, and past it
// says by how much, so a long pasted text is never cut without a word. Counted as the server
// counts: characters (not UTF-16 units), a line break as one.
(function () {
  "use strict";

  function count(text) {
    return Array.from(text.replace(/\r\n/g, "\n")).length;
  }

  function update(field) {
    var counter = document.getElementById(field.id + "-count");
    var max = parseInt(field.dataset.maxlength, 10);
    if (!counter || !max) return;
    var n = count(field.value);
    var text = n + "/" + max;
    if (n > max) {
      text = counter.dataset.over.replace("{over}", n - max).replace("{max}", max);
    } else if (n === max) {
      text = counter.dataset.at.replace("{max}", max);
    }
    counter.textContent = text;
    counter.classList.toggle("over", n > max);
    counter.classList.toggle("at", n === max);
    field.classList.toggle("too-long", n > max);
  }

  function updateAll(root) {
    (root || document).querySelectorAll("[data-maxlength]").forEach(update);
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-maxlength]")) update(event.target);
  });
  document.addEventListener("DOMContentLoaded", function () { updateAll(document); });
  document.addEventListener("htmx:load", function (event) { updateAll(event.target); });
})();
