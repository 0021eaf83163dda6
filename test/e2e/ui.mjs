// UI test through the real VS Code workbench: code-server (with the packaged extension installed) driven
// by Debian's headless chromium via playwright-core. Started by run.sh; prints `ok - …` / `FAIL - …` lines.
// Env: CS_URL (code-server base URL), CS_WS (workspace folder holding examples/, ci.yaml, convert.yaml and k8s-ms.yaml),
//      SHOT_DIR (where screenshots go), CHROMIUM (default /usr/bin/chromium).
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const BASE = process.env.CS_URL ?? 'http://127.0.0.1:18080/';
const WS = process.env.CS_WS;
const SHOT_DIR = process.env.SHOT_DIR ?? '.';
if (!WS) throw new Error('CS_WS is not set');

const TYPOS = 'examples/mistakes/meshservice-typos.yaml';
const UNKNOWN = 'Unknown key "weight"';
const BACKEND = 'examples/universal/backend.yaml';
const STEP_MS = 30000; // no single wait may take longer than this

const t0 = Date.now();
const log = (...a) => console.log(`# [${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
let failures = 0;
function check(name, ok, extra = '') {
  if (!ok) failures++;
  console.log(`${ok ? 'ok' : 'FAIL'} - vscode: ${name}${!ok && extra ? ` (${extra})` : ''}`);
}
// Runs one check; a timeout or error inside it is that check's failure, not the end of the run.
async function step(name, fn) {
  try {
    const res = await fn();
    if (res === true || res === undefined) check(name, true);
    else check(name, false, typeof res === 'string' ? res : JSON.stringify(res));
  } catch (e) {
    check(name, false, String(e?.message ?? e).split('\n')[0]);
  }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const userDataDir = mkdtempSync(join(tmpdir(), 'kuma-e2e-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
  viewport: { width: 1400, height: 900 },
});
const page = context.pages()[0] ?? (await context.newPage());
page.setDefaultTimeout(STEP_MS);

const editor = page.locator('.editor-group-container.active .monaco-editor').first();
const problemRows = page.locator('.markers-panel .monaco-list-row');
const kumaStatus = page.locator('.statusbar-item', { hasText: 'Kuma 2.14' });

async function quickOpen(file) {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').waitFor();
  await page.keyboard.type(file);
  const base = file.split('/').pop();
  // the focused row, not just any row: the list can still hold an older result while it updates
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: base }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active[aria-label*="${base}"]`).waitFor();
  await editor.locator('.view-lines').waitFor();
}

// The Problems tree in display order: resource rows (level 1) and marker rows (level 2, with their resource).
async function problems() {
  const rows = await problemRows.evaluateAll((els) =>
    els.map((el) => ({
      index: Number(el.getAttribute('data-index')),
      level: Number(el.getAttribute('aria-level')),
      label: el.getAttribute('aria-label') ?? '',
      text: el.textContent ?? '',
      source: el.querySelector('.marker-source')?.textContent ?? '',
      code: el.querySelector('.marker-code')?.textContent ?? '',
    })),
  );
  rows.sort((a, b) => a.index - b.index);
  let resource = '';
  const markers = [];
  for (const r of rows) {
    if (r.level === 1) resource = r.text;
    else markers.push({ resource, text: r.text, source: r.source, code: r.code });
  }
  return markers;
}

// The Problems panel renders only the rows in view: steps about one file filter the panel to it
// (a glob on the file's path), as a user would in a workspace whose every file is reported.
const problemsFilter = page.locator('.markers-panel-action-filter input, .viewpane-filter input').first();
async function filterProblems(glob) {
  await problemsFilter.fill(glob);
  await sleep(800); // the filter applies after a short delay
}

// The text of editor line `n` as rendered (inlay hints included), matched to its line number by position.
async function lineText(n) {
  return editor.evaluate((ed, n) => {
    const num = [...ed.querySelectorAll('.margin-view-overlays .line-numbers')].find((el) => el.textContent.trim() === String(n));
    if (!num) return undefined;
    const top = num.closest('[style*="top"]')?.style.top ?? num.parentElement?.style.top;
    const line = [...ed.querySelectorAll('.view-lines .view-line')].find((el) => el.style.top === top);
    return line?.textContent.replace(/\u00a0/g, ' ');
  }, n);
}

const cursorItem = page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first();
const cursorAt = (line, col) =>
  page
    .locator('.statusbar-item', { hasText: new RegExp(`Ln ${line}, Col ${col}(?!\\d)`) })
    .first()
    .waitFor({ timeout: 5000 });

// Ctrl+G `line:col`, then wait until the status bar shows the cursor there.
async function gotoLineCol(line, col) {
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget input').waitFor();
  await page.keyboard.type(`${line}:${col}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  await cursorAt(line, col);
}

// The rows of a review quick pick (a multi-file conversion or migration): each file's text and whether it is picked.
const reviewRows = (rows) =>
  rows.evaluateAll((els) =>
    els.map((el) => ({
      text: (el.textContent ?? '').replace(/\u00a0/g, ' '),
      checked:
        el.querySelector('input[type=checkbox]')?.checked ??
        el.querySelector('.monaco-checkbox, .quick-input-list-checkbox')?.classList.contains('checked'),
    })),
  );

async function shot(name) {
  const path = join(SHOT_DIR, name);
  await page.screenshot({ path }).catch((e) => log('screenshot failed', e.message));
  log('screenshot', path);
}

// A cropped picture for the README (docs/NAME.png via `npm run screenshots`): the union of the boxes of
// `parts` (locators, first visible match, or async functions returning a box), `pad` pixels left, right and below, at most
// maxWidth × maxHeight from its top left, written to SHOT_DIR/docs-NAME.png.
async function docShot(name, parts, { pad = 12, maxWidth = 960, maxHeight = 560 } = {}) {
  try {
    const boxes = [];
    for (const p of parts) {
      const box = typeof p === 'function' ? await p() : await p.first().boundingBox();
      if (box) boxes.push(box);
    }
    if (!boxes.length) throw new Error('nothing to frame');
    const vp = page.viewportSize();
    const x = Math.max(0, Math.min(...boxes.map((b) => b.x)) - pad);
    const y = Math.max(0, Math.min(...boxes.map((b) => b.y))); // no pad above: start on a whole line
    const right = Math.min(vp.width, Math.max(...boxes.map((b) => b.x + b.width)) + pad, x + maxWidth);
    const bottom = Math.min(vp.height, Math.max(...boxes.map((b) => b.y + b.height)) + pad, y + maxHeight);
    const path = join(SHOT_DIR, `docs-${name}.png`);
    await page.screenshot({ path, clip: { x, y, width: right - x, height: bottom - y } });
    log('screenshot', path);
  } catch (e) {
    log(`docs screenshot ${name} failed:`, e.message);
  }
}
// The box of editor lines `first`..`last` (1-based) as scrolled now, line numbers included, `width` wide.
const editorLines =
  (first, last, width = 720) =>
  async () =>
    editor.evaluate(
      (ed, [first, last, width]) => {
        const content = ed.querySelector('.lines-content').getBoundingClientRect();
        const margin = ed.querySelector('.margin').getBoundingClientRect();
        const lineHeight = ed.querySelector('.view-line').getBoundingClientRect().height;
        return {
          x: margin.x,
          y: content.y + (first - 1) * lineHeight,
          width: content.x - margin.x + width,
          height: (last - first + 1) * lineHeight,
        };
      },
      [first, last, width],
    );

try {
  await page.goto(`${BASE}?folder=${encodeURIComponent(WS)}`);
  await page.locator('.monaco-workbench').waitFor();
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor();
  log('workbench loaded');

  // (0) The first YAML file opened starts the extension and the server: its inlay hints are asked
  // for before the workspace index is ready, as for a tab restored when the window loads. The
  // server asks VS Code to refresh them once the index is ready; no edit is needed.
  await quickOpen(BACKEND);
  log(`${BACKEND} open first`);
  await step('inlay hints of the first file opened read the index once it is ready: "selects 2 Dataplanes", no edit needed', async () => {
    const lines = readFileSync(join(WS, BACKEND), 'utf8').split('\n');
    const sel = lines.findIndex((l) => /^\s*selector:\s*$/.test(l)) + 1;
    await editor.locator('.view-lines').click();
    await gotoLineCol(sel, 3);
    let t = '';
    for (let i = 0; i < 75; i++) {
      t = ((await editor.locator('.view-lines').textContent()) ?? '').replace(/\u00a0/g, ' ');
      if (t.includes('selects 2 Dataplanes') && t.includes('→ 18080')) return true;
      await sleep(200);
    }
    return `the editor shows ${JSON.stringify(t.match(/selects \d+ \w+/g))}`;
  });
  await shot('kuma-e2e-first-hints.png');

  await quickOpen(TYPOS);
  log(`${TYPOS} open`);

  // (a) squiggles: the server starts over IPC, checks the file and VS Code pulls the diagnostics
  await step('error squiggles (.squiggly-error) in meshservice-typos.yaml', () => editor.locator('.squiggly-error').first().waitFor());
  await step('warning squiggles (.squiggly-warning) in meshservice-typos.yaml', () =>
    editor.locator('.squiggly-warning').first().waitFor(),
  );

  // (c) status bar
  await step('status bar shows "Kuma 2.14"', () => kumaStatus.first().waitFor());

  // (b) Problems panel
  await page.keyboard.press('Control+Shift+M');
  await filterProblems(`**/${TYPOS.split('/').pop()}`);
  await step(`Problems panel lists ${UNKNOWN} with source kuma`, async () => {
    const listed = await problemRows
      .filter({ hasText: UNKNOWN })
      .first()
      .waitFor()
      .then(
        () => true,
        async (e) => `${e.message.split('\n')[0]}; the panel lists ${JSON.stringify((await problems()).map((p) => p.text))}`,
      );
    if (listed !== true) return listed;
    const m = (await problems()).find((p) => p.text.includes(UNKNOWN));
    if (!m) return 'row vanished';
    // the row reads: message, source `kuma`, code `schema-unknown-key`, then [Ln 21, Col 3]
    if (m.source !== 'kuma' || !m.code.includes('schema-unknown-key')) return `source "${m.source}", code "${m.code}" in row: ${m.text}`;
    if (!m.resource.includes('meshservice-typos.yaml')) return `listed under ${m.resource}`;
    return true;
  });
  const NEVER_OPENED = 'universal-mistakes.yaml';
  await step(`Problems panel lists the problems of ${NEVER_OPENED}, a file never opened (kuma.diagnostics.scope: workspace)`, async () => {
    await filterProblems(`**/${NEVER_OPENED}`);
    await problemRows.filter({ hasText: NEVER_OPENED }).first().waitFor({ timeout: 15000 });
    const closed = (await problems()).filter((p) => p.resource.includes(NEVER_OPENED));
    log(`${NEVER_OPENED}:`, JSON.stringify(closed.map((p) => p.text)));
    if (closed.length === 0) return 'no problems listed under it';
    // Rows without a source are related information ("first used here") under a problem.
    if (!closed.every((p) => p.source === 'kuma' || p.source === '')) return `sources ${JSON.stringify(closed.map((p) => p.source))}`;
    const open = await page.locator(`.tab[aria-label*="${NEVER_OPENED}"]`).count();
    return open === 0 || 'the file is open in a tab';
  });
  await shot('kuma-e2e-closed-problems.png');
  await filterProblems(`**/${TYPOS.split('/').pop()}`);
  await sleep(500); // let the panel settle for the picture
  await shot('kuma-e2e.png');
  await docShot('diagnostics', [editorLines(1, 21, 640), page.locator('.part.panel .markers-panel')], { maxWidth: 1000, maxHeight: 760 });

  // (d) delete the `weight:` line with the keyboard: Ctrl+G to its line, select it, delete it
  await step(`deleting the "weight:" line clears ${UNKNOWN}`, async () => {
    const lines = readFileSync(join(WS, TYPOS), 'utf8').split('\n');
    const lineNo = lines.findIndex((l) => /^\s*weight:/.test(l)) + 1;
    if (lineNo < 1) return 'no weight: line in the example';
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').waitFor();
    await page.keyboard.type(String(lineNo));
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    // Home toggles between the first non-blank and column 1: press it until the status bar says Col 1
    const cursor = page.locator('.statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first();
    await page
      .locator('.statusbar-item', { hasText: `Ln ${lineNo},` })
      .first()
      .waitFor({ timeout: 5000 });
    const atCol1 = page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${lineNo}, Col 1(?!\\d)`) }).first();
    for (let i = 0; i < 3 && !(await atCol1.isVisible()); i++) {
      await page.keyboard.press('Home');
      await atCol1.waitFor({ timeout: 1000 }).catch(() => {});
    }
    if (!(await atCol1.isVisible())) return `cursor at ${await cursor.textContent()}, expected Ln ${lineNo}, Col 1`;
    await page.keyboard.press('Shift+End');
    await page.keyboard.press('Delete');
    await page.keyboard.press('Backspace'); // join the now-empty line with the one above
    const lineGone = async () => !(await editor.locator('.view-lines').textContent())?.includes('weight:');
    for (let i = 0; i < 50 && !(await lineGone()); i++) await sleep(100);
    if (!(await lineGone())) return 'the line is still in the editor';
    await problemRows.filter({ hasText: UNKNOWN }).first().waitFor({ state: 'detached' });
    const left = await problems();
    // the others stay: this is a re-check of the edited buffer, not an emptied panel
    if (!left.some((p) => p.text.includes('Port 70000'))) return `other problems gone too: ${JSON.stringify(left.map((p) => p.text))}`;
    return true;
  });
  await shot('kuma-e2e-after-edit.png');

  // (d2) the code of a problem links to its docs section; the quick fix "Suppress CODE on this line"
  // inserts a comment above the line (with its indentation) and the problem leaves the panel
  const PORT = 'Port 70000';
  await step('the code of a problem in the Problems panel links to docs/diagnostics.md#port-range', async () => {
    const html = await problemRows.filter({ hasText: PORT }).first().innerHTML();
    return html.includes('docs/diagnostics.md#port-range') || `row: ${html.slice(0, 300)}`;
  });
  await step('Ctrl+. on "port: 70000" → "Suppress port-range on this line" adds the comment; the problem goes', async () => {
    const text = (await editor.locator('.view-lines').textContent()) ?? '';
    const lines = readFileSync(join(WS, TYPOS), 'utf8').split('\n');
    const lineNo = lines.findIndex((l) => /port: 70000/.test(l)) + 1;
    if (lineNo < 1 || !text.includes('70000')) return 'no "port: 70000" line';
    const col = lines[lineNo - 1].indexOf('70000') + 1;
    await editor.locator('.view-lines').click();
    await gotoLineCol(lineNo, col);
    const rows = page.locator('.action-widget .monaco-list-row');
    const title = 'Suppress port-range on this line';
    await page.keyboard.press('Control+.');
    await rows.first().waitFor({ timeout: 10000 });
    await sleep(300);
    const titles = await rows.evaluateAll((rs) => rs.map((r) => (r.querySelector('.title') ?? r).textContent?.trim() ?? ''));
    log('code actions on port: 70000', JSON.stringify(titles));
    if (!titles.includes(title)) return `menu lists ${JSON.stringify(titles)}`;
    // move the focus to it with the arrow keys (typing would land on the "in this document" twin)
    const focused = () =>
      rows.evaluateAll((rs) => (rs.find((r) => r.classList.contains('focused'))?.querySelector('.title') ?? null)?.textContent?.trim());
    for (let i = 0; i < titles.length && (await focused()) !== title; i++) {
      await page.keyboard.press('ArrowDown');
      await sleep(100);
    }
    if ((await focused()) !== title) return `could not focus "${title}" (focused: ${JSON.stringify(await focused())})`;
    await page.keyboard.press('Enter');
    await page.locator('.action-widget').waitFor({ state: 'hidden', timeout: 5000 });
    const above = async () => lineText(lineNo);
    for (let i = 0; i < 30 && !(await above())?.includes('kuma-lint-disable'); i++) await sleep(100);
    const inserted = await above();
    const want = `${/^\s*/.exec(lines[lineNo - 1])[0]}# kuma-lint-disable-next-line port-range`;
    if (inserted?.trimEnd() !== want) return `line ${lineNo} reads ${JSON.stringify(inserted)}, expected ${JSON.stringify(want)}`;
    await problemRows.filter({ hasText: PORT }).first().waitFor({ state: 'detached' });
    const left = await problems();
    if (!left.some((p) => p.code.includes('ports-duplicate-name')))
      return `other problems gone too: ${JSON.stringify(left.map((p) => p.text))}`;
    return true;
  });
  await shot('kuma-e2e-suppress.png');

  // (e) a GitHub workflow is not a Kuma resource: no kuma problems, no status bar item
  await quickOpen('ci.yaml');
  log('ci.yaml open');
  await step('status bar hides "Kuma 2.14" for a non-Kuma YAML file', () => kumaStatus.first().waitFor({ state: 'hidden' }));
  await sleep(3000); // time for the server to (wrongly) publish something
  await step('Problems panel shows no kuma entries for ci.yaml', async () => {
    await filterProblems('**/ci.yaml');
    const bad = await problems();
    if (bad.length) return bad.map((p) => `${p.resource}: ${p.text}`).join(' | ');
    const squiggles = await editor.locator('.squiggly-error, .squiggly-warning').count();
    if (squiggles) return `${squiggles} squiggles in ci.yaml`;
    // the panel is still alive and showing the typos file, so an empty ci.yaml entry is meaningful
    await filterProblems(`**/${TYPOS.split('/').pop()}`);
    if (!(await problems()).some((p) => /meshservice-typos/.test(p.resource))) return 'Problems panel lists nothing at all';
    return true;
  });
  await shot('kuma-e2e-ci.png');

  // (f) editing features on a Universal MeshService whose `targetPort: http` names an inbound of two Dataplanes
  await quickOpen(BACKEND);
  log(`${BACKEND} open`);
  const backendLines = readFileSync(join(WS, BACKEND), 'utf8').split('\n');
  const tpLine = backendLines.findIndex((l) => /^\s*targetPort: http\s*$/.test(l)) + 1;
  const tpCol = backendLines[tpLine - 1].indexOf('http') + 1; // 1-based column of the value
  const firstNameHttp = backendLines.findIndex((l) => /^\s*name: http\s*$/.test(l)) + 1;
  log(`targetPort: http at Ln ${tpLine}, Col ${tpCol}; first "name: http" at Ln ${firstNameHttp}`);

  // inlay hints first: they also tell that the workspace index (the Dataplanes) is ready
  await step('inlay hints "→ 18080" after targetPort and "selects 2 Dataplanes" after selector', async () => {
    // the editor renders only the lines in view: bring the MeshService into view first
    await editor.locator('.view-lines').click();
    await gotoLineCol(tpLine, tpCol);
    const viewText = async () => ((await editor.locator('.view-lines').textContent()) ?? '').replace(/\u00a0/g, ' ');
    const want = ['→ 18080', 'selects 2 Dataplanes'];
    for (let i = 0; i < 100; i++) {
      const t = await viewText();
      if (want.every((w) => t.includes(w))) break;
      await sleep(200);
    }
    const t = await viewText();
    const missing = want.filter((w) => !t.includes(w));
    if (missing.length) return `missing ${JSON.stringify(missing)}`;
    const line = await lineText(tpLine);
    if (!/targetPort: http\s*→ 18080/.test(line ?? '')) return `"→ 18080" not on the targetPort line, which reads ${JSON.stringify(line)}`;
    return true;
  });

  const suggest = page.locator('.editor-widget.suggest-widget.visible');
  const suggestLabels = () =>
    suggest.locator('.monaco-list-row').evaluateAll((rows) =>
      rows
        .sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')))
        .map((r) => ({
          label: r.querySelector('.label-name')?.textContent ?? '',
          details: r.querySelector('.details-label')?.textContent ?? '',
          focused: r.classList.contains('focused'),
          aria: r.getAttribute('aria-label') ?? '',
        })),
    );
  await step('completion on an emptied targetPort lists exactly http, metrics, 18080, 19090', async () => {
    await gotoLineCol(tpLine, tpCol);
    await page.keyboard.press('Shift+End');
    await page.keyboard.press('Delete');
    const emptied = await lineText(tpLine);
    if (!/^\s*targetPort: ?$/.test(emptied ?? '')) return `line ${tpLine} reads ${JSON.stringify(emptied)} after deleting the value`;
    await page.keyboard.press('Control+Space');
    await suggest.locator('.monaco-list-row').first().waitFor();
    await sleep(300); // let the list settle (and the focused row render its details)
    const rows = await suggestLabels();
    log('suggestions', JSON.stringify(rows));
    const labels = rows.map((r) => r.label);
    const want = ['http', 'metrics', '18080', '19090'];
    if (labels.length !== want.length || !want.every((w) => labels.includes(w))) return `labels ${JSON.stringify(labels)}`;
    const http = rows.find((r) => r.label === 'http');
    if (http.details && !http.details.includes('→ 18080')) return `details of http: ${JSON.stringify(http.details)}`;
    return true;
  });
  await shot('kuma-e2e-completion.png');
  await docShot('completion', [editorLines(tpLine - 5, tpLine + 1, 420), suggest]);

  await step('accepting "http" with Enter restores "targetPort: http"', async () => {
    if (!(await suggest.isVisible())) return 'suggest widget not open';
    // move the focus to `http` if it is not the first row
    for (let i = 0; i < 4; i++) {
      const rows = await suggestLabels();
      if (rows.find((r) => r.focused)?.label === 'http') break;
      await page.keyboard.press('ArrowDown');
      await sleep(100);
    }
    if ((await suggestLabels()).find((r) => r.focused)?.label !== 'http') return 'could not focus http in the list';
    await page.keyboard.press('Enter');
    await suggest.waitFor({ state: 'hidden' });
    // right after an edit VS Code may show the old inlay hint as a "…" placeholder until the new one arrives
    let line = await lineText(tpLine);
    for (let i = 0; i < 30 && line?.includes('…'); i++) {
      await sleep(100);
      line = await lineText(tpLine);
    }
    // same indentation as in the file, the value once, then at most the inlay hint
    if (!line?.startsWith(backendLines[tpLine - 1]) || !/^\s*targetPort: http(\s*→ 18080)?\s*$/.test(line))
      return `line ${tpLine} reads ${JSON.stringify(line)}`;
    await cursorAt(tpLine, tpCol + 4);
    return true;
  });

  const hover = page.locator('.monaco-hover:visible', { hasText: 'backend-1' });
  await step('hover (Ctrl+K Ctrl+I) on the targetPort value mentions backend-1', async () => {
    await gotoLineCol(tpLine, tpCol + 1);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    await hover.first().waitFor();
    log('hover text', JSON.stringify(await hover.first().innerText()));
    return true;
  });
  await sleep(300);
  await shot('kuma-e2e-hover.png');
  await docShot('hover', [editorLines(tpLine - 1, tpLine + 1, 420), hover]);
  await page.keyboard.press('Escape');

  // two Dataplanes declare `http`: settings.json sets editor.gotoLocation.multipleDefinitions to "goto"
  // (instead of the peek view) so F12 jumps to the first one
  await step(`go to definition (F12) on the targetPort value moves to "name: http" (Ln ${firstNameHttp})`, async () => {
    if (firstNameHttp < 1) return 'no name: http line in the example';
    await hover
      .first()
      .waitFor({ state: 'hidden', timeout: 5000 })
      .catch(() => {});
    await gotoLineCol(tpLine, tpCol + 1);
    await page.keyboard.press('F12');
    const there = page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${firstNameHttp}, Col \\d+`) }).first();
    await there.waitFor().catch(() => {});
    if (!(await there.isVisible())) {
      const peek = await page.locator('.peekview-widget').count();
      return `cursor at ${await cursorItem.textContent()}${peek ? ', a peek widget opened instead' : ''}`;
    }
    const line = await lineText(firstNameHttp);
    if (!/^\s*name: http\s*$/.test(line ?? '')) return `landed on ${JSON.stringify(line)}`;
    return true;
  });
  await shot('kuma-e2e-definition.png');

  // (g) conversions as a user runs them: a code action on a Service (Ctrl+.), undo, and a palette command.
  // The editor buffer is not readable from the page: each check saves (Ctrl+S) and reads the file on disk.
  const readWs = (file) => readFileSync(join(WS, file), 'utf8');
  // Saves the active editor, then waits (bounded) until the file on disk satisfies `ok`.
  async function saveUntil(file, ok) {
    await page.keyboard.press('Control+S');
    return settled(file, ok);
  }
  async function settled(file, ok) {
    // the editor writes a file by truncating it first: a read can see it empty or half written, so a
    // text counts only when a second read a little later finds the same text
    for (let i = 0; i < 50; i++) {
      const text = readWs(file);
      if (ok(text)) {
        await sleep(150);
        if (readWs(file) === text) return text;
      }
      await sleep(100);
    }
    return null;
  }
  const shortDiff = (a, b) => {
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    return `differs at offset ${i}: ${JSON.stringify(a.slice(i, i + 60))} vs ${JSON.stringify(b.slice(i, i + 60))}`;
  };

  const CONVERT = 'convert.yaml';
  const ADD_MS = 'Add the MeshService Kuma generates for this Service';
  const convertOrig = readWs(CONVERT);
  const cLines = convertOrig.split('\n');
  const svcKindLine = cLines.findIndex((l) => l === 'kind: Service') + 1;
  // the Service document ends where the ConfigMap's `---` begins
  const svcEnd = convertOrig.indexOf('---\n# settings read by web');
  await quickOpen(CONVERT);
  log(`${CONVERT} open; kind: Service at Ln ${svcKindLine}, Service ends at offset ${svcEnd}`);

  const actionWidget = page.locator('.action-widget');
  const actionRows = actionWidget.locator('.monaco-list-row');
  const actionItems = () =>
    actionRows.evaluateAll((rows) =>
      rows
        .sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')))
        .map((r) => ({
          text: (r.querySelector('.title') ?? r).textContent?.trim() ?? '',
          action: r.classList.contains('action'),
          disabled: r.classList.contains('option-disabled') || r.getAttribute('aria-disabled') === 'true',
          focused: r.classList.contains('focused'),
        })),
    );
  await step(`Ctrl+. on "kind: Service" (Ln ${svcKindLine}) lists "${ADD_MS}"`, async () => {
    if (svcKindLine < 1 || svcEnd < 0) return 'fixture convert.yaml is not as expected';
    await editor.locator('.view-lines').click();
    await gotoLineCol(svcKindLine, 1);
    // the server may still be indexing the new file: retry the menu a few times
    let items = [];
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Control+.');
      await actionRows.first().waitFor({ timeout: 10000 });
      await sleep(300);
      items = await actionItems();
      if (items.some((r) => r.text.startsWith(ADD_MS))) break;
      await page.keyboard.press('Escape');
      await actionWidget.waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
      await sleep(1000);
    }
    log('code actions', JSON.stringify(items));
    const add = items.find((r) => r.text.startsWith(ADD_MS));
    if (!add) return `menu lists ${JSON.stringify(items.map((r) => r.text))}`;
    if (add.disabled) return `"${add.text}" is disabled`;
    return true;
  });
  await sleep(300);
  await shot('kuma-e2e-codeaction.png');
  await docShot('quickfix', [editorLines(svcKindLine - 1, svcKindLine + 12, 420), actionWidget]);

  let converted = '';
  await step('choosing it inserts the MeshService right after the Service; the rest of the file is byte-for-byte unchanged', async () => {
    if (!(await actionWidget.isVisible())) return 'code action menu not open';
    // it is the preferred action and focused first: move away, then type its title, which moves the
    // focus back to the item whose label starts with it (the list's type-to-navigate)
    await page.keyboard.press('ArrowDown');
    await sleep(100);
    const away = (await actionItems()).find((r) => r.focused);
    await page.keyboard.type(ADD_MS, { delay: 10 });
    await sleep(300);
    const focused = (await actionItems()).find((r) => r.focused);
    if (!focused?.text.startsWith(ADD_MS))
      return `typing the title focused ${JSON.stringify(focused?.text)} (before typing: ${JSON.stringify(away?.text)})`;
    await page.keyboard.press('Enter');
    await actionWidget.waitFor({ state: 'hidden', timeout: 5000 });
    converted = (await saveUntil(CONVERT, (t) => t !== convertOrig)) ?? readWs(CONVERT);
    if (converted === convertOrig) return 'the file on disk did not change after Ctrl+S';
    const head = convertOrig.slice(0, svcEnd); // Namespace and Service, comments included
    const tail = convertOrig.slice(svcEnd); // `---`, the comment and the ConfigMap
    if (!converted.startsWith(head)) return `Namespace/Service changed: ${shortDiff(head, converted)}`;
    if (!converted.endsWith(tail)) return `ConfigMap part changed: ${JSON.stringify(converted.slice(-tail.length - 20))}`;
    const inserted = converted.slice(head.length, converted.length - tail.length);
    log('inserted', JSON.stringify(inserted));
    if (!inserted.startsWith('---\napiVersion: kuma.io/v1alpha1\nkind: MeshService\n'))
      return `inserted text starts ${JSON.stringify(inserted.slice(0, 80))}`;
    if (!/^metadata:\n {2}name: web\n {2}namespace: web-demo\n/m.test(inserted)) return `no name: web in ${JSON.stringify(inserted)}`;
    if (!inserted.endsWith('\n')) return `inserted text does not end with a newline: ${JSON.stringify(inserted.slice(-40))}`;
    return true;
  });

  await step('undo (Ctrl+Z) restores the original file', async () => {
    if (converted === convertOrig) return 'nothing to undo: the conversion did not apply';
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+Z');
    const ok = (await saveUntil(CONVERT, (t) => t === convertOrig)) !== null;
    if (!ok) return shortDiff(convertOrig, readWs(CONVERT));
    return true;
  });

  const K8S_MS = 'k8s-ms.yaml';
  const PALETTE = 'Kuma: Convert this file to Universal format';
  await step(`palette "${PALETTE}" on ${K8S_MS} writes type/name/mesh and keeps spec`, async () => {
    const orig = readWs(K8S_MS);
    const origSpec = orig.slice(orig.indexOf('\nspec:\n') + 1);
    await quickOpen(K8S_MS);
    await editor.locator('.view-lines').click();
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').waitFor();
    await page.keyboard.type(PALETTE);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Convert this file to Universal format' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Convert to Universal format' });
    await toast.first().waitFor({ timeout: 15000 });
    const msg = ((await toast.first().locator('.notification-list-item-message').textContent()) ?? '').trim();
    log('notification', JSON.stringify(msg));
    if (!msg.includes('changed 1 file')) return `notification: ${msg}`;
    await editor.locator('.view-lines').click();
    const now = (await saveUntil(K8S_MS, (t) => t !== orig)) ?? orig;
    log(`${K8S_MS} now`, JSON.stringify(now));
    if (now === orig) return 'the file on disk did not change after Ctrl+S';
    if (!/^type: MeshService\nname: api\nmesh: default\n/.test(now)) return `file starts ${JSON.stringify(now.slice(0, 80))}`;
    if (now.slice(now.indexOf('\nspec:\n') + 1) !== origSpec)
      return `spec changed: ${shortDiff(origSpec, now.slice(now.indexOf('\nspec:\n') + 1))}`;
    return true;
  });
  await shot('kuma-e2e-palette.png');

  // A workspace conversion: the quick pick lists every file that would change, all picked; Enter
  // applies them as one edit, which VS Code saves (files.refactoring.autoSave): the files on disk change.
  const WS_PALETTE = 'Kuma: Convert the Services of the workspace to MeshServices';
  await step(`palette "${WS_PALETTE}": a quick pick of the files (all picked), Enter, the files on disk change`, async () => {
    // The examples' Services have hand-written MeshServices already: Kuma would generate nothing for them.
    const files = [CONVERT, 'shop.yaml'];
    const before = Object.fromEntries(files.map((f) => [f, readWs(f)]));
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').waitFor();
    await page.keyboard.type(WS_PALETTE);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Convert the Services of the workspace' }).first().waitFor();
    await page.keyboard.press('Enter');
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.filter({ hasText: 'MeshService' }).first().waitFor({ timeout: 15000 });
    await sleep(300);
    const listed = await reviewRows(rows);
    log('quick pick', JSON.stringify(listed));
    await shot('kuma-e2e-workspace-review.png');
    for (const f of files) if (!listed.some((r) => r.text.includes(f))) return `${f} not listed: ${JSON.stringify(listed)}`;
    if (listed.length !== files.length) return `listed ${JSON.stringify(listed)}`;
    if (!listed.every((r) => r.checked !== false)) return `not every file picked: ${JSON.stringify(listed)}`;
    await page.keyboard.press('Enter');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'Convert Services to MeshServices' });
    await toast.first().waitFor({ timeout: 15000 });
    const msg = ((await toast.first().locator('.notification-list-item-message').textContent()) ?? '').trim();
    log('notification', JSON.stringify(msg));
    if (!/changed \d+ file/.test(msg)) return `notification: ${msg}`;
    // No Ctrl+S: VS Code saves the files of a multi-file refactoring itself.
    // changed means a text other than before that a second read 150 ms later still finds (not a file
    // caught half written)
    const changed = async (f) => {
      const t = readWs(f);
      if (t === before[f]) return false;
      await sleep(150);
      return readWs(f) === t;
    };
    let unchanged = files;
    for (let i = 0; i < 50 && unchanged.length; i++) {
      const left = [];
      for (const f of unchanged) if (!(await changed(f))) left.push(f);
      unchanged = left;
      if (unchanged.length) await sleep(100);
    }
    if (unchanged.length) return `unchanged on disk: ${unchanged.join(', ')}`;
    const now = readWs(CONVERT);
    if (!/\n---\napiVersion: kuma\.io\/v1alpha1\nkind: MeshService\nmetadata:\n {2}name: web\n/.test(now))
      return `${CONVERT}: ${JSON.stringify(now.slice(0, 600))}`;
    // Inserted right after the Service: everything before it is as it was, the ConfigMap follows.
    const head = before[CONVERT].slice(0, before[CONVERT].indexOf('---\n# settings'));
    if (!now.startsWith(head) || !now.endsWith(before[CONVERT].slice(head.length))) return `${CONVERT} changed outside the insertion`;
    return true;
  });
  await shot('kuma-e2e-workspace-converted.png');

  // (g2) policies point at the MeshService of backend.yaml (examples/universal/policies.yaml): the
  // mistakes only the workspace shows are flagged, sectionName completes from the target's ports, F12
  // lands on the port, renaming the port renames the sectionNames (checked on disk), and the
  // MeshService shows the policies that target it.
  const POLICIES = 'examples/universal/policies.yaml';
  const policiesOrig = readWs(POLICIES);
  const backendOrig = readWs(BACKEND);
  const polLines = policiesOrig.split('\n');
  const htpLine = polLines.findIndex((l) => /^\s*sectionName: htp\b/.test(l)) + 1;
  const htpCol = polLines[htpLine - 1].indexOf('htp') + 1;
  const msLines = backendOrig.split('\n');
  const msStart = msLines.findIndex((l) => l === 'type: MeshService');
  const msNameLine = msStart + 2; // `name: backend`, 1-based: the line after `type:`
  const portNameLine = msLines.findIndex((l, i) => i > msStart && /^\s*- name: http\s*$/.test(l)) + 1;
  log(`policies: sectionName: htp at Ln ${htpLine}; MeshService backend at Ln ${msNameLine}, its port http at Ln ${portNameLine}`);
  await filterProblems(`**/${POLICIES}`);
  await quickOpen(POLICIES);
  const policyCodes = ['policy-section-unresolved', 'policy-ref-unresolved', 'policy-backend-port-unresolved'];
  await step(
    `Problems panel flags the misspelt sectionName, the missing MeshService and the unexposed backendRef port (${policyCodes.join(', ')})`,
    async () => {
      let found = [];
      for (let i = 0; i < 75; i++) {
        found = (await problems()).filter((m) => m.resource.includes('policies.yaml'));
        if (policyCodes.every((c) => found.some((m) => m.code.includes(c)))) break;
        await sleep(200);
      }
      log('policy problems', JSON.stringify(found.map((m) => [m.code, m.text.slice(0, 120)])));
      const missing = policyCodes.filter((c) => !found.some((m) => m.code.includes(c)));
      if (missing.length) return `missing ${JSON.stringify(missing)}`;
      const section = found.find((m) => m.code.includes('policy-section-unresolved'));
      return /names no port of MeshService backend/.test(section.text) || `message: ${section.text}`;
    },
  );
  // The conversions' notifications would cover the Problems panel in the pictures.
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').waitFor();
  await page.keyboard.type('Notifications: Clear All Notifications');
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: 'Clear All Notifications' })
    .first()
    .waitFor()
    .catch(() => {});
  await page.keyboard.press('Enter');
  await editor.locator('.view-lines').click();
  await gotoLineCol(htpLine, htpCol);
  await sleep(300);
  await shot('kuma-e2e-policies-problems.png');
  await docShot('policies', [editorLines(htpLine - 4, htpLine + 1, 560), page.locator('.markers-panel')], { maxHeight: 640 });
  await step('completion after "sectionName: " lists exactly the ports of backend (http), with its number and protocol', async () => {
    await gotoLineCol(htpLine, htpCol);
    await page.keyboard.press('Shift+End');
    await page.keyboard.press('Delete');
    await page.keyboard.press('Control+Space');
    await suggest.locator('.monaco-list-row').first().waitFor();
    await sleep(300);
    const rows = await suggestLabels();
    log('sectionName suggestions', JSON.stringify(rows));
    if (JSON.stringify(rows.map((r) => r.label)) !== JSON.stringify(['http'])) return `labels ${JSON.stringify(rows.map((r) => r.label))}`;
    return true;
  });
  await shot('kuma-e2e-policies-completion.png');
  await step('accepting "http" writes "sectionName: http" and the warning goes (saved, on disk)', async () => {
    await page.keyboard.press('Enter');
    await suggest.waitFor({ state: 'hidden' });
    const ok = (await saveUntil(POLICIES, (t) => t.split('\n')[htpLine - 1]?.trim() === 'sectionName: http')) !== null;
    if (!ok) return `line ${htpLine} on disk: ${JSON.stringify(readWs(POLICIES).split('\n')[htpLine - 1])}`;
    for (let i = 0; i < 50; i++) {
      if (!(await problems()).some((m) => m.code.includes('policy-section-unresolved'))) return true;
      await sleep(200);
    }
    return 'policy-section-unresolved still listed';
  });
  await step(
    `go to definition (F12) on the sectionName lands on the port "- name: http" of MeshService backend (${BACKEND}, Ln ${portNameLine})`,
    async () => {
      await gotoLineCol(htpLine, htpCol + 1);
      await page.keyboard.press('F12');
      await page.locator('.tab.active[aria-label*="backend.yaml"]').waitFor({ timeout: 10000 });
      const there = page.locator('.statusbar-item', { hasText: new RegExp(`Ln ${portNameLine}, Col \\d+`) }).first();
      await there.waitFor({ timeout: 10000 }).catch(() => {});
      if (!(await there.isVisible())) return `cursor at ${await cursorItem.textContent()}`;
      return true;
    },
  );
  await step('the MeshService backend shows "targeted by N policies" (inlay hint), and its port too', async () => {
    let name = '';
    let port = '';
    for (let i = 0; i < 50; i++) {
      name = (await lineText(msNameLine)) ?? '';
      port = (await lineText(portNameLine)) ?? '';
      if (/targeted by \d+ polic/.test(name) && /targeted by \d+ polic/.test(port)) return true;
      await sleep(200);
    }
    return `Ln ${msNameLine} reads ${JSON.stringify(name)}, Ln ${portNameLine} ${JSON.stringify(port)}`;
  });
  await shot('kuma-e2e-policies-targeted.png');
  await docShot('targeted', [editorLines(msNameLine - 1, portNameLine + 3, 560)]);
  await step(
    'rename (F2) of the port "http" to "web" renames every sectionName that names it, across files (on disk after Save All)',
    async () => {
      const before = readWs(POLICIES);
      const naming = before.split('\n').filter((l) => /^\s*sectionName: http\s*$/.test(l)).length;
      await gotoLineCol(portNameLine, msLines[portNameLine - 1].indexOf('http') + 2);
      await page.keyboard.press('F2');
      const box = page.locator('.rename-box input, .rename-input').first();
      await box.waitFor();
      await box.fill('web');
      await page.keyboard.press('Enter');
      await box.waitFor({ state: 'hidden' }).catch(() => {});
      await sleep(500);
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').waitFor();
      await page.keyboard.type('File: Save All');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Save All' }).first().waitFor();
      await page.keyboard.press('Enter');
      const after = (await settled(POLICIES, (t) => t !== before)) ?? before;
      const renamed = after.split('\n').filter((l) => /^\s*sectionName: web\s*$/.test(l)).length;
      const left = after.split('\n').filter((l) => /^\s*sectionName: http\s*$/.test(l)).length;
      const port = readWs(BACKEND).split('\n')[portNameLine - 1];
      log(
        `rename: ${naming} sectionName: http before; after, ${renamed} web and ${left} http; the port line reads ${JSON.stringify(port)}`,
      );
      if (!/^\s*- name: web\s*$/.test(port ?? '')) return `the port line reads ${JSON.stringify(port)}`;
      if (naming < 2 || renamed !== naming || left !== 0) return `${naming} sectionNames named http, ${renamed} renamed, ${left} left`;
      // Only those lines changed.
      return after === before.replace(/^(\s*)sectionName: http$/gm, '$1sectionName: web') || 'other text of policies.yaml changed';
    },
  );
  await shot('kuma-e2e-policies-renamed.png');
  // The later steps (and the web run) use the examples as they were.
  writeFileSync(join(WS, POLICIES), policiesOrig);
  writeFileSync(join(WS, BACKEND), backendOrig);
  await sleep(1000);

  // (g3) the workspace migration to Kuma 3.0 through its review: a quick pick of the files (all
  // picked), Enter, the files on disk change; then `kuma-lint check --kuma-version 3.0` reports fewer
  // errors than before, none new. The workspace is put back afterwards for the steps after this one.
  const MIGRATE = 'Kuma: Migrate the workspace to Kuma 3.0';
  const cli = join(dirname(fileURLToPath(import.meta.url)), '../../dist/cli.js');
  const yamlFiles = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? (e.name.startsWith('.') ? [] : yamlFiles(join(dir, e.name))) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [],
    );
  const errorsAt = (version) => {
    const out = execFileSync(process.execPath, [cli, 'check', '--kuma-version', version, '--format', 'json', '--fail-on', 'never', WS], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    return JSON.parse(out)
      .files.flatMap((f) => f.diagnostics.filter((d) => d.severity === 'error').map((d) => `${f.path}|${d.code}|${d.message}`))
      .sort();
  };
  const snapshot = new Map(yamlFiles(WS).map((f) => [f, readFileSync(f, 'utf8')]));
  await step(
    `palette "${MIGRATE}": a review of the files (all picked), a row's diff of what it would get, Enter, the files on disk change; kuma-lint --kuma-version 3.0 then finds fewer errors, none the input did not have`,
    async () => {
      // An error the input had: at its own version (2.14) or at 3.0 (e.g. a field 3.0 removed).
      const had = new Set([...errorsAt('2.14'), ...errorsAt('3.0')]);
      const before = errorsAt('3.0');
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').waitFor();
      await page.keyboard.type(MIGRATE);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Migrate the workspace to Kuma 3.0' }).first().waitFor();
      await page.keyboard.press('Enter');
      const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
      await rows.filter({ hasText: '.yaml' }).first().waitFor({ timeout: 20000 });
      await sleep(300);
      const listed = await reviewRows(rows);
      log('migration review', JSON.stringify(listed));
      await shot('kuma-e2e-migrate-review.png');
      if (listed.length < 3) return `listed ${JSON.stringify(listed)}`;
      if (!listed.every((r) => r.checked !== false)) return `not every file picked: ${JSON.stringify(listed)}`;
      // A row's button shows the file beside the text the migration would leave; the review stays open.
      const first = rows.filter({ hasText: '.yaml' }).first();
      await first.hover();
      await first.locator('.codicon-diff').click();
      const diff = page.locator('.monaco-diff-editor');
      await diff.first().waitFor({ timeout: 15000 });
      await page
        .locator('.monaco-diff-editor :is(.line-insert, .char-insert, .line-delete, .char-delete)')
        .first()
        .waitFor({ timeout: 10000 });
      const tab = ((await page.locator('.tab.active').first().textContent()) ?? '').trim();
      log('migration preview tab', tab);
      await shot('kuma-e2e-migrate-preview.png');
      if (!/preview/.test(tab)) return `the diff's tab says ${JSON.stringify(tab)}`;
      if (!(await page.locator('.quick-input-widget').isVisible())) return 'the review closed when the diff opened';
      if ([...snapshot].some(([f, t]) => readFileSync(f, 'utf8') !== t)) return 'a file changed on disk before Enter';
      await page.locator('.quick-input-widget input').first().focus();
      await page.keyboard.press('Enter');
      const changedOnDisk = () => [...snapshot].filter(([f, t]) => readFileSync(f, 'utf8') !== t).map(([f]) => f);
      for (let i = 0; i < 100 && changedOnDisk().length < listed.length; i++) await sleep(100);
      await sleep(500);
      const changed = [...snapshot].filter(([f, t]) => readFileSync(f, 'utf8') !== t).map(([f]) => f);
      log(`migrated on disk: ${changed.map((f) => f.slice(WS.length + 1)).join(', ')}`);
      const names = changed.map((f) => f.split('/').pop());
      const missing = listed.filter((r) => !names.some((n) => r.text.includes(n)));
      if (missing.length) return `listed but unchanged on disk: ${JSON.stringify(missing.map((r) => r.text))}`;
      const after = errorsAt('3.0');
      const added = after.filter((e) => !had.has(e));
      log(`errors at 3.0: ${before.length} before, ${after.length} after`);
      if (added.length) return `new errors: ${JSON.stringify(added.slice(0, 5))}`;
      return after.length < before.length || `errors at 3.0: ${before.length} before, ${after.length} after`;
    },
  );
  await shot('kuma-e2e-migrated.png');
  for (const [f, t] of snapshot) if (readFileSync(f, 'utf8') !== t) writeFileSync(f, t);
  await sleep(1000);

  // (h) the language server crashes: the client restarts it, says so once, and checking goes on;
  // the palette restarts it by hand. Only our code-server's server (in run.sh's extensions dir) is touched.
  const serverProcesses = () =>
    execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(join(dirname(WS), 'exts')) && l.includes('dist/server.node.js'));
  const serverPids = () => serverProcesses().map((l) => Number(l.trim().split(/\s+/)[0]));
  const newServer = async (old) => {
    for (let i = 0; i < 150; i++) {
      const pids = serverPids().filter((p) => p !== old);
      if (pids.length) return pids[0];
      await sleep(100);
    }
    return undefined;
  };
  await step('VS Code starts the language server with the Node flags of its #! line (--v8-pool-size=1)', () => {
    const args = serverProcesses();
    if (args.length !== 1) return `server processes: ${JSON.stringify(args)}`;
    return / --v8-pool-size=1 /.test(args[0]) || `its command line: ${args[0].trim()}`;
  });
  await filterProblems(`**/${K8S_MS}`);
  const CRASHED = 'stopped unexpectedly and was restarted';
  const BOGUS = 'Unknown key "bogus"';
  let restartedPid;
  await step('a killed language server is restarted with one notification, and checks the next edit', async () => {
    const [pid, ...more] = serverPids();
    if (!pid || more.length) return `server processes: ${JSON.stringify(serverPids())}`;
    process.kill(pid, 'SIGKILL');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: CRASHED });
    await toast.first().waitFor({ timeout: 15000 });
    restartedPid = await newServer(pid);
    if (!restartedPid) return 'no new server process';
    log(`server ${pid} killed, restarted as ${restartedPid}`);
    await quickOpen(K8S_MS);
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('bogus: 1');
    await problemRows.filter({ hasText: BOGUS }).first().waitFor({ timeout: 15000 });
    const toasts = await toast.count();
    // Messages still on their way to the dead server fail to write: that is logged, not shown.
    const erroring = await page
      .locator('.notifications-toasts .notification-toast', { hasText: 'connection to server is erroring' })
      .count();
    if (erroring) return `${erroring} "connection to server is erroring" notifications besides the crash one`;
    return toasts === 1 || `${toasts} crash notifications`;
  });
  await shot('kuma-e2e-restarted.png');
  await step('palette "Kuma: Restart the language server" starts a new server that follows edits', async () => {
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').waitFor();
    await page.keyboard.type('Kuma: Restart the language server');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Restart the language server' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    const pid = await newServer(restartedPid);
    if (!pid) return 'no new server process';
    log(`server restarted from the palette as ${pid}`);
    await editor.locator('.view-lines').click();
    await page.keyboard.press('Control+Z');
    await problemRows.filter({ hasText: BOGUS }).first().waitFor({ state: 'detached', timeout: 15000 });
    return true;
  });

  // (i) the status bar item opens a quick pick of the Kuma versions, which writes the workspace
  // setting. Last, since it changes the version: picking 2.14 again puts it back, and the workspace
  // settings file is restored on disk for the runs after this one.
  const wsSettings = join(WS, '.vscode/settings.json');
  const settingsBefore = existsSync(wsSettings) ? readFileSync(wsSettings, 'utf8') : undefined;
  const versionRows = page.locator('.quick-input-list .monaco-list-row');
  const pickVersion = async (from, to) => {
    await page
      .locator('.statusbar-item', { hasText: `Kuma ${from}` })
      .first()
      .click();
    log(`clicked the status bar item "Kuma ${from}"`);
    await versionRows
      .filter({ hasText: `Kuma ${to}` })
      .first()
      .waitFor();
    const labels = (await versionRows.locator('.label-name').allInnerTexts()).map((t) => t.trim());
    if (JSON.stringify(labels) !== JSON.stringify(['Kuma 2.9', 'Kuma 2.13', 'Kuma 2.14', 'Kuma 3.0']))
      return `rows ${JSON.stringify(labels)}`;
    const current = await versionRows
      .filter({ hasText: `Kuma ${from}` })
      .first()
      .innerText();
    if (!current.includes(`current · Kuma ${from === '3.0' ? '3.0 development line' : `${from}.x`}`))
      return `the ${from} row says ${JSON.stringify(current)}`;
    if (to === '3.0') await shot('kuma-e2e-version-pick.png');
    await versionRows
      .filter({ hasText: `Kuma ${to}` })
      .first()
      .click();
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    log(`picked Kuma ${to}`);
    await page
      .locator('.statusbar-item', { hasText: `Kuma ${to}` })
      .first()
      .waitFor();
    const written = existsSync(wsSettings) ? JSON.parse(readFileSync(wsSettings, 'utf8'))['kuma.version'] : undefined;
    return written === to || `${wsSettings} has kuma.version ${JSON.stringify(written)}`;
  };
  try {
    await quickOpen(K8S_MS);
    await step('status bar "Kuma 2.14" opens a quick pick of the versions; picking 3.0 sets kuma.version 3.0', () =>
      pickVersion('2.14', '3.0'),
    );
    await shot('kuma-e2e-version-picked.png');
    await step('status bar "Kuma 3.0": picking 2.14 sets it back', () => pickVersion('3.0', '2.14'));
    await shot('kuma-e2e-version-back.png');
  } finally {
    if (settingsBefore === undefined) rmSync(wsSettings, { force: true });
    else writeFileSync(wsSettings, settingsBefore);
  }
} catch (e) {
  check('workbench session', false, String(e?.message ?? e).split('\n')[0]);
  await shot('kuma-e2e-failure.png');
} finally {
  await context.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}
log(`ui.mjs done, ${failures} failed`);
process.exit(failures ? 1 : 0);
