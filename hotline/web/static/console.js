/* The console keeps itself current from one source, /console/state.json, every 2 seconds:
   state, call card, queue, "bring someone in", the wrap-ups (each form for its own call) and
   the shifts. A form already on the page is never replaced, so answers being typed are kept;
   they are also kept in this tab's sessionStorage by call id (never the note), so filing one
   wrap-up, which reloads the page, does not lose what was ticked on another. */
"use strict";

(function () {
  const root = document.getElementById("console");
  const panels = {
    state_html: document.getElementById("my-state"),
    card_html: document.getElementById("card-slot"),
    queue_html: document.getElementById("queue"),
    shifts_html: document.getElementById("shifts"),
  };
  const bringIn = document.getElementById("bring-in");
  const wrapups = document.getElementById("wrapups");
  const list = document.getElementById("wrapup-list");
  const later = document.getElementById("wrapups-later");
  const shown = {};
  for (const key in panels) { shown[key] = panels[key].innerHTML; }
  let busy = root.dataset.busy === "1";
  let left = null;

  /* Every render signs its form's CSRF token afresh (the signature holds the time), so two
     renders of an unchanged panel differ in that value alone: it must not redraw the panel,
     or every 2 seconds a counselor's keyboard focus is lost and a click landing as the
     buttons are replaced goes nowhere. The token already in the page stays valid all session. */
  const TOKEN = /(name="csrf_token" value=")[^"]*"/g;
  function same(a, b) {
    return a === b || (typeof a === "string" && typeof b === "string"
      && a.replace(TOKEN, "$1\"") === b.replace(TOKEN, "$1\""));
  }

  function forms() { return Array.from(list.querySelectorAll(":scope > details[data-call]")); }

  function timerOf() { return list.querySelector("details[data-current] .wrapup-timer"); }

  function showTimer() {
    const timer = timerOf();
    if (!timer) { return; }
    if (left === null) { timer.textContent = "—"; return; }
    const s = Math.max(0, Math.round(left));
    timer.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  const DRAFT = "hotline-wrapup:";

  function kept(el) {
    return el.name && el.type !== "hidden" && el.type !== "submit" && el.name !== "note";
  }

  function saveDraft(details) {
    const answers = [];
    for (const el of details.querySelector("form").elements) {
      if (!kept(el)) { continue; }
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { answers.push([el.name, el.value]); }
      } else {
        answers.push([el.name, el.value]);
      }
    }
    sessionStorage.setItem(DRAFT + details.dataset.call, JSON.stringify(answers));
  }

  function restoreDraft(details) {
    const raw = sessionStorage.getItem(DRAFT + details.dataset.call);
    if (!raw) { return; }
    const answers = JSON.parse(raw);
    for (const el of details.querySelector("form").elements) {
      if (!kept(el)) { continue; }
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = answers.some(([n, v]) => n === el.name && v === el.value);
      } else {
        const found = answers.find(([n]) => n === el.name);
        if (found) { el.value = found[1]; }
      }
    }
  }

  function forgetFiled() {
    const listed = new Set(forms().map((d) => DRAFT + d.dataset.call));
    for (let i = sessionStorage.length - 1; i >= 0; i -= 1) {
      const key = sessionStorage.key(i);
      if (key && key.startsWith(DRAFT) && !listed.has(key)) { sessionStorage.removeItem(key); }
    }
  }

  function remember(event) {
    const details = event.target.closest("details[data-call]");
    if (details) { saveDraft(details); }
  }

  function openNewest() {
    const all = forms();
    if (all.length && !all.some((d) => d.open)) { all[0].open = true; }
  }

  function placeWrapUps(items) {
    const have = new Map(forms().map((d) => [d.dataset.call, d]));
    const wanted = new Set(items.map((i) => i.call_id));
    for (const [call, node] of have) {
      if (!wanted.has(call)) { node.remove(); sessionStorage.removeItem(DRAFT + call); }
    }
    let added = false;
    for (const item of items) {
      let node = have.get(item.call_id);
      if (!node) {
        const holder = document.createElement("div");
        holder.innerHTML = item.html;
        node = holder.firstElementChild;
        added = true;
      } else {
        // What the heading says may change (the call whose wrap-up time runs, a wrap-up
        // paused for a caller in danger): the heading is taken afresh, the form is kept.
        const fresh = document.createElement("div");
        fresh.innerHTML = item.html;
        const current = fresh.firstElementChild.dataset.current;
        if (current) { node.dataset.current = current; } else { delete node.dataset.current; }
        const heading = fresh.querySelector("summary");
        const old = node.querySelector("summary");
        if (heading && old && heading.innerHTML !== old.innerHTML) { old.replaceWith(heading); }
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
      if (!same(desk[key], shown[key])) { panels[key].innerHTML = desk[key]; shown[key] = desk[key]; }
    }
    placeReminder();
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

  // The long-call reminder is shown once per call: once noted, it stays hidden for it.
  const NOTED = "hotline-talk-reminder:";

  function placeReminder() {
    const reminder = document.getElementById("talk-reminder");
    if (reminder && sessionStorage.getItem(NOTED + reminder.dataset.call)) { reminder.hidden = true; }
  }

  panels.card_html.addEventListener("click", (event) => {
    if (!event.target.closest(".talk-reminder-ok")) { return; }
    const reminder = document.getElementById("talk-reminder");
    sessionStorage.setItem(NOTED + reminder.dataset.call, "1");
    reminder.hidden = true;
  });

  for (const details of forms()) { restoreDraft(details); }
  placeReminder();
  forgetFiled();
  list.addEventListener("change", remember);
  list.addEventListener("input", remember);
  if (!busy) { openNewest(); }
  const first = timerOf();
  left = first && first.dataset.left !== "" ? Number(first.dataset.left) : null;
  setInterval(() => { if (left !== null && left > 0) { left -= 1; showTimer(); } }, 1000);
  Hotline.poll(refresh, 2000);
})();
