import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseAllDocuments, stringify } from 'yaml';
import { allowedConversion, type ConversionCase } from './allowlist';
import type { Oracle } from './oracle';

/**
 * Conversions: what `kuma-lint convert service-to-meshservice` (and dataplane-to-meshservice)
 * prints, against the MeshServices Kuma's own generator makes from the same input
 * (tools/kuma-oracle `generate`): the golden inputs of test/fixtures/convert at every version, and
 * generated Services.
 */
export interface ConversionResult {
  name: string;
  version: string;
  ok: boolean;
  diff: string;
  /** The allow-list entry that covers the difference. */
  allowed?: string;
  /** Kuma's generator is not run for this input and version (see the oracle's README). */
  skipped?: string;
}

type Obj = Record<string, unknown>;

/** A MeshService as compared: name, namespace, labels, spec; empty values dropped. */
function normalize(o: unknown): unknown {
  if (Array.isArray(o)) return o.map(normalize);
  if (o && typeof o === 'object') {
    const out: Obj = {};
    for (const k of Object.keys(o).sort()) {
      const v = normalize((o as Obj)[k]);
      if (v === null || v === undefined) continue;
      if (typeof v === 'object' && Object.keys(v).length === 0) continue; // {} and [] are Go's omitted empties
      out[k] = v;
    }
    return out;
  }
  return o;
}

/**
 * What is compared of a MeshService: name, namespace / mesh, labels and spec. A Universal one's
 * labels are left out: Kuma's generator marks its own resources (managed-by: meshservice-generator,
 * zone, origin, display-name — set by the generator and the store), while our conversion writes a
 * MeshService to apply, which gets those from the API server.
 */
function view(ms: Obj): Obj {
  const md = (ms.metadata ?? {}) as Obj;
  const universal = ms.metadata === undefined;
  return normalize({
    name: md.name ?? ms.name,
    namespace: md.namespace,
    mesh: ms.mesh,
    labels: universal ? undefined : md.labels,
    spec: ms.spec,
  }) as Obj;
}

function key(v: Obj): string {
  return `${String(v.namespace ?? '')}/${String(v.name)}`;
}

function ours(root: string, sub: string, version: string, files: string[]): { items: Obj[]; notes: string } {
  const r = spawnSync(process.execPath, [join(root, 'dist', 'cli.js'), 'convert', sub, '--kuma-version', version, ...files], {
    encoding: 'utf8',
  });
  const items = parseAllDocuments(r.stdout ?? '')
    .map((d) => d.toJS() as Obj | null)
    .filter((o): o is Obj => !!o && (o.kind === 'MeshService' || o.type === 'MeshService'));
  return { items, notes: `${r.stdout ?? ''}\n${r.stderr ?? ''}` };
}

/** One line of difference per MeshService (by namespace/name), empty when equal. */
function diffsOf(a: Obj[], b: Obj[]): Map<string, string> {
  const am = new Map(a.map((x) => [key(x), x]));
  const bm = new Map(b.map((x) => [key(x), x]));
  const out = new Map<string, string>();
  for (const k of new Set([...am.keys(), ...bm.keys()])) {
    const x = am.get(k);
    const y = bm.get(k);
    if (!x) out.set(k, `  only Kuma makes ${k}:\n${stringify(y).replace(/^/gm, '      ')}`);
    else if (!y) out.set(k, `  only we make ${k}:\n${stringify(x).replace(/^/gm, '      ')}`);
    else if (JSON.stringify(x) !== JSON.stringify(y))
      out.set(k, `  ${k} differs:\n    ours:\n${stringify(x).replace(/^/gm, '      ')}    Kuma:\n${stringify(y).replace(/^/gm, '      ')}`);
    else out.set(k, '');
  }
  return out;
}

async function compareOne(
  root: string,
  oracle: Oracle,
  version: string,
  name: string,
  sub: 'service-to-meshservice' | 'dataplane-to-meshservice',
  input: string,
  workspace: string | undefined,
  perMeshService = false,
): Promise<ConversionResult[]> {
  const form = sub === 'service-to-meshservice' ? 'kubernetes' : 'universal';
  const answer = await oracle.ask({ op: 'generate', form, yaml: input, objects: workspace ? [workspace] : [] });
  if (answer.error && /not implemented/.test(answer.error)) return [{ name, version, ok: true, diff: '', skipped: answer.error }];
  if (answer.error) return [{ name, version, ok: false, diff: `  the oracle failed: ${answer.error}` }];
  const kuma = (answer.meshServices ?? []).map(view);
  // Our conversion runs on files: the input and the workspace, in a temporary folder removed right after.
  const dir = mkdtempSync(join(tmpdir(), 'kuma-conformance-'));
  let us: ReturnType<typeof ours>;
  try {
    const files = [join(dir, 'input.yaml')];
    writeFileSync(files[0], input);
    if (workspace !== undefined) {
      files.push(join(dir, 'workspace.yaml'));
      writeFileSync(files[1], workspace);
    }
    us = ours(root, sub, version, files);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const diffs = diffsOf(us.items.map(view), kuma);
  const c: ConversionCase = { name, version, input, workspace, notes: us.notes };
  const judge = (k: string, diff: string): ConversionResult => {
    const allowed = diff ? allowedConversion(c, k) : undefined;
    return { name: perMeshService ? `${name}: ${k}` : name, version, ok: diff === '' || !!allowed, diff, allowed: allowed?.id };
  };
  if (perMeshService) return [...diffs.entries()].map(([k, d]) => judge(k, d));
  const bad = [...diffs.entries()].filter(([, d]) => d !== '');
  if (bad.length === 0) return [judge('', '')];
  const results = bad.map(([k, d]) => judge(k, d));
  return [
    {
      name,
      version,
      ok: results.every((r) => r.ok),
      diff: results
        .filter((r) => !r.ok)
        .map((r) => r.diff)
        .join('\n'),
      allowed: results.find((r) => r.allowed)?.allowed,
    },
  ];
}

const portNumber = fc.integer({ min: 1, max: 65535 });
const svcPort = fc.record(
  {
    name: fc.constantFrom('http', 'grpc', 'tcp-redis', 'metrics', 'web'),
    port: portNumber,
    targetPort: fc.oneof(portNumber, fc.constantFrom('http', 'metrics')),
    appProtocol: fc.constantFrom('http', 'tcp', 'grpc', 'http2', 'kuma.io/http', 'kubernetes.io/h2c', 'kafka'),
    protocol: fc.constantFrom('TCP', 'TCP', 'UDP', 'SCTP'),
  },
  { requiredKeys: ['port'] },
);
const service = fc.record({
  ns: fc.constantFrom('kuma-demo', 'injected', 'plain'),
  labels: fc.option(
    // meshes the workspace defines (a Service of a mesh missing from the cluster gets no MeshService)
    fc.record(
      {
        app: fc.constantFrom('web', 'db'),
        version: fc.constantFrom('v1', 'v2'),
        'kuma.io/mesh': fc.constantFrom('default', 'other'),
        team: fc.constant('a'),
      },
      { requiredKeys: [] },
    ),
    { nil: undefined },
  ),
  annotations: fc.option(fc.constantFrom<Obj>({ 'kuma.io/ignore': 'true' }, { 'kuma.io/gateway': 'enabled' }, { other: 'x' }), {
    nil: undefined,
  }),
  type: fc.constantFrom('ClusterIP', 'ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'),
  selector: fc.option(fc.dictionary(fc.constantFrom('app', 'tier'), fc.constantFrom('web', 'db')), { nil: undefined }),
  // what the API server accepts: (port, protocol) pairs and port names unique, every port named when there are several
  ports: fc
    .uniqueArray(svcPort, { maxLength: 3, selector: (p) => `${p.port}/${p.protocol ?? 'TCP'}` })
    .map((ps) => ps.map((p, i) => (ps.length > 1 ? { ...p, name: `${p.name ?? 'p'}-${i}` } : p))),
});

const GENERATED_WORKSPACE = `apiVersion: v1
kind: Namespace
metadata:
  name: kuma-demo
  labels:
    kuma.io/sidecar-injection: enabled
---
apiVersion: v1
kind: Namespace
metadata:
  name: injected
  labels:
    kuma.io/sidecar-injection: enabled
    kuma.io/mesh: other
---
apiVersion: v1
kind: Namespace
metadata:
  name: plain
---
apiVersion: kuma.io/v1alpha1
kind: Mesh
metadata:
  name: default
spec:
  meshServices:
    mode: Exclusive
---
apiVersion: kuma.io/v1alpha1
kind: Mesh
metadata:
  name: other
spec:
  meshServices:
    mode: Everywhere
`;

export function generatedServices(count: number, seed: number): string {
  const svcs = fc.sample(service, { numRuns: count, seed });
  return svcs
    .map((s, i) => {
      const metadata: Obj = { name: `svc-${i}`, namespace: s.ns };
      if (s.labels) metadata.labels = s.labels;
      if (s.annotations) metadata.annotations = s.annotations;
      const spec: Obj = { type: s.type, ports: s.ports };
      if (s.selector) spec.selector = s.selector;
      if (s.type === 'ExternalName') spec.externalName = 'example.com';
      return stringify({ apiVersion: 'v1', kind: 'Service', metadata, spec }, { lineWidth: 0 });
    })
    .join('---\n');
}

export async function runConversions(
  root: string,
  oracle: Oracle,
  version: string,
  generated = 200,
  seed = 20,
): Promise<ConversionResult[]> {
  const base = join(root, 'test', 'fixtures', 'convert');
  const out: ConversionResult[] = [];
  for (const d of readdirSync(base).sort()) {
    const sub = d.startsWith('svc-') ? 'service-to-meshservice' : d.startsWith('dp-') ? 'dataplane-to-meshservice' : undefined;
    if (!sub) continue;
    const dir = join(base, d);
    const input = readFileSync(join(dir, 'input.yaml'), 'utf8');
    const ws = existsSync(join(dir, 'workspace.yaml')) ? readFileSync(join(dir, 'workspace.yaml'), 'utf8') : undefined;
    out.push(...(await compareOne(root, oracle, version, `fixture ${d}`, sub, input, ws)));
  }
  if (generated > 0)
    out.push(
      ...(await compareOne(
        root,
        oracle,
        version,
        'generated Service',
        'service-to-meshservice',
        generatedServices(generated, seed),
        GENERATED_WORKSPACE,
        true,
      )),
    );
  return out;
}
