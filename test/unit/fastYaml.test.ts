import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
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
