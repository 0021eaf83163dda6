import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dedent, workspaceDiagnostics, type Seen } from '../helpers';
import { createLanguageService } from '../../server/src/core/host/languageService';
import { parseSeverityOverrides } from '../../server/src/core/diagnostics/codes';
import { quickFixes, suppressionFixes } from '../../server/src/core/features/codeActions';
import { fastParseChunk } from '../../server/src/core/yaml/fastYaml';

const codes = (seen: Seen[] | undefined) => (seen ?? []).map((s) => `${s.code}@${s.text}`);

// Two problems on two lines of one MeshService: an unknown key and a duplicate port name.
const MS = (comments: { beforeName?: string; top?: string } = {}) =>
  dedent(`
  type: MeshService
  name: backend
  mesh: default
  ${comments.top ?? ''}
  spec:
    selector:
      dataplaneRef:
        name: backend
    ports:
      - port: 80
        targetPort: 8080
        name: http
      - port: 81
        targetPort: 8081
        ${comments.beforeName ?? ''}
        name: http
        apProtocol: http
  `);

test('without comments both problems show', () => {
  const seen = workspaceDiagnostics(MS()).get('test.yaml');
  assert.deepEqual(codes(seen), ['ports-duplicate-name@http', 'schema-unknown-key@apProtocol']);
});

test('disable-next-line with a code hides that code on the next non-comment line only', () => {
  const text = MS({ beforeName: '# kuma-lint-disable-next-line ports-duplicate-name -- sectionName clash is intended' });
  assert.deepEqual(codes(workspaceDiagnostics(text).get('test.yaml')), ['schema-unknown-key@apProtocol']);
  // Another code named: nothing hidden.
  const other = MS({ beforeName: '# kuma-lint-disable-next-line schema-unknown-key' });
  assert.deepEqual(codes(workspaceDiagnostics(other).get('test.yaml')), ['ports-duplicate-name@http', 'schema-unknown-key@apProtocol']);
});

test('disable-next-line without a code hides every code of that line, and skips blank and comment lines', () => {
  const text = MS({ beforeName: '# kuma-lint-disable-next-line\n    # an explanation\n' });
  assert.deepEqual(codes(workspaceDiagnostics(text).get('test.yaml')), ['schema-unknown-key@apProtocol']);
});

test('disable (document scope) hides the codes it names in its own --- document only', () => {
  const doc = MS({ top: '# kuma-lint-disable ports-duplicate-name, schema-unknown-key' });
  const text = `${doc}---\n${MS().replace('name: backend', 'name: frontend')}`;
  const seen = workspaceDiagnostics(text).get('test.yaml')!;
  assert.deepEqual(
    seen.map((s) => `${s.document}:${s.code}`),
    ['1:ports-duplicate-name', '1:schema-unknown-key'],
  );
  const all = MS({ top: '# kuma-lint-disable' });
  assert.deepEqual(codes(workspaceDiagnostics(all).get('test.yaml')), []);
});

test('a trailing comment is not a suppression', () => {
  const text = MS().replace('apProtocol: http', 'apProtocol: http # kuma-lint-disable-next-line');
  assert.deepEqual(codes(workspaceDiagnostics(text).get('test.yaml')), ['ports-duplicate-name@http', 'schema-unknown-key@apProtocol']);
});

test('an unknown code in a suppression comment is a warning on that code, with the nearest code', () => {
  const text = MS({ beforeName: '# kuma-lint-disable-next-line ports-duplicate-nam, ports-duplicate-name' });
  const seen = workspaceDiagnostics(text).get('test.yaml')!;
  assert.deepEqual(codes(seen), ['suppression-unknown-code@ports-duplicate-nam', 'schema-unknown-key@apProtocol']);
  const w = seen[0];
  assert.equal(w.severity, 'warning');
  assert.match(w.message, /unknown diagnostic code "ports-duplicate-nam" \(did you mean "ports-duplicate-name"\?\)/);
  // Only unknown codes named: the comment suppresses nothing.
  const none = MS({ beforeName: '# kuma-lint-disable-next-line nope' });
  assert.deepEqual(codes(workspaceDiagnostics(none).get('test.yaml')), [
    'suppression-unknown-code@nope',
    'ports-duplicate-name@http',
    'schema-unknown-key@apProtocol',
  ]);
});

const CROSS = dedent(`
  #- dataplanes.yaml
  type: Dataplane
  mesh: default
  name: backend-1
  labels:
    app: backend
  networking:
    address: 10.0.0.1
    inbound:
      - port: 18080
        name: http
        tags:
          kuma.io/service: backend
  #- services.yaml
  type: MeshService
  name: backend
  mesh: default
  spec:
    selector:
      dataplaneLabels:
        matchLabels:
          app: backend
    ports:
      - port: 80
        SUPPRESS
        targetPort: htp
`);

test('cross-file diagnostics honour suppressions', () => {
  const plain = workspaceDiagnostics(CROSS.replace(/ *SUPPRESS\n/, '')).get('services.yaml');
  assert.deepEqual(codes(plain), ['target-port-unresolved@htp']);
  const next = workspaceDiagnostics(CROSS.replace('SUPPRESS', '# kuma-lint-disable-next-line target-port-unresolved')).get('services.yaml');
  assert.deepEqual(codes(next), []);
  const doc = CROSS.replace(/ *SUPPRESS\n/, '').replace(
    'type: MeshService',
    '# kuma-lint-disable target-port-unresolved\ntype: MeshService',
  );
  assert.deepEqual(codes(workspaceDiagnostics(doc).get('services.yaml')), []);
});

test('severity overrides change or drop diagnostics, including cross-file ones and the suppression warning', () => {
  const service = createLanguageService();
  const text = MS({ beforeName: '# kuma-lint-disable-next-line nope' });
  const { overrides, problems } = parseSeverityOverrides({
    'ports-duplicate-name': 'error',
    'schema-unknown-key': 'off',
    'suppression-unknown-code': 'hint',
  });
  assert.deepEqual(problems, []);
  const seen = service
    .diagnose('file:///ws/a.yaml', text, { kumaVersion: '2.14', validate: true, severity: overrides })
    .diagnostics.map((d) => `${d.code}:${d.severity}`);
  assert.deepEqual(seen, ['suppression-unknown-code:hint', 'ports-duplicate-name:error']);

  const ws = createLanguageService();
  const [dp, ms] = CROSS.replace(/ *SUPPRESS\n/, '')
    .split(/^#- .*\n/m)
    .slice(1);
  ws.setFile('file:///ws/dp.yaml', dp, 'disk');
  ws.setFile('file:///ws/ms.yaml', ms, 'disk');
  const cross = ws.diagnose('file:///ws/ms.yaml', ms, {
    kumaVersion: '2.14',
    validate: true,
    severity: { 'target-port-unresolved': 'error' },
  });
  assert.deepEqual(
    cross.diagnostics.map((d) => `${d.code}:${d.severity}`),
    ['target-port-unresolved:error'],
  );
});

test('bad severity overrides are explained, never thrown', () => {
  const r = parseSeverityOverrides({
    'schema-unknwn-key': 'off',
    'port-range': 'fatal',
    'status-read-only': 3,
    'selector-missing': 'hint',
  });
  assert.deepEqual(r.overrides, { 'selector-missing': 'hint' });
  assert.deepEqual(r.problems, [
    'unknown diagnostic code "schema-unknwn-key" (did you mean "schema-unknown-key"?); the codes are listed in https://github.com/kumahq/kuma-meshservice-tools/blob/main/docs/diagnostics.md',
    '"port-range": unknown level "fatal"; use error, warning, information, hint, off',
    '"status-read-only": unknown level 3; use error, warning, information, hint, off',
  ]);
  assert.deepEqual(parseSeverityOverrides('error').problems, ['the severity overrides must be an object of code: level, not "error"']);
  assert.deepEqual(parseSeverityOverrides(undefined), { overrides: {}, problems: [] });
});

/** Applies one of the suppression fixes for the first diagnostic with `code`; returns the new text. */
function suppress(text: string, code: string, which: 'line' | 'document'): { text: string; titles: string[] } {
  const d = createLanguageService()
    .diagnose('file:///ws/t.yaml', text, { kumaVersion: '2.14', validate: true })
    .diagnostics.find((x) => x.code === code);
  assert.ok(d, `no ${code}`);
  const fixes = suppressionFixes(d, text);
  const fix = fixes[which === 'line' ? 0 : 1];
  let out = text;
  for (const e of [...fix.edits].sort((a, b) => b.range.start - a.range.start))
    out = out.slice(0, e.range.start) + e.newText + out.slice(e.range.end);
  return { text: out, titles: fixes.map((f) => f.title) };
}

test('quick fix "Suppress CODE on this line" inserts a comment with the line indentation, or extends one', () => {
  const r = suppress(MS(), 'schema-unknown-key', 'line');
  assert.deepEqual(r.titles, ['Suppress schema-unknown-key on this line', 'Suppress schema-unknown-key in this document']);
  assert.match(r.text, /\n {6}name: http\n {6}# kuma-lint-disable-next-line schema-unknown-key\n {6}apProtocol: http\n/);
  assert.deepEqual(codes(workspaceDiagnostics(r.text).get('test.yaml')), ['ports-duplicate-name@http']);
  // A sequence item: the comment goes at the dash's column.
  const item = dedent(`
    type: MeshService
    name: backend
    mesh: default
    spec:
      selector:
        dataplaneRef: {name: backend}
      ports:
        - prot: 80
          targetPort: 8080
  `);
  const fixed = suppress(item, 'schema-unknown-key', 'line').text;
  assert.match(fixed, /\n {4}# kuma-lint-disable-next-line schema-unknown-key\n {4}- prot: 80\n/);
  // The line already has a next-line comment for another code: the code is added to it.
  const twice = suppress(MS({ beforeName: '# kuma-lint-disable-next-line schema-type -- why' }), 'ports-duplicate-name', 'line').text;
  assert.match(twice, /\n {6}# kuma-lint-disable-next-line schema-type, ports-duplicate-name -- why\n {6}name: http\n/);
  assert.deepEqual(codes(workspaceDiagnostics(twice).get('test.yaml')), ['schema-unknown-key@apProtocol']);
});

test('quick fix "Suppress CODE in this document" goes at the top of its --- document, after a version pin', () => {
  const text = `# kuma-version: 2.14\n${MS()}---\n${MS().replace('name: backend', 'name: frontend')}`;
  const first = suppress(text, 'ports-duplicate-name', 'document').text;
  assert.ok(first.startsWith('# kuma-version: 2.14\n# kuma-lint-disable ports-duplicate-name\ntype: MeshService\n'), first);
  assert.deepEqual(
    workspaceDiagnostics(first)
      .get('test.yaml')!
      .map((s) => `${s.document}:${s.code}`),
    ['0:schema-unknown-key', '1:ports-duplicate-name', '1:schema-unknown-key'],
  );
  // The second document: after its --- line. Then the same fix for another code extends that comment.
  const secondDoc = text.replace(/^# kuma-version.*\n/, '').replace(/^type: MeshService\nname: backend[\s\S]*?---\n/, '');
  const once = suppress(secondDoc.replace(/^/, '---\n'), 'ports-duplicate-name', 'document').text;
  assert.ok(once.startsWith('---\n# kuma-lint-disable ports-duplicate-name\ntype: MeshService\n'), once);
  const again = suppress(once, 'schema-unknown-key', 'document').text;
  assert.ok(again.startsWith('---\n# kuma-lint-disable ports-duplicate-name, schema-unknown-key\ntype: MeshService\n'), again);
  assert.deepEqual(codes(workspaceDiagnostics(again).get('test.yaml')), []);
});

test('an unknown code in a suppression comment has a fix to the nearest code and no suppress fixes', () => {
  const text = MS({ beforeName: '# kuma-lint-disable-next-line ports-duplicate-nam' });
  const d = createLanguageService()
    .diagnose('file:///ws/t.yaml', text, { kumaVersion: '2.14', validate: true })
    .diagnostics.find((x) => x.code === 'suppression-unknown-code')!;
  assert.deepEqual(suppressionFixes(d, text), []);
  const [fix] = quickFixes(d, text);
  assert.equal(fix.title, 'Change to ports-duplicate-name');
  const fixed = text.slice(0, fix.edits[0].range.start) + fix.edits[0].newText + text.slice(fix.edits[0].range.end);
  assert.deepEqual(codes(workspaceDiagnostics(fixed).get('test.yaml')), ['schema-unknown-key@apProtocol']);
});

test('a document-wide comment above the first --- applies to the document after it, not to later ones', () => {
  const text = `# kuma-lint-disable ports-duplicate-name\n---\n${MS()}---\n${MS().replace('name: backend', 'name: frontend')}`;
  assert.deepEqual(
    workspaceDiagnostics(text)
      .get('test.yaml')!
      .map((s) => `${s.document}:${s.code}`),
    ['0:schema-unknown-key', '1:ports-duplicate-name', '1:schema-unknown-key'],
  );
});

test('a kuma-lint-disable line inside a block scalar is text, not a suppression (fast reader and yaml)', () => {
  // With a block selector the fast reader reads the document; an anchor leaves it to yaml.
  for (const [selector, fast] of [
    ['dataplaneRef:\n            name: backend', true],
    ['dataplaneRef: &ref {name: backend}', false],
  ] as const) {
    const text = dedent(`
      type: MeshService
      name: backend
      mesh: default
      labels:
        note: |
          # kuma-lint-disable
          # kuma-lint-disable-next-line nope
      spec:
        selector:
          ${selector}
        ports:
          - port: 80
            targetPort: 8080
            apProtocol: http
    `);
    assert.equal(fastParseChunk(text)?.blockScalars ?? false, fast, selector);
    assert.deepEqual(codes(workspaceDiagnostics(text).get('test.yaml')), ['schema-unknown-key@apProtocol'], selector);
  }
});
