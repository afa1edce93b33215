/* backpath's service worker: the patient's pages without a connection, and what they save
 * offline sent later. Served at /sw.js by backpath/web/pwa.py, which puts CONFIG in front
 * of this file: the app shell's URLs, the paths below, and the cache version.
 *
 * - The app shell (styles, scripts, icons, the offline pages): cached at install; any other
 *   static file a page loads is kept as it passes. Network first: the copy is for offline.
 * - Home, Today, the plan and the diary: network first; offline, the last copy kept. They
 *   hold health data, so they are deleted at logout and whenever the login page opens.
 *   Another page of the patient's (under /me/) offline: the offline page. The worker leaves
 *   every other request alone (the clinic's pages, the admin, downloads).
 * - A post of the exercise log, the activity log or the diary that cannot reach the server
 *   is kept in IndexedDB (URL, body, content type, time) and answered "saved on this
 *   phone" (202). The queue is sent again in order when the connection is back (a message
 *   from offline.js, Background Sync where the browser has it, each start of this worker);
 *   an entry leaves it only after an answer that is not a server error.
 *
 * An entry remembers whose it was (offline.js tells the user id): it is sent only while the
 * same person is logged in. Logging in gives a new CSRF token; an entry sent for the same
 * person carries the token of the page now open, so "log in again" is enough to send it.
 */
/* global CONFIG */
"use strict";

const SHELL_CACHE = `backpath-shell-${CONFIG.version}`;
const PAGES_CACHE = `backpath-pages-${CONFIG.version}`;
const DB_NAME = "backpath-offline";
const QUEUE = "queue";
const META = "meta";
const SYNC_TAG = "backpath-send";
// Kept for later: not allowed now (log in again), or asked to wait.
const KEEP = new Set([401, 403, 408, 429]);
const SAVED_START = "<!-- offline-saved -->";
const SAVED_END = "<!-- /offline-saved -->";
// Headers of the cached offline page that the "saved" answer keeps (the CSP above all).
const ANSWER_HEADERS = [
  "content-type",
  "content-language",
  "content-security-policy",
  "permissions-policy",
  "referrer-policy",
  "x-content-type-options",
  "x-frame-options",
  "cross-origin-opener-policy",
];

// --- IndexedDB: the queue (in order of arrival) and a few remembered values ---------------

let opened = null;

function database() {
  if (!opened) {
    opened = new Promise((resolve, reject) => {
      const request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore(QUEUE, { keyPath: "id", autoIncrement: true });
        request.result.createObjectStore(META);
      };
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => {
          db.close();
          opened = null;
        };
        resolve(db);
      };
      request.onerror = () => reject(request.error);
    });
    opened.catch(() => {
      opened = null;
    });
  }
  return opened;
}

/** One request in its own transaction; resolves when the transaction has committed. */
async function transact(storeName, mode, work) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(storeName, mode);
    let result;
    const request = work(tx.objectStore(storeName));
    request.onsuccess = () => {
      result = request.result;
    };
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

const waitingEntries = () => transact(QUEUE, "readonly", (store) => store.getAll());
const keep = (entry) => transact(QUEUE, "readwrite", (store) => store.add(entry));
const drop = (id) => transact(QUEUE, "readwrite", (store) => store.delete(id));
const recall = (key) => transact(META, "readonly", (store) => store.get(key));
const remember = (key, value) => transact(META, "readwrite", (store) => store.put(value, key));

// --- install, activate ---------------------------------------------------------------------

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(CONFIG.shell))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const current = new Set([SHELL_CACHE, PAGES_CACHE]);
      for (const name of await caches.keys()) {
        if (name.startsWith("backpath-") && !current.has(name)) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
  // Not part of the activation: a slow connection must not hold the new worker back.
  replay().catch(() => undefined);
});

// --- requests ------------------------------------------------------------------------------

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST") {
    if (url.pathname === CONFIG.logout) event.respondWith(logOut(request));
    else if (CONFIG.queued.includes(url.pathname)) event.respondWith(sendOrKeep(request));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    if (url.pathname === CONFIG.login) {
      // Whoever logs in next must not find the last patient's pages.
      event.waitUntil(forgetPages());
    } else if (CONFIG.pages.includes(url.pathname)) {
      event.respondWith(networkFirst(request, PAGES_CACHE, url.pathname));
    } else if (url.pathname.startsWith(CONFIG.area)) {
      // Another page of the patient's: offline, the page that says so. Outside the
      // patient's part of the site (the clinic's pages) the worker stays out of the way.
      event.respondWith(fetch(request).catch(offlinePage));
    }
    return;
  }
  // The shell, and any other static file a page loads (kept as it passes): network first.
  if (CONFIG.shell.includes(url.pathname) || url.pathname.startsWith(CONFIG.static)) {
    event.respondWith(networkFirst(request, SHELL_CACHE, url.pathname));
  }
});

/** The server's answer, kept for later; offline, the copy kept last time. */
async function networkFirst(request, cacheName, key) {
  try {
    const response = await fetch(request);
    // Only a page that really is the patient's (not a redirect to the login page).
    if (response.status === 200 && response.type === "basic" && !response.redirected) {
      const cache = await caches.open(cacheName);
      await cache.put(key, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await caches.match(key, { ignoreSearch: true, ignoreVary: true });
    if (cached) return cached;
    if (request.mode === "navigate") return offlinePage();
    throw error;
  }
}

async function offlinePage() {
  const page = await caches.match(CONFIG.offline, { ignoreVary: true });
  return page || Response.error();
}

async function forgetPages() {
  await caches.delete(PAGES_CACHE);
}

async function logOut(request) {
  await forgetPages();
  await remember("session", null);
  try {
    return await fetch(request);
  } catch (error) {
    return offlinePage();
  }
}

/** A post of a queued form: sent now, or kept on the phone and answered "saved". */
async function sendOrKeep(request) {
  const body = await request.clone().text();
  // What waits goes first, in order: an older entry must not overwrite a newer one.
  await replay().catch(() => undefined);
  try {
    return await fetch(request);
  } catch (error) {
    const session = (await recall("session")) || {};
    await keep({
      url: new URL(request.url).pathname,
      body,
      contentType: request.headers.get("Content-Type") || "application/x-www-form-urlencoded",
      at: new Date().toISOString(),
      user: session.user || "",
    });
    if (self.registration.sync) {
      await self.registration.sync.register(SYNC_TAG).catch(() => undefined);
    }
    await report({});
    return savedAnswer(request);
  }
}

/** "Saved on this phone": the whole page, or for htmx the notice, put at the top of the
 * card the form was in (HX-Reswap), so the card keeps its exercise and what was entered. */
async function savedAnswer(request) {
  const page = await caches.match(CONFIG.saved, { ignoreVary: true });
  let html = page ? await page.text() : "";
  const headers = new Headers({ "Content-Type": "text/html; charset=utf-8" });
  if (page) {
    for (const name of ANSWER_HEADERS) {
      const value = page.headers.get(name);
      if (value) headers.set(name, value);
    }
  }
  headers.set("Cache-Control", "no-store");
  if (request.headers.get("HX-Request") === "true") {
    const start = html.indexOf(SAVED_START);
    const end = html.indexOf(SAVED_END);
    html =
      start >= 0 && end > start
        ? html.slice(start + SAVED_START.length, end)
        : '<p class="notice notice--info" role="status">Saved on this phone.</p>';
    headers.set("HX-Reswap", "afterbegin");
  }
  return new Response(html, { status: 202, statusText: "Accepted", headers });
}

// --- sending the queue ---------------------------------------------------------------------

let running = null;
let again = false;

/** Send what waits, once at a time; a call during a run makes one more run after it. */
function replay() {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    let outcome;
    try {
      do {
        again = false;
        outcome = await exclusively(sendWaiting);
      } while (again);
    } finally {
      running = null;
    }
    return outcome;
  })();
  return running;
}

/** One sender at a time on this phone, also across an old and a new worker (Web Locks). */
function exclusively(work) {
  const locks = self.navigator && self.navigator.locks;
  return locks ? locks.request("backpath-send", work) : work();
}

/** The body with the CSRF token of the page open now (the same person's, after a login). */
function withToken(body, csrf) {
  if (!csrf) return body;
  const form = new URLSearchParams(body);
  if (!form.has("csrfmiddlewaretoken")) return body;
  form.set("csrfmiddlewaretoken", csrf);
  return form.toString();
}

async function sendWaiting() {
  const session = (await recall("session")) || {};
  const entries = await waitingEntries();
  let sent = 0;
  let dropped = 0;
  let blocked = false;
  let offline = false;
  for (const entry of entries) {
    // Someone else's entry waits until they are logged in again on this phone.
    if (entry.user && session.user && entry.user !== session.user) continue;
    const own = Boolean(entry.user) && entry.user === session.user;
    const urlencoded = entry.contentType.startsWith("application/x-www-form-urlencoded");
    let response;
    try {
      response = await fetch(entry.url, {
        method: "POST",
        body: own && urlencoded ? withToken(entry.body, session.csrf) : entry.body,
        headers: { "Content-Type": entry.contentType },
        credentials: "same-origin",
        redirect: "follow",
        cache: "no-store",
      });
    } catch (error) {
      offline = true; // still no connection: this one and the rest wait, in order
      break;
    }
    const landed = new URL(response.url || entry.url, self.location.origin).pathname;
    if (landed === CONFIG.login || KEEP.has(response.status)) {
      blocked = landed === CONFIG.login || response.status === 401 || response.status === 403;
      break;
    }
    if (response.status >= 500) break; // the server's trouble: try again later
    await drop(entry.id);
    if (response.ok) sent += 1;
    else dropped += 1;
  }
  await remember("blocked", blocked);
  await report({ sent, dropped });
  return { offline };
}

/** Tell every open page how many of the current person's entries wait. */
async function report({ sent = 0, dropped = 0 }) {
  const session = (await recall("session")) || {};
  const entries = await waitingEntries();
  const waiting = entries.filter(
    (entry) => !entry.user || !session.user || entry.user === session.user,
  ).length;
  const message = {
    type: "backpath-offline",
    waiting,
    blocked: waiting > 0 && Boolean(await recall("blocked")),
    sent: sent > 0 && waiting === 0,
    dropped,
  };
  const pages = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const page of pages) page.postMessage(message);
}

// --- what offline.js says --------------------------------------------------------------------

/** The offline pages in the language of the person using them (kept at install). */
async function matchLanguage(lang) {
  if (!lang || lang === (await recall("lang"))) return;
  const cache = await caches.open(SHELL_CACHE);
  await cache.addAll([CONFIG.offline, CONFIG.saved]);
  await remember("lang", lang);
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "logout") {
    event.waitUntil(forgetPages().then(() => remember("session", null)));
    return;
  }
  if (data.type !== "hello" && data.type !== "online" && data.type !== "status") return;
  event.waitUntil(
    (async () => {
      if (data.user) await remember("session", { user: String(data.user), csrf: data.csrf || "" });
      await matchLanguage(data.lang).catch(() => undefined);
      if (data.type === "status") await report({});
      else await replay();
    })(),
  );
});

self.addEventListener("sync", (event) => {
  if (event.tag !== SYNC_TAG) return;
  event.waitUntil(
    replay().then((outcome) => {
      // Still offline: a failed sync is tried again by the browser later.
      if (outcome && outcome.offline) throw new Error("still offline");
    }),
  );
});

// Each start of the active worker: send what is waiting (the browser may have been closed
// offline). A worker still installing waits: it sends once it is active.
if (self.serviceWorker && self.serviceWorker.state === "activated") {
  replay().catch(() => undefined);
}
