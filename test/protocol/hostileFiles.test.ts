import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from './lspClient';
import { tmpDir } from '../tmp';

/**
 * A hostile repository opened in the editor: files that are not regular files, globs in its
 * settings that a backtracking matcher would never finish, and a broken frame on stdin.
 */

type LogMessage = { type: number; message: string };
const linuxOnly = { skip: process.platform !== 'linux' && 'named pipes and /dev/zero: Linux only' };

const SERVICE = [
  'type: MeshService',
  'name: web',
  'mesh: default',
  'spec:',
  '  selector:',
  '    dataplaneTags:',
  '      app: web',
  '  ports:',
  '    - port: 80',
  '      targetPort: 8080',
  '      appProtocol: http',
  '',
].join('\n');

function workspace(): { dir: string; folder: string } {
  const dir = tmpDir('kuma-hostile-ws-');
  fs.writeFileSync(path.join(dir, 'ok.yaml'), SERVICE);
  return { dir, folder: pathToFileURL(dir).toString() };
}

function initialize(c: LspClient, folder: string) {
  return c.request('initialize', {
    processId: process.pid,
    rootUri: folder,
    workspaceFolders: [{ uri: folder, name: 'ws' }],
    capabilities: {
      workspace: { configuration: true, workspaceFolders: true },
      textDocument: { synchronization: {}, hover: {}, publishDiagnostics: {} },
    },
  });
}

function exitWithin<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms).unref())]);
}

test('a workspace with a symlink to /dev/zero and a named pipe: indexed without them, and exit ends the server', linuxOnly, async () => {
  const { dir, folder } = workspace();
  fs.symlinkSync('/dev/zero', path.join(dir, 'zero.yaml'));
  assert.equal(spawnSync('mkfifo', [path.join(dir, 'pipe.yaml')]).status, 0, 'mkfifo');
  const c = new LspClient();
  try {
    const indexed = c.waitFor<LogMessage>('window/logMessage', (m) => /indexed \d+ YAML files/.test(m.message), 15_000);
    const zero = c.waitFor<LogMessage>('window/logMessage', (m) => m.message.includes('zero.yaml'), 15_000);
    const pipe = c.waitFor<LogMessage>('window/logMessage', (m) => m.message.includes('pipe.yaml'), 15_000);
    await initialize(c, folder);
    c.notify('initialized', {});
    assert.match((await indexed).message, /indexed 1 YAML files/);
    assert.match((await zero).message, /kuma: not indexed: .*zero\.yaml: not a regular file \(a character device\)/);
    assert.match((await pipe).message, /kuma: not indexed: .*pipe\.yaml: not a regular file \(a named pipe\)/);
    const symbols = await c.request<{ name: string }[]>('workspace/symbol', { query: '' });
    assert.deepEqual(
      symbols.map((s) => s.name),
      ['web'],
    );
    await c.request('shutdown', null);
    c.notify('exit', null);
    assert.equal(await exitWithin(c.exited, 1000), 0, 'the server exits within a second of exit');
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a backtracking glob in the workspace settings and a long file name: the server keeps answering', async () => {
  const { dir, folder } = workspace();
  fs.writeFileSync(path.join(dir, `${'a'.repeat(60)}c.yaml`), SERVICE.replace('web', 'other'));
  const c = new LspClient();
  c.configuration = { version: '2.14', files: { exclude: ['**/*a*a*a*a*a*a*a*a*a*a*a*ab'] } };
  const uri = pathToFileURL(path.join(dir, 'ok.yaml')).toString();
  try {
    const indexed = c.waitFor<LogMessage>('window/logMessage', (m) => /indexed \d+ YAML files/.test(m.message), 10_000);
    await initialize(c, folder);
    c.notify('initialized', {});
    const published = c.waitFor<{ uri: string }>('textDocument/publishDiagnostics', (p) => p.uri === uri, 10_000);
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: SERVICE } });
    await published;
    // A hang guard, not a timing: a matcher that backtracks would take hours on this name.
    const hover = await Promise.race([
      c.request<{ contents: unknown } | null>('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 8 } }),
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000).unref()),
    ]);
    assert.ok(hover !== 'timeout', 'hover answered');
    assert.ok(hover?.contents, 'a hover for the kind');
    assert.match((await indexed).message, /indexed 2 YAML files/);
    const symbols = await c.request<{ name: string }[]>('workspace/symbol', { query: '' });
    assert.deepEqual(symbols.map((s) => s.name).sort(), ['other', 'web'], 'the long name is not excluded (it ends in c)');
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

for (const [what, frame] of [
  ['a Content-Length that is not a number', 'Content-Length: x\r\n\r\n'],
  ['a body that is not JSON', 'Content-Length: 5\r\n\r\n{abc}'],
]) {
  test(`${what} on stdin: a transport error on stderr, and the server exits non-zero`, async () => {
    const c = new LspClient();
    try {
      await c.initialize({});
      c.writeRaw(frame);
      const code = await exitWithin(c.exited, 5000);
      assert.notEqual(code, 'timeout', 'the server exits');
      assert.notEqual(code, 0);
      assert.match(c.stderr, /transport error on standard input: /);
    } finally {
      await c.shutdown();
    }
  });
}
