// Workflow 5 in the browser, the questionnaire's side: an agent answers a
// conditional questionnaire in Arabic at a door, offline, and syncs; the
// coordinator finds the answers counted under the questions' French
// labels, broken down by language, and reads the free-text answer in the
// language it was given in; the elected official sees counts, no words;
// back at the door, the agent sees what was answered.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  startServer, launch, enrol, openBuilding, syncNow, checkScreen, logIn,
} from "./harness.mjs";

const IDEA = "نريد ملعبا للأطفال قرب المدخل";

test("answers given in Arabic at a door reach the office counted under their French labels", async () => {
  const server = await startServer();
  const phone = await launch();
  const office = await launch();
  const elected = await launch();
  try {
    const p = phone.page;
    await enrol(p, server.url, server.code);
    await openBuilding(p, 0);
    await phone.context.setOffline(true);

    // Door 1: the questionnaire in Arabic; safety first, so the
    // follow-up question on where appears.
    await p.click(".grid .door >> nth=0");
    await p.click(".outcome.o-Talked");
    await p.waitForSelector(".questions");
    await p.selectOption("#qlang", "ar");
    await p.waitForSelector(".questions[dir=rtl]");
    assert.equal(await p.locator(".questions input[type=checkbox]").count(), 0,
      "the conditional question waits for its answer");
    await p.click(".scale button >> nth=3");
    await p.check(".questions input[type=radio] >> nth=1");
    await p.waitForSelector(".questions input[type=checkbox]");
    await p.check(".questions input[type=checkbox] >> nth=0");
    await p.check(".questions input[type=checkbox] >> nth=2");
    await p.fill(".questions textarea", IDEA);
    await p.selectOption("#spoken", "ar");
    await p.evaluate(() => document.querySelector(".questions").scrollIntoView());
    await checkScreen(p, "answers-questionnaire-ar-conditional");
    await p.click(".save-bar button.primary");
    await p.waitForSelector(".toast");

    // Door 2: cleanliness first; the conditional question is not asked.
    await p.click(".grid .door >> nth=1");
    await p.click(".outcome.o-Talked");
    await p.waitForSelector(".questions");
    await p.click(".scale button >> nth=1");
    await p.check(".questions input[type=radio] >> nth=0");
    assert.equal(await p.locator(".questions input[type=checkbox]").count(), 0);
    await p.click(".save-bar button.primary");
    await p.waitForSelector(".toast");

    await phone.context.setOffline(false);
    assert.ok(await syncNow(p), "the phone synced");

    // The coordinator: the Réponses view.
    const o = office.page;
    await o.setViewportSize({ width: 1280, height: 900 });
    await logIn(o, server.url, server.email, server.password);
    await o.click("header.top >> text=Résultats");
    await o.click("nav.sub >> text=Réponses");
    await o.waitForSelector("section.question");
    // The demo's other team answered in the south; this phone's sector is
    // the north.
    await o.selectOption("#f-sector", { label: "Lozaits nord" });
    await Promise.all([o.waitForNavigation(), o.click("form.filters button[type=submit]")]);
    await o.waitForSelector("section.question");
    const where = await o.textContent("#q-insecurite");
    assert.match(where, /Où ne vous sentez-vous pas en sécurité \?/);
    assert.match(where, /Posée à 1 · répondue par 1 · sans réponse : 0/);
    assert.match(where, /Le hall/);
    const priority = await o.textContent("#q-priorite");
    assert.match(priority, /Posée à 2 · répondue par 2/);
    await checkScreen(o, "office-answers", true);
    // Broken down by language.
    await o.click("nav.breakdown >> text=langue");
    await o.waitForSelector("table.cross");
    assert.match(await o.textContent("#q-priorite table.cross"), /ar/);
    await checkScreen(o, "office-answers-by-language", true);
    // The free-text answers, in the language they were given in.
    await o.click("#q-idee >> text=Lire les réponses");
    await o.waitForSelector("ul.texts");
    assert.equal(await o.getAttribute("ul.texts li >> nth=0", "lang"), "ar");
    assert.match(await o.textContent("ul.texts"), new RegExp(IDEA));
    await checkScreen(o, "office-answers-free-text", true);

    // The elected official: the counts, never the words.
    const e = elected.page;
    await e.setViewportSize({ width: 1280, height: 900 });
    await logIn(e, server.url, server.electedEmail, server.password);
    await e.goto(`${server.url}/office/dashboard/answers?by=language`);
    await e.waitForSelector("section.question");
    assert.equal(await e.locator("text=Lire les réponses").count(), 0);
    assert.doesNotMatch(await e.textContent("main"), new RegExp(IDEA));
    assert.match(await e.textContent("#q-priorite"), /effectif masqué/);
    await checkScreen(e, "office-answers-elected", true);

    // Back at the door: what it answered, in the agent's language.
    await p.click(".grid .door >> nth=0");
    await p.waitForSelector(".history .said");
    const said = await p.textContent(".history");
    assert.match(said, /Le hall/);
    assert.match(said, /La sécurité/);
    await checkScreen(p, "door-history-answers");
  } finally {
    for (const b of [phone, office, elected]) await b.kill().catch(() => {});
    await server.stop();
  }
});
