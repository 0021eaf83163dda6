import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { coveredText, LspClient } from './lspClient';
import { tmpDir } from '../tmp';

/**
 * The server stays up and answers for the right state: a failing handler is contained,
 * cancelled requests stop, diagnostics never describe an old version, and the process exits
 * when the editor goes away.
 */

interface LogMessage {
  type: number;
  message: string;
}
interface Published {
  uri: string;
  version?: number;
  diagnostics: { code: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }[];
}

const REQUEST_CANCELLED = -32800;

const MESH_SERVICE = (appProtocol: string) =>
  [
    'type: MeshService',
    'name: web',
    'mesh: default',
    'spec:',
    '  selector:',
    '    dataplaneTags: {app: web}',
    '  ports:',
    '    - port: 80',
    '      targetPort: 80',
    `      appProtocol: ${appProtocol}`,
    '',
  ].join('\n');

const SERVICE = (name: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: shop\n  labels:\n    kuma.io/mesh: default\nspec:\n  selector:\n    app: ${name}\n  ports:\n    - port: 80\n`;

const MESH_SERVICE_K8S = (name: string) =>
  `apiVersion: kuma.io/v1alpha1\nkind: MeshService\nmetadata:\n  name: ${name}\n  namespace: shop\n  labels:\n    kuma.io/mesh: default\nspec:\n  selector:\n    dataplaneTags:\n      app: ${name}\n  ports:\n    - port: 80\n      targetPort: 80\n`;

/** A workspace of `files` files of `perFile` Kubernetes Services and 12 MeshServices each, indexed by a new server. */
async function bigWorkspace(files: number, perFile: number, capabilities: unknown = {}) {
  const dir = tmpDir('kuma-robust-');
  for (let f = 0; f < files; f++) {
    const docs = Array.from({ length: perFile }, (_, i) => SERVICE(`svc-${f}-${i}`));
    for (let i = 0; i < 12; i++) docs.push(MESH_SERVICE_K8S(`ms-${f}-${i}`));
    fs.writeFileSync(path.join(dir, `f${f}.yaml`), docs.join('---\n'));
  }
  const root = pathToFileURL(dir).toString();
  const c = new LspClient();
  const indexed = c.waitFor<LogMessage>('window/logMessage', (m) => /indexed \d+ YAML files/.test(m.message), 60_000);
  await c.request('initialize', { processId: process.pid, rootUri: root, workspaceFolders: [{ uri: root, name: 'ws' }], capabilities });
  c.notify('initialized', {});
  await indexed;
  return { c, dir, root };
}

test('a failing handler is logged and answered with an empty result; the next request works', async () => {
  const c = new LspClient(['--stdio'], { KUMA_LS_INJECT_FAULT: 'hover,command,watched files,configuration' });
  try {
    await c.initialize({ textDocument: { publishDiagnostics: { versionSupport: true } } });
    const uri = 'file:///tmp/robust-fault.yaml';
    const text = MESH_SERVICE('websocket');
    const opened = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri);
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    await opened;

    const logged = c.waitFor<LogMessage>('window/logMessage', (m) => m.message.includes('hover failed'));
    const hover = await c.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 7 } });
    assert.equal(hover, null, 'the failed hover is answered with an empty result');
    const log = await logged;
    assert.equal(log.type, 1, 'logged as an error');
    assert.match(log.message, /kuma: hover failed: Error: injected fault in hover/);

    // The next request is answered as usual.
    const symbols = await c.request<{ name: string }[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(
      symbols.map((s) => s.name),
      ['web'],
    );

    // A failing command answers with a message pointing to the log instead of an error.
    const cmdLogged = c.waitFor<LogMessage>('window/logMessage', (m) => m.message.includes('command failed'));
    const result = await c.request<{ message: string; details: string[] }>('workspace/executeCommand', {
      command: 'kuma.server.convertServices',
      arguments: [uri, 'beside'],
    });
    assert.match(result.message, /The command failed: see the Kuma output channel/);
    assert.match((await cmdLogged).message, /injected fault in command/);

    // Notifications fail without an answer: logged, and the server keeps going.
    const watchLogged = c.waitFor<LogMessage>('window/logMessage', (m) => m.message.includes('watched files failed'));
    c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: 'file:///tmp/other.yaml', type: 1 }] });
    await watchLogged;
    const confLogged = c.waitFor<LogMessage>('window/logMessage', (m) => m.message.includes('configuration failed'));
    c.notify('workspace/didChangeConfiguration', { settings: { kuma: { version: '3.0' } } });
    await confLogged;

    // Edits are still checked and published.
    const edited = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 2);
    const text2 = MESH_SERVICE('grpc');
    c.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: text2 }] });
    assert.deepEqual((await edited).diagnostics, []);
    assert.equal(await c.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 7 } }), null);
  } finally {
    await c.shutdown();
  }
});

test("a failure while indexing a file (on the worker thread's message event) is logged; the server keeps answering", async () => {
  const dir = tmpDir('kuma-robust-index-');
  fs.writeFileSync(path.join(dir, 'a.yaml'), SERVICE('web'));
  const root = pathToFileURL(dir).toString();
  const c = new LspClient(['--stdio'], { KUMA_LS_INJECT_FAULT: 'indexing' });
  try {
    const failed = c.waitFor<LogMessage>('window/logMessage', (m) => m.message.includes('kuma: indexing failed'));
    const done = c.waitFor<LogMessage>('window/logMessage', (m) => /indexed \d+ YAML files/.test(m.message));
    await c.request('initialize', {
      processId: process.pid,
      rootUri: root,
      workspaceFolders: [{ uri: root, name: 'ws' }],
      capabilities: {},
    });
    c.notify('initialized', {});
    assert.match((await failed).message, /injected fault in indexing/);
    await done;
    const uri = `${root}/b.yaml`;
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: MESH_SERVICE('http') } });
    const symbols = await c.request<{ name: string }[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(
      symbols.map((s) => s.name),
      ['web'],
    );
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('cancellation: a request cancelled before it runs, and a workspace conversion cancelled while it runs', async () => {
  const { c, dir } = await bigWorkspace(200, 10, { workspace: { workspaceEdit: { documentChanges: true } } });
  const applied: unknown[] = [];
  c.handlers.set('workspace/applyEdit', (p) => {
    applied.push(p);
    return { applied: true };
  });
  try {
    // Uncancelled, the conversion of 2,000 Services takes a while and ends in an edit.
    let started = Date.now();
    const full = await c.request<{ message: string }>('workspace/executeCommand', {
      command: 'kuma.server.convertServices',
      arguments: [null, 'beside'],
    });
    const fullMs = Date.now() - started;
    assert.match(full.message, /changed 200 file\(s\)/);
    assert.equal(applied.length, 1);
    console.log(`# conversion: ${fullMs} ms uncancelled`);
    assert.ok(fullMs > 300, `the conversion is long enough to cancel midway (${fullMs} ms)`);

    // Cancelled midway: answered RequestCancelled, and nothing is applied. (A second run reuses
    // the parses of the first, so it is shorter: cancel it early.)
    started = Date.now();
    const run = c.send('workspace/executeCommand', { command: 'kuma.server.convertServices', arguments: [null, 'beside'] });
    await new Promise((r) => setTimeout(r, Math.min(30, fullMs / 10)));
    c.notify('$/cancelRequest', { id: run.id });
    await assert.rejects(run.response, (err: { code?: number }) => err.code === REQUEST_CANCELLED);
    const cancelledMs = Date.now() - started;
    console.log(`# conversion: answered ${cancelledMs} ms after it was sent, cancelled after 30 ms`);
    assert.equal(applied.length, 1, 'a cancelled conversion applies no edit');
    assert.ok(cancelledMs < fullMs, `stopped early (${cancelledMs} ms, uncancelled ${fullMs} ms)`);

    // Cancelled in the same breath as it was sent: it never runs.
    await assert.rejects(c.sendCancelled('workspace/symbol', { query: 'svc' }), (err: { code?: number }) => err.code === REQUEST_CANCELLED);

    // Workspace symbols are capped per request, and the server answers as usual afterwards.
    const all = await c.request<{ name: string }[]>('workspace/symbol', { query: 'ms-' });
    assert.equal(all.length, 1000);
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('rapid edits: every publish carries the version it was computed for, and the last one matches the final text', async () => {
  const c = new LspClient();
  try {
    await c.initialize({ textDocument: { publishDiagnostics: { versionSupport: true } } });
    const uri = 'file:///tmp/robust-edits.yaml';
    const first = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 1);
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: MESH_SERVICE('http') } });
    await first;
    // Versions 2..20 alternate between an unsupported and a supported protocol; the last is unsupported.
    const texts = new Map<number, string>();
    for (let v = 2; v <= 20; v++) {
      const text = MESH_SERVICE(v % 2 === 0 ? `proto${v}` : 'http');
      texts.set(v, text);
      c.notify('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ text }] });
    }
    await c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 20);
    await new Promise((r) => setTimeout(r, 300));
    const published = c.notifications
      .filter((n) => n.method === 'textDocument/publishDiagnostics' && (n.params as Published).uri === uri)
      .map((n) => n.params as Published);
    assert.ok(published.length >= 2);
    for (const p of published) {
      assert.equal(typeof p.version, 'number', 'every publish names its version');
      const text = p.version === 1 ? MESH_SERVICE('http') : texts.get(p.version!)!;
      // Each publish describes exactly the text of its version.
      const expected = /appProtocol: (proto\d+)/.exec(text)?.[1];
      assert.deepEqual(
        p.diagnostics.map((d) => coveredText(text, d.range)),
        expected ? [expected] : [],
        `diagnostics of version ${p.version}`,
      );
    }
    const versions = published.map((p) => p.version!);
    assert.deepEqual(
      versions,
      [...versions].sort((a, b) => a - b),
      'versions only go forward',
    );
    const last = published[published.length - 1];
    assert.equal(last.version, 20);
    assert.deepEqual(
      last.diagnostics.map((d) => [d.code, coveredText(texts.get(20)!, d.range)]),
      [['app-protocol-unsupported', 'proto20']],
    );
  } finally {
    await c.shutdown();
  }
});

test('pull diagnostics: a result id that answers "unchanged" until the problems change', async () => {
  const c = new LspClient();
  try {
    await c.initialize({ textDocument: { diagnostic: {}, publishDiagnostics: { versionSupport: true } } });
    const uri = 'file:///tmp/robust-pull.yaml';
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: MESH_SERVICE('websocket') } });
    type Report = { kind: string; resultId?: string; items?: Published['diagnostics'] };
    const r1 = await c.request<Report>('textDocument/diagnostic', { textDocument: { uri } });
    assert.equal(r1.kind, 'full');
    assert.deepEqual(
      r1.items!.map((d) => d.code),
      ['app-protocol-unsupported'],
    );
    assert.ok(r1.resultId);
    const r2 = await c.request<Report>('textDocument/diagnostic', { textDocument: { uri }, previousResultId: r1.resultId });
    assert.deepEqual(r2, { kind: 'unchanged', resultId: r1.resultId });
    // An edit that changes the problems gets a full report with a new id.
    c.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: MESH_SERVICE('http') }] });
    const r3 = await c.request<Report>('textDocument/diagnostic', { textDocument: { uri }, previousResultId: r1.resultId });
    assert.equal(r3.kind, 'full');
    assert.deepEqual(r3.items, []);
    assert.notEqual(r3.resultId, r1.resultId);
  } finally {
    await c.shutdown();
  }
});

test('newFile output: the file is created by an edit the editor applies, never written by the server', async () => {
  const dir = tmpDir('kuma-newfile-');
  fs.writeFileSync(path.join(dir, 'a.yaml'), SERVICE('web'));
  const a = pathToFileURL(path.join(dir, 'a.yaml')).toString();
  const target = pathToFileURL(path.join(dir, 'a.meshservices.yaml')).toString();
  for (const resourceOperations of [['create'], []]) {
    const c = new LspClient();
    const edits: {
      edit: { documentChanges: { kind?: string; uri?: string; textDocument?: { uri: string }; edits?: { newText: string }[] }[] };
    }[] = [];
    c.handlers.set('workspace/applyEdit', (p) => {
      edits.push(p as (typeof edits)[number]);
      return { applied: true };
    });
    try {
      await c.initialize({ workspace: { workspaceEdit: { documentChanges: true, resourceOperations } } });
      c.notify('textDocument/didOpen', { textDocument: { uri: a, languageId: 'yaml', version: 1, text: SERVICE('web') } });
      const r = await c.request<{ message: string; content?: string }>('workspace/executeCommand', {
        command: 'kuma.server.convertServices',
        arguments: [a, 'newFile'],
      });
      if (resourceOperations.length) {
        assert.equal(edits.length, 1);
        const [create, insert] = edits[0].edit.documentChanges;
        assert.deepEqual([create.kind, create.uri], ['create', target]);
        assert.equal(insert.textDocument!.uri, target);
        assert.match(insert.edits![0].newText, /kind: MeshService/);
        assert.match(r.message, /wrote 1 MeshService\(s\) to a\.meshservices\.yaml/);
      } else {
        // An editor that cannot create files gets the text to show instead.
        assert.equal(edits.length, 0);
        assert.match(r.content ?? '', /kind: MeshService/);
      }
      assert.equal(fs.existsSync(path.join(dir, 'a.meshservices.yaml')), false, 'the server wrote no file');
    } finally {
      await c.shutdown();
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function exitWithin<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref())]);
}

test('the server process exits: 0 after shutdown and exit, 1 on exit alone, and when its input closes', async () => {
  const clean = new LspClient();
  await clean.initialize({});
  await clean.request('shutdown', null);
  clean.notify('exit', null);
  assert.equal(await exitWithin(clean.exited, 5000), 0);

  const abrupt = new LspClient();
  await abrupt.initialize({});
  abrupt.notify('exit', null);
  assert.equal(await exitWithin(abrupt.exited, 5000), 1);

  // The editor died: stdin closes, while the workspace is still being indexed on worker threads.
  const { c, dir } = await bigWorkspace(1, 1);
  const orphan = new LspClient();
  const root = pathToFileURL(dir).toString();
  await orphan.request('initialize', { processId: null, rootUri: root, workspaceFolders: [{ uri: root, name: 'ws' }], capabilities: {} });
  orphan.notify('initialized', {});
  orphan.closeStdin();
  assert.notEqual(await exitWithin(orphan.exited, 5000), 'timeout', 'the server exits when its input closes');
  assert.equal(alive(orphan.pid!), false, 'no orphan process');
  await c.shutdown();
  fs.rmSync(dir, { recursive: true, force: true });
});
