// Swagger UI of /api/docs, started from this file so that the page needs no inline script.
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui-container");
  window.ui = SwaggerUIBundle({url: root.dataset.specUrl, dom_id: "#swagger-ui-container"});
});
