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
    // A client that says nothing of codeDescriptionSupport / dataSupport: the diagnostics come
    // without the docs link and the fixes' data, and the fixes find their data again (the
    // "did you mean" of the rename) from what was sent.
    await c.initialize({ textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } } } });
    const uri = 'file:///tmp/fix.yaml';
    const text =
      'type: MeshService\nname: web\nmesh: default\nspec:\n  selector:\n    dataplaneRef: {name: x}\n  ports:\n    - port: 80\n      targetPrt: 80\n';
    const published = c.waitFor<{ uri: string; diagnostics: Diag[] }>('textDocument/publishDiagnostics', (p) => p.uri === uri);
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const diags = (await published).diagnostics.filter((d) => d.code === 'schema-unknown-key');
    assert.equal(diags.length, 1);
    assert.deepEqual(Object.keys(diags[0]).sort(), ['code', 'message', 'range', 'severity', 'source']);
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

/** Two MeshServices of 2.14 with dataplaneTags: the 3.0 migration rewrites both and the pin. */
const MIGRATE_BEFORE = `# kuma-version: 2.14
type: MeshService
name: web
mesh: default
spec:
  selector:
    dataplaneTags:
      app: web
  ports:
    - port: 80
      targetPort: 8080
      appProtocol: http
---
type: MeshService
name: api
mesh: default
spec:
  selector:
    dataplaneTags:
      app: api
  ports:
    - port: 81
      targetPort: 8081
`;
const MIGRATE_AFTER = MIGRATE_BEFORE.replace('kuma-version: 2.14', 'kuma-version: 3.0').replace(
  /dataplaneTags:\n {6}app: (\w+)/g,
  'dataplaneLabels:\n      matchLabels:\n        app: $1',
);

interface LspEdit {
  range: Diag['range'];
  newText: string;
}
interface Action {
  title: string;
  kind: string;
  edit?: { changes: Record<string, LspEdit[]> };
  data?: unknown;
}

/** A text with LSP edits applied (non-overlapping, any order). */
function applyLspEdits(text: string, edits: LspEdit[]): string {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const at = (p: { line: number; character: number }) => starts[p.line] + p.character;
  const sorted = edits.map((e) => ({ start: at(e.range.start), end: at(e.range.end), text: e.newText })).sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

const CODE_ACTIONS = {
  codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor', 'refactor.rewrite'] } },
  dataSupport: true,
};

/** Opens the 2.14 file and lists the code actions on the second MeshService's selector. */
async function migrateActions(c: LspClient, uri: string): Promise<Action[]> {
  const published = c.waitFor<{ uri: string }>('textDocument/publishDiagnostics', (p) => p.uri === uri);
  c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: MIGRATE_BEFORE } });
  await published;
  const position = { line: 19, character: 6 };
  return c.request<Action[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: { start: position, end: position },
    context: { diagnostics: [], triggerKind: 2 },
  });
}

test('"Migrate this file to Kuma 3.0" is listed without its edit and resolved on demand (client with resolve support)', async () => {
  const c = new LspClient();
  try {
    const init = await c.initialize({ textDocument: { codeAction: { ...CODE_ACTIONS, resolveSupport: { properties: ['edit'] } } } });
    assert.deepEqual((init.capabilities.codeActionProvider as { resolveProvider?: boolean }).resolveProvider, true);
    const uri = 'file:///tmp/migrate-resolve.yaml';
    const actions = await migrateActions(c, uri);
    const migrate = actions.find((a) => a.title === 'Migrate this file to Kuma 3.0');
    assert.ok(migrate, `listed: ${actions.map((a) => a.title).join('; ')}`);
    // Listing costs the document at the cursor only: the file-wide edit is left for resolve.
    assert.equal(migrate.edit, undefined);
    assert.ok(migrate.data);
    // The cheap, one-document actions still carry their edits.
    assert.ok(actions.find((a) => a.title === 'Migrate dataplaneTags to dataplaneLabels')?.edit);
    const resolved = await c.request<Action>('codeAction/resolve', migrate);
    assert.equal(resolved.title, 'Migrate this file to Kuma 3.0');
    assert.ok(resolved.edit, 'the resolved action has the edit');
    assert.deepEqual(Object.keys(resolved.edit.changes), [uri]);
    assert.equal(applyLspEdits(MIGRATE_BEFORE, resolved.edit.changes[uri]), MIGRATE_AFTER);
  } finally {
    await c.shutdown();
  }
});

test('"Migrate this file to Kuma 3.0" carries its edit at once for a client without resolve support', async () => {
  const c = new LspClient();
  try {
    await c.initialize({ textDocument: { codeAction: CODE_ACTIONS } });
    const uri = 'file:///tmp/migrate-eager.yaml';
    const migrate = (await migrateActions(c, uri)).find((a) => a.title === 'Migrate this file to Kuma 3.0');
    assert.ok(migrate?.edit, 'the edit is inline');
    assert.equal(migrate.data, undefined);
    assert.equal(applyLspEdits(MIGRATE_BEFORE, migrate.edit.changes[uri]), MIGRATE_AFTER);
  } finally {
    await c.shutdown();
  }
});

test('a resolve after the document changed returns the action without an edit', async () => {
  const c = new LspClient();
  try {
    await c.initialize({ textDocument: { codeAction: { ...CODE_ACTIONS, resolveSupport: { properties: ['edit'] } } } });
    const uri = 'file:///tmp/migrate-stale.yaml';
    const migrate = (await migrateActions(c, uri)).find((a) => a.title === 'Migrate this file to Kuma 3.0');
    assert.ok(migrate?.data);
    const published = c.waitFor<{ uri: string; version?: number }>(
      'textDocument/publishDiagnostics',
      (p) => p.uri === uri && p.version === 2,
    );
    c.notify('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 2, character: 6 }, end: { line: 2, character: 9 } }, text: 'www' }],
    });
    await published;
    const resolved = await c.request<Action>('codeAction/resolve', migrate);
    // Edits made for version 1 would land in the wrong places of version 2: the editor lists again.
    assert.equal(resolved.edit, undefined);
    assert.equal(resolved.title, 'Migrate this file to Kuma 3.0');
  } finally {
    await c.shutdown();
  }
});
