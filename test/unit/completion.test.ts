import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from 'yaml';
import type { CompletionEntry } from '../../server/src/core/features/completion/types';
import { cursorContext } from '../../server/src/core/yaml/cursor';
import { expandSnippet } from '../../server/src/core/features/completion/schema';
import { complete as completeAt, createLanguageService } from '../../server/src/core';
import { KUMA_VERSIONS, type KumaVersion } from '../../server/src/core/kuma/versions';
import { dedent, diagnose, parseFixture } from '../helpers';

/**
 * Completions at `$0` in a one-file fixture, through the server's own chain (the core's
 * `complete`: targetPort, selectors, then the schema), in a workspace holding only that file.
 */
function complete(src: string, version: KumaVersion = '2.14'): { entries: CompletionEntry[]; text: string; chunkStart: number } {
  const [file] = parseFixture(src);
  const service = createLanguageService();
  const uri = 'file:///ws/test.yaml';
  service.setFile(uri, file.text, 'open');
  const found = completeAt(service, uri, file.text, file.cursor!, { kumaVersion: version, validate: true });
  return { entries: found?.entries ?? [], text: file.text, chunkStart: found?.base ?? 0 };
}

const labels = (src: string, version?: KumaVersion) => complete(src, version).entries.map((e) => e.label);

function ctxOf(src: string) {
  const [file] = parseFixture(src);
  return cursorContext(parseDocument(file.text).contents, file.text, file.cursor!);
}

test('cursorContext: value, key on its own line, new list item, flow map', () => {
  assert.deepEqual(ctxOf('spec:\n  ports:\n    - port: 80\n      targetPort: $0\n'), {
    path: ['spec', 'ports', 0, 'targetPort'],
    target: 'value',
    replace: { start: 48, end: 48 },
    prefix: '',
    existingKeys: [],
  });
  const key = ctxOf('spec:\n  ports:\n    - port: 80\n      tar$0\n      name: x\n')!;
  assert.deepEqual([key.path, key.target, key.prefix, key.existingKeys], [['spec', 'ports', 0], 'key', 'tar', ['port', 'name']]);
  const item = ctxOf('spec:\n  ports:\n  - port: 80\n  - $0\n')!;
  assert.deepEqual([item.path, item.target, item.existingKeys], [['spec', 'ports', 1], 'key', []]);
  const flow = ctxOf('spec:\n  selector: {dataplaneRef: {name: x}, $0}\n')!;
  assert.deepEqual([flow.path, flow.target, flow.existingKeys], [['spec', 'selector'], 'key', ['dataplaneRef']]);
  const flowValue = ctxOf('a: {b: x, c: y$0}\n')!;
  assert.deepEqual([flowValue.path, flowValue.target, flowValue.prefix], [['a', 'c'], 'value', 'y']);
  assert.equal(ctxOf('a: 1\n# comment $0\n'), undefined);
  assert.equal(ctxOf('t: |\n  block text$0\n'), undefined);
});

test('cursorContext: the word under the cursor is replaced whole, block scalars are skipped over', () => {
  const src = 'x:\n  t: |\n    foo: bar\n  na$0me: 1\n  other: 2\n';
  const ctx = ctxOf(src)!;
  const [file] = parseFixture(src);
  assert.equal(file.text.slice(ctx.replace.start, ctx.replace.end), 'name');
  assert.deepEqual([ctx.path, ctx.prefix, ctx.existingKeys], [['x'], 'na', ['t', 'other']]);
});

test('MeshService Kubernetes: spec.ports[] keys, required first, present keys excluded', () => {
  const src = dedent(`
    apiVersion: kuma.io/v1alpha1
    kind: MeshService
    metadata:
      name: redis
    spec:
      ports:
        - name: main
          $0
  `);
  const { entries } = complete(src);
  assert.deepEqual(
    entries.map((e) => e.label),
    ['port', 'appProtocol', 'targetPort'],
  );
  assert.ok(entries[0].sortText! < entries[1].sortText!);
  assert.equal(entries[0].detail, 'integer, required');
  assert.equal(entries[1].documentation, 'Protocol identifies a protocol supported by a service.');
  assert.equal(entries[0].insertText, 'port: ');
});

test('incomplete key line inside a mapping (a syntax error) still completes', () => {
  const src = dedent(`
    type: MeshService
    name: redis
    mesh: default
    spec:
      sel$0
      ports:
        - port: 6379
  `);
  const { entries, text, chunkStart } = complete(src);
  assert.deepEqual(
    entries.map((e) => e.label),
    ['identities', 'selector', 'state'],
  );
  const sel = entries.find((e) => e.label === 'selector')!;
  assert.equal(text.slice(chunkStart + sel.replace!.start, chunkStart + sel.replace!.end), 'sel');
  assert.equal(sel.insertText, 'selector:\n    ');
  assert.equal(entries.find((e) => e.label === 'identities')!.insertText, 'identities:\n    - ');
});

test('top-level keys: read-only, server-set and present keys are not offered', () => {
  assert.deepEqual(labels('type: MeshService\nname: x\n$0\n'), ['spec', 'labels', 'mesh']);
  assert.deepEqual(labels('apiVersion: kuma.io/v1alpha1\nkind: MeshService\n$0\n'), ['metadata', 'spec']);
  const meta = labels('apiVersion: kuma.io/v1alpha1\nkind: MeshService\nmetadata:\n  name: x\n  $0\n');
  assert.ok(meta.includes('namespace') && meta.includes('labels'));
  assert.ok(!meta.includes('uid') && !meta.includes('resourceVersion') && !meta.includes('name'));
});

test('selector keys differ by version: dataplaneLabels from 2.14, dataplaneTags gone at 3.0', () => {
  const src = 'type: MeshService\nname: x\nspec:\n  selector:\n    $0\n';
  assert.deepEqual(labels(src, '2.9'), ['dataplaneRef', 'dataplaneTags']);
  assert.deepEqual(labels(src, '2.13'), ['dataplaneRef', 'dataplaneTags']);
  assert.deepEqual(labels(src, '2.14'), ['dataplaneLabels', 'dataplaneRef', 'dataplaneTags']);
  assert.deepEqual(labels(src, '3.0'), ['dataplaneLabels', 'dataplaneRef']);
});

test('appProtocol values follow the version (no kafka at 3.0), in both forms', () => {
  const k8s = dedent(`
    apiVersion: kuma.io/v1alpha1
    kind: MeshService
    metadata:
      name: redis
    spec:
      ports:
        - port: 6379
          appProtocol: $0
  `);
  assert.deepEqual(labels(k8s, '2.9'), ['grpc', 'http', 'http2', 'kafka', 'tcp']);
  assert.deepEqual(labels(k8s, '3.0'), ['grpc', 'http', 'http2', 'tcp']);
  const mzs = 'type: MeshMultiZoneService\nname: r\nspec:\n  ports:\n  - port: 1\n    appProtocol: h$0\n';
  const { entries } = complete(mzs, '2.14');
  assert.deepEqual(
    entries.map((e) => e.label),
    ['grpc', 'http', 'http2', 'kafka', 'tcp'],
  );
  assert.equal(entries.find((e) => e.label === 'tcp')!.detail, 'Kuma 2.14 protocol (default)');
});

test('enum values: identities type, state, gateway type per version, MeshExternalService protocol', () => {
  assert.deepEqual(labels('type: MeshService\nname: x\nspec:\n  identities:\n  - type: $0\n', '2.14'), ['ServiceTag', 'SpiffeID']);
  assert.deepEqual(labels('type: MeshService\nname: x\nspec:\n  state: $0\n'), ['Available', 'Unavailable']);
  const gw = 'type: Dataplane\nname: d\nmesh: default\nnetworking:\n  gateway:\n    type: $0\n';
  assert.deepEqual(labels(gw, '2.14'), ['DELEGATED', 'BUILTIN']);
  assert.deepEqual(labels(gw, '3.0'), ['DELEGATED']);
  assert.deepEqual(labels('type: MeshExternalService\nname: e\nspec:\n  match:\n    protocol: $0\n'), ['tcp', 'grpc', 'http', 'http2']);
});

test('Dataplane inbound protocol: values from 2.14, the key itself only from 2.14', () => {
  const value = 'type: Dataplane\nname: d\nmesh: default\nnetworking:\n  inbound:\n  - port: 80\n    protocol: $0\n';
  assert.deepEqual(labels(value, '2.14'), ['grpc', 'http', 'http2', 'kafka', 'tcp']);
  assert.deepEqual(labels(value, '2.9'), []);
  const key = 'apiVersion: kuma.io/v1alpha1\nkind: Dataplane\nspec:\n  networking:\n    inbound:\n    - port: 80\n      $0\n';
  assert.ok(labels(key, '2.14').includes('protocol'));
  assert.ok(!labels(key, '2.9').includes('protocol'));
  assert.ok(labels(key, '2.9').includes('tags'));
  assert.ok(!labels(key, '3.0').includes('tags'));
});

test('alias keys are hidden: transparentProxying is offered, transparent_proxying is not', () => {
  const l = labels('type: Dataplane\nname: d\nmesh: default\nnetworking:\n  $0\n');
  assert.ok(l.includes('transparentProxying'));
  assert.ok(!l.includes('transparent_proxying'));
});

test('kind/type values at the top of an unclassified document', () => {
  const kinds = [
    'MeshService',
    'MeshExternalService',
    'MeshMultiZoneService',
    'HostnameGenerator',
    'Dataplane',
    'MeshAccessLog',
    'MeshCircuitBreaker',
    'MeshFaultInjection',
    'MeshHealthCheck',
    'MeshHTTPRoute',
    'MeshLoadBalancingStrategy',
    'MeshMetric',
    'MeshPassthrough',
    'MeshProxyPatch',
    'MeshRateLimit',
    'MeshRetry',
    'MeshTCPRoute',
    'MeshTimeout',
    'MeshTLS',
    'MeshTrace',
    'MeshTrafficPermission',
  ];
  assert.deepEqual(labels('apiVersion: kuma.io/v1alpha1\nkind: $0\n'), kinds);
  assert.deepEqual(labels('type: Mesh$0\nname: x\n'), kinds);
  assert.deepEqual(labels('apiVersion: apps/v1\nkind: $0\n'), []);
  assert.deepEqual(labels('foo:\n  type: $0\n'), []);
});

test('empty document: skeletons of every kind in both forms', () => {
  const expected = [
    'MeshService (Kubernetes)',
    'MeshService (Universal)',
    'Dataplane (Kubernetes)',
    'Dataplane (Universal)',
    'MeshExternalService (Kubernetes)',
    'MeshExternalService (Universal)',
    'MeshMultiZoneService (Kubernetes)',
    'MeshMultiZoneService (Universal)',
    'HostnameGenerator (Kubernetes)',
    'HostnameGenerator (Universal)',
  ];
  assert.deepEqual(labels('$0'), expected);
  assert.deepEqual(labels('# just a comment\n$0\n'), expected);
  assert.deepEqual(labels('type: MeshService\nname: a\nspec: {}\n---\n$0\n'), expected);
  const { entries } = complete('$0');
  assert.ok(entries.every((e) => e.kind === 'snippet' && e.snippet === true));
});

test('skeletons use the selector of the version and pass every check of that version', () => {
  const ms = (v: KumaVersion) => expandSnippet(complete('$0', v).entries[0].insertText!);
  assert.match(ms('2.9'), /dataplaneTags:/);
  assert.match(ms('2.13'), /dataplaneTags:/);
  assert.match(ms('2.14'), /dataplaneLabels:\n {6}matchLabels:/);
  assert.match(ms('3.0'), /dataplaneLabels:\n {6}matchLabels:/);
  assert.doesNotMatch(ms('3.0'), /dataplaneTags|kafka/);
  for (const v of KUMA_VERSIONS) {
    for (const e of complete('$0', v).entries) {
      const text = expandSnippet(e.insertText!);
      // A 2.x skeleton's dataplaneTags gets the upgrade hint (Kuma 3.0 drops it): a hint, not a failed check.
      assert.deepEqual(
        diagnose(text, v).filter((d) => d.severity !== 'hint'),
        [],
        `${e.label} at ${v}:\n${text}`,
      );
    }
  }
});
