/* The supervisor's dashboard: live numbers polled as JSON; the rules editor's line gutter. */
"use strict";

(function () {
  const live = document.getElementById("live");
  if (live) {
    const set = (el, value) => { if (el && el.textContent !== String(value)) { el.textContent = value; } };
    Hotline.poll(async () => {
      const response = await fetch(live.dataset.url, { headers: { Accept: "application/json" },
                                                       credentials: "same-origin" });
      if (!response.ok) { return; }
      const data = await response.json();
      for (const t of data.tiers) {
        const row = document.querySelector(`tr[data-tier="${t.tier}"]`);
        if (!row) { continue; }
        set(row.querySelector('[data-field="waiting"]'), t.waiting);
        set(row.querySelector('[data-field="longest_wait"]'), t.longest_wait);
        row.classList.toggle("late", t.late);
      }
      for (const [state, n] of Object.entries(data.by_state)) {
        set(document.querySelector(`[data-state="${state}"]`), n);
      }
      for (const [code, s] of Object.entries(data.by_language)) {
        const row = document.querySelector(`tr[data-language="${code}"]`);
        if (!row) { continue; }
        const busy = (s.ringing || 0) + (s.on_call || 0) + (s.wrap_up || 0);
        set(row.querySelector('[data-field="available"]'), s.available || 0);
        set(row.querySelector('[data-field="busy"]'), busy);
        set(row.querySelector('[data-field="away"]'), s.away || 0);
        row.classList.toggle("gap", !s.available);
      }
      for (const [tier, d] of Object.entries(data.today)) {
        const row = document.querySelector(`tr[data-today="${tier}"]`);
        if (!row) { continue; }
        for (const key of ["queued", "service_level", "abandonment", "mean_wait", "p90_wait", "overflowed"]) {
          set(row.querySelector(`[data-field="${key}"]`), d[key]);
        }
      }
      set(document.querySelector('[data-live="callbacks_pending"]'), data.callbacks_pending);
      set(document.querySelector('[data-live="updated"]'), data.updated);
    }, 3000);
  }

  /* A refused text: its listing opens at the first line with a problem. */
  for (const listing of document.querySelectorAll("ol.listing")) {
    const bad = listing.querySelector("li.bad");
    if (bad) { listing.scrollTop = Math.max(0, bad.offsetTop - listing.clientHeight / 2); }
  }

  /* Line numbers beside each editor textarea, scrolled with it. */
  for (const area of document.querySelectorAll("textarea.code")) {
    const gutter = area.parentElement.querySelector(".gutter");
    if (!gutter) { continue; }
    const bad = new Set((area.dataset.badLines || "").split(",").filter(Boolean).map(Number));
    const draw = () => {
      const n = area.value.split("\n").length;
      gutter.innerHTML = "";
      for (let i = 1; i <= n; i++) {
        const line = document.createElement("span");
        line.textContent = i;
        if (bad.has(i)) { line.className = "bad"; }
        gutter.appendChild(line);
      }
      gutter.scrollTop = area.scrollTop;
    };
    area.addEventListener("input", draw);
    area.addEventListener("scroll", () => { gutter.scrollTop = area.scrollTop; });
    draw();
  }
})();
