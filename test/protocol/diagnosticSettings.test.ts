import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient } from './lspClient';

interface Diag {
  code: string;
  severity: number;
  codeDescription?: { href: string };
}
interface Published {
  uri: string;
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

const DOCS = 'https://github.com/kumahq/kuma-meshservice-tools/blob/main/docs/diagnostics.md';

test('pushed and pulled diagnostics link their docs and follow kuma.diagnostics.severity; bad entries are logged', async () => {
  const c = new LspClient();
  try {
    c.configuration = { version: '2.14', diagnostics: { severity: { 'app-protocol-unsupported': 'error', 'no-such-code': 'off' } } };
    await c.initialize({
      workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: false } },
      textDocument: { publishDiagnostics: { codeDescriptionSupport: true }, diagnostic: {} },
    });
    const logged = c.waitFor<{ type: number; message: string }>('window/logMessage', (m) => m.message.includes('no-such-code'));
    const uri = 'file:///tmp/sev.yaml';
    const pushed = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.diagnostics[0]?.severity === 1);
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: TEXT } });
    const shown = (await pushed).diagnostics.map((d) => [d.code, d.severity, d.codeDescription?.href]);
    assert.deepEqual(shown, [['app-protocol-unsupported', 1, `${DOCS}#app-protocol-unsupported`]]);
    const log = await logged;
    assert.equal(log.type, 2, 'a warning');
    assert.match(log.message, /kuma\.diagnostics\.severity: unknown diagnostic code "no-such-code"/);

    const pulled = await c.request<{ items: Diag[] }>('textDocument/diagnostic', { textDocument: { uri } });
    assert.deepEqual(
      pulled.items.map((d) => [d.code, d.severity, d.codeDescription?.href]),
      [['app-protocol-unsupported', 1, `${DOCS}#app-protocol-unsupported`]],
    );

    // `off` drops it.
    c.configuration = { version: '2.14', diagnostics: { severity: { 'app-protocol-unsupported': 'off' } } };
    const cleared = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.diagnostics.length === 0);
    c.notify('workspace/didChangeConfiguration', { settings: {} });
    await cleared;
    assert.doesNotMatch(c.stderr, /failed/);
  } finally {
    await c.shutdown();
  }
});

test('kuma.validate.yamlSyntax off leaves YAML syntax errors to another extension; Kuma checks stay', async () => {
  const c = new LspClient();
  try {
    c.configuration = { version: '2.14', validate: { enable: true, yamlSyntax: 'off' } };
    await c.initialize({ workspace: { configuration: true }, textDocument: {} });
    const uri = 'file:///tmp/syntax.yaml';
    const text = TEXT + 'name: again\n---\ntype: MeshService\nname: [\n';
    const published = c.waitFor<Published>(
      'textDocument/publishDiagnostics',
      (p) => p.uri === uri && !p.diagnostics.some((d) => d.code.startsWith('yaml-')),
    );
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    assert.deepEqual(
      (await published).diagnostics.map((d) => d.code),
      ['app-protocol-unsupported'],
    );
  } finally {
    await c.shutdown();
  }
});
