// Runs the extension-host API tests (dist/test/exthost.js) in desktop VS Code with @vscode/test-electron.
// Opt-in (`E2E_ELECTRON=1 npm run test:e2e`, or `node test/exthost/electron.mjs` after `npm run build`):
// test-electron downloads VS Code, which offline CI cannot; there test/e2e/exthost.mjs runs the same tests in
// code-server. Env: E2E_VSCODE_VERSION (default "stable"). Prints one `ok - …` / `FAIL - …` line per test.
import { runTests } from '@vscode/test-electron';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const ws = mkdtempSync(join(tmpdir(), 'kuma-exthost-electron-'));
const out = join(ws, 'exthost-result.json');
let rc = 1;
try {
  await runTests({
    version: process.env.E2E_VSCODE_VERSION || 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'dist/test/exthost.js'),
    extensionTestsEnv: { KUMA_EXTHOST_OUT: out },
    launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  }).catch((e) => console.log(`# test-electron: ${String(e?.message ?? e)}`));
  if (!existsSync(out)) console.log('FAIL - vscode-electron: tests ran (no result file)');
  else {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    for (const t of r.results)
      console.log(`${t.ok ? 'ok' : 'FAIL'} - vscode-electron: ${t.name}${t.ok ? '' : ` (${t.detail?.split('\n')[0]})`}`);
    rc = r.failed || !r.results.length ? 1 : 0;
  }
} finally {
  rmSync(ws, { recursive: true, force: true });
}
process.exit(rc);
