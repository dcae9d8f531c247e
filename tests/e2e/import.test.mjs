// The territory import with a landlord's own file, end to end: one row per
// dwelling, two headers Palier cannot read ("Bât.", "Niv."), which the
// coordinator maps by hand in the preview; the import then gives the
// building its real doors, and the phone shows that grid: two entrances,
// the landlord's door labels on their floors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, logIn, enrol, checkScreen, shot, submit } from "./harness.mjs";

// DEMO-03 of the demo territory, in the phone's sector ("Lozaits nord").
const ADDRESS = "8 rue Jean-Baptiste Clément, Villejuif";
const DOORS = [
  ["A", "RDC", "A01"], ["A", "RDC", "A02"], ["A", "1", "A11"], ["A", "1", "A12"],
  ["B", "RDC", "B01"], ["B", "1", "B11"], ["B", "1", "B12"], ["B", "2", "B21"],
];
const CSV = ["Bât.;Adresse;Cage;Niv.;Porte;Longitude;Latitude"]
  .concat(DOORS.map(([cage, level, door]) => `DEMO-03;${ADDRESS};${cage};${level};${door};2,3584;48,7905`))
  .join("\n") + "\n";

test("a coordinator maps two columns by hand and the phone shows the building's real doors", async () => {
  const server = await startServer();
  const office = await launch();
  let phone;
  try {
    const page = office.page;
    await page.setViewportSize({ width: 1280, height: 900 });
    await logIn(page, server.url, server.email, server.password);
    await page.goto(`${server.url}/office/territory`);
    await page.setInputFiles("#buildings-file", {
      name: "inventaire-bailleur.csv", mimeType: "text/csv", buffer: Buffer.from(CSV, "utf8"),
    });
    await submit(page, "form[action^='/office/territory/preview?']");

    // The preview reads the shape and most columns, and asks for the rest.
    const first = await page.textContent("main");
    assert.match(first, /Une ligne par logement/);
    assert.match(first, /À choisir avant de lire ce fichier : étage du logement/);
    assert.equal(await page.$("form[action^='/office/territory/confirm?']"), null, "nothing to confirm yet");
    assert.equal(await page.inputValue("select[name='map.0.2']"), "entrance");
    assert.equal(await page.inputValue("select[name='map.0.4']"), "door");
    // "Bât." reads as a building code; here it holds the landlord's key.
    assert.equal(await page.inputValue("select[name='map.0.0']"), "building_code");
    assert.equal(await page.inputValue("select[name='map.0.3']"), "");
    await page.selectOption("select[name='map.0.0']", "key");
    await page.selectOption("select[name='map.0.3']", "level");
    await page.locator("form.columns").scrollIntoViewIfNeeded();
    await checkScreen(page, "office-import-columns", true);
    await submit(page, "form.columns");

    const second = await page.textContent("main");
    assert.match(second, /Colonnes telles que vous les avez choisies/);
    assert.match(second, /Bâtiments mis à jour\s*1/);
    assert.match(second, /Entrées\s*2/);
    assert.match(second, /Logements\s*8/);
    assert.match(second, /Aucune ligne rejetée/);
    await submit(page, "form[action^='/office/territory/confirm?']");
    assert.match(await page.textContent(".notice.ok"), /Import terminé/);

    // The phone, enrolled now, opens the building.
    phone = await launch();
    const p = phone.page;
    await enrol(p, server.url, server.code);
    await p.click(".list.sectors .row >> nth=0");
    await p.waitForSelector(".walk .row");
    await p.click(`.walk .row:has-text("8 rue Jean-Baptiste")`);
    await p.waitForSelector(".grid .door");
    const grid = await p.$$eval("section.entrance", (sections) => sections.map((s) => ({
      title: s.querySelector("h2").textContent,
      floors: [...s.querySelectorAll("tr")].map((tr) => ({
        level: tr.querySelector("th").textContent.trim(),
        doors: [...tr.querySelectorAll(".door .label")].map((d) => d.textContent),
      })),
    })));
    assert.equal(grid.length, 2, JSON.stringify(grid));
    assert.match(grid[0].title, /A/);
    assert.match(grid[1].title, /B/);
    const doors = (entrance) => Object.fromEntries(grid[entrance].floors.map((f) => [f.level, f.doors]));
    assert.deepEqual(doors(0), { "RDC": ["A01", "A02"], "1": ["A11", "A12"] });
    assert.deepEqual(doors(1), { "RDC": ["B01"], "1": ["B11", "B12"], "2": ["B21"] });
    // The landlord the demo territory gave stays: this file names none.
    assert.match(await p.textContent(".landlord"), /Bailleur : OPH de Villejuif/);
    await shot(p, "field-imported-doors");
  } finally {
    await phone?.kill();
    await office.kill();
    await server.stop();
  }
});

test("a coordinator chooses the header row by hand under a row of column groups", async () => {
  const server = await startServer();
  const office = await launch();
  try {
    const page = office.page;
    await page.setViewportSize({ width: 1280, height: 900 });
    await logIn(page, server.url, server.email, server.password);
    await page.goto(`${server.url}/office/territory`);
    // A landlord's export with a row of column groups above the headers:
    // it reads as headers too, so the preview takes it, and the
    // coordinator chooses line 2.
    const rows = [
      "Adresse du patrimoine;Logements;;;;",
      "Adresse;Cage;Etage;Porte;Longitude;Latitude",
      `${ADDRESS};A;RDC;A01;2,3584;48,7905`,
      `${ADDRESS};A;1;A11;2,3584;48,7905`,
      `${ADDRESS};B;RDC;B01;2,3584;48,7905`,
    ];
    await page.setInputFiles("#buildings-file", {
      name: "patrimoine.csv", mimeType: "text/csv", buffer: Buffer.from(rows.join("\n") + "\n", "utf8"),
    });
    await submit(page, "form[action^='/office/territory/preview?']");
    assert.equal(await page.inputValue("select[name='header.0']"), "1", "the group row was taken");
    assert.equal(await page.$("form[action^='/office/territory/confirm?']"), null, "nothing to confirm yet");
    // Choosing another header row reads the file again at once.
    await Promise.all([page.waitForNavigation(), page.selectOption("select[name='header.0']", "2")]);
    assert.equal(await page.inputValue("select[name='header.0']"), "2");
    await checkScreen(page, "office-import-header-row", true);
    const read = await page.textContent("main");
    assert.match(read, /Entrées\s*2/);
    assert.match(read, /Logements\s*3/);
    assert.match(read, /Aucune ligne rejetée/);
    await submit(page, "form[action^='/office/territory/confirm?']");
    assert.match(await page.textContent(".notice.ok"), /Import terminé/);
    // Next month's file: the header row is remembered with its columns.
    await page.setInputFiles("#buildings-file", {
      name: "patrimoine.csv", mimeType: "text/csv", buffer: Buffer.from(rows.join("\n") + "\n", "utf8"),
    });
    await submit(page, "form[action^='/office/territory/preview?']");
    assert.equal(await page.inputValue("select[name='header.0']"), "2", "remembered");
    assert.match(await page.textContent("main"), /Aucune ligne rejetée/);
  } finally {
    await office.kill();
    await server.stop();
  }
});
