import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient } from './lspClient';

interface Diag {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  code: string;
  source: string;
  data: unknown;
}

test('code actions over stdio: a quick fix for an unknown key, with the edit and isPreferred', async () => {
  const c = new LspClient();
  try {
    await c.initialize({ textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } } } });
    const uri = 'file:///tmp/fix.yaml';
    const text =
      'type: MeshService\nname: web\nmesh: default\nspec:\n  selector:\n    dataplaneRef: {name: x}\n  ports:\n    - port: 80\n      targetPrt: 80\n';
    const published = c.waitFor<{ uri: string; diagnostics: Diag[] }>('textDocument/publishDiagnostics', (p) => p.uri === uri);
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const diags = (await published).diagnostics.filter((d) => d.code === 'schema-unknown-key');
    assert.equal(diags.length, 1);
    const actions = await c.request<
      {
        title: string;
        kind: string;
        isPreferred?: boolean;
        edit: { changes: Record<string, { newText: string; range: Diag['range'] }[]> };
      }[]
    >('textDocument/codeAction', { textDocument: { uri }, range: diags[0].range, context: { diagnostics: diags } });
    const fixes = actions.filter((a) => a.kind === 'quickfix');
    assert.deepEqual(
      fixes.map((a) => [a.title, a.kind, a.isPreferred]),
      [
        ['Rename key to "targetPort"', 'quickfix', true],
        ['Suppress schema-unknown-key on this line', 'quickfix', undefined],
        ['Suppress schema-unknown-key in this document', 'quickfix', undefined],
      ],
    );
    assert.deepEqual(fixes[1].edit.changes[uri], [
      {
        range: { start: { line: 8, character: 0 }, end: { line: 8, character: 0 } },
        newText: '      # kuma-lint-disable-next-line schema-unknown-key\n',
      },
    ]);
    // The refactorings of the document come along: the form conversion for this resource.
    assert.ok(actions.some((a) => a.title === 'Convert to Kubernetes format' && a.kind === 'refactor.rewrite'));
    assert.deepEqual(fixes[0].edit.changes[uri], [
      { range: { start: { line: 8, character: 6 }, end: { line: 8, character: 15 } }, newText: 'targetPort' },
    ]);
  } finally {
    await c.shutdown();
  }
});
