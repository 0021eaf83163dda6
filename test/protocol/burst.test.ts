import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coveredText, LspClient } from './lspClient';

interface Published {
  uri: string;
  version?: number;
  diagnostics: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; code: string }[];
}

const doc = (i: number) =>
  `apiVersion: kuma.io/v1alpha1\nkind: MeshService\nmetadata:\n  name: svc-${i}\n  namespace: ns\nspec:\n  selector:\n    dataplaneTags:\n      app: a${i}\n  ports:\n    - port: 80\n      targetPort: 8080\n      appProtocol: http\n`;

test('a burst of edits written at once is checked once, at its latest version', async () => {
  const c = new LspClient();
  try {
    await c.initialize({ textDocument: { publishDiagnostics: { versionSupport: true } } });
    const uri = 'file:///tmp/burst.yaml';
    const text = Array.from({ length: 200 }, (_, i) => doc(i)).join('---\n');
    const opened = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 1);
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    await opened;
    // 60 one-character edits in one write, as fast typing, multi-cursor edits or undo send them:
    // each adds a letter to the first document's appProtocol ("http" → "httpxxx…").
    const at = { line: 12, character: '      appProtocol: http'.length };
    const frames = [];
    for (let v = 2; v <= 61; v++) {
      const body = JSON.stringify({
        jsonrpc: '2.0',
        method: 'textDocument/didChange',
        params: { textDocument: { uri, version: v }, contentChanges: [{ range: { start: at, end: at }, text: 'x' }] },
      });
      frames.push(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    }
    const last = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 61);
    c.writeRaw(frames.join(''));
    const final = await last;
    const edited = text.replace('appProtocol: http\n', `appProtocol: http${'x'.repeat(60)}\n`);
    assert.deepEqual(
      final.diagnostics.map((d) => [d.code, coveredText(edited, d.range)]),
      [['app-protocol-unsupported', `http${'x'.repeat(60)}`]],
    );
    await new Promise((r) => setTimeout(r, 200));
    const versions = c.notifications
      .filter((n) => n.method === 'textDocument/publishDiagnostics' && (n.params as Published).uri === uri)
      .map((n) => (n.params as Published).version);
    // The open's, then the burst's last: no stale intermediate version was checked or sent.
    assert.deepEqual(versions, [1, 61]);
  } finally {
    await c.shutdown();
  }
});
