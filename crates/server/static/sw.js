// Doorstep's service worker: keeps the app shell (styles, scripts, icons) and the last Today
// page on the phone so the one-tap actions still open with no signal. Actions themselves are
// never handled here: POSTs go straight to the network, and the page queues what fails
// (static/app.js), so nothing is sent twice from two places.
const SHELL = "doorstep-shell-v1";
const PAGES = "doorstep-pages-v1";
const SHELL_FILES = [
  "/static/app.css",
  "/static/app.js",
  "/static/htmx.min.js",
  "/static/icons/icon.svg",
  "/static/icons/icon-192.png",
  "/manifest.webmanifest"
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((c) => c.addAll(SHELL_FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== SHELL && k !== PAGES).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

const offlinePage = () => new Response(
  '<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
  '<title>No signal – Doorstep</title><link rel="stylesheet" href="/static/app.css"></head><body><main id="main" class="narrow">' +
  "<h1>No signal</h1><p class=\"lead\">This page needs a connection. Your Today page works offline once it has been opened with signal.</p>" +
  '<p><a class="button" href="/today">Today</a></p><p><a class="button" href="tel:999">Call 999</a></p></main></body></html>',
  { status: 503, headers: { "content-type": "text/html; charset=utf-8" } }
);

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/api/")) return;
  if (url.pathname.startsWith("/static/") || url.pathname === "/manifest.webmanifest") {
    event.respondWith(
      caches.open(SHELL).then((c) => c.match(req).then((hit) => {
        const fresh = fetch(req).then((res) => { if (res.ok) c.put(req, res.clone()); return res; });
        return hit || fresh;
      }))
    );
    return;
  }
  if (req.mode === "navigate") {
    event.respondWith(
      fetch(req).then((res) => {
        if (res.ok && url.pathname === "/today" && !res.redirected) {
          const copy = res.clone();
          caches.open(PAGES).then((c) => c.put("/today", copy));
        }
        return res;
      }).catch(() =>
        caches.open(PAGES).then((c) => c.match(url.pathname === "/today" ? "/today" : "/today-only"))
          .then((hit) => hit || offlinePage())
      )
    );
  }
});

// Signing out forgets the saved page.
self.addEventListener("message", (event) => {
  if (event.data === "signed-out") event.waitUntil(caches.delete(PAGES));
});
