// kuma/fileInfo (what the VS Code status bar shows) answers with the settings in force, also when
// it comes right after a change of configuration the server is still reading.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient } from './lspClient';
import { FileInfoRequest } from '../../server/src/protocol';

test('fileInfo right after didChangeConfiguration reports the new Kuma version', async () => {
  const c = new LspClient();
  try {
    await c.initialize({ workspace: { configuration: true } });
    const uri = 'file:///tmp/info.yaml';
    c.notify('textDocument/didOpen', {
      textDocument: { uri, languageId: 'yaml', version: 1, text: 'type: MeshService\nname: web\nmesh: default\nspec: {}\n' },
    });
    assert.deepEqual(await c.request(FileInfoRequest, { uri }), { kumaResources: 1, kumaVersion: '2.14', pinned: false });
    c.configuration = { version: '3.0' };
    c.notify('workspace/didChangeConfiguration', { settings: null });
    assert.deepEqual(await c.request(FileInfoRequest, { uri }), { kumaResources: 1, kumaVersion: '3.0', pinned: false });
  } finally {
    await c.shutdown();
  }
});
