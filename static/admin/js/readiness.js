// The article form's "Ready to publish?" checklist, kept current while the person types.
// The rules are on the server (workflow.publication_checklist): this file posts the
// form's unsaved values to the checklist URL, which saves nothing, and shows the answer.
// It also marks the rows of the fields still missing. A file, because of the admin's CSP.
"use strict";
(function () {
  const box = document.getElementById("readiness");
  const form = document.getElementById("article_form");
  if (!box || !form || !box.dataset.url) {
    return;
  }
  const list = document.getElementById("readiness-items");
  const summary = document.getElementById("readiness-summary");
  const WAIT = 600; // ms after the last keystroke: one request per pause, not per key
  let timer = null;
  let pending = null;

  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) {
      return decodeURIComponent(match[1]);
    }
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // The form's values as a save would send them; CKEditor keeps its text in
  // its own frame until asked, so it is read from the editor itself.
  function values() {
    const data = new FormData(form);
    const editors = window.CKEDITOR ? window.CKEDITOR.instances : {};
    Object.keys(editors).forEach(function (id) {
      const element = editors[id].element && editors[id].element.$;
      if (element && element.form === form && element.name) {
        data.set(element.name, editors[id].getData());
      }
    });
    return data;
  }

  function show(answer) {
    const missing = answer.items.filter(function (item) { return !item.met; });
    summary.textContent = missing.length
      ? missing.length + (missing.length === 1 ? " thing" : " things") +
        " still needed before this piece can be published:"
      : "Everything publishing needs is here.";
    list.replaceChildren.apply(list, answer.items.map(function (item) {
      const li = document.createElement("li");
      li.className = item.met ? "met" : "missing";
      li.dataset.field = item.field;
      const mark = document.createElement("span");
      mark.setAttribute("aria-hidden", "true");
      mark.textContent = item.met ? "✓" : "✗";
      const said = document.createElement("span");
      said.className = "visually-hidden";
      said.textContent = item.met ? "Done:" : "Missing:";
      const label = item.label.charAt(0).toUpperCase() + item.label.slice(1);
      li.append(mark, " ", said, " " + label);
      return li;
    }));
    markRows(missing);
  }

  // The field rows (or the byline's inline) of what is still missing.
  function markRows(missing) {
    const fields = new Set(missing.map(function (item) { return item.field; }));
    document.querySelectorAll(".readiness-missing").forEach(function (row) {
      row.classList.remove("readiness-missing");
    });
    fields.forEach(function (field) {
      const row = field === "authors"
        ? document.getElementById("article_authors-group")
        : form.querySelector(".form-row.field-" + field);
      if (row) {
        row.classList.add("readiness-missing");
      }
    });
  }

  function check() {
    timer = null;
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    fetch(box.dataset.url, {
      method: "POST",
      body: values(),
      credentials: "same-origin",
      signal: pending.signal,
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    })
      .then(function (response) {
        const type = response.headers.get("Content-Type") || "";
        if (!response.ok || !type.includes("application/json")) {
          throw new Error("no checklist"); // logged out, or no longer allowed: keep the last list
        }
        return response.json();
      })
      .then(show)
      .catch(function () { /* superseded by newer typing, or offline: the list stays as it was */ });
  }

  function later() {
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(check, WAIT);
  }

  function belongs(target) {
    return target && (target.form === form || form.contains(target));
  }

  document.addEventListener("input", function (event) {
    if (belongs(event.target)) {
      later();
    }
  });
  document.addEventListener("change", function (event) {
    if (belongs(event.target)) {
      later();
    }
  });
  // Rows added to or removed from the byline.
  document.addEventListener("formset:added", later);
  document.addEventListener("formset:removed", later);

  function watchEditor(editor) {
    editor.on("change", later);
  }

  window.addEventListener("load", function () {
    // Choices made in the admin's autocomplete boxes are announced through jQuery only.
    if (window.django && window.django.jQuery) {
      window.django.jQuery(form).on("change", "select", later);
    }
    if (window.CKEDITOR) {
      Object.keys(window.CKEDITOR.instances).forEach(function (id) {
        watchEditor(window.CKEDITOR.instances[id]);
      });
      window.CKEDITOR.on("instanceCreated", function (event) { watchEditor(event.editor); });
    }
    // No request now: the page came with the checklist for what it shows.
  });
})();
