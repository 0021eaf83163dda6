import fc from 'fast-check';
import { stringify } from 'yaml';

/**
 * fast-check generators of Kuma manifests (MeshService, MeshExternalService,
 * MeshMultiZoneService, HostnameGenerator and Dataplane, in both forms) and of the Kubernetes
 * objects they refer to, assembled into files with comments, pins, CRLF and non-ASCII text;
 * and of the random edits a user makes while typing.
 */

const name = fc.constantFrom('web', 'api', 'redis', 'backend', 'db-1', 'web.v2', 'Web', 'x'.repeat(70), 'wéb', 'svc-😀');
const label = fc.constantFrom('web', 'api', 'redis', 'backend');
const portNumber = fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.constantFrom(80, 8080, 6379, 0, 70000));
const portName = fc.constantFrom('http', 'redis', 'grpc', 'metrics', 'Bad_Name');
const appProtocol = fc.constantFrom('http', 'tcp', 'grpc', 'http2', 'kafka', 'websocket', 'HTTP', 'tls');
const version = fc.constantFrom('2.9', '2.13', '2.14', '3.0');

const msPort = fc.record(
  { port: portNumber, targetPort: fc.oneof(portNumber, portName), appProtocol, name: portName },
  { requiredKeys: ['port'] },
);

const msSelector = fc.oneof(
  fc.record({ dataplaneTags: fc.record({ app: label }) }),
  fc.record({ dataplaneLabels: fc.record({ matchLabels: fc.record({ app: label }) }) }),
  fc.record({ dataplaneRef: fc.record({ name }) }),
  fc.constant({}),
);

/** The spec of each Kuma kind, with the usual mistakes among the valid values. */
const specs = {
  MeshService: fc.record(
    { selector: msSelector, ports: fc.array(msPort, { maxLength: 3 }), state: fc.constantFrom('Available', 'Unavailable', 'Broken') },
    { requiredKeys: ['ports'] },
  ),
  MeshExternalService: fc.record(
    {
      match: fc.record({ type: fc.constantFrom('HostnameGenerator', 'Other'), port: portNumber, protocol: appProtocol }),
      endpoints: fc.array(fc.record({ address: fc.constantFrom('example.com', '10.0.0.1', '::1', 'bad host'), port: portNumber }), {
        maxLength: 2,
      }),
      tls: fc.record({ enabled: fc.boolean() }),
    },
    { requiredKeys: ['match'] },
  ),
  MeshMultiZoneService: fc.record({
    selector: fc.record({ meshService: fc.record({ matchLabels: fc.record({ app: label }) }) }),
    ports: fc.array(fc.record({ port: portNumber, appProtocol }, { requiredKeys: ['port'] }), { maxLength: 2 }),
  }),
  HostnameGenerator: fc.record(
    {
      selector: fc.record({ meshService: fc.record({ matchLabels: fc.record({ 'kuma.io/origin': fc.constantFrom('zone', 'global') }) }) }),
      template: fc.constantFrom('{{ .DisplayName }}.mesh', '{{ .Namespace }}.{{ .Zone }}', '{{ label "app" }}.svc', '', '{{ .Bad', 'UPPER'),
    },
    { requiredKeys: ['template'] },
  ),
} as const;

const inbound = fc.record(
  { port: portNumber, servicePort: portNumber, name: portName, tags: fc.record({ 'kuma.io/service': label, app: label }) },
  { requiredKeys: ['port', 'tags'] },
);
const networking = fc.record({
  address: fc.constantFrom('10.0.0.1', '192.168.1.2', 'not-an-ip'),
  inbound: fc.array(inbound, { minLength: 1, maxLength: 2 }),
});

type Obj = Record<string, unknown>;

/** A Kuma resource in the Kubernetes or the Universal form, sometimes with a status or a typo. */
const kumaResource: fc.Arbitrary<Obj> = fc
  .record({
    kind: fc.constantFrom('MeshService', 'MeshExternalService', 'MeshMultiZoneService', 'HostnameGenerator', 'Dataplane'),
    form: fc.constantFrom('kubernetes', 'universal'),
    name,
    namespace: fc.constantFrom(undefined, 'kuma-demo', 'kuma-system'),
    mesh: fc.constantFrom(undefined, 'default', 'other'),
    networking,
    extra: fc.constantFrom(undefined, 'status', 'typo'),
  })
  .chain((r) => {
    const specArb = r.kind === 'Dataplane' ? fc.constant(undefined) : specs[r.kind as keyof typeof specs];
    return specArb.map((spec) => ({ ...r, spec }));
  })
  .map((r) => {
    const body: Obj = r.kind === 'Dataplane' ? { networking: r.networking } : { spec: r.spec };
    if (r.extra === 'status') body.status = { addresses: [{ hostname: 'web.mesh' }] };
    if (r.extra === 'typo' && r.kind !== 'Dataplane') body.spce = {};
    if (r.form === 'universal') return { type: r.kind, name: r.name, ...(r.mesh ? { mesh: r.mesh } : {}), ...body };
    const metadata: Obj = { name: r.name, ...(r.namespace ? { namespace: r.namespace } : {}) };
    // A Kubernetes Dataplane has `mesh` at the top and its networking under `spec`.
    if (r.kind === 'Dataplane')
      return { apiVersion: 'kuma.io/v1alpha1', kind: r.kind, ...(r.mesh ? { mesh: r.mesh } : {}), metadata, spec: body };
    if (r.mesh) metadata.labels = { 'kuma.io/mesh': r.mesh };
    return { apiVersion: 'kuma.io/v1alpha1', kind: r.kind, metadata, ...body };
  });

/** Kubernetes objects the cross-file checks and conversions read. */
const kubernetesObject: fc.Arbitrary<Obj> = fc.oneof(
  // The API server accepts only DNS labels as Service names.
  fc
    .record({
      name: label,
      mesh: fc.boolean(),
      ports: fc.array(
        fc.record(
          { port: portNumber, targetPort: fc.oneof(portNumber, portName), name: portName, appProtocol },
          { requiredKeys: ['port'] },
        ),
        { maxLength: 2 },
      ),
      app: label,
      headless: fc.boolean(),
    })
    .map((s) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: s.name, namespace: 'kuma-demo', ...(s.mesh ? { labels: { 'kuma.io/mesh': 'default' } } : {}) },
      spec: { selector: { app: s.app }, ports: s.ports, ...(s.headless ? { clusterIP: 'None' } : {}) },
    })),
  fc.constantFrom<Obj>(
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kuma-demo', labels: { 'kuma.io/sidecar-injection': 'enabled' } } },
    { apiVersion: 'kuma.io/v1alpha1', kind: 'Mesh', metadata: { name: 'default' } },
    { type: 'Mesh', name: 'other' },
    { unrelated: { config: [1, 2, 3] } },
  ),
);

/** One YAML document's text, block or flow style, ending in a newline. */
const documentText: fc.Arbitrary<string> = fc
  .record({
    obj: fc.oneof({ weight: 3, arbitrary: kumaResource }, { weight: 1, arbitrary: kubernetesObject }),
    flow: fc.boolean(),
    indentSeq: fc.boolean(),
  })
  .map(({ obj, flow, indentSeq }) => stringify(obj, { lineWidth: 0, indentSeq, ...(flow ? { defaultCollectionStyle: 'flow' } : {}) }));

const comment = fc.constantFrom('# a comment', '# ✓ non-ASCII 😀 comment', '  # indented comment', '#', '# ---');

/** A file: documents, comments between lines, an optional version pin, optionally CRLF. */
export const manifestFile: fc.Arbitrary<string> = fc
  .record({
    docs: fc.array(documentText, { minLength: 1, maxLength: 4 }),
    comments: fc.array(fc.record({ at: fc.nat(), text: comment }), { maxLength: 3 }),
    pin: fc.option(fc.oneof(version, fc.constant('9.9')), { nil: undefined }),
    crlf: fc.boolean(),
  })
  .map(({ docs, comments, pin, crlf }) => {
    const lines = docs.join('---\n').split('\n');
    // A comment line between two lines of the block style never changes what the YAML means.
    for (const c of comments) lines.splice(c.at % lines.length, 0, c.text);
    let text = (pin ? `# kuma-version: ${pin}\n` : '') + lines.join('\n');
    if (crlf) text = text.replace(/\n/g, '\r\n');
    return text;
  });

/** A random edit: at a relative position, insert / delete / replace text, or work on a line. */
export interface Mutation {
  op: 'insert' | 'delete' | 'replace' | 'duplicateLine' | 'deleteLine' | 'indent' | 'dedent';
  at: number;
  length: number;
  text: string;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('insert', 'delete', 'replace', 'duplicateLine', 'deleteLine', 'indent', 'dedent'),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  length: fc.nat({ max: 8 }),
  text: fc.oneof(
    fc.constantFrom(
      ' ',
      '\n',
      ':',
      ': ',
      '- ',
      '#',
      '"',
      "'",
      '{',
      '}',
      '[',
      ']',
      '---\n',
      '\t',
      '😀',
      '&a ',
      '*a',
      'x',
      'ports',
      '\r\n',
      '{{ x }}',
      '\u00e9',
      '...\n',
    ),
    fc.string({ maxLength: 4 }),
  ),
});

/** Moves an offset off the middle of a surrogate pair (editors edit whole characters). */
function onBoundary(text: string, o: number): number {
  const hi = text.charCodeAt(o - 1);
  return o > 0 && o < text.length && hi >= 0xd800 && hi <= 0xdbff ? o + 1 : o;
}

/** Applies a mutation; returns the edit as a range replacement (what an editor would send). */
export function applyMutation(text: string, m: Mutation): { text: string; start: number; end: number; newText: string } {
  const at = onBoundary(text, Math.min(text.length, Math.floor(m.at * (text.length + 1))));
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const nl = text.indexOf('\n', at);
  const lineEnd = nl < 0 ? text.length : nl + 1;
  let start = at;
  let end = at;
  let newText = '';
  switch (m.op) {
    case 'insert':
      newText = m.text;
      break;
    case 'delete':
      end = onBoundary(text, Math.min(text.length, at + m.length));
      break;
    case 'replace':
      end = onBoundary(text, Math.min(text.length, at + m.length));
      newText = m.text;
      break;
    case 'duplicateLine':
      start = end = lineStart;
      newText = text.slice(lineStart, lineEnd) + (lineEnd === text.length && !text.endsWith('\n') ? '\n' : '');
      break;
    case 'deleteLine':
      start = lineStart;
      end = lineEnd;
      break;
    case 'indent':
      start = end = lineStart;
      newText = ' '.repeat(1 + (m.length % 4));
      break;
    case 'dedent': {
      start = lineStart;
      end = lineStart;
      while (end < text.length && end < lineStart + 1 + (m.length % 4) && text[end] === ' ') end++;
      break;
    }
  }
  return { text: text.slice(0, start) + newText + text.slice(end), start, end, newText };
}

/** Relative positions (0 to 1) in a file, for completion / hover / definition requests. */
export const positions = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 });

export function offsetsOf(text: string, rel: number[]): number[] {
  return rel.map((r) => onBoundary(text, Math.min(text.length, Math.floor(r * (text.length + 1)))));
}
