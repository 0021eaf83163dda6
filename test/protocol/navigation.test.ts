import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { coveredText, LspClient } from './lspClient';
import { tmpDir } from '../tmp';

interface Position {
  line: number;
  character: number;
}
interface Range {
  start: Position;
  end: Position;
}
interface Diag {
  range: Range;
  code: string;
  message: string;
}
interface Published {
  uri: string;
  diagnostics: Diag[];
}
interface Item {
  label: string;
  detail?: string;
  textEdit?: { range: Range; newText: string };
}

const DATAPLANES = (inbound: string) =>
  [
    'type: Dataplane',
    'mesh: default',
    'name: backend-1',
    'labels:',
    '  app: backend',
    'networking:',
    '  address: 10.0.0.1',
    '  inbound:',
    '    - port: 18080',
    `      name: ${inbound}`,
    '    - port: 19090',
    '      name: metrics',
    '---',
    'type: Dataplane',
    'mesh: default',
    'name: web-1',
    'labels:',
    '  app: web',
    'networking:',
    '  address: 10.0.0.2',
    '  inbound:',
    '    - port: 8080',
    '      name: web',
    '',
  ].join('\n');

const SERVICE = [
  'type: MeshService',
  'name: backend',
  'mesh: default',
  'spec:',
  '  selector:',
  '    dataplaneLabels:',
  '      matchLabels:',
  '        app: backend',
  '  ports:',
  '    - port: 80',
  '      targetPort: http',
  '    - port: 81',
  '      targetPort: htp',
  '',
].join('\n');

/** Line and character of the first `needle` in `text`, plus `delta` characters. */
function pos(text: string, needle: string, delta = 0): Position {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  const before = text.slice(0, i + delta);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}

function covered(text: string, r: Range): string {
  assert.equal(r.start.line, r.end.line, 'single-line range');
  return coveredText(text, r);
}

const unresolved = (p: Published) =>
  p.diagnostics
    .filter((d) => d.code === 'target-port-unresolved')
    .map((d) => covered(SERVICE, d.range))
    .sort();

async function until<T>(what: string, ms: number, fn: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('workspace on disk: navigation and cross-file diagnostics for files that are never opened', async () => {
  const dir = tmpDir('kuma-nav-');
  const dpPath = path.join(dir, 'dataplanes.yaml');
  fs.mkdirSync(path.join(dir, 'mesh'));
  const svcPath = path.join(dir, 'mesh', 'services.yaml');
  fs.writeFileSync(dpPath, DATAPLANES('http'));
  fs.writeFileSync(svcPath, SERVICE);
  const folder = pathToFileURL(dir).toString();
  const dpUri = pathToFileURL(dpPath).toString();
  const svcUri = pathToFileURL(svcPath).toString();

  const c = new LspClient();
  try {
    // No didChangeWatchedFiles registration, no pull diagnostics: the server reads and watches
    // the folder itself and pushes diagnostics.
    const init = await c.request<{ capabilities: Record<string, unknown> }>('initialize', {
      processId: process.pid,
      rootUri: folder,
      workspaceFolders: [{ uri: folder, name: 'ws' }],
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true },
        textDocument: { synchronization: {}, publishDiagnostics: {}, completion: {}, hover: {}, definition: {}, documentSymbol: {} },
      },
    });
    assert.ok(init.capabilities.definitionProvider);
    c.notify('initialized', {});

    // Cross-file diagnostics once the Dataplanes file is indexed: only `htp` is unresolved.
    const indexed = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === svcUri && unresolved(p).length > 0, 5000);
    c.notify('textDocument/didOpen', { textDocument: { uri: svcUri, languageId: 'yaml', version: 1, text: SERVICE } });
    const first = await indexed;
    assert.deepEqual(unresolved(first), ['htp']);
    const d = first.diagnostics.find((x) => x.code === 'target-port-unresolved')!;
    assert.match(d.message, /it declares: http, metrics\. Did you mean "http"\?/);
    assert.equal(
      c.notifications.filter((n) => n.method === 'textDocument/publishDiagnostics' && (n.params as Published).uri === dpUri).length,
      0,
      'no diagnostics for a file that is not open',
    );

    // Completion at `targetPort: ` offers the inbounds of the file that was never opened.
    const at = pos(SERVICE, 'targetPort: htp', 'targetPort: '.length);
    const items = await until('completion from the indexed Dataplanes file', 5000, async () => {
      const r = await c.request<Item[] | { items: Item[] } | null>('textDocument/completion', {
        textDocument: { uri: svcUri },
        position: at,
      });
      const list = Array.isArray(r) ? r : (r?.items ?? []);
      return list.some((i) => i.label === 'http') ? list : undefined;
    });
    assert.deepEqual(items.map((i) => i.label).sort(), ['18080', '19090', 'http', 'metrics']);
    const http = items.find((i) => i.label === 'http')!;
    assert.match(http.detail ?? '', /18080 · Dataplane backend-1/);
    assert.equal(covered(SERVICE, http.textEdit!.range), 'htp', 'the typed value is replaced');

    // Go to definition: the inbound name in dataplanes.yaml.
    const defs = await c.request<{ uri: string; range: Range }[]>('textDocument/definition', {
      textDocument: { uri: svcUri },
      position: pos(SERVICE, 'targetPort: http', 'targetPort: h'.length),
    });
    assert.equal(defs.length, 1);
    assert.equal(defs[0].uri, dpUri);
    assert.equal(covered(DATAPLANES('http'), defs[0].range), 'http');
    assert.deepEqual(defs[0].range.start, pos(DATAPLANES('http'), 'name: http', 'name: '.length));

    // Hover on the targetPort.
    const hover = await c.request<{ contents: { kind: string; value: string } } | null>('textDocument/hover', {
      textDocument: { uri: svcUri },
      position: pos(SERVICE, 'targetPort: http', 'targetPort: ht'.length),
    });
    assert.ok(hover);
    assert.equal(hover.contents.kind, 'markdown');
    assert.match(hover.contents.value, /inbound http of Dataplane backend-1 → port 18080 \(dataplanes\.yaml\)/);

    // Outline of the open file.
    const symbols = await c.request<{ name: string; detail?: string; kind: number }[]>('textDocument/documentSymbol', {
      textDocument: { uri: svcUri },
    });
    assert.deepEqual(
      symbols.map((s) => [s.name, s.detail]),
      [['backend', '80→http, 81→htp']],
    );

    // Rename the inbound on disk: now `http` is unresolved and `htp` resolves.
    const renamed = c.waitFor<Published>(
      'textDocument/publishDiagnostics',
      (p) => p.uri === svcUri && unresolved(p).join() === 'http',
      5000,
    );
    fs.writeFileSync(dpPath, DATAPLANES('htp'));
    const after = await renamed;
    assert.match(after.diagnostics.find((x) => x.code === 'target-port-unresolved')!.message, /it declares: htp, metrics/);

    // And the navigation follows the disk too.
    const defs2 = await c.request<{ uri: string; range: Range }[]>('textDocument/definition', {
      textDocument: { uri: svcUri },
      position: pos(SERVICE, 'targetPort: htp', 'targetPort: h'.length),
    });
    assert.deepEqual(
      defs2.map((l) => [l.uri, covered(DATAPLANES('htp'), l.range)]),
      [[dpUri, 'htp']],
    );

    // Deleting the Dataplanes file leaves the selector with nothing: no unresolved targetPorts.
    const gone = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === svcUri && unresolved(p).length === 0, 5000);
    fs.unlinkSync(dpPath);
    await gone;
    await until('completion without the deleted file', 5000, async () => {
      const r = await c.request<Item[] | null>('textDocument/completion', { textDocument: { uri: svcUri }, position: at });
      return (r ?? []).length === 0 ? true : undefined;
    });
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
