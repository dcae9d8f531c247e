// Palier's service worker: the app shell is cached at install so the field
// app opens with no network. Only the shell is ever cached: the API, the
// office and its exports always go to the network and never into a cache
// (they hold a municipality's data; the office is used on shared computers).
const CACHE = "palier-shell-v1";
// Every file of the web build, wasm-bindgen's snippets included: all are
// cached at install, so a phone killed right after its first visit still
// opens offline. scripts/build-web.sh writes the list.
const FILES = [];
const SHELL = ["./", ...FILES];
const SCOPE = new URL("./", self.location).pathname;

// Whether a path is part of the field app's shell.
function isShell(pathname) {
  if (!pathname.startsWith(SCOPE)) return false;
  const rest = pathname.slice(SCOPE.length);
  return rest.startsWith("pkg-") || SHELL.some((p) => p.slice(2) === rest);
}

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
  if (event.request.method !== "GET" || url.origin !== self.location.origin || !isShell(url.pathname)) {
    return; // not ours to answer: straight to the network, never cached
  }
  // Network first so a new build reaches phones that are online; the
  // cache answers when there is no network. The page itself falls back to
  // the shell; a script never does (HTML in its place breaks the app).
  const navigation = event.request.mode === "navigate";
  event.respondWith(
    fetch(event.request)
      .then((response) => {
        if (response.ok) {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then((cache) => cache.put(event.request, copy)));
        }
        return response;
      })
      .catch(() => caches.match(event.request, { ignoreSearch: true, ignoreVary: true })
        .then((hit) => hit || (navigation ? caches.match("./index.html") : Response.error()))),
  );
});
