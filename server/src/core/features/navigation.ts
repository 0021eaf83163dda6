import type { CompletionEntry } from './completion/types';
import { cursorTarget, type WorkspaceLocation } from './cursorTarget';
import { declaredInstead, describeSelection, selectionWords, targetsInUse } from '../diagnostics/crossFile';
import type { CursorContext } from '../yaml/cursor';
import type { KumaFact, ServiceFact } from '../host/facts';
import type { LanguageService, Settings } from '../host/languageService';
import type { OffsetRange } from '../types';
import { CONTAINER_PORT_NAMING, type KumaVersion } from '../kuma/versions';
import { matchesAll, type Located, type PortTarget, type SelectionResult, type WorkspaceIndex } from '../host/workspaceIndex';
import { renderTemplate, type TemplateData } from '../diagnostics/rules/goTemplate';
import { destinationFor, refAt, refDefinitions, refHover, targetedHover, targetedWords } from './policyRefs';
import { identityOf, targetedBy } from '../host/policyRefs';
import { computedLabels } from '../kuma/computedLabels';

export { cursorTarget, type CursorTarget, type WorkspaceLocation } from './cursorTarget';

function isTargetPortPath(ctx: CursorContext): number | undefined {
  const p = ctx.path;
  return ctx.target === 'value' &&
    p.length === 4 &&
    p[0] === 'spec' &&
    p[1] === 'ports' &&
    typeof p[2] === 'number' &&
    p[3] === 'targetPort'
    ? p[2]
    : undefined;
}

const SELECTOR_KEYS = new Set(['selector', 'dataplaneTags', 'dataplaneRef', 'dataplaneLabels', 'matchLabels']);

function onSelector(ctx: CursorContext, chunk: string): boolean {
  // On a key the path is the mapping holding it: add the key itself.
  const path = ctx.target === 'key' ? [...ctx.path, chunk.slice(ctx.replace.start, ctx.replace.end)] : ctx.path;
  return path[0] === 'spec' && path[1] === 'selector' && path.slice(2).every((s) => typeof s === 'string' && SELECTOR_KEYS.has(s));
}

/** Targets for a Kubernetes Service's targetPort: the container ports of the pods it selects. */
function servicePortTargets(
  index: WorkspaceIndex,
  svc: ServiceFact,
): { targets: PortTarget[]; workloads: Located<import('../host/facts').WorkloadFact>[] } {
  const workloads = index.serviceWorkloads(svc);
  // A Service's targetPort names a container port directly, in every Kuma version.
  return { targets: index.portTargets({ dataplanes: [], workloads }, CONTAINER_PORT_NAMING), workloads };
}

function basename(uri: string): string {
  return decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1));
}

/**
 * Completion of `targetPort` from the ports of what the selector picks (or, when it picks
 * nothing, every port the workspace knows, marked as such), for MeshServices in both forms and
 * for Kubernetes Services.
 */
export function targetPortCompletions(
  service: LanguageService,
  _uri: string,
  text: string,
  offset: number,
  settings: Settings,
): CompletionEntry[] | undefined {
  const t = cursorTarget(service, text, offset, settings);
  if (!t) return undefined;
  const portIndex = isTargetPortPath(t.ctx);
  if (portIndex === undefined) return undefined;
  const index = service.index();
  const version = t.analysis.kumaVersion;
  let targets: PortTarget[];
  let matched: boolean;
  let siblings: readonly { index: number; port?: number; targetPort?: string | number }[];
  if (t.kuma?.kind === 'MeshService') {
    siblings = t.kuma.ports ?? [];
    const sel = index.select(t.kuma, version);
    targets = index.portTargets(sel, version);
    matched = sel.dataplanes.length + sel.workloads.length > 0;
    // Nothing selected: offer what the workspace knows in the same form (Kubernetes or Universal).
    if (!matched) targets = index.portTargetsOfForm(t.kuma.form, version);
  } else if (t.service) {
    siblings = t.service.ports;
    const r = servicePortTargets(index, t.service);
    targets = r.targets;
    matched = r.workloads.length > 0;
    if (!matched)
      targets = index.portTargets(
        { dataplanes: [], workloads: index.workloads.filter((w) => w.fact.namespace === t.service!.namespace) },
        CONTAINER_PORT_NAMING,
      );
  } else return undefined;
  return portEntries(targets, matched, t.ctx.replace, targetsInUse(siblings, portIndex, targets));
}

const MAX_SOURCES = 8;

/** Entries for `targets`; those another port already targets (`inUse`: label → "port 80") are marked and sort last. */
function portEntries(targets: PortTarget[], matched: boolean, replace: OffsetRange, inUse: Map<string, string>): CompletionEntry[] {
  const byLabel = new Map<string, { isName: boolean; numbers: Set<number>; sources: PortTarget[] }>();
  for (const t of targets) {
    const labels: [string, boolean][] = [];
    if (t.name) labels.push([t.name, true]);
    if (t.port !== undefined) labels.push([String(t.port), false]);
    for (const [label, isName] of labels) {
      const e = byLabel.get(label) ?? { isName, numbers: new Set<number>(), sources: [] };
      if (t.port !== undefined) e.numbers.add(t.port);
      e.sources.push(t);
      byLabel.set(label, e);
    }
  }
  const note = matched ? '' : ' (not selected by this selector)';
  return [...byLabel].map(([label, e]) => {
    const owners = [...new Set(e.sources.map((s) => s.owner))];
    const numbers = [...e.numbers];
    const shownNumbers = numbers.length > 4 ? `${numbers.slice(0, 4).join(', ')}, …` : numbers.join(', ');
    // A name many Dataplanes share would make a huge tooltip: list a few and count the rest.
    const listed = e.sources.slice(0, MAX_SOURCES);
    const more = e.sources.length - listed.length;
    const used = inUse.get(label);
    return {
      label,
      kind: 'value' as const,
      detail: `${e.isName && numbers.length ? `→ ${shownNumbers} · ` : ''}${owners.length === 1 ? owners[0] : `${owners.length} ${e.sources[0].from === 'dataplane' ? 'Dataplanes' : 'sources'}`}${note}${used ? ` · in use by ${used}` : ''}`,
      documentation:
        listed.map((s) => `- ${s.source}${s.port !== undefined && e.isName ? ` → port ${s.port}` : ''} (${basename(s.uri)})`).join('\n') +
        (more > 0 ? `\n- … and ${more} more` : ''),
      replace,
      sortText: `${matched ? '0' : '1'}${used ? '1' : '0'}${e.isName ? '0' : '1'}${label}`,
    };
  });
}

/** Where a `targetPort` resolves to, or the resources a selector picks. */
export function definitions(service: LanguageService, text: string, offset: number, settings: Settings): WorkspaceLocation[] {
  const at = refAt(service, text, offset, settings);
  if (at) return refDefinitions(service.index(), at, at.t.analysis.kumaVersion);
  const t = cursorTarget(service, text, offset, settings);
  if (!t) return [];
  const index = service.index();
  const version = t.analysis.kumaVersion;
  const portIndex = isTargetPortPath(t.ctx);
  if (t.kuma?.kind === 'MeshService') {
    const sel = index.select(t.kuma, version);
    if (portIndex !== undefined) {
      const tp = t.kuma.ports?.[portIndex]?.targetPort;
      if (tp === undefined) return [];
      return index
        .portTargets(sel, version)
        .filter((p) => (typeof tp === 'string' ? p.name === tp : p.port === tp))
        .flatMap((p) => declaredAt(p, tp));
    }
    if (onSelector(t.ctx, t.chunk)) return selectedLocations(sel);
  }
  if (t.service && portIndex !== undefined) {
    const sp = t.service.ports[portIndex];
    const tp = sp?.targetPort ?? sp?.port;
    return servicePortTargets(index, t.service)
      .targets.filter((p) => (typeof tp === 'string' ? p.name === tp : p.port === tp))
      .flatMap((p) => declaredAt(p, tp));
  }
  return [];
}

/** A name resolves to the declaring name, a number to the declaring port number. */
function declaredAt(p: PortTarget, tp: string | number | undefined): WorkspaceLocation[] {
  const r = typeof tp === 'string' ? (p.nameRange ?? p.range) : (p.portRange ?? p.range);
  return r ? [{ uri: p.uri, range: r }] : [];
}

function selectedLocations(sel: SelectionResult): WorkspaceLocation[] {
  return [
    ...sel.dataplanes.map((d) => ({ uri: d.uri, range: d.fact.nameRange })),
    ...sel.workloads.map((w) => ({ uri: w.uri, range: w.fact.nameRange })),
  ];
}

/** Hover text for a `targetPort` (what it resolves to) or a selector (what it picks). */
export function crossFileHover(
  service: LanguageService,
  text: string,
  offset: number,
  settings: Settings,
): { markdown: string; range: OffsetRange } | undefined {
  const at = refAt(service, text, offset, settings);
  if (at) {
    const markdown = refHover(service.index(), at, at.t.analysis.kumaVersion);
    return markdown ? { markdown, range: at.range } : undefined;
  }
  const t = cursorTarget(service, text, offset, settings);
  if (!t || t.kuma?.kind !== 'MeshService') return undefined;
  const index = service.index();
  const version: KumaVersion = t.analysis.kumaVersion;
  const range = { start: t.ctx.replace.start + t.doc.offset, end: t.ctx.replace.end + t.doc.offset };
  const namePath = t.kuma.form === 'kubernetes' ? ['metadata', 'name'] : ['name'];
  if (t.ctx.target === 'value' && t.ctx.path.length === namePath.length && namePath.every((p, i) => t.ctx.path[i] === p)) {
    const targeted = targetedHover(index, t.kuma, version);
    return { markdown: [meshServiceNameHover(index, t.kuma), targeted].filter(Boolean).join('\n\n'), range };
  }
  const p = t.ctx.path;
  if (t.ctx.target === 'value' && p.length === 4 && p[0] === 'spec' && p[1] === 'ports' && (p[3] === 'name' || p[3] === 'port')) {
    // A port's name or number: the policies that pick it by sectionName / port.
    const dest = destinationFor(index, t.kuma);
    const port = dest?.ports.find((x) => x.index === p[2]);
    if (dest && port) {
      const { label, lines } = targetedWords(targetedBy(index, dest, version, port));
      return {
        markdown: `**Port \`${port.section}\`** is ${label} by sectionName / port${lines.length ? `:\n\n${lines.map((l) => `- ${l}`).join('\n')}` : '.'}`,
        range,
      };
    }
  }
  const sel = index.select(t.kuma, version);
  const portIndex = isTargetPortPath(t.ctx);
  if (portIndex !== undefined) {
    const tp = t.kuma.ports?.[portIndex]?.targetPort;
    if (tp === undefined) return undefined;
    const targets = index.portTargets(sel, version);
    const hits = targets.filter((p) => (typeof tp === 'string' ? p.name === tp : p.port === tp));
    const head = `**targetPort ${JSON.stringify(tp)}** resolves to`;
    if (sel.dataplanes.length + sel.workloads.length === 0)
      return { markdown: `${head} nothing: the selector selects no Dataplane or workload.`, range };
    const w = selectionWords(sel.dataplanes.length, sel.workloads.length, version);
    if (hits.length === 0) {
      const names = [...new Set(targets.flatMap((p) => (p.name ? [p.name] : [])))];
      const numbers = [...new Set(targets.flatMap((p) => (p.port !== undefined ? [p.port] : [])))];
      return { markdown: `${head} nothing among the ${w.selected} selected${declaredInstead(tp, names, numbers, w)}.`, range };
    }
    const lines = hits.map((p) => `- ${p.source}${p.port !== undefined ? ` → port ${p.port}` : ''} (${basename(p.uri)})`);
    return {
      markdown: `${head} ${hits.length} port${hits.length === 1 ? '' : 's'} among the ${w.selected} selected:\n\n${lines.join('\n')}`,
      range,
    };
  }
  if (onSelector(t.ctx, t.chunk)) {
    const items = [
      ...sel.dataplanes.map((d) => `- Dataplane ${d.fact.name} (${basename(d.uri)})`),
      ...sel.workloads.map((w) => `- ${w.fact.kind} ${w.fact.name} in ${w.fact.namespace} (${basename(w.uri)})`),
    ];
    return {
      markdown: `**${sel.selector ?? 'No selector'}** selects ${describeSelection(sel.dataplanes.length, sel.workloads.length)}${items.length ? ':\n\n' + items.join('\n') : '.'}`,
      range,
    };
  }
  return undefined;
}

/**
 * What a MeshService is reachable as: the host names the workspace's HostnameGenerators give
 * it (templates rendered as Kuma does, SPEC.md 7.2), Kuma's default for its form, and the
 * MeshMultiZoneServices that select it.
 */
function meshServiceNameHover(index: WorkspaceIndex, ms: KumaFact): string {
  // Selectors match the labels Kuma puts on the MeshService too (its origin, env, display name, ...).
  const labels = computedLabels({ kind: ms.kind, form: ms.form, mesh: ms.mesh, labels: ms.labels, ...identityOf(ms) });
  const data: TemplateData = {
    fields: {
      Name: ms.name,
      DisplayName: labels['kuma.io/display-name'] || ms.name,
      Namespace: labels['k8s.kuma.io/namespace'] ?? (ms.form === 'kubernetes' ? (ms.namespace ?? 'default') : ''),
      Mesh: ms.mesh,
      Zone: labels['kuma.io/zone'] ?? '<zone>',
    },
    label: (k) => labels[k],
  };
  const lines: string[] = [`**MeshService ${ms.name}** (mesh ${ms.mesh}${ms.namespace ? `, namespace ${ms.namespace}` : ''})`];
  const generated: string[] = [];
  for (const { uri, fact: hg } of index.kuma) {
    if (hg.kind !== 'HostnameGenerator' || !hg.meshServiceSelector || hg.template === undefined) continue;
    if (!matchesAll(labels, hg.meshServiceSelector)) continue;
    const r = renderTemplate(hg.template, data);
    const shown =
      r.rendered !== undefined
        ? `\`${r.rendered}\``
        : r.renderError
          ? `no host name (${r.renderError})`
          : `\`${hg.template}\` (not evaluated here)`;
    generated.push(`- ${shown} from HostnameGenerator ${hg.name} (${basename(uri)})`);
  }
  lines.push(
    generated.length
      ? `Host names from the workspace's HostnameGenerators:\n\n${generated.join('\n')}`
      : 'No HostnameGenerator in the workspace selects its labels.',
  );
  lines.push(
    ms.form === 'kubernetes'
      ? `In its own zone it is reached through Kubernetes DNS: \`${ms.name}.${ms.namespace ?? 'default'}.svc.cluster.local\`; Kuma's default generator names it \`${data.fields.DisplayName}.${data.fields.Namespace}.svc.<zone>.mesh.local\` in other zones.`
      : `Kuma's default generator for a Universal zone names it \`${data.fields.DisplayName}.svc.mesh.local\` (and \`${data.fields.DisplayName}.svc.<zone>.mesh.local\` in other zones).`,
  );
  const mzs = index.kuma.filter(
    (k) =>
      k.fact.kind === 'MeshMultiZoneService' &&
      k.fact.mesh === ms.mesh &&
      k.fact.meshServiceSelector &&
      Object.keys(k.fact.meshServiceSelector).length > 0 &&
      matchesAll(labels, k.fact.meshServiceSelector),
  );
  if (mzs.length)
    lines.push(`Selected by MeshMultiZoneService ${mzs.map((m) => `${m.fact.name} (\`${m.fact.name}.mzsvc.mesh.local\`)`).join(', ')}.`);
  return lines.join('\n\n');
}
