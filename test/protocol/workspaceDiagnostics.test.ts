import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { coveredText, LspClient } from './lspClient';
import { tmpDir } from '../tmp';

interface Range {
  start: { line: number; character: number };
  end: { line: number; character: number };
}
interface Published {
  uri: string;
  version?: number;
  diagnostics: { range: Range; code: string; message: string }[];
}

/** Two Universal Dataplanes of `backend`; the first names its inbound `inbound`. */
const DATAPLANES = (inbound: string) =>
  [
    'type: Dataplane',
    'mesh: default',
    'name: backend-1',
    'networking:',
    '  address: 10.0.0.1',
    '  inbound:',
    '    - port: 18080',
    `      name: ${inbound}`,
    '      tags:',
    '        kuma.io/service: backend',
    '---',
    'type: Dataplane',
    'mesh: default',
    'name: backend-2',
    'networking:',
    '  address: 10.0.0.2',
    '  inbound:',
    '    - port: 18080',
    `      name: ${inbound}`,
    '      tags:',
    '        kuma.io/service: backend',
    '',
  ].join('\n');

const MESH_SERVICE = [
  'type: MeshService',
  'name: backend',
  'mesh: default',
  'spec:',
  '  selector:',
  '    dataplaneTags:',
  '      kuma.io/service: backend',
  '  ports:',
  '    - port: 80',
  '      targetPort: http',
  '      appProtocol: http',
  '',
].join('\n');

/** A file with a problem of its own (an unknown key). */
const BROKEN = MESH_SERVICE.replace('name: backend', 'name: broken').replace('  ports:', '  weight: 1\n  ports:');

function workspace() {
  const dir = tmpDir('kuma-wsdiag-');
  const files = { dp: 'dataplanes.yaml', ms: 'meshservice.yaml', broken: 'broken.yaml', other: 'ci.yaml' };
  fs.writeFileSync(path.join(dir, files.dp), DATAPLANES('http'));
  fs.writeFileSync(path.join(dir, files.ms), MESH_SERVICE);
  fs.writeFileSync(path.join(dir, files.broken), BROKEN);
  fs.writeFileSync(path.join(dir, files.other), 'name: ci\non: [push]\nweight: 1\n');
  const uri = (f: string) => pathToFileURL(path.join(dir, f)).toString();
  return {
    dir,
    folder: pathToFileURL(dir).toString(),
    dp: uri(files.dp),
    ms: uri(files.ms),
    broken: uri(files.broken),
    other: uri(files.other),
  };
}

async function start(folder: string, configuration: unknown, capabilities: unknown = {}) {
  const c = new LspClient();
  c.configuration = configuration;
  await c.request('initialize', {
    processId: process.pid,
    rootUri: folder,
    workspaceFolders: [{ uri: folder, name: 'ws' }],
    capabilities: {
      workspace: { configuration: true, workspaceFolders: true, didChangeConfiguration: { dynamicRegistration: false } },
      textDocument: { synchronization: {}, publishDiagnostics: { versionSupport: true }, inlayHint: {} },
      ...(capabilities as object),
    },
  });
  return c;
}

const published = (c: LspClient, uri: string) =>
  c.notifications
    .filter((n) => n.method === 'textDocument/publishDiagnostics' && (n.params as Published).uri === uri)
    .map((n) => n.params as Published);

test('kuma.diagnostics.scope workspace: problems of files never opened are pushed, and follow edits in other files', async () => {
  const ws = workspace();
  const c = await start(ws.folder, { version: '2.14' });
  try {
    const reported = c.waitFor<{ message: string }>('window/logMessage', (m) => /reported the problems of files not open/.test(m.message));
    const brokenPushed = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === ws.broken);
    c.notify('initialized', {});
    const broken = await brokenPushed;
    assert.deepEqual(
      broken.diagnostics.map((d) => [d.code, coveredText(BROKEN, d.range)]),
      [['schema-unknown-key', 'weight']],
    );
    assert.match((await reported).message, /1 of 4 files have some/);
    // Files without problems and YAML that is not Kuma's get nothing.
    assert.deepEqual(published(c, ws.ms), []);
    assert.deepEqual(published(c, ws.other), []);
    assert.deepEqual(published(c, ws.dp), []);

    // Renaming the inbound in the (open) Dataplanes file breaks the MeshService's targetPort,
    // in a file that stays closed: its problem shows up without opening it.
    const broke = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === ws.ms && p.diagnostics.length > 0);
    c.notify('textDocument/didOpen', { textDocument: { uri: ws.dp, languageId: 'yaml', version: 1, text: DATAPLANES('http') } });
    c.notify('textDocument/didChange', { textDocument: { uri: ws.dp, version: 2 }, contentChanges: [{ text: DATAPLANES('web') }] });
    const after = await broke;
    assert.deepEqual(
      after.diagnostics.map((d) => [d.code, coveredText(MESH_SERVICE, d.range)]),
      [['target-port-unresolved', 'http']],
    );
    assert.match(after.diagnostics[0].message, /targetPort "http"/);

    // Closing the Dataplanes file unsaved: it is "http" again on disk, and the problem goes.
    const mended = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === ws.ms && p.diagnostics.length === 0);
    c.notify('textDocument/didClose', { textDocument: { uri: ws.dp } });
    await mended;

    // Opening the broken file: its own diagnostics (versioned) replace the pushed ones; closing
    // it shows the problems of its text on disk again.
    const opened = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === ws.broken && p.version === 1);
    c.notify('textDocument/didOpen', {
      textDocument: { uri: ws.broken, languageId: 'yaml', version: 1, text: BROKEN.replace('  weight: 1\n', '') },
    });
    assert.deepEqual((await opened).diagnostics, []);
    const reclosed = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === ws.broken && p.version === undefined);
    c.notify('textDocument/didClose', { textDocument: { uri: ws.broken } });
    assert.deepEqual(
      (await reclosed).diagnostics.map((d) => d.code),
      ['schema-unknown-key'],
    );

    // openFiles: what was pushed for closed files is cleared.
    c.configuration = { version: '2.14', diagnostics: { scope: 'openFiles' } };
    const cleared = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === ws.broken && p.diagnostics.length === 0);
    c.notify('workspace/didChangeConfiguration', { settings: {} });
    await cleared;
  } finally {
    await c.shutdown();
  }
});

test('kuma.diagnostics.scope openFiles: nothing is pushed for files that are not open', async () => {
  const ws = workspace();
  const c = await start(ws.folder, { version: '2.14', diagnostics: { scope: 'openFiles' } });
  try {
    const indexed = c.waitFor<{ message: string }>('window/logMessage', (m) => /indexed 4 YAML files/.test(m.message));
    c.notify('initialized', {});
    await indexed;
    // The open file's own diagnostics still come.
    const own = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === ws.ms);
    const text = MESH_SERVICE.replace('  ports:', '  weight: 1\n  ports:');
    c.notify('textDocument/didOpen', { textDocument: { uri: ws.ms, languageId: 'yaml', version: 1, text } });
    assert.deepEqual(
      (await own).diagnostics.map((d) => d.code),
      ['schema-unknown-key'],
    );
    await new Promise((r) => setTimeout(r, 600));
    assert.deepEqual(published(c, ws.broken), []);
  } finally {
    await c.shutdown();
  }
});

test('inlay hints of a file opened before the index was ready: the server asks the client to refresh them', async () => {
  const ws = workspace();
  const c = await start(
    ws.folder,
    { version: '2.14' },
    { workspace: { configuration: true, workspaceFolders: true, inlayHint: { refreshSupport: true } } },
  );
  try {
    // Refreshes asked for after the index reported ready (the log line comes first).
    let refreshes = 0;
    const isIndexed = (n: { method: string; params: unknown }) =>
      n.method === 'window/logMessage' && /indexed 4 YAML files/.test((n.params as { message: string }).message);
    c.handlers.set('workspace/inlayHint/refresh', () => {
      if (c.notifications.some(isIndexed)) refreshes++;
      return null;
    });
    c.notify('initialized', {});
    // A restored tab: open at once, as the window loads.
    c.notify('textDocument/didOpen', { textDocument: { uri: ws.ms, languageId: 'yaml', version: 1, text: MESH_SERVICE } });
    const end = Date.now() + 5000;
    while (refreshes === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    assert.ok(refreshes > 0, 'workspace/inlayHint/refresh was sent once the index was ready');
    // What the editor then asks for reads the index.
    const hints = await c.request<{ label: string }[]>('textDocument/inlayHint', {
      textDocument: { uri: ws.ms },
      range: { start: { line: 0, character: 0 }, end: { line: 20, character: 0 } },
    });
    const labels = hints.map((h) => h.label);
    assert.ok(
      labels.some((l) => /selects 2 Dataplanes/.test(l)),
      `hints: ${JSON.stringify(labels)}`,
    );
    assert.ok(
      labels.some((l) => /→ 18080/.test(l)),
      `hints: ${JSON.stringify(labels)}`,
    );
  } finally {
    await c.shutdown();
  }
});
