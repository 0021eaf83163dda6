// At most 1,000 problems per YAML document (issue 19): the first 1,000 in the order of the file,
// then one problem-limit diagnostic saying how many more there are. Through the diagnose pipeline,
// which the editor and kuma-lint share.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createLanguageService } from '../../server/src/core/host/languageService';
import { limitHints, limitProblems, MAX_DOCUMENT_PROBLEMS } from '../../server/src/core/diagnostics/limit';
import type { Settings } from '../../server/src/core/host/model';

const ROOT = path.resolve(__dirname, '../..');
const inputs = async () =>
  (await import(pathToFileURL(path.join(ROOT, 'scripts/scaling-inputs.mjs')).href)) as { unknownKeys(n: number): string };

function check(text: string, severity: Settings['severity'] = {}) {
  const service = createLanguageService();
  service.setFile('file:///ws/big.yaml', text, 'open');
  const d = service.diagnose('file:///ws/big.yaml', text, { kumaVersion: '2.14', validate: true, severity }).diagnostics;
  // The input's dataplaneTags hint (the upgrade lint) is no problem: it neither counts nor is limited.
  return d
    .filter((x) => x.severity !== 'hint')
    .map((x) => ({
      code: x.code,
      severity: x.severity,
      text: text.slice(x.range.start, x.range.end),
      message: x.message,
      document: x.document,
    }));
}

test('the limit is 1,000 problems per document', () => assert.equal(MAX_DOCUMENT_PROBLEMS, 1000));

test('over 1,000 problems in a document: the first 1,000, then one problem-limit on the first left out, with the count', async () => {
  const { unknownKeys } = await inputs();
  const d = check(unknownKeys(1200));
  assert.equal(d.length, 1001);
  assert.deepEqual(
    d.slice(0, 1000).map((x) => x.text),
    Array.from({ length: 1000 }, (_, i) => `unknownKey${i}`),
  );
  const last = d[1000];
  assert.deepEqual([last.code, last.severity, last.text, last.document], ['problem-limit', 'error', 'unknownKey1000', 0]);
  assert.match(last.message, /^200 more problems in this document are not shown: at most 1,000 are reported per document/);
});

test('1,000 problems: all of them, no problem-limit; 1,001: one more, in words', async () => {
  const { unknownKeys } = await inputs();
  const at = check(unknownKeys(1000));
  assert.equal(at.length, 1000);
  assert.ok(!at.some((x) => x.code === 'problem-limit'));
  const over = check(unknownKeys(1001));
  assert.equal(over.length, 1001);
  assert.match(over[1000].message, /^1 more problem in this document is not shown/);
});

test('the limit is per document: a document under it keeps all of its problems', async () => {
  const { unknownKeys } = await inputs();
  const small = unknownKeys(5).replace('name: web', 'name: api');
  const d = check(`${unknownKeys(1100)}---\n${small}`);
  const perDoc = (n: number) => d.filter((x) => x.document === n);
  assert.equal(perDoc(0).length, 1001);
  assert.equal(perDoc(0)[1000].code, 'problem-limit');
  assert.match(perDoc(0)[1000].message, /^100 more problems/);
  assert.ok(!perDoc(1).some((x) => x.code === 'problem-limit'));
  assert.equal(perDoc(1).filter((x) => x.code === 'schema-unknown-key').length, 5);
});

test('the limit counts what suppressions and severity overrides leave, and its own severity can be set', async () => {
  const { unknownKeys } = await inputs();
  const text = unknownKeys(1200);
  // Warnings left out: the note is a warning.
  const warned = check(text, { 'schema-unknown-key': 'warning' });
  assert.deepEqual([warned.length, warned[1000].code, warned[1000].severity], [1001, 'problem-limit', 'warning']);
  // Nothing left to limit.
  assert.deepEqual(check(text, { 'schema-unknown-key': 'off' }), []);
  const suppressed = check(`# kuma-lint-disable schema-unknown-key\n${text}`);
  assert.deepEqual(suppressed, []);
  // Its own severity: set, or off (the other problems are still limited).
  const info = check(text, { 'problem-limit': 'information' });
  assert.deepEqual([info.length, info[1000].severity], [1001, 'information']);
  const off = check(text, { 'problem-limit': 'off' });
  assert.equal(off.length, 1000);
  assert.ok(!off.some((x) => x.code === 'problem-limit'));
});

test('limitProblems: the same array when no document is over, an error note when an error is left out', () => {
  const mk = (document: number, severity: 'error' | 'warning' | 'information', start: number) => ({
    code: 'schema-unknown-key' as const,
    severity,
    message: 'm',
    range: { start, end: start + 1 },
    data: { path: '' },
    document,
  });
  const under = [mk(0, 'error', 0), mk(1, 'error', 5), mk(1, 'error', 6)];
  assert.equal(limitProblems(under, undefined, 2), under);
  const over = [mk(0, 'information', 0), mk(0, 'information', 1), mk(0, 'information', 2), mk(0, 'error', 3), mk(0, 'warning', 4)];
  const out = limitProblems(over, undefined, 2);
  assert.deepEqual(
    out.map((d) => [d.code, d.severity, d.range.start]),
    [
      ['schema-unknown-key', 'information', 0],
      ['schema-unknown-key', 'information', 1],
      ['problem-limit', 'error', 2],
    ],
  );
  assert.match(out[2].message, /^3 more problems in this document are not shown: at most 2 are reported per document/);
  const infos = limitProblems([mk(0, 'information', 0), mk(0, 'information', 1), mk(0, 'information', 2)], undefined, 2);
  assert.equal(infos[2].severity, 'warning');
  // Hints (the upgrade lint's) are no problems: they neither count nor are left out.
  const hints = [mk(0, 'hint' as 'information', 0), mk(0, 'information', 1), mk(0, 'information', 2)];
  assert.deepEqual(
    limitProblems(hints, undefined, 2).map((d) => [d.code, d.severity]),
    [
      ['schema-unknown-key', 'hint'],
      ['schema-unknown-key', 'information'],
      ['schema-unknown-key', 'information'],
    ],
  );
});

/** `n` Universal MeshServices selecting by dataplaneTags: one upgrade hint each at 2.14. */
function legacyServices(n: number): string {
  const docs: string[] = [];
  for (let i = 0; i < n; i++)
    docs.push(
      `type: MeshService\nname: svc-${i}\nmesh: default\nspec:\n  selector:\n    dataplaneTags:\n      kuma.io/service: svc-${i}\n  ports:\n  - port: 80\n    targetPort: 8080\n`,
    );
  return docs.join('---\n');
}

function allOf(text: string, severity: Settings['severity'] = {}) {
  const service = createLanguageService();
  service.setFile('file:///ws/legacy.yaml', text, 'open');
  return service
    .diagnose('file:///ws/legacy.yaml', text, { kumaVersion: '2.14', validate: true, severity })
    .diagnostics.map((x) => ({ code: x.code, severity: x.severity, text: text.slice(x.range.start, x.range.end), message: x.message }));
}

test('over 100 hints in a file: the first 100, then one hint-limit on the first left out, counted per code', () => {
  const text = legacyServices(130);
  const d = allOf(text);
  assert.equal(d.length, 101);
  assert.ok(d.slice(0, 100).every((x) => x.code === 'upgrade-3.0-dataplane-tags' && x.severity === 'hint' && x.text === 'dataplaneTags'));
  const last = d[100];
  assert.deepEqual([last.code, last.severity, last.text], ['hint-limit', 'hint', 'dataplaneTags']);
  assert.match(
    last.message,
    /^30 more hints in this file are not shown \(upgrade-3\.0-dataplane-tags 30\): at most 100 are shown per file/,
  );
  // The 101st hint's document is where the note sits: the 101st MeshService's selector.
  const at = text.indexOf('dataplaneTags', text.indexOf('name: svc-100\n'));
  const service = createLanguageService();
  service.setFile('file:///ws/legacy.yaml', text, 'open');
  const note = service.diagnose('file:///ws/legacy.yaml', text, { kumaVersion: '2.14', validate: true, severity: {} }).diagnostics[100];
  assert.equal(note.range.start, at);
});

test('100 hints: all of them, no hint-limit; raised to information: every one, as a problem; hint-limit off: no note', () => {
  assert.ok(!allOf(legacyServices(100)).some((x) => x.code === 'hint-limit'));
  assert.equal(allOf(legacyServices(100)).length, 100);
  const raised = allOf(legacyServices(130), { 'upgrade-3.0-dataplane-tags': 'information' });
  assert.deepEqual([raised.length, raised.every((x) => x.severity === 'information')], [130, true]);
  const off = allOf(legacyServices(130), { 'hint-limit': 'off' });
  assert.deepEqual([off.length, off.some((x) => x.code === 'hint-limit')], [100, false]);
});

test('limitHints: the same array under the limit; problems are all kept past it', () => {
  const mk = (severity: 'hint' | 'error', start: number) => ({
    code: 'upgrade-3.0-inbound-tags' as const,
    severity,
    message: 'm',
    range: { start, end: start + 1 },
    data: { path: '' },
    document: 0,
  });
  const under = [mk('hint', 0), mk('error', 1), mk('hint', 2)];
  assert.equal(limitHints(under, undefined, 2), under);
  const over = [mk('hint', 0), mk('hint', 1), mk('error', 2), mk('hint', 3), mk('error', 4), mk('hint', 5)];
  assert.deepEqual(
    limitHints(over, 'information', 2).map((d) => [d.code, d.severity, d.range.start]),
    [
      ['upgrade-3.0-inbound-tags', 'hint', 0],
      ['upgrade-3.0-inbound-tags', 'hint', 1],
      ['upgrade-3.0-inbound-tags', 'error', 2],
      ['hint-limit', 'information', 3],
      ['upgrade-3.0-inbound-tags', 'error', 4],
    ],
  );
});
