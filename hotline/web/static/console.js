/* The console keeps itself current from one source, /console/state.json, every 2 seconds:
   state, call card, queue, "bring someone in" and the wrap-ups, each form for its own call.
   A form already on the page is never replaced, so answers being typed are kept. */
"use strict";

(function () {
  const root = document.getElementById("console");
  const panels = {
    state_html: document.getElementById("my-state"),
    card_html: document.getElementById("card-slot"),
    queue_html: document.getElementById("queue"),
  };
  const bringIn = document.getElementById("bring-in");
  const wrapups = document.getElementById("wrapups");
  const list = document.getElementById("wrapup-list");
  const later = document.getElementById("wrapups-later");
  const shown = {};
  for (const key in panels) { shown[key] = panels[key].innerHTML; }
  let busy = root.dataset.busy === "1";
  let left = null;

  function forms() { return Array.from(list.querySelectorAll(":scope > details[data-call]")); }

  function timerOf() { return list.querySelector("details[data-current] .wrapup-timer"); }

  function showTimer() {
    const timer = timerOf();
    if (!timer) { return; }
    if (left === null) { timer.textContent = "—"; return; }
    const s = Math.max(0, Math.round(left));
    timer.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function openNewest() {
    const all = forms();
    if (all.length && !all.some((d) => d.open)) { all[0].open = true; }
  }

  function placeWrapUps(items) {
    const have = new Map(forms().map((d) => [d.dataset.call, d]));
    const wanted = new Set(items.map((i) => i.call_id));
    for (const [call, node] of have) { if (!wanted.has(call)) { node.remove(); } }
    let added = false;
    for (const item of items) {
      let node = have.get(item.call_id);
      if (!node) {
        const holder = document.createElement("div");
        holder.innerHTML = item.html;
        node = holder.firstElementChild;
        added = true;
      } else {
        // The call whose wrap-up time runs may change; the answers in the form stay.
        const fresh = document.createElement("div");
        fresh.innerHTML = item.html;
        const current = fresh.firstElementChild.dataset.current;
        if (current) { node.dataset.current = current; } else { delete node.dataset.current; }
      }
      list.appendChild(node);  // moves an existing form into place without touching it
    }
    wrapups.hidden = items.length === 0;
    return added;
  }

  async function refresh() {
    const response = await fetch("/console/state.json", {
      credentials: "same-origin", headers: { "Accept": "application/json" },
    });
    if (response.status === 401) { window.location.reload(); return; }
    if (!response.ok) { return; }
    const desk = await response.json();
    for (const key in panels) {
      if (desk[key] !== shown[key]) { panels[key].innerHTML = desk[key]; shown[key] = desk[key]; }
    }
    bringIn.hidden = !desk.on_call;
    const added = placeWrapUps(desk.wrapups);
    if (desk.busy && !busy) { for (const d of forms()) { d.open = false; } }
    if (!desk.busy && (busy || added)) { openNewest(); }
    busy = desk.busy;
    root.dataset.busy = busy ? "1" : "";
    later.hidden = !busy;
    left = desk.wrap_up_left;
    showTimer();
  }

  if (!busy) { openNewest(); }
  const first = timerOf();
  left = first && first.dataset.left !== "" ? Number(first.dataset.left) : null;
  setInterval(() => { if (left !== null && left > 0) { left -= 1; showTimer(); } }, 1000);
  Hotline.poll(refresh, 2000);
})();
