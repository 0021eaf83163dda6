// Extension-host API tests: the real `vscode` API against the real extension and language server.
// Follows the `run()` contract of @vscode/test-electron (`extensionTestsPath`); bundled by the build to
// dist/test/exthost.js. Runners: test/e2e/exthost.mjs (inside code-server, through the workbench's
// `payload` URL parameter; part of npm run test:e2e) and test/exthost/electron.mjs (desktop VS Code,
// opt-in with E2E_ELECTRON=1 because it downloads VS Code).
// It writes its fixtures into the first workspace folder, then writes the results to
// `$KUMA_EXTHOST_OUT` (default: exthost-result.json in that folder) and throws when a test failed.
import * as vscode from 'vscode';
import { writeFileSync } from 'node:fs';

const EXTENSION_ID = 'kuma-tools.kuma-meshservice-tools';
const WAIT_MS = 20000;

type Result = { name: string; ok: boolean; detail?: string; ms: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns something truthy, or returns its last value after `ms`. */
async function waitFor<T>(probe: () => T | Promise<T>, ms = WAIT_MS): Promise<T> {
  const end = Date.now() + ms;
  let last = await probe();
  while (!last && Date.now() < end) {
    await sleep(100);
    last = await probe();
  }
  return last;
}

const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code ?? ''));
const describe = (doc: vscode.TextDocument, ds: readonly vscode.Diagnostic[]) =>
  ds.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${codeOf(d)} "${doc.getText(d.range)}"`).join(', ');

/** The position of `needle` in line `line` (1-based), `offset` characters into it. */
function posOf(doc: vscode.TextDocument, line: number, needle: string, offset = 0): vscode.Position {
  const col = doc.lineAt(line - 1).text.indexOf(needle);
  if (col < 0) throw new Error(`"${needle}" not on line ${line}: ${JSON.stringify(doc.lineAt(line - 1).text)}`);
  return new vscode.Position(line - 1, col + offset);
}
const lineOf = (doc: vscode.TextDocument, re: RegExp) =>
  doc
    .getText()
    .split('\n')
    .findIndex((l) => re.test(l)) + 1;

const SERVICE_YAML = `# The web app's namespace: Kuma injects sidecars here
apiVersion: v1
kind: Namespace
metadata:
  name: web-demo
  labels:
    kuma.io/sidecar-injection: enabled
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: web-demo
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: 8080
      appProtocol: http
---
# settings read by web, not a Kuma resource
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: web-demo
data:
  LOG_LEVEL: "debug"
`;

export async function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the extension-host tests need a workspace folder');
  const out = process.env.KUMA_EXTHOST_OUT || vscode.Uri.joinPath(folder.uri, 'exthost-result.json').fsPath;
  const results: Result[] = [];
  const test = async (name: string, fn: () => Promise<string | true>) => {
    const t = Date.now();
    try {
      const r = await fn();
      results.push({ name, ok: r === true, ...(r === true ? {} : { detail: r }), ms: Date.now() - t });
    } catch (e) {
      results.push({ name, ok: false, detail: String((e as Error)?.stack ?? e), ms: Date.now() - t });
    }
  };

  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  await test(`extension ${EXTENSION_ID} activates`, async () => {
    if (!ext) return 'extension not found';
    await ext.activate();
    return ext.isActive || 'not active after activate()';
  });
  if (!ext) return finish(out, results);

  // fixtures: two examples of the repository and a Service next to a Namespace and a ConfigMap
  const dir = vscode.Uri.joinPath(folder.uri, 'exthost');
  const examples = vscode.Uri.file(ext.extensionPath);
  const typosUri = vscode.Uri.joinPath(dir, 'meshservice-typos.yaml');
  const backendUri = vscode.Uri.joinPath(dir, 'backend.yaml');
  const serviceUri = vscode.Uri.joinPath(dir, 'service.yaml');
  await vscode.workspace.fs.createDirectory(dir);
  await vscode.workspace.fs.copy(vscode.Uri.joinPath(examples, 'examples/mistakes/meshservice-typos.yaml'), typosUri, { overwrite: true });
  await vscode.workspace.fs.copy(vscode.Uri.joinPath(examples, 'examples/universal/backend.yaml'), backendUri, { overwrite: true });
  await vscode.workspace.fs.writeFile(serviceUri, new TextEncoder().encode(SERVICE_YAML));

  const typos = await vscode.workspace.openTextDocument(typosUri);
  await vscode.window.showTextDocument(typos);
  const typosDiagnostics = (pred: (ds: vscode.Diagnostic[]) => boolean) =>
    waitFor(() => {
      const ds = vscode.languages.getDiagnostics(typosUri).filter((d) => d.source === 'kuma');
      return pred(ds) ? ds : undefined;
    });

  await test('getDiagnostics: meshservice-typos.yaml has the expected codes, each on its text', async () => {
    const ds = await typosDiagnostics((ds) => ds.some((d) => codeOf(d) === 'schema-unknown-key'));
    if (!ds) return `no schema-unknown-key; diagnostics: ${describe(typos, vscode.languages.getDiagnostics(typosUri))}`;
    // [code, 1-based line, text the range covers, severity]
    const want: [string, number, string, vscode.DiagnosticSeverity][] = [
      ['name-invalid', 5, 'Payments_API', vscode.DiagnosticSeverity.Error],
      ['name-rfc1035-deprecated', 5, 'Payments_API', vscode.DiagnosticSeverity.Warning],
      ['selector-multiple', 8, 'selector', vscode.DiagnosticSeverity.Error],
      // The upgrade lint: Kuma 3.0 drops dataplaneTags (a hint at 2.x).
      ['upgrade-3.0-dataplane-tags', 9, 'dataplaneTags', vscode.DiagnosticSeverity.Hint],
      ['schema-type', 15, '"8080"', vscode.DiagnosticSeverity.Error],
      ['app-protocol-unsupported', 17, 'websocket', vscode.DiagnosticSeverity.Warning],
      ['ports-duplicate-name', 18, 'http', vscode.DiagnosticSeverity.Warning],
      ['port-range', 19, '70000', vscode.DiagnosticSeverity.Warning],
      ['schema-unknown-key', 21, 'weight', vscode.DiagnosticSeverity.Error],
    ];
    const got = ds.map((d) => [codeOf(d), d.range.start.line + 1, typos.getText(d.range), d.severity].join(' '));
    const expected = want.map((w) => w.join(' '));
    const missing = expected.filter((e) => !got.includes(e));
    const extra = got.filter((g) => !expected.includes(g));
    if (missing.length || extra.length) return `missing [${missing.join(', ')}], unexpected [${extra.join(', ')}]`;
    const unknown = ds.find((d) => codeOf(d) === 'schema-unknown-key')!;
    if (!unknown.message.startsWith('Unknown key "weight" in spec')) return `message: ${unknown.message}`;
    return true;
  });

  const backend = await vscode.workspace.openTextDocument(backendUri);
  await vscode.window.showTextDocument(backend);
  const tpLine = lineOf(backend, /^\s*targetPort: http\s*$/);
  const nameHttpLines = backend
    .getText()
    .split('\n')
    .flatMap((l, i) => (/^\s*name: http\s*$/.test(l) ? [i + 1] : []));

  await test('executeCompletionItemProvider on an emptied targetPort: http, metrics, 18080, 19090', async () => {
    if (tpLine < 1) return 'no "targetPort: http" line in backend.yaml';
    const editor = await vscode.window.showTextDocument(backend);
    const value = new vscode.Range(posOf(backend, tpLine, 'http'), posOf(backend, tpLine, 'http', 4));
    if (!(await editor.edit((b) => b.delete(value)))) return 'could not delete the value';
    try {
      const want = ['18080', '19090', 'http', 'metrics'];
      let labels: string[] = [];
      // the Dataplanes come from the same file; retry while the server catches up with the edit
      await waitFor(async () => {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>(
          'vscode.executeCompletionItemProvider',
          backendUri,
          value.start,
        );
        labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label)).sort();
        return JSON.stringify(labels) === JSON.stringify(want);
      });
      return JSON.stringify(labels) === JSON.stringify(want) || `labels ${JSON.stringify(labels)}`;
    } finally {
      await editor.edit((b) => b.insert(value.start, 'http'));
    }
  });

  await test('executeDefinitionProvider on "targetPort: http" goes to the inbounds named http', async () => {
    if (tpLine < 1 || nameHttpLines.length < 2) return `fixture not as expected: targetPort at ${tpLine}, name: http at ${nameHttpLines}`;
    const got = await waitFor(async () => {
      const locs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>(
        'vscode.executeDefinitionProvider',
        backendUri,
        posOf(backend, tpLine, 'http', 1),
      );
      return locs?.length ? locs : undefined;
    });
    if (!got) return 'no definition';
    const where = got.map((l) => {
      const uri = 'targetUri' in l ? l.targetUri : l.uri;
      const range = 'targetUri' in l ? (l.targetSelectionRange ?? l.targetRange) : l.range;
      return `${uri.path.split('/').pop()}:${range.start.line + 1} "${backend.getText(range)}"`;
    });
    const want = nameHttpLines.slice(0, 2).map((n) => `backend.yaml:${n} "http"`);
    return JSON.stringify(where) === JSON.stringify(want) || `definitions ${JSON.stringify(where)}, want ${JSON.stringify(want)}`;
  });

  await test('executeHoverProvider on the targetPort value names backend-1 and port 18080', async () => {
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      backendUri,
      posOf(backend, tpLine, 'http', 1),
    );
    const text = (hovers ?? [])
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : c.value))
      .join('\n');
    return (text.includes('backend-1') && text.includes('18080')) || `hover text ${JSON.stringify(text)}`;
  });

  await test('executeCodeActionProvider on a Service: applying "Add the MeshService…" inserts it after the Service', async () => {
    const doc = await vscode.workspace.openTextDocument(serviceUri);
    await vscode.window.showTextDocument(doc);
    const kindLine = lineOf(doc, /^kind: Service$/);
    const ADD = 'Add the MeshService Kuma generates for this Service';
    const actions = await waitFor(async () => {
      const list = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        serviceUri,
        new vscode.Range(kindLine - 1, 0, kindLine - 1, 0),
      );
      return list?.some((a) => a.title.startsWith(ADD)) ? list : undefined;
    });
    if (!actions) return `no "${ADD}" action`;
    const add = actions.find((a) => a.title.startsWith(ADD))!;
    if (add.disabled) return `disabled: ${add.disabled.reason}`;
    if (!add.edit) return 'the action has no edit';
    if (!(await vscode.workspace.applyEdit(add.edit))) return 'applyEdit returned false';
    const after = doc.getText();
    const split = SERVICE_YAML.indexOf('---\n# settings read by web');
    const head = SERVICE_YAML.slice(0, split);
    const tail = SERVICE_YAML.slice(split);
    if (!after.startsWith(head) || !after.endsWith(tail)) return `the rest of the file changed: ${JSON.stringify(after)}`;
    const inserted = after.slice(head.length, after.length - tail.length);
    const want =
      /^---\napiVersion: kuma\.io\/v1alpha1\nkind: MeshService\nmetadata:\n {2}name: web\n {2}namespace: web-demo\n[^]*\n {6}targetPort: 8080\n[^]*\n$/;
    return want.test(inserted) || `inserted ${JSON.stringify(inserted)}`;
  });

  await test('setting kuma.version to 3.0 turns app-protocol-unsupported into app-protocol-invalid; unsetting it restores', async () => {
    await vscode.window.showTextDocument(typos);
    const config = () => vscode.workspace.getConfiguration('kuma', typosUri);
    const has = (ds: vscode.Diagnostic[], code: string) => ds.some((d) => codeOf(d) === code);
    try {
      await config().update('version', '3.0', vscode.ConfigurationTarget.Workspace);
      const v3 = await typosDiagnostics((ds) => has(ds, 'app-protocol-invalid') && !has(ds, 'app-protocol-unsupported'));
      if (!v3) return `after the change: ${describe(typos, vscode.languages.getDiagnostics(typosUri))}`;
      if (!has(v3, 'selector-dataplane-tags-removed')) return `3.0 without selector-dataplane-tags-removed: ${describe(typos, v3)}`;
      const invalid = v3.find((d) => codeOf(d) === 'app-protocol-invalid')!;
      if (typos.getText(invalid.range) !== 'websocket' || invalid.severity !== vscode.DiagnosticSeverity.Error)
        return `app-protocol-invalid covers "${typos.getText(invalid.range)}", severity ${invalid.severity}`;
    } finally {
      await config().update('version', undefined, vscode.ConfigurationTarget.Workspace);
    }
    const back = await typosDiagnostics((ds) => has(ds, 'app-protocol-unsupported') && !has(ds, 'app-protocol-invalid'));
    return !!back || `after unsetting: ${describe(typos, vscode.languages.getDiagnostics(typosUri))}`;
  });

  await test('kuma.selectVersion: the quick pick starts on the current 2.14; the next item, 3.0, is written to the workspace settings', async () => {
    await vscode.window.showTextDocument(typos);
    const config = () => vscode.workspace.getConfiguration('kuma', typosUri);
    const before = config().inspect<string>('version');
    if (before?.workspaceValue !== undefined || config().get('version') !== '2.14') return `kuma.version before: ${JSON.stringify(before)}`;
    try {
      const picked = vscode.commands.executeCommand<string | undefined>('kuma.selectVersion');
      // The pick opens after the command asks the server whether the file pins its version.
      await sleep(1500);
      await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      const got = await Promise.race([picked, sleep(5000).then(() => 'no answer after 5 s')]);
      if (got !== '3.0') {
        await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
        return `the command returned ${JSON.stringify(got)}`;
      }
      const after = config().inspect<string>('version');
      if (after?.workspaceValue !== '3.0' || after.globalValue !== undefined) return `kuma.version after: ${JSON.stringify(after)}`;
      const has = (ds: vscode.Diagnostic[], code: string) => ds.some((d) => codeOf(d) === code);
      const v3 = await typosDiagnostics((ds) => has(ds, 'app-protocol-invalid') && !has(ds, 'app-protocol-unsupported'));
      return !!v3 || `diagnostics after picking 3.0: ${describe(typos, vscode.languages.getDiagnostics(typosUri))}`;
    } finally {
      await config().update('version', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  finish(out, results);
}

function finish(out: string, results: Result[]): void {
  const failed = results.filter((r) => !r.ok);
  writeFileSync(out, JSON.stringify({ passed: results.length - failed.length, failed: failed.length, results }, null, 2));
  if (failed.length)
    throw new Error(`${failed.length} of ${results.length} extension-host tests failed: ${failed.map((f) => f.name).join('; ')}`);
}
