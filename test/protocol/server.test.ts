import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coveredText, LspClient } from './lspClient';

interface Diag {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  code: string;
  source: string;
  message: string;
  severity: number;
  data: { path: string };
}
interface Published {
  uri: string;
  version?: number;
  diagnostics: Diag[];
}

const TEXT = [
  'type: MeshService',
  'name: web',
  'mesh: default',
  'spec:',
  '  selector:',
  '    dataplaneTags: {app: web}',
  '  ports:',
  '    - port: 80',
  '      targetPort: 80',
  '      appProtocol: websocket',
  '',
].join('\n');

const covered = (text: string, d: Diag) => coveredText(text, d.range);

test('stdio session: diagnostics on open, after an incremental edit, and on pull', async () => {
  const c = new LspClient();
  try {
    const init = await c.initialize({
      workspace: { configuration: true },
      textDocument: {
        synchronization: {},
        publishDiagnostics: { relatedInformation: true, versionSupport: true, dataSupport: true },
        diagnostic: {},
      },
    });
    assert.equal(
      init.capabilities.textDocumentSync && (init.capabilities.textDocumentSync as { change: number }).change,
      2,
      'incremental sync',
    );
    assert.ok(init.capabilities.diagnosticProvider, 'pull diagnostics offered to a client that supports them');

    const uri = 'file:///tmp/web.yaml';
    const first = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri);
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: TEXT } });
    const p1 = await first;
    assert.equal(p1.version, 1);
    assert.deepEqual(
      p1.diagnostics.map((d) => [d.code, d.source, covered(TEXT, d), d.data.path]),
      [['app-protocol-unsupported', 'kuma', 'websocket', 'spec.ports[0].appProtocol']],
    );

    // Replace "websocket" with "http" by an incremental change: the warning goes away, and an
    // unknown key typed in the same edit shows up.
    const second = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 2);
    c.notify('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [
        { range: { start: { line: 9, character: 19 }, end: { line: 9, character: 28 } }, text: 'http' },
        { range: { start: { line: 10, character: 0 }, end: { line: 10, character: 0 } }, text: '  weight: 1\n' },
      ],
    });
    const p2 = await second;
    const text2 = TEXT.replace('websocket', 'http') + '  weight: 1\n';
    assert.deepEqual(
      p2.diagnostics.map((d) => [d.code, covered(text2, d)]),
      [['schema-unknown-key', 'weight']],
    );

    const pulled = await c.request<{ kind: string; items: Diag[] }>('textDocument/diagnostic', { textDocument: { uri } });
    assert.equal(pulled.kind, 'full');
    assert.deepEqual(
      pulled.items.map((d) => d.code),
      ['schema-unknown-key'],
    );
  } finally {
    await c.shutdown();
  }
});

test('changing kuma.version re-checks open files; non-Kuma YAML gets nothing', async () => {
  const c = new LspClient();
  try {
    await c.initialize({ workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } }, textDocument: {} });
    const uri = 'file:///tmp/ms.yaml';
    const other = 'file:///tmp/ci.yaml';
    const opened = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri);
    const openedOther = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === other);
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: TEXT.replace('websocket', 'kafka') } });
    c.notify('textDocument/didOpen', {
      textDocument: { uri: other, languageId: 'yaml', version: 1, text: 'on: push\njobs: {build: {runs-on: x}}\nbad: [\n' },
    });
    assert.deepEqual((await opened).diagnostics, []);
    assert.deepEqual((await openedOther).diagnostics, []);

    c.configuration = { version: '3.0' };
    const rechecked = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.diagnostics.length > 0);
    c.notify('workspace/didChangeConfiguration', { settings: { kuma: { version: '3.0' } } });
    const codes = (await rechecked).diagnostics.map((d) => d.code).sort();
    assert.deepEqual(codes, ['app-protocol-invalid', 'selector-dataplane-tags-removed', 'selector-missing']);
  } finally {
    await c.shutdown();
  }
});

test('a client without workspace/configuration gets settings from initializationOptions', async () => {
  const c = new LspClient();
  try {
    await c.initialize({ textDocument: {} }, { kuma: { version: '3.0' } });
    const uri = 'file:///tmp/a.yaml';
    const p = c.waitFor<Published>('textDocument/publishDiagnostics', (x) => x.uri === uri);
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: TEXT.replace('websocket', 'kafka') } });
    assert.ok((await p).diagnostics.some((d) => d.code === 'app-protocol-invalid'));
  } finally {
    await c.shutdown();
  }
});

test('garbage input does not kill the server', async () => {
  const c = new LspClient();
  try {
    await c.initialize({ textDocument: {} });
    const uri = 'file:///tmp/bad.yaml';
    const texts = [
      '\u0000\u0001{{{',
      'type: MeshService\nspec: *undefined_alias\n',
      'a: &a [*a]\ntype: MeshService\n',
      '---\n---\n...\n',
      'type: MeshService\nname: x\nspec:\n  ports: [{port: 1e999}]\n',
    ];
    for (let i = 0; i < texts.length; i++) {
      const p = c.waitFor<Published>('textDocument/publishDiagnostics', (x) => x.uri === uri && x.version === i + 1);
      if (i === 0) c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: texts[0] } });
      else c.notify('textDocument/didChange', { textDocument: { uri, version: i + 1 }, contentChanges: [{ text: texts[i] }] });
      await p;
    }
    const info = await c.request<{ kumaResources: number } | null>('kuma/fileInfo', { uri });
    assert.equal(info?.kumaResources, 1);
  } finally {
    await c.shutdown();
  }
});
