import fc from 'fast-check';
import { stringify } from 'yaml';
import { applyMutation, mutation } from '../fuzz/arbitraries';

/**
 * Generated documents for the conformance run: for each kind and form, valid manifests, the same
 * with one structured edit (a wrong value, a missing or unknown key), and the same with a random
 * text edit of the kind a user makes while typing (test/fuzz/arbitraries.ts).
 */

export type Form = 'universal' | 'kubernetes';
export const KINDS = ['MeshService', 'MeshExternalService', 'MeshMultiZoneService', 'HostnameGenerator', 'Dataplane'] as const;
export type Kind = (typeof KINDS)[number];

export interface GeneratedDoc {
  kind: Kind;
  form: Form;
  origin: 'valid' | 'edited' | 'broken';
  text: string;
}

type Obj = Record<string, unknown>;

const dnsName = fc.constantFrom('web', 'api', 'redis', 'backend', 'db-1', 'web.v2', 'a', 'svc-9', 'x'.repeat(63), 'x'.repeat(64));
const oddName = fc.constantFrom('Web', 'web_1', '1web', 'web-', 'wéb', '', 'x'.repeat(254), 'a.b.c');
const name = fc.oneof({ weight: 6, arbitrary: dnsName }, { weight: 1, arbitrary: oddName });
const mesh = fc.constantFrom('default', 'default', 'other', 'Mesh_1', 'bad mesh');
const labelValue = fc.constantFrom('web', 'api', 'redis', 'backend', 'v1', '');
const labelKey = fc.constantFrom('app', 'version', 'kuma.io/zone', 'k8s.kuma.io/namespace', 'team', 'kuma.io/origin', 'bad key!');
const labels = fc.dictionary(labelKey, labelValue, { minKeys: 1, maxKeys: 2 });
const port = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 65535 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 65536, 70000) },
);
const portName = fc.constantFrom('http', 'grpc', 'tcp-redis', 'metrics', 'main', 'Bad_Name', 'a'.repeat(64), '8080');
const appProtocol = fc.constantFrom('http', 'tcp', 'grpc', 'http2', 'kafka', 'websocket', 'HTTP', 'tls', 'mysql', '');
const mesProtocol = fc.constantFrom('tcp', 'grpc', 'http', 'http2', 'udp', 'HTTP', '');
const host = fc.constantFrom(
  'example.com',
  'api.example.com',
  '10.0.0.1',
  '::1',
  '2001:db8::1',
  'bad host',
  'unix:///tmp/s.sock',
  '*.example.com',
  '',
);

const msSelector = fc.oneof(
  fc.record({ dataplaneTags: labels }),
  fc.record({ dataplaneLabels: fc.record({ matchLabels: labels }) }),
  fc.record({ dataplaneRef: fc.record({ name: fc.constantFrom('dp-1', 'web-0.kuma-demo', '') }) }),
  fc.constant({}),
  { weight: 1, arbitrary: fc.record({ dataplaneTags: labels, dataplaneLabels: fc.record({ matchLabels: labels }) }) },
);

const specs: Record<Exclude<Kind, 'Dataplane'>, fc.Arbitrary<Obj>> = {
  MeshService: fc.record(
    {
      selector: msSelector,
      ports: fc.array(fc.record({ name: portName, port, targetPort: fc.oneof(port, portName), appProtocol }, { requiredKeys: ['port'] }), {
        maxLength: 3,
      }),
      state: fc.constantFrom('Available', 'Unavailable', 'Broken'),
      identities: fc.array(
        fc.record({ type: fc.constantFrom('ServiceTag', 'SpiffeID', 'Other'), value: fc.constantFrom('web', 'spiffe://default/web', '') }),
        { maxLength: 2 },
      ),
    },
    { requiredKeys: ['ports'] },
  ),
  MeshExternalService: fc.record(
    {
      match: fc.record(
        { type: fc.constantFrom('HostnameGenerator', 'HostnameGenerator', 'Other'), port, protocol: mesProtocol },
        { requiredKeys: ['port'] },
      ),
      endpoints: fc.array(fc.record({ address: host, port }, { requiredKeys: ['address'] }), { maxLength: 2 }),
      extension: fc.record({ type: fc.constantFrom('Lambda', ''), config: fc.constant({ arn: 'x' }) }, { requiredKeys: ['type'] }),
      tls: fc.record({
        enabled: fc.boolean(),
        allowRenegotiation: fc.boolean(),
        version: fc.record({
          min: fc.constantFrom('TLSAuto', 'TLS12', 'TLS13', 'TLS10', 'TLS99'),
          max: fc.constantFrom('TLSAuto', 'TLS12', 'TLS13'),
        }),
        verification: fc.record({
          mode: fc.constantFrom('Secured', 'SkipSAN', 'SkipCA', 'SkipAll', 'Nope'),
          serverName: fc.constantFrom('example.com', ''),
          subjectAltNames: fc.array(
            fc.record({ type: fc.constantFrom('Exact', 'Prefix', 'Regex'), value: fc.constantFrom('example.com', '') }),
            {
              maxLength: 2,
            },
          ),
          caCert: fc.constantFrom({ inline: 'abc' }, { inlineString: 'abc' }, { secret: 'ca' }, {}),
        }),
      }),
    },
    { requiredKeys: ['match'] },
  ),
  MeshMultiZoneService: fc.record(
    {
      selector: fc.record({ meshService: fc.record({ matchLabels: labels }) }),
      ports: fc.array(fc.record({ name: portName, port, appProtocol }, { requiredKeys: ['port'] }), { maxLength: 2 }),
    },
    { requiredKeys: ['selector', 'ports'] },
  ),
  HostnameGenerator: fc.record(
    {
      selector: fc.oneof(
        fc.record({ meshService: fc.record({ matchLabels: labels }) }),
        fc.record({ meshExternalService: fc.record({ matchLabels: labels }) }),
        fc.record({ meshMultiZoneService: fc.record({ matchLabels: labels }) }),
        fc.constant({}),
        fc.record({ meshService: fc.record({ matchLabels: labels }), meshExternalService: fc.record({ matchLabels: labels }) }),
      ),
      template: fc.constantFrom(
        '{{ .DisplayName }}.mesh',
        '{{ .DisplayName }}.{{ .Namespace }}.svc.mesh.local',
        '{{ .DisplayName }}.{{ .Zone }}.mesh',
        '{{ label "app" }}.svc',
        '{{ .Mesh }}.x',
        '',
        '{{ .Bad',
        '{{ .Unknown }}.mesh',
        'UPPER.mesh',
      ),
      extension: fc.record({ type: fc.constantFrom('Custom', '') }),
    },
    { requiredKeys: ['template'] },
  ),
};

const dpInbound = fc.record(
  {
    port,
    servicePort: port,
    address: fc.constantFrom('10.0.0.2', 'not-an-ip', '::1'),
    name: portName,
    state: fc.constantFrom('Ready', 'NotReady', 'Ignored', 'Broken'),
    tags: fc.oneof(
      fc.record(
        { 'kuma.io/service': fc.constantFrom('web', 'web_kuma-demo_svc_80', ''), 'kuma.io/protocol': appProtocol },
        { requiredKeys: ['kuma.io/service'] },
      ),
      fc.record({ app: labelValue }),
      fc.constant({ 'kuma.io/service': 'web', 'bad key!': 'x' }),
    ),
  },
  { requiredKeys: ['port'] },
);
const dpNetworking = fc.record(
  {
    address: fc.constantFrom('10.0.0.1', '192.168.1.2', 'not-an-ip', '', 'fd00::1'),
    advertisedAddress: fc.constantFrom('1.2.3.4', 'nope'),
    inbound: fc.array(dpInbound, { maxLength: 2 }),
    outbound: fc.array(
      fc.record(
        { port, address: fc.constantFrom('127.0.0.1', 'x'), tags: fc.record({ 'kuma.io/service': fc.constantFrom('redis', '') }) },
        { requiredKeys: ['port'] },
      ),
      { maxLength: 1 },
    ),
    gateway: fc.record({
      tags: fc.record({ 'kuma.io/service': fc.constantFrom('gw', '') }),
      type: fc.constantFrom('BUILTIN', 'DELEGATED', 'OTHER'),
    }),
    transparentProxying: fc.record({ redirectPortInbound: port, redirectPortOutbound: port }),
    admin: fc.record({ port }),
  },
  { requiredKeys: ['address'] },
);

/** A document of a kind in a form, with mostly valid values. */
function valid(kind: Kind, form: Form): fc.Arbitrary<Obj> {
  const spec = kind === 'Dataplane' ? dpNetworking : specs[kind];
  const nsDefault = kind === 'MeshExternalService' || kind === 'HostnameGenerator' ? 'kuma-system' : 'kuma-demo';
  return fc
    .record({
      name,
      mesh: fc.option(mesh, { nil: undefined, freq: 3 }),
      namespace: fc.constantFrom(nsDefault, nsDefault, nsDefault, 'kuma-demo', undefined),
      labels: fc.option(
        fc.dictionary(fc.constantFrom('app', 'team', 'kuma.io/origin', 'kuma.io/zone'), fc.constantFrom('web', 'zone', 'global', 'zone-1')),
        {
          nil: undefined,
          freq: 3,
        },
      ),
      spec,
    })
    .map((r) => {
      if (form === 'universal') {
        const doc: Obj = { type: kind, name: r.name };
        if (kind !== 'HostnameGenerator' && r.mesh !== undefined) doc.mesh = r.mesh;
        else if (kind !== 'HostnameGenerator') doc.mesh = 'default';
        if (r.labels) doc.labels = r.labels;
        if (kind === 'Dataplane') doc.networking = r.spec;
        else doc.spec = r.spec;
        return doc;
      }
      const metadata: Obj = { name: r.name };
      if (r.namespace) metadata.namespace = r.namespace;
      const l: Obj = { ...(r.labels ?? {}) };
      if (kind !== 'Dataplane' && kind !== 'HostnameGenerator' && r.mesh) l['kuma.io/mesh'] = r.mesh;
      if (Object.keys(l).length) metadata.labels = l;
      const doc: Obj = { apiVersion: 'kuma.io/v1alpha1', kind };
      if (kind === 'Dataplane') {
        if (r.mesh) doc.mesh = r.mesh;
        doc.metadata = metadata;
        doc.spec = { networking: r.spec };
      } else {
        doc.metadata = metadata;
        doc.spec = r.spec;
      }
      return doc;
    });
}

const badValue = fc.constantFrom<unknown>('', 'text', -1, 0, 99999, 1.5, true, null, [], {}, ['x'], { x: 1 }, 'UPPER', '{{ .Bad');

/** Every path (list of keys) of an object, leaves and inner nodes. */
function paths(o: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [];
  if (Array.isArray(o)) o.forEach((v, i) => out.push([...prefix, i], ...paths(v, [...prefix, i])));
  else if (o && typeof o === 'object') for (const [k, v] of Object.entries(o)) out.push([...prefix, k], ...paths(v, [...prefix, k]));
  return out;
}

export function edit(doc: Obj, e: { op: number; at: number; value: unknown; key: string }): Obj {
  const copy = structuredClone(doc);
  const ps = paths(copy).filter((p) => !(p[0] === 'apiVersion' || p[0] === 'kind' || p[0] === 'type'));
  if (ps.length === 0) return copy;
  const p = ps[Math.floor(e.at * ps.length) % ps.length];
  let parent: Record<string | number, unknown> = copy as Record<string | number, unknown>;
  for (const k of p.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = p[p.length - 1];
  switch (e.op % 3) {
    case 0: // a wrong value
      parent[last] = e.value;
      break;
    case 1: // a missing key
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
      break;
    default: {
      // an unknown key next to a known one (a typo)
      const target = parent[last];
      if (target && typeof target === 'object' && !Array.isArray(target)) (target as Obj)[e.key] = 'x';
      else if (!Array.isArray(parent)) parent[e.key] = 1;
    }
  }
  return copy;
}

export function text(o: Obj, flow: boolean): string {
  return stringify(o, { lineWidth: 0, ...(flow ? { defaultCollectionStyle: 'flow' } : {}) });
}

export function docArbitrary(kind: Kind, form: Form): fc.Arbitrary<GeneratedDoc> {
  const base = valid(kind, form);
  return fc.oneof(
    { weight: 4, arbitrary: base.map((o) => ({ kind, form, origin: 'valid' as const, text: text(o, false) })) },
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          base,
          fc.record({
            op: fc.nat(),
            at: fc.double({ min: 0, max: 0.999, noNaN: true }),
            value: badValue,
            key: fc.constantFrom('prot', 'spce', 'selectr', 'extra'),
          }),
        )
        .map(([o, e]) => ({ kind, form, origin: 'edited' as const, text: text(edit(o, e), false) })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(base, mutation, fc.boolean())
        .map(([o, m, flow]) => ({ kind, form, origin: 'broken' as const, text: applyMutation(text(o, flow), m).text })),
    },
  );
}

/** `count` documents of a kind and form, the same for a given seed. */
export function generate(kind: Kind, form: Form, count: number, seed: number): GeneratedDoc[] {
  return fc.sample(docArbitrary(kind, form), { numRuns: count, seed });
}
