// Issue 13: every Kuma-version fact lives once, in the version table (server/src/core/kuma/versions.ts).
// These tests keep it that way: each row has every fact, no code outside core/kuma/ compares
// version labels, the name regexes are written once, and the tool's own version is only in package.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CONTAINER_PORT_NAMING,
  KUMA_FACTS,
  KUMA_TAGS,
  KUMA_VERSIONS,
  MIGRATION_TARGET,
  SELECTOR_PRECEDENCE,
  kumaFacts,
  kumaVersionList,
  type KumaFacts,
} from '../../server/src/core/kuma/versions';
import { tmpDir } from '../tmp';

const root = path.resolve(__dirname, '../..');
const src = path.join(root, 'server', 'src');

/** Folders that hold no source: installs, build output, and what .gitignore leaves out (bench-out/ holds generated workloads). */
const SKIPPED_DIRS = new Set([
  '.git',
  ...fs
    .readFileSync(path.join(root, '.gitignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim().replace(/^\//, '').replace(/\/$/, ''))
    .filter((l) => l && !l.startsWith('#') && !/[*/]/.test(l)),
]);

function filesUnder(dir: string, keep: (file: string) => boolean): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIPPED_DIRS.has(e.name)) out.push(...filesUnder(p, keep));
    } else if (keep(p)) out.push(p);
  }
  return out;
}

const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');

/** The table's facts, two levels deep: `protocols.supported`, `nameRule`, ... */
function factPaths(row: KumaFacts): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(row)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) for (const k2 of Object.keys(v)) out.push(`${k}.${k2}`);
    else out.push(k);
  }
  return out.sort();
}

function valueAt(row: KumaFacts, p: string): unknown {
  return p.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], row);
}

test('the version table has one row per Kuma version, and every row has every fact', () => {
  assert.deepEqual(Object.keys(KUMA_FACTS), [...KUMA_VERSIONS]);
  const expected = factPaths(KUMA_FACTS[KUMA_VERSIONS[0]]);
  assert.ok(expected.length >= 20, `only ${expected.length} facts`);
  for (const v of KUMA_VERSIONS) {
    const row = kumaFacts(v);
    assert.deepEqual(factPaths(row), expected, `row ${v}`);
    for (const p of expected) {
      const x = valueAt(row, p);
      assert.ok(x !== undefined && x !== null && x !== '', `row ${v} has no ${p}`);
    }
    assert.equal(KUMA_TAGS[v], row.tag);
  }
});

test('the version table is consistent with itself', () => {
  for (const v of KUMA_VERSIONS) {
    const f = kumaFacts(v);
    for (const p of f.protocols.supported) assert.ok(f.protocols.parsable.includes(p), `${v}: ${p} supported but not parsable`);
    for (const k of f.selector.keys) assert.ok(SELECTOR_PRECEDENCE.includes(k), `${v}: ${k}`);
    for (const k of f.selector.removed) assert.ok(!f.selector.keys.includes(k), `${v}: ${k} both known and removed`);
    if (f.selector.multiple !== 'first-wins') {
      for (const k of f.selector.keys) assert.ok(f.selector.multiple.rejected.includes(k), `${v}: the message names ${k}`);
    }
    // The generators write a selector the version knows.
    const generated = f.generator.selector === 'dataplaneLabels' ? 'dataplaneLabels' : 'dataplaneTags';
    assert.ok(f.selector.keys.includes(generated), `${v}: generator writes ${generated}`);
    assert.equal(f.dataplane.inboundTags === 'removed', f.selector.removed.includes('dataplaneTags'), v);
  }
  assert.equal(kumaFacts(CONTAINER_PORT_NAMING).workloadInboundNames, 'container-port');
  assert.ok(kumaFacts(MIGRATION_TARGET).selector.keys.includes('dataplaneLabels'));
  assert.equal(kumaVersionList(), `${KUMA_VERSIONS.slice(0, -1).join(', ')} or ${KUMA_VERSIONS.at(-1)}`);
});

/**
 * Places outside core/kuma/ allowed to write a version label as a string literal, each with its reason.
 * Keys are paths from the repository root.
 */
const ALLOWED_VERSION_LITERALS: Record<string, string> = {
  'server/src/core/schema/validatorFactory.ts':
    'schema generation: the map from each version label to its generated schema bundle (a Record<KumaVersion, ...>, checked by the compiler), not a comparison',
};

/** A version label as a whole string literal: '3.0', "2.14", `2.9`. */
function versionLiteral(): RegExp {
  const labels = KUMA_VERSIONS.map((v) => v.replace('.', '\\.')).join('|');
  return new RegExp(`(['"\`])(?:${labels})\\1`, 'g');
}

/** Lines of `server/src` outside core/kuma/ (and the allowed places) that write a version label as a literal. */
function versionLiteralsOutsideTable(files = filesUnder(src, (f) => f.endsWith('.ts'))): string[] {
  const found: string[] = [];
  for (const f of files) {
    const r = rel(f);
    if (r.startsWith('server/src/core/kuma/') || r in ALLOWED_VERSION_LITERALS) continue;
    fs.readFileSync(f, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (versionLiteral().test(line) || /\bversionAtLeast\s*\(/.test(line)) found.push(`${r}:${i + 1}: ${line.trim()}`);
      });
  }
  return found;
}

test('no code outside core/kuma/ compares Kuma version labels: it asks the version table', () => {
  assert.deepEqual(versionLiteralsOutsideTable(), []);
  for (const [file, reason] of Object.entries(ALLOWED_VERSION_LITERALS)) {
    assert.ok(fs.existsSync(path.join(root, file)), `allowed place ${file} no longer exists: drop it from the list`);
    assert.ok(reason.length > 20, file);
  }
});

test('the scan catches a literal comparison (self-check on a scratch file)', () => {
  const dir = tmpDir('vtable-');
  try {
    const probe = path.join(dir, 'probe.ts');
    fs.writeFileSync(probe, "if (version === '3.0') x();\nif (versionAtLeast(version, '2.14')) y();\nconst ok = 'migrate-3.0';\n");
    assert.equal(versionLiteralsOutsideTable([probe]).length, 2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the Kubernetes name regexes are written once, in core/kuma/names.ts', () => {
  // The label pattern as a regex literal (not inside Kubernetes' message text, which quotes it).
  const pattern = /\/\^\[a-z(?:0-9)?\]\(\[-a-z0-9\]\*\[a-z0-9\]\)\?/;
  const found = filesUnder(src, (f) => f.endsWith('.ts'))
    .filter((f) => rel(f) !== 'server/src/core/kuma/names.ts')
    .filter((f) => pattern.test(fs.readFileSync(f, 'utf8')))
    .map(rel);
  assert.deepEqual(found, []);
});

test("the tool's own version is written only in package.json", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  /** Files allowed to repeat it, with the reason. */
  const allowed: Record<string, string> = {
    'package.json': 'the source of truth',
    'package-lock.json': 'written by npm from package.json',
    'CHANGELOG.md': 'release history names each version',
  };
  const text = /\.(ts|mts|cts|js|mjs|cjs|json|ya?ml|md|toml)$/;
  const found = filesUnder(root, (f) => text.test(f))
    .map(rel)
    .filter((r) => !(r in allowed) && !r.startsWith('schemas/'))
    .filter((r) => fs.readFileSync(path.join(root, r), 'utf8').includes(pkg.version));
  assert.deepEqual(found, []);
});
