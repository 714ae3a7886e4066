"use strict";
// The article change form: new byline rows numbered after the rows above them, and the
// themes the chosen topics give shown as topics change. No inline script (the CSP).
(function () {
  const NO_THEMES = "None yet: themes come from the topics.";

  document.addEventListener("formset:added", (event) => {
    if (event.detail.formsetName !== "authorships") return;
    const rows = document.querySelectorAll("#authorships-group tr.form-row:not(.empty-form)");
    const position = event.target.querySelector("input[name$='-position']");
    if (position) position.value = rows.length;
  });

  function showThemes() {
    const out = document.getElementById("article-themes");
    const select = document.getElementById("id_topics");
    if (!out || !select) return;
    const themeOf = JSON.parse(out.dataset.topicThemes);
    const names = new Set();
    for (const option of select.selectedOptions) {
      if (themeOf[option.value]) names.add(themeOf[option.value]);
    }
    out.textContent = names.size ? [...names].sort().join(", ") : NO_THEMES;
  }

  window.addEventListener("load", () => {
    const select = document.getElementById("id_topics");
    if (!select) return;
    showThemes();
    // Select2 (the autocomplete) announces changes through jQuery only.
    if (window.django && window.django.jQuery) window.django.jQuery(select).on("change", showThemes);
    select.addEventListener("change", showThemes);
  });
})();
