import { describeSelection } from '../diagnostics/crossFile';
import type { LanguageService, Settings } from '../host/languageService';
import type { OffsetRange } from '../types';
import { meshesWithPolicies, targetedBy } from '../host/policyRefs';
import { destinationFor, targetedWords } from './policyRefs';

/** An inlay hint at a file offset. */
export interface InlayEntry {
  offset: number;
  label: string;
  tooltip?: string;
}

/**
 * Inlay hints for MeshServices: the port number behind a named `targetPort`, how many
 * Dataplanes / workloads the selector picks, and how many policies target it and each port.
 */
export function inlayHints(service: LanguageService, text: string, settings: Settings, range?: OffsetRange): InlayEntry[] {
  const analysis = service.analyze(text, settings);
  const facts = service.factsOf(analysis);
  const index = service.index();
  const version = analysis.kumaVersion;
  const out: InlayEntry[] = [];
  const inRange = (o: number) => !range || (o >= range.start && o <= range.end);
  // Counts and names only: the index of the current facts, whatever ranges lag behind a keystroke.
  const checks = service.checksIndex();
  const withPolicies = meshesWithPolicies(checks);
  for (const k of facts.kuma) {
    // "targeted by N policies" after the name of a MeshService (MeshExternalService, MeshMultiZoneService)
    // and after each port some policy picks by sectionName / port; the tooltip lists them.
    if (k.kind !== 'MeshService' && k.kind !== 'MeshExternalService' && k.kind !== 'MeshMultiZoneService') continue;
    if (!withPolicies.has(k.mesh)) continue;
    const dest = destinationFor(checks, k);
    if (!dest) continue;
    if (inRange(k.nameRange.end)) {
      const { label, lines } = targetedWords(targetedBy(checks, dest, version));
      out.push({ offset: k.nameRange.end, label: ` ${label}`, ...(lines.length ? { tooltip: lines.join('\n') } : {}) });
    }
    for (const p of k.ports ?? []) {
      const at = p.nameRange ?? p.portRange;
      const port = dest.ports.find((x) => x.index === p.index);
      if (!at || !port || !inRange(at.end)) continue;
      const list = targetedBy(checks, dest, version, port);
      if (list.length === 0) continue;
      const { label, lines } = targetedWords(list);
      out.push({ offset: at.end, label: ` ${label}`, tooltip: lines.join('\n') });
    }
  }
  for (const ms of facts.kuma) {
    if (ms.kind !== 'MeshService' || !ms.selector) continue;
    const sel = index.select(ms, version);
    if (sel.selector && ms.selector.range && inRange(ms.selector.range.end)) {
      // After "selector:", so the hint reads `selector: · selects 2 Dataplanes`.
      const colon = text.indexOf(':', ms.selector.range.end);
      out.push({
        offset: colon >= 0 && colon - ms.selector.range.end < 3 ? colon + 1 : ms.selector.range.end,
        label: ` selects ${describeSelection(sel.dataplanes.length, sel.workloads.length)}`,
        tooltip:
          [...sel.dataplanes.map((d) => `Dataplane ${d.fact.name}`), ...sel.workloads.map((w) => `${w.fact.kind} ${w.fact.name}`)].join(
            '\n',
          ) || undefined,
      });
    }
    if (sel.dataplanes.length + sel.workloads.length === 0) continue;
    const targets = index.portTargets(sel, version);
    for (const p of ms.ports ?? []) {
      if (typeof p.targetPort !== 'string' || !p.targetPortRange || !inRange(p.targetPortRange.end)) continue;
      const numbers = [...new Set(targets.filter((t) => t.name === p.targetPort && t.port !== undefined).map((t) => t.port!))];
      if (numbers.length) out.push({ offset: p.targetPortRange.end, label: ` → ${numbers.join(', ')}` });
    }
  }
  return out.sort((a, b) => a.offset - b.offset);
}
