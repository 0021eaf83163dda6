// The Kuma output channel starts with one line saying which server runs, the Kuma version in force
// (and where it comes from) and the workspace folders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from './lspClient';
import { tmpDir } from '../tmp';

const VERSION = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')).version as string;
interface LogMessage {
  type: number;
  message: string;
}

/** Initializes with `params` and returns serverInfo and the start-up line (an info log message). */
async function start(c: LspClient, params: Record<string, unknown>) {
  const line = c.waitFor<LogMessage>('window/logMessage', (p) => p.message.includes(' started: '));
  const init = await c.request<{ serverInfo?: { name: string; version: string } }>('initialize', {
    processId: process.pid,
    rootUri: null,
    ...params,
  });
  c.notify('initialized', {});
  return { serverInfo: init.serverInfo, line: await line };
}

test('start-up line: server version, the Kuma version of the settings, the workspace folders', async () => {
  const a = tmpDir('kuma-start-a-');
  const b = tmpDir('kuma-start-b-');
  const c = new LspClient();
  c.configuration = { version: '3.0' };
  try {
    const { serverInfo, line } = await start(c, {
      capabilities: { workspace: { configuration: true, workspaceFolders: true } },
      workspaceFolders: [
        { uri: pathToFileURL(a).href, name: 'a' },
        { uri: pathToFileURL(b).href, name: 'b' },
      ],
    });
    assert.deepEqual(serverInfo, { name: 'kuma-language-server', version: VERSION });
    assert.equal(line.type, 3, 'info');
    assert.equal(line.message, `kuma-language-server ${VERSION} started: Kuma 3.0 (setting kuma.version), workspace folders: ${a}, ${b}`);
  } finally {
    await c.shutdown();
  }
});

test('start-up line: the default Kuma version, and no workspace folder', async () => {
  const c = new LspClient();
  try {
    const { line } = await start(c, { capabilities: {} });
    assert.equal(line.message, `kuma-language-server ${VERSION} started: Kuma 2.14 (default), no workspace folder`);
  } finally {
    await c.shutdown();
  }
});
