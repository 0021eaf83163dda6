import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLanguageService } from '../../server/src/core/host/languageService';
import { MAX_FILE_CHARS } from '../../server/src/core/yaml/limits';
import { deepNesting, huge, longLine, longName, manyDocuments } from '../fixtures/hostile/generate';
import { badRanges, exercise, SETTINGS } from '../fuzz/features';

/**
 * The large hostile inputs, generated here (never committed), through the core. The 50 MB file
 * runs through the CLI only (test/cli/hostile.test.ts); here a file just over the limit.
 */

function seen(text: string) {
  const service = createLanguageService();
  const uri = 'file:///ws/large.yaml';
  service.setFile(uri, text, 'open');
  const started = Date.now();
  const a = service.diagnose(uri, text, SETTINGS);
  // The upgrade hints of these 2.x inputs (what Kuma 3.0 drops) aside: what is asserted is their problems.
  const problems = a.diagnostics.filter((d) => d.severity !== 'hint');
  return { service, uri, a, ms: Date.now() - started, diags: problems.map((d) => [d.code, text.slice(d.range.start, d.range.end)]) };
}

test('1,000 levels of block nesting: one yaml-limit error, and the features still answer', () => {
  const text = deepNesting(1000);
  const { service, uri, diags } = seen(text);
  // At the key where the nesting passes 100 levels, or where the parser ran out of stack.
  assert.equal(diags.length, 1);
  assert.equal(diags[0][0], 'yaml-limit');
  assert.match(diags[0][1], /^k\d+$/);
  assert.ok(Number(diags[0][1].slice(1)) >= 100, diags[0][1]);
  const mid = text.indexOf('k500');
  assert.deepEqual(badRanges(text, exercise(service, uri, text, [0, mid, text.length])), []);
});

test('a 1 MB line is read like any other', () => {
  const text = longLine();
  const { diags } = seen(text);
  assert.deepEqual(diags, []);
});

test('a 1 MB name: the name errors cover it, their messages stay short', () => {
  const text = longName();
  const { a, diags } = seen(text);
  const name = 'a'.repeat(1024 * 1024);
  assert.deepEqual(diags, [
    ['name-invalid', name],
    ['name-too-long', name],
    ['name-rfc1035-deprecated', name],
  ]);
  for (const d of a.diagnostics) assert.ok(d.message.length < 400, d.message.slice(0, 100));
  assert.match(a.diagnostics[2].message, /'a{100}… \(1048576 characters\) …a{10}'/);
});

test('100,000 documents: checked, and the one bad MeshService found', () => {
  const text = manyDocuments(100_000);
  const { a, diags, service, uri } = seen(text);
  // Empty documents after a `---` count too: the marker makes a document.
  assert.equal(a.documents.length, 100_000);
  assert.deepEqual(diags, [['app-protocol-unsupported', 'websocket']]);
  assert.equal(service.index().meshServices.length, 1000);
  assert.deepEqual(badRanges(text, exercise(service, uri, text, [0, text.length >> 1, text.length])), []);
});

test('a file over the size limit is not parsed: one error when it holds Kuma resources, nothing otherwise', () => {
  const text = huge(MAX_FILE_CHARS / (1024 * 1024) + 1);
  const { a, diags } = seen(text);
  assert.equal(a.skipped?.reason, 'too-large');
  assert.deepEqual(diags, [['yaml-limit', 'type: MeshService']]);
  assert.match(a.diagnostics[0].message, /The file is 11\.0 MB: files over 10\.0 MB are not checked/);
  const other = 'x: 1\n'.repeat(MAX_FILE_CHARS / 5 + 1);
  assert.deepEqual(seen(other).diags, []);
});

test(
  'a 100,000-digit serviceProbe interval is reported, not matched digit by digit against the duration pattern',
  { timeout: 60_000 },
  () => {
    const digits = '1'.repeat(100_000);
    const text = `type: Dataplane\nname: dp\nmesh: default\nnetworking:\n  address: 10.0.0.1\n  inbound:\n  - port: 80\n    tags:\n      kuma.io/service: web\n    serviceProbe:\n      interval: "${digits}x"\n`;
    const { a, diags } = seen(text);
    assert.deepEqual(diags, [['schema-constraint', `"${digits}x"`]]);
    assert.ok(a.diagnostics[0].message.length < 400);
  },
);
