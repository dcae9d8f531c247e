// What the end-to-end tests share: the real palier-server (debug build)
// with a fresh data folder, and headless Chromium processes started by
// hand so a test can SIGKILL them, driven through the DevTools protocol.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import assert from "node:assert/strict";

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, "..", "..");
const target = process.env.CARGO_TARGET_DIR || join(root, "target");
export const screenshots = join(here, "screenshots");
mkdirSync(screenshots, { recursive: true });

let nextPort = 18600 + Math.floor(Math.random() * 300);

/** Starts palier-server --demo on a free port; resolves once it listens. */
export async function startServer(data = mkdtempSync(join(tmpdir(), "palier-e2e-"))) {
  const port = nextPort++;
  const proc = spawn(join(target, "debug", "palier-server"), [
    "serve", "--demo", "--data", data, "--listen", `127.0.0.1:${port}`, "--web", join(root, "web-dist"),
  ], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20000);
    const onData = (chunk) => {
      out += chunk.toString();
      if (out.includes("Palier is listening")) { clearTimeout(timer); resolve(); }
    };
    proc.stdout.on("data", onData);
    proc.stderr.on("data", onData);
    proc.on("exit", (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  const field = (name) => out.match(new RegExp(`${name}:\\s+(\\S+)`))[1];
  const server = {
    url: `http://127.0.0.1:${port}`, port, data, proc,
    code: field("enrolment code"), password: field("password"), email: field("office login"),
    electedEmail: field("elected login"), dpoEmail: field("dpo login"),
    /** Everything the server printed so far (its log). */
    log() { return out; },
    async stop() {
      const running = this.proc;
      if (running.exitCode === null && running.signalCode === null) {
        const exited = new Promise((r) => running.once("exit", r));
        running.kill("SIGTERM");
        await exited;
      }
    },
    /** A fresh one-time code from the office API. */
    async newCode(role = "agent", wholeTown = true) {
      const login = await (await fetch(`${this.url}/api/login`, {
        method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: this.email, password: this.password }),
      })).json();
      const code = await (await fetch(`${this.url}/api/enrolment-codes`, {
        method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${login.token}` },
        body: JSON.stringify({ role, whole_town: wholeTown }),
      })).json();
      return code.code;
    },
    /** What the server's store holds, read by the store-inspect tool. */
    inspect() {
      const dir = join(data, "municipalities");
      const file = readdirSync(dir).find((f) => f.endsWith(".sqlite") && !f.endsWith(".readmodel.sqlite"));
      return JSON.parse(execFileSync(join(target, "debug", "store-inspect"), [join(dir, file)]).toString());
    },
  };
  return server;
}

/** Restarts a stopped server on the same port and data. */
export async function restartServer(server) {
  const again = await startServerOn(server.data, server.port);
  Object.assign(server, { proc: again.proc, code: again.code, password: again.password });
  return server;
}

async function startServerOn(data, port) {
  const saved = nextPort;
  nextPort = port;
  try { return await startServer(data); } finally { nextPort = saved; }
}

/** Starts Chromium on a profile folder, as a process the test can kill. */
export async function launch(profile = mkdtempSync(join(tmpdir(), "palier-profile-"))) {
  const proc = spawn("/usr/bin/chromium", [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    `--user-data-dir=${profile}`, "--remote-debugging-port=0", "about:blank",
  ], { stdio: ["ignore", "ignore", "pipe"], detached: true });
  const ws = await new Promise((resolve, reject) => {
    let err = "";
    const timer = setTimeout(() => reject(new Error(`chromium did not start: ${err}`)), 20000);
    proc.stderr.on("data", (chunk) => {
      err += chunk.toString();
      const m = err.match(/DevTools listening on (ws:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  });
  // Chromium's helper processes inherit the pipe; stop reading so they
  // cannot keep this process alive.
  proc.stderr.destroy();
  const browser = await chromium.connectOverCDP(ws);
  const context = browser.contexts()[0];
  const page = context.pages()[0] || await context.newPage();
  await page.setViewportSize({ width: 390, height: 844 });
  page.on("pageerror", (e) => console.log("pageerror:", e.message));
  return {
    profile, proc, browser, context, page,
    /** SIGKILL, as when the battery dies. */
    async kill() {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        await browser.close().catch(() => {});
        return;
      }
      const exited = new Promise((r) => proc.once("exit", r));
      // The whole process group: browser, renderers, GPU and storage.
      process.kill(-proc.pid, "SIGKILL");
      await exited;
      await browser.close().catch(() => {});
    },
  };
}

const axeSource = readFileSync(join(here, "node_modules", "axe-core", "axe.min.js"), "utf8");

/** Runs axe-core on the page; returns serious and critical violations. */
export async function seriousViolations(page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`);
}

/** The paths the web build serves, its service worker aside. */
export function webFiles() {
  const base = join(root, "web-dist");
  // The `.br` and `.gz` beside a file are how it travels, not files the
  // app asks for.
  return readdirSync(base, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name !== "sw.js" && !/\.(br|gz)$/.test(e.name))
    .map((e) => "/" + join(e.parentPath ?? e.path, e.name).slice(base.length + 1));
}

/** Saves a phone-size screenshot under tests/e2e/screenshots/. */
export async function shot(page, name) {
  await page.screenshot({ path: join(screenshots, `${name}.png`) });
}

/** Saves a screenshot (`fullPage`: the whole page) and checks the page
 * with axe-core: no serious or critical violation. */
export async function checkScreen(page, name, fullPage = false) {
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage });
  assert.deepEqual(await seriousViolations(page), [], `accessibility of ${name}`);
}

/** Submits the form `formSelector` names and waits for the next page. */
export async function submit(page, formSelector) {
  await Promise.all([page.waitForNavigation(), page.click(`${formSelector} button[type=submit]`)]);
}

/** Logs in at the office from its own form. */
export async function logIn(page, url, email, password) {
  await page.goto(`${url}/office/login`);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForNavigation(), page.click("form button[type=submit]")]);
}

/** Enrols the app in `page` with `code` and waits for its sectors. */
export async function enrol(page, url, code, name = "Samia – téléphone 3") {
  await page.goto(url);
  await page.fill("#code", code);
  await page.fill("#device-name", name);
  await page.click("button.primary");
  await page.waitForSelector(".list .row", { timeout: 30000 });
}

/** Opens the first sector, then building `n` of its walk list. */
export async function openBuilding(page, n) {
  await page.click(".list.sectors .row >> nth=0");
  await page.waitForSelector(".walk .row");
  await page.click(`.walk .row >> nth=${n}`);
  await page.waitForSelector(".grid .door");
}

/** Records `outcome` at door `n` of the open building: two taps. */
export async function tapOutcome(page, n, outcome) {
  await page.click(`.grid .door >> nth=${n}`);
  await page.click(`.outcome.o-${outcome}`);
  await page.waitForSelector(".toast");
  await page.waitForSelector(".grid .door");
}

/** Syncs from the sync screen and comes back. */
export async function syncNow(page) {
  await page.click(".bar .sync");
  await page.click("button.primary");
  await page.waitForSelector("p.ok[role=status], p.error[role=alert]", { timeout: 30000 });
  const ok = await page.$("p.ok[role=status]");
  await page.click(".bar .back");
  return ok !== null;
}

/** Every file under `dir`, recursively. */
function filesUnder(dir) {
  let files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files = files.concat(filesUnder(path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/**
 * Where `words` are held under `dir` (a browser profile, a server's data
 * folder): each file whose raw bytes hold them, or, for a Palier store
 * (the browser's OPFS pool files included), whose documents decoded with
 * their whole history do. Read by the held-words tool.
 */
export function holdingWords(dir, words) {
  const held = [];
  for (const file of filesUnder(dir)) {
    if (statSync(file).size === 0) continue;
    const found = JSON.parse(execFileSync(join(target, "debug", "held-words"), [file, words]).toString());
    if (found.raw || found.decoded) held.push({ file, ...found });
  }
  return held;
}

/** The files of the browser's origin-private file system (OPFS) under a profile. */
export function opfsDir(profile) {
  return join(profile, "Default", "File System");
}
