// Sector map: click a building to toggle it, or draw a lasso around
// buildings to add them. The checkboxes in the form stay the truth; this
// only ticks them, so the page works the same without script.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.sector");
  if (!form) return;
  const svg = form.querySelector("svg.map");
  const boxes = new Map();
  for (const box of form.querySelectorAll('input[name="building"]')) boxes.set(box.value, box);
  const count = form.querySelector("#selected-count");
  const refresh = () => {
    let n = 0;
    for (const circle of svg.querySelectorAll("circle.b")) {
      const on = boxes.get(circle.dataset.id)?.checked ?? false;
      circle.classList.toggle("selected", on);
      if (on) n += 1;
    }
    if (count) count.textContent = String(n);
  };
  form.addEventListener("change", refresh);

  const lassoButton = form.querySelector('[data-tool="lasso"]');
  let lassoOn = false;
  lassoButton?.addEventListener("click", () => {
    lassoOn = !lassoOn;
    lassoButton.setAttribute("aria-pressed", String(lassoOn));
  });
  form.querySelector('[data-tool="clear"]')?.addEventListener("click", () => {
    for (const box of boxes.values()) box.checked = false;
    refresh();
  });
  for (const button of form.querySelectorAll("[data-select-group]")) {
    button.addEventListener("click", () => {
      const group = button.closest("fieldset");
      const inputs = [...group.querySelectorAll('input[name="building"]')];
      const all = inputs.every((i) => i.checked);
      for (const i of inputs) i.checked = !all;
      refresh();
    });
  }

  const point = (event) => {
    const p = svg.createSVGPoint();
    p.x = event.clientX;
    p.y = event.clientY;
    return p.matrixTransform(svg.getScreenCTM().inverse());
  };
  const inside = (x, y, poly) => {
    let hit = false;
    for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
      const [xi, yi] = poly[i];
      const [xj, yj] = poly[j];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
    }
    return hit;
  };
  let path = null;
  let line = null;
  svg.addEventListener("pointerdown", (event) => {
    if (!lassoOn) {
      const id = event.target?.dataset?.id;
      const box = id && boxes.get(id);
      if (box) {
        box.checked = !box.checked;
        refresh();
      }
      return;
    }
    event.preventDefault();
    svg.setPointerCapture(event.pointerId);
    const p = point(event);
    path = [[p.x, p.y]];
    line = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
    line.setAttribute("class", "lasso");
    svg.appendChild(line);
  });
  svg.addEventListener("pointermove", (event) => {
    if (!path) return;
    const p = point(event);
    path.push([p.x, p.y]);
    line.setAttribute("points", path.map((q) => q.join(",")).join(" "));
  });
  const finish = () => {
    if (!path) return;
    if (path.length > 2) {
      for (const circle of svg.querySelectorAll("circle.b")) {
        const x = Number(circle.getAttribute("cx"));
        const y = Number(circle.getAttribute("cy"));
        const box = boxes.get(circle.dataset.id);
        if (box && inside(x, y, path)) box.checked = true;
      }
    }
    line?.remove();
    path = null;
    line = null;
    refresh();
  };
  svg.addEventListener("pointerup", finish);
  svg.addEventListener("pointercancel", finish);
});

// Exports that take more than a moment: read the file as it streams in and
// show how many of its rows have arrived, then hand it to the browser as a
// download. Without script the link (or the form, for a door-level file
// and its stated reason) downloads the same file.
async function streamDownload(href, bar, expected) {
  const response = await fetch(href, { credentials: "same-origin" });
  if (!response.ok || !response.body) { window.location.href = href; return; }
  const total = Number(response.headers.get("x-palier-rows") || expected || 0);
  if (bar) { bar.hidden = false; bar.max = Math.max(total, 1); bar.value = 0; }
  const reader = response.body.getReader();
  const parts = [];
  let lines = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    for (const byte of value) if (byte === 10) lines += 1;
    if (bar) bar.value = Math.max(lines - 1, 0);
  }
  const url = URL.createObjectURL(new Blob(parts, { type: "text/csv" }));
  const a = document.createElement("a");
  a.href = url;
  // The name the server gives (campaign and day), as without script.
  const named = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") || "");
  a.download = named ? named[1] : "palier-visits.csv";
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

document.addEventListener("DOMContentLoaded", () => {
  for (const link of document.querySelectorAll("a[data-progress]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      streamDownload(link.href, link.closest("section")?.querySelector("progress"), link.dataset.progress);
    });
  }
  for (const form of document.querySelectorAll("form[data-progress]")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const query = new URLSearchParams(new FormData(form)).toString();
      const href = `${form.action}${form.action.includes("?") ? "&" : "?"}${query}`;
      streamDownload(href, form.querySelector("progress"), form.dataset.progress);
    });
  }
});

// Results map: tapping or focusing a shape tells its figures (hover shows
// the same as a tooltip).
document.addEventListener("DOMContentLoaded", () => {
  const svg = document.querySelector("svg.map.results, svg.map.pins");
  const info = document.getElementById("map-info");
  if (!svg || !info) return;
  const show = (event) => {
    const text = event.target?.closest?.("[data-info]")?.dataset?.info;
    if (text) info.textContent = text;
  };
  svg.addEventListener("click", show);
  svg.addEventListener("focusin", show);
});

// Forms that destroy something ask first (without script they submit as is).
document.querySelectorAll("form[data-confirm]").forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
});

// A long computation says so, and is not started twice.
document.querySelectorAll("button[data-busy]").forEach((button) => {
  button.form?.addEventListener("submit", () => {
    button.textContent = button.dataset.busy;
    setTimeout(() => { button.disabled = true; }, 0);
  });
});

// The import's column step: another header row means other columns, so
// choosing it reads the file again at once (without script, the
// "read again" button does the same).
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("form.columns select[name^='header.']")) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
});

// A button that prints the page (the subject access's paper copy); CSP
// forbids inline handlers, so it is wired here.
for (const button of document.querySelectorAll("button[data-print]")) {
  button.addEventListener("click", () => window.print());
}
