/* The rules and scripts editor: line numbers beside the text, the first problem in view, a
   problem's line one click away, no unsaved edit lost without a word, and a roll back that
   asks first and names the version it brings back. */
"use strict";

(function () {
  const areas = [...document.querySelectorAll("textarea.code")];
  const lineHeight = (el) => parseFloat(getComputedStyle(el).lineHeight) || 18;

  /* The text's line `n` near the top of its box, the caret at its start. */
  const showLine = (area, n, focus) => {
    const before = area.value.split("\n").slice(0, n - 1);
    const start = before.reduce((sum, line) => sum + line.length + 1, 0);
    if (focus) { area.focus({ preventScroll: true }); }
    area.setSelectionRange(start, start);
    area.scrollTop = Math.max(0, (n - 3) * lineHeight(area));
    area.dispatchEvent(new Event("scroll"));
  };

  /* Line numbers beside each text, scrolled with it; lines with a problem marked. */
  for (const area of areas) {
    const gutter = area.parentElement.querySelector(".gutter");
    const bad = (area.dataset.badLines || "").split(",").filter(Boolean).map(Number);
    if (gutter) {
      const marked = new Set(bad);
      const draw = () => {
        const n = area.value.split("\n").length;
        gutter.replaceChildren();
        for (let i = 1; i <= n; i++) {
          const line = document.createElement("span");
          line.textContent = i;
          if (marked.has(i)) { line.className = "bad"; }
          gutter.appendChild(line);
        }
        gutter.scrollTop = area.scrollTop;
      };
      area.addEventListener("input", draw);
      area.addEventListener("scroll", () => { gutter.scrollTop = area.scrollTop; });
      draw();
    }
    if (bad.length) { showLine(area, Math.min(...bad), false); }
  }

  /* A refused text's listing opens at its first problem, a couple of lines above it. */
  for (const listing of document.querySelectorAll("ol.listing")) {
    const bad = listing.querySelector("li.bad");
    if (bad) {
      const above = bad.getBoundingClientRect().top - listing.getBoundingClientRect().top;
      listing.scrollTop = Math.max(0, listing.scrollTop + above - 2 * lineHeight(bad));
    }
  }

  /* A problem's "line N" takes the caret to that line of the text. */
  for (const link of document.querySelectorAll("a.to-line")) {
    const area = document.getElementById(link.dataset.area);
    if (!area) { continue; }
    link.addEventListener("click", (event) => {
      event.preventDefault();
      area.scrollIntoView({ block: "center" });
      showLine(area, Number(link.dataset.line), true);
    });
  }

  /* An edit not published is not lost without a word: leaving the page asks first, except
     through the editor's own buttons, which send the text along. */
  let leaving = false;
  const unsaved = () => areas.some((a) => a.value !== a.defaultValue || a.dataset.unpublished === "1");
  for (const area of areas) {
    if (area.form) { area.form.addEventListener("submit", () => { leaving = true; }); }
  }
  window.addEventListener("beforeunload", (event) => {
    if (!leaving && unsaved()) { event.preventDefault(); event.returnValue = ""; }
  });

  /* A roll back says which version it brings back, and asks. */
  for (const form of document.querySelectorAll("form.rollback")) {
    form.addEventListener("submit", (event) => {
      const question = form.dataset.confirm + (unsaved() ? "\n\n" + form.dataset.unsaved : "");
      if (!window.confirm(question)) { event.preventDefault(); return; }
      leaving = true;
    });
  }
})();
