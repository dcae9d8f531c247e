// Benchmarks of the web build (figures in BENCHMARKS.md), not tests:
//   1. what the phone downloads, raw and gzipped;
//   2. reload offline on the 200-dwelling tower's door grid → shown again;
//   3. tap "not home" → durably saved (the app shows "saved" only once the
//      storage worker's SQLite commit on OPFS returned);
//   4. tap "save" on the idea form → durably saved, the same way.
// Run: node tests/e2e/bench.mjs (after scripts/build-web.sh and a debug
// build of palier-server and store-inspect).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { root, startServer, launch, enrol } from "./harness.mjs";

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    // The `.br` and `.gz` beside a file are how it travels, not more files.
    if (/\.(br|gz)$/.test(name)) return [];
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const dist = join(root, "web-dist");
let raw = 0, gz = 0;
for (const file of files(dist)) {
  const bytes = readFileSync(file);
  raw += bytes.length;
  gz += gzipSync(bytes, { level: 9 }).length;
}
const mib = (n) => (n / 1048576).toFixed(2);
console.log(`web build: ${mib(raw)} MiB raw, ${mib(gz)} MiB gzipped (${files(dist).length} files)`);

const percentile = (xs, p) => [...xs].sort((a, b) => a - b)[Math.round((xs.length - 1) * p)];

// Times each save request to the storage worker until its reply: the
// worker answers only after the SQLite commit on OPFS.
function timeSaves() {
  const Original = window.Worker;
  window.__saves = [];
  const pairs = [['"Record"', '"Recorded"'], ['"SaveIdea"', '"IdeaSaved"']];
  window.Worker = class extends Original {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        if (typeof event.data === "string" && window.__sent !== undefined
            && event.data.includes(pairs[window.__kind][1])) {
          window.__saves.push(performance.now() - window.__sent);
          window.__sent = undefined;
        }
      });
    }
    postMessage(message, ...rest) {
      if (typeof message === "string") {
        const kind = pairs.findIndex(([request]) => message.includes(request));
        if (kind >= 0) { window.__kind = kind; window.__sent = performance.now(); }
      }
      return super.postMessage(message, ...rest);
    }
  };
}

const server = await startServer();
const phone = await launch();
try {
  const page = phone.page;
  // Time each Record request to the storage worker until its "Recorded"
  // reply: the worker answers only after the SQLite commit on OPFS.
  await phone.context.addInitScript(timeSaves);
  await enrol(page, server.url, server.code);
  const openTower = async () => {
    await page.click(".list.sectors .row >> nth=0");
    await page.click(".walk .row >> nth=6");
    await page.waitForSelector(".grid .door >> nth=199");
  };
  await openTower();
  await phone.context.setOffline(true);
  const reloads = [];
  for (let i = 0; i < 10; i++) {
    const start = performance.now();
    // The grid is a route: a reload comes straight back to it.
    await page.reload();
    await page.waitForSelector(".grid .door >> nth=199");
    reloads.push(performance.now() - start);
  }
  console.log(`reload offline → 200-door grid: p50 ${percentile(reloads, 0.5).toFixed(0)} ms, max ${Math.max(...reloads).toFixed(0)} ms (10 reloads, straight back on the grid)`);

  const taps = [];
  for (let door = 0; door < 40; door++) {
    await page.click(`.grid .door >> nth=${door}`);
    await page.waitForSelector(".outcome.o-NotHome");
    const start = performance.now();
    await page.click(".outcome.o-NotHome");
    // The grid comes back only once the save returned.
    await page.waitForSelector(".grid .door");
    taps.push(performance.now() - start);
  }
  const saves = await page.evaluate(() => window.__saves);
  console.log(`tap "not home" → durably saved (request to the storage worker → its reply after the commit): p50 ${percentile(saves, 0.5).toFixed(1)} ms, p99 ${percentile(saves, 0.99).toFixed(1)} ms (${saves.length} saves)`);
  console.log(`tap "not home" → grid shown again with the door updated (whole UI round): p50 ${percentile(taps, 0.5).toFixed(1)} ms, p99 ${percentile(taps, 0.99).toFixed(1)} ms (40 taps)`);

  // An ambassador's phone: the idea form, offline.
  const ambassador = await launch();
  try {
    const p = ambassador.page;
    await ambassador.context.addInitScript(timeSaves);
    await enrol(p, server.url, await server.newCode("youth_ambassador"), "Collège");
    await p.click(".list.collections .row >> nth=0");
    await ambassador.context.setOffline(true);
    const rounds = [];
    for (let n = 0; n < 40; n++) {
      await p.click(".new-idea");
      await p.fill("#idea-title", `Idée ${n}`);
      await p.selectOption("#idea-category", { index: 1 });
      const start = performance.now();
      await p.click(".save-idea");
      await p.waitForSelector(".new-idea");
      rounds.push(performance.now() - start);
    }
    const saves = await p.evaluate(() => window.__saves);
    console.log(`tap "save" on the idea form → durably saved: p50 ${percentile(saves, 0.5).toFixed(1)} ms, p99 ${percentile(saves, 0.99).toFixed(1)} ms (${saves.length} saves)`);
    console.log(`tap "save" → today's list shown with the idea (whole UI round): p50 ${percentile(rounds, 0.5).toFixed(1)} ms, p99 ${percentile(rounds, 0.99).toFixed(1)} ms (40 ideas)`);
  } finally {
    await ambassador.kill();
  }
} finally {
  await phone.kill();
  await server.stop();
}
