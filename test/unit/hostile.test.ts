import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLanguageService } from '../../server/src/core/host/languageService';
import { smallCorpus } from '../fixtures/hostile/generate';
import { badRanges, exercise, SETTINGS } from '../fuzz/features';

/**
 * The small hostile corpus (test/fixtures/hostile/*.yaml) through the core: what a user sees
 * for each file (code and the text it covers), and every feature at many positions without a
 * throw or a range outside the file. The large members are in hostile.large.test.ts.
 */

const EXPECTED: Record<string, [string, string][]> = {
  // One error at the first alias, instead of expanding 10^9 nodes.
  'alias-bomb.yaml': [['yaml-limit', '*a0']],
  'deep-nesting-flow.yaml': [['yaml-limit', '[']],
  'binary.yaml': [],
  // At 2.x a dataplaneTags selector gets the upgrade hint (Kuma 3.0 drops it).
  'bom.yaml': [['upgrade-3.0-dataplane-tags', 'dataplaneTags']],
  // Ranges count characters: CR does not shift them.
  'crlf.yaml': [
    ['upgrade-3.0-dataplane-tags', 'dataplaneTags'],
    ['app-protocol-unsupported', 'websocket'],
  ],
  'mixed-eol.yaml': [
    ['upgrade-3.0-dataplane-tags', 'dataplaneTags'],
    ['app-protocol-unsupported', 'websocket'],
    ['schema-unknown-key', 'weight'],
  ],
  // Only the tab, not the parser's follow-up errors on the lines after it.
  'tabs.yaml': [['yaml-syntax', '\t']],
  'duplicate-keys.yaml': [
    ['upgrade-3.0-dataplane-tags', 'dataplaneTags'],
    ['yaml-duplicate-key', 'targetPort'],
    ['app-protocol-unsupported', 'websocket'],
  ],
  // An indented `---` stays in the block scalar; at column 0 it ends the document (api loses its spec).
  'block-scalar-dashes.yaml': [
    ['upgrade-3.0-dataplane-tags', 'dataplaneTags'],
    ['schema-missing-required', 'type'],
    ['selector-missing', 'type'],
  ],
  'helm.yaml': [['templated-yaml', '{{ .Values.name }}']],
  // Starts with a template action: not a mapping, so not a Kuma resource to check.
  'helm-control.yaml': [],
  // A HostnameGenerator's template is Go template syntax by design.
  'hostname-template.yaml': [],
  // 08080 is read as 8080 (as Kuma's Go YAML reads it), so the second port repeats the first.
  'yaml11.yaml': [
    ['upgrade-3.0-inbound-tags', 'tags'],
    ['upgrade-3.0-inbound-tags', 'tags'],
    ['upgrade-3.0-dataplane-tags', 'dataplaneTags'],
    ['ports-duplicate', '8080'],
  ],
  // Invalid bytes are read as U+FFFD, which no Kuma name may contain.
  'invalid-utf8.yaml': [
    ['name-invalid', 'w\ufffd\ufffd\ufffdeb'],
    ['name-rfc1035-deprecated', 'w\ufffd\ufffd\ufffdeb'],
    ['upgrade-3.0-dataplane-tags', 'dataplaneTags'],
  ],
};

const corpus = smallCorpus();

test('the hostile corpus has an expectation for every file', () => {
  assert.deepEqual([...corpus.keys()].sort(), Object.keys(EXPECTED).sort());
});

for (const [name, bytes] of corpus) {
  test(`hostile ${name}: what the user sees, and every feature everywhere`, () => {
    const text = bytes.toString('utf8');
    const service = createLanguageService();
    const uri = `file:///ws/${name}`;
    service.setFile(uri, text, 'open');
    const a = service.diagnose(uri, text, SETTINGS);
    assert.deepEqual(
      a.diagnostics.map((d) => [d.code, text.slice(d.range.start, d.range.end)]),
      EXPECTED[name],
    );
    for (const d of a.diagnostics) assert.ok(d.message.length < 400, `short message: ${d.message.slice(0, 80)}…`);
    // Every line start, the middle of every line and the end.
    const offsets = [text.length];
    for (let i = 0; i < text.length; i = text.indexOf('\n', i) + 1 || text.length) {
      const end = text.indexOf('\n', i);
      offsets.push(i, (i + (end < 0 ? text.length : end)) >> 1);
    }
    const produced = exercise(service, uri, text, offsets.slice(0, 200));
    assert.deepEqual(badRanges(text, produced), []);
  });
}

test('a binary file is skipped as a whole, with the reason', () => {
  const text = corpus.get('binary.yaml')!.toString('utf8');
  const a = createLanguageService().analyze(text, SETTINGS);
  assert.equal(a.skipped?.reason, 'binary');
  assert.match(a.skipped!.message, /binary file/);
  assert.deepEqual(a.documents, []);
});

test('alias bombs, deep nesting and templates each say so in words', () => {
  const messageOf = (name: string) => {
    const text = corpus.get(name)!.toString('utf8');
    return createLanguageService().analyze(text, SETTINGS).diagnostics[0].message;
  };
  assert.match(messageOf('alias-bomb.yaml'), /aliases \(\*name\) expand to more than 1000 nodes/);
  assert.match(messageOf('deep-nesting-flow.yaml'), /nested more than 100 levels deep/);
  assert.match(messageOf('helm.yaml'), /template syntax .* checked only once rendered/);
});

test('a Helm template that is quoted YAML still gets one note instead of name errors', () => {
  const text = 'type: MeshService\nname: "{{ .Values.name }}"\nmesh: default\nspec:\n  ports:\n  - port: 80\n';
  const a = createLanguageService().analyze(text, SETTINGS);
  assert.deepEqual(
    a.diagnostics.map((d) => [d.code, text.slice(d.range.start, d.range.end)]),
    [['templated-yaml', '{{ .Values.name }}']],
  );
});
