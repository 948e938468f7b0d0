/* The supervisor's dashboard: every panel from one live feed (live.json, polled), no reload.
   The server renders the panels; each one that changed is brought up to date in place, so a
   button being pressed is not swapped out from under the pointer. A row of a call in
   progress (data-call) is only ever updated by that call's row: a button never changes
   which call it joins. */
"use strict";

(function () {
  const root = document.getElementById("dashboard");
  if (!root) { return; }
  const boxes = new Map();
  for (const box of root.querySelectorAll("[data-panel]")) { boxes.set(box.dataset.panel, box); }
  const shown = new Map();
  const stale = document.getElementById("stale");
  const title = document.title;

  const sameKind = (a, b) => a.nodeType === b.nodeType && a.nodeName === b.nodeName &&
    (a.nodeType !== Node.ELEMENT_NODE || a.getAttribute("data-call") === b.getAttribute("data-call"));

  function morphChildren(old, fresh) {
    const before = Array.from(old.childNodes);
    const after = Array.from(fresh.childNodes);
    after.forEach((node, i) => {
      if (i >= before.length) { old.appendChild(node); } else { morph(before[i], node); }
    });
    before.slice(after.length).forEach((node) => node.remove());
  }

  function morph(old, fresh) {
    if (!sameKind(old, fresh)) { old.replaceWith(fresh); return; }
    if (old.nodeType !== Node.ELEMENT_NODE) {
      if (old.nodeValue !== fresh.nodeValue) { old.nodeValue = fresh.nodeValue; }
      return;
    }
    for (const { name } of Array.from(old.attributes)) {
      if (!fresh.hasAttribute(name)) { old.removeAttribute(name); }
    }
    for (const { name, value } of Array.from(fresh.attributes)) {
      if (old.getAttribute(name) !== value) { old.setAttribute(name, value); }
    }
    morphChildren(old, fresh);
  }

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
        const fresh = document.createElement("template");
        fresh.innerHTML = html;
        morphChildren(box, fresh.content);
        shown.set(name, html);
      }
    }
    document.title = data.alarm ? `${data.alarm} · ${title}` : title;
  }, 3000);
})();
