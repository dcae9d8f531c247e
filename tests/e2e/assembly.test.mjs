// Volunteers and the citizens' assembly in the browser: the coordinator
// sees who signed up and for what, withdraws one agreement in one step,
// then draws a panel with quotas and a published seed, reads every
// volunteer's chance beside the greedy method's, downloads the record,
// and is told which quota to relax when no panel can meet them.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  startServer, launch, checkScreen, logIn,
} from "./harness.mjs";



async function assemblyVolunteers(o) {
  await o.selectOption("#v-purpose", "citizens_assembly");
  await Promise.all([o.waitForNavigation(), o.click("form.filters button")]);
  return (await o.$$("table.volunteers tbody tr")).length;
}

test("a coordinator withdraws an agreement, then draws a fair panel with a published seed", async () => {
  const server = await startServer();
  const office = await launch();
  try {
    const o = office.page;
    await o.setViewportSize({ width: 1280, height: 900 });
    await logIn(o, server.url, server.email, server.password);

    // Volunteers: who signed up, for what.
    await o.click("header.top >> text=Volontaires");
    await o.waitForSelector("table.volunteers");
    const before = await assemblyVolunteers(o);
    assert.ok(before >= 8, `the demo has volunteers for the assembly (${before})`);
    await checkScreen(o, "office-volunteers");
    // One step to withdraw, as one tick gave it.
    const first = o.locator("table.volunteers tbody tr").first();
    const name = await first.locator("th").textContent();
    await Promise.all([
      o.waitForNavigation(),
      first.locator("form.inline", { has: o.locator("input[value=citizens_assembly]") }).locator("button").click(),
    ]);
    assert.match(await o.textContent("p.notice.ok"), /retiré/);
    assert.match(await o.textContent(`table.volunteers tbody tr:has(th:text-is("${name}"))`), /Retiré/);
    assert.equal(await assemblyVolunteers(o), before - 1);

    // The draw, for a process open to young people (the demo's children
    // under 15 signed up with a parent): the pool no longer holds them.
    await o.goto(`${server.url}/office/sortition?young=1`);
    await o.waitForSelector("form.draw");
    assert.equal(Number(await o.textContent("section.card strong")), before - 1);
    await o.fill("#seats", "6");
    await o.fill("#reserves", "3");
    await o.fill("#seed", "2026-11-29 tirage public 7 12 19 33 41");
    // Two neighbourhoods, at least two seats each.
    const mins = o.locator("fieldset.quotas >> nth=0").locator("input[name$=min]");
    for (let i = 0; i < await mins.count(); i++) await mins.nth(i).fill("2");
    await checkScreen(o, "office-sortition-setup");
    await Promise.all([o.waitForNavigation({ timeout: 60000 }), o.click("form.draw button[type=submit]")]);
    await o.waitForSelector("table.panel");
    assert.equal((await o.$$("table.panel tbody tr")).length, 6);
    assert.equal((await o.$$("ol.reserves li")).length, 3);
    const percent = async (sel) => Number((await o.textContent(sel)).replace(",", ".").replace(/[^0-9.]/g, ""));
    const lowest = await percent("[data-figure=lowest]");
    assert.ok(lowest > 0, "every volunteer has a chance");
    assert.ok(await percent("[data-figure=greedy-lowest]") >= 0);
    await checkScreen(o, "office-sortition-result");
    await o.locator("table.chances").scrollIntoViewIfNeeded();
    await checkScreen(o, "office-sortition-chances");

    // The record anyone can re-run: no name, no door.
    const record = await o.evaluate(async () => {
      const link = document.querySelector("a[href$='record.json']");
      return (await fetch(link.href)).text();
    });
    const parsed = JSON.parse(record);
    assert.equal(parsed.seed, "2026-11-29 tirage public 7 12 19 33 41");
    assert.equal(parsed.panel.length, 6);
    assert.equal(parsed.pool.length, before - 1);
    assert.ok(!record.includes("Volontaire"), "a name is in the record");
    // What is published: counts per stratum, no line per person.
    const published = JSON.parse(await o.evaluate(async () => {
      const link = document.querySelector("a[href$='published.json']");
      return (await fetch(link.href)).text();
    }));
    assert.equal(published.pool_size, before - 1);
    assert.equal(published.pool, undefined);
    const total = Object.values(published.strata["quartier"]).reduce((n, s) => n + s.panel, 0);
    assert.equal(total, 6);
    assert.ok(!JSON.stringify(published).includes(parsed.panel[0]), "a pseudonym is published");

    // Impossible quotas: which one to relax.
    await o.click("header.top >> text=Tirage au sort");
    await o.fill("#seats", "6");
    await o.fill("#seed", "autre graine");
    for (let i = 0; i < await mins.count(); i++) await mins.nth(i).fill("5");
    await Promise.all([o.waitForNavigation({ timeout: 60000 }), o.click("form.draw button[type=submit]")]);
    const refusal = await o.textContent("div.notice.error");
    assert.match(refusal, /Aucun panel ne respecte ces quotas/);
    assert.match(refusal, /quartier = /);
    await checkScreen(o, "office-sortition-infeasible");
  } finally {
    await office.kill();
    await server.stop();
  }
});
