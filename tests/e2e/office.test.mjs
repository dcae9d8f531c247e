// Workflow 1 end to end, tried as a new coordinator would: log in, import
// a territory from the municipality's own files, build a questionnaire with
// an Arabic translation, draw a sector with the lasso, enrol a phone; the
// phone then shows that sector and that questionnaire.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  startServer, launch, syncNow, shot, root, checkScreen, submit,
} from "./harness.mjs";

const fixtures = join(root, "tests", "fixtures");

test("a coordinator prepares a campaign and the phone shows its sector and questionnaire", async () => {
  const server = await startServer();
  const office = await launch();
  let phone;
  try {
    const page = office.page;
    await page.setViewportSize({ width: 1280, height: 900 });

    // Log in: the office is French by default.
    await page.goto(`${server.url}/office`);
    await page.waitForSelector("#email");
    await checkScreen(page, "office-login");
    await page.fill("#email", server.email);
    await page.fill("#password", "not the password");
    await submit(page, "form");
    assert.match(await page.textContent(".notice.error"), /incorrect/);
    await page.fill("#email", server.email);
    await page.fill("#password", server.password);
    await submit(page, "form");
    assert.equal(await page.textContent("h1"), "Démarches");

    // Territory: preview, then confirm.
    await page.click("text=Territoire");
    await page.setInputFiles("#neighbourhoods-file", join(fixtures, "quartiers-lambert93.geojson"));
    await page.setInputFiles("#buildings-file", join(fixtures, "batiments-villejuif.csv"));
    await submit(page, "form[action^='/office/territory/preview?']");
    const preview = await page.textContent("main");
    assert.match(preview, /Windows-1252/);
    assert.match(preview, /Lambert-93/);
    assert.match(preview, /Bâtiments ajoutés\s*31/);
    assert.match(preview, /Aucune ligne rejetée/);
    await checkScreen(page, "office-import-preview");
    await submit(page, "form[action^='/office/territory/confirm?']");
    assert.match(await page.textContent(".notice.ok"), /Import terminé/);
    assert.match(await page.textContent("main"), /Hautes-Bruyères/);
    await checkScreen(page, "office-territory");

    // A campaign on two of the imported neighbourhoods.
    await page.click("text=Démarches");
    await page.fill("#name", "Porte-à-porte Lozaits – Pasteur");
    await page.fill("#starts", "2026-11-23");
    await page.fill("#ends", "2027-01-31");
    await submit(page, "form[action^='/office/campaigns?']");
    await page.check("label:has-text('Lozaits – Lebon') input");
    await page.check("label:has-text('Pasteur – Barbusse') input");
    await page.fill("#topics", "Propreté\nSécurité\nJeunesse");
    await page.fill("#services", "Voirie\nBailleur social");
    await submit(page, "form[method=post]:has(#topics)");
    assert.match(await page.textContent(".notice.ok"), /Enregistré/);
    const campaignUrl = page.url().split("?")[0]; // a form's action carries its token

    // The questionnaire: a single choice in three languages, then a
    // question asked only after "Oui".
    await page.click("nav.sub >> text=Questionnaire");
    const add = "form[action*='/questionnaire/questions?']";
    await page.selectOption(`${add} select[name=kind]`, "single");
    await page.fill(`${add} input[name=label_fr]`, "Connaissez-vous le conseil citoyen ?");
    await page.fill(`${add} input[name=label_en]`, "Do you know the citizens' council?");
    await page.fill(`${add} input[name=label_ar]`, "هل تعرف مجلس المواطنين؟");
    await page.fill(`${add} textarea[name=options_fr]`, "Oui\nNon");
    await page.fill(`${add} textarea[name=options_en]`, "Yes\nNo");
    await page.fill(`${add} textarea[name=options_ar]`, "نعم\nلا");
    await submit(page, add);
    await page.selectOption(`${add} select[name=kind]`, "text");
    await page.fill(`${add} input[name=label_fr]`, "Comment l'avez-vous connu ?");
    await page.fill(`${add} input[name=label_ar]`, "كيف تعرفت عليه؟");
    await page.uncheck(`${add} input[name=required]`);
    await page.selectOption(`${add} select[name=show_if]`, "q1=oui");
    await submit(page, add);
    assert.match(await page.textContent("main"), /modifications non publiées/);
    await submit(page, "form[action*='/questionnaire/publish?']");
    assert.match(await page.textContent(".notice.ok"), /Publiée : version 1/);
    await page.evaluate(() => window.scrollTo(0, 0));
    await checkScreen(page, "office-questionnaire");

    // A device: the code as text and as a QR code.
    await page.click("text=Appareils");
    await submit(page, "form[action^='/office/devices/codes?']");
    const code = (await page.textContent("#enrolment-code")).trim();
    assert.match(code, /^[A-Z0-9]{6,}$/);
    assert.ok(await page.$("figure.qr svg"), "a QR code is shown");
    await checkScreen(page, "office-devices-code");

    // The phone opens the QR code's link (a route of the field app): the
    // code is filled in.
    phone = await launch();
    await phone.page.goto(`${server.url}/#/enrol/${code}`);
    await phone.page.waitForFunction((c) => document.querySelector("#code")?.value === c, code);
    await phone.page.fill("#device-name", "Samia – téléphone 3");
    await checkScreen(phone.page, "field-enrol-from-link");
    await phone.page.click("button.primary");
    // Enrolled with the office's default, the phone receives no building
    // until a sector (or the whole town) is given to it.
    await phone.page.waitForSelector("p.empty", { timeout: 30000 });
    assert.match(await phone.page.textContent("p.empty"), /Aucun secteur pour ce téléphone/);
    await phone.page.waitForTimeout(1500);
    assert.equal(await phone.page.$(".list.sectors .row"), null, "sectors before any is given");

    // The sector: lasso around the west of the map, then one click more.
    await page.goto(`${campaignUrl}/sectors`);
    await page.fill("#sector-name", "Lozaits ouest");
    const svg = await page.$("svg.map");
    await svg.scrollIntoViewIfNeeded();
    const box = await svg.boundingBox();
    await page.click("[data-tool=lasso]");
    const path = [[0.02, 0.02], [0.45, 0.02], [0.45, 0.98], [0.02, 0.98], [0.02, 0.03]];
    await page.mouse.move(box.x + box.width * path[0][0], box.y + box.height * path[0][1]);
    await page.mouse.down();
    for (const [x, y] of path.slice(1)) {
      await page.mouse.move(box.x + box.width * x, box.y + box.height * y, { steps: 8 });
    }
    await page.mouse.up();
    const lassoed = Number(await page.textContent("#selected-count"));
    assert.ok(lassoed >= 3, `the lasso chose ${lassoed} buildings`);
    await page.click("[data-tool=lasso]");
    const free = await page.$("svg.map circle.b:not(.selected)");
    await free.click();
    assert.equal(Number(await page.textContent("#selected-count")), lassoed + 1);
    await page.check("label:has-text('Samia – téléphone 3') input");
    await svg.scrollIntoViewIfNeeded();
    await page.evaluate(() => document.querySelector(".map-tools").scrollIntoView());
    await checkScreen(page, "office-sector-drawn");
    await submit(page, "form.sector");
    assert.match(await page.textContent("table"), /Lozaits ouest/);
    assert.match(await page.textContent("table"), /Samia – téléphone 3/);
    await page.click("table >> text=Lozaits ouest");
    await page.waitForSelector("svg.map circle.b.selected");
    await checkScreen(page, "office-sectors");

    // The phone, at its next sync: its sector first, and the questionnaire
    // in Arabic, right to left, with the conditional question.
    const p = phone.page;
    assert.ok(await syncNow(p), "sync succeeded");
    await p.waitForSelector(".list .row .badge");
    const first = await p.textContent(".list.sectors .row >> nth=0");
    assert.match(first, /Lozaits ouest/);
    assert.match(first, /Mon secteur/);
    await shot(p, "field-my-sector");
    await p.click(".list.sectors .row >> nth=0");
    await p.waitForSelector(".walk .row");
    assert.equal(await p.locator(".walk .row").count(), lassoed + 1);
    await p.click(".walk .row >> nth=0");
    await p.waitForSelector(".grid .door");
    await p.click(".grid .door >> nth=0");
    await p.click(".outcome.o-Talked");
    await p.waitForSelector(".questions");
    await p.selectOption("#qlang", "ar");
    await p.waitForSelector(".questions[dir=rtl]");
    assert.match(await p.textContent(".questions"), /هل تعرف مجلس المواطنين؟/);
    assert.doesNotMatch(await p.textContent(".questions"), /كيف تعرفت عليه/);
    await p.check(".questions input[type=radio] >> nth=0");
    await p.waitForSelector(".questions legend:has-text('كيف تعرفت عليه')");
    await shot(p, "field-office-questionnaire-ar");

    // The office sees the phone's last sync, and can revoke it.
    await page.click("text=Appareils");
    const row = page.locator("tr", { hasText: "Samia – téléphone 3" });
    assert.doesNotMatch(await row.textContent(), /jamais/);
    assert.match(await row.textContent(), /Ceux de ses secteurs/, "no whole town unless given");
    await checkScreen(page, "office-devices");
    // Asked first: the phone will wipe what it holds.
    page.once("dialog", async (dialog) => {
      assert.match(dialog.message(), /effacera tout ce qu'il contient/);
      await dialog.accept();
    });
    await Promise.all([page.waitForNavigation(), row.locator("button.danger").click()]);
    assert.match(await page.locator("tr", { hasText: "Samia – téléphone 3" }).textContent(), /Révoqué/);
    await p.click(".bar .back");
    // Its next contact: told it was withdrawn, it wiped what it held.
    await p.click(".bar .sync");
    await p.click("button.primary");
    await p.waitForSelector("p.error[role=alert]", { timeout: 30000 });
    assert.match(await p.textContent("p.error[role=alert]"), /retiré ce téléphone/);
    await shot(p, "field-withdrawn-wiped");

    // English on request, and the menu keeps working.
    await page.click("a.lang");
    assert.equal(await page.textContent("h1"), "Devices");
  } finally {
    await phone?.kill();
    await office.kill();
    await server.stop();
  }
});
