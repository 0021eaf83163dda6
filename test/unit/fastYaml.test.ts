import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { splitDocuments } from '../../server/src/core/yaml/documents';
import { fastParseChunk } from '../../server/src/core/yaml/fastYaml';
import { checkChunkReader, diffChunk } from '../fuzz/fastYamlDiff';

const root = path.join(__dirname, '..', '..');

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(e.name) && fs.statSync(p).size < 1_000_000) out.push(p);
  }
  return out;
}

test('the fast reader reads generated YAML exactly as yaml does, or leaves it to yaml', () => {
  const counts = checkChunkReader(fastParseChunk, (t) => splitDocuments(t), 2000, 20261126);
  // It must actually read ordinary manifests, not bail on everything.
  const m = counts.manifestText;
  assert.ok(m.accepted > 0.6 * (m.accepted + m.bailed), `manifests read fast: ${m.accepted} of ${m.accepted + m.bailed}`);
  const w = counts.crlfManifestText;
  assert.ok(w.accepted > 0.3 * (w.accepted + w.bailed), `CRLF manifests read fast: ${w.accepted} of ${w.accepted + w.bailed}`);
  const b = counts.blockScalarText;
  assert.ok(b.accepted > 0.1 * (b.accepted + b.bailed), `block scalar texts read fast: ${b.accepted} of ${b.accepted + b.bailed}`);
  const e = counts.editedManifestText;
  assert.ok(e.accepted > 0.3 * (e.accepted + e.bailed), `edited manifests read fast: ${e.accepted} of ${e.accepted + e.bailed}`);
});

test('the fast reader agrees with yaml on every example and fixture of the repository', () => {
  let accepted = 0;
  let chunks = 0;
  for (const file of [...yamlFiles(path.join(root, 'examples')), ...yamlFiles(path.join(root, 'test', 'fixtures'))]) {
    const text = fs.readFileSync(file, 'utf8');
    for (const c of splitDocuments(text)) {
      chunks++;
      const r = diffChunk(fastParseChunk, c.text);
      assert.equal(r.diff, undefined, `${path.relative(root, file)} at ${c.start}`);
      if (r.accepted) accepted++;
    }
  }
  assert.ok(accepted > chunks / 2, `${accepted} of ${chunks} chunks read fast`);
});

test('the fast reader gives yaml ranges, scalar types and values', () => {
  const text =
    '---\napiVersion: v1 # c\nkind: "Service"\nspec:\n  ports:\n  - port: 0x1F\n    name: \'it\'\'s\'\n  empty:\n  list: []\n  args: [ --port, "80" , 8080]\n';
  const r = fastParseChunk(text);
  assert.ok(r);
  assert.deepEqual(r.value, {
    apiVersion: 'v1',
    kind: 'Service',
    spec: { ports: [{ port: 31, name: "it's" }], empty: null, list: [], args: ['--port', '80', 8080] },
  });
  assert.equal(diffChunk(fastParseChunk, text).diff, undefined);
});

test('the fast reader leaves what it does not handle to yaml', () => {
  for (const text of [
    'a: &x 1\nb: *x\n',
    'a: !!str 1\n',
    'a: >\n  text\n',
    'a: |+\n  text\n',
    'a: |2\n  text\n',
    'a: | # c\n  text\n',
    'a: |\n  text\n  # inside is text\n # after is a comment\nb: 1\n',
    'a: "esc\\n"\n',
    'a: b\n  c\n',
    'a:\tb\n',
    'a: 1\rb: 2\r',
    'a: 1\na: 2\n',
    '%YAML 1.2\n---\na: 1\n',
    'a: 1\n...\n',
    'a: [1, [2]]\n',
    'a: [x: 1]\n',
    'a: [1, 2,]\n',
    'a: [1,\n  2]\n',
    'a: {b: {c: 1}}\n',
    'a: {b: [1]}\n',
    'a: {b: 1, b: 2}\n',
    'a: {b: 1,}\n',
    'a: {b}\n',
    'a: {b:\n  1}\n',
    'a: {b: 1,\n\n  c: 2}\n',
    'a: {b: 1, # c\n  c: 2}\n',
    'a: {b: x\n  y}\n',
    'a: {b: http://x}\n',
    'x:\n  a: {b: 1,\n  c: 2}\n',
    '? a\n: b\n',
    'a: b: c\n',
    '1: a\n',
    '- - a\n',
    'just a scalar\n',
    '',
    '# only a comment\n',
  ]) {
    assert.equal(fastParseChunk(text), undefined, JSON.stringify(text));
  }
});

/**
 * Flow mappings of scalars over one or several lines (issue 19: a generated `spec: {k0: 0, …}` of
 * 48,000 keys spent a third of its check in yaml's parser), in every context and line end, with
 * what a flow mapping may hold besides: each is read as yaml reads it, or left to yaml.
 */
test('the fast reader reads flow mappings of scalars, on one line or several, exactly as yaml does, or leaves them to yaml', async () => {
  const pick = <T>(good: T[], other: T[]) =>
    fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...other) });
  const key = fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 0, max: 30 }).map((i) => `k${i}`) },
    { weight: 1, arbitrary: fc.constantFrom('"q k"', "'s'", 'true', '1', 'a:b', 'x y', '~', '-a', '"a', 'a#b', 'a #b') },
  );
  const value = pick(
    ['1', 'x', '"s"', "'t'", '~', '0x1F', 'a b', '1.5', 'yes', "'a''b'", '.inf', '-1', 'a-b', 'é'],
    ['', 'http://x', '[1]', '{}', '"a,b"', 'a#b', 'a # c', '-', '- a', '"x"y', '"e\\n"'],
  );
  const sep = pick([', ', ',\n', ',', ' , ', ',  \n'], ['\n,', ',\n\n', ',\n# c\n', ' , \n', ' ']);
  const colon = pick([': '], [':', ' : ', ':  ', ':\n']);
  const text = fc
    .record({
      entries: fc.array(fc.tuple(key, colon, value), { minLength: 1, maxLength: 6 }),
      seps: fc.array(sep, { minLength: 6, maxLength: 6 }),
      open: fc.constantFrom('{', '{ ', '{\n', '{\n\n'),
      close: fc.constantFrom('}', ' }', '\n}', '\n }', '\n  }', '\n   }', ',}', '\n    }'),
      cont: fc.integer({ min: 0, max: 5 }),
      head: fc.constantFrom('spec: ', 'x:\n  spec: ', 'x:\n- ', 'x:\n  - a: 1\n    b: ', 'a: 1\nspec: '),
      after: fc.constantFrom('', ' # c', '  ', ' x'),
      tail: fc.constantFrom('', 'b: 2\n', '  c: 3\n', '# c\n', '    # deep\n'),
      crlf: fc.boolean(),
    })
    .map(({ entries, seps, open, close, cont, head, after, tail, crlf }) => {
      const body = entries.map(([k, c, v], i) => `${k}${c}${v}${i < entries.length - 1 ? seps[i] : ''}`).join('');
      const t = `${head}${(open + body + close).replace(/\n/g, `\n${' '.repeat(cont)}`)}${after}\n${tail}`;
      return crlf ? t.replace(/\n/g, '\r\n') : t;
    });
  let multiLine = 0;
  fc.assert(
    fc.property(text, (t) => {
      const r = diffChunk(fastParseChunk, t);
      assert.equal(r.diff, undefined, JSON.stringify(t));
      if (r.accepted && /\{[^}]*\n[^}]*\}/.test(t)) multiLine++;
    }),
    { numRuns: 4000, seed: 19 },
  );
  assert.ok(multiLine > 200, `${multiLine} multi-line flow mappings read fast`);
  // The scaling input reads fast; with repeated keys it is left to yaml (which reports them).
  const { flowMap } = (await import(pathToFileURL(path.join(root, 'scripts/scaling-inputs.mjs')).href)) as {
    flowMap(n: number, o?: { duplicates?: boolean }): string;
  };
  const r = diffChunk(fastParseChunk, flowMap(1000));
  assert.deepEqual(r, { accepted: true });
  assert.equal(fastParseChunk(flowMap(1000, { duplicates: true })), undefined);
});
