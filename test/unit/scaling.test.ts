// Issue 19: the inputs whose checks cost more than linear time (scripts/scaling-inputs.mjs) still
// get every finding after the checks were made linear. Timing is the bench's job
// (`npm run scaling`); these tests assert diagnostics and, where a stage can be instrumented,
// how much work it does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { isMap, isScalar, parseAllDocuments, type Document, type Pair, type YAMLMap } from 'yaml';
import { diagnose, withCode } from '../helpers';
import { createLanguageService } from '../../server/src/core/host/languageService';
import { parseChunk, parseTrees } from '../../server/src/core/yaml/documents';
import { SchemaValidators } from '../../server/src/core/schema/validation';
import { checkTemplate } from '../../server/src/core/diagnostics/rules/goTemplate';
import { yamlText } from '../fuzz/yamlText';

const ROOT = path.resolve(__dirname, '../..');

interface Inputs {
  unknownKeys(n: number): string;
  helmBlocks(n: number): string;
  flowMap(n: number, opts?: { duplicates?: boolean }): string;
  templateActions(n: number): string;
  badTargetPorts(n: number): string;
}
const inputs = async () => (await import(pathToFileURL(path.join(ROOT, 'scripts/scaling-inputs.mjs')).href)) as Inputs;

const DUP_MESSAGE = (key: string) => `Duplicate key "${key}": a key may appear only once in a mapping. Remove or rename one of them.`;

test('n unknown keys under spec: exactly one schema-unknown-key each, on its key', async () => {
  const { unknownKeys } = await inputs();
  const n = 400;
  // The 2.x upgrade hint of the input's dataplaneTags aside.
  const d = diagnose(unknownKeys(n)).filter((x) => x.severity !== 'hint');
  const unknown = withCode(d, 'schema-unknown-key');
  assert.equal(d.length, n, 'nothing but the unknown keys');
  assert.deepEqual(
    unknown.map((x) => x.text),
    Array.from({ length: n }, (_, i) => `unknownKey${i}`),
  );
  assert.deepEqual(
    unknown.map((x) => x.path),
    Array.from({ length: n }, (_, i) => `spec.unknownKey${i}`),
  );
  for (const x of unknown) assert.match(x.message, /^Unknown key "unknownKey\d+" in spec: MeshService \(Kuma 2\.14\) does not define it\./);
});

test('placing n unknown-key errors reads each pair of their mapping O(1) times, not O(n) times each', async () => {
  const { unknownKeys } = await inputs();
  const n = 2000;
  const [pd] = parseChunk(unknownKeys(n));
  const root = pd.contents as YAMLMap;
  const spec = (root.items as Pair[]).find((p) => isScalar(p.key) && p.key.value === 'spec')!.value as YAMLMap;
  assert.ok(isMap(spec));
  let reads = 0;
  spec.items = new Proxy(spec.items, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && /^\d+$/.test(prop)) reads++;
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  const problems = new SchemaValidators().validate('2.14', 'MeshService', 'kubernetes', pd.value, root, pd.range);
  assert.equal(problems.filter((p) => p.code === 'schema-unknown-key').length, n);
  // A scan per error reads about n²/2 = 2,000,000 pairs here.
  assert.ok(reads <= 4 * n, `${reads} reads of spec's ${n + 3} pairs`);
});

test('a flow mapping of n keys: every repeated key gets yaml-duplicate-key on its second occurrence, every unknown key one error', async () => {
  const { flowMap } = await inputs();
  const n = 1000;
  const text = flowMap(n, { duplicates: true });
  const d = diagnose(text);
  const dups = withCode(d, 'yaml-duplicate-key');
  const repeated = Array.from({ length: n / 100 }, (_, i) => `k${100 * i + 98}`);
  assert.deepEqual(
    dups.map((x) => x.text),
    repeated,
  );
  assert.deepEqual(
    dups.map((x) => x.message),
    repeated.map(DUP_MESSAGE),
  );
  // On the second occurrence of the key.
  const starts = createLanguageService()
    .analyze(text, { kumaVersion: '2.14', validate: true })
    .diagnostics.filter((x) => x.code === 'yaml-duplicate-key')
    .map((x) => x.range.start);
  assert.deepEqual(
    starts,
    repeated.map((key) => text.indexOf(`${key}: `, text.indexOf(`${key}: `) + 1)),
  );
  const unknown = withCode(d, 'schema-unknown-key');
  assert.equal(unknown.length, n - n / 100, 'one per distinct key');
  assert.equal(new Set(unknown.map((x) => x.text)).size, unknown.length);
});

test('duplicate keys are reported exactly as yaml reports them with uniqueKeys: true (message, position, order)', () => {
  const options = { prettyErrors: false, uniqueKeys: true, keepSourceTokens: false, logLevel: 'error' } as const;
  const errors = (docs: Document.Parsed[]) => docs.map((doc) => doc.errors.map((e) => [e.code, e.pos, e.message]));
  const texts = [
    'a: 1\na: 2\n',
    '{a: 1, a: 2}\n',
    '&x a: 1\n!!str a: 2\n',
    '? a\n: 1\n? a\n: 2\n',
    ': 1\n: 2\n',
    '.nan: 1\n.nan: 2\n',
    '1: a\n"1": b\n1: c\n',
    '{a: [1, {b: 1, b: 2}], a: 3}\n',
    '%YAML 1.1\n---\n!!set\n? a\n? a\n',
    '? {a: 1, a: 2}\n: v\n',
    'a: &q 1\n*q : 2\n*q : 3\n',
    '{a: 1, a: {b: 1 b: 2}}\n',
    'x:\n  - 1\n  -\ny: 1\n~: 2\nnull: 3\n',
    'a: 1\n---\nb: 1\nb: 2\n---\nc: 1\nc: 2\n',
    ...fc.sample(yamlText, { numRuns: 3000, seed: 19 }),
  ];
  let withDuplicates = 0;
  for (const text of texts) {
    const want = Array.from(parseAllDocuments(text, options) as Iterable<Document.Parsed>).filter(
      (doc) => !(doc.contents === null && doc.errors.length === 0),
    );
    if (want.some((doc) => doc.errors.some((e) => e.code === 'DUPLICATE_KEY'))) withDuplicates++;
    assert.deepEqual(errors(parseTrees(text)), errors(want), JSON.stringify(text));
  }
  assert.ok(withDuplicates > 200, `${withDuplicates} texts with duplicate keys`);
});

test('a Helm-templated MeshService with n {{- if }} blocks: one templated-yaml note, nothing else', async () => {
  const { helmBlocks } = await inputs();
  for (const n of [1, 500]) {
    const d = diagnose(helmBlocks(n));
    assert.deepEqual(
      d.map((x) => [x.code, x.text]),
      [['templated-yaml', '{{ .Values.name }}']],
      `n = ${n}`,
    );
  }
});

test('a HostnameGenerator template of n actions: the same error as before, and parse errors on the right line', async () => {
  const { templateActions } = await inputs();
  const d = diagnose(templateActions(500));
  assert.deepEqual(
    d.map((x) => x.code),
    ['hostname-generator-invalid'],
  );
  assert.match(d[0].message, /^template renders to "displayname\\ndisplayname.*\(6500 characters\).*which is not a valid DNS name/);
  // Lines counted on from token to token: an error after 2,000 lines of actions is on line 2,001.
  assert.deepEqual(checkTemplate('{{ .DisplayName }}\n'.repeat(2000) + '{{ [ }}'), {
    parseError: `template: :2001: unexpected "[" in command`,
  });
  assert.deepEqual(checkTemplate('a\n\nb {{ .X'), { parseError: 'template: :3: unclosed action' });
});

test('n ports with targetPort: true: each gets the message one port gets ("an integer or a string")', async () => {
  const { badTargetPorts } = await inputs();
  for (const n of [1, 3, 300]) {
    const d = diagnose(badTargetPorts(n)).filter((x) => x.severity !== 'hint');
    assert.deepEqual(
      d.map((x) => [x.code, x.text, x.message]),
      Array.from({ length: n }, () => ['schema-type', 'true', 'Expected an integer or a string but got boolean true.']),
      `n = ${n}`,
    );
  }
});

test('a templated Kuma document is found by a scan and the fast reader, not parsed by yaml: the note, and the facts of what is not template', async () => {
  const { helmBlocks } = await inputs();
  const n = 2000;
  const text = helmBlocks(n);
  const [pd, ...rest] = parseChunk(text);
  assert.equal(rest.length, 0);
  assert.deepEqual(pd.classification, { role: 'kuma', kind: 'MeshService', form: 'kubernetes' });
  assert.deepEqual(pd.template && text.slice(pd.template.start, pd.template.end), '{{ .Values.name }}');
  // yaml's parse of this text makes 8 errors a block (16,000 here), and took 2 s at 20,000 blocks.
  assert.deepEqual(pd.errors, []);
  const ports = (pd.value as { spec: { ports: { targetPort: number }[] } }).spec.ports;
  assert.equal(ports.length, n);
  assert.equal(ports[n - 1].targetPort, 1024 + n - 1);
  // The exact tree is still yaml's, when a feature asks for it.
  assert.ok(pd.doc.errors.length > 0);
});

test('templated documents the scan does not take are parsed by yaml as before: a HostnameGenerator, one starting with an action', () => {
  const hg =
    'type: HostnameGenerator\nname: {{ .Values.name }}\nspec:\n  selector:\n    meshService:\n      matchLabels:\n        kuma.io/origin: zone\n  template: "{{ .DisplayName }}.mesh"\n';
  assert.deepEqual(
    diagnose(hg).map((x) => [x.code, x.text]),
    [['templated-yaml', '{{ .Values.name }}']],
  );
  assert.equal(parseChunk(hg)[0].template, undefined);
  const control = '{{- if .Values.enabled }}\ntype: MeshService\nname: web\nmesh: default\n{{- end }}\n';
  assert.deepEqual(diagnose(control), []);
  assert.equal(parseChunk(control)[0].classification.role, 'other');
});
