/* backpath offline, on a logged-in patient's pages (and the offline pages): registers the
 * service worker (sw.js, served from the site root), says when the phone is offline, and
 * shows what waits on the phone to be sent. No inline script: the CSP allows only files.
 *
 * The banner (#offline-status) carries the texts in the patient's language as data-*
 * attributes; on the patient's pages also the user id, which the worker keeps with each
 * entry so it is only ever sent while the same person is logged in.
 */
(function () {
  "use strict";
  // An entry that adds up (the activity) or may be sent again: each save gets a new id
  // before the form is sent (capture phase: before htmx reads the form), so two walks
  // saved from the same page kept on the phone count twice, and the same entry sent
  // again by the worker (it keeps the body, id included) counts once. Without
  // crypto.randomUUID (not a secure context) the page's own id stays.
  document.addEventListener(
    "submit",
    function (event) {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || !window.crypto || !crypto.randomUUID) return;
      const id = form.querySelector("input[data-fresh-submission]");
      if (id) id.value = crypto.randomUUID();
    },
    true,
  );

  const banner = document.getElementById("offline-status");
  if (!banner || !("serviceWorker" in navigator)) return;
  const text = banner.dataset;
  const worker = navigator.serviceWorker;
  let waiting = 0;
  let blocked = false;
  let note = "";
  let noteTone = "";

  function token() {
    // Every patient page has one (the logout form); the worker sends it with what waits.
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function tell(type) {
    const message = { type: type, lang: document.documentElement.lang };
    if (text.user) {
      message.user = text.user;
      message.csrf = token();
    }
    worker.ready.then(function (registration) {
      const to = worker.controller || registration.active;
      if (to) to.postMessage(message);
    });
  }

  function show() {
    const parts = [];
    if (!navigator.onLine) parts.push(text.offline);
    if (waiting === 1) parts.push(text.waitingOne);
    else if (waiting > 1) parts.push(text.waitingMany.replace("{n}", String(waiting)));
    if (waiting === 0 && note) parts.push(note);
    banner.textContent = parts.join(" ");
    if (waiting > 0 && blocked) {
      // The session ended (or another login changed the token): logging in sends them.
      const link = document.createElement("a");
      link.href = text.loginUrl;
      link.textContent = text.login;
      banner.append(" ", link);
    }
    let tone = noteTone || "info";
    if (waiting > 0 || !navigator.onLine) tone = blocked ? "warning" : "info";
    banner.className = "container";
    if (banner.textContent) banner.classList.add("notice", "notice--" + tone);
    banner.dataset.waiting = String(waiting);
  }

  worker.addEventListener("message", function (event) {
    const data = event.data || {};
    if (data.type !== "backpath-offline") return;
    waiting = data.waiting || 0;
    blocked = Boolean(data.blocked);
    if (waiting > 0) note = "";
    if (data.dropped) {
      note = text.dropped;
      noteTone = "warning";
    } else if (data.sent) {
      note = text.sent;
      noteTone = "success";
    }
    show();
  });
  worker.startMessages();

  window.addEventListener("online", function () {
    show();
    tell("online");
  });
  window.addEventListener("offline", function () {
    note = "";
    show();
  });

  // Logging out: the worker deletes the pages it kept (it also sees the post itself).
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.getAttribute("action") === text.logout) {
      if (worker.controller) worker.controller.postMessage({ type: "logout" });
    }
  });

  show();
  worker
    .register(text.sw, { scope: "/" })
    .then(function () {
      tell(text.user ? "hello" : "status");
    })
    .catch(function () {
      // No worker (a private window, an old browser): the pages work as before, online.
    });
})();
