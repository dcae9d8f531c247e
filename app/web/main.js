// Starts the field app: loads the WebAssembly UI, then registers the
// service worker (offline shell). A file rather than an inline script, so
// the page's content security policy allows no inline script at all.
//
// The worker is registered once the first screen is up: registered
// before, its install fetched every file at the same time as the page,
// the module twice over a slow line. After, it finds the built files in
// the HTTP cache (they are immutable), and nothing goes twice.
import init from "./pkg/palier-app.js";
await init();
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("./sw.js").catch(() => {});
}
