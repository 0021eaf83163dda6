import type { CompletionEntry } from './types';
import type { LanguageService, Settings } from '../../host/languageService';
import { cursorTarget } from '../cursorTarget';
import type { RefFact } from '../../host/facts';
import { destinationsOf, identityOf, resolveRef, type DestPort } from '../../host/policyRefs';
import { policyRefFacts, policyRefKinds, type PolicyRefPlace } from '../../kuma/versions';
import { matchesAll } from '../../host/workspaceIndex';
import { isPolicyKind } from '../../types';
import { formatPath, type PathSeg } from '../../yaml/nodes';

/** Where a policy's references sit (SPEC-policies.md b.1): the place a YAML path names, if any. */
export function refPlace(p: readonly PathSeg[]): PolicyRefPlace | undefined {
  if (p[0] !== 'spec') return undefined;
  if (p.length === 2 && p[1] === 'targetRef') return 'top';
  if (p.length === 4 && (p[1] === 'to' || p[1] === 'from') && typeof p[2] === 'number' && p[3] === 'targetRef') return p[1];
  const n = p.length;
  if (n >= 8 && p[1] === 'to' && typeof p[n - 1] === 'number' && p[n - 2] === 'backendRefs') return 'backendRef';
  if (n >= 9 && p[1] === 'to' && p[n - 1] === 'backendRef' && p[n - 2] === 'requestMirror') return 'requestMirror';
  return undefined;
}

function portDetail(p: DestPort): string {
  return [p.named && p.port !== undefined ? `port ${p.port}` : undefined, p.appProtocol].filter(Boolean).join(' · ');
}

/**
 * Completion in a policy's references, from the workspace and the version table: `kind` (the kinds
 * that place of that policy accepts at the version, for its role), `name` and `namespace` of the
 * MeshServices (MeshExternalServices, ...) that exist, `labels` keys and values they carry (Kuma's
 * computed ones included), `sectionName` (the port names of the target) and a backendRef's `port`.
 */
export function policyRefCompletions(
  service: LanguageService,
  text: string,
  offset: number,
  settings: Settings,
): CompletionEntry[] | undefined {
  const t = cursorTarget(service, text, offset, settings);
  const policy = t?.kuma;
  if (!t || !policy || !isPolicyKind(policy.kind)) return undefined;
  const { ctx } = t;
  const p = ctx.path;
  // The reference's own path, and the field at the cursor.
  let refPath: PathSeg[];
  let field: string;
  if (ctx.target === 'value' && p.length >= 2 && p[p.length - 2] === 'labels') {
    refPath = p.slice(0, -2);
    field = 'label';
  } else if (ctx.target === 'key' && p.length >= 1 && p[p.length - 1] === 'labels') {
    refPath = p.slice(0, -1);
    field = 'labels';
  } else if (ctx.target === 'value' && p.length >= 1) {
    refPath = p.slice(0, -1);
    field = String(p[p.length - 1]);
  } else return undefined;
  const place = refPlace(refPath);
  if (!place) return undefined;
  const version = t.analysis.kumaVersion;
  const facts = policyRefFacts(version);
  const replace = ctx.replace;
  const path = formatPath(refPath);
  const ref: RefFact = policy.refs?.find((r) => r.path === path) ?? { path, place, range: { start: offset, end: offset } };
  const index = service.index();
  const kind = ref.kind ?? 'MeshService';

  if (field === 'kind') {
    const system = policy.form === 'universal' || policy.namespace === 'kuma-system';
    const kinds = policyRefKinds(version, policy.kind, place, system);
    return kinds.map((k, i) => ({
      label: k,
      kind: 'value' as const,
      detail: `${path.replace(/\[\d+\]/g, '[]')} of ${policy.kind} · Kuma ${version}`,
      replace,
      sortText: String(i).padStart(2, '0'),
    }));
  }
  const all = destinationsOf(index, kind, policy.mesh);
  if (field === 'name' || field === 'namespace') {
    if (!facts.byName) return undefined;
    const dests = all.filter((d) => d.form === policy.form);
    const ns = ref.namespace || identityOf(policy).namespace;
    if (field === 'name') {
      const seen = new Set<string>();
      return dests.flatMap((d) => {
        const key = `${d.displayName}\u0000${d.namespace}`;
        if (seen.has(key)) return [];
        seen.add(key);
        const other = policy.form === 'kubernetes' && d.namespace !== ns;
        return [
          {
            label: d.displayName,
            kind: 'reference' as const,
            detail: `${d.kind}${other ? ` in ${d.namespace} (set namespace)` : ''}${d.ports.length ? ` · ${d.ports.map((x) => x.section).join(', ')}` : ''}`,
            documentation: d.title,
            replace,
            sortText: `${other ? '1' : '0'}${d.displayName}`,
          },
        ];
      });
    }
    const names = new Map<string, number>();
    for (const d of dests)
      if (d.namespace && (!ref.name || d.displayName === ref.name)) names.set(d.namespace, (names.get(d.namespace) ?? 0) + 1);
    return [...names].map(([n, count]) => ({
      label: n,
      kind: 'value' as const,
      detail: `${count} ${kind}${count === 1 ? '' : 's'}`,
      replace,
    }));
  }
  if (field === 'sectionName' || field === 'port') {
    if (field === 'port' && place !== 'backendRef' && place !== 'requestMirror') return undefined;
    const r = resolveRef(index, policy, { ...ref, sectionName: undefined, port: undefined }, version);
    const seen = new Set<string>();
    const out: CompletionEntry[] = [];
    for (const d of r.matches)
      for (const x of d.ports) {
        const label = field === 'sectionName' ? x.section : x.port !== undefined ? String(x.port) : '';
        if (label === '' || seen.has(label)) continue;
        seen.add(label);
        out.push({
          label,
          kind: 'value',
          detail:
            field === 'sectionName'
              ? portDetail(x) || d.kind
              : [x.named ? x.section : undefined, x.appProtocol].filter(Boolean).join(' · '),
          documentation: `${d.title}`,
          replace,
        });
      }
    return out;
  }
  if (field === 'labels' || field === 'label') {
    const others = { ...(ref.labels ?? {}) };
    const key = field === 'label' ? String(p[p.length - 1]) : undefined;
    if (key !== undefined) delete others[key];
    const dests = all.filter((d) => matchesAll(d.labels, others));
    const seen = new Map<string, Map<string, number>>();
    for (const d of dests)
      for (const [k, v] of Object.entries(d.labels)) {
        const values = seen.get(k) ?? new Map<string, number>();
        values.set(v, (values.get(v) ?? 0) + 1);
        seen.set(k, values);
      }
    if (key === undefined)
      return [...seen]
        .filter(([k]) => !ctx.existingKeys.includes(k))
        .map(([k, values]) => ({
          label: k,
          kind: 'property' as const,
          detail: `${kind} label · ${[...values.keys()].slice(0, 3).join(', ')}${values.size > 3 ? ', …' : ''}`,
          insertText: `${k}: `,
          replace,
        }));
    return [...(seen.get(key) ?? [])].map(([v, n]) => ({
      label: v,
      kind: 'value' as const,
      detail: `${kind} label ${key} · ${n}×`,
      replace,
    }));
  }
  return undefined;
}
