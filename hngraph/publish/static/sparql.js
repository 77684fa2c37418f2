// The SPARQL page: picking an example fills the query box. Results are rendered by the server
// (format=html), so the page also works without JavaScript.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const example = document.getElementById("example");
  const query = document.getElementById("query");
  if (!example || !query) {
    return;
  }
  example.addEventListener("change", () => {
    const option = example.options[example.selectedIndex];
    if (option && option.dataset.query) {
      query.value = option.dataset.query;
    }
  });
});
