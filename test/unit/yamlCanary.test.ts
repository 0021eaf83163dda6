import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Document, isMap, isPair, isScalar, isSeq, parseAllDocuments, type ScalarTag } from 'yaml';
import { fastParseChunk } from '../../server/src/core/yaml/fastYaml';

/*
 * A canary for the `yaml` internals that the fast reader (server/src/core/yaml/fastYaml.ts)
 * imitates: it builds yaml's node classes without their constructors, from prototypes that carry
 * yaml's private `Symbol.for('yaml.node.type')` tag (and a collection's `schema`). A yaml release
 * may change any of that without notice, which is why package.json pins yaml to an exact version.
 * These tests fail when the pin, the installed yaml or the node layout changes.
 */

const RECHECK =
  "re-check server/src/core/yaml/fastYaml.ts against yaml's dist/nodes/{identity,Node,Collection,Pair,Scalar}.js: " +
  'the NODE_TYPE symbol, the SCALAR/PAIR/MAP/SEQ prototypes that newScalar/newPair/newMap/newSeq build nodes from, ' +
  'the own properties those nodes get, and PLAIN_TAGS; then pin the new version exactly in package.json (and package-lock.json)';

const ROOT = join(__dirname, '..', '..');
const NODE_TYPE = Symbol.for('yaml.node.type');
/** The same options as the language service (server/src/core/yaml/documents.ts). */
const OPTIONS = { prettyErrors: false, uniqueKeys: true, keepSourceTokens: false, logLevel: 'error' } as const;

/** Every kind of node the fast reader builds: block and flow collections, plain, quoted and block scalars. */
const TEXT = [
  'a: 1',
  'b:',
  '  - x',
  "  - 'y'",
  '  - "z"',
  'c: |',
  '  lit',
  'd: {}',
  'e: [1, two]',
  'f: true',
  'g: 0x1F',
  'h: 1.5e3',
  '',
].join('\n');

test('yaml is pinned to the exact version installed (the fast reader imitates its private node internals)', () => {
  const pinned = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> })
    .devDependencies.yaml;
  assert.match(pinned, /^\d+\.\d+\.\d+$/, `package.json must pin yaml to an exact version, not ${JSON.stringify(pinned)}: ${RECHECK}`);
  const installed = (JSON.parse(readFileSync(require.resolve('yaml/package.json'), 'utf8')) as { version: string }).version;
  assert.equal(installed, pinned, `yaml ${installed} is installed but package.json pins ${pinned}: ${RECHECK}`);
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; devDependencies?: Record<string, string> }>;
  };
  assert.equal(lock.packages[''].devDependencies?.yaml, pinned, `package-lock.json's root devDependencies must pin yaml ${pinned}`);
  assert.equal(lock.packages['node_modules/yaml'].version, pinned, `package-lock.json must resolve yaml to ${pinned}`);
});

test("yaml marks its nodes with the private symbol the fast reader uses, and recognises the fast reader's nodes", () => {
  const doc = parseAllDocuments(TEXT, OPTIONS)[0] as Document.Parsed;
  const map = doc.contents;
  assert.ok(isMap(map), RECHECK);
  const pair = map.items[0];
  const nodes: [object, string][] = [
    [map, 'yaml.map'],
    [pair, 'yaml.pair'],
    [pair.key as object, 'yaml.scalar'],
    [map.get('b', true) as object, 'yaml.seq'],
  ];
  for (const [node, type] of nodes) {
    assert.deepEqual(Object.getOwnPropertySymbols(node), [NODE_TYPE], `the symbol-keyed properties of a ${type} node changed: ${RECHECK}`);
    assert.deepEqual(
      Object.getOwnPropertyDescriptor(node, NODE_TYPE),
      { value: Symbol.for(type), writable: false, enumerable: false, configurable: false },
      `a ${type} node's Symbol.for('yaml.node.type') changed: ${RECHECK}`,
    );
  }
  const fast = fastParseChunk(TEXT);
  assert.ok(fast, 'the fast reader reads the canary text');
  const fmap = fast.contents;
  assert.ok(
    isMap(fmap) && isPair(fmap.items[0]) && isScalar(fmap.items[0].key) && isSeq(fmap.get('b', true)),
    `yaml's isMap/isPair/isScalar/isSeq: ${RECHECK}`,
  );
});

test("yaml's core schema resolves plain scalars with the tags the fast reader tries, in that order", () => {
  const tags = new Document().schema.tags
    .filter((t): t is ScalarTag => t.default === true && !t.collection && !!t.test)
    .map((t) => `${t.tag}${t.format ? `:${t.format}` : ''}`);
  const y = 'tag:yaml.org,2002:';
  assert.deepEqual(
    tags,
    [`${y}null`, `${y}bool`, `${y}int:OCT`, `${y}int`, `${y}int:HEX`, `${y}float`, `${y}float:EXP`, `${y}float`],
    `yaml's core scalar tags changed: ${RECHECK}`,
  );
});

/** A node's properties as yaml builds them: its own, plus those of the fast reader's prototype. */
function properties(node: object, viaProto: boolean): Map<string | symbol, PropertyDescriptor> {
  const out = new Map<string | symbol, PropertyDescriptor>();
  const sources = viaProto ? [Object.getPrototypeOf(node) as object, node] : [node];
  for (const o of sources) for (const k of Reflect.ownKeys(o)) out.set(k, Object.getOwnPropertyDescriptor(o, k)!);
  return out;
}

function assertBuiltAlike(fast: unknown, slow: unknown, path: string): void {
  if (slow === null || typeof slow !== 'object') {
    assert.equal(fast, slow, `${path}: ${RECHECK}`);
    return;
  }
  assert.ok(fast !== null && typeof fast === 'object', `${path}: the fast reader has no node where yaml has one`);
  const cls = Object.getPrototypeOf(slow) as object;
  // A node yaml built itself (a core tag's resolve() gives `new Scalar(true)` for a bool) has the
  // class's prototype; the fast reader's own nodes have one of its prototypes, which inherit it.
  const own = Object.getPrototypeOf(fast) === cls;
  assert.ok(
    own || Object.getPrototypeOf(Object.getPrototypeOf(fast) as object) === cls,
    `${path}: a fast node's prototype does not inherit ${cls.constructor.name}.prototype: ${RECHECK}`,
  );
  const f = properties(fast, !own);
  const s = properties(slow, false);
  const names = (m: Map<string | symbol, PropertyDescriptor>) => [...m.keys()].map(String).sort();
  assert.deepEqual(names(f), names(s), `${path}: the properties of a ${cls.constructor.name} differ from yaml's: ${RECHECK}`);
  for (const [k, sd] of s) {
    const fd = f.get(k)!;
    const flags = (d: PropertyDescriptor) => ({ writable: d.writable, enumerable: d.enumerable, configurable: d.configurable });
    assert.deepEqual(flags(fd), flags(sd), `${path}.${String(k)}: property flags differ from yaml's: ${RECHECK}`);
    if (k === 'schema') {
      const fs = fd.value as { constructor: unknown; name: string };
      const ss = sd.value as { constructor: unknown; name: string };
      assert.ok(fs.constructor === ss.constructor && fs.name === ss.name, `${path}.schema: ${RECHECK}`);
    } else if (k === 'items') {
      const fi = fd.value as unknown[];
      const si = sd.value as unknown[];
      assert.equal(fi.length, si.length, `${path}.items`);
      si.forEach((x, i) => assertBuiltAlike(fi[i], x, `${path}.items[${i}]`));
    } else if (k === 'key' || (k === 'value' && isPair(slow))) assertBuiltAlike(fd.value, sd.value, `${path}.${k}`);
    else assert.deepEqual(fd.value, sd.value, `${path}.${String(k)}: ${RECHECK}`);
  }
}

test("the fast reader's nodes are built as yaml's parser builds them: same prototypes, own keys and symbol-keyed properties", () => {
  const fast = fastParseChunk(TEXT);
  assert.ok(fast, 'the fast reader reads the canary text');
  const slow = parseAllDocuments(TEXT, OPTIONS)[0] as Document.Parsed;
  assert.deepEqual([...slow.errors, ...slow.warnings], []);
  assertBuiltAlike(fast.contents, slow.contents, 'contents');
});
