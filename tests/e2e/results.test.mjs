// Workflows 5 and 6 in the browser: a phone raises a follow-up at a door;
// the coordinator sees the figures, the map, a comparison and the exports,
// answers the follow-up; the phone shows on the door what became of it.
// An elected official reads the report (printed to PDF, turned into PNG
// pages) and cannot change anything.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  startServer, launch, enrol, openBuilding, syncNow, seriousViolations, shot, screenshots, checkScreen, logIn,
} from "./harness.mjs";



test("a follow-up answered at the office shows on the phone's door; the elected official reads the report", async () => {
  const server = await startServer();
  const phone = await launch();
  const office = await launch();
  const elected = await launch();
  try {
    // The phone raises a follow-up during a conversation.
    const p = phone.page;
    await enrol(p, server.url, server.code);
    await openBuilding(p, 0);
    await p.click(".grid .door >> nth=0");
    await p.click(".outcome.o-Talked");
    await p.waitForSelector(".questions");
    await p.click(".scale button >> nth=2");
    await p.selectOption("#service", { index: 2 });
    await p.fill("#futext", "Éclairage du hall B en panne");
    await p.click(".save-bar button.primary");
    await p.waitForSelector(".toast");
    assert.ok(await syncNow(p), "the phone synced");

    // The coordinator: dashboard, map, comparison, exports.
    const o = office.page;
    await o.setViewportSize({ width: 1280, height: 900 });
    await logIn(o, server.url, server.email, server.password);
    await o.click("header.top >> text=Résultats");
    await o.waitForSelector("[data-figure=doors]");
    assert.ok(Number(await o.textContent("[data-figure=visits]")) > 0);
    await checkScreen(o, "office-dashboard", true);
    await o.click("nav.sub >> text=Carte");
    await o.waitForSelector("svg.map.results");
    await o.click("svg.map.results circle >> nth=0");
    assert.match(await o.textContent("#map-info"), /Portes touchées/);
    await checkScreen(o, "office-map", true);
    await o.click("nav.sub >> text=Comparer");
    await o.waitForSelector("#compare");
    assert.equal(await o.locator("#compare thead th").count(), 3, "two campaigns side by side");
    await checkScreen(o, "office-compare", true);
    await o.click("nav.sub >> text=Exports");
    await o.waitForSelector("#open-data");
    await checkScreen(o, "office-exports", true);
    // The visits file, door-level, goes with a stated reason; it streams
    // with a progress bar, then downloads.
    const visitsForm = o.locator("form.door-level").first();
    await visitsForm.locator("input[name=reason]").fill("Relance des portes closes");
    const [download] = await Promise.all([
      o.waitForEvent("download"),
      visitsForm.locator("button[type=submit]").click(),
    ]);
    assert.match(download.suggestedFilename(), /^palier-[a-z0-9-]+-\d{4}-\d{2}-\d{2}-passages\.csv$/,
      "the campaign and the day in the file's name");
    assert.equal(await visitsForm.locator("progress").getAttribute("value"),
      await visitsForm.getAttribute("data-progress"));

    // The follow-up: find the phone's, answer it.
    await o.click("header.top >> text=Signalements");
    const card = o.locator("section.follow-up", { hasText: "Éclairage du hall B en panne" });
    await card.locator("select[name=status]").selectOption("resolved");
    await card.locator("input[name=note]").fill("Ampoule changée le 2 décembre");
    await Promise.all([o.waitForNavigation(), card.locator("button[type=submit]").click()]);
    assert.match(await o.textContent(".notice.ok"), /prochaine synchro/);
    await checkScreen(o, "office-follow-ups", true);

    // The report quotes no resident's words until the coordinator chooses
    // some: she picks the first offered.
    await o.click("header.top >> text=Rapports");
    await o.waitForSelector("article.report-page");
    const offered = o.locator(".quote-candidates blockquote >> nth=0");
    const words = (await offered.textContent()).trim();
    await Promise.all([
      o.waitForNavigation(),
      o.click(".quote-candidates form.quote button >> nth=0"),
    ]);
    assert.match(o.url(), /#quotes$/);
    const quoted = o.locator("article.report-page section:not(.quote-candidates) blockquote", { hasText: words.slice(2, 30) });
    assert.ok(await quoted.count() > 0, "the chosen words are quoted");
    await quoted.first().scrollIntoViewIfNeeded();
    await checkScreen(o, "office-report-quotes", true);

    // Finding what is held about a resident, by the words of the follow-up.
    await o.goto(`${server.url}/office/residents`);
    await o.fill("input[name=words]", "hall B");
    await Promise.all([o.waitForNavigation(), o.click("form.filters button[type=submit]")]);
    assert.match(await o.textContent("main"), /Éclairage du hall B en panne/);
    assert.ok(!o.url().includes("hall"), "the words are not in the address");
    await checkScreen(o, "office-residents", true);

    // The phone's next sync: the door says what became of it.
    await p.goto(server.url);
    await p.waitForSelector(".list .row", { timeout: 30000 });
    assert.ok(await syncNow(p), "the phone synced again");
    await openBuilding(p, 0);
    await p.waitForSelector(".follow-up-badge");
    assert.match(await p.textContent(".grid .door >> nth=0"), /Résolu/);
    assert.match(await p.textContent(".follow-up-news"), /Ampoule changée le 2 décembre/);
    await p.locator(".follow-up-news").scrollIntoViewIfNeeded();
    await shot(p, "door-follow-up-news");
    assert.deepEqual(await seriousViolations(p), [], "accessibility of the door grid");

    // The elected official: figures and reports, nothing else.
    const e = elected.page;
    await e.setViewportSize({ width: 1280, height: 900 });
    await logIn(e, server.url, server.electedEmail, server.password);
    assert.match(e.url(), /\/office\/dashboard/);
    assert.deepEqual(await e.locator("header.top nav a").allTextContents(), ["Résultats", "Rapports"]);
    await e.click("header.top >> text=Rapports");
    await e.waitForSelector("article.report-page");
    assert.equal(await e.locator(".quote-candidates").count(), 0, "nothing offered to an elected official");
    assert.ok(await e.locator("article.report-page blockquote", { hasText: words.slice(2, 30) }).count() > 0,
      "the chosen words reach the elected official");
    await checkScreen(e, "office-report", true);
    // Nothing to post but the logout.
    assert.equal(await e.locator("form[method=post]").count(), 1);
    const denied = await e.goto(`${server.url}/office/follow-ups`);
    assert.equal(denied.status(), 403);
    await e.goto(`${server.url}/office/reports`);
    await e.waitForSelector("article.report-page");
    // Printed to PDF by Chromium, A4, then each page as a PNG to look at.
    const dir = mkdtempSync(join(tmpdir(), "palier-report-"));
    const pdf = join(dir, "report.pdf");
    await e.emulateMedia({ media: "print" });
    await e.pdf({ path: pdf, format: "A4", printBackground: true, preferCSSPageSize: true });
    execFileSync("pdftoppm", ["-png", "-r", "70", pdf, join(dir, "report")]);
    const pages = readdirSync(dir).filter((f) => f.endsWith(".png")).sort();
    const neighbourhoods = await e.locator("article.report-page").count();
    assert.equal(pages.length, neighbourhoods, "one A4 page per neighbourhood and the territory");
    for (const [i, f] of pages.entries()) copyFileSync(join(dir, f), join(screenshots, `report-pdf-page-${i + 1}.png`));
  } finally {
    await phone.kill().catch(() => {});
    await office.kill().catch(() => {});
    await elected.kill().catch(() => {});
    await server.stop();
  }
});
