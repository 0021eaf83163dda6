// Workload generator of the benchmark: deterministic, realistic multi-document manifests of the
// kinds a Kuma repository holds (Kubernetes MeshServices, Universal Dataplanes, Kubernetes
// Services, MeshExternalServices, HostnameGenerators), with a known set of injected faults and
// the positions the LSP probes use (completion, hover, a one-character edit).
//
//   import { generateFile, writeWorkload } from './bench-gen.mjs';
//   node scripts/bench-gen.mjs [--out bench-out/data]     # writes the files, prints a summary
//
// Same seed => byte-identical output.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** mulberry32: a tiny deterministic PRNG. */
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const APPS = [
  'orders',
  'payments',
  'checkout',
  'cart',
  'catalog',
  'inventory',
  'shipping',
  'billing',
  'users',
  'auth',
  'search',
  'reviews',
];
const NAMESPACES = ['default', 'shop', 'finance', 'platform', 'edge'];
const PROTOCOLS = ['tcp', 'http', 'http2', 'grpc'];
const PORT_NAMES = ['http', 'http-api', 'grpc', 'metrics', 'admin', 'tcp-main', 'web'];
/** The ports an app's Dataplanes serve, so MeshServices selecting them can target them by number or name. */
const inboundPort = (app, p) => 8000 + 10 * APPS.indexOf(app) + p;
const inboundName = (app, p) => PORT_NAMES[(APPS.indexOf(app) + p) % PORT_NAMES.length];
/** Faults a user makes; each one is a single Kuma diagnostic in an otherwise valid document. */
export const FAULTS = ['bad-appProtocol', 'port-out-of-range', 'unknown-field', 'duplicate-port'];

class Generator {
  constructor(seed, errorRate) {
    this.rand = prng(seed);
    this.faultEvery = errorRate > 0 ? Math.max(1, Math.round(1 / errorRate)) : 0;
    this.meshServices = 0;
    this.dataplanes = 0;
    /** The MeshServices generated (name, namespace, form, port names and numbers), for the policies that reference them. */
    this.services = [];
  }
  pick(xs) {
    return xs[Math.floor(this.rand() * xs.length)];
  }
  int(lo, hi) {
    return lo + Math.floor(this.rand() * (hi - lo + 1));
  }

  meshService(idx) {
    const app = this.pick(APPS);
    const ns = this.pick(NAMESPACES);
    const ord = this.meshServices++;
    const fault =
      this.faultEvery && ord % this.faultEvery === this.faultEvery - 1 ? FAULTS[Math.floor(ord / this.faultEvery) % FAULTS.length] : null;
    // Half in Kubernetes form, half in Universal form like the Dataplanes they select.
    const L =
      this.rand() < 0.5
        ? ['apiVersion: kuma.io/v1alpha1', 'kind: MeshService', 'metadata:', `  name: ${app}-${idx}`, `  namespace: ${ns}`, '  labels:']
        : ['type: MeshService', `name: ${app}-${idx}`, 'mesh: default', 'labels:'];
    L.push(L[0] === 'type: MeshService' ? `  team: ${app}` : '    kuma.io/mesh: default');
    L.push('spec:', '  selector:', '    dataplaneTags:', `      app: ${app}`, `      k8s.kuma.io/namespace: ${ns}`);
    if (fault === 'unknown-field') L.push('  weight: 10');
    L.push('  ports:');
    const probes = {};
    const used = new Set();
    const n = this.int(1, 3);
    for (let p = 0; p < n; p++) {
      const name = inboundName(app, p);
      let port = 8000 + this.int(0, 900) + 10 * p;
      while (used.has(port)) port++;
      used.add(port);
      if (fault === 'port-out-of-range' && p === 0) port = 70000 + this.int(0, 999);
      const proto = fault === 'bad-appProtocol' && p === 0 ? 'websocket' : this.pick(PROTOCOLS);
      const start = L.length;
      L.push(
        `  - name: ${name}`,
        `    port: ${port}`,
        `    targetPort: ${this.rand() < 0.5 ? inboundPort(app, p) : name}`,
        `    appProtocol: ${proto}`,
      );
      if (p === 0) Object.assign(probes, { port: start + 1, targetPort: start + 2, appProtocol: start + 3 });
    }
    this.services.push({
      name: `${app}-${idx}`,
      namespace: L[0] === 'type: MeshService' ? '' : ns,
      form: L[0] === 'type: MeshService' ? 'universal' : 'kubernetes',
      ports: L.filter((l) => l.startsWith('  - name: ')).map((l) => l.slice('  - name: '.length)),
      numbers: L.filter((l) => l.startsWith('    port: ')).map((l) => Number(l.slice('    port: '.length))),
    });
    if (fault === 'duplicate-port') {
      // One more port with the number and protocol of the first: a list Kubernetes keys by both.
      L.push('  - name: extra', `    port: ${L[probes.port].slice('    port: '.length)}`, L[probes.appProtocol]);
    }
    return { kind: 'MeshService', lines: L, fault, probes };
  }

  dataplane(idx) {
    const app = this.pick(APPS);
    const ns = this.pick(NAMESPACES);
    const n = this.dataplanes++;
    const L = [
      'type: Dataplane',
      'mesh: default',
      `name: ${app}-dp-${idx}`,
      'networking:',
      `  address: 10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
    ];
    L.push('  inbound:');
    const k = this.int(1, 3);
    for (let p = 0; p < k; p++) {
      L.push(`  - port: ${inboundPort(app, p)}`, `    name: ${inboundName(app, p)}`, '    tags:');
      L.push(`      kuma.io/service: ${app}_${ns}_svc_${80 + p}`, `      app: ${app}`, `      k8s.kuma.io/namespace: ${ns}`);
    }
    return { kind: 'Dataplane', lines: L, fault: null, probes: {} };
  }

  service(idx) {
    const app = this.pick(APPS);
    const L = [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      `  name: ${app}-svc-${idx}`,
      `  namespace: ${this.pick(NAMESPACES)}`,
      'spec:',
    ];
    L.push('  selector:', `    app: ${app}`, '  ports:');
    for (let p = 0; p < this.int(1, 2); p++) {
      L.push(
        `  - name: ${PORT_NAMES[(idx + p) % PORT_NAMES.length]}`,
        `    port: ${80 + p}`,
        `    targetPort: ${8080 + p}`,
        '    protocol: TCP',
      );
    }
    return { kind: 'Service', lines: L, fault: null, probes: {} };
  }

  externalService(idx) {
    const host = `${this.pick(APPS)}-${idx}.example.com`;
    const L = ['apiVersion: kuma.io/v1alpha1', 'kind: MeshExternalService', 'metadata:', `  name: ext-${idx}`, '  namespace: kuma-system'];
    L.push(
      '  labels:',
      '    kuma.io/mesh: default',
      'spec:',
      '  match:',
      '    type: HostnameGenerator',
      '    port: 443',
      '    protocol: tcp',
    );
    L.push('  endpoints:', `  - address: ${host}`, '    port: 443');
    return { kind: 'MeshExternalService', lines: L, fault: null, probes: {} };
  }

  hostnameGenerator(idx) {
    const L = ['apiVersion: kuma.io/v1alpha1', 'kind: HostnameGenerator', 'metadata:', `  name: hosts-${idx}`, '  namespace: kuma-system'];
    L.push('  labels:', '    kuma.io/mesh: default', 'spec:', '  selector:', '    meshService:', '      matchLabels:');
    L.push(`        team: ${this.pick(APPS)}`, `  template: '{{ .DisplayName }}.{{ .Namespace }}.svc.${idx}.mesh.local'`);
    return { kind: 'HostnameGenerator', lines: L, fault: null, probes: {} };
  }

  doc(idx) {
    // ~45 % MeshService, ~33 % Dataplane, ~16 % Service, ~4 % MeshExternalService, ~2 % HostnameGenerator
    const r = idx === 0 ? 0 : this.rand();
    if (r < 0.45) return this.meshService(idx);
    if (r < 0.78) return this.dataplane(idx);
    if (r < 0.94) return this.service(idx);
    if (r < 0.98) return this.externalService(idx);
    return this.hostnameGenerator(idx);
  }

  /** One file of `n` documents; line numbers in the result are 0-based and absolute. */
  file(n, firstIdx = 0) {
    const lines = [];
    const docs = [];
    for (let d = 0; d < n; d++) {
      if (d > 0) lines.push('---');
      const start = lines.length;
      const g = this.doc(firstIdx + d);
      lines.push(...g.lines);
      const probes = Object.fromEntries(Object.entries(g.probes).map(([k, v]) => [k, start + v]));
      docs.push({ kind: g.kind, start, end: lines.length - 1, fault: g.fault, probes });
    }
    return { text: lines.join('\n') + '\n', lines, docs, probes: probesFor(lines, docs) };
  }
}

/**
 * LSP positions in a valid MeshService near the middle of the file: completion inside the
 * appProtocol and targetPort values, hover on the appProtocol key, and an edit of the last digit
 * of a `port:` value (alternating keeps the document valid).
 */
function probesFor(lines, docs) {
  // A Universal one: it selects the (Universal) Dataplanes, so targetPort completion has candidates.
  const ms = docs.filter((d) => d.kind === 'MeshService' && !d.fault && lines[d.start] === 'type: MeshService');
  const mid = ms[Math.floor(ms.length / 2)];
  if (!mid) return null;
  const after = (line, key) => lines[line].indexOf(key) + key.length;
  const { appProtocol: ap, targetPort: tp, port: pl } = mid.probes;
  return {
    completionAppProtocol: { line: ap, character: after(ap, 'appProtocol: ') },
    completionTargetPort: { line: tp, character: after(tp, 'targetPort: ') },
    hoverAppProtocol: { line: ap, character: lines[ap].indexOf('appProtocol') + 3 },
    edit: { line: pl, character: lines[pl].length - 1, original: lines[pl].slice(-1) },
  };
}

/** One file of `docs` documents (seeded by its size, so each size is stable on its own). */
export function generateFile(docs, { seed = 42, errorRate = 0.1 } = {}) {
  return new Generator(seed + docs, errorRate).file(docs);
}

/** `files` files of `docsPerFile` documents: the workspace a repository of manifests looks like. */
export function generateWorkspace(files, docsPerFile, { seed = 7, errorRate = 0.1 } = {}) {
  const g = new Generator(seed, errorRate);
  return Array.from({ length: files }, (_, i) => ({
    name: `${String(i).padStart(4, '0')}.yaml`,
    ...g.file(docsPerFile, i * docsPerFile),
  }));
}

/**
 * The workspace of `generateWorkspace` (`docsPerFile` - 2 documents per file, so that its size matches
 * the plain workspace's; `{ extra: true }`: all of them) with two policies appended to every file: a MeshTimeout whose
 * `to[]` targets a MeshService of the workspace by name and `sectionName`, and a MeshHTTPRoute whose
 * backendRef names one and its port (each in the MeshService's form and namespace). Probes: the
 * value of the first policy's sectionName (completion, an edit of its last character) and its name (hover).
 */
export function generatePolicyWorkspace(files, docsPerFile, { seed = 7, errorRate = 0.1, extra = false } = {}) {
  const g = new Generator(seed, errorRate);
  const own = extra ? docsPerFile : docsPerFile - 2;
  const base = Array.from({ length: files }, (_, i) => g.file(own, i * own));
  const targets = g.services.filter((s) => s.ports.length > 0);
  const rand = prng(seed + 1);
  const pick = () => targets[Math.floor(rand() * targets.length)];
  return base.map((f, i) => {
    const lines = [...f.lines];
    const docs = [...f.docs];
    const head = (kind, name, s) =>
      s.form === 'kubernetes'
        ? [
            'apiVersion: kuma.io/v1alpha1',
            `kind: ${kind}`,
            'metadata:',
            `  name: ${name}`,
            `  namespace: ${s.namespace}`,
            '  labels:',
            '    kuma.io/mesh: default',
          ]
        : [`type: ${kind}`, `name: ${name}`, 'mesh: default'];
    const a = pick();
    lines.push('---');
    let start = lines.length;
    lines.push(...head('MeshTimeout', `timeouts-${i}`, a), 'spec:', '  targetRef:', '    kind: Mesh', '  to:', '    - targetRef:');
    lines.push('        kind: MeshService', `        name: ${a.name}`);
    const section = lines.length;
    lines.push(`        sectionName: ${a.ports[0]}`, '      default:', '        idleTimeout: 20s');
    docs.push({ kind: 'MeshTimeout', start, end: lines.length - 1, fault: null, probes: {} });
    const b = pick();
    lines.push('---');
    start = lines.length;
    lines.push(...head('MeshHTTPRoute', `route-${i}`, b), 'spec:', '  targetRef:', '    kind: Mesh', '  to:', '    - targetRef:');
    lines.push('        kind: MeshService', `        name: ${b.name}`, '      rules:', '        - matches:', '            - path:');
    lines.push('                type: PathPrefix', '                value: /', '          default:', '            backendRefs:');
    lines.push('              - kind: MeshService', `                name: ${b.name}`, `                port: ${b.numbers[0]}`);
    docs.push({ kind: 'MeshHTTPRoute', start, end: lines.length - 1, fault: null, probes: {} });
    const col = (l, key) => lines[l].indexOf(key) + key.length;
    return {
      name: `${String(i).padStart(4, '0')}.yaml`,
      text: lines.join('\n') + '\n',
      lines,
      docs,
      probes: {
        completionSectionName: { line: section, character: col(section, 'sectionName: ') },
        hoverName: { line: section - 1, character: col(section - 1, 'name: ') + 1 },
        edit: { line: section, character: lines[section].length - 1, original: lines[section].slice(-1) },
      },
    };
  });
}

/** Writes the single files of `sizes` and the workspace under `dir`; returns what it wrote. */
export function writeWorkload(dir, { sizes = [1, 10, 100, 1000, 2000], wsFiles = 1000, wsDocs = 5 } = {}) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'workspace'), { recursive: true });
  const singles = {};
  for (const n of sizes) {
    const f = generateFile(n);
    const file = path.join(dir, `single-${n}.yaml`);
    fs.writeFileSync(file, f.text);
    singles[n] = { file, ...f };
  }
  const ws = generateWorkspace(wsFiles, wsDocs);
  for (const f of ws) fs.writeFileSync(path.join(dir, 'workspace', f.name), f.text);
  return { singles, workspace: { dir: path.join(dir, 'workspace'), files: ws } };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const out = path.resolve(args.includes('--out') ? args[args.indexOf('--out') + 1] : 'bench-out/data');
  const w = writeWorkload(out);
  for (const [n, f] of Object.entries(w.singles)) {
    const faults = f.docs.filter((d) => d.fault).length;
    console.log(`single-${n}.yaml: ${f.docs.length} documents, ${f.lines.length} lines, ${f.text.length} bytes, ${faults} faults`);
  }
  const faults = w.workspace.files.reduce((a, f) => a + f.docs.filter((d) => d.fault).length, 0);
  console.log(`workspace/: ${w.workspace.files.length} files × ${w.workspace.files[0].docs.length} documents, ${faults} faults`);
}
