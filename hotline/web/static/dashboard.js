/* The supervisor's dashboard: every panel from one live feed (live.json, polled), no reload.
   The server renders the panels; this swaps in each one that changed since the last poll. */
"use strict";

(function () {
  const root = document.getElementById("dashboard");
  if (!root) { return; }
  const boxes = new Map();
  for (const box of root.querySelectorAll("[data-panel]")) { boxes.set(box.dataset.panel, box); }
  const shown = new Map();
  const stale = document.getElementById("stale");

  Hotline.poll(async () => {
    let data = null;
    try {
      const response = await fetch(root.dataset.url, { headers: { Accept: "application/json" },
                                                       credentials: "same-origin" });
      if (response.status === 401) { window.location.reload(); return; }
      if (response.ok) { data = await response.json(); }
    } catch (err) { data = null; }
    stale.hidden = data !== null;
    if (data === null) { return; }
    for (const [name, html] of Object.entries(data.panels)) {
      const box = boxes.get(name);
      if (box && shown.get(name) !== html) {
        box.innerHTML = html;
        shown.set(name, html);
      }
    }
    root.dataset.updated = data.updated;
  }, 3000);
})();
