import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLanguageService } from '../../server/src/core/host/languageService';
import { applyFileConversion, CONVERSIONS, convertFile, type Conversion } from '../../server/src/core/convert/driver';
import { actionEdits, conversionActions } from '../../server/src/core/convert/actions';
import { applyEdits } from '../../server/src/core/convert/format';
import { fileText } from '../../server/src/core/convert/fileText';
import { parseChunk } from '../../server/src/core/yaml/documents';
import { isKumaVersion } from '../../server/src/core/kuma/versions';
import { assertGolden } from '../helpers';

/**
 * Whole files through the one driver (`convertFile`), as the palette, the code actions and
 * `kuma-lint convert --write` run it. Fixtures `file-<conversion>-<case>/`: input.yaml (read as
 * bytes: a BOM and CRLF line ends are part of the case), optional `version` and `namespace`.
 */
const DIR = join('test', 'fixtures', 'convert');

function conversionOf(name: string): Conversion {
  const rest = name.slice('file-'.length);
  const c = [...CONVERSIONS].sort((a, b) => b.length - a.length).find((x) => rest.startsWith(`${x}-`));
  assert.ok(c, `${name}: no conversion in the folder name`);
  return c;
}

const bareLf = (s: string) => (s.match(/(^|[^\r])\n/g) ?? []).length;

for (const name of readdirSync(DIR).filter((d) => d.startsWith('file-'))) {
  test(`golden ${name}`, () => {
    const dir = join(DIR, name);
    const input = readFileSync(join(dir, 'input.yaml'), 'utf8');
    const v = existsSync(join(dir, 'version')) ? readFileSync(join(dir, 'version'), 'utf8').trim() : '2.14';
    assert.ok(isKumaVersion(v));
    const namespace = existsSync(join(dir, 'namespace')) ? readFileSync(join(dir, 'namespace'), 'utf8').trim() : undefined;
    const service = createLanguageService();
    service.setFile('file:///ws/input.yaml', input, 'open');
    const r = convertFile(service, input, { kumaVersion: v, validate: false }, conversionOf(name), namespace ? { namespace } : {});
    assert.ok(r.edits.length > 0, 'the conversion changes the file');
    const out = applyFileConversion(input, r);
    assertGolden(join(dir, 'expected.yaml'), out);
    // What the file was made of is kept: its BOM and its line ends.
    assert.equal(out.startsWith('\uFEFF'), input.startsWith('\uFEFF'), 'the BOM');
    if (input.includes('\r\n')) assert.equal(bareLf(out), 0, 'no bare LF in a CRLF file');
    // The same conversion as of the file with LF line ends and no BOM.
    const plain = fileText(input).text;
    const lf = applyFileConversion(
      plain,
      convertFile(createLanguageService(), plain, { kumaVersion: v, validate: false }, conversionOf(name), namespace ? { namespace } : {}),
    );
    assert.equal(fileText(out).text, lf);
  });
}

test('the code actions of a CRLF file with a BOM edit it with CRLF line ends and keep the BOM', () => {
  const input = readFileSync(join(DIR, 'file-service-to-meshservice-bom-crlf', 'input.yaml'), 'utf8');
  const service = createLanguageService();
  const settings = { kumaVersion: '2.14' as const, validate: false };
  const at = input.indexOf('kind: Service');
  const actions = conversionActions(service, input, { start: at, end: at }, settings);
  const titles = actions.map((a) => a.title);
  for (const title of [
    'Add the MeshService',
    'Replace this Service with a MeshService (Kubernetes form)',
    'Replace this Service with a MeshService (Universal form)',
  ]) {
    const a = actions.find((x) => x.title.startsWith(title));
    assert.ok(a, `${title} in ${titles.join(' | ')}`);
    const out = applyEdits(input, actionEdits(a));
    assert.ok(out.startsWith('\uFEFF'), `${title}: the BOM`);
    assert.equal(bareLf(out), 0, `${title}: no bare LF`);
  }
  // The action adds what the file conversion adds.
  const add = actions.find((x) => x.title.startsWith('Add the MeshService'))!;
  assert.equal(
    applyEdits(input, actionEdits(add)),
    applyFileConversion(input, convertFile(service, input, settings, 'service-to-meshservice')),
  );
  // The cursor maps onto the right document: on the ConfigMap there is nothing to convert.
  const onConfig = input.indexOf('kind: ConfigMap');
  assert.deepEqual(conversionActions(service, input, { start: onConfig, end: onConfig }, settings), []);
});

test('a Universal resource in a CRLF file converts on its code action with CRLF line ends', () => {
  const input = readFileSync(join(DIR, 'file-to-kubernetes-crlf', 'input.yaml'), 'utf8');
  const service = createLanguageService();
  const at = input.indexOf('name: web');
  const actions = conversionActions(service, input, { start: at, end: at }, { kumaVersion: '2.14', validate: false });
  const a = actions.find((x) => x.title === 'Convert to Kubernetes format');
  assert.ok(a, actions.map((x) => x.title).join(' | '));
  const out = applyEdits(input, actionEdits(a));
  assert.match(out, /^# a Universal MeshService with CRLF line ends\r\napiVersion: kuma\.io\/v1alpha1\r\nkind: MeshService\r\n/);
  assert.equal(bareLf(out), 0);
});

test('fileText maps offsets both ways around a BOM and CRs', () => {
  const file = '\uFEFFa: 1\r\nb: 2\r\n\r\nc: 3\n';
  const f = fileText(file);
  assert.equal(f.text, 'a: 1\nb: 2\n\nc: 3\n');
  assert.equal(f.eol, '\r\n');
  for (let i = 0; i <= f.text.length; i++)
    assert.equal(f.fromFile(f.toFile([{ range: { start: i, end: i }, newText: '' }])[0].range.start), i);
  assert.equal(f.fromFile(0), 0);
  assert.equal(f.fromFile(file.indexOf('b')), f.text.indexOf('b'));
  const [e] = f.toFile([{ range: { start: f.text.indexOf('c'), end: f.text.indexOf('c') }, newText: 'x: 0\ny: 0\n' }]);
  assert.equal(applyEdits(file, [e]), '\uFEFFa: 1\r\nb: 2\r\n\r\nx: 0\r\ny: 0\r\nc: 3\n');
  assert.equal(fileText('a: 1\n').text, 'a: 1\n');
});

const ANCHORED = 'type: MeshService\nname: a\nmesh: default\nlabels: &l\n  team: x\n  env: prod\nspec:\n  ports:\n    - port: 80\n';

test('to-kubernetes never drops an alias: one to an anchor of another document is left as is, with the reason', () => {
  // Anchors do not reach across `---`: `*l` in the second document is broken YAML; it used to lose its labels.
  const second = 'type: MeshService\nname: b\nmesh: default\nlabels: *l\nspec:\n  ports:\n    - port: 81\n';
  const input = `${ANCHORED}---\n${second}`;
  const service = createLanguageService();
  const r = convertFile(service, input, { kumaVersion: '2.14', validate: false }, 'to-kubernetes', { namespace: 'shop' });
  const out = applyFileConversion(input, r);
  assert.ok(out.endsWith(`---\n${second}`), out);
  assert.match(out, /^apiVersion: kuma\.io\/v1alpha1\n[^]*labels: &l\n {4}kuma\.io\/mesh: default\n {4}team: x\n {4}env: prod\n/);
  assert.equal(r.rewritten.length, 1);
  assert.ok(
    r.details.some((d) => d.includes('(line 11): The alias *l at labels has no anchor &l')),
    r.details.join('\n'),
  );
});

test('an alias the conversion reads is resolved: to-kubernetes keeps labels that are an alias', () => {
  const input =
    'type: MeshService\nname: a\nmesh: default\nspec:\n  selector:\n    dataplaneTags: &l\n      team: x\n  ports:\n    - port: 80\nlabels: *l\n';
  const r = convertFile(createLanguageService(), input, { kumaVersion: '2.14', validate: false }, 'to-kubernetes', { namespace: 'shop' });
  const out = applyFileConversion(input, r);
  const doc = parseChunk(out)[0];
  assert.deepEqual((doc.value as { metadata: { labels: unknown } }).metadata.labels, { 'kuma.io/mesh': 'default', team: 'x' });
  assert.deepEqual((doc.value as { spec: { selector: unknown } }).spec.selector, { dataplaneTags: { team: 'x' } });
});

test('aliases the conversion does not touch stay aliases, and no note is given for them', () => {
  const input = 'type: MeshService\nname: a\nmesh: default\nspec:\n  ports:\n    - port: &p 80\n      targetPort: *p\n';
  const r = convertFile(createLanguageService(), input, { kumaVersion: '2.14', validate: false }, 'to-kubernetes', { namespace: 'shop' });
  assert.match(applyFileConversion(input, r), /- port: &p 80\n {6}targetPort: \*p\n$/);
  assert.ok(!r.details.some((d) => d.includes('written out')), r.details.join('\n'));
});

test('an edited anchored node: the conversion says which aliases it wrote out', () => {
  const input = readFileSync(join(DIR, 'format-uni-anchors', 'input.yaml'), 'utf8');
  const r = convertFile(createLanguageService(), input, { kumaVersion: '2.14', validate: false }, 'to-kubernetes', { namespace: 'shop' });
  assert.ok(
    r.details.some((d) => d.includes('The alias *labels at spec.selector.dataplaneTags was written out')),
    r.details.join('\n'),
  );
});
