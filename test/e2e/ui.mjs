// UI test through the real VS Code workbench: code-server (with the packaged extension installed) driven
// by Debian's headless chromium via playwright-core. Started by run.sh; prints `ok - …` / `FAIL - …` lines.
// Env: CS_URL (code-server base URL), CS_WS (workspace folder holding examples/ and ci.yaml),
//      SHOT_DIR (where screenshots go), CHROMIUM (default /usr/bin/chromium).
import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BASE = process.env.CS_URL ?? 'http://127.0.0.1:18080/';
const WS = process.env.CS_WS;
const SHOT_DIR = process.env.SHOT_DIR ?? '.';
if (!WS) throw new Error('CS_WS is not set');

const TYPOS = 'examples/mistakes/meshservice-typos.yaml';
const UNKNOWN = 'Unknown key "weight"';
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
  await page.locator('.quick-input-list .monaco-list-row', { hasText: base }).first().waitFor();
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

async function shot(name) {
  const path = join(SHOT_DIR, name);
  await page.screenshot({ path }).catch((e) => log('screenshot failed', e.message));
  log('screenshot', path);
}

try {
  await page.goto(`${BASE}?folder=${encodeURIComponent(WS)}`);
  await page.locator('.monaco-workbench').waitFor();
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor();
  log('workbench loaded');

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
  await step(`Problems panel lists ${UNKNOWN} with source kuma`, async () => {
    await problemRows.filter({ hasText: UNKNOWN }).first().waitFor();
    const m = (await problems()).find((p) => p.text.includes(UNKNOWN));
    if (!m) return 'row vanished';
    // the row reads: message, source `kuma`, code `schema-unknown-key`, then [Ln 21, Col 3]
    if (m.source !== 'kuma' || !m.code.includes('schema-unknown-key')) return `source "${m.source}", code "${m.code}" in row: ${m.text}`;
    if (!m.resource.includes('meshservice-typos.yaml')) return `listed under ${m.resource}`;
    return true;
  });
  await sleep(500); // let the panel settle for the picture
  await shot('kuma-e2e.png');

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

  // (e) a GitHub workflow is not a Kuma resource: no kuma problems, no status bar item
  await quickOpen('ci.yaml');
  log('ci.yaml open');
  await step('status bar hides "Kuma 2.14" for a non-Kuma YAML file', () => kumaStatus.first().waitFor({ state: 'hidden' }));
  await sleep(3000); // time for the server to (wrongly) publish something
  await step('Problems panel shows no kuma entries for ci.yaml', async () => {
    const all = await problems();
    const bad = all.filter((p) => /ci\.yaml/.test(p.resource) || (p.source === 'kuma' && !/meshservice-typos/.test(p.resource)));
    if (bad.length) return bad.map((p) => `${p.resource}: ${p.text}`).join(' | ');
    const squiggles = await editor.locator('.squiggly-error, .squiggly-warning').count();
    if (squiggles) return `${squiggles} squiggles in ci.yaml`;
    // the panel is still alive and showing the typos file, so an empty ci.yaml entry is meaningful
    if (!all.some((p) => /meshservice-typos/.test(p.resource))) return 'Problems panel lists nothing at all';
    return true;
  });
  await shot('kuma-e2e-ci.png');
} catch (e) {
  check('workbench session', false, String(e?.message ?? e).split('\n')[0]);
  await shot('kuma-e2e-failure.png');
} finally {
  await context.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}
log(`ui.mjs done, ${failures} failed`);
process.exit(failures ? 1 : 0);
