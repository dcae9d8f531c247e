// Workflow 3 in the browser: youth ambassadors collect ideas offline on a
// shared phone, the browser is killed, nothing is lost; the office sees
// them by category and on the map and rules on one; the phone shows it.
// The same idea edited on two phones keeps both edits.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  startServer, launch, enrol, syncNow, checkScreen, logIn,
} from "./harness.mjs";



/** The office's card of the idea titled `title`. */
function card(page, title) {
  return page.locator("section.card.idea", { has: page.locator("h2", { hasText: title }) });
}

async function openCollection(page) {
  await page.click(".list.collections .row >> nth=0");
  await page.waitForSelector(".new-idea");
}

async function todayCount(page) {
  const heading = await page.textContent("h2 >> nth=0");
  return Number(heading.match(/\((\d+)\)/)[1]);
}

/** Fills and saves the idea form; returns to the list. */
async function recordIdea(page, n) {
  await page.click(".new-idea");
  await page.waitForSelector("#idea-title");
  await page.fill("#idea-title", `Idée ${n} de la 4e B`);
  await page.fill("#idea-description", `Proposée en classe, numéro ${n}.`);
  await page.selectOption("#idea-category", { index: 1 + (n % 3) });
  if (n === 10) {
    // Not a named place: a tap on the map.
    await page.click("svg.place-map", { position: { x: 150, y: 90 } });
    await page.waitForSelector("svg.place-map circle.chosen");
    assert.match(await page.$eval("#idea-place", (s) => s.selectedOptions[0].textContent), /carte/);
    await page.locator("svg.place-map").scrollIntoViewIfNeeded();
    await checkScreen(page, "idea-form-map");
  } else {
    await page.selectOption("#idea-place", { index: 1 + (n % 3) });
  }
  await page.selectOption("#idea-cost", { index: 1 + (n % 4) });
  await page.selectOption("#idea-age", "under_15");
  await page.fill("#idea-school", "Collège Jean-Lurçat");
  await page.fill("#idea-class", "4e B");
  if (n === 1) await checkScreen(page, "idea-form");
  await page.click(".save-idea");
  await page.waitForSelector(".new-idea");
}

test("ambassadors collect ten ideas offline, the browser is killed, the office rules on one and the phone shows it", async () => {
  const server = await startServer();
  let phone = await launch();
  const office = await launch();
  try {
    let p = phone.page;
    await enrol(p, server.url, await server.newCode("youth_ambassador"), "Collège – téléphone partagé");
    assert.equal(await p.$(".walk, .grid"), null, "an ambassador's phone shows no sector");
    await openCollection(p);

    // Screens are routes: the phone's back button goes back one screen, a
    // reload stays on the screen, and the language chosen is kept.
    await p.click(".new-idea");
    await p.waitForSelector("#idea-title");
    await p.goBack();
    await p.waitForSelector(".new-idea");
    assert.equal(await p.$("#idea-title"), null, "back left the form");
    await p.reload();
    await p.waitForSelector(".new-idea", { timeout: 30000 });
    assert.match(p.url(), /#\/ideas\//);
    await p.click(".bar .lang");
    await p.waitForSelector("text=New idea");
    await p.reload();
    await p.waitForSelector("text=New idea", { timeout: 30000 });
    await p.click(".bar .lang");
    await p.waitForSelector("text=Nouvelle idée");

    // Offline, in the classroom.
    await phone.context.setOffline(true);
    const started = Date.now();
    for (let n = 1; n <= 10; n++) await recordIdea(p, n);
    console.log(`ten ideas in ${Date.now() - started} ms`);
    assert.equal(await todayCount(p), 10);
    await checkScreen(p, "ideas-today");

    // The battery dies; the phone comes back with no network.
    await phone.kill();
    phone = await launch(phone.profile);
    p = phone.page;
    await phone.context.setOffline(true);
    await p.goto(server.url);
    await p.waitForSelector(".list.collections .row", { timeout: 30000 });
    await openCollection(p);
    assert.equal(await todayCount(p), 10, "all 10 ideas after the kill");

    // Back at school with Wi-Fi: one sync.
    await phone.context.setOffline(false);
    await p.click(".bar .back");
    assert.ok(await syncNow(p), "the phone synced");

    // The coordinator sees them by category and on the map.
    const o = office.page;
    await o.setViewportSize({ width: 1280, height: 900 });
    await logIn(o, server.url, server.email, server.password);
    await o.click("header.top >> text=Idées");
    await o.waitForSelector("section.card.idea");
    // Six ideas of the demo and the ten of the morning.
    assert.equal((await o.$$("section.card.idea")).length, 16);
    // Ideas at one named place share a pin that says how many.
    const pinned = await o.$$eval("svg.map.pins g.pin", (pins) =>
      pins.reduce((sum, g) => sum + (Number(g.querySelector("text")?.textContent) || 1), 0));
    assert.equal(pinned, 16);
    await o.click("svg.map.pins g.pin >> nth=0");
    assert.match(await o.textContent("#map-info"), /—/);
    const byCategory = await o.$$eval(".ideas-summary section:first-child tr", (rows) =>
      rows.map((r) => [r.querySelector("th").textContent, Number(r.querySelector("td").textContent)]));
    assert.equal(byCategory.reduce((sum, [, n]) => sum + n, 0), 16);
    await checkScreen(o, "office-ideas");

    // It rules on one: not eligible, with the reason.
    const third = card(o, "Idée 3 de la 4e B");
    await third.locator("summary").click();
    await third.locator("select[name=status]").selectOption("not_eligible");
    await Promise.all([o.waitForNavigation(), third.locator("form >> nth=0").locator("button").click()]);
    // Said on the card the page scrolls to, not at the top of the page.
    assert.match(await card(o, "Idée 3 de la 4e B").locator("p.notice.error").textContent(), /motif/,
      "a reason is required");
    await o.waitForFunction(() => {
      const r = document.querySelector("section.card.idea p.notice.error").getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    });
    // The refused form stays open on its card.
    const again = card(o, "Idée 3 de la 4e B");
    await again.locator("select[name=status]").selectOption("not_eligible");
    await again.locator("input[name=reason]").fill("Relève du département");
    await Promise.all([o.waitForNavigation(), again.locator("form >> nth=0").locator("button").click()]);
    assert.match(await o.textContent("p.notice.ok"), /Statut enregistré/);
    // And merges two duplicates, keeping both texts.
    const dup = card(o, "Idée 4 de la 4e B");
    await dup.locator("summary").click();
    const into = await card(o, "Idée 5 de la 4e B").getAttribute("id");
    // Typed by its title, as a coordinator names it.
    await dup.locator("input[name=into]").fill("Idée 5 de la 4e B");
    await Promise.all([o.waitForNavigation(), dup.locator("form.merge button").click()]);
    assert.equal((await o.$$("section.card.idea")).length, 15, "the duplicate shows under its idea");
    assert.match(await o.textContent(`#${into}`), /Idée 4 de la 4e B/);
    await o.locator(`#${into}`).scrollIntoViewIfNeeded();
    await checkScreen(o, "office-idea-merged");

    // The Decidim file downloads with Decidim's required headers.
    const decidim = await o.evaluate(async (campaign) => {
      const r = await fetch(`/office/ideas/decidim.csv?campaign=${campaign}`);
      return r.text();
    }, await o.inputValue("#i-campaign"));
    assert.match(decidim.split("\n")[0], /^\uFEFF?title\/fr;body\/fr;address;latitude;longitude/);

    // Résultats and Rapports: the collection, with its own figures.
    const collection = await o.inputValue("#i-campaign");
    await o.goto(`${server.url}/office/dashboard?campaign=${collection}`);
    const collected = Number(await o.textContent("[data-figure=ideas-collected]"));
    const distinct = Number(await o.textContent("[data-figure=ideas-distinct]"));
    assert.ok(collected > distinct && distinct > 0, `${collected} collected, ${distinct} distinct`);
    assert.equal(await o.$("[data-figure=doors]"), null, "no door figures for ideas");
    await checkScreen(o, "office-collection-results", true);
    await o.goto(`${server.url}/office/reports?campaign=${collection}`);
    await o.waitForSelector("article.report-page.collection");
    await checkScreen(o, "office-collection-report", true);

    // The ambassador's phone, at its next sync.
    assert.ok(await syncNow(p), "the phone synced again");
    await openCollection(p);
    const row = p.locator(".row.idea", { hasText: "Idée 3 de la 4e B" });
    assert.match(await row.textContent(), /Non recevable/);
    assert.match(await row.textContent(), /Relève du département/);
    const merged = p.locator(".row.idea", { hasText: "Idée 4 de la 4e B" });
    assert.match(await merged.textContent(), /Doublon, fusionnée/);
    await row.scrollIntoViewIfNeeded();
    await checkScreen(p, "ideas-status");
  } finally {
    await phone.kill().catch(() => {});
    await office.kill().catch(() => {});
    await server.stop();
  }
});

test("the same idea edited on two phones offline shows both edits", async () => {
  const server = await startServer();
  const a = await launch();
  const b = await launch();
  try {
    await enrol(a.page, server.url, await server.newCode("youth_ambassador"), "Ambassadeurs A");
    await enrol(b.page, server.url, await server.newCode("youth_ambassador"), "Ambassadeurs B");
    for (const { page } of [a, b]) await openCollection(page);
    await a.context.setOffline(true);
    await b.context.setOffline(true);
    const edit = async (page, change) => {
      await page.locator(".row.idea", { hasText: "Une boîte à livres" }).click();
      await page.waitForSelector("#idea-title");
      await change(page);
      await page.click(".save-idea");
      await page.waitForSelector(".new-idea");
    };
    await edit(a.page, (p) => p.fill("#idea-title", "Une boîte à livres couverte"));
    await edit(b.page, (p) => p.selectOption("#idea-cost", "10k_50k"));
    await a.context.setOffline(false);
    await b.context.setOffline(false);
    for (const page of [a.page, b.page, a.page]) {
      await page.click(".bar .back");
      assert.ok(await syncNow(page));
      await openCollection(page);
    }
    await a.page.locator(".row.idea", { hasText: "Une boîte à livres couverte" }).click();
    await a.page.waitForSelector("#idea-title");
    assert.equal(await a.page.inputValue("#idea-title"), "Une boîte à livres couverte");
    assert.equal(await a.page.inputValue("#idea-cost"), "10k_50k");
  } finally {
    await a.kill();
    await b.kill();
    await server.stop();
  }
});
