import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { workerCount } from '../../server/src/cli/parallel';
import { run as runCli } from '../../server/src/cli/main';
import { tmpDir } from '../tmp';

// `kuma-lint check` parses and checks files on worker threads when there are many (the
// cross-file part runs on the main thread): its output must be the sequential path's, byte for byte.

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/cli.js');

function run(args: string[], threads: number, cwd = ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, KUMA_LINT_THREADS: String(threads) },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A workspace with what only the cross-file step sees: duplicates across files, selectors, suppressions. */
async function crossFileWorkspace(): Promise<string> {
  const { generateWorkspace } = (await import(path.join(ROOT, 'scripts/bench-gen.mjs'))) as {
    generateWorkspace: (files: number, docs: number) => { name: string; text: string }[];
  };
  const dir = tmpDir('kuma-lint-par-');
  for (const f of generateWorkspace(40, 5)) fs.writeFileSync(path.join(dir, f.name), f.text);
  const dp =
    'type: Dataplane\nname: dp-1\nmesh: default\nlabels:\n  app: web\nnetworking:\n  address: 10.0.0.1\n  inbound:\n    - port: 8080\n      name: http\n      tags:\n        kuma.io/service: web\n';
  const ms = (port: string) =>
    `type: MeshService\nname: web\nmesh: default\nspec:\n  selector:\n    dataplaneLabels:\n      matchLabels:\n        app: web\n  ports:\n    - port: 80\n      targetPort: ${port}\n      appProtocol: websocket\n`;
  fs.writeFileSync(path.join(dir, 'x-dp.yaml'), dp);
  fs.writeFileSync(path.join(dir, 'x-ms.yaml'), ms('htp'));
  // The same MeshService again (a duplicate), one problem suppressed, and a block scalar holding a suppression that does not count.
  fs.writeFileSync(
    path.join(dir, 'y-ms.yaml'),
    '# kuma-lint-disable app-protocol-unsupported\n' +
      ms('9090') +
      '---\n# kuma-lint-disable target-port-unresolved\n' +
      ms('htp').replace('name: web', 'name: api') +
      '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  x: |\n    # kuma-lint-disable\n',
  );
  fs.writeFileSync(path.join(dir, 'z-bad.yaml'), Buffer.from([0x74, 0x79, 0x70, 0x65, 0x3a, 0x20, 0xff, 0x0a]));
  return dir;
}

test('kuma-lint check on worker threads reports exactly what it reports on one thread, in every format', async () => {
  const ws = await crossFileWorkspace();
  const corpora: [string, string[]][] = [
    ['examples', ['examples']],
    ['test fixtures', ['test/fixtures']],
    ['generated workspace', [ws]],
  ];
  for (const [name, paths] of corpora) {
    for (const format of ['text', 'json', 'sarif', 'junit']) {
      const overrides = ['--severity', 'target-port-unserved=error', '--severity', 'app-protocol-unsupported=off'];
      for (const extra of format === 'json' ? [[], overrides] : [[]]) {
        const args = ['check', '--fail-on', 'warning', '--format', format, ...extra, ...paths];
        const one = run(args, 1);
        const many = run(args, 2);
        assert.equal(many.stdout, one.stdout, `${name}, ${format} ${extra.join(' ')}: stdout`);
        assert.equal(many.stderr, one.stderr, `${name}, ${format}: stderr`);
        assert.equal(many.code, one.code, `${name}, ${format}: exit status`);
      }
    }
  }
  // The comparison is about real findings, including the cross-file ones.
  const text = run(['check', '--fail-on', 'never', ws], 2);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /x-ms\.yaml:11:19: warning target-port-unresolved: targetPort "htp" matches no inbound name/);
  assert.match(text.stdout, /x-ms\.yaml:2:7: error resource-duplicate: MeshService "web" of mesh "default" is declared 2 times/);
  assert.match(text.stdout, /y-ms\.yaml:12:19: information target-port-unserved: targetPort 9090/);
  // Suppressed: the first document's appProtocol (line 13), the second one's targetPort.
  assert.match(text.stdout, /y-ms\.yaml:27:20: warning app-protocol-unsupported: /);
  assert.doesNotMatch(text.stdout, /y-ms\.yaml:13:/);
  assert.doesNotMatch(text.stdout, /y-ms\.yaml:\d+:\d+: \w+ target-port-unresolved/);
  assert.match(text.stderr, /z-bad\.yaml: not valid UTF-8/);
});

test('kuma-lint check stays on one thread for a few small files, and KUMA_LINT_THREADS decides when set', () => {
  const small = [
    { path: 'a.yaml', text: 'type: Mesh\nname: default\n' },
    { path: 'b.yaml', text: 'type: Mesh\nname: other\n' },
  ];
  assert.equal(workerCount(small, {}), 0);
  const large = Array.from({ length: 20 }, (_, i) => ({ path: `${i}.yaml`, text: 'x'.repeat(100_000) }));
  assert.equal(workerCount(large, {}), os.availableParallelism() < 2 ? 0 : Math.min(4, os.availableParallelism()));
  assert.equal(workerCount(small, { KUMA_LINT_THREADS: '3' }), 3);
  assert.equal(workerCount(large, { KUMA_LINT_THREADS: '1' }), 0);
  assert.equal(workerCount(large, { KUMA_LINT_THREADS: '0' }), 0);
});

test('standard input is checked on one thread whatever KUMA_LINT_THREADS says', () => {
  const r = spawnSync(process.execPath, [CLI, 'check', '-', 'examples'], {
    cwd: ROOT,
    input: 'type: MeshService\nname: web\nmesh: default\nspec:\n  weight: 1\n',
    encoding: 'utf8',
    env: { ...process.env, KUMA_LINT_THREADS: '2' },
  });
  assert.match(r.stdout, /^<stdin>:5:3: error schema-unknown-key: /m);
});

test('when the worker threads fail, kuma-lint check still checks everything, on one thread', async () => {
  const broken = path.join(tmpDir('kuma-lint-worker-'), 'broken.js');
  fs.writeFileSync(broken, 'throw new Error("this worker cannot start");\n');
  const capture = async (script: string | undefined) => {
    let stdout = '';
    let stderr = '';
    const io = { stdout: (s: string) => void (stdout += s), stderr: (s: string) => void (stderr += s), stdin: async () => '' };
    const code = await runCli(['check', '--format', 'json', path.join(ROOT, 'examples')], io, script);
    return { code, stdout, stderr };
  };
  const before = process.env.KUMA_LINT_THREADS;
  process.env.KUMA_LINT_THREADS = '2';
  try {
    const failed = await capture(broken);
    const here = await capture(undefined);
    assert.ok(JSON.parse(here.stdout).files.length > 5);
    assert.deepEqual(failed, here);
  } finally {
    if (before === undefined) delete process.env.KUMA_LINT_THREADS;
    else process.env.KUMA_LINT_THREADS = before;
  }
});
