// The browser side of «trust no device»: the field app runs under its
// content security policy (no inline script), its service worker never
// caches the office, its exports or the API, and the office's login form
// works only from the office's own page.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  startServer, launch, enrol, seriousViolations, shot, webFiles,
} from "./harness.mjs";

test("a phone killed right after enrolling opens offline: the service worker cached every file at install", async () => {
  const server = await startServer();
  let phone = await launch();
  try {
    await enrol(phone.page, server.url, server.code);
    await phone.page.evaluate(() => navigator.serviceWorker.ready);
    // Before any reload: what the install alone put in the cache.
    const cached = await phone.page.evaluate(async () => {
      const paths = [];
      for (const name of await caches.keys()) {
        for (const r of await (await caches.open(name)).keys()) paths.push(new URL(r.url).pathname);
      }
      return paths;
    });
    for (const file of webFiles()) assert.ok(cached.includes(file), `not cached at install: ${file}`);
    await phone.kill();
    await server.stop();
    phone = await launch(phone.profile);
    await phone.context.setOffline(true);
    const errors = [];
    phone.page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    await phone.page.goto(server.url);
    await phone.page.waitForSelector(".list .row", { timeout: 30000 });
    assert.deepEqual(errors, [], "the app opened offline with errors");
  } finally {
    await phone.kill().catch(() => {});
    await server.stop();
  }
});

test("the service worker caches the field app's shell and never the office or the API", async () => {
  const server = await startServer();
  const phone = await launch();
  try {
    const page = phone.page;
    const violations = [];
    page.on("console", (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) violations.push(m.text());
    });
    await enrol(page, server.url, server.code);
    // Wait for the worker to control the page, then browse as a curious
    // user of a shared phone would.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.reload();
    await page.waitForSelector(".list .row", { timeout: 30000 });
    assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), "no service worker");
    const fetched = await page.evaluate(async () => {
      const out = {};
      for (const path of ["/office/login", "/office", "/office/territory/export.geojson", "/api/openapi.json", "/health"]) {
        const r = await fetch(path, { redirect: "manual" });
        out[path] = r.headers.get("cache-control");
      }
      return out;
    });
    assert.equal(fetched["/office/login"], "no-store");
    assert.equal(fetched["/api/openapi.json"], "no-store");
    const cached = await page.evaluate(async () => {
      const paths = [];
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) paths.push(new URL(request.url).pathname);
      }
      return paths;
    });
    assert.ok(cached.length > 0, "the shell was not cached");
    assert.ok(cached.some((p) => p.endsWith(".wasm")), `no wasm in ${cached}`);
    for (const path of cached) {
      assert.ok(!path.startsWith("/office") && !path.startsWith("/api") && path !== "/health", `cached: ${path}`);
    }
    assert.deepEqual(violations, [], "the field app broke its content security policy");
    await shot(page, "security-field-under-csp");
  } finally {
    await phone.kill();
    await server.stop();
  }
});

test("the office logs in from its own form and refuses a form posted from elsewhere", async () => {
  const server = await startServer();
  const desk = await launch();
  try {
    const page = desk.page;
    await page.setViewportSize({ width: 1280, height: 900 });
    // Another site posts the login form (login CSRF): refused, no session.
    await page.setContent(`
      <form id="f" method="post" action="${server.url}/office/login">
        <input name="email" value="${server.email}"><input name="password" value="${server.password}">
      </form>`);
    const [response] = await Promise.all([
      page.waitForNavigation(),
      page.evaluate(() => document.getElementById("f").submit()),
    ]);
    assert.equal(response.status(), 403);
    const cookies = await desk.context.cookies(server.url);
    assert.ok(!cookies.some((c) => c.name === "palier_session"), "a session was set from another page");
    await shot(page, "security-login-from-elsewhere");
    // From the office's own form: in.
    await page.goto(`${server.url}/office/login`);
    await page.fill("#email", server.email);
    await page.fill("#password", server.password);
    await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
    assert.ok(page.url().endsWith("/office"), page.url());
    // Every form of the office carries the session's token.
    await page.goto(`${server.url}/office/devices`);
    const actions = await page.$$eval("form[method=post]", (fs) => fs.map((f) => f.getAttribute("action")));
    assert.ok(actions.length > 0);
    for (const action of actions) assert.match(action, /[?&]csrf=[0-9a-f]{32}$/, action);
    // A page that the office never served cannot make a code: its form
    // lacks the token (and says it comes from elsewhere).
    await page.setContent(`
      <form id="g" method="post" action="${server.url}/office/devices/codes">
        <input name="role" value="coordinator">
      </form>`);
    const [refused] = await Promise.all([
      page.waitForNavigation(),
      page.evaluate(() => document.getElementById("g").submit()),
    ]);
    // (Its SameSite cookie does not ride along, so it lands on the login
    // page; had it, the missing token would answer 403.)
    assert.ok(refused.status() === 403 || refused.url().endsWith("/office/login"), refused.url());
    assert.equal(await page.$("#enrolment-code"), null, "a code was shown");
    await shot(page, "security-form-from-elsewhere");
  } finally {
    await desk.kill();
    await server.stop();
  }
});

test("a youth ambassador's phone offers idea collection only: no sector, no door, no resident", async () => {
  const server = await startServer();
  const phone = await launch();
  try {
    const page = phone.page;
    // A QR code printed before the routes still fills the code in…
    await page.goto(`${server.url}/#enrol=PASUNCODE`);
    await page.waitForFunction(() => document.querySelector("#code")?.value === "PASUNCODE");
    assert.match(page.url(), /#\/enrol\/PASUNCODE$/);
    // …and a mistyped code is told in the agent's language.
    await page.fill("#device-name", "Yanis – téléphone partagé");
    await page.click("button.primary");
    await page.waitForSelector("p.error[role=alert]");
    assert.match(await page.textContent("p.error"), /Ce code n'existe pas/);
    await page.click(".bar .lang");
    await page.waitForSelector("text=This code does not exist");
    await page.click(".bar .lang");
    await page.fill("#code", await server.newCode("youth_ambassador"));
    await page.fill("#device-name", "Yanis – téléphone partagé");
    await page.click("button.primary");
    await page.waitForSelector(".list.collections .row", { timeout: 30000 });
    assert.equal(await page.$(".list:not(.collections)"), null, "a sector list on an ambassador's phone");
    // What the server sends it (ideas and the territory, never a visit
    // log or a person) is the policy's, tested in tests/tests/policy_matrix.rs.
    assert.deepEqual(await seriousViolations(page), [], "accessibility of the ambassador's home");
    await shot(page, "ambassador-home");
  } finally {
    await phone.kill();
    await server.stop();
  }
});
