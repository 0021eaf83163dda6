// The web extension's language server in Chromium: serves dist/ and a test page from a tiny HTTP
// server on loopback, with a Content-Security-Policy that forbids 'unsafe-eval' (as VS Code for the
// Web does), starts dist/server.web.js in a Web Worker and speaks LSP to it over postMessage.
// Started by run.sh after `npm run build`; prints `ok - …` / `FAIL - …` lines, exits non-zero on failure.
// Env: CHROMIUM (default /usr/bin/chromium); CS_URL: a code-server whose workspace folder is CS_WS and
// that runs this extension in its web worker extension host (run.sh), to check the extension there too;
// CS_EXTS: that code-server's extensions folder.
/* global window -- used by the functions that page.evaluate and page.waitForFunction run in the page */
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const STEP_MS = 20000;
const CSP = "default-src 'self'; script-src 'self'; worker-src 'self'; connect-src 'self'; style-src 'self'";

let failures = 0;
function check(name, ok, extra = '') {
  if (!ok) failures++;
  console.log(`${ok ? 'ok' : 'FAIL'} - web: ${name}${!ok && extra ? ` (${extra})` : ''}`);
}
async function step(name, fn) {
  try {
    const res = await fn();
    if (res === true || res === undefined) check(name, true);
    else check(name, false, typeof res === 'string' ? res : JSON.stringify(res));
  } catch (e) {
    check(name, false, String(e?.message ?? e).split('\n')[0]);
  }
}

// Only these paths are served; every response carries the policy (the page's and the workers').
const FILES = {
  '/': [join(HERE, 'web.html'), 'text/html'],
  '/web-page.js': [join(HERE, 'web-page.js'), 'text/javascript'],
  '/web-probe.js': [join(HERE, 'web-probe.js'), 'text/javascript'],
  '/dist/server.web.js': [join(ROOT, 'dist', 'server.web.js'), 'text/javascript'],
};
const http = createServer((req, res) => {
  const file = FILES[new URL(req.url ?? '/', 'http://localhost').pathname];
  if (req.url === '/favicon.ico') {
    res.writeHead(204).end();
    return;
  }
  if (!file) {
    res.writeHead(404, { 'Content-Security-Policy': CSP }).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': file[1], 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store' }).end(readFileSync(file[0]));
});
await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${http.address().port}/`;

const TEXT = `apiVersion: kuma.io/v1alpha1
kind: MeshService
metadata:
  name: chat
  namespace: kuma-demo
spec:
  selector:
    dataplaneTags:
      app: chat
  ports:
    - name: ws
      port: 8080
      targetPort: 8080
      appProtocol: 
  weight: 10
`;
const URI = 'vscode-vfs://github/kumahq/demo/chat.yaml';

const userDataDir = mkdtempSync(join(tmpdir(), 'kuma-e2e-web-'));
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(STEP_MS);
  const consoleErrors = [];
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(base);
  await page.waitForFunction(() => window.lsp !== undefined);

  await step('the page runs under a CSP without unsafe-eval (new Function is blocked in the page)', async () => {
    const verdict = await page.evaluate(() => window.probes.page());
    return verdict === 'blocked: EvalError' || verdict;
  });
  await step('the CSP applies to Web Workers too (new Function is blocked in a worker)', async () => {
    const verdict = await page.evaluate(() => window.probes.worker());
    return verdict === 'blocked: EvalError' || verdict;
  });

  let init;
  await step('initialize: server.web.js answers from its Web Worker', async () => {
    init = await page.evaluate(() =>
      window.lsp.request('initialize', { processId: null, rootUri: null, capabilities: { textDocument: { completion: {} } } }),
    );
    const caps = init?.result?.capabilities;
    return (!!caps?.completionProvider && init.result.serverInfo?.name === 'kuma-language-server') || JSON.stringify(init).slice(0, 300);
  });

  await step('didOpen of a MeshService with a mistake: schema-unknown-key on "weight" (line 15, columns 3-8)', async () => {
    await page.evaluate(
      ([uri, text]) => {
        window.lsp.notify('initialized', {});
        window.lsp.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
      },
      [URI, TEXT],
    );
    const handle = await page.waitForFunction(
      (uri) => window.lsp.notifications.find((n) => n.method === 'textDocument/publishDiagnostics' && n.params.uri === uri),
      URI,
    );
    const published = await handle.jsonValue();
    // The upgrade hint on dataplaneTags (severity 4, what Kuma 3.0 drops) aside.
    const ds = published.params.diagnostics.filter((x) => x.severity !== 4);
    const d = ds.find((x) => x.code === 'schema-unknown-key');
    const range = d && d.range;
    if (ds.length !== 1 || !d) return `diagnostics: ${JSON.stringify(ds.map((x) => [x.code, x.range]))}`;
    if (range.start.line !== 14 || range.start.character !== 2 || range.end.line !== 14 || range.end.character !== 8)
      return `range ${JSON.stringify(range)}`;
    return d.message.startsWith('Unknown key "weight" in spec: MeshService (Kuma 2.14)') || d.message;
  });

  await step('completion after "appProtocol: " offers the protocols of Kuma 2.14', async () => {
    const answer = await page.evaluate(
      (uri) => window.lsp.request('textDocument/completion', { textDocument: { uri }, position: { line: 13, character: 19 } }),
      URI,
    );
    const labels = (answer?.result ?? []).map((i) => i.label);
    return JSON.stringify(labels) === JSON.stringify(['grpc', 'http', 'http2', 'kafka', 'tcp']) || `labels ${JSON.stringify(labels)}`;
  });

  await step('no errors: none logged by the server, none in the worker or the page, no CSP violation', async () => {
    const state = await page.evaluate(() => ({
      serverErrors: window.lsp.notifications
        .filter((n) => n.method === 'window/logMessage' && n.params.type === 1)
        .map((n) => n.params.message),
      workerErrors: window.lsp.workerErrors,
      violations: window.lsp.violations,
    }));
    // The page's own probe above is the one violation expected (reported as 'script-src eval').
    const violations = state.violations.filter((v, i) => !(v === 'script-src eval' && state.violations.indexOf(v) === i));
    const all = [...state.serverErrors, ...state.workerErrors, ...violations, ...consoleErrors];
    return all.length === 0 || all.join(' | ').slice(0, 400);
  });

  // The extension itself in VS Code's web worker extension host: code-server started by run.sh with
  // remote.extensionKind "web" for it, so dist/client.web.js runs in the browser and starts dist/server.web.js.
  if (process.env.CS_URL && !process.env.CS_WS) check('vscode web host: CS_WS is set with CS_URL', false);
  else if (process.env.CS_URL) await workbench(context, process.env.CS_URL, process.env.CS_WS);
} catch (e) {
  check('browser session', false, String(e?.message ?? e).split('\n')[0]);
} finally {
  await context?.close().catch(() => {});
  http.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
process.exit(failures ? 1 : 0);

async function workbench(context, url, ws) {
  // A file of its own: the earlier UI test edits and saves the examples.
  writeFileSync(join(ws, 'web-check.yaml'), TEXT);
  const page = await context.newPage();
  page.setDefaultTimeout(30000);
  const activationErrors = [];
  page.on('console', (m) => /Activating extension 'kuma-tools|Kuma client/.test(m.text()) && activationErrors.push(m.text().slice(0, 300)));
  await page.setViewportSize({ width: 1400, height: 900 });
  await step('vscode web host: the extension runs in the browser and shows the Kuma problems of a file', async () => {
    await page.goto(url);
    await page.locator('.explorer-folders-view').waitFor();
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').waitFor();
    await page.keyboard.type('web-check.yaml');
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'web-check.yaml' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tab.active[aria-label*="web-check.yaml"]').waitFor();
    await page.keyboard.press('Control+Shift+M');
    // Every file of the workspace is reported and the panel renders only the rows in view: show this file's.
    await page.locator('.markers-panel-action-filter input, .viewpane-filter input').first().fill('**/web-check.yaml');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'Unknown key "weight" in spec: MeshService (Kuma 2.14)' });
    try {
      await row.first().waitFor();
    } catch {
      return `no unknown-key row in the Problems panel; ${activationErrors.join(' | ') || 'no activation error logged'}`;
    }
    const label = (await row.first().getAttribute('aria-label')) ?? '';
    if (!/at line 15 and character 3\. generated by kuma/.test(label)) return label;
    // The language server of this code-server's extension (CS_EXTS: its extensions folder) is not a
    // Node process: it is the web worker.
    const nodeServers = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .map((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'utf8');
        } catch {
          return '';
        }
      })
      .filter((cmd) => cmd.includes(`${process.env.CS_EXTS ?? ''}/kuma-tools.kuma-meshservice-tools`) && cmd.includes('server.node.js'));
    return nodeServers.length === 0 || `a Node server runs: ${nodeServers[0].replace(/\0/g, ' ')}`;
  });
  await page.close();
}
