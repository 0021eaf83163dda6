import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient } from './lspClient';
import { deepNesting, longLine, longName, manyDocuments, smallCorpus } from '../fixtures/hostile/generate';

/**
 * A live server over stdio gets every hostile file, one after another: it publishes
 * diagnostics for each (the codes the core gives), answers requests on it, and still answers
 * a normal hover and completion on a good file afterwards.
 */

interface Published {
  uri: string;
  version?: number;
  diagnostics: { code: string; message: string }[];
}

const GOOD =
  'type: MeshService\nname: probe\nmesh: default\nspec:\n  selector:\n    dataplaneTags:\n      app: probe\n  ports:\n  - port: 80\n    targetPort: 8080\n    appProtocol: http\n';

const CODES: Record<string, string[]> = {
  'alias-bomb.yaml': ['yaml-limit'],
  'binary.yaml': [],
  'block-scalar-dashes.yaml': ['schema-missing-required', 'selector-missing'],
  'bom.yaml': [],
  'crlf.yaml': ['app-protocol-unsupported'],
  'deep-nesting-flow.yaml': ['yaml-limit'],
  'duplicate-keys.yaml': ['yaml-duplicate-key', 'app-protocol-unsupported'],
  'helm-control.yaml': [],
  'helm.yaml': ['templated-yaml'],
  'hostname-template.yaml': [],
  'invalid-utf8.yaml': ['name-invalid', 'name-rfc1035-deprecated'],
  'mixed-eol.yaml': ['app-protocol-unsupported', 'schema-unknown-key'],
  'tabs.yaml': ['yaml-syntax'],
  'yaml11.yaml': ['ports-duplicate'],
  'deep-nesting-block.yaml': ['yaml-limit'],
  'long-line.yaml': [],
  'long-name.yaml': ['name-invalid', 'name-too-long', 'name-rfc1035-deprecated'],
  'many-documents.yaml': ['app-protocol-unsupported'],
  // At most 1,000 problems per document, then one that counts the rest (as kuma-lint prints).
  'many-problems.yaml': [...Array<string>(1000).fill('schema-unknown-key'), 'problem-limit'],
};

test('stdio session: every hostile file in turn, and the server keeps answering', { timeout: 120_000 }, async () => {
  const files: [string, string][] = [...smallCorpus()].map(([name, bytes]) => [name, bytes.toString('utf8')]);
  files.push(
    ['deep-nesting-block.yaml', deepNesting(1000)],
    ['long-line.yaml', longLine()],
    ['long-name.yaml', longName()],
    ['many-documents.yaml', manyDocuments(100_000)],
    [
      'many-problems.yaml',
      GOOD.replace('name: probe', 'name: many') + Array.from({ length: 1500 }, (_, i) => `  extra${i}: ${i}\n`).join(''),
    ],
  );
  const c = new LspClient();
  try {
    await c.initialize({
      workspace: { configuration: true },
      textDocument: { synchronization: {}, publishDiagnostics: { versionSupport: true } },
    });
    const good = 'file:///ws/good.yaml';
    const opened = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === good);
    c.notify('textDocument/didOpen', { textDocument: { uri: good, languageId: 'yaml', version: 1, text: GOOD } });
    assert.deepEqual((await opened).diagnostics, []);
    for (const [name, text] of files) {
      const uri = `file:///ws/hostile/${name}`;
      const published = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri, 60_000);
      c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
      const p = await published;
      assert.deepEqual(
        p.diagnostics.map((d) => d.code),
        CODES[name],
        name,
      );
      for (const d of p.diagnostics) assert.ok(d.message.length < 400, `${name}: short message`);
      // Requests on the hostile file itself are answered (with whatever there is), not failed.
      await c.request('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 2 } });
      await c.request('textDocument/completion', { textDocument: { uri }, position: { line: 3, character: 0 } });
      await c.request('textDocument/documentSymbol', { textDocument: { uri } });
      await c.request('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: [] },
      });
      // And a normal request on the good file still gets its normal answer.
      const hover = await c.request<{ contents: { value: string } } | null>('textDocument/hover', {
        textDocument: { uri: good },
        position: { line: 10, character: 6 },
      });
      assert.match(hover?.contents.value ?? '', /appProtocol/, `hover after ${name}`);
      const completion = await c.request<{ label: string }[] | null>('textDocument/completion', {
        textDocument: { uri: good },
        position: { line: 10, character: 17 },
      });
      assert.ok(
        completion?.some((i) => i.label === 'http2'),
        `completion after ${name}`,
      );
      c.notify('textDocument/didClose', { textDocument: { uri } });
    }
    assert.doesNotMatch(c.stderr, /Error|at /, 'nothing on stderr');
  } finally {
    await c.shutdown();
  }
});
