// The storage worker: the same wasm module, which sees it runs in a
// dedicated worker and opens the SQLite store on OPFS instead of the UI.
import init from "./pkg/palier-app.js";
await init();
