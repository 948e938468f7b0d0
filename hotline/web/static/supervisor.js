/* The rules editor: its listing of problems and its line gutter (the dashboard's script is dashboard.js). */
"use strict";

(function () {
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
