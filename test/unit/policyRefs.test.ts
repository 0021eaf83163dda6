// Issue 15, parts 2 to 4: policy references resolved across the workspace, per Kuma version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { complete } from '../../server/src/core/features/completion';
import { definitions } from '../../server/src/core/features/navigation';
import { hover } from '../../server/src/core/features/hover';
import { references, rename, prepareRename } from '../../server/src/core/features/references';
import { inlayHints } from '../../server/src/core/features/inlayHints';
import { quickFixes } from '../../server/src/core/features/codeActions';
import { parseLegacyName, resolveRef } from '../../server/src/core/host/policyRefs';
import { policyRefKinds, type KumaVersion } from '../../server/src/core/kuma/versions';
import { dedent, loadWorkspace, workspaceDiagnostics } from '../helpers';

const settings = (kumaVersion: KumaVersion = '2.14') => ({ kumaVersion, validate: true });

/** Kubernetes MeshServices in two namespaces, a Universal one, and policies in both forms. */
const WS = dedent(`
  #- k8s/services.yaml
  apiVersion: kuma.io/v1alpha1
  kind: MeshService
  metadata:
    name: backend
    namespace: kuma-demo
    labels:
      kuma.io/mesh: default
      app: backend
  spec:
    selector:
      dataplaneTags:
        app: backend
    ports:
      - port: 80
        name: http
        targetPort: 8080
        appProtocol: http
      - port: 9090
        name: grpc
        targetPort: 9090
        appProtocol: grpc
  ---
  apiVersion: kuma.io/v1alpha1
  kind: MeshService
  metadata:
    name: backend
    namespace: other
    labels:
      kuma.io/mesh: default
      app: backend
  spec:
    selector:
      dataplaneTags:
        app: backend
    ports:
      - port: 80
        targetPort: 8080
  #- universal/services.yaml
  type: MeshService
  name: redis
  mesh: default
  spec:
    selector:
      dataplaneTags:
        app: redis
    ports:
      - port: 6379
        name: redis
        targetPort: 6379
        appProtocol: tcp
  #- universal/generators.yaml
  type: HostnameGenerator
  name: local
  spec:
    selector:
      meshService:
        matchLabels:
          kuma.io/origin: zone
    template: "{{ .DisplayName }}.svc.mesh.local"
`);

const K8S_POLICY = (to: string) =>
  dedent(`
  #- k8s/policy.yaml
  apiVersion: kuma.io/v1alpha1
  kind: MeshTimeout
  metadata:
    name: timeouts
    namespace: kuma-demo
    labels:
      kuma.io/mesh: default
  spec:
    targetRef:
      kind: Mesh
    to:
      - targetRef:
  ${to
    .split('\n')
    .map((l, i) => `${i === 0 ? '        ' : '          '}${l}`)
    .join('\n')}
        default:
          idleTimeout: 20s
  `);

/** The codes of the cross-file checks of policy references (the per-document policy rules are policy.test.ts's). */
const REF_CODES = new Set([
  'policy-ref-unresolved',
  'policy-section-unresolved',
  'policy-backend-port-unresolved',
  'policy-ref-ambiguous',
  'policy-ref-legacy-name',
]);

function policyDiags(policy: string, version: KumaVersion = '2.14') {
  return (workspaceDiagnostics(WS + policy, version).get('k8s/policy.yaml') ?? []).filter((d) => REF_CODES.has(d.code));
}

test('2.x: a name without namespace resolves in the policy namespace; with namespace, in that one', () => {
  assert.deepEqual(policyDiags(K8S_POLICY('kind: MeshService\nname: backend\nsectionName: http')), []);
  assert.deepEqual(policyDiags(K8S_POLICY('kind: MeshService\nname: backend\nnamespace: other\nsectionName: "80"')), []);
  const wrongNs = policyDiags(K8S_POLICY('kind: MeshService\nname: redis'));
  // redis is Universal: a Kubernetes policy's name reference never reaches it.
  assert.equal(wrongNs.length, 1);
  assert.equal(wrongNs[0].code, 'policy-ref-unresolved');
  assert.match(wrongNs[0].message, /holds 2 MeshServices for mesh "default": backend \(kuma-demo\), backend \(other\)/);
});

test('2.x: a misspelt name, the namespace it lives in, and "did you mean"', () => {
  const [d] = policyDiags(K8S_POLICY('kind: MeshService\nname: backnd'));
  assert.equal(d.text, 'backnd');
  assert.match(d.message, /MeshService "backnd" in namespace "kuma-demo" is not in the workspace.*Did you mean "backend"\?/);
});

test('sectionName: the port name, or the number of an unnamed port only', () => {
  const [misspelt] = policyDiags(K8S_POLICY('kind: MeshService\nname: backend\nsectionName: htp'));
  assert.equal(misspelt.code, 'policy-section-unresolved');
  assert.equal(misspelt.text, 'htp');
  assert.match(misspelt.message, /its ports are http \(80, http\), grpc \(9090, grpc\).*Did you mean "http"\?/);
  const [byNumber] = policyDiags(K8S_POLICY('kind: MeshService\nname: backend\nsectionName: "80"'));
  assert.match(byNumber.message, /port 80 is named "http"/);
  // The port of backend in "other" has no name: its number is its section.
  assert.deepEqual(policyDiags(K8S_POLICY('kind: MeshService\nname: backend\nnamespace: other\nsectionName: "80"')), []);
});

test('3.0: labels only, matched against the labels Kuma computes (display name, namespace, mesh)', () => {
  const ok = K8S_POLICY(
    'kind: MeshService\nlabels:\n  kuma.io/display-name: backend\n  k8s.kuma.io/namespace: kuma-demo\nsectionName: grpc',
  );
  assert.deepEqual(policyDiags(ok, '3.0'), []);
  const none = policyDiags(K8S_POLICY('kind: MeshService\nlabels:\n  kuma.io/display-name: backnd'), '3.0');
  assert.equal(none[0].code, 'policy-ref-unresolved');
  assert.equal(none[0].text, 'labels');
  // What the workspace cannot know is never reported.
  assert.deepEqual(policyDiags(K8S_POLICY('kind: MeshService\nlabels:\n  kuma.io/zone: east'), '3.0'), []);
  assert.deepEqual(policyDiags(K8S_POLICY('kind: MeshService\nlabels:\n  kuma.io/origin: global'), '3.0'), []);
  // A name is not a selector at 3.0 (the per-document rules say so): nothing resolved by name here.
  assert.deepEqual(policyDiags(K8S_POLICY('kind: MeshService\nname: backnd'), '3.0'), []);
});

test('resolution per version: name + namespace at 2.x, labels at 3.0, the same labels at 2.x', () => {
  const { service } = loadWorkspace(WS + K8S_POLICY('kind: MeshService\nname: backend'));
  const index = service.index();
  const policy = index.kuma.find((k) => k.fact.kind === 'MeshTimeout')!.fact;
  const ref = policy.refs!.find((r) => r.place === 'to')!;
  const at2 = resolveRef(index, policy, ref, '2.14');
  assert.equal(at2.via, 'name');
  assert.deepEqual(
    at2.matches.map((d) => `${d.namespace}/${d.displayName}`),
    ['kuma-demo/backend'],
  );
  assert.equal(resolveRef(index, policy, ref, '3.0').resolvable, false);
  const byLabels = resolveRef(index, policy, { ...ref, name: undefined, labels: { app: 'backend' } }, '3.0');
  assert.deepEqual(byLabels.matches.map((d) => d.namespace).sort(), ['kuma-demo', 'other']);
  const universal = resolveRef(index, policy, { ...ref, name: undefined, labels: { 'kuma.io/env': 'universal' } }, '2.14');
  assert.deepEqual(
    universal.matches.map((d) => d.displayName),
    ['redis'],
  );
});

test('route backendRefs: the port the service exposes, one target for labels, legacy kuma.io/service names with a fix', () => {
  const route = dedent(`
    #- k8s/policy.yaml
    apiVersion: kuma.io/v1alpha1
    kind: MeshHTTPRoute
    metadata:
      name: route
      namespace: kuma-demo
      labels:
        kuma.io/mesh: default
    spec:
      targetRef:
        kind: Mesh
      to:
        - targetRef:
            kind: MeshService
            name: backend
          rules:
            - matches:
                - path:
                    type: PathPrefix
                    value: /
              default:
                backendRefs:
                  - kind: MeshService
                    name: backend
                    port: 8080
                  - kind: MeshService
                    labels:
                      app: backend
                    port: 80
                  - kind: MeshService
                    name: backend_kuma-demo_svc_80
  `);
  const seen = policyDiags(route);
  assert.deepEqual(
    seen.map((d) => [d.code, d.text]),
    [
      ['policy-backend-port-unresolved', '8080'],
      ['policy-ref-ambiguous', 'labels'],
      ['policy-ref-legacy-name', 'backend_kuma-demo_svc_80'],
    ],
  );
  assert.match(seen[0].message, /exposes 80 \(http\), 9090 \(grpc\)/);
  // The legacy fix writes the real reference.
  const { service, files } = loadWorkspace(WS + route);
  const file = files.find((f) => f.path === 'k8s/policy.yaml')!;
  const a = service.diagnose('file:///ws/k8s/policy.yaml', file.text, settings());
  const legacy = a.diagnostics.find((d) => d.code === 'policy-ref-legacy-name')!;
  const [fix] = quickFixes(legacy, file.text);
  let out = file.text;
  for (const e of [...fix.edits].sort((x, y) => y.range.start - x.range.start))
    out = out.slice(0, e.range.start) + e.newText + out.slice(e.range.end);
  assert.match(out, /- kind: MeshService\n {16}name: backend\n {16}namespace: kuma-demo\n {16}port: 80\n/);
  const portFix = quickFixes(
    a.diagnostics.find((d) => d.code === 'policy-backend-port-unresolved')!,
    file.text,
  );
  assert.deepEqual(
    portFix.map((f) => f.title),
    ['Change port to 80', 'Change port to 9090'],
  );
});

test('legacy names parse as Kuma parses them', () => {
  assert.deepEqual(parseLegacyName('backend_kuma-demo_svc_8080', true), { name: 'backend', namespace: 'kuma-demo', port: 8080 });
  assert.deepEqual(parseLegacyName('a_b_c'), { name: 'a', namespace: 'b' });
  assert.equal(parseLegacyName('a_b_c', true), undefined);
  assert.equal(parseLegacyName('backend'), undefined);
});

test('completion: kinds the place accepts, names, namespaces, sectionName = the port names of the target', () => {
  const at = (to: string) => {
    const { service, cursor } = loadWorkspace(WS + K8S_POLICY(to));
    return complete(service, `file:///ws/${cursor!.path}`, cursor!.text, cursor!.cursor!, settings())!.entries.map((e) => e.label);
  };
  assert.deepEqual(at('kind: MeshService\nname: backend\nsectionName: $0'), ['http', 'grpc']);
  assert.deepEqual(at('kind: MeshService\nname: $0').sort(), ['backend', 'backend']);
  assert.deepEqual(at('kind: MeshService\nname: backend\nnamespace: $0').sort(), ['kuma-demo', 'other']);
  assert.deepEqual(at('kind: $0'), [...policyRefKinds('2.14', 'MeshTimeout', 'to', false)]);
  assert.ok(at('kind: MeshService\nlabels:\n  $0').includes('kuma.io/display-name'));
});

test('definition from sectionName lands on the port name; from the name, on the MeshService', () => {
  const { service, cursor } = loadWorkspace(WS + K8S_POLICY('kind: MeshService\nname: back$0end\nsectionName: grpc'));
  const [svc] = definitions(service, cursor!.text, cursor!.cursor!, settings());
  assert.equal(svc.uri, 'file:///ws/k8s/services.yaml');
  const text = WS.split('#- k8s/services.yaml\n')[1];
  assert.equal(text.slice(svc.range.start, svc.range.end), 'backend');
  const two = loadWorkspace(WS + K8S_POLICY('kind: MeshService\nname: backend\nsectionName: gr$0pc'));
  const [port] = definitions(two.service, two.cursor!.text, two.cursor!.cursor!, settings());
  assert.equal(text.slice(port.range.start, port.range.end), 'grpc');
  assert.equal(text.slice(port.range.start - 12, port.range.start), '        name: '.slice(2));
  const h = hover(two.service, two.cursor!.text, two.cursor!.cursor!, settings());
  assert.match(h!.markdown, /picks\n\n- `grpc` \(port 9090, grpc\) of MeshService backend \(services.yaml\)/);
});

test('rename a MeshService port renames the sectionNames resolving to it; references list them', () => {
  const src = WS.replace('name: grpc\n', 'name: gr$0pc\n') + K8S_POLICY('kind: MeshService\nname: backend\nsectionName: grpc');
  const { service, cursor, files } = loadWorkspace(src);
  const uri = `file:///ws/${cursor!.path}`;
  assert.equal(prepareRename(service, uri, cursor!.text, cursor!.cursor!, settings())?.name, 'grpc');
  const r = rename(service, uri, cursor!.text, cursor!.cursor!, 'rpc', settings());
  assert.ok('edits' in r);
  const policy = files.find((f) => f.path === 'k8s/policy.yaml')!.text;
  const [edit] = r.edits.get('file:///ws/k8s/policy.yaml')!;
  assert.equal(policy.slice(edit.range.start, edit.range.end), 'grpc');
  assert.equal(edit.newText, 'rpc');
  assert.equal(r.edits.get(uri)!.length, 1);
  const refs = references(service, uri, cursor!.text, cursor!.cursor!, settings(), false);
  assert.deepEqual(
    refs.map((l) => l.uri),
    ['file:///ws/k8s/policy.yaml'],
  );
});

test('rename a MeshService renames every reference by name', () => {
  const src =
    WS.replace('  name: backend\n  namespace: kuma-demo', '  name: back$0end\n  namespace: kuma-demo') +
    K8S_POLICY('kind: MeshService\nname: backend\nsectionName: grpc');
  const { service, cursor } = loadWorkspace(src);
  const r = rename(service, `file:///ws/${cursor!.path}`, cursor!.text, cursor!.cursor!, 'api', settings());
  assert.ok('edits' in r);
  assert.equal(r.edits.get('file:///ws/k8s/policy.yaml')?.length, 1);
});

test('"targeted by N policies" on the MeshService and its port, and in its hover', () => {
  const src =
    WS.replace('  name: backend\n  namespace: kuma-demo', '  name: back$0end\n  namespace: kuma-demo') +
    K8S_POLICY('kind: MeshService\nname: backend\nsectionName: grpc');
  const { service, cursor } = loadWorkspace(src);
  const hints = inlayHints(service, cursor!.text, settings());
  const labels = hints.map((h) => `${cursor!.text.slice(h.offset - 4, h.offset)}|${h.label}`);
  assert.ok(labels.includes('kend| targeted by 1 policy'), labels.join('\n'));
  assert.ok(labels.includes('grpc| targeted by 1 policy'), labels.join('\n'));
  assert.ok(!labels.some((l) => l.startsWith('http|')));
  assert.match(hints.find((h) => h.label === ' targeted by 1 policy')!.tooltip!, /MeshTimeout timeouts \(policy.yaml\)/);
  const h = hover(service, cursor!.text, cursor!.cursor!, settings());
  assert.match(h!.markdown, /\*\*Targeted by 1 policy\*\*:\n\n- MeshTimeout timeouts \(policy.yaml\)/);
});

test('HostnameGenerator selectors match the labels Kuma computes: kuma.io/origin: zone selects a Universal MeshService', () => {
  const { service, files } = loadWorkspace(WS);
  const f = files.find((x) => x.path === 'universal/services.yaml')!;
  const h = hover(service, f.text, f.text.indexOf('redis') + 1, settings());
  assert.match(h!.markdown, /`redis.svc.mesh.local` from HostnameGenerator local/);
});

test('non-Kuma YAML and policies without references get nothing', () => {
  const seen = workspaceDiagnostics(WS + '#- other.yaml\nfoo:\n  targetRef:\n    kind: MeshService\n    name: nope\n');
  assert.deepEqual(seen.get('other.yaml'), []);
  assert.deepEqual(policyDiags(K8S_POLICY('kind: Mesh')), []);
});

const DP_WS = dedent(`
  #- dataplanes.yaml
  type: Dataplane
  mesh: default
  name: web-1
  labels:
    app: web
  networking:
    address: 10.0.0.1
    inbound:
      - port: 8080
        name: http
      - port: 9901
  #- policy.yaml
  type: MeshTrafficPermission
  name: allow-web
  mesh: default
  spec:
    targetRef:
      kind: Dataplane
      labels:
        app: web
      sectionName: htp
    from:
      - targetRef:
          kind: Mesh
        default:
          action: Allow
`);

test('top-level Dataplane: sectionName against the inbound names (or the number of an unnamed inbound)', () => {
  const seen = (src: string) => (workspaceDiagnostics(src).get('policy.yaml') ?? []).filter((d) => REF_CODES.has(d.code));
  const [d] = seen(DP_WS);
  assert.equal(d.code, 'policy-section-unresolved');
  assert.match(d.message, /names no port of Dataplane web-1; its ports are http \(8080\), 9901.*Did you mean "http"\?/);
  assert.deepEqual(seen(DP_WS.replace('sectionName: htp', 'sectionName: "9901"')), []);
  assert.equal(seen(DP_WS.replace('app: web\n    sectionName', 'app: api\n    sectionName'))[0].code, 'policy-ref-unresolved');
});

test('renaming a Dataplane inbound renames the sectionNames of the policies that select it', () => {
  const src = DP_WS.replace('sectionName: htp', 'sectionName: http').replace('name: http\n', 'name: ht$0tp\n');
  const { service, cursor } = loadWorkspace(src);
  const r = rename(service, `file:///ws/${cursor!.path}`, cursor!.text, cursor!.cursor!, 'web', settings());
  assert.ok('edits' in r);
  assert.deepEqual([...r.edits.keys()].sort(), ['file:///ws/dataplanes.yaml', 'file:///ws/policy.yaml']);
});

test('a name that lives in another namespace: the fix adds the namespace', () => {
  const src =
    WS +
    K8S_POLICY('kind: MeshService\nname: backend\nsectionName: http').replace(
      'namespace: kuma-demo\n  labels:\n    kuma.io/mesh: default\nspec:\n  targetRef',
      'namespace: shop\n  labels:\n    kuma.io/mesh: default\nspec:\n  targetRef',
    );
  const { service, files } = loadWorkspace(src);
  const file = files.find((f) => f.path === 'k8s/policy.yaml')!;
  const d = service
    .diagnose('file:///ws/k8s/policy.yaml', file.text, settings())
    .diagnostics.find((x) => x.code === 'policy-ref-unresolved')!;
  assert.match(d.message, /A MeshService "backend" exists in namespace "kuma-demo", "other": add `namespace: kuma-demo`/);
  const [fix] = quickFixes(d, file.text);
  assert.equal(fix.title, 'Add namespace: kuma-demo');
  const out = file.text.slice(0, fix.edits[0].range.start) + fix.edits[0].newText + file.text.slice(fix.edits[0].range.end);
  assert.match(out, /\n {8}name: backend\n {8}namespace: kuma-demo\n {8}sectionName: http\n/);
});

test('3.0 Universal: a display name of a MeshService Kuma generates from kuma.io/workload is not said to resolve to nothing', () => {
  const src = dedent(`
    #- dp.yaml
    type: Dataplane
    mesh: default
    name: api-1
    labels:
      kuma.io/workload: api
    networking:
      address: 10.0.0.9
      inbound:
        - port: 8080
          name: http
    #- ms.yaml
    type: MeshService
    name: web
    mesh: default
    spec:
      selector:
        dataplaneRef:
          name: web-1
      ports:
        - port: 80
          targetPort: 8080
    #- policy.yaml
    type: MeshTimeout
    name: t
    mesh: default
    spec:
      targetRef:
        kind: Mesh
      to:
        - targetRef:
            kind: MeshService
            labels:
              kuma.io/display-name: api
          default:
            idleTimeout: 20s
  `);
  const seen = (s: string) => (workspaceDiagnostics(s, '3.0').get('policy.yaml') ?? []).filter((d) => REF_CODES.has(d.code));
  assert.deepEqual(seen(src), []);
  assert.equal(seen(src.replace('display-name: api', 'display-name: apx'))[0].code, 'policy-ref-unresolved');
});

test("3.0: a legacy name to a named port suggests the port's name as sectionName (what the migration writes, SPEC-policies.md f.2), in the message and the fix", () => {
  const policy = K8S_POLICY('kind: MeshService\nname: backend_kuma-demo_svc_80');
  const { service, files } = loadWorkspace(WS + policy);
  const file = files.find((f) => f.path === 'k8s/policy.yaml')!;
  const a = service.diagnose('file:///ws/k8s/policy.yaml', file.text, settings('3.0'));
  const legacy = a.diagnostics.find((d) => d.code === 'policy-ref-legacy-name')!;
  assert.match(legacy.message, /\(MeshService backend, port http is in the workspace\)/);
  assert.match(legacy.message, /labels \{kuma\.io\/display-name: backend, k8s\.kuma\.io\/namespace: kuma-demo\}, sectionName: http\.$/);
  const [fix] = quickFixes(legacy, file.text);
  let out = file.text;
  for (const e of [...fix.edits].sort((x, y) => y.range.start - x.range.start))
    out = out.slice(0, e.range.start) + e.newText + out.slice(e.range.end);
  assert.match(
    out,
    /- targetRef:\n {8}kind: MeshService\n {8}labels:\n {10}kuma\.io\/display-name: backend\n {10}k8s\.kuma\.io\/namespace: kuma-demo\n {8}sectionName: http\n/,
  );
  // An unnamed port: its number, as a string.
  const other = K8S_POLICY('kind: MeshService\nname: backend_other_svc_80');
  const b = workspaceDiagnostics(WS + other, '3.0')
    .get('k8s/policy.yaml')!
    .find((d) => d.code === 'policy-ref-legacy-name')!;
  assert.match(b.message, /k8s\.kuma\.io\/namespace: other\}, sectionName: 80\.$/);
});
