import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from './lspClient';
import { tmpDir } from '../tmp';

interface Range {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

const DP =
  'type: Dataplane\nmesh: default\nname: backend-1\nlabels:\n  app: backend\nnetworking:\n  address: 10.0.0.1\n  inbound:\n    - port: 18080\n      name: http\n';
const MS =
  'type: MeshService\nname: backend\nmesh: default\nspec:\n  selector:\n    dataplaneLabels:\n      matchLabels:\n        app: backend\n  ports:\n    - port: 80\n      targetPort: http\n';

function apply(text: string, edits: { range: Range; newText: string }[]): string {
  const lines = text.split('\n');
  const offset = (p: Range['start']) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}

test('rename a port name over stdio: one workspace edit changing the Dataplane and the MeshService files', async () => {
  const dir = tmpDir('kuma-rename-');
  fs.writeFileSync(path.join(dir, 'dataplanes.yaml'), DP);
  fs.writeFileSync(path.join(dir, 'services.yaml'), MS);
  const root = pathToFileURL(dir).toString();
  const dpUri = pathToFileURL(path.join(dir, 'dataplanes.yaml')).toString();
  const msUri = pathToFileURL(path.join(dir, 'services.yaml')).toString();
  const c = new LspClient();
  try {
    await c.request('initialize', {
      processId: process.pid,
      rootUri: root,
      workspaceFolders: [{ uri: root, name: 'ws' }],
      capabilities: { workspace: { configuration: true } },
    });
    c.notify('initialized', {});
    c.notify('textDocument/didOpen', { textDocument: { uri: msUri, languageId: 'yaml', version: 1, text: MS } });
    const at = { line: 10, character: 20 }; // inside "http" of targetPort
    // The Dataplanes file is indexed from disk in the background: wait until the name resolves.
    let prepared: { range: Range; placeholder: string } | null = null;
    for (let i = 0; i < 50 && !prepared; i++) {
      prepared = await c.request('textDocument/prepareRename', { textDocument: { uri: msUri }, position: at });
      if (!prepared) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(prepared?.placeholder, 'http');
    const edit = await c.request<{ changes: Record<string, { range: Range; newText: string }[]> }>('textDocument/rename', {
      textDocument: { uri: msUri },
      position: at,
      newName: 'web',
    });
    assert.deepEqual(Object.keys(edit.changes).sort(), [dpUri, msUri].sort());
    assert.equal(apply(DP, edit.changes[dpUri]), DP.replace('name: http', 'name: web'));
    assert.equal(apply(MS, edit.changes[msUri]), MS.replace('targetPort: http', 'targetPort: web'));

    const refused = c.request('textDocument/rename', { textDocument: { uri: msUri }, position: at, newName: 'Not Valid' });
    await assert.rejects(refused, /not a valid port name/);
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
