// The article page's presence notice, autosave and restore offer.
// The rules (who may edit, how long a person counts as present, which fields a
// draft may hold) are on the server, in articles/editing.py; this file reports
// what the page holds and shows what the server answers. A file, not inline
// script, because of the admin's CSP.
"use strict";
(function () {
  const root = document.getElementById("article-editing");
  const form = document.getElementById("article_form");
  if (!root || !form) {
    return;
  }
  const presence = document.getElementById("editing-presence");
  const statusLine = document.getElementById("editing-autosave");
  const offer = document.getElementById("editing-restore");
  const pingEvery = milliseconds(root.dataset.pingSeconds, 15);
  const saveEvery = milliseconds(root.dataset.autosaveSeconds, 20);
  // Requests that must outlive the page (keepalive, like sendBeacon) may carry
  // at most 64 KiB; a longer draft goes as a plain request while the page is
  // still there, and the periodic autosave has it anyway.
  const KEEPALIVE_LIMIT = 60000;

  let submitting = false; // the form's own POST carries the values; a draft now would outlive the save
  let stopped = false; // the server said this person may not change the piece
  let deciding = Boolean(offer); // autosave now would overwrite the draft on offer
  let lastSent = null; // what the server holds (at first: what the page opened with)
  let shown = currentNotices();

  function milliseconds(value, fallback) {
    const number = Number(value);
    return (number > 0 ? number : fallback) * 1000;
  }

  // The CSRF cookie, which a log-in in another tab renews; the page's token as fallback.
  function csrfToken() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) {
      return decodeURIComponent(match[1]);
    }
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, body, keepalive) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      keepalive: Boolean(keepalive),
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    });
  }

  function readJson(response) {
    if (!response.ok) {
      throw { status: response.status };
    }
    const type = response.headers.get("Content-Type") || "";
    if (response.redirected || !type.includes("application/json")) {
      throw { status: "login" }; // the admin sent its log-in page: the session ended
    }
    return response.json();
  }

  function say(text) {
    statusLine.textContent = text;
  }

  // -- presence --------------------------------------------------------------

  function currentNotices() {
    return Array.from(presence.querySelectorAll("p"), (p) => p.textContent).join("\n");
  }

  function showOthers(others) {
    const text = others.map((other) => other.notice).join("\n");
    if (text === shown) {
      return; // unchanged: a live region re-announces whatever is rewritten
    }
    shown = text;
    if (!others.length) {
      presence.replaceChildren();
      return;
    }
    const box = document.createElement("div");
    box.className = "editing-notices";
    for (const other of others) {
      const line = document.createElement("p");
      line.textContent = other.notice;
      box.append(line);
    }
    presence.replaceChildren(box);
  }

  function ping() {
    if (stopped) {
      return;
    }
    post(root.dataset.pingUrl, new URLSearchParams(), false)
      .then(readJson)
      .then((answer) => showOthers(answer.others))
      .catch((error) => {
        if (error.status === 403 || error.status === 404) {
          stopped = true;
        }
      });
  }

  function leave() {
    if (!submitting) {
      post(root.dataset.leaveUrl, new URLSearchParams(), true).catch(() => {});
    }
  }

  // -- autosave --------------------------------------------------------------

  function serialise() {
    if (window.CKEDITOR) {
      for (const name in window.CKEDITOR.instances) {
        window.CKEDITOR.instances[name].updateElement();
      }
    }
    const data = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      // The token is no field of the piece, and "__prefix__" rows are the
      // inline's blank template, not a row anyone filled in.
      if (name !== "csrfmiddlewaretoken" && !name.includes("__prefix__") && typeof value === "string") {
        data.append(name, value);
      }
    }
    return data;
  }

  function autosave(leaving) {
    if (submitting || stopped || deciding || lastSent === null) {
      return;
    }
    const data = serialise();
    const text = data.toString();
    if (text === lastSent) {
      return;
    }
    post(root.dataset.autosaveUrl, data, leaving && text.length < KEEPALIVE_LIMIT)
      .then(readJson)
      .then((answer) => {
        lastSent = text;
        say("Your unsaved changes are kept as your draft (" + answer.saved_at + "). Save to publish them to the piece.");
      })
      .catch((error) => {
        if (error.status === 403 || error.status === 404) {
          stopped = true;
          say("You can no longer change this piece, so autosave has stopped.");
        } else if (error.status === 413) {
          say("Your changes are too large to keep as a draft: save the piece to keep them.");
        } else if (error.status === "login") {
          say("Autosave could not reach your account: log in again in another tab, then keep working here.");
        } else {
          say("Autosave failed; it will try again.");
        }
      });
  }

  // -- restoring a draft -----------------------------------------------------

  function editorsReady(callback) {
    const areas = Array.from(form.querySelectorAll("textarea[data-type=ckeditortype]"));
    let tries = 0;
    (function check() {
      const ready = areas.every((area) => {
        const editor = window.CKEDITOR && window.CKEDITOR.instances[area.id];
        return editor && editor.status === "ready";
      });
      if (ready || tries++ > 300) {
        callback();
      } else {
        setTimeout(check, 100);
      }
    })();
  }

  // Inline rows (the byline) the draft had beyond what the page shows are added
  // the way a person would, so the admin's own widgets are set up in them.
  function addInlineRows(fields) {
    for (const total of form.querySelectorAll("input[name$='-TOTAL_FORMS']")) {
      const prefix = total.name.slice(0, -"-TOTAL_FORMS".length);
      const wanted = Number((fields[total.name] || ["0"])[0]);
      const add = document.querySelector("#" + CSS.escape(prefix) + "-group .add-row a");
      for (let guard = 0; add && Number(total.value) < wanted && guard < 100; guard++) {
        add.click();
      }
    }
  }

  function choose(select, values, labels) {
    for (const value of values) {
      const known = Array.from(select.options).some((option) => option.value === value);
      if (!known && labels[value] !== undefined) {
        select.add(new Option(labels[value], value)); // autocomplete boxes hold only today's choice
      }
    }
    for (const option of select.options) {
      option.selected = values.includes(option.value);
    }
  }

  function restore(draft) {
    addInlineRows(draft.fields);
    for (const field of Array.from(form.elements)) {
      const name = field.name;
      if (!name || name === "csrfmiddlewaretoken" || name.includes("__prefix__")) {
        continue;
      }
      if (name === "opened_version") {
        // Kept from the draft: the save then merges it against the version it was typed on.
        field.value = String(draft.opened_version);
        continue;
      }
      if (field.type === "hidden" || field.type === "submit" || field.type === "button") {
        continue; // row ids and form counts stay the page's own
      }
      const values = draft.fields[name];
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = (values || []).includes(field.value); // an unticked box is not posted
      } else if (field.tagName === "SELECT") {
        if (values === undefined && !field.multiple) {
          continue;
        }
        choose(field, values || [], draft.labels[name] || {});
      } else if (values !== undefined) {
        field.value = values[0];
        const editor = window.CKEDITOR && window.CKEDITOR.instances[field.id];
        if (editor) {
          editor.setData(values[0]);
        }
      } else {
        continue;
      }
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function setUpOffer() {
    const draft = JSON.parse(document.getElementById("article-draft").textContent);
    const discard = document.getElementById("editing-discard-form");
    offer.hidden = false;
    document.getElementById("editing-restore-button").addEventListener("click", () => {
      editorsReady(() => {
        restore(draft);
        offer.remove();
        deciding = false;
        say("Your unsaved changes are back in the form. Save to keep them.");
      });
    });
    discard.addEventListener("submit", (event) => {
      event.preventDefault(); // stay on the page: anything typed meanwhile is kept
      post(discard.action, new URLSearchParams(), false)
        .then(readJson)
        .then(() => {
          offer.remove();
          deciding = false;
          say("Your unsaved changes were discarded.");
        })
        .catch(() => discard.submit());
    });
  }

  // -- wiring ----------------------------------------------------------------

  // On window, so it runs after the form's own submit handlers and sees whether one cancelled.
  window.addEventListener("submit", (event) => {
    if (event.target === form && !event.defaultPrevented) {
      submitting = true;
    }
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      autosave(true);
    } else {
      ping();
    }
  });
  window.addEventListener("pagehide", () => {
    autosave(true);
    leave();
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) {
      submitting = false;
      ping(); // back from the browser's page cache after "leave" was sent
    }
  });

  if (offer) {
    setUpOffer();
  }
  ping();
  setInterval(ping, pingEvery);
  editorsReady(() => {
    // What the page opened with, as the editor holds it, is not a change.
    lastSent = serialise().toString();
    setInterval(() => autosave(false), saveEvery);
  });
})();
