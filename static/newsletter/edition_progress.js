// Refreshes the "Sending" numbers on an edition's admin page every 3 seconds
// while it is going out (GET of the progress JSON; no state changes).
(function () {
  "use strict";
  const box = document.getElementById("edition-progress");
  if (!box) return;
  async function refresh() {
    const response = await fetch(box.dataset.url, { credentials: "same-origin" });
    if (!response.ok) return;
    const data = await response.json();
    for (const [key, value] of Object.entries(data)) {
      const field = box.querySelector(`[data-field="${key}"]`);
      if (field) field.textContent = value === null ? "—" : value;
    }
    if (data.status === "sending") setTimeout(refresh, 3000);
  }
  const status = box.querySelector('[data-field="status"]');
  if (status && status.textContent.trim() === "Sending") setTimeout(refresh, 3000);
})();
