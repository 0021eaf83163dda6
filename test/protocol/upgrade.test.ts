import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from './lspClient';
import { tmpDir } from '../tmp';

/**
 * Issue 16 over LSP: the upgrade hints of a 2.x file, and migrations whose edit reaches the
 * Dataplanes of another file (the file command, the code action on a MeshService, the workspace
 * command with the files the user kept).
 */

const MS = `# the redis service
type: MeshService
name: redis
mesh: default
spec:
  selector:
    dataplaneTags:
      kuma.io/service: redis
  ports:
    - port: 6379
      targetPort: 6379
`;
const DP = `type: Dataplane
mesh: default
name: redis-1
networking:
  address: 10.0.0.5
  inbound:
    - port: 6379
      tags:
        kuma.io/service: redis
`;

interface LspEdit {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText: string;
}

function applyLspEdits(text: string, edits: LspEdit[]): string {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const at = (p: { line: number; character: number }) => (starts[p.line] ?? text.length) + p.character;
  const sorted = edits.map((e) => ({ start: at(e.range.start), end: at(e.range.end), t: e.newText })).sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.t + out.slice(e.end);
  return out;
}

async function session() {
  const dir = tmpDir('kuma-upgrade-');
  fs.writeFileSync(path.join(dir, 'ms.yaml'), MS);
  fs.writeFileSync(path.join(dir, 'dp.yaml'), DP);
  const root = pathToFileURL(dir).toString();
  const c = new LspClient();
  c.keepHints = true;
  const applied: { edit: { changes?: Record<string, LspEdit[]> } }[] = [];
  c.handlers.set('workspace/applyEdit', (p) => {
    applied.push(p as (typeof applied)[number]);
    return { applied: true };
  });
  const indexed = c.waitFor<{ message: string }>('window/logMessage', (m) => /indexed \d+ YAML files/.test(m.message), 20_000);
  await c.request('initialize', {
    processId: process.pid,
    rootUri: root,
    workspaceFolders: [{ uri: root, name: 'ws' }],
    capabilities: {
      workspace: { configuration: true, workspaceFolders: true, workspaceEdit: {} },
      textDocument: { codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['refactor.rewrite'] } } } },
    },
  });
  c.notify('initialized', {});
  await indexed;
  const ms = pathToFileURL(path.join(dir, 'ms.yaml')).toString();
  const dp = pathToFileURL(path.join(dir, 'dp.yaml')).toString();
  return { c, dir, ms, dp, applied };
}

test('a 2.x file gets the upgrade hints; the code action on its MeshService also labels the Dataplane of the other file', async () => {
  const { c, dir, ms, dp } = await session();
  try {
    const published = c.waitFor<{ uri: string; diagnostics: { code: string; severity: number; message: string }[] }>(
      'textDocument/publishDiagnostics',
      (p) => p.uri === ms,
    );
    c.notify('textDocument/didOpen', { textDocument: { uri: ms, languageId: 'yaml', version: 1, text: MS } });
    const hints = (await published).diagnostics;
    assert.deepEqual(
      hints.map((d) => [d.code, d.severity]),
      [['upgrade-3.0-dataplane-tags', 4]],
    );
    assert.match(hints[0].message, /drops it silently/);
    const position = { line: 6, character: 6 };
    const actions = await c.request<{ title: string; edit?: { changes: Record<string, LspEdit[]> } }[]>('textDocument/codeAction', {
      textDocument: { uri: ms },
      range: { start: position, end: position },
      context: { diagnostics: [] },
    });
    const migrate = actions.find((a) => a.title === 'Migrate dataplaneTags to dataplaneLabels');
    assert.ok(migrate?.edit, actions.map((a) => a.title).join('; '));
    assert.deepEqual(Object.keys(migrate.edit.changes).sort(), [dp, ms].sort());
    assert.match(applyLspEdits(MS, migrate.edit.changes[ms]), /dataplaneLabels:\n {6}matchLabels:\n {8}kuma\.io\/workload: redis\n/);
    assert.equal(
      applyLspEdits(DP, migrate.edit.changes[dp]),
      DP.replace('mesh: default\n', 'mesh: default\nlabels:\n  kuma.io/workload: redis\n'),
    );
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('"Migrate this file to Kuma 3.0" (palette) edits the file and the labels of its Dataplanes in the other file, and sums up', async () => {
  const { c, dir, ms, dp, applied } = await session();
  try {
    const r = await c.request<{ message: string; details: string[] }>('workspace/executeCommand', {
      command: 'kuma.server.migrateTo30',
      arguments: [ms, 'beside'],
    });
    assert.equal(applied.length, 1, r.message);
    const changes = applied[0].edit.changes!;
    assert.deepEqual(Object.keys(changes).sort(), [dp, ms].sort());
    assert.match(applyLspEdits(DP, changes[dp]), /^labels:\n {2}kuma\.io\/workload: redis$/m);
    // Only the labels: the Dataplane's own migration is its file's.
    assert.match(applyLspEdits(DP, changes[dp]), /tags:\n {8}kuma\.io\/service: redis/);
    assert.ok(
      r.details.some((d) => /Migrate to Kuma 3\.0: 1 file changed \(1 document rewritten\) of 1 file; nothing left/.test(d)),
      r.details.join('\n'),
    );
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the workspace migration reviewed: a MeshService kept without the file of its Dataplanes still gives them their labels', async () => {
  const { c, dir, ms, dp, applied } = await session();
  try {
    const plan = await c.request<{ plan: { uri: string; summary: string }[] }>('workspace/executeCommand', {
      command: 'kuma.server.migrateTo30',
      arguments: [null, 'beside', { plan: true }],
    });
    assert.deepEqual(plan.plan.map((p) => [p.uri, p.summary]).sort(), [
      [dp, '1 document'],
      [ms, '1 document'],
    ]);
    await c.request('workspace/executeCommand', { command: 'kuma.server.migrateTo30', arguments: [null, 'beside', { only: [ms] }] });
    const changes = applied[0].edit.changes!;
    assert.deepEqual(Object.keys(changes).sort(), [dp, ms].sort());
    const after = applyLspEdits(DP, changes[dp]);
    assert.match(after, /kuma\.io\/workload: redis/);
    assert.match(after, /tags:/, 'the Dataplane file the user unticked keeps its tags');
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("the review's preview of a file is the text the migration would leave with the files picked, and applies nothing", async () => {
  const { c, dir, ms, dp, applied } = await session();
  try {
    const preview = (file: string, only: string[]) =>
      c.request<{ message: string; content?: string }>('workspace/executeCommand', {
        command: 'kuma.server.migrateTo30',
        arguments: [null, 'beside', { only, preview: file }],
      });
    // Both files picked: the Dataplane's own migration (tags gone, the workload label).
    const both = await preview(dp, [ms, dp]);
    await c.request('workspace/executeCommand', { command: 'kuma.server.migrateTo30', arguments: [null, 'beside', { only: [ms, dp] }] });
    assert.equal(applied.length, 1, 'only the request without preview applied an edit');
    assert.equal(both.content, applyLspEdits(DP, applied[0].edit.changes![dp]));
    assert.doesNotMatch(both.content!, /tags:/);
    // The Dataplane's file unticked: only the labels its MeshService gives it.
    const labelsOnly = await preview(dp, [ms]);
    assert.match(labelsOnly.content!, /^labels:\n {2}kuma\.io\/workload: redis$/m);
    assert.match(labelsOnly.content!, /tags:\n {8}kuma\.io\/service: redis/);
    // Nothing at all picked: the file as it is.
    assert.equal((await preview(dp, [])).content, DP);
    assert.equal(applied.length, 1);
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
