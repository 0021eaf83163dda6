import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from './lspClient';
import { tmpDir } from '../tmp';

const service = (name: string) =>
  [
    'type: MeshService',
    `name: ${name}`,
    'mesh: default',
    'spec:',
    '  selector:',
    '    dataplaneLabels:',
    '      matchLabels:',
    `        app: ${name}`,
    '  ports:',
    '    - port: 80',
    '      targetPort: 8080',
    '',
  ].join('\n');

async function until<T>(what: string, ms: number, fn: () => Promise<T | undefined>): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts a server on a folder with `kuma.files.exclude: ['ignored/**']`, then creates
 * ignored/ms.yaml and kept/ms.yaml: only the second may enter the index. `editorWatches`: the
 * client registers file watchers and reports the changes (VS Code); otherwise the server watches
 * the folder itself with fs.watch (Neovim, Emacs, Helix).
 */
async function createdFilesIndexed(editorWatches: boolean) {
  const dir = tmpDir('kuma-watch-exclude-');
  fs.writeFileSync(path.join(dir, 'services.yaml'), service('indexed'));
  const folder = pathToFileURL(dir).toString();

  const c = new LspClient();
  c.configuration = { version: '2.14', files: { exclude: ['ignored/**'] } };
  const names = async () => (await c.request<{ name: string }[]>('workspace/symbol', { query: '' })).map((s) => s.name);
  try {
    await c.request('initialize', {
      processId: process.pid,
      rootUri: folder,
      workspaceFolders: [{ uri: folder, name: 'ws' }],
      capabilities: {
        workspace: {
          configuration: true,
          workspaceFolders: true,
          ...(editorWatches ? { didChangeWatchedFiles: { dynamicRegistration: true } } : {}),
        },
        textDocument: { synchronization: {} },
      },
    });
    c.notify('initialized', {});
    await until('the workspace indexed', 5000, async () => ((await names()).includes('indexed') ? true : undefined));

    // The excluded file first, then the other: once the second is in the index, the first has
    // been seen too.
    const created: string[] = [];
    for (const [sub, name] of [
      ['ignored', 'excluded'],
      ['kept', 'watched'],
    ]) {
      fs.mkdirSync(path.join(dir, sub));
      const file = path.join(dir, sub, 'ms.yaml');
      fs.writeFileSync(file, service(name));
      created.push(pathToFileURL(file).toString());
      if (editorWatches) c.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: created.at(-1), type: 1 }] });
      await new Promise((r) => setTimeout(r, 300));
    }
    await until('the new file outside ignored/ indexed', 5000, async () => ((await names()).includes('watched') ? true : undefined));
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual((await names()).sort(), ['indexed', 'watched'], 'ignored/ms.yaml is not indexed');
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('the server watching the folder itself skips the files of kuma.files.exclude', () => createdFilesIndexed(false));

test('changes the editor watchers report skip the files of kuma.files.exclude too', () => createdFilesIndexed(true));

test('the server watching the folder itself follows folders made, files changed and folders removed, at any depth', async () => {
  const dir = tmpDir('kuma-watch-tree-');
  fs.mkdirSync(path.join(dir, 'teams', 'a'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'teams', 'a', 'ms.yaml'), service('first'));
  const folder = pathToFileURL(dir).toString();
  const c = new LspClient();
  const names = async () => (await c.request<{ name: string }[]>('workspace/symbol', { query: '' })).map((s) => s.name).sort();
  const becomes = (what: string, expected: string[]) =>
    until(what, 5000, async () => (JSON.stringify(await names()) === JSON.stringify(expected) ? true : undefined));
  try {
    await c.request('initialize', {
      processId: process.pid,
      rootUri: folder,
      workspaceFolders: [{ uri: folder, name: 'ws' }],
      capabilities: { workspace: { configuration: true, workspaceFolders: true }, textDocument: { synchronization: {} } },
    });
    c.notify('initialized', {});
    await becomes('the workspace indexed', ['first']);
    await new Promise((r) => setTimeout(r, 300));
    // A folder tree moved in at once: its files were there before any watch on it.
    const staged = tmpDir('kuma-watch-staged-');
    fs.mkdirSync(path.join(staged, 'deep', 'er'), { recursive: true });
    fs.writeFileSync(path.join(staged, 'deep', 'er', 'ms.yaml'), service('moved'));
    fs.renameSync(staged, path.join(dir, 'teams', 'b'));
    await becomes('a folder moved in: its YAML files indexed', ['first', 'moved']);
    // A file changed in a folder made after the start.
    fs.writeFileSync(path.join(dir, 'teams', 'b', 'deep', 'er', 'ms.yaml'), service('renamed'));
    await becomes('a file changed deep in the new folder', ['first', 'renamed']);
    fs.rmSync(path.join(dir, 'teams', 'b'), { recursive: true });
    await becomes('a folder removed: its files forgotten', ['first']);
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
