import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLanguageService } from '../../server/src/core/host/languageService';
import { tmpDir } from '../tmp';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, input: '', encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function dir(files: Record<string, string>): string {
  const d = tmpDir('kuma-convert-');
  for (const [p, t] of Object.entries(files)) fs.writeFileSync(path.join(d, p), t);
  return d;
}

const SERVICES = [
  '# Services of the demo',
  'apiVersion: v1',
  'kind: Service',
  'metadata:',
  '  name: redis # the cache',
  '  namespace: kuma-demo',
  '  labels:',
  '    kuma.io/mesh: default',
  'spec:',
  '  selector:',
  '    app: redis',
  '  ports:',
  '    - name: tcp-redis',
  '      port: 6379',
  '      targetPort: 6379',
  '---',
  'apiVersion: v1',
  'kind: Service',
  'metadata:',
  '  name: external',
  '  namespace: kuma-demo',
  'spec:',
  '  type: ExternalName',
  '  externalName: example.com',
  '',
].join('\n');

function errorsOf(text: string, version: '2.9' | '2.14' | '3.0') {
  return createLanguageService()
    .analyze(text, { kumaVersion: version, validate: true })
    .diagnostics.filter((d) => d.severity === 'error');
}

test('convert service-to-meshservice prints the generated MeshService and says what it skipped', () => {
  const d = dir({ 'svc.yaml': SERVICES });
  const r = run(['convert', 'service-to-meshservice', '--kuma-version', '3.0', 'svc.yaml'], d);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^apiVersion: kuma\.io\/v1alpha1\nkind: MeshService\n/);
  assert.match(r.stdout, /dataplaneLabels:\n\s+matchLabels:\n(\s+.+\n)*\s+k8s\.kuma\.io\/namespace: kuma-demo/);
  assert.doesNotMatch(r.stdout, /status:|ownerReferences/);
  assert.match(r.stderr, /external/);
  assert.deepEqual(errorsOf(r.stdout, '3.0'), []);
  const r29 = run(['convert', 'service-to-meshservice', '--kuma-version', '2.9', 'svc.yaml'], d);
  assert.match(r29.stdout, /dataplaneTags:/);
});

test('convert --write inserts the MeshService after its Service and leaves the rest byte for byte', () => {
  const d = dir({ 'svc.yaml': SERVICES });
  const r = run(['convert', 'service-to-meshservice', '--kuma-version', '2.14', '--write', 'svc.yaml'], d);
  assert.equal(r.code, 0, r.stderr);
  const after = fs.readFileSync(path.join(d, 'svc.yaml'), 'utf8');
  const firstEnd = SERVICES.indexOf('---\napiVersion: v1\nkind: Service\nmetadata:\n  name: external');
  assert.ok(after.startsWith(SERVICES.slice(0, firstEnd) + '---\napiVersion: kuma.io/v1alpha1\nkind: MeshService\n'));
  assert.ok(after.endsWith(SERVICES.slice(firstEnd)));
  assert.deepEqual(errorsOf(after, '2.14'), []);
});

test('convert to-universal prints the Universal form of each Kuma resource', () => {
  const ms =
    'apiVersion: kuma.io/v1alpha1\nkind: MeshService\nmetadata:\n  name: redis\n  namespace: kuma-demo\n  labels:\n    kuma.io/mesh: default\n    team: cache\nspec:\n  selector:\n    dataplaneRef:\n      name: redis-0.kuma-demo\n  ports:\n    - port: 6379 # main\n      targetPort: 6379\n';
  const d = dir({ 'ms.yaml': ms });
  const r = run(['convert', 'to-universal', 'ms.yaml'], d);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^type: MeshService\nname: redis\nmesh: default\n/m);
  assert.match(r.stdout, /team: cache/);
  assert.match(r.stdout, /- port: 6379 # main/);
  assert.deepEqual(errorsOf(r.stdout, '2.14'), []);
});

test('convert usage and I/O errors exit 2', () => {
  const d = dir({});
  assert.equal(run(['convert'], d).code, 2);
  assert.equal(run(['convert', 'to-json', 'x.yaml'], d).code, 2);
  const missing = run(['convert', 'to-universal', 'missing.yaml'], d);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read missing\.yaml/);
});

test('a file with comments and ten other documents comes out untouched except for the inserted MeshService', () => {
  const others = Array.from(
    { length: 10 },
    (_, i) => `# config ${i}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-${i} # keep me\ndata:\n  key: "value ${i}"\n`,
  );
  const service =
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n  labels:\n    kuma.io/mesh: default # in the mesh\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n';
  const before = [...others.slice(0, 5), service, ...others.slice(5)].join('---\n');
  const d = dir({ 'all.yaml': before });
  const r = run(['convert', 'service-to-meshservice', '--write', 'all.yaml'], d);
  assert.equal(r.code, 0, r.stderr);
  const after = fs.readFileSync(path.join(d, 'all.yaml'), 'utf8');
  const cut = before.indexOf(service) + service.length;
  assert.ok(after.startsWith(before.slice(0, cut) + '---\napiVersion: kuma.io/v1alpha1\nkind: MeshService\n'), after);
  assert.ok(after.endsWith('---\n' + before.slice(cut + '---\n'.length)));
  const inserted = after.slice(cut, after.length - (before.length - cut));
  assert.match(inserted, /name: web\n/);
  assert.deepEqual(errorsOf(after, '2.14'), []);
});

test('--write keeps a byte order mark and CRLF line ends: inserted text uses CRLF too', () => {
  const crlf = '\uFEFF' + SERVICES.replace(/\n/g, '\r\n');
  const d = dir({ 'lf.yaml': SERVICES, 'crlf.yaml': crlf });
  const r = run(['convert', 'service-to-meshservice', '--kuma-version', '2.14', '--write', 'lf.yaml', 'crlf.yaml'], d);
  assert.equal(r.code, 0, r.stderr);
  const lf = fs.readFileSync(path.join(d, 'lf.yaml'), 'utf8');
  assert.notEqual(lf, SERVICES);
  const bytes = fs.readFileSync(path.join(d, 'crlf.yaml'));
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the BOM is kept');
  const after = bytes.toString('utf8');
  assert.equal((after.match(/(^|[^\r])\n/g) ?? []).length, 0, 'no bare LF in a CRLF file');
  // The same conversion as of the LF file, with the file's line ends.
  assert.equal(after, '\uFEFF' + lf.replace(/\n/g, '\r\n'));
});

const UNIVERSAL_MS = 'type: MeshService\nname: web\nmesh: default\nspec:\n  ports:\n    - port: 80\n';

test('--write on a folder does not write a file reached through a symbolic link (unless the link is named)', () => {
  const d = dir({ 'outside.yaml': UNIVERSAL_MS });
  fs.mkdirSync(path.join(d, 'folder'));
  fs.writeFileSync(path.join(d, 'folder', 'inside.yaml'), UNIVERSAL_MS);
  fs.symlinkSync('../outside.yaml', path.join(d, 'folder', 'link.yaml'));
  const r = run(['convert', 'to-kubernetes', '--namespace', 'shop', '--write', 'folder'], d);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fs.readFileSync(path.join(d, 'outside.yaml'), 'utf8'), UNIVERSAL_MS, 'the file outside the folder is not written');
  assert.match(fs.readFileSync(path.join(d, 'folder', 'inside.yaml'), 'utf8'), /^apiVersion: kuma\.io\/v1alpha1\nkind: MeshService\n/);
  assert.match(r.stderr, /folder\/link\.yaml: not written: it is a symbolic link/);
  // Named on the command line, the link's target is written, and the link stays a link.
  const named = run(['convert', 'to-kubernetes', '--namespace', 'shop', '--write', 'folder/link.yaml'], d);
  assert.equal(named.code, 0, named.stderr);
  assert.match(fs.readFileSync(path.join(d, 'outside.yaml'), 'utf8'), /^apiVersion: kuma\.io\/v1alpha1\n/);
  assert.ok(fs.lstatSync(path.join(d, 'folder', 'link.yaml')).isSymbolicLink());
});

test('--write replaces each file whole (temporary file, then rename) and keeps its mode', () => {
  const d = dir({ 'ms.yaml': UNIVERSAL_MS });
  const file = path.join(d, 'ms.yaml');
  fs.chmodSync(file, 0o640);
  const before = fs.statSync(file);
  const r = run(['convert', 'to-kubernetes', '--namespace', 'shop', '--write', 'ms.yaml'], d);
  assert.equal(r.code, 0, r.stderr);
  const after = fs.statSync(file);
  assert.notEqual(after.ino, before.ino, 'the file was replaced by a rename, not rewritten in place');
  assert.equal(after.mode & 0o7777, 0o640);
  assert.match(fs.readFileSync(file, 'utf8'), /^apiVersion: kuma\.io\/v1alpha1\n/);
  assert.deepEqual(fs.readdirSync(d), ['ms.yaml'], 'no temporary file is left');
});

/** A user whose permissions are checked: root is not stopped by chmod, so as root the CLI runs as nobody. */
const AS_USER = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

test('--write reports each file it cannot write, still writes the others, and exits 2', (t) => {
  if (process.platform === 'win32') return t.skip('POSIX permissions');
  const d = dir({ 'a.yaml': UNIVERSAL_MS, 'b.yaml': UNIVERSAL_MS });
  fs.chmodSync(path.join(d, 'a.yaml'), 0o444); // read-only, and first
  fs.chmodSync(path.join(d, 'b.yaml'), 0o666);
  fs.mkdirSync(path.join(d, 'c-locked'));
  fs.writeFileSync(path.join(d, 'c-locked', 'c.yaml'), UNIVERSAL_MS);
  fs.chmodSync(path.join(d, 'c-locked', 'c.yaml'), 0o666);
  fs.chmodSync(path.join(d, 'c-locked'), 0o555); // no temporary file can be made in it
  t.after(() => fs.chmodSync(path.join(d, 'c-locked'), 0o755)); // so that the folder can be removed
  fs.chmodSync(d, 0o777);
  const r = spawnSync(process.execPath, [CLI, 'convert', 'to-kubernetes', '--namespace', 'shop', '--write', '.'], {
    cwd: d,
    encoding: 'utf8',
    ...AS_USER,
  });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /cannot write a\.yaml: permission denied\n/);
  assert.match(r.stderr, /cannot write c-locked\/c\.yaml: permission denied\n/);
  assert.equal(fs.readFileSync(path.join(d, 'a.yaml'), 'utf8'), UNIVERSAL_MS);
  assert.equal(fs.readFileSync(path.join(d, 'c-locked', 'c.yaml'), 'utf8'), UNIVERSAL_MS);
  assert.match(
    fs.readFileSync(path.join(d, 'b.yaml'), 'utf8'),
    /^apiVersion: kuma\.io\/v1alpha1\n/,
    'the file after a failed one is written',
  );
  assert.deepEqual(fs.readdirSync(path.join(d, 'c-locked')), ['c.yaml']);
  assert.deepEqual(fs.readdirSync(d).sort(), ['a.yaml', 'b.yaml', 'c-locked'], 'no temporary file is left');
});

test('convert migrate-3.0 --write on the top-level targetRef goldens: kuma-lint check --kuma-version 3.0 reports no error the input did not have', () => {
  const fixtures = path.resolve(__dirname, '../fixtures/convert');
  for (const name of [
    'upgrade-toplevel-meshservice',
    'upgrade-toplevel-subset',
    'upgrade-toplevel-labels-added',
    'upgrade-toplevel-kubernetes',
    'upgrade-proxytypes',
  ]) {
    const src = path.join(fixtures, name);
    const files: Record<string, string> = { 'input.yaml': fs.readFileSync(path.join(src, 'input.yaml'), 'utf8') };
    if (fs.existsSync(path.join(src, 'workspace.yaml')))
      files['workspace.yaml'] = fs.readFileSync(path.join(src, 'workspace.yaml'), 'utf8');
    const d = dir(files);
    const errors = () =>
      new Set(
        (
          JSON.parse(run(['check', '--format', 'json', '--kuma-version', '3.0', '--fail-on', 'never', 'input.yaml'], d).stdout) as {
            files: { diagnostics: { severity: string; code: string; line: number }[] }[];
          }
        ).files.flatMap((f) => f.diagnostics.filter((x) => x.severity === 'error').map((x) => x.code)),
      );
    const before = errors();
    const r = run(['convert', 'migrate-3.0', '--kuma-version', '2.14', '--write', '.'], d);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.readFileSync(path.join(d, 'input.yaml'), 'utf8'), fs.readFileSync(path.join(src, 'expected.yaml'), 'utf8'), name);
    assert.deepEqual(
      [...errors()].filter((e) => !before.has(e)),
      [],
      name,
    );
  }
});
