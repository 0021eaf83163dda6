import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from './lspClient';
import { tmpDir } from '../tmp';

interface Edit {
  label: string;
  edit: {
    changes?: Record<string, { newText: string }[]>;
    documentChanges?: {
      textDocument?: { uri: string };
      edits?: { newText: string; annotationId?: string }[];
      kind?: string;
      uri?: string;
    }[];
    changeAnnotations?: Record<string, { needsConfirmation?: boolean }>;
  };
}

const SERVICE =
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n  labels:\n    kuma.io/mesh: default\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n';

async function session(capabilities: unknown) {
  const dir = tmpDir('kuma-cmd-');
  fs.writeFileSync(path.join(dir, 'a.yaml'), SERVICE);
  fs.writeFileSync(path.join(dir, 'b.yaml'), SERVICE.replace(/web/g, 'api'));
  const root = pathToFileURL(dir).toString();
  const c = new LspClient();
  const edits: Edit[] = [];
  c.handlers.set('workspace/applyEdit', (p) => {
    edits.push(p as Edit);
    return { applied: true };
  });
  await c.request('initialize', { processId: process.pid, rootUri: root, workspaceFolders: [{ uri: root, name: 'ws' }], capabilities });
  c.notify('initialized', {});
  // Wait for the background index to hold both files.
  for (let i = 0; i < 50; i++) {
    const symbols = await c.request<unknown[]>('workspace/symbol', { query: '' });
    if (Array.isArray(symbols)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 500));
  return {
    c,
    dir,
    root,
    edits,
    a: pathToFileURL(path.join(dir, 'a.yaml')).toString(),
    b: pathToFileURL(path.join(dir, 'b.yaml')).toString(),
  };
}

test('palette commands over executeCommand: one file, the workspace with review annotations, and untitled output', async () => {
  const { c, dir, edits, a, b } = await session({ workspace: { workspaceEdit: { documentChanges: true, changeAnnotationSupport: {} } } });
  try {
    const one = await c.request<{ message: string }>('workspace/executeCommand', {
      command: 'kuma.server.convertServices',
      arguments: [a, 'beside'],
    });
    assert.match(one.message, /changed 1 file/);
    assert.equal(edits.length, 1);
    assert.deepEqual(Object.keys(edits[0].edit.changes ?? {}), [a]);
    assert.match(
      edits[0].edit.changes![a][0].newText,
      /^---\napiVersion: kuma\.io\/v1alpha1\nkind: MeshService\nmetadata:\n {2}name: web\n/,
    );

    const all = await c.request<{ message: string }>('workspace/executeCommand', {
      command: 'kuma.server.convertServices',
      arguments: [null, 'beside'],
    });
    assert.match(all.message, /changed 2 file/);
    const ws = edits[1].edit;
    assert.equal(ws.changeAnnotations?.kuma?.needsConfirmation, true);
    assert.deepEqual(ws.documentChanges!.map((d) => d.textDocument!.uri).sort(), [a, b].sort());
    assert.ok(ws.documentChanges!.every((d) => d.edits!.every((e) => e.annotationId === 'kuma')));

    const untitled = await c.request<{ content?: string; message: string }>('workspace/executeCommand', {
      command: 'kuma.server.convertServices',
      arguments: [null, 'untitled'],
    });
    assert.equal(edits.length, 2, 'untitled output applies no edit');
    assert.match(untitled.content ?? '', /name: web[\s\S]*---\n[\s\S]*name: api|name: api[\s\S]*---\n[\s\S]*name: web/);
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('workspace commands reviewed first: a plan of the files that would change, then one edit of the files the user kept', async () => {
  const { c, dir, edits, a, b } = await session({ workspace: { workspaceEdit: { documentChanges: true, changeAnnotationSupport: {} } } });
  try {
    type Result = { message: string; plan?: { uri: string; summary: string }[] };
    const plan = await c.request<Result>('workspace/executeCommand', {
      command: 'kuma.server.convertServices',
      arguments: [null, 'beside', { plan: true }],
    });
    assert.equal(plan.message, 'Convert Services to MeshServices: 2 files to change.');
    assert.deepEqual(plan.plan!.map((f) => [path.basename(new URL(f.uri).pathname), f.summary]).sort(), [
      ['a.yaml', '1 MeshService'],
      ['b.yaml', '1 MeshService'],
    ]);
    assert.equal(edits.length, 0, 'a plan applies nothing');

    // The user unticked b.yaml: a.yaml alone changes, applied as it is (no confirmation asked
    // again, which VS Code would show with every change unticked), as a refactoring.
    const done = await c.request<Result>('workspace/executeCommand', {
      command: 'kuma.server.convertServices',
      arguments: [null, 'beside', { only: [a] }],
    });
    assert.match(done.message, /changed 1 file/);
    assert.equal(edits.length, 1);
    const applied = edits[0] as Edit & { metadata?: { isRefactoring?: boolean } };
    assert.deepEqual(Object.keys(applied.edit.changes ?? {}), [a]);
    assert.equal(applied.edit.changeAnnotations, undefined);
    assert.equal(applied.metadata?.isRefactoring, true);
    assert.match(applied.edit.changes![a][0].newText, /kind: MeshService\nmetadata:\n {2}name: web\n/);
    assert.ok(!(b in (applied.edit.changes ?? {})));

    const migrate = await c.request<Result>('workspace/executeCommand', {
      command: 'kuma.server.migrateSelectors',
      arguments: [null, 'beside', { plan: true }],
    });
    assert.deepEqual(migrate.plan, []);
    assert.equal(migrate.message, 'Migrate dataplaneTags to dataplaneLabels: nothing to change.');
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
