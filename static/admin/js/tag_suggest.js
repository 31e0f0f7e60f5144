// Tag suggestions for the article form: the field holds comma-separated tags;
// as the last one is typed, the <datalist> offers the whole value completed
// with existing tag names. A file, not inline script, because of the CSP.
"use strict";
(function () {
  function setUp(input) {
    const list = document.getElementById(input.getAttribute("list"));
    let pending = null;
    input.addEventListener("input", function () {
      const value = input.value;
      const cut = value.lastIndexOf(",");
      const head = cut >= 0 ? value.slice(0, cut + 1) + " " : "";
      const term = value.slice(cut + 1).trim();
      if (pending) {
        pending.abort();
      }
      if (term.length < 2) {
        list.replaceChildren();
        return;
      }
      pending = new AbortController();
      const url = input.dataset.tagSuggest + "?q=" + encodeURIComponent(term);
      fetch(url, { signal: pending.signal, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { tags: [] }; })
        .then(function (data) {
          list.replaceChildren.apply(list, data.tags.map(function (name) {
            const option = document.createElement("option");
            option.value = head + (name.includes(" ") || name.includes(",") ? '"' + name + '"' : name);
            return option;
          }));
        })
        .catch(function () { /* aborted by newer typing, or offline: no suggestions */ });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-tag-suggest]").forEach(setUp);
  });
})();
