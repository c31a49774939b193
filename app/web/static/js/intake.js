// The agent's intake page (/intake).
(function () {
  "use strict";

  // P4: a click on a suggested domain chooses it (and refreshes the suggested unit).
  document.addEventListener("click", function (event) {
    var chip = event.target.closest("button[data-domain]");
    if (!chip) return;
    var select = document.querySelector("#intake-form [name=domain]");
    select.value = chip.dataset.domain;
    select.dispatchEvent(new Event("change", {bubbles: true}));
  });

  // A domain the agent chose (by hand or by a click on a suggestion) is the agent's: it is no
  // longer marked 建议, and the classifier never replaces it.
  document.addEventListener("change", function (event) {
    if (event.target.name !== "domain" || !event.target.closest("#intake-form")) return;
    document.querySelector("#intake-form [name=domain_source]").value = "agent";
    var badge = document.querySelector("#domain-field .badge.suggested");
    if (badge) badge.remove();
  });

  // The knowledge-base search travels with the demand, so a refused submit shows it again.
  document.addEventListener("input", function (event) {
    if (event.target.id === "kb-q") document.getElementById("kb-q-carry").value = event.target.value;
  });
})();
