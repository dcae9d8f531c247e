// Benchmark of the field app's first load (figures in BENCHMARKS.md), not
// a test: a phone that never opened Palier, on Chromium's Slow 4G profile
// (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up) with the CPU slowed
// 4×, opens the server's address; "first screen" is the enrolment screen
// with its code field usable. Then, offline, the reload of that screen
// from the service worker. Each run is a fresh browser profile.
// Run: node tests/e2e/bench-first-load.mjs (after scripts/build-web.sh and
// a debug build of palier-server).
import { startServer, launch } from "./harness.mjs";

const RUNS = 5;
const SLOW_4G = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1024 * 1024) / 8,
  uploadThroughput: (750 * 1024) / 8,
};
const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.round((xs.length - 1) * p)];

const server = await startServer();
const first = [], offline = [], bytes = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const phone = await launch();
    try {
      const page = phone.page;
      const cdp = await phone.context.newCDPSession(page);
      await cdp.send("Network.enable");
      await cdp.send("Network.setCacheDisabled", { cacheDisabled: false });
      await cdp.send("Network.emulateNetworkConditions", SLOW_4G);
      await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
      let received = 0;
      cdp.on("Network.loadingFinished", (e) => { received += e.encodedDataLength; });
      const start = performance.now();
      await page.goto(server.url, { waitUntil: "commit" });
      await page.waitForSelector("#code:not([disabled])", { timeout: 120000 });
      first.push(performance.now() - start);
      bytes.push(received);
      // The service worker installed (its files from the HTTP cache), the
      // phone goes offline and reopens the app.
      await page.evaluate(() => navigator.serviceWorker.ready);
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null
        || navigator.serviceWorker.ready.then(() => true), null, { timeout: 60000 });
      await page.waitForTimeout(2000);
      await cdp.send("Network.emulateNetworkConditions", { ...SLOW_4G, offline: true });
      const again = performance.now();
      await page.reload({ waitUntil: "commit" });
      await page.waitForSelector("#code:not([disabled])", { timeout: 60000 });
      offline.push(performance.now() - again);
    } finally {
      await phone.kill();
    }
  }
} finally {
  await server.stop();
}
const s = (ms) => (ms / 1000).toFixed(2);
console.log(`first screen (enrolment, code field usable), Slow 4G + 4× CPU: p50 ${s(percentile(first, 0.5))} s, min ${s(Math.min(...first))} s, max ${s(Math.max(...first))} s (${RUNS} fresh profiles)`);
console.log(`bytes on the wire until then: p50 ${(percentile(bytes, 0.5) / 1024).toFixed(0)} KiB`);
console.log(`reload offline (service worker), 4× CPU: p50 ${s(percentile(offline, 0.5))} s, max ${s(Math.max(...offline))} s`);
