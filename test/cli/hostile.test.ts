import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deepNesting, huge, smallCorpus, writeGenerated } from '../fixtures/hostile/generate';

/**
 * The hostile corpus through `kuma-lint check`: exit 1 with one line per problem, or 0 when
 * nothing is wrong, a one-line note for what it cannot read as it is, and never a stack trace.
 */

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const HOSTILE = path.resolve(__dirname, '../fixtures/hostile');

function check(file: string, cwd: string) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [CLI, 'check', file], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

/** Exit status, the codes printed (in order), and a note on stderr besides the summary. */
const EXPECTED: Record<string, { code: number; codes: string[]; note?: RegExp }> = {
  'alias-bomb.yaml': { code: 1, codes: ['yaml-limit'] },
  'binary.yaml': { code: 0, codes: [], note: /^kuma-lint: binary\.yaml: skipped: binary file \(it contains NUL bytes\), not checked$/ },
  'block-scalar-dashes.yaml': { code: 1, codes: ['schema-missing-required', 'selector-missing'] },
  'bom.yaml': { code: 0, codes: [] },
  'crlf.yaml': { code: 0, codes: ['app-protocol-unsupported'] },
  'deep-nesting-flow.yaml': { code: 1, codes: ['yaml-limit'] },
  'duplicate-keys.yaml': { code: 1, codes: ['yaml-duplicate-key', 'app-protocol-unsupported'] },
  'helm-control.yaml': { code: 0, codes: [] },
  'helm.yaml': { code: 0, codes: ['templated-yaml'] },
  'hostname-template.yaml': { code: 0, codes: [] },
  'invalid-utf8.yaml': {
    code: 1,
    codes: ['name-invalid', 'name-rfc1035-deprecated'],
    note: /^kuma-lint: invalid-utf8\.yaml: not valid UTF-8; the invalid bytes were read as U\+FFFD$/,
  },
  'mixed-eol.yaml': { code: 1, codes: ['app-protocol-unsupported', 'schema-unknown-key'] },
  'tabs.yaml': { code: 1, codes: ['yaml-syntax'] },
  'yaml11.yaml': { code: 1, codes: ['ports-duplicate'] },
};

function assertClean(name: string, r: ReturnType<typeof check>) {
  assert.doesNotMatch(r.stderr, /^\s+at /m, `${name}: no stack trace`);
  assert.doesNotMatch(r.stderr, /internal error/, name);
}

for (const name of smallCorpus().keys()) {
  test(`kuma-lint check ${name}`, () => {
    const want = EXPECTED[name];
    assert.ok(want, `an expectation for ${name}`);
    const r = check(name, HOSTILE);
    assertClean(name, r);
    assert.equal(r.code, want.code, r.stdout + r.stderr);
    const lines = r.stdout.split('\n').filter(Boolean);
    assert.deepEqual(
      lines.map((l) => /^[^:]+:\d+:\d+: \w+ ([a-z0-9-]+): /.exec(l)?.[1]),
      want.codes,
    );
    const notes = r.stderr.split('\n').filter((l) => l && !/ checked against Kuma /.test(l));
    if (want.note) assert.match(notes.join('\n'), want.note);
    else assert.deepEqual(notes, []);
  });
}

test('kuma-lint check on generated files: 1,000 levels of nesting and 50 MB, quickly and in one line each', () => {
  const dir = writeGenerated({ 'deep.yaml': deepNesting(1000), 'huge.yaml': huge(50) });
  try {
    const deep = check('deep.yaml', dir);
    assertClean('deep.yaml', deep);
    assert.equal(deep.code, 1);
    assert.match(
      deep.stdout,
      /^deep\.yaml:\d+:\d+: error yaml-limit: YAML nested more than 100 levels deep: this document is not checked\./,
    );
    const big = check('huge.yaml', dir);
    assertClean('huge.yaml', big);
    assert.equal(big.code, 1);
    assert.equal(
      big.stdout,
      'huge.yaml:1:1: error yaml-limit: The file is 50.0 MB: files over 10.0 MB are not checked. Split it into smaller files.\n',
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
