/* Shared by every page: fetch() with the CSRF token, and a polling helper. */
"use strict";

const Hotline = {
  csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  },

  /* POST (or any method) with the CSRF token in X-CSRFToken; JSON in, JSON out. */
  async send(url, data, method = "POST") {
    const response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": Hotline.csrfToken(),
                 "Accept": "application/json" },
      body: data === undefined ? undefined : JSON.stringify(data),
    });
    if (response.status === 401) { window.location.reload(); }
    return response;
  },

  /* Call fn every `ms` milliseconds while the page is shown; at once when it comes back. */
  poll(fn, ms = 2000) {
    let timer = null;
    const tick = async () => {
      clearTimeout(timer);
      try { await fn(); } catch (err) { /* the next tick tries again */ }
      if (!document.hidden) { timer = setTimeout(tick, ms); }
    };
    document.addEventListener("visibilitychange", () => { if (!document.hidden) { tick(); } });
    tick();
  },
};
window.Hotline = Hotline;
