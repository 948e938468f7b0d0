/* The console keeps itself current: state, call card and wrap-up, every 2 seconds. */
"use strict";

(function () {
  const stateLabel = document.getElementById("state-label");
  const slot = document.getElementById("card-slot");
  const wrapup = document.getElementById("wrapup");
  const wrapCall = document.getElementById("wrapup-call");
  const timer = document.getElementById("wrapup-timer");
  const stateButtons = document.querySelectorAll("#state-form button");
  let left = timer && timer.dataset.left !== "" ? Number(timer.dataset.left) : null;
  let lastCard = slot.innerHTML;

  function showTimer() {
    if (!timer) { return; }
    if (left === null) { timer.textContent = "—"; return; }
    const s = Math.max(0, Math.round(left));
    timer.textContent = Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  async function refresh() {
    const response = await fetch("/console/state.json", {
      credentials: "same-origin", headers: { "Accept": "application/json" },
    });
    if (response.status === 401) { window.location.reload(); return; }
    if (!response.ok) { return; }
    const desk = await response.json();
    stateLabel.textContent = desk.state_label;
    stateLabel.className = "state state-" + (desk.state || "");
    stateLabel.dataset.state = desk.state || "";
    const busy = desk.state === "ringing" || desk.state === "on_call";
    for (const button of stateButtons) { button.disabled = busy; }
    if (desk.card_html !== lastCard) { slot.innerHTML = desk.card_html; lastCard = desk.card_html; }
    if (desk.card && desk.card.stage === "ended") {
      if (!wrapCall.value) { wrapCall.value = desk.card.call_id; }
      wrapup.hidden = false;
    }
    left = desk.wrap_up_left;
    showTimer();
  }

  setInterval(() => { if (left !== null && left > 0) { left -= 1; showTimer(); } }, 1000);
  Hotline.poll(refresh, 2000);
})();
