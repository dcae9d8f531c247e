// «Privacy II» at the door, in the browser: before anything about a
// resident is noted, the conversation form shows the municipality's
// information notice (short text, the full one and a QR code to its public
// page on request); a volunteer reads the consent sentence before giving a
// name; the visit and the consent reach the server naming the notice. The
// public page opens without login, in Arabic right to left. The office
// sees each volunteer's ledger of agreements.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  startServer, launch, enrol, openBuilding, syncNow, checkScreen, logIn,
} from "./harness.mjs";

test("the notice is given at the door, recorded with the visit and the consent, and public", async () => {
  const server = await startServer();
  const phone = await launch();
  const visitor = await launch();
  const office = await launch();
  try {
    const p = phone.page;
    await enrol(p, server.url, server.code);
    await openBuilding(p, 2);
    await p.click(".grid .door >> nth=0");
    await p.click(".outcome.o-Talked");
    await p.waitForSelector(".notice-card");
    // The notice comes first, above the questionnaire.
    const order = await p.evaluate(() => {
      const cards = [...document.querySelectorAll("main section.card, section.card")];
      return cards.map((c) => c.className);
    });
    assert.match(order[0], /notice-card/, `first card: ${order[0]}`);
    assert.match(await p.textContent(".notice-short"), /Ville de démo|note ce que vous voulez bien dire/);
    await checkScreen(p, "door-notice");
    await p.click(".notice-card summary");
    await p.waitForSelector(".notice-card .notice-qr svg");
    assert.match(await p.textContent(".notice-card details"), /CNIL/);
    const url = (await p.textContent(".notice-card details small")).trim();
    assert.match(url, /\/avis\/[0-9a-f-]+\?lang=fr&version=1$/);
    await checkScreen(p, "door-notice-full", true);

    // The resident answers in Arabic: the notice follows the language.
    const languages = await p.$$eval("#qlang option", (os) => os.map((o) => o.value));
    if (languages.includes("ar")) {
      await p.selectOption("#qlang", "ar");
      assert.equal(await p.getAttribute(".notice-short", "dir"), "rtl");
      await p.selectOption("#qlang", "fr");
    }

    // She volunteers: the consent sentence and its boxes come before the
    // name and contact fields.
    await p.click(".scale button >> nth=1");
    await p.fill("#verbatim", "Le hall est mal éclairé le soir");
    const volunteer = p.locator(".card .check input").first();
    await volunteer.check();
    const before = await p.evaluate(() => {
      const consent = document.querySelector("fieldset.consent");
      const name = document.querySelector("#vname");
      return !!(consent.compareDocumentPosition(name) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
    assert.ok(before, "the consent wording comes before the contact fields");
    assert.match(await p.textContent("fieldset.consent legend"), /J'accepte que la ville/);
    await p.check(".consent .check input >> nth=0");
    await p.fill("#vname", "Mme Soumaré");
    await checkScreen(p, "door-consent-before-contacts", true);
    await p.click(".save-bar button.primary");
    await p.waitForSelector(".toast");
    assert.ok(await syncNow(p), "synced");
    const held = server.inspect();
    assert.equal(held.with_notice, 1, JSON.stringify(held));
    assert.equal(held.consents_with_hash, 1, JSON.stringify(held));

    // Anyone, without logging in: the public page, in Arabic.
    const v = visitor.page;
    const response = await v.goto(url.replace("lang=fr", "lang=ar"));
    assert.equal(response.status(), 200);
    assert.equal(await v.getAttribute("html", "dir"), "rtl");
    assert.equal(await v.getAttribute("html", "lang"), "ar");
    assert.match(await v.textContent("main"), /CNIL/);
    await checkScreen(v, "public-notice-ar", true);
    await v.goto(url);
    await checkScreen(v, "public-notice-fr", true);

    // The office: the notice page, and the volunteer's ledger naming it.
    const o = office.page;
    await o.setViewportSize({ width: 1280, height: 900 });
    await logIn(o, server.url, server.email, server.password);
    await o.goto(`${server.url}/office/privacy/notice`);
    assert.match(await o.textContent("main"), /Version en vigueur : 1/);
    await checkScreen(o, "office-notice", true);
    await o.goto(`${server.url}/office/volunteers`);
    const row = o.locator("tr", { hasText: "Mme Soumaré" });
    await row.locator("details.ledger summary").click();
    assert.match(await row.locator("details.ledger").textContent(), /avis n° 1, empreinte [0-9a-f]{12}/);
    await checkScreen(o, "office-volunteer-ledger", true);
    // Her last agreement withdrawn: the page says she is to erase.
    await Promise.all([o.waitForNavigation(), row.locator("form.inline button").first().click()]);
    // One box was ticked: that was her last agreement.
    assert.match(await o.textContent("main"), /C'était son dernier accord/);
    assert.match(await o.locator("section.due").textContent(), /Mme Soumaré/);
    await checkScreen(o, "office-volunteers-due", true);
    const personId = (await o.locator("tr", { hasText: "Mme Soumaré" }).getAttribute("id")).slice(2);
    assert.match(personId, /^[0-9a-f-]{36}$/);

    // The data protection officer reads the privacy pages, and only them.
    const d = visitor.page;
    await d.setViewportSize({ width: 1280, height: 900 });
    await logIn(d, server.url, server.dpoEmail, server.password);
    for (const [path, name, words] of [
      ["/office/privacy/requests", "dpo-requests", /Demandes des habitants/],
      ["/office/privacy/retention", "dpo-retention", /Durées de conservation/],
      ["/office/privacy/journal", "dpo-journal", /A enregistré le retrait d'un accord/],
      ["/office/privacy/records", "dpo-records", /Registre des activités de traitement/],
    ]) {
      await d.goto(`${server.url}${path}`);
      assert.match(await d.textContent("main"), words, path);
      await checkScreen(d, name, true);
    }
    assert.ok(!(await d.textContent("main")).includes("Soumaré"), "a resident's name in the records");
    const denied = await d.goto(`${server.url}/office/volunteers`);
    assert.equal(denied.status(), 403);

    // After the whole run, no log line names her.
    assert.ok(!server.log().includes(personId), "a person's id in the server's log");
    assert.ok(!server.log().includes("Soumaré"), "a name in the server's log");
  } finally {
    await phone.kill();
    await visitor.kill();
    await office.kill();
    await server.stop();
  }
});
