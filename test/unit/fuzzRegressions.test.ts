import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLanguageService, type Settings } from '../../server/src/core/host/languageService';
import { quickFixes } from '../../server/src/core/features/codeActions';
import { applyEdits, convertForm } from '../../server/src/core/convert/format';
import { convertFile } from '../../server/src/core';
import { cursorContext } from '../../server/src/core/yaml/cursor';
import { parseDocument } from 'yaml';

/** Bugs the fuzzer (test/fuzz) found, each with the smallest input it shrank to. */

const S: Settings = { kumaVersion: '2.14', validate: true };

function fixesFor(text: string, code: string, settings = S) {
  const a = createLanguageService().diagnose('file:///t.yaml', text, settings);
  const d = a.diagnostics.find((x) => x.code === code);
  assert.ok(d, `a ${code} diagnostic in:\n${text}\n${JSON.stringify(a.diagnostics.map((x) => x.code))}`);
  return { d, fixes: quickFixes({ code: d.code, range: d.range, data: d.data as never }, text) };
}

test('an unterminated quote at the end of the file: the syntax error stays inside the text', () => {
  // The parser put its error one past the end of the text.
  const text = "apiVersion: kuma.io/v1alpha1\nkind: MeshService\nmetadata:\n  name: web\nspec:\n'  ports: []\n";
  const a = createLanguageService().analyze(text, S);
  assert.ok(a.diagnostics.length > 0);
  for (const d of a.diagnostics) assert.ok(d.range.start <= d.range.end && d.range.end <= text.length, JSON.stringify(d.range));
});

test('an unknown key is never renamed to a key the mapping already has', () => {
  const text = 'kuma-version: 9.9\napiVersion: kuma.io/v1alpha1\nkind: MeshService\nmetadata:\n  name: web\nspec:\n  ports: []\n';
  const { d, fixes } = fixesFor(text, 'schema-unknown-key');
  assert.equal(text.slice(d.range.start, d.range.end), 'kuma-version');
  assert.doesNotMatch(d.message, /Did you mean "apiVersion"/);
  assert.deepEqual(
    fixes.map((f) => f.title),
    [],
  );
});

test('a key of another Kuma version gets no rename, only the hint to check the version', () => {
  const text =
    'type: MeshService\nname: web\nmesh: default\nspec:\n  selector:\n    dataplaneLabels:\n      matchLabels:\n        app: web\n  ports: []\n';
  const { d, fixes } = fixesFor(text, 'schema-unknown-key', { ...S, kumaVersion: '2.9' });
  assert.equal(text.slice(d.range.start, d.range.end), 'dataplaneLabels');
  assert.match(d.message, /It exists in Kuma 2\.14, 3\.0/);
  assert.doesNotMatch(d.message, /Did you mean/);
  assert.deepEqual(fixes, []);
});

test('removing a hand-written status keeps the comments after it at its indentation or less', () => {
  const text =
    'type: MeshService\nname: web\nmesh: default\nstatus:\n  addresses:\n  # inside\n  - hostname: web.mesh\n  # trailing, deeper\n# about what follows\nspec:\n  ports: []\n';
  const { fixes } = fixesFor(text, 'status-read-only');
  assert.equal(applyEdits(text, fixes[0].edits), 'type: MeshService\nname: web\nmesh: default\n# about what follows\nspec:\n  ports: []\n');
});

test('the appProtocol fixes leave out protocols that would repeat another port', () => {
  const text =
    'type: MeshService\nname: web\nmesh: default\nspec:\n  selector:\n    dataplaneTags:\n      app: web\n  ports:\n  - port: 80\n    targetPort: 80\n    appProtocol: websocket\n  - port: 80\n    targetPort: 81\n';
  const { fixes } = fixesFor(text, 'app-protocol-unsupported');
  assert.deepEqual(
    fixes.map((f) => f.title),
    ['Change to grpc', 'Change to http', 'Change to http2', 'Change to kafka'],
  );
});

test('migrating a file to 3.0 moves its version pin to 3.0', () => {
  const text =
    '# kuma-version: 2.9\ntype: Dataplane\nname: web\nmesh: default\nnetworking:\n  address: 10.0.0.1\n  inbound:\n  - port: 80\n    tags:\n      kuma.io/service: web\n';
  const service = createLanguageService();
  const r = convertFile(service, text, { ...S, kumaVersion: '3.0' }, 'migrate-3.0');
  const after = applyEdits(text, r.edits);
  assert.match(after, /^# kuma-version: 3\.0\n/);
  assert.ok(r.details.includes('The # kuma-version: comment now says 3.0 (it said 2.9).'), r.details.join('\n'));
  assert.deepEqual(
    createLanguageService()
      .analyze(after, S)
      .diagnostics.filter((d) => d.severity === 'error')
      .map((d) => d.code),
    [],
  );
});

test('a Service declared twice generates its MeshService once', () => {
  const svc =
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: redis\n  namespace: kuma-demo\n  labels:\n    kuma.io/mesh: default\nspec:\n  selector:\n    app: redis\n  ports:\n  - port: 6379\n';
  const text = `${svc}---\n${svc}`;
  const r = convertFile(createLanguageService(), text, S, 'service-to-meshservice');
  assert.equal(r.generated.length, 1);
  assert.ok(
    r.details.some((d) => /generated once; its Service is declared twice/.test(d)),
    r.details.join('\n'),
  );
});

test('a Dataplane repeating an inbound port gives a MeshService listing the port once', () => {
  const text =
    'type: Dataplane\nname: web\nmesh: default\nnetworking:\n  address: 10.0.0.1\n  inbound:\n  - port: 80\n    tags:\n      kuma.io/service: api\n  - port: 80\n    tags:\n      kuma.io/service: api\n';
  const r = convertFile(createLanguageService(), text, S, 'dataplane-to-meshservice');
  assert.equal(r.generated.length, 1);
  assert.equal((r.generated[0].match(/- port: 80|port: 80\n/g) ?? []).length, 1, r.generated[0]);
  assert.ok(r.details.includes('Inbound 1 of Dataplane web repeats port 80 (tcp); MeshService api lists it once.'), r.details.join('\n'));
});

test('a Service repeating a port gives a MeshService listing the port once, with no ports-duplicate error', () => {
  const text =
    'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: kuma-demo\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 8080\n  - port: 8080\n';
  const r = convertFile(createLanguageService(), text, S, 'service-to-meshservice');
  assert.equal(r.generated.length, 1);
  assert.equal((r.generated[0].match(/port: 8080\n/g) ?? []).length, 1, r.generated[0]);
  const after = applyEdits(text, r.edits);
  const codes = createLanguageService()
    .diagnose('file:///t.yaml', after, S)
    .diagnostics.map((d) => d.code);
  assert.equal(codes.includes('ports-duplicate'), false, codes.join());
});

test('converting to Universal keeps the comments of metadata entries it drops', () => {
  const text =
    'apiVersion: kuma.io/v1alpha1\nkind: MeshService\nmetadata:\n  name: web\n  # about the labels\n  labels:\n    kuma.io/mesh: default\n  # about the namespace\n  namespace: kuma-demo # trailing\nspec:\n  ports: []\n';
  const a = createLanguageService().analyze(text, S);
  const d = a.documents[0];
  const r = convertForm({ doc: d.parsed, chunk: text, version: '2.14', index: createLanguageService().index() }, 'universal');
  assert.ok(!('error' in r));
  assert.equal(
    applyEdits(text, r.edits),
    'type: MeshService\nname: web\nmesh: default\n# about the labels\n# about the namespace\n# trailing\nspec:\n  ports: []\n',
  );
});

test('a syntax error next to an emoji covers the whole character, not half of it', () => {
  const text =
    '😀# kuma-version: 2.9\n😀# kuma-version: 2.9\napiVersion: kuma.io/v1alpha1\nkind: MeshService\nmetadata:\n  name: web\nspec:\n  ports: []\n';
  const a = createLanguageService().analyze(text, S);
  assert.ok(a.diagnostics.length > 0);
  const splits = (o: number) => o > 0 && o < text.length && /[\ud800-\udbff]/.test(text[o - 1]) && /[\udc00-\udfff]/.test(text[o]);
  for (const d of a.diagnostics) assert.ok(!splits(d.range.start) && !splits(d.range.end), `${d.code} ${d.range.start}-${d.range.end}`);
  assert.deepEqual(
    a.diagnostics.map((d) => [d.code, text.slice(d.range.start, d.range.end)]),
    [
      ['schema-unknown-key', '😀# kuma-version'],
      ['yaml-duplicate-key', '😀'],
      ['selector-missing', 'spec'],
    ],
  );
});

test('generating from Dataplanes skips a MeshService the workspace already has', () => {
  const text =
    'type: MeshService\nname: api\nmesh: default\nspec:\n  ports: []\n---\ntype: Dataplane\nname: web\nmesh: default\nnetworking:\n  address: 10.0.0.1\n  inbound:\n  - port: 1\n    tags:\n      kuma.io/service: api\n';
  const service = createLanguageService();
  service.setFile('file:///ws/t.yaml', text, 'open');
  const r = convertFile(service, text, S, 'dataplane-to-meshservice');
  assert.deepEqual(r.generated, []);
  assert.ok(
    r.details.includes('MeshService api (mesh default) is already in the workspace (t.yaml): nothing to generate for it.'),
    r.details.join('\n'),
  );
});

test("completion at an offset between a CRLF line end's \\r and \\n replaces a range on that line", () => {
  // The cursor line was not found for such an offset, so the replaced range started at the last
  // line of the document and ended before it started.
  const text = 'type: MeshMultiZoneService\r\nname: db-1\r\nmesh: other\r\nspec:\r\n  ports:\r\n  - port: 1\r\nspce: {}\r\n';
  const doc = parseDocument(text);
  const offset = text.indexOf('\r\nname') + 1;
  const ctx = cursorContext(doc.contents, text, offset);
  assert.ok(ctx);
  // The end of the first line: the value of `type`.
  assert.equal(ctx.target, 'value');
  assert.deepEqual(ctx.replace, { start: text.indexOf('MeshMultiZoneService'), end: offset });
  const line2 = text.indexOf('name');
  assert.deepEqual(cursorContext(doc.contents, text, line2)?.replace, { start: line2, end: line2 + 'name'.length });
});
