// Runs the extension-host API tests (dist/test/exthost.js, the @vscode/test-electron `run()` contract) inside
// code-server's Node extension host: the web workbench's `payload` URL parameter names the extension folder
// (extensionDevelopmentPath) and the tests module (extensionTestsPath), as `code --extensionDevelopmentPath`
// would. Started by run.sh; prints one `ok - …` / `FAIL - …` line per test.
// Usage: node exthost.mjs CS_URL WORKSPACE_DIR EXTENSION_DIR   (env SHOT_DIR: where a screenshot goes on failure)
import { chromium } from 'playwright-core';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, ws, extDir] = process.argv.slice(2);
if (!base || !ws || !extDir) throw new Error('usage: node exthost.mjs CS_URL WORKSPACE_DIR EXTENSION_DIR');
const TIMEOUT_MS = 120000;
const host = new URL(base).host;
const remote = (p) => `vscode-remote://${host}${p}`;
const payload = JSON.stringify([
  ['extensionDevelopmentPath', remote(extDir)],
  ['extensionTestsPath', remote(join(extDir, 'dist/test/exthost.js'))],
]);
const url = `${base}?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(payload)}`;
const resultFile = join(ws, 'exthost-result.json');
rmSync(resultFile, { force: true });

const say = (ok, name, detail) => console.log(`${ok ? 'ok' : 'FAIL'} - vscode-api: ${name}${!ok && detail ? ` (${detail})` : ''}`);
const udd = mkdtempSync(join(tmpdir(), 'kuma-exthost-chromium-'));
const ctx = await chromium.launchPersistentContext(udd, {
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
});
let rc = 1;
try {
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const t0 = Date.now();
  // what the tests or the extension host report goes to the browser console: keep it for a failure's diagnosis
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(m.text().slice(0, 400)));
  process.on('exit', () => {
    if (rc)
      for (const l of consoleLines.filter((l) => /kuma|exthost|extension host|test/i.test(l)).slice(-20)) console.log(`# [browser] ${l}`);
  });
  await page.goto(url);
  while (!existsSync(resultFile) && Date.now() - t0 < TIMEOUT_MS) await new Promise((r) => setTimeout(r, 250));
  if (!existsSync(resultFile)) {
    await page.screenshot({ path: join(process.env.SHOT_DIR ?? ws, 'kuma-e2e-exthost-timeout.png') }).catch(() => {});
    say(false, 'tests ran', `no ${resultFile} after ${TIMEOUT_MS / 1000}s`);
  } else {
    // the tests write the file in one go, but give a partial write a moment
    await new Promise((r) => setTimeout(r, 200));
    const r = JSON.parse(readFileSync(resultFile, 'utf8'));
    for (const t of r.results) say(t.ok, `${t.name} [${t.ms} ms]`, t.detail?.split('\n').slice(0, 3).join(' | '));
    console.log(`# extension-host tests: ${r.passed} passed, ${r.failed} failed in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    rc = r.failed || !r.results.length ? 1 : 0;
  }
} finally {
  await ctx.close().catch(() => {});
  rmSync(udd, { recursive: true, force: true });
}
process.exit(rc);
