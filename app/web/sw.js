// Palier's service worker: the app shell is cached at install so the field
// app opens with no network; the API always goes to the network (the app
// never needs it to work, only to sync).
const CACHE = "palier-shell-v1";
const SHELL = [
  "./", "./index.html", "./worker.js", "./manifest.webmanifest", "./icon.svg",
  "./pkg/palier-app.js", "./pkg/palier-app_bg.wasm",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.pathname.startsWith("/api/") || url.pathname === "/health") {
    return;
  }
  // Network first so a new build reaches phones that are online; the
  // cache answers when there is no network.
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(event.request, copy));
        }
        return response;
      })
      .catch(() => caches.match(event.request, { ignoreSearch: true })
        .then((hit) => hit || caches.match("./index.html"))),
  );
});
