// Starts the field app: registers the service worker (offline shell) and
// loads the WebAssembly UI. A file rather than an inline script, so the
// page's content security policy allows no inline script at all.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("./sw.js").catch(() => {});
}
import init from "./pkg/palier-app.js";
await init();
