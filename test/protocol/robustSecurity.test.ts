import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { KUMA_VERSIONS } from '../../server/src/core/kuma/versions';
import { LspClient } from './lspClient';
import { tmpDir } from '../tmp';

/**
 * Workspace content never leads to running code, starting a process, opening a connection or
 * writing a file: checked on the built bundles, on the sources, and by running the server under
 * Node's permission model (reads and worker threads only) on a hostile workspace.
 */

const root = path.resolve(__dirname, '../..');
const bundle = (name: string) => fs.readFileSync(path.join(root, 'dist', name), 'utf8');
const builtins = (code: string) =>
  new Set([...code.matchAll(/require\("(?:node:)?([a-z_0-9/]+)"\)/g)].map((m) => m[1]).filter((m) => !m.startsWith('ajv/')));

test('the server, indexer and CLI bundles cannot start processes, open network clients or evaluate code', () => {
  // (with each Kuma version's validators and schemas, which they load from dist/ at run time)
  const versionFiles = ['validators', 'schemas'].flatMap((dir) =>
    fs
      .readdirSync(path.join(root, 'dist', dir))
      .filter((f) => f.endsWith('.js'))
      .map((f) => `${dir}/${f}`),
  );
  assert.equal(versionFiles.length, 2 * KUMA_VERSIONS.length, versionFiles.join());
  for (const name of ['server.node.js', 'indexer.node.js', 'cli.js', ...versionFiles]) {
    const code = bundle(name);
    const used = builtins(code);
    for (const forbidden of ['child_process', 'http', 'https', 'http2', 'tls', 'dgram', 'dns', 'vm', 'cluster', 'inspector']) {
      assert.equal(used.has(forbidden), false, `${name} requires ${forbidden}`);
    }
    assert.doesNotMatch(code, /\beval\(/, `${name} calls eval`);
    // The schema validators are precompiled at build time: no code is generated at run time at all.
    assert.doesNotMatch(code, /new Function\(/, `${name} constructs functions`);
  }
  // The server's only other thread is the indexer worker next to it.
  const server = bundle('server.node.js');
  assert.deepEqual(
    [...server.matchAll(/new ([\w$.]*Worker)\(([^,)]*)/g)].map((m) => m[2]),
    ['script'],
  );
  assert.match(server, /script ?= ?path\d*\.join\(__dirname, ?"indexer\.node\.js"\)/);
  // The child_process the bundle sees refuses (vscode-languageserver's unused Files helpers import it).
  assert.match(server, /the language server does not start processes/);
});

test('the sources evaluate nothing and load no module by a computed name', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.ts')) files.push(full);
    }
  };
  walk(path.join(root, 'server/src'));
  walk(path.join(root, 'client/src'));
  assert.ok(files.length > 20);
  // (A type-level `import('./facts')` of a literal path is fine.)
  for (const f of files) {
    const code = fs.readFileSync(f, 'utf8');
    const rel = path.relative(root, f);
    assert.doesNotMatch(code, /\beval\s*\(|new Function\b|child_process|\brequire\s*\(|\bimport\s*\((?!'[^']+'\))/, rel);
    // Only the node entry points touch the disk, and only to read (the indexer, the CLI writes what the user asks for).
    if (/\bwriteFile|\bappendFile|\bmkdir|\brmSync|\bunlink/.test(code)) assert.match(rel, /^server\/src\/cli\//, `${rel} writes files`);
  }
});

test('a hostile workspace under Node permissions (read files, worker threads; no writes, no processes) is served, and nothing connects anywhere', async () => {
  // A listener standing in for any address a manifest names: nothing may connect to it.
  const connections: string[] = [];
  const listener = net.createServer((s) => {
    connections.push(String(s.remoteAddress));
    s.destroy();
  });
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()));
  const port = (listener.address() as net.AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const dir = tmpDir('kuma-hostile-');
  const marker = path.join(dir, 'pwned');
  const hostile = [
    'type: MeshService',
    `name: !!js/function "function () { require('child_process').execSync('touch ${marker}') }"`,
    'mesh: default',
    'spec:',
    `  $ref: "${url}/schema.json"`,
    '  __proto__: {polluted: yes}',
    '  selector: {dataplaneTags: {app: web}}',
    `  ports: [{port: 80, targetPort: 80, appProtocol: "${url}/"}]`,
    '---',
    `$schema: ${url}/evil.json`,
    'apiVersion: kuma.io/v1alpha1',
    'kind: MeshService',
    'metadata: {name: constructor, namespace: __proto__, labels: {kuma.io/mesh: default}}',
    'spec: {selector: {dataplaneTags: {__proto__: x}}, ports: [{port: 80, targetPort: 80}]}',
    '---',
    'type: HostnameGenerator',
    'name: hg',
    'spec:',
    `  template: '{{ .Exec "touch ${marker}" }}{{ call .Name }}{{ template "${url}" }}'`,
    '  selector: {meshService: {matchLabels: {a: b}}}',
    '---',
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: web, namespace: shop, labels: {kuma.io/mesh: default}}',
    `spec: {selector: {app: web}, ports: [{port: 80}], externalName: "${url}"}`,
    '',
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'hostile.yaml'), hostile);
  fs.writeFileSync(
    path.join(dir, 'bomb.yaml'),
    `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n`,
  );
  const rootUri = pathToFileURL(dir).toString();
  const uri = pathToFileURL(path.join(dir, 'hostile.yaml')).toString();
  const c = new LspClient(['--stdio'], {
    NODE_OPTIONS: `--experimental-permission --allow-fs-read=* --allow-worker`,
  });
  const edits: unknown[] = [];
  c.handlers.set('workspace/applyEdit', (p) => {
    edits.push(p);
    return { applied: true };
  });
  try {
    const indexed = c.waitFor<{ message: string }>('window/logMessage', (m) => /indexed \d+ YAML files/.test(m.message), 30_000);
    await c.request('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: 'ws' }],
      capabilities: { workspace: { workspaceEdit: { documentChanges: true, resourceOperations: ['create'] } } },
    });
    c.notify('initialized', {});
    assert.match((await indexed).message, /indexed 2 YAML files/);
    const published = c.waitFor<{ uri: string; diagnostics: unknown[] }>('textDocument/publishDiagnostics', (p) => p.uri === uri);
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: hostile } });
    assert.ok((await published).diagnostics.length > 0, 'the hostile file is checked');
    for (let line = 0; line < 24; line += 3) {
      await c.request('textDocument/hover', { textDocument: { uri }, position: { line, character: 4 } });
      await c.request('textDocument/completion', { textDocument: { uri }, position: { line, character: 2 } });
    }
    await c.request('workspace/symbol', { query: '' });
    for (const command of ['kuma.server.convertServices', 'kuma.server.toUniversal', 'kuma.server.migrateTo30']) {
      await c.request('workspace/executeCommand', { command, arguments: [null, 'newFile'] });
    }
    // Generated files arrive as edits for the editor to apply.
    assert.ok(edits.length > 0);
    const symbols = await c.request<{ name: string }[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.ok(symbols.length >= 3, 'still answering');
  } finally {
    await c.shutdown();
    await new Promise((r) => listener.close(r));
  }
  const logged = c.notifications
    .filter((n) => n.method === 'window/logMessage')
    .map((n) => (n.params as { message: string }).message)
    .join('\n');
  assert.match(logged, /Permission is an experimental feature/, 'the server ran under the permission model');
  assert.doesNotMatch(logged + c.stderr, /ERR_ACCESS_DENIED|failed/, 'no handler failed and nothing was denied');
  assert.deepEqual(connections, [], 'no connection was made');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['bomb.yaml', 'hostile.yaml'], 'no file was written');
  assert.equal(Object.prototype.hasOwnProperty.call({}, 'polluted'), false);
  fs.rmSync(dir, { recursive: true, force: true });
});
