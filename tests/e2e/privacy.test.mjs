// Workflow 7, «Privacy I», in the browser: a resident who talked at her
// door and volunteered asks to be forgotten. The coordinator finds her by
// name, ticks her record and her visit, reads exactly what will go, and
// confirms. Then her name and words are in none of the server's files,
// and, after the phone's next sync, in none of the files the browser
// keeps for the field app (its OPFS store, read from the profile once the
// browser is closed); the visit still counts as a conversation.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  startServer, launch, enrol, openBuilding, syncNow, checkScreen, logIn, holdingWords, opfsDir,
} from "./harness.mjs";

test("a resident's erasure leaves no word at the office nor in the phone's browser storage", async () => {
  const server = await startServer();
  let phone = await launch();
  const office = await launch();
  const marker = "CANARI-Nadia-Belkacem";
  try {
    // At the door: a conversation, her words, and she volunteers.
    let p = phone.page;
    await enrol(p, server.url, server.code);
    await openBuilding(p, 1);
    await p.click(".grid .door >> nth=0");
    await p.click(".outcome.o-Talked");
    await p.waitForSelector(".questions");
    await p.click(".scale button >> nth=2");
    await p.fill("#verbatim", `${marker} signale des rats dans la cave`);
    await p.check(".card .check input >> nth=0");
    await p.fill("#vname", `${marker} nom`);
    await p.check(".consent .check input >> nth=0");
    await p.click(".save-bar button.primary");
    await p.waitForSelector(".toast");
    assert.ok(await syncNow(p), "the phone synced");

    // The test proves something only if the words are held first: in the
    // server's files, and in the browser's (read once it is closed).
    assert.ok(holdingWords(server.data, marker).length > 0, "on the server first");
    const profile = phone.profile;
    await phone.kill();
    const before = holdingWords(opfsDir(profile), marker);
    assert.ok(before.some((f) => f.decoded || f.raw), "in the phone's OPFS store first");
    phone = await launch(profile);
    p = phone.page;

    // The office: found by her name, ticked, the plan read, confirmed.
    const o = office.page;
    await o.setViewportSize({ width: 1280, height: 900 });
    await logIn(o, server.url, server.email, server.password);
    const figures = async () => {
      await o.goto(`${server.url}/office/dashboard`);
      await o.waitForSelector("[data-figure=doors_talked]");
      return [await o.textContent("[data-figure=doors_talked]"), await o.textContent("[data-figure=visits]")];
    };
    const before_erasure = await figures();
    await o.goto(`${server.url}/office/residents`);
    await o.fill("input[name=words]", marker);
    await Promise.all([o.waitForNavigation(), o.click("form.filters button[type=submit]")]);
    await o.check("input[name=person] >> nth=0");
    await o.check("input[name=visit] >> nth=0");
    await checkScreen(o, "office-residents-ticked", true);
    await Promise.all([o.waitForNavigation(), o.click("button[form=erase]")]);
    const plan = await o.textContent("main");
    assert.match(plan, /Fiches de volontaire effacées \(nom, téléphone, e-mail, accords\) \(1\)/);
    assert.match(plan, /Passages dont les propos sont effacés \(1\)/);
    assert.match(plan, /Restent, sans rien sur la personne/);
    assert.match(plan, /sauvegardes prises avant ne sont pas modifiées/, "it promises no more than it does");
    await checkScreen(o, "office-erase-plan", true);
    o.once("dialog", (dialog) => dialog.accept());
    await Promise.all([o.waitForNavigation(), o.click("form[data-confirm] button[type=submit]")]);
    assert.match(await o.textContent("main"), /Effacement fait/);
    await checkScreen(o, "office-erase-done", true);
    await o.fill("input[name=words]", marker);
    await Promise.all([o.waitForNavigation(), o.click("form.filters button[type=submit]")]);
    assert.match(await o.textContent("main"), /Rien n'a été trouvé/);
    assert.deepEqual(holdingWords(server.data, marker), [], "left on the server");
    assert.deepEqual(await figures(), before_erasure, "the conversation still counts");
    assert.ok(!server.log().includes(marker), "nothing of hers in the server's log");

    // The phone's next sync: the door keeps its conversation, not her words.
    await p.goto(server.url);
    await p.waitForSelector(".list .row", { timeout: 30000 });
    assert.ok(await syncNow(p), "the phone synced after the erasure");
    await openBuilding(p, 1);
    assert.ok(!(await p.textContent("main")).includes(marker));
    await p.click(".grid .door >> nth=0");
    await p.waitForSelector(".history, .outcome", { timeout: 10000 });
    assert.ok(!(await p.textContent("main")).includes(marker), "not on the door sheet");
    assert.match(await p.textContent(".history"), /Propos effacés par la coordination/);
    assert.equal(await p.$(".history .correct"), null, "erased words are not written again");
    await checkScreen(p, "door-after-erasure");
    await phone.kill();
    assert.deepEqual(holdingWords(opfsDir(profile), marker), [], "left in the phone's browser storage");
  } finally {
    await phone.kill();
    await office.kill();
    await server.stop();
  }
});
