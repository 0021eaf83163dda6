import type { CompletionEntry } from './types';
import type { LanguageService, Settings } from '../../host/languageService';
import { cursorTarget } from '../navigation';
import { WorkspaceIndex } from '../../host/workspaceIndex';
import { destinationsOfKind } from '../../host/policyRefs';

/** Counts how often each key and each key=value was seen, for completion details. */
class Seen {
  readonly keys = new Map<string, Map<string, number>>();

  add(map: Record<string, string>) {
    for (const [k, v] of Object.entries(map)) {
      const values = this.keys.get(k) ?? new Map<string, number>();
      values.set(v, (values.get(v) ?? 0) + 1);
      this.keys.set(k, values);
    }
  }
}

function isPath(path: readonly (string | number)[], ...want: string[]): boolean {
  return path.length === want.length && want.every((w, i) => path[i] === w);
}

/**
 * Completion inside selectors, from what the workspace holds: inbound tag keys and values for
 * `dataplaneTags`, Dataplane (and pod) labels for `dataplaneLabels.matchLabels`, Dataplane names
 * for `dataplaneRef.name`, and MeshService labels for the MeshService selectors of
 * MeshMultiZoneService and HostnameGenerator.
 */
export function selectorCompletions(
  service: LanguageService,
  text: string,
  offset: number,
  settings: Settings,
): CompletionEntry[] | undefined {
  const t = cursorTarget(service, text, offset, settings);
  if (!t || !t.kuma) return undefined;
  const { ctx, kuma } = t;
  const index = service.index();
  const seen = new Seen();
  let kind: 'tags' | 'labels' | 'ref' | 'meshService' | undefined;
  const p = ctx.path;
  if (kuma.kind === 'MeshService') {
    if (
      ctx.target === 'key'
        ? isPath(p, 'spec', 'selector', 'dataplaneTags')
        : p.length === 4 && isPath(p.slice(0, 3), 'spec', 'selector', 'dataplaneTags')
    )
      kind = 'tags';
    else if (
      ctx.target === 'key'
        ? isPath(p, 'spec', 'selector', 'dataplaneLabels', 'matchLabels')
        : p.length === 5 && isPath(p.slice(0, 4), 'spec', 'selector', 'dataplaneLabels', 'matchLabels')
    )
      kind = 'labels';
    else if (ctx.target === 'value' && isPath(p, 'spec', 'selector', 'dataplaneRef', 'name')) kind = 'ref';
  } else if (kuma.kind === 'MeshMultiZoneService' || kuma.kind === 'HostnameGenerator') {
    if (
      ctx.target === 'key'
        ? isPath(p, 'spec', 'selector', 'meshService', 'matchLabels')
        : p.length === 5 && isPath(p.slice(0, 4), 'spec', 'selector', 'meshService', 'matchLabels')
    )
      kind = 'meshService';
  }
  if (!kind) return undefined;

  const dataplanes = index.dataplanes.filter((d) => d.fact.mesh === kuma.mesh && d.fact.form === kuma.form);
  const workloads =
    kuma.form === 'kubernetes'
      ? index.workloads.filter((w) => w.fact.namespace === (kuma.namespace ?? 'default') && index.workloadMesh(w.fact) === kuma.mesh)
      : [];
  const replace = ctx.replace;
  if (kind === 'ref') {
    const names = [
      ...dataplanes.map((d) => ({
        label: WorkspaceIndex.dataplaneCoreName(d.fact),
        detail: `Dataplane (${d.fact.inbounds?.length ?? 0} inbounds)`,
      })),
      ...workloads.filter((w) => w.fact.kind === 'Pod').map((w) => ({ label: `${w.fact.name}.${w.fact.namespace}`, detail: 'Pod' })),
    ];
    return names.map((n) => ({ label: n.label, kind: 'reference', detail: n.detail, replace }));
  }
  if (kind === 'tags') {
    for (const d of dataplanes) for (const ib of d.fact.inbounds ?? []) seen.add(ib.tags);
    for (const w of workloads) for (const tags of index.workloadInboundTags(w.fact)) seen.add(tags);
  } else if (kind === 'labels') {
    for (const d of dataplanes) seen.add(d.fact.labels);
    for (const w of workloads) seen.add({ ...w.fact.podLabels, 'k8s.kuma.io/namespace': w.fact.namespace });
  } else {
    // The labels Kuma puts on them count too (kuma.io/origin, kuma.io/env, kuma.io/display-name, ...).
    for (const d of destinationsOfKind(index, 'MeshService'))
      if (kuma.kind === 'HostnameGenerator' || d.mesh === kuma.mesh) seen.add(d.labels);
  }
  const what = kind === 'tags' ? 'inbound tag' : kind === 'labels' ? 'Dataplane label' : 'MeshService label';
  if (ctx.target === 'key') {
    return [...seen.keys]
      .filter(([k]) => !ctx.existingKeys.includes(k))
      .map(([k, values]) => ({
        label: k,
        kind: 'property' as const,
        detail: `${what} · ${[...values.keys()].slice(0, 3).join(', ')}${values.size > 3 ? ', …' : ''}`,
        insertText: `${k}: `,
        replace,
      }));
  }
  const key = String(p[p.length - 1]);
  const values = seen.keys.get(key);
  if (!values) return [];
  return [...values].map(([v, n]) => ({ label: v, kind: 'value' as const, detail: `${what} ${key} · seen ${n}×`, replace }));
}
