// Every staff change form: leaving the page with unsaved changes asks first.
// The form's values (rich-text editors' included) are compared with what the
// page opened with; submitting the form itself never asks. A page that is the
// answer to a POST (a form shown back with errors, a conflict, a refused
// action) holds typed values that are not saved, so it counts as changed from
// the start. Loaded by templates/admin/change_form.html; a file, because of the CSP.
"use strict";
(function () {
  const script = document.currentScript;
  const form = script && document.getElementById(script.dataset.form);
  if (!form) {
    return;
  }
  const shownBack = script.dataset.shownBack === "1";
  let opened = null; // the form's values when the page had loaded
  const editorsOpened = new Map(); // CKEditor instance name → its text when it was ready
  let submitting = false;

  function editors() {
    const instances = window.CKEDITOR ? window.CKEDITOR.instances : {};
    return Object.keys(instances)
      .map(function (name) { return instances[name]; })
      .filter(function (editor) {
        const element = editor.element && editor.element.$;
        return element && element.form === form;
      });
  }

  // The form's values as one string. The rich-text editors' textareas are
  // left out (scripts copy the editor into them at will); the editors are
  // compared on their own. "__prefix__" rows are an inline's blank template.
  function values() {
    const skip = new Set(editors().map(function (editor) { return editor.element.$.name; }));
    const parts = [];
    for (const [name, value] of new FormData(form)) {
      if (name === "csrfmiddlewaretoken" || name.includes("__prefix__") || skip.has(name)) {
        continue;
      }
      parts.push([name, typeof value === "string" ? value : value.name + ":" + value.size]);
    }
    return JSON.stringify(parts);
  }

  function noteEditor(editor) {
    const take = function () {
      if (!editorsOpened.has(editor.name)) {
        editorsOpened.set(editor.name, editor.getData());
      }
    };
    if (editor.status === "ready") {
      take();
    } else {
      editor.on("instanceReady", take);
    }
  }

  function changed() {
    if (shownBack) {
      return true;
    }
    if (opened !== null && values() !== opened) {
      return true;
    }
    return editors().some(function (editor) {
      return editorsOpened.has(editor.name) && editor.getData() !== editorsOpened.get(editor.name);
    });
  }

  window.addEventListener("load", function () {
    opened = values();
    if (window.CKEDITOR) {
      editors().forEach(noteEditor);
      window.CKEDITOR.on("instanceReady", function (event) { noteEditor(event.editor); });
    }
  });

  // On window, so it runs after the form's own submit handlers and sees whether one cancelled.
  window.addEventListener("submit", function (event) {
    if (event.target === form && !event.defaultPrevented) {
      submitting = true;
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (submitting || !changed()) {
      return;
    }
    event.preventDefault();
    event.returnValue = ""; // browsers show their own words; older ones need this set
  });
})();
