// The field app end to end: the real server, the real web build, headless
// Chromium at a phone's size. Workflow 2 (canvass offline) and 4 (sync).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  startServer, restartServer, launch, enrol, openBuilding, tapOutcome, syncNow, shot, checkScreen,
} from "./harness.mjs";


async function doorStates(page) {
  return page.$$eval(".grid .door .state", (nodes) => nodes.map((n) => n.textContent));
}

test("an agent canvasses offline, the browser is killed, nothing is lost, the server gets exactly the 20 visits", async () => {
  const server = await startServer();
  let phone = await launch();
  try {
    const page = phone.page;
    await enrol(page, server.url, server.code);
    // The enrolment's sync is the last sync.
    await page.click(".bar .sync");
    await page.waitForSelector(".card .big");
    const after = await page.textContent(".card");
    assert.doesNotMatch(after, /jamais/, "the enrolment's sync is a sync");
    assert.match(after, /Dernière synchronisation : à l'instant/);
    await page.click(".bar .back");
    await page.click(".list.sectors .row >> nth=0");
    await page.waitForSelector(".walk .row");
    await checkScreen(page, "walk-list");
    await page.click(".tab >> nth=1");
    await page.waitForSelector("svg.map");
    await checkScreen(page, "map");
    await page.click(".tab >> nth=0");
    await page.click(".walk .row >> nth=0");
    await page.waitForSelector(".grid .door");
    await checkScreen(page, "door-grid");

    await phone.context.setOffline(true);
    for (let door = 0; door < 10; door++) {
      await tapOutcome(page, door, "NotHome");
    }
    // A full conversation: questionnaire, topics, verbatim, follow-up, volunteer.
    await page.click(".grid .door >> nth=10");
    await page.waitForSelector(".outcome");
    await checkScreen(page, "outcome-choice");
    await page.click(".outcome.o-Talked");
    await page.waitForSelector(".questions");
    // Saved with nothing answered: the missing answers are marked, the
    // first is brought into view, and the save button says how many.
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.click(".save-bar button.primary");
    await page.waitForSelector("fieldset.question.missing");
    const missing = await page.$$eval("fieldset.question.missing", (f) => f.length);
    const said = await page.textContent(".save-bar .error");
    assert.match(said, missing === 1 ? /^1 réponse obligatoire manque/ : new RegExp(`^${missing} réponses obligatoires manquent`));
    await page.waitForFunction(() => {
      const r = document.querySelector("fieldset.question.missing").getBoundingClientRect();
      return r.top >= 0 && r.bottom <= window.innerHeight;
    }, null, { timeout: 5000 });
    await checkScreen(page, "talk-missing-answers");
    // Half a conversation, then the back button: nothing is lost.
    await page.click(".scale button >> nth=3");
    await page.fill("#verbatim", "L'ascenseur de la cage A est en panne depuis trois semaines.");
    await page.waitForTimeout(300);
    await page.click(".bar .back");
    await page.waitForSelector(".grid .door .draft");
    assert.equal(await page.$$eval(".grid .door .draft", (d) => d.length), 1, "the door shows its draft");
    await page.click(".grid .door >> nth=10");
    await page.waitForSelector(".notice button.primary");
    await checkScreen(page, "door-draft-waiting");
    await page.click(".notice button.primary");
    await page.waitForSelector(".notice[role=status]");
    assert.equal(await page.inputValue("#verbatim"),
      "L'ascenseur de la cage A est en panne depuis trois semaines.", "the draft comes back");
    assert.equal(await page.getAttribute(".scale button >> nth=3", "aria-pressed"), "true");
    await page.check(".questions input[type=radio] >> nth=0");
    await page.fill(".questions textarea", "Un local pour les jeunes");
    await page.check(".chip input >> nth=1");
    await page.selectOption("#age", "65+");
    await page.selectOption("#spoken", "ar");
    await page.selectOption("#service", { index: 2 });
    await page.fill("#futext", "Ascenseur cage A en panne");
    await page.check(".card .check input >> nth=0");
    await page.fill("#vname", "Mme Haddad");
    await page.fill("#vphone", "06 11 22 33 44");
    await page.locator(".questions").scrollIntoViewIfNeeded();
    await page.evaluate(() => document.querySelector(".questions").scrollIntoView());
    await checkScreen(page, "questionnaire-fr");
    await page.selectOption("#qlang", "ar");
    await page.waitForSelector(".questions[dir=rtl]");
    // The council and the assembly's draw, each a box of its own.
    await page.check(".consent .check input >> nth=0");
    await page.check(".consent .check input >> nth=2");
    await page.evaluate(() => document.querySelector(".consent").scrollIntoView());
    await checkScreen(page, "consent-ar");
    await page.evaluate(() => document.querySelector(".questions").scrollIntoView());
    await checkScreen(page, "questionnaire-ar");
    await page.click(".save-bar button.primary");
    await page.waitForSelector(".toast");
    assert.equal(await page.$(".grid .door .draft"), null, "saved: no draft left");
    // The door sheet lists the conversation; its agent corrects it.
    await page.click(".grid .door >> nth=10");
    await page.waitForSelector(".history li");
    assert.match(await page.textContent(".history"), /Passage 1 · Échange · à l'instant · vous/);
    await checkScreen(page, "door-history");
    await page.click(".history button.correct");
    await page.waitForSelector("#verbatim");
    assert.equal(await page.inputValue("#verbatim"),
      "L'ascenseur de la cage A est en panne depuis trois semaines.", "the form holds what was recorded");
    assert.equal(await page.$("#service"), null, "the follow-up is not corrected here");
    await page.fill("#verbatim", "L'ascenseur de la cage A est en panne depuis un mois.");
    await page.click(".save-bar button.primary");
    await page.waitForSelector(".history li");
    await page.click(".bar .back");
    await page.waitForSelector(".grid .door");
    // A shorter conversation.
    await page.click(".grid .door >> nth=11");
    await page.click(".outcome.o-Talked");
    await page.waitForSelector(".questions");
    await page.click(".scale button >> nth=1");
    await page.check(".chip input >> nth=0");
    await page.click(".save-bar button.primary");
    await page.waitForSelector(".toast");
    const rest = ["Refused", "Refused", "NoAccess", "NoAccess", "ComeBack", "ComeBack", "Vacant", "Vacant"];
    for (const [i, outcome] of rest.entries()) {
      await tapOutcome(page, 12 + i, outcome);
    }
    assert.equal((await doorStates(page)).length, 20);
    await checkScreen(page, "door-grid-visited");
    // Outcomes of every length recorded: the columns have not moved.
    const sizes = await page.$$eval(".grid .door", (ds) =>
      [...new Set(ds.map((d) => `${d.getBoundingClientRect().width}x${d.getBoundingClientRect().height}`))]);
    assert.equal(sizes.length, 1, `doors of several sizes: ${sizes}`);

    // The battery dies; the server is out of reach too.
    await phone.kill();
    await server.stop();
    phone = await launch(phone.profile);
    await phone.context.setOffline(true);
    await enrolledReload(phone.page, server.url);
    await openBuilding(phone.page, 0);
    assert.equal((await doorStates(phone.page)).length, 20, "all 20 visits after the kill");

    // Back online: one tap.
    await restartServer(server);
    await phone.context.setOffline(false);
    await phone.page.click(".bar .sync");
    await phone.page.waitForSelector(".card .big");
    assert.match(await phone.page.textContent(".card .big"), /^\s*22\b/,
      "the 20 knocks, the volunteer and the follow-up wait for the server: records, not documents");
    await phone.page.click("button.primary");
    await phone.page.waitForSelector("p.ok[role=status]", { timeout: 30000 });
    await checkScreen(phone.page, "sync");
    const held = server.inspect();
    assert.equal(held.visits, 20);
    assert.deepEqual(held.outcomes, {
      not_home: 10, talked: 2, refused: 2, no_access: 2, come_back: 2, vacant: 2,
    });
    assert.equal(held.with_person, 1);
    assert.equal(held.with_follow_up, 1);
    assert.equal(held.documents.person, 1);
    assert.equal(held.documents.followup, 1);
  } finally {
    await phone.kill().catch(() => {});
    await server.stop();
  }
});

/** Opens the app with no server, from the service worker's cache. */
async function enrolledReload(page, url) {
  const logs = [];
  page.on("console", (m) => logs.push(`${m.type()}: ${m.text()}`));
  await page.goto(url);
  try {
    await page.waitForSelector(".list .row", { timeout: 30000 });
  } catch (e) {
    await shot(page, "failed-reload");
    const body = await page.evaluate(() => document.body.innerText).catch((x) => `${x}`);
    throw new Error(`${e.message}\nscreen: ${body}\nconsole:\n${logs.join("\n")}`);
  }
}

test("two agents canvass the same building offline; after syncing each grid shows all visits", async () => {
  const server = await startServer();
  const first = await launch();
  const second = await launch();
  try {
    await enrol(first.page, server.url, server.code);
    await enrol(second.page, server.url, await server.newCode());
    for (const { page } of [first, second]) {
      await openBuilding(page, 1);
    }
    await first.context.setOffline(true);
    await second.context.setOffline(true);
    for (const door of [0, 1, 2]) {
      await tapOutcome(first.page, door, "NotHome");
    }
    for (const door of [5, 6]) {
      await tapOutcome(second.page, door, "Refused");
    }
    await first.context.setOffline(false);
    await second.context.setOffline(false);
    assert.ok(await syncNow(first.page));
    assert.ok(await syncNow(second.page));
    assert.ok(await syncNow(first.page));
    for (const { page } of [first, second]) {
      await page.waitForFunction(() => document.querySelectorAll(".grid .door .state").length === 5);
    }
    assert.equal(server.inspect().visits, 5);
  } finally {
    await first.kill().catch(() => {});
    await second.kill().catch(() => {});
    await server.stop();
  }
});

test("the undo offer belongs to its visit: named, on its building only, gone once synced", async () => {
  const server = await startServer();
  const phone = await launch();
  try {
    const page = phone.page;
    await enrol(page, server.url, server.code);
    await openBuilding(page, 0);
    await tapOutcome(page, 0, "NotHome");
    const toast = await page.textContent(".toast");
    assert.match(toast, /Absent/, "it says what it undoes");
    assert.match(toast, /Cage A · Étage \d+ · \w+/, "and at which door");
    assert.ok(await page.$(".toast button.undo"), "a two-tap outcome can be undone");
    await checkScreen(page, "undo-named");
    // Another building: nothing was recorded there, nothing to undo.
    await page.goBack();
    await page.waitForSelector(".walk .row");
    await page.click(".walk .row >> nth=1");
    await page.waitForSelector(".grid .door");
    assert.equal(await page.$(".toast"), null, "no undo offer on another building");
    // Once synced, the visit is the office's record: no undo anywhere.
    assert.ok(await syncNow(page), "synced");
    await page.waitForSelector(".grid .door");
    await page.goBack();
    await page.waitForSelector(".walk .row");
    await page.click(".walk .row >> nth=0");
    await page.waitForSelector(".grid .door .state");
    assert.equal(await page.$(".toast"), null, "no undo offer after the sync");
    assert.equal((await doorStates(page)).length, 1, "the visit stays");
  } finally {
    await phone.kill().catch(() => {});
    await server.stop();
  }
});
