import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from './lspClient';
import { tmpDir } from '../tmp';

/**
 * The palette's conversions (the server's commands, as the editor applies their edits) and
 * `kuma-lint convert --write` must give byte-identical files: both run the core's one driver.
 * Every example and every golden input, at every Kuma version, for every conversion.
 */
const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const VERSIONS = ['2.9', '2.13', '2.14', '3.0'];
const CONVERSIONS: [string, string][] = [
  ['service-to-meshservice', 'kuma.server.convertServices'],
  ['dataplane-to-meshservice', 'kuma.server.generateFromDataplanes'],
  ['to-universal', 'kuma.server.toUniversal'],
  ['to-kubernetes', 'kuma.server.toKubernetes'],
  ['migrate-selectors', 'kuma.server.migrateSelectors'],
  ['migrate-3.0', 'kuma.server.migrateTo30'],
];

/** The inputs: examples/ and test/fixtures/convert/ (inputs with their workspace files), as a tree of YAML files. */
function inputs(): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string, rel: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p, r);
      else if (/\.ya?ml$/.test(e.name) && e.name !== 'expected.yaml' && e.name !== 'fixed.yaml')
        files.set(r.slice(1), fs.readFileSync(p, 'utf8'));
    }
  };
  walk(path.join(ROOT, 'examples'), '/examples');
  walk(path.join(ROOT, 'test/fixtures/convert'), '/fixtures');
  return files;
}

function writeTree(dir: string, files: Map<string, string>) {
  for (const [rel, text] of files) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
}

interface LspEdit {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  newText: string;
}

function applyLspEdits(text: string, edits: LspEdit[]): string {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const at = (p: { line: number; character: number }) => (starts[p.line] ?? text.length) + p.character;
  const sorted = edits
    .map((e) => ({ start: at(e.range.start), end: at(e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

test('palette conversions and kuma-lint convert --write give byte-identical files (examples and golden inputs, every version)', async () => {
  const files = inputs();
  assert.ok(files.size > 40, `${files.size} input files`);
  let compared = 0;
  let changed = 0;
  for (const version of VERSIONS) {
    // The editor: one server per version, the tree as its workspace folder, each file converted
    // by its palette command; the edit the editor would apply is applied here.
    const dir = tmpDir(`kuma-parity-${version}-`);
    writeTree(dir, files);
    const folder = pathToFileURL(dir).toString();
    const c = new LspClient();
    c.configuration = { version };
    const seen = new Map<'edit', { changes?: Record<string, LspEdit[]> }>();
    c.handlers.set('workspace/applyEdit', (p) => {
      seen.set('edit', (p as { edit: { changes?: Record<string, LspEdit[]> } }).edit);
      return { applied: true };
    });
    try {
      const indexed = c.waitFor<{ message: string }>('window/logMessage', (m) => /indexed \d+ YAML files/.test(m.message), 20_000);
      await c.request('initialize', {
        processId: process.pid,
        rootUri: folder,
        workspaceFolders: [{ uri: folder, name: 'ws' }],
        capabilities: { workspace: { configuration: true, workspaceFolders: true, workspaceEdit: {} } },
      });
      c.notify('initialized', {});
      await indexed;
      for (const [conversion, command] of CONVERSIONS) {
        // The CLI: one run over a copy of the whole tree, writing in place.
        const cliDir = tmpDir(`kuma-parity-cli-`);
        writeTree(cliDir, files);
        const r = spawnSync(process.execPath, [CLI, 'convert', conversion, '--kuma-version', version, '--write', '.'], {
          cwd: cliDir,
          encoding: 'utf8',
        });
        assert.equal(r.status, 0, `kuma-lint convert ${conversion} --kuma-version ${version}: ${r.stderr}`);
        for (const [rel, text] of files) {
          const uri = pathToFileURL(path.join(dir, rel)).toString();
          seen.clear();
          await c.request('workspace/executeCommand', { command, arguments: [uri, 'beside'] });
          const edits = seen.get('edit')?.changes?.[uri] ?? [];
          const editor = applyLspEdits(text, edits);
          const cli = fs.readFileSync(path.join(cliDir, rel), 'utf8');
          assert.equal(editor, cli, `${rel}: ${conversion} at Kuma ${version}: the editor and kuma-lint convert differ`);
          compared++;
          if (cli !== text) changed++;
        }
        fs.rmSync(cliDir, { recursive: true, force: true });
      }
    } finally {
      await c.shutdown();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  // Not a vacuous comparison: many conversions change their file.
  assert.ok(changed > 100, `${changed} of ${compared} conversions changed their file`);
});
