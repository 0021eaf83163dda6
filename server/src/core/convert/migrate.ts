import { isMap, isScalar, isSeq, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { parseChunk, type ParsedDocument } from '../yaml/documents';
import type { Form } from '../types';
import { MIGRATION_TARGET, kumaFacts, type KumaVersion } from '../kuma/versions';
import { DNS1035_LABEL, isRfc1035Label } from '../kuma/names';
import { locate, type PathSeg } from '../yaml/nodes';
import { withAliases } from './aliases';
import { scalar } from './yamlOut';
import { targetRefSites } from '../kuma/targetRefs';
import { isPolicyKind } from '../types';
import { applyEdits, diffEdits, entriesOf, lineEndAt, lineStartAt, shift, src, type Entry } from './format';
import type { ConvertInput, TextEdit } from './types';
import { collectFacts, documentFacts, type KumaFact } from '../host/facts';
import { WorkspaceIndex } from '../host/workspaceIndex';
import { labelsNeeded, planFor, TAG_ONLY, type SelectorPlan } from './selectorPlan';
import { ownedByRefs, policyRefsStep } from './migrateRefs';
import { migrateTopRef, topRefLabelsNeeded } from './migrateTopRef';

/**
 * Migrations for the Kuma 3.0 removals (SPEC.md sections 2.2, 3.1 and 5): `dataplaneTags` →
 * `dataplaneLabels`, `ServiceTag` identities, Dataplane inbound `tags`. Each fix edits the text
 * of one document; fixes run one after the other on the re-parsed result, and the edits returned
 * are the line diff between the original chunk and the final one, so untouched text stays as is.
 */

export type MigrateResult = { edits: TextEdit[]; notes: string[] } | { error: string };

interface State {
  text: string;
  doc: ParsedDocument;
  form: Form;
  ordinal: number;
}

type Step = { text: string; notes: string[] } | { error: string };

function start(input: ConvertInput): State | { error: string } {
  const c = input.doc.classification;
  if (c.role !== 'kuma' && c.role !== 'mesh') return { error: 'This document is not a Kuma resource.' };
  if (input.doc.errors.length > 0) return { error: 'The document has YAML errors; fix them first.' };
  const docs = parseChunk(input.chunk);
  const ordinal = Math.max(
    0,
    docs.findIndex((d) => d.range.start === input.doc.range.start),
  );
  return { text: input.chunk, doc: input.doc, form: c.form, ordinal };
}

function advance(s: State, text: string): State {
  if (text === s.text) return s;
  const doc = parseChunk(text)[s.ordinal];
  if (!doc || doc.errors.length > 0) throw new Error('migration produced invalid YAML');
  return { ...s, text, doc };
}

function root(s: State): YAMLMap | undefined {
  const r = s.doc.doc.contents;
  return isMap(r) ? r : undefined;
}

/** Entry `key` of the mapping at `path`, with the mapping's other entries. */
function entryAt(s: State, path: PathSeg[], key: string): { map: YAMLMap; entries: Entry[]; entry: Entry } | undefined {
  const loc = locate(root(s), path);
  if (!loc.complete || !isMap(loc.node)) return undefined;
  const entries = entriesOf(s.text, loc.node);
  const entry = entries?.find((e) => e.key === key);
  return entries && entry ? { map: loc.node, entries, entry } : undefined;
}

/** The edit that removes an entry from its mapping. */
function removeEntry(entries: Entry[], e: Entry): TextEdit {
  const i = entries.indexOf(e);
  if (e.flow) {
    const prev = entries[i - 1];
    const next = entries[i + 1];
    if (next) return { range: { start: e.keyStart, end: next.keyStart }, newText: '' };
    if (prev) return { range: { start: prev.end, end: e.end }, newText: '' };
    return { range: { start: e.keyStart, end: e.end }, newText: '' };
  }
  if (!e.keyStartsLine) {
    const next = entries[i + 1];
    if (next) return { range: { start: e.keyStart, end: next.keyStart }, newText: '' };
    return { range: { start: e.keyStart, end: e.end }, newText: '{}\n' };
  }
  return { range: { start: e.start, end: e.gapEnd }, newText: '' };
}

function pairsOf(node: Node | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isMap(node)) return out;
  for (const p of node.items) if (isScalar(p.key) && isScalar(p.value)) out[String(p.key.value)] = String(p.value.value);
  return out;
}

// ---------------------------------------------------------------------------------------------
// dataplaneTags → dataplaneLabels

const SELECTOR = ['spec', 'selector'];

function selectorStep(s: State, version: KumaVersion, plan: SelectorPlan | undefined): Step {
  const at = entryAt(s, SELECTOR, 'dataplaneTags');
  if (!at) return { error: 'There is no spec.selector.dataplaneTags to migrate.' };
  const { entries, entry: e } = at;
  const notes: string[] = [];
  const others = entries.filter((x) => x.key === 'dataplaneRef' || x.key === 'dataplaneLabels').map((x) => x.key);
  if (others.length > 0) {
    notes.push(
      `Removed spec.selector.dataplaneTags: the selector also has ${others.join(' and ')}, which Kuma uses instead (3.0 drops dataplaneTags).`,
    );
    return { text: applyEdits(s.text, [removeEntry(entries, e)]), notes };
  }
  if (!kumaFacts(version).selector.keys.includes('dataplaneLabels'))
    return { error: `dataplaneLabels needs Kuma 2.14 or later (the target is ${version}).` };
  // Left as it is when the labels would select other Dataplanes than the tags did (selectorPlan.ts).
  if (plan?.refused) return { error: `spec.selector.dataplaneTags is left as it is: ${plan.refused}` };
  const text = s.text;
  const tags = pairsOf(e.value);
  const tagKeys = Object.keys(tags);

  // Rename kuma.io/service → kuma.io/workload first (Universal only), then restructure the re-parsed text.
  let renamed = text;
  const svc = tags['kuma.io/service'];
  if (svc !== undefined && isMap(e.value)) {
    const svcEntry = entriesOf(text, e.value)?.find((x) => x.key === 'kuma.io/service');
    if (s.form === 'universal' && svcEntry && !('kuma.io/workload' in tags)) {
      const keySrc = text.slice(svcEntry.keyStart, svcEntry.keyEnd);
      renamed = applyEdits(text, [
        { range: { start: svcEntry.keyStart, end: svcEntry.keyEnd }, newText: keySrc.replace('kuma.io/service', 'kuma.io/workload') },
      ]);
      notes.push(`kuma.io/service: ${svc} became kuma.io/workload: ${svc}: dataplaneLabels match Dataplane labels, not inbound tags.`);
    } else if (s.form === 'universal') {
      notes.push(`Removed kuma.io/service: ${svc}: dataplaneLabels match Dataplane labels, and kuma.io/workload says the same.`);
      const svcE = entriesOf(text, e.value)?.find((x) => x.key === 'kuma.io/service');
      if (svcE) renamed = applyEdits(text, [removeEntry(entriesOf(text, e.value)!, svcE)]);
    }
  }
  // Kubernetes: Kuma's own tags go when the Pod labels left select the same workloads (selectorPlan.ts).
  if (plan?.dropped?.length) {
    const value = entryAt(advance(s, renamed), SELECTOR, 'dataplaneTags')?.entry.value;
    const inner = isMap(value) ? entriesOf(renamed, value) : undefined;
    const drop = inner?.filter((x) => plan.dropped!.includes(x.key)) ?? [];
    if (inner && drop.length)
      renamed = applyEdits(
        renamed,
        drop.map((x) => removeEntry(inner, x)),
      );
    notes.push(
      `Removed ${plan.dropped.join(', ')}: ${plan.dropped.length > 1 ? 'they are inbound tags' : 'it is an inbound tag'} Kuma sets, not Pod labels; the labels left select the same ${plan.selected === 1 ? 'workload' : `${plan.selected} workloads`} of the workspace.`,
    );
  }
  const tagOnly = tagKeys.filter((k) => TAG_ONLY.includes(k) && k !== 'kuma.io/service' && !plan?.dropped?.includes(k));
  if (tagOnly.length > 0)
    return { error: `spec.selector.dataplaneTags is left as it is: ${tagOnly.join(', ')} has no Dataplane label equivalent.` };
  if (plan && plan.additions.some((a) => Object.keys(a.labels).length > 0)) {
    const given = plan.additions.filter((a) => Object.keys(a.labels).length > 0);
    notes.push(
      `The ${given.length === 1 ? 'Dataplane' : `${given.length} Dataplanes`} it selected (${given.map((a) => a.dp.fact.name).join(', ')}) ${given.length === 1 ? 'gets' : 'get'} the labels it now needs, in the same edit, so it selects the same ${plan.selected === 1 ? 'Dataplane' : `${plan.selected} Dataplanes`}.`,
    );
  } else if (plan && plan.selected > 0) {
    notes.push(`It selects the same ${plan.selected === 1 ? 'Dataplane' : `${plan.selected} Dataplanes`} as before.`);
  } else if (s.form === 'kubernetes') {
    notes.push(
      'On Kubernetes the Pod labels become Dataplane labels, so labels such as app: <name> and k8s.kuma.io/namespace keep working.',
    );
  } else {
    const labels = Object.entries(tags).map(([k, v]) => `${k === 'kuma.io/service' ? 'kuma.io/workload' : k}: ${v}`);
    notes.push(
      `No Dataplane in the workspace has these tags: the Dataplanes elsewhere that have them need the labels ${labels.join(', ')} (the 3.0 migration of a Dataplane adds kuma.io/workload from its kuma.io/service tag).`,
    );
  }
  const s2 = advance(s, renamed);
  const e2 = entryAt(s2, SELECTOR, 'dataplaneTags')!.entry;
  return { text: applyEdits(renamed, [restructure(renamed, e2)]), notes };
}

/**
 * The selector plan of the MeshService being migrated: from the workspace index when it holds the
 * MeshService, else from an index of this document alone (no Dataplanes to go by).
 */
function planOf(input: ConvertInput, s: State): SelectorPlan | undefined {
  const k = documentFacts(s.doc).kuma;
  if (!k || k.kind !== 'MeshService') return undefined;
  const inWorkspace = planFor(input.index, k);
  if (inWorkspace || input.index.meshServices.some((m) => sameResource(m.fact, k))) return inWorkspace;
  return planFor(new WorkspaceIndex([['', collectFacts([documentFacts(s.doc)])]]), k);
}

function sameResource(a: KumaFact, b: KumaFact): boolean {
  return a.kind === b.kind && a.form === b.form && a.mesh === b.mesh && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
}

/** The edit turning a `dataplaneTags` entry into `dataplaneLabels: matchLabels:` with the same pairs. */
function restructure(text: string, e: Entry): TextEdit {
  const key = 'dataplaneLabels';
  const value = e.value;
  if (e.flow || !e.keyStartsLine) {
    return { range: { start: e.keyStart, end: e.end }, newText: `${key}: {matchLabels: ${value ? src(text, value) || '{}' : '{}'}}` };
  }
  const firstEnd = lineEndAt(text, e.keyStart);
  const firstRest = text.slice(e.keyEnd, firstEnd);
  const remaining = text.slice(firstEnd, e.end);
  let u = 2;
  if (isMap(value) && !value.flow && value.items.length > 0) {
    const k = value.items[0].key as Node;
    if (k.range) u = Math.max(1, k.range[0] - lineStartAt(text, k.range[0]) - e.indent);
  }
  const pad = ' '.repeat(e.indent + u);
  const nl = firstRest.endsWith('\n') ? '' : '\n';
  let newText: string;
  if (isMap(value) && !value.flow) newText = key + firstRest + nl + pad + 'matchLabels:\n' + shift(remaining, u);
  else if (value === null || (isScalar(value) && value.value === null)) newText = key + firstRest + nl + pad + 'matchLabels: {}\n';
  else newText = key + ':\n' + pad + 'matchLabels' + firstRest + shift(remaining, u);
  if (!text.slice(e.keyStart, e.end).endsWith('\n')) newText = newText.replace(/\n$/, '');
  return { range: { start: e.keyStart, end: e.end }, newText };
}

/**
 * Replaces a MeshService's `spec.selector.dataplaneTags` with `dataplaneLabels.matchLabels`
 * holding the same pairs (comments and quoting kept). In Universal `kuma.io/service: X`
 * becomes `kuma.io/workload: X`; on Kubernetes it is kept, with a note.
 */
export function migrateSelectors(input: ConvertInput): MigrateResult {
  // Aliases read or anchored nodes edited by the migration are written out first (aliases.ts).
  return withAliases(input, migrateSelectorsOf);
}

function migrateSelectorsOf(input: ConvertInput): MigrateResult {
  const s = start(input);
  if ('error' in s) return s;
  if (s.doc.classification.role !== 'kuma' || s.doc.classification.kind !== 'MeshService') {
    return { error: 'Only a MeshService has spec.selector.dataplaneTags.' };
  }
  const r = selectorStep(s, input.version, planOf(input, s));
  if ('error' in r) return r;
  return { edits: diffEdits(input.chunk, r.text), notes: r.notes };
}

// ---------------------------------------------------------------------------------------------
// Kuma 3.0

/** Removes `identities[]` entries of type ServiceTag (3.0 allows SpiffeID only). */
function identitiesStep(s: State): Step | undefined {
  const at = entryAt(s, ['spec'], 'identities');
  if (!at || !isSeq(at.entry.value)) return undefined;
  const seq = at.entry.value as YAMLSeq<Node>;
  const isServiceTag = (item: Node) => isMap(item) && pairsOf(item).type === 'ServiceTag';
  const drop = seq.items.filter(isServiceTag);
  if (drop.length === 0) return undefined;
  const values = drop.map((i) => (isMap(i) ? pairsOf(i).value : undefined)).filter((v) => v !== undefined);
  const notes = [
    `Removed ${drop.length} spec.identities entr${drop.length > 1 ? 'ies' : 'y'} of type ServiceTag${values.length ? ` (${values.join(', ')})` : ''}: Kuma 3.0 accepts SpiffeID identities only, and identities are managed by Kuma.`,
  ];
  const text = s.text;
  if (drop.length === seq.items.length) return { text: applyEdits(text, [removeEntry(at.entries, at.entry)]), notes };
  if (seq.flow) {
    const kept = seq.items.filter((i) => !isServiceTag(i)).map((i) => src(text, i));
    return { text: applyEdits(text, [{ range: { start: seq.range![0], end: seq.range![1] }, newText: `[${kept.join(', ')}]` }]), notes };
  }
  const edits: TextEdit[] = [];
  for (const item of drop) {
    const r = item.range!;
    const dash = text.lastIndexOf('-', r[0]);
    const lineStart = lineStartAt(text, dash);
    const col = dash - lineStart;
    let end = lineEndAt(text, r[0]);
    let pos = end;
    while (pos < text.length) {
      const le = lineEndAt(text, pos);
      const line = text.slice(pos, le);
      if (line.trim() !== '') {
        if (/^ */.exec(line)![0].length <= col) break;
        end = le;
      }
      pos = le;
    }
    edits.push({ range: { start: lineStart, end }, newText: '' });
  }
  return { text: applyEdits(text, edits), notes };
}

function scalarAt(s: State, path: PathSeg[]): unknown {
  const loc = locate(root(s), path);
  return loc.complete && isScalar(loc.node) ? loc.node.value : undefined;
}

/** Notes for what has no safe automatic fix: kafka ports and names that are not RFC 1035 labels. */
function noteOnly(s: State): string[] {
  const notes: string[] = [];
  const c = s.doc.classification;
  if (c.role === 'mesh') {
    const name = scalarAt(s, c.form === 'kubernetes' ? ['metadata', 'name'] : ['name']);
    if (typeof name === 'string' && name !== '' && !isRfc1035Label(name))
      notes.push(
        `The Mesh name ${name} is not an RFC 1035 label, which Kuma 3.0 rejects; not renamed automatically (every resource of the mesh names it).`,
      );
  }
  if (c.role !== 'kuma') return notes;
  if (c.kind === 'MeshService' || c.kind === 'MeshMultiZoneService') {
    const ports = locate(root(s), ['spec', 'ports']);
    if (isSeq(ports.node)) {
      ports.node.items.forEach((_, i) => {
        const p = scalarAt(s, ['spec', 'ports', i, 'appProtocol']);
        if (typeof p === 'string' && p.toLowerCase() === 'kafka') {
          notes.push(
            `spec.ports[${i}].appProtocol kafka is not supported in Kuma 3.0; no automatic fix: choose tcp (or another supported protocol) yourself.`,
          );
        }
      });
    }
  }
  if (c.kind === 'MeshService' || c.kind === 'MeshMultiZoneService' || c.kind === 'MeshExternalService') {
    const path = c.form === 'kubernetes' ? ['metadata', 'name'] : ['name'];
    const display = c.form === 'universal' ? scalarAt(s, ['labels', 'kuma.io/display-name']) : undefined;
    const name = typeof display === 'string' && display !== '' ? display : scalarAt(s, path);
    if (typeof name === 'string' && name !== '' && !isRfc1035Label(name)) {
      notes.push(
        `The name ${name} is not an RFC 1035 label, which Kuma 3.0 rejects; not renamed automatically (renaming changes the resource's identity and every reference to it).`,
      );
    }
  }
  return notes;
}

/**
 * Dataplane inbound `tags` (removed in 3.0): `kuma.io/protocol` becomes the inbound `protocol`
 * (when it has none), `kuma.io/service` becomes the Dataplane label `kuma.io/workload`
 * (Universal), and the `tags` key goes.
 */
function inboundTagsStep(s: State): Step | undefined {
  const body: PathSeg[] = s.form === 'kubernetes' ? ['spec'] : [];
  const inbound = locate(root(s), [...body, 'networking', 'inbound']);
  if (!inbound.complete || !isSeq(inbound.node)) return undefined;
  const text = s.text;
  const edits: TextEdit[] = [];
  const notes: string[] = [];
  const services = new Map<string, string>();
  const dropped = new Set<string>();
  inbound.node.items.forEach((item, i) => {
    if (!isMap(item)) return;
    const entries = entriesOf(text, item as YAMLMap);
    const tagsE = entries?.find((e) => e.key === 'tags');
    if (!entries || !tagsE) return;
    const tags = pairsOf(tagsE.value);
    const tagEntries = isMap(tagsE.value) ? (entriesOf(text, tagsE.value) ?? []) : [];
    const protoE = tagEntries.find((e) => e.key === 'kuma.io/protocol');
    const svcE = tagEntries.find((e) => e.key === 'kuma.io/service');
    if (svcE && tags['kuma.io/service'] !== undefined) services.set(tags['kuma.io/service'], src(text, svcE.value));
    for (const k of Object.keys(tags)) if (k !== 'kuma.io/service' && k !== 'kuma.io/protocol') dropped.add(`${k}: ${tags[k]}`);
    const hasProtocol = entries.some((e) => e.key === 'protocol');
    // Only a protocol 3.0 accepts becomes the field; 2.x treated any other value as tcp, and so does
    // 3.0 with no protocol: the meaning is kept, never a value guessed, nothing 3.0 rejects written.
    const known = kumaFacts(MIGRATION_TARGET).protocols.supported.includes(tags['kuma.io/protocol'] ?? '');
    const proto = protoE && !hasProtocol && known ? `protocol: ${src(text, protoE.value)}` : undefined;
    if (protoE && !hasProtocol && known)
      notes.push(`networking.inbound[${i}]: the kuma.io/protocol tag became protocol: ${tags['kuma.io/protocol']}.`);
    if (protoE && !hasProtocol && !known)
      notes.push(
        `networking.inbound[${i}]: the kuma.io/protocol tag said ${tags['kuma.io/protocol']}, which Kuma ${MIGRATION_TARGET} does not support, so no protocol was written: with none the inbound is tcp (as 2.x treats a protocol it does not know). Set protocol (${kumaFacts(MIGRATION_TARGET).protocols.supported.join(', ')}) yourself if you meant one.`,
      );
    if (protoE && hasProtocol) {
      const p = scalarAt(s, [...body, 'networking', 'inbound', i, 'protocol']);
      if (String(p) !== tags['kuma.io/protocol'])
        notes.push(`networking.inbound[${i}]: kept protocol ${String(p)}; the kuma.io/protocol tag said ${tags['kuma.io/protocol']}.`);
    }
    if (proto === undefined) {
      edits.push(removeEntry(entries, tagsE));
    } else if (tagsE.flow) {
      edits.push({ range: { start: tagsE.keyStart, end: tagsE.end }, newText: proto });
    } else {
      // Replace the tags entry (not its leading comments) by the protocol line, in place.
      const nl = text.slice(tagsE.keyStart, tagsE.end).endsWith('\n') ? '\n' : '';
      edits.push({ range: { start: tagsE.keyStart, end: tagsE.end }, newText: proto + nl });
    }
  });
  if (edits.length === 0) return undefined;
  notes.unshift('Removed networking.inbound[].tags: Kuma 3.0 has no inbound tags (identity lives in Dataplane labels).');
  if (dropped.size > 0)
    notes.push(
      `Dropped inbound tags with no 3.0 equivalent: ${[...dropped].join(', ')}. Add them to the Dataplane labels if policies or selectors use them.`,
    );

  // kuma.io/workload label
  if (services.size > 0) {
    const [value, valueSrc] = [...services.entries()][0];
    if (s.form === 'kubernetes') {
      notes.push(
        'On Kubernetes the control plane writes Dataplanes from Pods: their labels come from the Pod; add kuma.io/workload there if you need it.',
      );
    } else if (services.size > 1) {
      notes.push(
        `The inbounds had several kuma.io/service values (${[...services.keys()].join(', ')}); a Dataplane has one kuma.io/workload label, so none was taken from them. Split the Dataplane or pick one.`,
      );
    } else {
      const labels = entryAt(s, [], 'labels');
      const current = labels ? pairsOf(labels.entry.value)['kuma.io/workload'] : undefined;
      if (current !== undefined) {
        if (current !== value) notes.push(`Kept label kuma.io/workload: ${current}; the inbounds' kuma.io/service was ${value}.`);
      } else {
        const edit = addLabel(s, 'kuma.io/workload', valueSrc);
        if (edit) {
          edits.push(edit);
          notes.push(
            `Added the label kuma.io/workload: ${value} (from kuma.io/service): MeshServices select it with dataplaneLabels, and Kuma 3.0 generates MeshServices from it.`,
          );
          if (!DNS1035_LABEL.test(value))
            notes.push(`kuma.io/workload ${value} is not an RFC 1035 label: Kuma 3.0 generates no MeshService for it.`);
        } else notes.push(`Could not add the label kuma.io/workload: ${value}; add it by hand.`);
      }
    }
  }
  return { text: applyEdits(text, edits), notes };
}

/** The edit adding a label to a Universal resource (creating `labels` after `mesh`/`name` when needed). */
function addLabel(s: State, key: string, valueSrc: string): TextEdit | undefined {
  const text = s.text;
  const rootMap = root(s);
  if (!rootMap) return undefined;
  const entries = entriesOf(text, rootMap, false);
  if (!entries) return undefined;
  const labels = entries.find((e) => e.key === 'labels');
  if (labels) {
    const v = labels.value;
    if (isMap(v) && v.flow) {
      const close = text.lastIndexOf('}', v.range![1]);
      return { range: { start: close, end: close }, newText: (v.items.length > 0 ? ', ' : '') + `${key}: ${valueSrc}` };
    }
    if (isMap(v) && v.items.length > 0 && !labels.flow) {
      const children = entriesOf(text, v);
      const last = children?.[children.length - 1];
      if (!last) return undefined;
      const at = last.end;
      const nl = text.slice(0, at).endsWith('\n') ? '' : '\n';
      return { range: { start: at, end: at }, newText: `${nl}${' '.repeat(last.indent)}${key}: ${valueSrc}${nl ? '' : '\n'}` };
    }
    return undefined;
  }
  const after = entries.find((e) => e.key === 'mesh') ?? entries.find((e) => e.key === 'name') ?? entries.find((e) => e.key === 'type');
  if (!after) return undefined;
  const u = 2;
  const nl = text.slice(0, after.end).endsWith('\n') ? '' : '\n';
  return { range: { start: after.end, end: after.end }, newText: `${nl}labels:\n${' '.repeat(u)}${key}: ${valueSrc}${nl ? '' : '\n'}` };
}

/**
 * The labels the migrated MeshServices of the workspace need on this Dataplane to select it as
 * their tags did (selectorPlan.ts), added to its `labels` (Universal).
 */
function plannedLabelsStep(s: State, input: ConvertInput, only?: Record<string, string>, policies = false): Step | undefined {
  const k = documentFacts(input.doc).kuma;
  if (!k || k.kind !== 'Dataplane' || s.form !== 'universal') return undefined;
  // The 3.0 migration also gives the labels the policies' migrated top-level targetRefs need (migrateTopRef.ts).
  const needed = only ?? { ...(policies ? topRefLabelsNeeded(input.index, k) : {}), ...labelsNeeded(input.index, k) };
  const keys = Object.keys(needed);
  if (keys.length === 0) return undefined;
  let st = s;
  const added: string[] = [];
  const notes: string[] = [];
  for (const key of keys) {
    const labels = entryAt(st, [], 'labels');
    const current = labels ? pairsOf(labels.entry.value)[key] : undefined;
    if (current === needed[key]) continue;
    if (current !== undefined) {
      notes.push(`Kept label ${key}: ${current}; the migrated selectors of this Dataplane need ${key}: ${needed[key]}.`);
      continue;
    }
    const edit = addLabel(st, key, scalar(needed[key]));
    if (!edit) {
      notes.push(`Could not add the label ${key}: ${needed[key]}, which the migrated selectors of this Dataplane need; add it by hand.`);
      continue;
    }
    st = advance(st, applyEdits(st.text, [edit]));
    added.push(`${key}: ${needed[key]}`);
  }
  if (added.length)
    notes.unshift(
      `Added the label${added.length > 1 ? 's' : ''} ${added.join(', ')}: the MeshServices (dataplaneTags) and policies (top-level targetRefs) that selected this Dataplane by its tags select ${added.length > 1 ? 'them' : 'it'} once migrated to labels.`,
    );
  return { text: st.text, notes };
}

/**
 * Adds the planned labels only (the `migrate-selectors` conversion of a Dataplane, and the
 * Dataplanes of other files when one file is migrated): all the workspace's plans need, or `only`.
 */
export function addPlannedLabels(input: ConvertInput, only?: Record<string, string>): MigrateResult {
  return withAliases(input, (inp) => {
    const s = start(inp);
    if ('error' in s) return s;
    const r = plannedLabelsStep(s, inp, only);
    if (!r || 'error' in r) return { edits: [], notes: [] };
    return { edits: diffEdits(inp.chunk, r.text), notes: r.notes };
  });
}

/** A Kuma Mesh: `meshServices` goes (3.0 ignores it, SPEC-policies.md f.8). */
function meshStep(s: State): Step | undefined {
  const at = entryAt(s, s.form === 'kubernetes' ? ['spec'] : [], 'meshServices');
  if (!at) return undefined;
  const mode = isMap(at.entry.value) ? pairsOf(at.entry.value).mode : undefined;
  const notes = [
    `Removed meshServices${mode ? ` (mode ${mode})` : ''}: Kuma 3.0 ignores it and always works as the former Exclusive mode (MeshServices only, no kuma.io/service outbounds).`,
  ];
  if (mode !== undefined && mode !== 'Exclusive')
    notes.push(
      `With mode ${mode}, references by kuma.io/service (legacy outbounds) worked; at 3.0 they select nothing: check the policies and outbounds that use them.`,
    );
  return { text: applyEdits(s.text, [removeEntry(at.entries, at.entry)]), notes };
}

/** The Universal MeshService of the workspace a `kuma.io/service` value names (its name or display name), if exactly one. */
function meshServiceNamed(input: ConvertInput, mesh: string, service: string): KumaFact | undefined {
  const found = input.index.meshServices.filter(
    (m) =>
      m.fact.form === 'universal' && m.fact.mesh === mesh && (m.fact.name === service || m.fact.labels['kuma.io/display-name'] === service),
  );
  return found.length === 1 ? found[0].fact : undefined;
}

/**
 * Outbounds named by `tags: {kuma.io/service: X}` (3.0 rejects them without a backendRef) and
 * `transparentProxying.reachableServices` (dropped at 3.0), where the workspace holds the
 * MeshService X so the 3.0 form says the same (SPEC-policies.md f.9, e.4, g.1): a backendRef to
 * its one port, and reachableBackends refs to MeshServices whose ports all count.
 */
function outboundsStep(s: State, input: ConvertInput): Step | undefined {
  if (s.form !== 'universal') return undefined;
  const mesh = typeof scalarAt(s, ['mesh']) === 'string' ? String(scalarAt(s, ['mesh'])) : 'default';
  const text = s.text;
  const edits: TextEdit[] = [];
  const notes: string[] = [];
  const outbound = locate(root(s), ['networking', 'outbound']);
  if (isSeq(outbound.node)) {
    outbound.node.items.forEach((item, i) => {
      if (!isMap(item)) return;
      const entries = entriesOf(text, item as YAMLMap);
      const tagsE = entries?.find((e) => e.key === 'tags');
      if (!entries || !tagsE || entries.some((e) => e.key === 'backendRef')) return;
      const tags = pairsOf(tagsE.value);
      const svc = tags['kuma.io/service'];
      if (svc === undefined || Object.keys(tags).some((k) => k !== 'kuma.io/service')) return;
      const ms = meshServiceNamed(input, mesh, svc);
      const ports = ms?.ports?.filter((p) => p.port !== undefined) ?? [];
      if (!ms || ports.length !== 1) return;
      const ref = { kind: 'MeshService', name: ms.name, port: ports[0].port! };
      if (tagsE.flow || !tagsE.keyStartsLine) {
        edits.push({
          range: { start: tagsE.keyStart, end: tagsE.end },
          newText: `backendRef: {kind: ${ref.kind}, name: ${ref.name}, port: ${ref.port}}`,
        });
      } else {
        const pad = ' '.repeat(tagsE.indent + 2);
        const nl = text.slice(tagsE.keyStart, tagsE.end).endsWith('\n') ? '\n' : '';
        edits.push({
          range: { start: tagsE.keyStart, end: tagsE.end },
          newText: `backendRef:\n${pad}kind: ${ref.kind}\n${pad}name: ${ref.name}\n${pad}port: ${ref.port}${nl}`,
        });
      }
      notes.push(
        `networking.outbound[${i}]: tags kuma.io/service: ${svc} became backendRef {kind: MeshService, name: ${ref.name}, port: ${ref.port}} (the workspace's MeshService ${ref.name}, its one port).`,
      );
    });
  }
  const tp = locate(root(s), ['networking', 'transparentProxying']);
  if (isMap(tp.node)) {
    const entries = entriesOf(text, tp.node as YAMLMap);
    const rsE = entries?.find((e) => e.key === 'reachableServices');
    const names = rsE && isSeq(rsE.value) ? rsE.value.items.map((x) => (isScalar(x) ? String(x.value) : undefined)) : [];
    const targets = names.map((n) => (n === undefined ? undefined : meshServiceNamed(input, mesh, n)));
    // Without a port a ref reaches every port only when they are all named (or there is one).
    const whole = (m: KumaFact | undefined) => !!m && ((m.ports?.length ?? 0) === 1 || (m.ports ?? []).every((p) => p.name));
    if (
      entries &&
      rsE &&
      !rsE.flow &&
      rsE.keyStartsLine &&
      names.length > 0 &&
      targets.every(whole) &&
      !entries.some((e) => e.key === 'reachableBackends')
    ) {
      const pad = ' '.repeat(rsE.indent + 2);
      const nl = text.slice(rsE.keyStart, rsE.end).endsWith('\n') ? '\n' : '';
      const refs = targets.map((m) => `${pad}  - kind: MeshService\n${pad}    name: ${m!.name}`).join('\n');
      edits.push({ range: { start: rsE.keyStart, end: rsE.end }, newText: `reachableBackends:\n${pad}refs:\n${refs}${nl}` });
      notes.push(
        `networking.transparentProxying.reachableServices (${names.join(', ')}) became reachableBackends refs to the workspace's MeshServices ${targets.map((m) => m!.name).join(', ')} (every port of each).`,
      );
    }
  }
  return edits.length ? { text: applyEdits(text, edits), notes } : undefined;
}

/** Kinds whose `name`/`namespace` reference becomes `labels` at 3.0 (SPEC-policies.md f.2). */
const BY_LABELS = ['MeshService', 'MeshExternalService', 'MeshMultiZoneService', 'MeshHTTPRoute', 'Dataplane'];
/** Policies whose `from` items of kind Mesh become `rules` items with the same default (f.4). */
const FROM_TO_RULES = ['MeshTimeout', 'MeshAccessLog', 'MeshCircuitBreaker', 'MeshTLS'];

/**
 * A targetRef policy (SPEC-policies.md f.2, f.4): `name`/`namespace` references become `labels`
 * (`kuma.io/display-name`, and `k8s.kuma.io/namespace` — the reference's, or on Kubernetes the
 * policy's own, which 2.x implied), and `from` items of kind Mesh become `rules` items. What has no
 * mechanical 3.0 form (legacy kuma.io/service names, top-level MeshService / MeshSubset, `from`
 * items selecting clients) is left as it is, with the reason.
 */
function policyStep(s: State): Step | undefined {
  const c = s.doc.classification;
  if (c.role !== 'kuma' || !isPolicyKind(c.kind)) return undefined;
  const value = s.doc.value as Record<string, unknown> | undefined;
  const spec = value && typeof value.spec === 'object' && value.spec ? (value.spec as Record<string, unknown>) : undefined;
  if (!spec) return undefined;
  const meta = value && typeof value.metadata === 'object' && value.metadata ? (value.metadata as Record<string, unknown>) : {};
  const policyNs = s.form === 'kubernetes' && typeof meta.namespace === 'string' ? meta.namespace : undefined;
  const text = s.text;
  const edits: TextEdit[] = [];
  const notes: string[] = [];
  const fromToRules = FROM_TO_RULES.includes(c.kind) && Array.isArray(spec.from) && spec.rules === undefined && spec.to === undefined;
  for (const site of targetRefSites(c.kind, spec)) {
    const ref = site.ref;
    const kind = typeof ref.kind === 'string' ? ref.kind : undefined;
    const where = site.path
      .map((x) => (typeof x === 'number' ? `[${x}]` : `.${x}`))
      .join('')
      .slice(1);
    if (site.place === 'from' && fromToRules) continue;
    if (ownedByRefs(site)) continue; // legacy kuma.io/service names, backendRefs without port: migrateRefs.ts
    // The top-level legacy kinds are migrated by topRefStep (migrateTopRef.ts).
    if (site.place === 'top' && kind && ['MeshService', 'MeshSubset', 'MeshServiceSubset', 'MeshGateway', 'MeshHTTPRoute'].includes(kind))
      continue;
    if (!kind || !BY_LABELS.includes(kind) || (ref.name === undefined && ref.namespace === undefined)) continue;
    const name = ref.name === undefined ? undefined : String(ref.name);
    if (ref.labels !== undefined) {
      const keys = [...(ref.name !== undefined ? ['name'] : []), ...(ref.namespace !== undefined ? ['namespace'] : [])];
      notes.push(
        `Left ${where} as it is: it has both ${keys.join('/')} and labels, which Kuma 2.x rejects already; remove ${keys.join(' and ')} (Kuma 3.0 selects by labels only), after checking that the labels select the ${kind} it names.`,
      );
      continue;
    }
    if (name !== undefined && kind === 'MeshService' && [3, 4].includes(name.split('_').length)) {
      notes.push(
        `Left ${where} as it is: ${name} is a legacy kuma.io/service name; its 3.0 form is labels plus the sectionName of the port it names.`,
      );
      continue;
    }
    if (site.place === 'backendRef' && kind === 'MeshService' && ref.port === undefined && ref.sectionName === undefined) {
      notes.push(
        `Left ${where} as it is: without port or sectionName it is a legacy kuma.io/service reference at 2.x; give it the port of the MeshService.`,
      );
      continue;
    }
    if (name === undefined) continue;
    const loc = locate(root(s), site.path);
    if (!loc.complete || !isMap(loc.node)) continue;
    const entries = entriesOf(text, loc.node);
    const nameE = entries?.find((e) => e.key === 'name');
    const nsE = entries?.find((e) => e.key === 'namespace');
    if (!entries || !nameE || nameE.flow || !nameE.keyStartsLine || nsE?.flow) {
      notes.push(
        `Left ${where} as it is: name/namespace become labels {kuma.io/display-name: ${name}…}; rewrite this flow mapping by hand.`,
      );
      continue;
    }
    const ns = ref.namespace !== undefined ? String(ref.namespace) : policyNs;
    const pad = ' '.repeat(nameE.indent + 2);
    const nl = text.slice(nameE.keyStart, nameE.end).endsWith('\n') ? '\n' : '';
    // A comment after the name stays on the display-name line.
    const comment = /\s#.*$/.exec(text.slice(nameE.keyStart, lineEndAt(text, nameE.keyStart)).replace(/\n$/, ''))?.[0] ?? '';
    const lines = [
      `labels:`,
      `${pad}kuma.io/display-name: ${scalar(name)}${comment}`,
      ...(ns !== undefined ? [`${pad}k8s.kuma.io/namespace: ${scalar(ns)}`] : []),
    ];
    edits.push({ range: { start: nameE.keyStart, end: nameE.end }, newText: lines.join('\n') + nl });
    if (nsE) edits.push(removeEntry(entries, nsE));
    notes.push(
      `${where}: name${nsE ? '/namespace' : ''} became labels {kuma.io/display-name: ${name}${ns !== undefined ? `, k8s.kuma.io/namespace: ${ns}` : ''}}${ns !== undefined && ref.namespace === undefined ? " (the policy's namespace, which 2.x implied)" : ''}: Kuma 3.0 selects by labels only.`,
    );
  }
  // f.4: from items of kind Mesh → rules items with the same default.
  if (Array.isArray(spec.from)) {
    const items = spec.from as unknown[];
    const meshOnly = items.every((it) => {
      const tr = it && typeof it === 'object' ? (it as Record<string, unknown>).targetRef : undefined;
      return tr && typeof tr === 'object' && (tr as Record<string, unknown>).kind === 'Mesh' && Object.keys(tr).length === 1;
    });
    const fromE = entryAt(s, ['spec'], 'from');
    const seq = locate(root(s), ['spec', 'from']).node;
    if (fromToRules && meshOnly && fromE && !fromE.entry.flow && isSeq(seq) && seq.items.every((x) => isMap(x) && !x.flow)) {
      edits.push({ range: { start: fromE.entry.keyStart, end: fromE.entry.keyEnd }, newText: 'rules' });
      for (const item of seq.items) {
        const itemEntries = entriesOf(text, item as YAMLMap);
        const tr = itemEntries?.find((e) => e.key === 'targetRef');
        if (itemEntries && tr) edits.push(removeEntry(itemEntries, tr));
      }
      notes.push(
        'spec.from became spec.rules (the same defaults; rules apply to every client, as from with kind Mesh did): Kuma 3.0 removed from.',
      );
    } else if (items.length) {
      notes.push(
        `Left spec.from as it is: ${!FROM_TO_RULES.includes(c.kind) ? `${c.kind}'s rules take another shape (clients by matches, spiffeID)` : !meshOnly ? 'its items select clients by targetRef, which rules do by matches (spiffeID, sni)' : 'the policy has to or rules too'}; Kuma 3.0 drops from.`,
      );
    }
  }
  if (edits.length === 0) return notes.length ? { text, notes } : undefined;
  return { text: applyEdits(text, edits), notes };
}

/** The top-level targetRef (SPEC-policies.md f.1, f.3, f.10): migrateTopRef.ts. */
function topRefStep(s: State, input: ConvertInput): Step | undefined {
  const r = migrateTopRef(s.text, s.doc, input.index);
  return r && { text: applyEdits(s.text, r.edits), notes: r.notes };
}

function otherDataplaneNotes(s: State): string[] {
  const notes: string[] = [];
  const body: PathSeg[] = s.form === 'kubernetes' ? ['spec'] : [];
  const outbound = locate(root(s), [...body, 'networking', 'outbound']);
  if (isSeq(outbound.node)) {
    outbound.node.items.forEach((item, i) => {
      if (!isMap(item)) return;
      const tags = pairsOf(item.get('tags', true) as Node | null);
      const named = tags['kuma.io/service'] ?? (typeof item.get('service') === 'string' ? String(item.get('service')) : undefined);
      if (!item.has('backendRef'))
        notes.push(
          `Left networking.outbound[${i}] as it is: Kuma 3.0 rejects an outbound without backendRef, and which MeshService and port ${named ? `kuma.io/service ${named}` : 'it'} stands for is not known mechanically (the workspace holds no MeshService of that name with one port). Add backendRef: {kind: MeshService, name: <name>, port: <port>} and remove the tags.`,
        );
      else if (item.has('tags'))
        notes.push(`networking.outbound[${i}].tags is dropped by Kuma 3.0; its backendRef names the target: remove the tags.`);
    });
  }
  const tp = locate(root(s), [...body, 'networking', 'transparentProxying', 'reachableServices']);
  if (tp.complete)
    notes.push(
      'Left networking.transparentProxying.reachableServices as it is: Kuma 3.0 drops it silently. It lists kuma.io/service names that the workspace does not show as MeshServices whose every port a ref reaches; list them as reachableBackends.refs ({kind: MeshService, name, port}) instead.',
    );
  return notes;
}

/**
 * Applies every available fix for the Kuma 3.0 removals to one document, with notes for what
 * has no safe automatic fix. Returns no edits (and a note) when nothing applies.
 */
export function migrateToKuma30(input: ConvertInput): { edits: TextEdit[]; notes: string[] } {
  const r = withAliases(input, migrateToKuma30Of);
  return 'error' in r ? { edits: [], notes: [r.error] } : r;
}

function migrateToKuma30Of(input: ConvertInput): { edits: TextEdit[]; notes: string[] } {
  const s0 = start(input);
  if ('error' in s0) return { edits: [], notes: [s0.error] };
  let s = s0;
  const notes: string[] = [];
  const c = s.doc.classification;
  const run = (step: Step | undefined) => {
    if (!step) return;
    if ('error' in step) notes.push(step.error);
    else {
      notes.push(...step.notes);
      s = advance(s, step.text);
    }
  };
  if (c.role === 'mesh') run(meshStep(s));
  if (c.role === 'kuma' && isPolicyKind(c.kind)) {
    run(policyStep(s));
    run(topRefStep(s, input));
    run(policyRefsStep(s, input));
  }
  if (c.role === 'kuma' && c.kind === 'MeshService') {
    if (entryAt(s, SELECTOR, 'dataplaneTags')) run(selectorStep(s, MIGRATION_TARGET, planOf(input, s)));
    run(identitiesStep(s));
  }
  if (c.role === 'kuma' && c.kind === 'Dataplane') {
    run(inboundTagsStep(s));
    run(plannedLabelsStep(s, input, undefined, true));
    run(outboundsStep(s, input));
    notes.push(...otherDataplaneNotes(s));
  }
  notes.push(...noteOnly(s));
  if (notes.length === 0) notes.push('Nothing to migrate for Kuma 3.0 in this document.');
  return { edits: diffEdits(input.chunk, s.text), notes };
}
