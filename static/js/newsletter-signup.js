// Progressive enhancement for newsletter sign-up forms: submit in place and
// show the answer where the form was. Without JavaScript the same form posts
// normally and the answer is a page of its own.
(function () {
  "use strict";

  function show(form, html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var result = doc.querySelector("[data-signup-result]");
    var errors = doc.querySelectorAll(".form-errors");
    if (result) {
      var box = document.createElement("div");
      box.className = "notice";
      box.setAttribute("role", "status");
      box.innerHTML = result.innerHTML;
      form.replaceWith(box);
      return;
    }
    var target = form.parentNode.querySelector("[data-signup-errors]");
    if (!target) {
      target = document.createElement("p");
      target.className = "form-errors";
      target.setAttribute("role", "alert");
      form.prepend(target);
    }
    target.textContent = Array.prototype.map.call(errors, function (e) {
      return e.textContent.trim();
    }).join(" ") || "Something went wrong; please try again.";
  }

  document.querySelectorAll("form[data-newsletter-signup]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      })
        .then(function (response) { return response.text(); })
        .then(function (html) { show(form, html); })
        .catch(function () { form.submit(); })
        .finally(function () { if (button) button.disabled = false; });
    });
  });
})();
