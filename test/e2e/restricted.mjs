// The extension in an untrusted workspace (VS Code's Restricted Mode): package.json declares
// `capabilities.untrustedWorkspaces.supported: true`, so it must stay enabled and check files there.
// Started by run.sh against a second code-server with workspace trust on; prints `ok - …` / `FAIL - …` lines.
// Env: CS_URL, CS_WS (an untrusted folder holding meshservice-typos.yaml), SHOT_DIR, CHROMIUM.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BASE = process.env.CS_URL ?? 'http://127.0.0.1:18080/';
const WS = process.env.CS_WS;
const SHOT_DIR = process.env.SHOT_DIR ?? '.';
if (!WS) throw new Error('CS_WS is not set');

let failures = 0;
async function step(name, fn) {
  let res;
  try {
    res = await fn();
  } catch (e) {
    res = String(e?.message ?? e).split('\n')[0];
  }
  const ok = res === true || res === undefined;
  if (!ok) failures++;
  console.log(`${ok ? 'ok' : 'FAIL'} - vscode (Restricted Mode): ${name}${ok ? '' : ` (${res})`}`);
}

const userDataDir = mkdtempSync(join(tmpdir(), 'kuma-e2e-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  viewport: { width: 1400, height: 900 },
});
const page = context.pages()[0] ?? (await context.newPage());
page.setDefaultTimeout(30000);
const editor = page.locator('.editor-group-container.active .monaco-editor').first();

try {
  await page.goto(`${BASE}?folder=${encodeURIComponent(WS)}`);
  await page.locator('.monaco-workbench').waitFor();
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor();
  await step('the workspace is open in Restricted Mode', () =>
    page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor(),
  );
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').waitFor();
  await page.keyboard.type('meshservice-typos.yaml');
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'meshservice-typos.yaml' }).first().waitFor();
  await page.keyboard.press('Enter');
  await editor.locator('.view-lines').waitFor();
  await step('the Kuma extension checks the file: error squiggles and a kuma problem', async () => {
    await editor.locator('.squiggly-error').first().waitFor();
    await page.keyboard.press('Control+Shift+M');
    await page.locator('.markers-panel .monaco-list-row', { hasText: 'Unknown key "weight"' }).first().waitFor();
  });
  await page.screenshot({ path: join(SHOT_DIR, 'kuma-e2e-restricted.png') }).catch(() => {});
} catch (e) {
  failures++;
  console.log(`FAIL - vscode (Restricted Mode): workbench session (${String(e?.message ?? e).split('\n')[0]})`);
} finally {
  await context.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(failures ? 1 : 0);
