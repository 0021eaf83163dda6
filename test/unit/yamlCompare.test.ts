import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isCollection, isMap, isScalar, parseAllDocuments, visit, type Document, type Scalar, type YAMLMap } from 'yaml';
import { compareDocuments } from '../fuzz/yamlCompare';
import { checkFastParser, OPTIONS } from '../fuzz/fastYamlDiff';
import { manifestText, yamlText } from '../fuzz/yamlText';

const parse = (text: string) => Array.from(parseAllDocuments(text, OPTIONS) as Iterable<Document.Parsed>);

/** Two independent parses of `text`, the first changed by `edit`, and the comparator's verdict. */
function differenceAfter(text: string, edit: (docs: Document.Parsed[]) => void): string | undefined {
  const fast = parse(text);
  const slow = parse(text);
  edit(fast);
  return compareDocuments(fast, slow);
}

const MANIFEST = [
  '# head comment',
  '',
  'apiVersion: kuma.io/v1alpha1',
  'kind: MeshService',
  '',
  'metadata:',
  '  name: web # trailing',
  '  port: 0x1F',
  'spec:',
  '  ports:',
  '  - port: 80',
  '',
].join('\n');

function pairValue(doc: Document.Parsed, ...path: string[]): unknown {
  return doc.getIn(path, true);
}

test('identical parses are equal', () => {
  assert.equal(compareDocuments(parse(MANIFEST), parse(MANIFEST)), undefined);
  assert.equal(compareDocuments([], []), undefined);
});

test('the comparator finds a difference in a comment, range, scalar type, spaceBefore, doc commentBefore and format', () => {
  const cases: [string, (docs: Document.Parsed[]) => void, RegExp][] = [
    [
      'comment',
      (d) => ((pairValue(d[0], 'metadata', 'name') as Scalar).comment = ' other'),
      /^doc\[0\]\.contents\.items\[2\]\.value\.items\[0\]\.value\.comment: " other" vs " trailing"$/,
    ],
    [
      'range offset',
      (d) => ((pairValue(d[0], 'kind') as Scalar).range![1] += 1),
      /^doc\[0\]\.contents\.items\[1\]\.value\.range\[1\]: 63 vs 62$/,
    ],
    [
      'scalar type',
      (d) => ((pairValue(d[0], 'kind') as Scalar).type = 'QUOTE_DOUBLE'),
      /\.items\[1\]\.value\.type: "QUOTE_DOUBLE" vs "PLAIN"$/,
    ],
    [
      'spaceBefore',
      (d) => delete ((d[0].contents as YAMLMap).items[2].key as Scalar).spaceBefore,
      /\.items\[2\]\.key\.spaceBefore: undefined vs true$/,
    ],
    ['doc commentBefore', (d) => (d[0].commentBefore = null), /^doc\[0\]\.commentBefore: null vs " head comment"$/],
    ['format', (d) => delete (pairValue(d[0], 'metadata', 'port') as Scalar).format, /\.value\.format: undefined vs "HEX"$/],
    ['forgotten anchor', (d) => ((pairValue(d[0], 'kind') as Scalar).anchor = 'a'), /\.items\[1\]\.value\.anchor: "a" vs undefined$/],
    [
      'node class',
      (d) => d[0].setIn(['spec', 'ports'], d[0].createNode('x')),
      /\.items\[3\]\.value\.items\[0\]\.value: Scalar .* vs YAMLSeq/,
    ],
    ['document count', (d) => d.pop(), /^document count: 0 vs 1$/],
    [
      'error list',
      (d) => d[0].errors.push(d[0].errors[0] ?? (Object.assign(new Error('x'), { code: 'X' }) as never)),
      /^doc\[0\]\.errors\.length: 1 vs 0/,
    ],
    [
      'option value',
      (d) => ((d[0].options as { uniqueKeys: boolean }).uniqueKeys = false),
      /^doc\[0\]\.options\.uniqueKeys: false vs true$/,
    ],
  ];
  for (const [what, edit, expected] of cases) {
    const d = differenceAfter(MANIFEST, edit);
    assert.ok(d !== undefined, `${what}: no difference found`);
    assert.match(d, expected, what);
  }
});

test('scalar values compare with Object.is (NaN equals NaN, -0 differs from 0)', () => {
  assert.equal(compareDocuments(parse('a: .nan\nb: -0.0\n'), parse('a: .nan\nb: -0.0\n')), undefined);
  const d = differenceAfter('b: -0.0\n', (docs) => ((pairValue(docs[0], 'b') as Scalar).value = 0));
  assert.match(d ?? '', /\.value: 0 vs -0$/);
});

test('toString and toJS are compared, and equal throws count as equal', () => {
  // An unresolved alias makes toJS throw on both sides: equal.
  assert.equal(compareDocuments(parse('a: *x\n'), parse('a: *x\n')), undefined);
  // A document with errors cannot be stringified: both throw, equal.
  assert.equal(compareDocuments(parse('a: [\n'), parse('a: [\n')), undefined);
  // A difference only toString sees (the tree walk does not look at an option it skips here).
  const fast = parse('a: 1\n');
  const slow = parse('a: 1\n');
  Object.defineProperty(fast[0], 'toString', { value: () => 'a: 2\n', enumerable: false });
  assert.match(compareDocuments(fast, slow) ?? '', /^doc\[0\]\.toString\(\): "a: 2\\n" vs "a: 1\\n"$/);
});

test('two independent parses of generated texts are equal (no spurious differences)', () => {
  for (const text of fc.sample(yamlText, { numRuns: 200, seed: 7 })) {
    assert.equal(compareDocuments(parse(text), parse(text)), undefined, JSON.stringify(text));
  }
});

test('yamlText: 500 texts parse without throwing and cover the YAML features', () => {
  const seen = {
    blockScalar: 0,
    flow: 0,
    anchor: 0,
    alias: 0,
    comment: 0,
    crlf: 0,
    escapes: 0,
    tags: 0,
    directives: 0,
    multiDoc: 0,
    noErrors: 0,
  };
  for (const text of fc.sample(yamlText, { numRuns: 500, seed: 20261126 })) {
    const docs = parse(text);
    if (docs.every((d) => d.errors.length === 0)) seen.noErrors++;
    if (text.includes('\r\n')) seen.crlf++;
    if (/"[^"\n]*\\[ntux"\\][^"\n]*"/.test(text)) seen.escapes++;
    if (/^%(YAML|TAG) /m.test(text)) seen.directives++;
    if (docs.length > 1) seen.multiDoc++;
    const found = new Set<string>();
    for (const doc of docs) {
      if (doc.commentBefore || doc.comment) found.add('comment');
      visit(doc, {
        Node(_, node) {
          if (node.comment || node.commentBefore) found.add('comment');
          if (node.anchor) found.add('anchor');
          if (node.tag) found.add('tags');
          if (isCollection(node) && node.flow) found.add('flow');
          if (isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED')) found.add('blockScalar');
        },
        Alias() {
          found.add('alias');
        },
      });
    }
    for (const f of found) seen[f as keyof typeof seen]++;
  }
  for (const [feature, n] of Object.entries(seen)) assert.ok(n >= 10, `${feature} in only ${n} of 500 texts`);
  assert.ok(seen.noErrors >= 100, `only ${seen.noErrors} of 500 texts parse without errors`);
});

test('manifestText: ordinary manifests that parse without errors', () => {
  for (const text of fc.sample(manifestText, { numRuns: 200, seed: 3 })) {
    const docs = parse(text);
    assert.deepEqual(
      docs.flatMap((d) => d.errors.map((e) => e.message)),
      [],
      JSON.stringify(text),
    );
    assert.ok(docs.length >= 1 && docs.every((d) => isMap(d.contents) || d.contents?.constructor.name === 'YAMLSeq'), JSON.stringify(text));
    assert.doesNotMatch(text, /[|>][-+]?$|&\w|\*\w|\r|\t|^%|^\.\.\./m, 'only ordinary syntax');
  }
});

test('checkFastParser passes a toy parser that bails on comments and counts', () => {
  const toy = (text: string) => (text.includes('#') ? undefined : parse(text));
  const counts = checkFastParser(toy, 150, 42);
  for (const c of [counts.yamlText, counts.manifestText]) {
    assert.equal(c.accepted + c.bailed, 150);
    assert.ok(c.accepted > 0 && c.bailed > 0, JSON.stringify(counts));
  }
});

test('checkFastParser catches a toy parser that drops comments, and one that throws', () => {
  const dropComments = (text: string) => {
    const docs = parse(text);
    for (const doc of docs) {
      doc.comment = null;
      doc.commentBefore = null;
      visit(doc, {
        Node(_, node) {
          delete node.comment;
          delete node.commentBefore;
        },
      });
    }
    return docs;
  };
  assert.throws(() => checkFastParser(dropComments, 100, 42), /fast parser differs on ".*": doc\[\d+\]\..*omment/s);
  const throws = (text: string) => {
    if (text.includes('---')) throw new Error('boom');
    return undefined;
  };
  assert.throws(() => checkFastParser(throws, 100, 42), /fast parser threw on ".*---.*": Error: boom/s);
});
