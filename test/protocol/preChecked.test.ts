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
interface Diag {
  range: Range;
  code: string;
  severity: number;
  message: string;
}
interface Published {
  uri: string;
  version?: number;
  diagnostics: Diag[];
}

const DATAPLANES = [
  'type: Dataplane',
  'mesh: default',
  'name: backend-1',
  'labels:',
  '  app: backend',
  'networking:',
  '  address: 10.0.0.1',
  '  inbound:',
  '    - port: 18080',
  '      name: http',
  '',
].join('\n');

// Own checks (a port out of range, a suppressed one), a cross-file check (`htp`), two documents.
const SERVICES = [
  'type: MeshService',
  'name: backend',
  'mesh: default',
  'spec:',
  '  selector:',
  '    dataplaneLabels:',
  '      matchLabels:',
  '        app: backend',
  '  ports:',
  '    - port: 70000',
  '      targetPort: http',
  '    - port: 81',
  '      targetPort: htp',
  '    # kuma-lint-disable-next-line port-range',
  '    - port: 0',
  '      targetPort: http',
  '---',
  'type: MeshService',
  'name: other',
  'mesh: default',
  'spec:',
  '  ports:',
  '    - port: 80',
  '      appProtocol: gopher',
  '',
].join('\n');

const summary = (text: string, p: Published) =>
  p.diagnostics.map((d) => `${d.code} ${d.severity} ${coveredText(text, d.range)} | ${d.message}`).sort();

// The index workers check the files after indexing them (a second pass); the file is opened as
// that pass starts, so it waits for the workers' check of it (or is checked here if they are late).
test('a workspace file opened unchanged gets the diagnostics a fresh check gives, until its text or the settings change', async () => {
  const dir = tmpDir('kuma-prechecked-');
  fs.writeFileSync(path.join(dir, 'dataplanes.yaml'), DATAPLANES);
  const svcPath = path.join(dir, 'services.yaml');
  fs.writeFileSync(svcPath, SERVICES);
  const folder = pathToFileURL(dir).toString();
  const uri = pathToFileURL(svcPath).toString();

  const c = new LspClient();
  try {
    const indexed = c.waitFor<{ message: string }>('window/logMessage', (p) => /indexed 2 YAML files/.test(p.message), 10_000);
    await c.request('initialize', {
      processId: process.pid,
      rootUri: folder,
      workspaceFolders: [{ uri: folder, name: 'ws' }],
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true, didChangeConfiguration: { dynamicRegistration: false } },
        textDocument: { synchronization: {}, publishDiagnostics: { versionSupport: true } },
      },
    });
    c.notify('initialized', {});
    await indexed;

    // Opened as it is on disk: the indexer's own checks plus the cross-file ones.
    const opened = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 1);
    c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: SERVICES } });
    const a = summary(SERVICES, await opened);
    assert.deepEqual(
      a.map((s) => s.slice(0, s.indexOf(' |'))),
      [
        'app-protocol-unsupported 2 gopher',
        'port-range 2 70000',
        'selector-missing 2 spec',
        'target-port-missing 2 port',
        'target-port-unresolved 2 htp',
      ].sort(),
    );

    // The same text with one more line: checked from scratch on this thread; the same findings.
    const edited = `${SERVICES}\n`;
    const changed = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 2);
    c.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: edited }] });
    assert.deepEqual(summary(edited, await changed), a);

    // Back to the disk text, then new settings: the findings follow the settings, not the indexer.
    const back = c.waitFor<Published>('textDocument/publishDiagnostics', (p) => p.uri === uri && p.version === 3);
    c.notify('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: SERVICES }] });
    assert.deepEqual(summary(SERVICES, await back), a);
    c.configuration = { version: '2.14', diagnostics: { severity: { 'target-port-unresolved': 'error' } } };
    const resettled = c.waitFor<Published>(
      'textDocument/publishDiagnostics',
      (p) => p.uri === uri && p.diagnostics.some((d) => d.code === 'target-port-unresolved' && d.severity === 1),
    );
    c.notify('workspace/didChangeConfiguration', { settings: {} });
    const after = summary(SERVICES, await resettled);
    assert.deepEqual(
      after.map((s) => s.slice(0, s.indexOf(' |'))),
      [
        'app-protocol-unsupported 2 gopher',
        'port-range 2 70000',
        'selector-missing 2 spec',
        'target-port-missing 2 port',
        'target-port-unresolved 1 htp',
      ].sort(),
    );
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
