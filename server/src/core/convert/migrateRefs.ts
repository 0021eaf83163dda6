import { isMap, isScalar, type Node, type YAMLMap } from 'yaml';
import type { ParsedDocument } from '../yaml/documents';
import { isPolicyKind, type Form } from '../types';
import { formatPath, locate, type PathSeg } from '../yaml/nodes';
import { targetRefSites, type TargetRefSite } from '../kuma/targetRefs';
import { MIGRATION_SOURCE, MIGRATION_TARGET, policyRefFacts, type KumaVersion } from '../kuma/versions';
import { DISPLAY_NAME, K8S_NAMESPACE } from '../kuma/computedLabels';
import { applyEdits, entriesOf, lineEndAt, lineStartAt, shift, type Entry } from './format';
import type { ConvertInput, TextEdit } from './types';
import { documentFacts, type KumaFact, type RefFact } from '../host/facts';
import { matchesAll } from '../host/workspaceIndex';
import { destinationsOf, parseLegacyName, resolveRef, type Destination, type DestPort, type LegacyName } from '../host/policyRefs';
import { scalar } from './yamlOut';
import { computePolicyRole, type RoleResult } from '../kuma/policyRole';

/**
 * The 3.0 migration of the references inside a policy that name a legacy `kuma.io/service`
 * (SPEC-policies.md f.2 last bullet, f.6, e.2, e.4, e.5), and of the fields 3.0 moved (f.11).
 *
 * - `to[].targetRef {kind: MeshService, name: <name>_<namespace>_svc_<port>}` → `labels` (display
 *   name and namespace) plus `sectionName`: the name of the port it picked, or its number when unnamed.
 * - Route `backendRefs` / `requestMirror.backendRef` of kind MeshService without port: a legacy
 *   `<name>_<namespace>_svc_<port>` → `labels` plus `port`; a `kuma.io/service` value of the
 *   workspace's one-port Universal MeshService → its labels plus that port. `MeshServiceSubset
 *   {name, tags}` → `MeshService {labels, port}` only when the workspace shows the subset is the
 *   whole service (every proxy of the service carries the tags).
 * - MeshLoadBalancingStrategy `loadBalancer.ringHash|maglev.hashPolicies` → `default.hashPolicies`.
 *
 * A reference is rewritten only when the workspace resolves it and the 3.0 form resolves to the
 * same MeshService and port (`resolveRef` before and after); anything else is left as it is, with
 * the reason. Edits touch the changed entries only (`entriesOf`), comments kept.
 */

export interface RefsState {
  text: string;
  doc: ParsedDocument;
  form: Form;
}

type Step = { text: string; notes: string[] };

const BACKEND = new Set(['backendRef', 'requestMirror']);

/** The references this file migrates (or explains): policyStep leaves them alone. */
export function ownedByRefs(site: TargetRefSite): boolean {
  const r = site.ref;
  if (r.labels !== undefined || r.name === undefined || r.name === null) return false;
  if (BACKEND.has(site.place))
    return r.kind === 'MeshServiceSubset' || (r.kind === 'MeshService' && r.port === undefined && r.sectionName === undefined);
  return site.place === 'to' && r.kind === 'MeshService' && r.sectionName === undefined && parseLegacyName(String(r.name)) !== undefined;
}

/** A port of a destination, as a key for comparing resolutions. */
type Hit = { dest: Destination; port?: DestPort };

function sameHits(a: Hit[], b: Hit[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x) => b.some((y) => y.dest === x.dest && y.port === x.port));
}

function hitsOf(r: ReturnType<typeof resolveRef>): Hit[] {
  if (r.section) return r.section.ports.map((p) => ({ dest: p.dest, port: p.port }));
  return r.matches.map((dest) => ({ dest }));
}

const describe = (l: LegacyName) => `MeshService ${l.name} in namespace ${l.namespace}${l.port !== undefined ? `, port ${l.port}` : ''}`;

/** The text edits that turn a reference mapping into its 3.0 form, or why they cannot be made. */
interface Rewrite {
  labels: [string, string][];
  /** `sectionName` (policies) or `port` (backendRefs), written after the labels. */
  section?: { key: 'sectionName' | 'port'; value: string | number };
  /** A new kind (MeshServiceSubset → MeshService). */
  kind?: string;
  /** Entries removed (namespace, tags). */
  drop: string[];
}

function rewriteRef(text: string, map: YAMLMap, w: Rewrite): TextEdit[] | string {
  const entries = entriesOf(text, map);
  if (!entries) return 'its keys are not plain scalars';
  const nameE = entries.find((e) => e.key === 'name');
  if (!nameE || !isScalar(nameE.value)) return 'its name is not a plain value';
  const kindE = entries.find((e) => e.key === 'kind');
  const sectionText = w.section
    ? `${w.section.key}: ${typeof w.section.value === 'number' ? w.section.value : scalar(w.section.value)}`
    : '';
  if (map.flow) {
    const [a, b] = map.range!;
    const whole = text.slice(a, b);
    if (whole.includes('\n') || whole.includes('#'))
      return 'it is a flow mapping over several lines, which this migration does not rewrite';
    const parts: string[] = [];
    for (const e of entries) {
      if (w.drop.includes(e.key)) continue;
      if (e === nameE) {
        parts.push(`labels: {${w.labels.map(([k, v]) => `${k}: ${scalar(v)}`).join(', ')}}`);
        if (sectionText) parts.push(sectionText);
      } else if (e === kindE && w.kind) parts.push(`kind: ${w.kind}`);
      else parts.push(text.slice(e.keyStart, e.end));
    }
    return [{ range: { start: a, end: b }, newText: `{${parts.join(', ')}}` }];
  }
  const edits: TextEdit[] = [];
  const col = nameE.keyStart - lineStartAt(text, nameE.keyStart);
  const pad = ' '.repeat(col + 2);
  const nl = text.slice(nameE.keyStart, nameE.end).endsWith('\n') ? '\n' : '';
  // A comment after the name stays on the display-name line.
  const comment = /\s#.*$/.exec(text.slice(nameE.keyStart, lineEndAt(text, nameE.keyStart)).replace(/\r?\n$/, ''))?.[0] ?? '';
  const lines = [`labels:`, ...w.labels.map(([k, v], i) => `${pad}${k}: ${scalar(v)}${i === 0 ? comment : ''}`)];
  if (sectionText) lines.push(' '.repeat(col) + sectionText);
  edits.push({ range: { start: nameE.keyStart, end: nameE.end }, newText: lines.join('\n') + nl });
  if (w.kind && kindE && isScalar(kindE.value) && kindE.value.range) {
    const [s, e] = kindE.value.range;
    edits.push({ range: { start: s, end: e }, newText: w.kind });
  }
  for (const key of w.drop) {
    const e = entries.find((x) => x.key === key);
    if (!e) continue;
    if (e.keyStartsLine) edits.push({ range: { start: e.start, end: e.gapEnd }, newText: '' });
    else {
      const next = entries[entries.indexOf(e) + 1];
      if (!next) return `its ${key} cannot be removed without its item`;
      edits.push({ range: { start: e.keyStart, end: next.keyStart }, newText: '' });
    }
  }
  return edits;
}

/** The version whose resolution the migration keeps: the input's, or MIGRATION_SOURCE when the input is already 3.0. */
function sourceVersion(v: KumaVersion): KumaVersion {
  return policyRefFacts(v).legacyServiceNames ? v : MIGRATION_SOURCE;
}

/** Labels naming a destination in 3.0: its display name, and its namespace when it has one. */
function labelsOf(d: Destination): [string, string][] {
  return [[DISPLAY_NAME, d.displayName], ...(d.namespace !== '' ? ([[K8S_NAMESPACE, d.namespace]] as [string, string][]) : [])];
}

/**
 * Whether a `kuma.io/service` (with `tags`) is the whole of the MeshService `d`: `d` selects at
 * least one proxy, and every proxy of the service carries the tags. Returns the reason otherwise.
 */
function wholeService(
  input: ConvertInput,
  d: Destination,
  service: string | undefined,
  tags: Record<string, string>,
  v: KumaVersion,
): string | undefined {
  const ms = d.fact;
  if (!ms) return `MeshService ${d.displayName} is generated from a Kubernetes Service, whose proxies the workspace does not show`;
  const sel = input.index.select(ms, v);
  const n = sel.dataplanes.length + sel.workloads.length;
  if (n === 0)
    return `MeshService ${d.displayName} selects no Dataplane or workload of the workspace, so nothing shows which proxies the subset holds`;
  const tagText = Object.entries(tags)
    .map(([k, x]) => `${k}: ${x}`)
    .join(', ');
  for (const dp of sel.dataplanes) {
    const inbounds = (dp.fact.inbounds ?? []).filter((ib) => service === undefined || ib.tags['kuma.io/service'] === service);
    if (inbounds.length === 0 || !inbounds.every((ib) => matchesAll(ib.tags, tags)))
      return `Dataplane ${dp.fact.name}, which MeshService ${d.displayName} selects, does not carry ${tagText}`;
  }
  for (const w of sel.workloads)
    if (!matchesAll(w.fact.podLabels, tags))
      return `${w.fact.kind} ${w.fact.name}, which MeshService ${d.displayName} selects, does not carry ${tagText}`;
  if (service !== undefined && d.form === 'universal') {
    // Every proxy of the legacy service is one the MeshService selects.
    const selected = new Set(sel.dataplanes.map((x) => x.fact));
    const other = input.index
      .dataplanesOf(d.mesh, 'universal')
      .find((x) => !selected.has(x.fact) && (x.fact.inbounds ?? []).some((ib) => ib.tags['kuma.io/service'] === service));
    if (other)
      return `Dataplane ${other.fact.name} serves kuma.io/service ${service} too, but MeshService ${d.displayName} does not select it`;
  }
  return undefined;
}

function pairs(v: unknown): Record<string, string> | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean') return undefined;
    out[k] = String(x);
  }
  return out;
}

/** The legacy-name and backendRef references of a policy, rewritten or explained. */
function refsStep(
  s: RefsState,
  input: ConvertInput,
  spec: Record<string, unknown>,
  policy: KumaFact,
  kind: string,
): { edits: TextEdit[]; notes: string[] } {
  const edits: TextEdit[] = [];
  const notes: string[] = [];
  const v = sourceVersion(input.version);
  const root = s.doc.doc.contents;
  const toSites: ToSite[] = [];
  for (const site of targetRefSites(kind as never, spec)) {
    if (!ownedByRefs(site)) continue;
    const where = formatPath(site.path);
    const ref = policy.refs?.find((r) => r.path === where);
    const name = String(site.ref.name);
    const left = (why: string) => notes.push(`Left ${where} as it is: ${why}`);
    if (!ref) {
      left('it could not be read.');
      continue;
    }
    const backend = BACKEND.has(site.place);
    const loc = locate(root, site.path);
    const map = loc.complete && isMap(loc.node) ? (loc.node as YAMLMap) : undefined;
    let plan: { rewrite: Rewrite; hits: Hit[]; say: string } | string;
    if (site.ref.kind === 'MeshServiceSubset') plan = subsetPlan(input, policy, site, v);
    else if (backend) plan = backendPlan(input, policy, ref, name, v);
    else plan = legacyTargetPlan(input, policy, ref, name, v);
    if (typeof plan === 'string') {
      left(plan);
      continue;
    }
    // The 3.0 form must resolve to the same MeshService and port.
    const after: RefFact = {
      path: ref.path,
      place: ref.place,
      kind: 'MeshService',
      labels: Object.fromEntries(plan.rewrite.labels),
      range: ref.range,
      ...(plan.rewrite.section?.key === 'sectionName' ? { sectionName: String(plan.rewrite.section.value) } : {}),
      ...(plan.rewrite.section?.key === 'port' ? { port: Number(plan.rewrite.section.value) } : {}),
    };
    const now = hitsOf(resolveRef(input.index, policy, after, MIGRATION_TARGET));
    if (plan.hits.length === 0 || !sameHits(plan.hits, now)) {
      left(`its 3.0 form (${describeRewrite(plan.rewrite)}) would not resolve to the same MeshService and port in this workspace.`);
      continue;
    }
    if (!map) {
      left(`it is not a mapping this migration can rewrite; write ${describeRewrite(plan.rewrite)}.`);
      continue;
    }
    const e = rewriteRef(s.text, map, plan.rewrite);
    if (typeof e === 'string') {
      left(`${e}; write ${describeRewrite(plan.rewrite)} by hand.`);
      continue;
    }
    const note = `${where}: ${plan.say} became ${describeRewrite(plan.rewrite)}: Kuma 3.0 selects by labels only.`;
    if (site.place === 'to') toSites.push({ site, edits: e, note, rewrite: plan.rewrite });
    else {
      edits.push(...e);
      notes.push(note);
    }
  }
  // On Kubernetes the to items decide the policy's role (producer or consumer, SPEC-policies.md a.4):
  // the rewrites go only when the policy keeps the role it had.
  if (toSites.length && keepsRole(input, policy, kind, spec, toSites, v)) {
    for (const t of toSites) edits.push(...t.edits);
    notes.push(...toSites.map((t) => t.note));
  } else if (toSites.length)
    notes.push(
      ...toSites.map(
        (t) =>
          `Left ${formatPath(t.site.path)} as it is: ${describeRewrite(t.rewrite)} says the same, but with the policy's other to items as they are the policy would not keep its role (producer or consumer); migrate them together.`,
      ),
    );
  return { edits, notes };
}

type ToSite = { site: TargetRefSite; edits: TextEdit[]; note: string; rewrite: Rewrite };

function keepsRole(
  input: ConvertInput,
  policy: KumaFact,
  kind: string,
  spec: Record<string, unknown>,
  toSites: ToSite[],
  v: KumaVersion,
): boolean {
  if (policy.form !== 'kubernetes' || !isPolicyKind(kind)) return true;
  const ns = policy.namespace;
  const original = input.doc.value as Record<string, unknown> | undefined;
  const before = computePolicyRole(v, kind, (original?.spec ?? {}) as Record<string, unknown>, ns, 'kubernetes');
  const role3 = (sites: ToSite[]) => {
    const to = Array.isArray(spec.to) ? spec.to.map((x) => (x && typeof x === 'object' ? { ...(x as object) } : x)) : [];
    for (const t of sites) {
      const w = t.rewrite;
      const item = to[t.site.item!] as Record<string, unknown>;
      item.targetRef = {
        kind: w.kind ?? 'MeshService',
        labels: Object.fromEntries(w.labels),
        ...(w.section ? { [w.section.key]: w.section.value } : {}),
      };
    }
    return computePolicyRole(MIGRATION_TARGET, kind, { ...spec, to }, ns, 'kubernetes');
  };
  const same = (r: RoleResult) => r.role === before.role && !r.error === !before.error;
  const withMine = role3(toSites);
  return same(withMine) || (!same(role3([])) && !withMine.error);
}

function describeRewrite(w: Rewrite): string {
  const labels = `labels {${w.labels.map(([k, v]) => `${k}: ${v}`).join(', ')}}`;
  const kind = w.kind ? `kind ${w.kind}, ` : '';
  return `${kind}${labels}${w.section ? ` and ${w.section.key} ${typeof w.section.value === 'number' ? w.section.value : JSON.stringify(w.section.value)}` : ''}`;
}

/** `to[].targetRef` with a legacy name (f.2 last bullet): labels plus the sectionName of the port it picked. */
function legacyTargetPlan(input: ConvertInput, policy: KumaFact, ref: RefFact, name: string, v: KumaVersion) {
  const legacy = parseLegacyName(name)!;
  const say = `the legacy kuma.io/service name ${name}`;
  if (legacy.port === undefined && policyRefFacts(v).legacyNameWithoutPort === 'none')
    return `${name} is a legacy kuma.io/service name without port, which Kuma 2.9 reads as the reserved port 49151: it applies to nothing, and has no 3.0 form.`;
  const before = resolveRef(input.index, policy, ref, v);
  if (before.via !== 'legacy' || before.matches.length === 0)
    return `${name} is a legacy kuma.io/service name (${describe(legacy)}) and the workspace holds no such MeshService, so the sectionName of its 3.0 form (the port's name, or "${legacy.port ?? '<port>'}" when the port has none) is not known; write labels {${DISPLAY_NAME}: ${legacy.name}, ${K8S_NAMESPACE}: ${legacy.namespace}} and that sectionName.`;
  const labels: [string, string][] = [
    [DISPLAY_NAME, legacy.name],
    [K8S_NAMESPACE, legacy.namespace],
  ];
  if (legacy.port === undefined) return { rewrite: { labels, drop: ['namespace'] }, hits: hitsOf(before), say };
  const ports = before.section?.ports ?? [];
  if (ports.length === 0)
    return `${name} is a legacy kuma.io/service name, but MeshService ${legacy.name} (namespace ${legacy.namespace}) has no port ${legacy.port}: it applies to nothing at 2.x either; fix the port.`;
  const sections = [...new Set(ports.map((p) => p.port.section))];
  if (sections.length !== 1 || sections[0] === '')
    return `${name} is a legacy kuma.io/service name whose port ${legacy.port} has ${sections.length > 1 ? `different names (${sections.join(', ')}) in the MeshServices it matches` : 'an empty name'}, so no one sectionName says the same.`;
  return {
    rewrite: { labels, section: { key: 'sectionName' as const, value: sections[0] }, drop: ['namespace'] },
    hits: hitsOf(before),
    say,
  };
}

/** The one Universal MeshService of the mesh a `kuma.io/service` value names (name or display name). */
function universalNamed(input: ConvertInput, mesh: string, service: string): Destination[] {
  return destinationsOf(input.index, 'MeshService', mesh).filter(
    (d) => d.form === 'universal' && (d.displayName === service || d.fact?.name === service),
  );
}

/** A route backendRef of kind MeshService without port (f.6): a legacy kuma.io/service. */
function backendPlan(input: ConvertInput, policy: KumaFact, ref: RefFact, name: string, v: KumaVersion) {
  const legacy = parseLegacyName(name, true);
  if (legacy) {
    const say = `the legacy kuma.io/service name ${name}`;
    const before = resolveRef(input.index, policy, ref, v);
    const ports = before.section?.ports ?? [];
    if (before.via !== 'legacy' || ports.length === 0)
      return `${name} is a legacy kuma.io/service name (${describe(legacy)}) and the workspace holds no such MeshService with that port; its 3.0 form is labels {${DISPLAY_NAME}: ${legacy.name}, ${K8S_NAMESPACE}: ${legacy.namespace}} and port: ${legacy.port}.`;
    return {
      rewrite: {
        labels: [
          [DISPLAY_NAME, legacy.name],
          [K8S_NAMESPACE, legacy.namespace],
        ] as [string, string][],
        section: { key: 'port' as const, value: legacy.port! },
        drop: ['namespace'],
      },
      hits: ports.map((p) => ({ dest: p.dest, port: p.port })),
      say,
    };
  }
  // A plain kuma.io/service value: the workspace's Universal MeshService of that name, when it is the whole service.
  return serviceAsMeshService(input, policy, name, {}, v);
}

/** `kind: MeshServiceSubset {name, tags}` (f.6): the MeshService, when the subset is all of it. */
function subsetPlan(input: ConvertInput, policy: KumaFact, site: TargetRefSite, v: KumaVersion) {
  const name = String(site.ref.name);
  const tags = site.ref.tags === undefined ? {} : pairs(site.ref.tags);
  if (!tags) return `the tags of MeshServiceSubset ${name} are not plain key: value pairs.`;
  const legacy = parseLegacyName(name, true);
  if (legacy) {
    const ds = destinationsOf(input.index, 'MeshService', policy.mesh).filter((d) =>
      matchesAll(d.labels, { [DISPLAY_NAME]: legacy.name, [K8S_NAMESPACE]: legacy.namespace }),
    );
    if (ds.length !== 1)
      return `MeshServiceSubset ${name} names ${describe(legacy)}, which the workspace holds ${ds.length === 0 ? 'not' : `${ds.length} times`}; Kuma 3.0 has no subsets: use a MeshService whose selector takes the proxies with ${JSON.stringify(tags)} only.`;
    const d = ds[0];
    const port = d.ports.find((p) => p.port === legacy.port);
    if (!port) return `MeshService ${d.displayName} has no port ${legacy.port}.`;
    const why = wholeService(input, d, undefined, tags, v);
    if (why)
      return `MeshServiceSubset ${name} is not known to be the whole MeshService: ${why}. Kuma 3.0 has no subsets: use a MeshService whose selector takes those proxies only.`;
    return {
      rewrite: {
        labels: labelsOf(d),
        section: { key: 'port' as const, value: port.port! },
        kind: 'MeshService',
        drop: ['tags', 'namespace'],
      },
      hits: [{ dest: d, port }],
      say: `MeshServiceSubset ${name} (${Object.keys(tags).length ? `tags carried by every proxy of the service` : 'no tags'})`,
    };
  }
  return serviceAsMeshService(input, policy, name, tags, v, true);
}

/**
 * A `kuma.io/service` value (with tags, for a subset) as the workspace's Universal MeshService of
 * that name with one port, when it is the whole service.
 */
function serviceAsMeshService(
  input: ConvertInput,
  policy: KumaFact,
  service: string,
  tags: Record<string, string>,
  v: KumaVersion,
  subset = false,
) {
  const what = subset ? `MeshServiceSubset ${service}` : `${service} (no port: a legacy kuma.io/service at 2.x)`;
  const ds = universalNamed(input, policy.mesh, service);
  if (ds.length !== 1)
    return `${what} names ${ds.length === 0 ? 'no MeshService of the workspace' : `${ds.length} MeshServices of the workspace`}; Kuma 3.0 ${subset ? 'has no subsets and ' : ''}needs {kind: MeshService, labels: {kuma.io/display-name: <name>}, port: <port>}.`;
  const d = ds[0];
  if (d.ports.length !== 1 || d.ports[0].port === undefined)
    return `MeshService ${d.displayName} has ${d.ports.length} ports, and which one kuma.io/service ${service} stood for is not known mechanically; write {kind: MeshService, labels: {kuma.io/display-name: ${d.displayName}}, port: <port>}.`;
  const why = wholeService(input, d, service, tags, v);
  if (why)
    return `${what} is not known to be the whole MeshService ${d.displayName}: ${why}.${subset ? ' Kuma 3.0 has no subsets: use a MeshService whose selector takes those proxies only.' : ''}`;
  const port = d.ports[0];
  return {
    rewrite: {
      labels: labelsOf(d),
      section: { key: 'port' as const, value: port.port! },
      ...(subset ? { kind: 'MeshService' } : {}),
      drop: ['tags', 'namespace'],
    },
    hits: [{ dest: d, port }],
    say: subset
      ? `MeshServiceSubset ${service}${
          Object.keys(tags).length
            ? ` (every proxy of MeshService ${d.displayName} carries ${Object.entries(tags)
                .map(([k, x]) => `${k}: ${x}`)
                .join(', ')})`
            : ''
        }`
      : `the legacy kuma.io/service ${service} (MeshService ${d.displayName}, its one port)`,
  };
}

// ---------------------------------------------------------------------------------------------
// f.11: fields 3.0 moved or removed

const OTEL_KINDS = ['MeshAccessLog', 'MeshMetric', 'MeshTrace'];

function movedFieldsStep(s: RefsState, kind: string, spec: Record<string, unknown>): { edits: TextEdit[]; notes: string[] } {
  const edits: TextEdit[] = [];
  const notes: string[] = [];
  const root = s.doc.doc.contents;
  const items = (k: string) => (Array.isArray(spec[k]) ? (spec[k] as unknown[]) : []);
  const obj = (x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined);
  if (kind === 'MeshLoadBalancingStrategy') {
    items('to').forEach((it, i) => {
      const d = obj(obj(it)?.default);
      const lb = obj(d?.loadBalancer);
      if (!d || !lb) return;
      for (const algo of ['ringHash', 'maglev'] as const) {
        const hp = obj(lb[algo])?.hashPolicies;
        if (hp === undefined) continue;
        const where = `spec.to[${i}].default.loadBalancer.${algo}.hashPolicies`;
        const sourceIP = Array.isArray(hp) && hp.some((h) => obj(h)?.type === 'SourceIP');
        const e = sourceIP
          ? 'it has a SourceIP hash policy, which 3.0 rejects wherever it is (rewrite that one first).'
          : moveHashPolicies(s.text, root, ['spec', 'to', i, 'default'], algo, d, lb);
        if (typeof e === 'string')
          notes.push(`Left ${where} as it is: ${e} Kuma 3.0 drops it silently; move the list to spec.to[${i}].default.hashPolicies.`);
        else {
          edits.push(...e);
          notes.push(`${where} became spec.to[${i}].default.hashPolicies: Kuma 3.0 removed hashPolicies from the load balancer.`);
        }
      }
      const all = [
        ...(Array.isArray(d.hashPolicies) ? d.hashPolicies : []),
        ...(['ringHash', 'maglev'] as const).flatMap((a) => {
          const h = obj(lb[a])?.hashPolicies;
          return Array.isArray(h) ? h : [];
        }),
      ];
      if (all.some((h) => obj(h)?.type === 'SourceIP'))
        notes.push(
          `spec.to[${i}]: hashPolicies type SourceIP is rejected by Kuma 3.0 ("unrecognized type"); write {type: Connection, connection: {sourceIP: true}} instead.`,
        );
    });
  }
  if (kind === 'MeshHealthCheck')
    items('to').forEach((it, i) => {
      if (obj(obj(it)?.default)?.healthyPanicThreshold !== undefined)
        notes.push(
          `Left spec.to[${i}].default.healthyPanicThreshold as it is: Kuma 3.0 drops it silently; set outlierDetection.healthyPanicThreshold in a MeshCircuitBreaker for the same destinations (spec.to[${i}].targetRef) instead, then remove it here.`,
        );
    });
  if (OTEL_KINDS.includes(kind)) {
    const walk = (v: unknown, path: string) => {
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
      else if (obj(v)) {
        for (const [k, x] of Object.entries(obj(v)!)) {
          if (k === 'openTelemetry' && obj(x)?.endpoint !== undefined)
            notes.push(
              `Left ${path}.openTelemetry.endpoint as it is: Kuma 3.0 drops the inline endpoint and requires openTelemetry.backendRef; create a MeshOpenTelemetryBackend with endpoint ${String(obj(x)!.endpoint)} and write backendRef: {kind: MeshOpenTelemetryBackend, labels: {kuma.io/display-name: <its name>}}.`,
            );
          else walk(x, `${path}.${k}`);
        }
      }
    };
    walk(spec, 'spec');
  }
  return { edits, notes };
}

/** Moves `loadBalancer.<algo>.hashPolicies` to `default.hashPolicies` (before `loadBalancer`), block style only. */
function moveHashPolicies(
  text: string,
  root: Node | null,
  defaultPath: PathSeg[],
  algo: 'ringHash' | 'maglev',
  d: Record<string, unknown>,
  lb: Record<string, unknown>,
): TextEdit[] | string {
  if (d.hashPolicies !== undefined) return 'default.hashPolicies is set too, and which one 2.x applied is not mechanical.';
  const type = typeof lb.type === 'string' ? lb.type : '';
  if (type.toLowerCase() !== algo.toLowerCase())
    return `the load balancer type is ${type || 'not set'}, not ${algo === 'ringHash' ? 'RingHash' : 'Maglev'}, so 2.x did not use it.`;
  const dm = locate(root, defaultPath).node;
  const lbm = locate(root, [...defaultPath, 'loadBalancer']).node;
  const am = locate(root, [...defaultPath, 'loadBalancer', algo]).node;
  if (!isMap(dm) || !isMap(lbm) || !isMap(am) || dm.flow || lbm.flow || am.flow) return 'it is in a flow mapping; move it by hand.';
  const dEntries = entriesOf(text, dm as YAMLMap);
  const aEntries = entriesOf(text, am as YAMLMap);
  const lbE = dEntries?.find((e) => e.key === 'loadBalancer');
  const algoE = entriesOf(text, lbm as YAMLMap)?.find((e) => e.key === algo);
  const hpE = aEntries?.find((e) => e.key === 'hashPolicies');
  if (!lbE || !algoE || !hpE || !lbE.keyStartsLine || !hpE.keyStartsLine || !algoE.keyStartsLine)
    return 'its layout is not one this migration rewrites; move it by hand.';
  const moved = shift(text.slice(hpE.start, hpE.end), lbE.indent - hpE.indent);
  const withNl = moved.endsWith('\n') ? moved : moved + '\n';
  const edits: TextEdit[] = [{ range: { start: lbE.start, end: lbE.start }, newText: withNl }];
  // The algorithm's mapping goes with it when hashPolicies was all it held.
  const gone: Entry = aEntries!.length === 1 ? algoE : hpE;
  edits.push({ range: { start: gone.start, end: gone.gapEnd }, newText: '' });
  return edits;
}

/**
 * The policy references and moved fields of one policy document migrated to 3.0, with a note
 * for each reference or field left as it is.
 */
export function policyRefsStep(s: RefsState, input: ConvertInput): Step | undefined {
  const c = s.doc.classification;
  if (c.role !== 'kuma' || !isPolicyKind(c.kind)) return undefined;
  const value = s.doc.value as Record<string, unknown> | undefined;
  const spec = value && typeof value.spec === 'object' && value.spec ? (value.spec as Record<string, unknown>) : undefined;
  const policy = documentFacts(s.doc).kuma;
  if (!spec || !policy) return undefined;
  const refs = refsStep(s, input, spec, policy, c.kind);
  const fields = movedFieldsStep(s, c.kind, spec);
  const edits = [...refs.edits, ...fields.edits];
  const notes = [...refs.notes, ...fields.notes];
  if (edits.length === 0 && notes.length === 0) return undefined;
  return { text: edits.length ? applyEdits(s.text, edits) : s.text, notes };
}
