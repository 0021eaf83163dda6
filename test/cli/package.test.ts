// What ships: the .vsix (npm run package's vsce) and the npm package kuma-language-server (dist/npm/, with
// the kuma-language-server and kuma-lint bins). Needs the build (npm test runs it first).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { LspClient } from '../protocol/lspClient';
import { tmpDir } from '../tmp';

const ROOT = path.resolve(__dirname, '../..');
const tmp = () => tmpDir('kuma-package-');
/** The entries of a zip file (a .vsix is one), read from its central directory: name → contents. */
function readZip(file: string): Map<string, Buffer> {
  const zip = fs.readFileSync(file);
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(eocd >= 0, `${file} is not a zip`);
  const entries = new Map<string, Buffer>();
  let at = zip.readUInt32LE(eocd + 16);
  for (let i = zip.readUInt16LE(eocd + 10); i > 0; i--) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'central directory entry');
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLen = zip.readUInt16LE(at + 28);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    const data = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(data, data + size);
    entries.set(name, method === 8 ? zlib.inflateRawSync(raw) : raw);
    at += 46 + nameLen + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return entries;
}
const ROOT_VERSION: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
const npmEnv = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

test('the .vsix holds exactly the bundles, grammar, README, CHANGELOG, licenses and icon, under 3 MB', () => {
  const out = path.join(tmp(), 'ext.vsix');
  execFileSync(path.join(ROOT, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '--no-rewrite-relative-links', '-o', out], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  const zip = readZip(out);
  const files = [...zip.keys()].filter((f) => !f.endsWith('/'));
  assert.deepEqual(files.sort(), [
    '[Content_Types].xml',
    'extension.vsixmanifest',
    'extension/LICENSE.txt',
    'extension/NOTICE',
    'extension/changelog.md',
    'extension/dist/client.node.js',
    'extension/dist/client.web.js',
    'extension/dist/indexer.node.js',
    'extension/dist/schemas/2.13.js',
    'extension/dist/schemas/2.14.js',
    'extension/dist/schemas/2.9.js',
    'extension/dist/schemas/3.0.js',
    'extension/dist/server.node.js',
    'extension/dist/server.web.js',
    'extension/dist/validators/2.13.js',
    'extension/dist/validators/2.14.js',
    'extension/dist/validators/2.9.js',
    'extension/dist/validators/3.0.js',
    'extension/images/icon.png',
    'extension/package.json',
    'extension/readme.md',
    'extension/schemas/LICENSE',
    'extension/schemas/README.md',
    'extension/syntaxes/kuma.injection.tmLanguage.json',
  ]);
  const size = fs.statSync(out).size;
  // 3 MB: the validators and schemas of 21 kinds (16 of them policies) at four Kuma versions, twice (node and web).
  assert.ok(size < 3 * 1024 * 1024, `vsix is ${size} bytes`);
  // The size docs/editors.md gives is the size, give or take a quarter.
  const said = /builds `kuma-meshservice-tools-<version>\.vsix` \([^)]*?about ([\d.]+) (KB|MB)\b/.exec(
    fs.readFileSync(path.join(ROOT, 'docs/editors.md'), 'utf8'),
  );
  assert.ok(said, 'docs/editors.md gives the size of the .vsix');
  const docBytes = Number(said[1]) * (said[2] === 'MB' ? 1024 * 1024 : 1024);
  assert.ok(Math.abs(docBytes - size) <= size / 4, `docs/editors.md says about ${said[1]} ${said[2]}; the .vsix is ${size} bytes`);
  const icon = zip.get('extension/images/icon.png')!;
  assert.ok(icon.readUInt32BE(16) >= 128 && icon.readUInt32BE(20) >= 128, `icon is ${icon.readUInt32BE(16)}×${icon.readUInt32BE(20)}`);
  assert.equal(JSON.parse(zip.get('extension/package.json')!.toString('utf8')).main, './dist/client.node.js');
  const manifest = zip.get('extension.vsixmanifest')!.toString('utf8');
  assert.match(
    manifest,
    /<Property Id="Microsoft.VisualStudio.Services.Icons.Default" Path="extension\/images\/icon.png"|Icon>extension\/images\/icon.png</,
  );
});

test('the npm package kuma-language-server: its own manifest, the version of package.json, only the bundles, schemas and licenses', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'dist/npm/package.json'), 'utf8'));
  const template = JSON.parse(fs.readFileSync(path.join(ROOT, 'packages/kuma-language-server/package.json'), 'utf8'));
  assert.equal(template.version, undefined, 'the version is written once, in the root package.json');
  assert.equal(manifest.name, 'kuma-language-server');
  assert.equal(manifest.version, ROOT_VERSION);
  assert.equal(manifest.private, undefined, 'publishable');
  assert.deepEqual(manifest.bin, { 'kuma-language-server': 'dist/server.node.js', 'kuma-lint': 'dist/cli.js' });
  for (const key of ['dependencies', 'optionalDependencies', 'peerDependencies', 'bundleDependencies', 'scripts', 'contributes'])
    assert.equal(manifest[key], undefined, key);
  assert.equal(manifest.license, 'Apache-2.0');
  // The extension's manifest is not the package: no bins, never published.
  const root = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.equal(root.bin, undefined);
  assert.equal(root.private, true);
  const notice = fs.readFileSync(path.join(ROOT, 'dist/npm/NOTICE'), 'utf8');
  assert.match(
    notice,
    /derived from Kuma \(https:\/\/github\.com\/kumahq\/kuma\),\s+Copyright The Kuma Authors, licensed under the Apache License, Version 2\.0/,
  );
});

test('npm pack of the package, installed offline into an empty folder: npx kuma-lint and kuma-language-server --stdio work', async () => {
  const dir = tmp();
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', dir, path.join(ROOT, 'dist/npm')], {
      cwd: dir,
      encoding: 'utf8',
      env: npmEnv,
    }),
  );
  assert.equal(packed[0].filename, `kuma-language-server-${ROOT_VERSION}.tgz`);
  const files = (packed[0].files as { path: string }[]).map((f) => f.path).sort();
  assert.deepEqual(files, [
    'LICENSE',
    'NOTICE',
    'README.md',
    'dist/cli.js',
    'dist/indexer.node.js',
    'dist/schemas/2.13.js',
    'dist/schemas/2.14.js',
    'dist/schemas/2.9.js',
    'dist/schemas/3.0.js',
    'dist/server.node.js',
    'dist/validators/2.13.js',
    'dist/validators/2.14.js',
    'dist/validators/2.9.js',
    'dist/validators/3.0.js',
    'package.json',
    'schemas/LICENSE',
    'schemas/README.md',
  ]);
  // An empty folder, no package.json: exactly what a user does. Everything is bundled, so the
  // install needs no registry (--offline fails on any fetch).
  const app = path.join(dir, 'app');
  fs.mkdirSync(app);
  fs.copyFileSync(path.join(dir, packed[0].filename), path.join(app, packed[0].filename));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', `./${packed[0].filename}`], {
    cwd: app,
    env: npmEnv,
    stdio: 'pipe',
  });
  const lock = JSON.parse(fs.readFileSync(path.join(app, 'package-lock.json'), 'utf8'));
  assert.deepEqual(Object.keys(lock.packages).sort(), ['', 'node_modules/kuma-language-server'], 'no dependencies installed');
  const bin = (name: string) => path.join(app, 'node_modules/.bin', name);
  const npx = (...args: string[]) =>
    spawnSync('npx', ['--no', '--', ...args], { cwd: app, encoding: 'utf8', env: { ...npmEnv, npm_config_offline: 'true' } });

  const version = npx('kuma-lint', '--version');
  assert.equal(version.status, 0, version.stderr);
  assert.equal(version.stdout.trim(), `kuma-lint ${ROOT_VERSION}`);
  fs.writeFileSync(
    path.join(app, 'ms.yaml'),
    'type: MeshService\nname: web\nmesh: default\nspec:\n  selector:\n    dataplaneTags: {app: web}\n  ports:\n    - port: 80\n      targetPort: 80\n  weight: 1\n',
  );
  const check = npx('kuma-lint', 'check', 'ms.yaml');
  assert.equal(check.status, 1, check.stderr);
  assert.match(check.stdout, /^ms\.yaml:10:3: error schema-unknown-key: Unknown key "weight" in spec/m);
  assert.match(check.stderr, /1 file checked against Kuma 2\.14: 1 error, 0 warnings/);

  const c = new LspClient(['--stdio'], undefined, bin('kuma-language-server'));
  try {
    const init = await c.initialize({ textDocument: {} });
    assert.deepEqual(init.serverInfo, { name: 'kuma-language-server', version: ROOT_VERSION });
    // Run by its #! line: node with the flags of every launch (SERVER_NODE_FLAGS in scripts/build.mjs).
    if (process.platform === 'linux') {
      const argv = fs.readFileSync(`/proc/${c.pid}/cmdline`, 'utf8').split('\0');
      assert.deepEqual(argv.slice(1, 2), ['--v8-pool-size=1'], argv.join(' '));
    }
    assert.ok(init.capabilities.completionProvider, JSON.stringify(init.capabilities));
    const uri = pathToFileURL(path.join(app, 'ms.yaml')).toString();
    const published = c.waitFor<{ uri: string; diagnostics: { code: string }[] }>(
      'textDocument/publishDiagnostics',
      (p) => p.uri === uri,
      15000,
    );
    c.notify('textDocument/didOpen', {
      textDocument: { uri, languageId: 'yaml', version: 1, text: fs.readFileSync(path.join(app, 'ms.yaml'), 'utf8') },
    });
    assert.deepEqual(
      (await published).diagnostics.map((d) => d.code),
      ['schema-unknown-key'],
    );
  } finally {
    await c.shutdown();
  }
});

test('every picture the README shows is in docs/, a PNG under 150 KB', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const pictures = [...readme.matchAll(/!\[[^\]]+\]\(([^)]+)\)/g)].map((m) => m[1]);
  assert.deepEqual(pictures.sort(), ['docs/completion.png', 'docs/diagnostics.png', 'docs/hover.png', 'docs/quickfix.png']);
  for (const p of pictures) {
    const bytes = fs.readFileSync(path.join(ROOT, p));
    assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG', p);
    assert.ok(bytes.length < 150 * 1024, `${p} is ${bytes.length} bytes`);
  }
});
