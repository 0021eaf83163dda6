import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tmpDir } from '../tmp';

const CLI = path.resolve(__dirname, '../../dist/cli.js');

function run(args: string[], opts: { cwd?: string; input?: string } = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: opts.cwd, input: opts.input ?? '', encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function workspace(files: Record<string, string>): string {
  const dir = tmpDir('kuma-lint-');
  for (const [p, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), text);
  }
  return dir;
}

const BAD =
  'type: MeshService\nname: web\nmesh: default\nspec:\n  selector:\n    dataplaneTags: {app: web}\n  ports:\n    - port: 80\n      targetPort: 80\n      appProtocol: websocket\n  weight: 1\n';
const WARN_ONLY =
  'type: MeshService\nname: web\nmesh: default\nspec:\n  selector:\n    dataplaneTags: {app: web}\n  ports:\n    - port: 80\n      targetPort: 80\n      appProtocol: websocket\n';
const GOOD =
  'type: MeshService\nname: api\nmesh: default\nspec:\n  selector:\n    dataplaneTags: {app: web}\n  ports:\n    - port: 80\n      targetPort: 80\n';

test('text output: file:line:col: severity code: message, and exit 1 on errors', () => {
  const dir = workspace({ 'a/bad.yaml': BAD, 'a/good.yml': GOOD, 'node_modules/x.yaml': BAD, '.git/y.yaml': BAD, 'notes.txt': BAD });
  const r = run(['check', '.'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.equal(
    r.stdout,
    [
      'a/bad.yaml:10:20: warning app-protocol-unsupported: appProtocol "websocket" is not a protocol Kuma 2.14 supports (grpc, http, http2, kafka, tcp): Kuma accepts it but treats the traffic as plain TCP, without L7 features.',
      'a/bad.yaml:11:3: error schema-unknown-key: Unknown key "weight" in spec: MeshService (Kuma 2.14) does not define it. Allowed keys: identities, ports, selector, state.',
      '',
    ].join('\n'),
  );
  assert.match(r.stderr, /2 files checked against Kuma 2\.14: 1 error, 1 warning/);
});

test('--fail-on decides the exit code', () => {
  const dir = workspace({ 'w.yaml': WARN_ONLY });
  assert.equal(run(['check', 'w.yaml'], { cwd: dir }).code, 0);
  assert.equal(run(['check', '--fail-on', 'warning', 'w.yaml'], { cwd: dir }).code, 1);
  assert.equal(run(['check', '--fail-on=never', '--fail-on', 'never', 'w.yaml'], { cwd: dir }).code, 0);
  const bad = workspace({ 'b.yaml': BAD });
  assert.equal(run(['check', '--fail-on', 'never', 'b.yaml'], { cwd: bad }).code, 0);
});

test('--kuma-version selects the rules', () => {
  const dir = workspace({ 'k.yaml': WARN_ONLY.replace('websocket', 'kafka') });
  assert.equal(run(['check', 'k.yaml'], { cwd: dir }).code, 0);
  const r = run(['check', '--kuma-version', '3.0', 'k.yaml'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /k\.yaml:10:20: error app-protocol-invalid: appProtocol must be one of: grpc, http, http2, tcp/);
});

test('JSON output has exactly the documented shape', () => {
  const dir = workspace({ 'bad.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: x}\n---\n' + BAD });
  const r = run(['check', '--format', 'json', 'bad.yaml'], { cwd: dir });
  assert.equal(r.code, 1);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(j), ['version', 'kumaVersion', 'files', 'summary']);
  assert.equal(j.version, 1);
  assert.equal(j.kumaVersion, '2.14');
  assert.deepEqual(j.summary, { files: 1, errors: 1, warnings: 1 });
  assert.equal(j.files[0].path, 'bad.yaml');
  assert.deepEqual(j.files[0].diagnostics[1], {
    code: 'schema-unknown-key',
    severity: 'error',
    message: 'Unknown key "weight" in spec: MeshService (Kuma 2.14) does not define it. Allowed keys: identities, ports, selector, state.',
    path: 'spec.weight',
    document: 1,
    range: { start: { line: 14, character: 2 }, end: { line: 14, character: 8 } },
  });
  assert.equal(j.files[0].diagnostics[0].path, 'spec.ports[0].appProtocol');
});

test('SARIF output is SARIF 2.1.0 with rules and 1-based regions', () => {
  const dir = workspace({ 'dir/bad.yaml': BAD });
  const r = run(['check', '--format', 'sarif', 'dir'], { cwd: dir });
  const s = JSON.parse(r.stdout);
  assert.equal(s.version, '2.1.0');
  const runs = s.runs[0];
  assert.equal(runs.tool.driver.name, 'kuma-lint');
  const ids = runs.tool.driver.rules.map((x: { id: string }) => x.id);
  assert.equal(runs.results.length, 2);
  for (const res of runs.results) {
    assert.equal(ids[res.ruleIndex], res.ruleId);
    assert.ok(['error', 'warning', 'note'].includes(res.level));
    const loc = res.locations[0].physicalLocation;
    assert.equal(loc.artifactLocation.uri, 'dir/bad.yaml');
    assert.ok(loc.region.startLine >= 1 && loc.region.startColumn >= 1);
  }
  assert.deepEqual(runs.results[1].locations[0].physicalLocation.region, { startLine: 11, startColumn: 3, endLine: 11, endColumn: 9 });
});

test('SARIF URIs: relative to the working directory under %SRCROOT%, which the run declares; files outside are absolute', () => {
  const dir = fs.realpathSync(workspace({ 'a dir/bad #1.yaml': BAD, 'sub/b.yaml': BAD }));
  const outside = fs.realpathSync(workspace({ 'o.yaml': BAD }));
  const uris = (args: string[]) => {
    const runs = JSON.parse(run(['check', '--format', 'sarif', ...args], { cwd: path.join(dir, 'sub') }).stdout).runs[0];
    const locs = runs.results.map((x: { locations: { physicalLocation: { artifactLocation: unknown } }[] }) =>
      JSON.stringify(x.locations[0].physicalLocation.artifactLocation),
    );
    return { base: runs.originalUriBaseIds, locations: [...new Set(locs)] };
  };
  const srcRoot = { '%SRCROOT%': { uri: `${pathToFileURL(path.join(dir, 'sub')).href}/` } };
  const inSub = JSON.stringify({ uri: 'b.yaml', uriBaseId: '%SRCROOT%' });
  const above = JSON.stringify({ uri: `${pathToFileURL(path.join(dir, 'a dir/bad #1.yaml')).href}` });
  const away = JSON.stringify({ uri: `${pathToFileURL(path.join(outside, 'o.yaml')).href}` });
  // Absolute paths on the command line: the file under the working directory is still relative.
  assert.deepEqual(uris([path.join(dir, 'sub/b.yaml'), path.join(dir, 'a dir'), outside]), {
    base: srcRoot,
    locations: [inSub, above, away],
  });
  // Relative paths: the same URIs.
  assert.deepEqual(uris(['b.yaml', '../a dir', path.relative(path.join(dir, 'sub'), outside)]), {
    base: srcRoot,
    locations: [inSub, above, away],
  });
  assert.match(above, /a%20dir\/bad%20%231\.yaml"/);
  // A subdirectory's file: forward slashes, each segment percent-encoded.
  const nested = JSON.parse(run(['check', '--format', 'sarif', path.join(dir, 'a dir')], { cwd: dir }).stdout).runs[0];
  assert.deepEqual(nested.results[0].locations[0].physicalLocation.artifactLocation, {
    uri: 'a%20dir/bad%20%231.yaml',
    uriBaseId: '%SRCROOT%',
  });
  assert.deepEqual(nested.originalUriBaseIds, { '%SRCROOT%': { uri: `${pathToFileURL(dir).href}/` } });
});

test('SARIF URIs with --sarif-root: relative to the checkout root from a subfolder, for relative, absolute and symlinked paths', () => {
  const root = fs.realpathSync(workspace({ 'k8s/apps/bad.yaml': BAD, 'k8s/other.yaml': BAD }));
  const outside = fs.realpathSync(workspace({ 'o.yaml': BAD }));
  const link = path.join(tmpDir('kuma-link-'), 'checkout');
  fs.symlinkSync(root, link);
  const sarif = (args: string[], cwd: string) => {
    const r = run(['check', '--format', 'sarif', ...args], { cwd });
    assert.equal(r.code, 1, r.stderr);
    const runs = JSON.parse(r.stdout).runs[0];
    return {
      base: runs.originalUriBaseIds,
      locations: [
        ...new Set(
          runs.results.map((x: { locations: { physicalLocation: { artifactLocation: unknown } }[] }) =>
            JSON.stringify(x.locations[0].physicalLocation.artifactLocation),
          ),
        ),
      ].map((l) => JSON.parse(l as string)),
    };
  };
  const base = { '%SRCROOT%': { uri: `${pathToFileURL(root).href}/` } };
  const inRoot = [
    { uri: 'k8s/apps/bad.yaml', uriBaseId: '%SRCROOT%' },
    { uri: 'k8s/other.yaml', uriBaseId: '%SRCROOT%' },
  ];
  const sub = path.join(root, 'k8s');
  // From a subfolder, relative paths.
  assert.deepEqual(sarif(['--sarif-root', root, 'apps', 'other.yaml'], sub), { base, locations: inRoot });
  // Absolute paths, and the root given relative to the working directory.
  assert.deepEqual(sarif(['--sarif-root', '..', path.join(sub, 'apps/bad.yaml'), path.join(sub, 'other.yaml')], sub), {
    base,
    locations: inRoot,
  });
  // The files named through a symbolic link to the checkout (a runner's workspace path), the root by
  // its real path, and the other way round: still relative.
  assert.deepEqual(sarif(['--sarif-root', root, path.join(link, 'k8s')], sub), { base, locations: inRoot });
  assert.deepEqual(sarif(['--sarif-root', link, path.join(root, 'k8s')], root).locations, inRoot);
  // A file outside the root: an absolute URI without a base.
  assert.deepEqual(sarif(['--sarif-root', root, outside], sub).locations, [{ uri: pathToFileURL(path.join(outside, 'o.yaml')).href }]);
  // Not a directory: a usage error.
  const bad = run(['check', '--format', 'sarif', '--sarif-root', path.join(root, 'nope'), '.'], { cwd: root });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--sarif-root must be a directory, not ".*nope"/);
});

test('JUnit output: one test case per file, failures for errors', () => {
  const dir = workspace({ 'bad.yaml': BAD, 'good.yaml': GOOD });
  const r = run(['check', '--format', 'junit', '.'], { cwd: dir });
  assert.match(r.stdout, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="kuma-lint" tests="2" failures="1" errors="0">/);
  assert.match(
    r.stdout,
    /<testcase classname="kuma-lint" name="bad.yaml" file="bad.yaml">\n\s+<failure message="1 problem at or above error" type="error">/,
  );
  assert.match(r.stdout, /<testcase classname="kuma-lint" name="good.yaml" file="good.yaml"><\/testcase>/);
  assert.match(r.stdout, /Unknown key &quot;weight&quot;/);
});

test('stdin with -', () => {
  const r = run(['check', '-'], { input: BAD });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^<stdin>:11:3: error schema-unknown-key/m);
});

test('a missing file is an I/O error that names the file (exit 2), other files still checked', () => {
  const dir = workspace({ 'bad.yaml': BAD });
  const r = run(['check', 'missing.yaml', 'bad.yaml'], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /kuma-lint: cannot read missing\.yaml: no such file or directory/);
  assert.match(r.stdout, /bad\.yaml:11:3: error schema-unknown-key/);
});

test('usage errors exit 2 with a message', () => {
  for (const args of [
    [],
    ['lint'],
    ['check'],
    ['check', '--format', 'xml', 'a'],
    ['check', '--kuma-version', '1.0', 'a'],
    ['check', '--bogus', 'a'],
  ]) {
    const r = run(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /^kuma-lint: .+\nusage: kuma-lint check/);
  }
  const h = run(['--help']);
  assert.equal(h.code, 0);
  assert.match(h.stdout, /usage: kuma-lint check/);
});

test('cross-file checks run over every path given', () => {
  const dir = workspace({
    'dp.yaml':
      'type: Dataplane\nname: dp-1\nmesh: default\nlabels:\n  app: web\nnetworking:\n  address: 10.0.0.1\n  inbound:\n    - port: 8080\n      name: http\n      tags:\n        kuma.io/service: web\n',
    'ms.yaml':
      'type: MeshService\nname: web\nmesh: default\nspec:\n  selector:\n    dataplaneLabels:\n      matchLabels:\n        app: web\n  ports:\n    - port: 80\n      targetPort: htp\n',
  });
  const both = run(['check', 'dp.yaml', 'ms.yaml'], { cwd: dir });
  assert.match(
    both.stdout,
    /ms\.yaml:11:19: warning target-port-unresolved: targetPort "htp" matches no inbound name of the 1 Dataplane this MeshService selects; it declares: http\. Did you mean "http"\?/,
  );
  // Without the Dataplane, nothing is known about the ports: no cross-file warning.
  const alone = run(['check', 'ms.yaml'], { cwd: dir });
  assert.doesNotMatch(alone.stdout, /target-port-unresolved/);
});

test('--severity CODE=LEVEL changes what is reported and what --fail-on counts', () => {
  const dir = workspace({ 'w.yaml': WARN_ONLY, 'b.yaml': BAD });
  const raised = run(['check', '--severity', 'app-protocol-unsupported=error', 'w.yaml'], { cwd: dir });
  assert.equal(raised.code, 1);
  assert.match(raised.stdout, /^w\.yaml:10:20: error app-protocol-unsupported: /);
  assert.match(raised.stderr, /1 error, 0 warnings/);
  // Both codes of b.yaml lowered or dropped: nothing fails any more, even at --fail-on warning.
  const lowered = run(
    ['check', '--fail-on', 'warning', '--severity=schema-unknown-key=hint', '--severity', 'app-protocol-unsupported=off', 'b.yaml'],
    {
      cwd: dir,
    },
  );
  assert.equal(lowered.code, 0);
  assert.equal(
    lowered.stdout,
    'b.yaml:11:3: hint schema-unknown-key: Unknown key "weight" in spec: MeshService (Kuma 2.14) does not define it. Allowed keys: identities, ports, selector, state.\n',
  );
  // In JSON and SARIF too.
  const json = JSON.parse(run(['check', '--format', 'json', '--severity', 'schema-unknown-key=warning', 'b.yaml'], { cwd: dir }).stdout);
  assert.deepEqual(
    json.files[0].diagnostics.map((d: { code: string; severity: string }) => `${d.code}:${d.severity}`),
    ['app-protocol-unsupported:warning', 'schema-unknown-key:warning'],
  );
  assert.deepEqual(json.summary, { files: 1, errors: 0, warnings: 2 });
  const sarif = JSON.parse(
    run(['check', '--format', 'sarif', '--severity', 'app-protocol-unsupported=error', 'w.yaml'], { cwd: dir }).stdout,
  );
  assert.deepEqual(
    sarif.runs[0].results.map((x: { ruleId: string; level: string }) => `${x.ruleId}:${x.level}`),
    ['app-protocol-unsupported:error'],
  );
});

test('--severity with an unknown code or level, or no =, is a usage error that says why', () => {
  const dir = workspace({ 'w.yaml': WARN_ONLY });
  const code = run(['check', '--severity', 'app-protocol-unsuported=off', 'w.yaml'], { cwd: dir });
  assert.equal(code.code, 2);
  assert.match(code.stderr, /--severity: unknown diagnostic code "app-protocol-unsuported" \(did you mean "app-protocol-unsupported"\?\)/);
  const level = run(['check', '--severity', 'app-protocol-unsupported=fatal', 'w.yaml'], { cwd: dir });
  assert.equal(level.code, 2);
  assert.match(level.stderr, /"app-protocol-unsupported": unknown level "fatal"; use error, warning, information, hint, off/);
  const shape = run(['check', '--severity', 'off', 'w.yaml'], { cwd: dir });
  assert.equal(shape.code, 2);
  assert.match(shape.stderr, /--severity takes CODE=LEVEL/);
});

test('SARIF rules link each code to its section of docs/diagnostics.md', () => {
  const dir = workspace({ 'b.yaml': BAD });
  const rules = JSON.parse(run(['check', '--format', 'sarif', 'b.yaml'], { cwd: dir }).stdout).runs[0].tool.driver.rules as {
    id: string;
    helpUri: string;
    fullDescription: { text: string };
  }[];
  const rule = rules.find((x) => x.id === 'schema-unknown-key')!;
  assert.equal(rule.helpUri, 'https://github.com/kumahq/kuma-meshservice-tools/blob/main/docs/diagnostics.md#schema-unknown-key');
  assert.match(rule.fullDescription.text, /^A key that Kuma's schema .* Default severity: error\. .*#schema-unknown-key$/);
  // GitHub's heading anchors drop the dots of `upgrade-3.0-…`.
  for (const x of rules) assert.ok(x.helpUri.endsWith(`#${x.id.replace(/\./g, '')}`), x.id);
});

test('over 1,000 problems in one document: the first 1,000 and one problem-limit line, in every format, and the exit status holds', () => {
  const keys = Array.from({ length: 1500 }, (_, i) => `  extra${i}: ${i}\n`).join('');
  const dir = workspace({ 'big.yaml': `${GOOD}${keys}`, 'w.yaml': WARN_ONLY });
  const r = run(['check', 'big.yaml', 'w.yaml'], { cwd: dir });
  assert.equal(r.code, 1);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 1002);
  assert.equal(lines.filter((l) => l.startsWith('big.yaml:') && l.includes(' schema-unknown-key: ')).length, 1000);
  assert.equal(
    lines[1000],
    'big.yaml:1010:3: error problem-limit: 500 more problems in this document are not shown: at most 1,000 are reported per document, and this is where they stop. Fix the ones above, or look at where the document comes from (generated?).',
  );
  assert.match(lines[1001], /^w\.yaml:10:20: warning app-protocol-unsupported: /);
  assert.match(r.stderr, /2 files checked against Kuma 2\.14: 1001 errors, 1 warning/);
  // Warnings left out: the note is a warning, and --fail-on error passes as it did with all of them.
  assert.equal(run(['check', '--severity', 'schema-unknown-key=warning', 'big.yaml'], { cwd: dir }).code, 0);
  const json = JSON.parse(run(['check', '--format', 'json', 'big.yaml'], { cwd: dir }).stdout);
  assert.equal(json.files[0].diagnostics.length, 1001);
  assert.deepEqual(json.files[0].diagnostics[1000].range.start, { line: 1009, character: 2 });
  assert.equal(json.files[0].diagnostics[1000].code, 'problem-limit');
});

test('hints: none unless --severity sets their code to hint; then at most 100 a file, and the hint-limit note says how many more', () => {
  const docs: string[] = [];
  for (let i = 0; i < 130; i++)
    docs.push(
      `type: MeshService\nname: svc-${i}\nmesh: default\nspec:\n  selector:\n    dataplaneTags:\n      kuma.io/service: svc-${i}\n  ports:\n  - port: 80\n    targetPort: 8080\n`,
    );
  const dir = workspace({ 'legacy.yaml': docs.join('---\n') });
  const quiet = run(['check', '--kuma-version', '2.14', 'legacy.yaml'], { cwd: dir });
  assert.equal(quiet.stdout, '');
  const asked = run(['check', '--kuma-version', '2.14', '--severity', 'upgrade-3.0-dataplane-tags=hint', 'legacy.yaml'], { cwd: dir });
  const lines = asked.stdout.trim().split('\n');
  assert.equal(lines.filter((l) => / hint upgrade-3\.0-dataplane-tags: /.test(l)).length, 100);
  assert.match(
    lines[100],
    /^legacy\.yaml:\d+:5: hint hint-limit: 30 more hints in this file are not shown \(upgrade-3\.0-dataplane-tags 30\)/,
  );
  assert.equal(lines.length, 101);
  // Another code asked for as a hint does not fill the hundred with the upgrade ones.
  const other = run(['check', '--kuma-version', '2.14', '--severity', 'schema-unknown-key=hint', 'legacy.yaml'], { cwd: dir });
  assert.equal(other.stdout, '');
});
