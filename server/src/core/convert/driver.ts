import { applyEdits, convertForm } from './format';
import { addPlannedLabels, migrateSelectors, migrateToKuma30 } from './migrate';
import { planFor, type SelectorPlan } from './selectorPlan';
import { documentFacts, type KumaFact } from '../host/facts';
import { isPolicyKind } from '../types';
import { topRefAdditions } from './migrateTopRef';
import { resourceKey } from '../host/workspaceIndex';
import { serviceToMeshService } from './serviceToMeshService';
import { dataplanesToMeshServices } from './dataplaneToMeshService';
import type { ConvertInput, TextEdit } from './types';
import { fileText } from './fileText';
import type { DocumentInfo, LanguageService, Settings } from '../host/languageService';
import { MIGRATION_TARGET, kumaFacts, normalizeKumaVersion, pinnedVersionText } from '../kuma/versions';
import { LineIndex } from '../yaml/positions';

/**
 * The conversions of a whole file, by the names `kuma-lint convert` gives them. The palette
 * commands, the code actions and the CLI all run them through `convertFile`, so the editor and
 * the CLI cannot produce different output for the same file and version.
 */
export const CONVERSIONS = [
  'service-to-meshservice',
  'dataplane-to-meshservice',
  'to-universal',
  'to-kubernetes',
  'migrate-selectors',
  'migrate-3.0',
] as const;
export type Conversion = (typeof CONVERSIONS)[number];

export interface ConvertFileOptions {
  /** The namespace of resources converted to the Kubernetes form (`--namespace`). */
  namespace?: string;
}

/** What a conversion does to one file. */
export interface FileConversion {
  /** Edits of the file (file offsets): generated MeshServices inserted, documents rewritten. */
  edits: TextEdit[];
  /** The generated MeshServices (generators only), in file order. */
  generated: string[];
  /** Each rewritten document as it reads after the conversion (rewrites only), in file order. */
  rewritten: string[];
  /** What was skipped, not verified, or changed beyond the documents, one sentence each. */
  details: string[];
  /** The details that say what a migration left as it is, and why (also in `details`). */
  left: string[];
}

/** A migration's note that says what it left as it is (a refused selector, an outbound, a field). */
const LEFT = /\bleft as it is\b|^Left |no automatic fix|not renamed automatically/;

/** One line that sums up a migration of some files: files and documents changed, what was left and why. */
export function migrationSummary(label: string, files: readonly { changed: boolean; rewritten: number; left: number }[]): string {
  const changed = files.filter((f) => f.changed).length;
  const docs = files.reduce((n, f) => n + f.rewritten, 0);
  const left = files.reduce((n, f) => n + f.left, 0);
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  return `${label}: ${plural(changed, 'file')} changed (${plural(docs, 'document')} rewritten) of ${plural(files.length, 'file')}; ${left ? `${plural(left, 'thing')} left as ${left === 1 ? 'it is' : 'they are'}, each with the reason above` : 'nothing left for you to do by hand'}.`;
}

export function inputOf(service: LanguageService, text: string, d: DocumentInfo, settings: Settings): ConvertInput {
  return {
    doc: d.parsed,
    chunk: text.slice(d.offset, d.offset + d.chunkLength),
    version: service.analyze(text, settings).kumaVersion,
    // Looked up when a conversion reads it: an edit drops the workspace index, and listing the
    // code actions at the cursor after a keystroke must not rebuild it for conversions that read none of it.
    get index() {
      return service.index();
    },
  };
}

export function shiftEdits(edits: TextEdit[], by: number): TextEdit[] {
  return edits.map((e) => ({ range: { start: e.range.start + by, end: e.range.end + by }, newText: e.newText }));
}

/** An insertion of documents right after a document's chunk. */
export function insertAfter(text: string, d: DocumentInfo, yamls: string[]): TextEdit {
  const end = d.offset + d.chunkLength;
  const sep = end === 0 || text.slice(0, end).endsWith('\n') ? '' : '\n';
  return { range: { start: end, end }, newText: sep + yamls.map((y) => `---\n${y}`).join('') };
}

/**
 * "MeshService web (line 12)": a document as a sentence names it. `lines` places it (a file's
 * conversion names many documents: one line index for all of them, not a scan of the text each).
 */
export function describeDocument(d: DocumentInfo, text: string, lines: LineIndex = new LineIndex(text)): string {
  const v = d.parsed.value as Record<string, unknown> | undefined;
  const meta = v && typeof v.metadata === 'object' && v.metadata ? (v.metadata as Record<string, unknown>) : undefined;
  const name = String(meta?.name ?? v?.name ?? '(unnamed)');
  const c = d.classification;
  const kind = c.role === 'kuma' || c.role === 'kubernetes' ? c.kind : c.role === 'mesh' ? 'Mesh' : 'document';
  return `${kind} ${name} (line ${lines.positionAt(d.range.start).line + 1})`;
}

/** The text of a document in its chunk, without the chunk's leading `---` line. */
function documentText(chunk: string): string {
  const body = /^---[^\n]*\n/.test(chunk) ? chunk.slice(chunk.indexOf('\n') + 1) : chunk;
  return body.endsWith('\n') ? body : body + '\n';
}

/**
 * One conversion over one file: Services or Universal Dataplanes → the MeshServices Kuma
 * generates (inserted after their Service, or after the file's last Dataplane), or a rewrite of
 * every Kuma resource it applies to (form, selectors, Kuma 3.0). A Service declared twice makes
 * its MeshService once; a migration to 3.0 also updates the file's `# kuma-version:` pin.
 */
export function convertFile(
  service: LanguageService,
  text: string,
  settings: Settings,
  conversion: Conversion,
  options: ConvertFileOptions = {},
): FileConversion {
  // The conversions read the text without its BOM and with LF line ends; their edits go back
  // onto the file's own text, with its line ends (a BOM or CRLF file stays one).
  const file = fileText(text);
  const r = convertText(service, file.text, settings, conversion, options);
  return {
    ...r,
    edits: file.toFile(r.edits),
    rewritten: r.rewritten.map(file.withEol),
    left: r.details.filter((d) => LEFT.test(d.replace(/^[^:]*\(line \d+\): /, ''))),
  };
}

function convertText(
  service: LanguageService,
  text: string,
  settings: Settings,
  conversion: Conversion,
  options: ConvertFileOptions,
): FileConversion {
  const out: FileConversion = { edits: [], generated: [], rewritten: [], details: [], left: [] };
  const analysis = service.analyze(text, settings);
  if (conversion === 'service-to-meshservice') {
    const made = new Set<string>();
    for (const d of analysis.documents) {
      if (d.classification.role !== 'kubernetes' || d.classification.kind !== 'Service') continue;
      const r = serviceToMeshService(inputOf(service, text, d, settings));
      out.details.push(...r.skipped, ...r.unverified);
      // A Service declared twice makes its MeshService once.
      for (const g of r.generated.filter((x) => made.has(x.label)))
        out.details.push(`${g.label} is generated once; its Service is declared twice.`);
      const fresh = r.generated.filter((g) => !made.has(g.label));
      for (const g of fresh) made.add(g.label);
      if (fresh.length) {
        out.edits.push(
          insertAfter(
            text,
            d,
            fresh.map((g) => g.yaml),
          ),
        );
        out.generated.push(...fresh.map((g) => g.yaml));
      }
    }
    return out;
  }
  if (conversion === 'dataplane-to-meshservice') {
    const dps = analysis.documents.filter(
      (d) => d.classification.role === 'kuma' && d.classification.kind === 'Dataplane' && d.classification.form === 'universal',
    );
    if (dps.length === 0) return out;
    const r = dataplanesToMeshServices(dps.map((d) => inputOf(service, text, d, settings)));
    out.details.push(...r.skipped, ...r.unverified);
    if (r.generated.length) {
      out.edits.push(
        insertAfter(
          text,
          dps[dps.length - 1],
          r.generated.map((g) => g.yaml),
        ),
      );
      out.generated.push(...r.generated.map((g) => g.yaml));
    }
    return out;
  }
  let lineIndex: LineIndex | undefined;
  const lines = () => (lineIndex ??= new LineIndex(text));
  for (const d of analysis.documents) {
    const c = d.classification;
    // A Mesh is migrated to 3.0 (its meshServices go) and converted by nothing else.
    if (c.role !== 'kuma' && !(c.role === 'mesh' && conversion === 'migrate-3.0')) continue;
    const kind = c.role === 'kuma' ? c.kind : 'Mesh';
    // Selectors: MeshServices, and the labels their Dataplanes need to stay selected.
    if (conversion === 'migrate-selectors' && kind !== 'MeshService' && kind !== 'Dataplane') continue;
    if ((conversion === 'to-universal' && c.form === 'universal') || (conversion === 'to-kubernetes' && c.form === 'kubernetes')) {
      out.details.push(`${describeDocument(d, text, lines())} is already in ${c.form === 'universal' ? 'Universal' : 'Kubernetes'} form.`);
      continue;
    }
    const input = inputOf(service, text, d, settings);
    // Dataplanes get labels only where the MeshServices get dataplaneLabels (2.14 and later).
    if (conversion === 'migrate-selectors' && kind === 'Dataplane' && !kumaFacts(input.version).selector.keys.includes('dataplaneLabels'))
      continue;
    const r =
      conversion === 'migrate-selectors'
        ? kind === 'Dataplane'
          ? addPlannedLabels(input)
          : migrateSelectors(input)
        : conversion === 'migrate-3.0'
          ? migrateToKuma30(input)
          : convertForm(
              input,
              conversion === 'to-universal' ? 'universal' : 'kubernetes',
              options.namespace ? { namespace: options.namespace } : undefined,
            );
    if ('error' in r) {
      out.details.push(`${describeDocument(d, text, lines())}: ${r.error}`);
      continue;
    }
    out.details.push(...r.notes.map((n) => `${describeDocument(d, text, lines())}: ${n}`));
    if (r.edits.length === 0) continue;
    out.edits.push(...shiftEdits(r.edits, d.offset));
    out.rewritten.push(documentText(applyEdits(input.chunk, r.edits)));
  }
  // A file pinned to an older version would be checked against it after the migration.
  const pin = pinnedVersionText(text);
  if (conversion === 'migrate-3.0' && out.edits.length && pin && normalizeKumaVersion(pin.value) !== MIGRATION_TARGET) {
    out.edits.push({ range: { start: pin.start, end: pin.end }, newText: MIGRATION_TARGET });
    out.details.push(`The # kuma-version: comment now says ${MIGRATION_TARGET} (it said ${pin.value}).`);
  }
  return out;
}

/** The file after a conversion's edits. */
export function applyFileConversion(text: string, c: FileConversion): string {
  return applyEdits(text, c.edits);
}

/** The selector migrations of the MeshServices of a file that are not refused. */
function plansOfFile(service: LanguageService, text: string, settings: Settings): SelectorPlan[] {
  const plans: SelectorPlan[] = [];
  for (const d of service.analyze(text, settings).documents) {
    const k = d.classification.role === 'kuma' && d.classification.kind === 'MeshService' ? documentFacts(d.parsed).kuma : undefined;
    const p = k && planFor(service.index(), k);
    if (p && !p.refused) plans.push(p);
  }
  return plans;
}

/**
 * The labels the given selector migrations need on Dataplanes, as edits of the files holding
 * them (file offsets, by URI), with what was done in words; `skip` leaves some files out.
 */
export function planEdits(
  service: LanguageService,
  settings: Settings,
  plans: readonly Pick<SelectorPlan, 'additions'>[],
  skip: (uri: string) => boolean = () => false,
): { edits: Map<string, TextEdit[]>; details: string[] } {
  const wanted = new Map<string, Map<string, Record<string, string>>>();
  for (const p of plans)
    for (const a of p.additions) {
      if (Object.keys(a.labels).length === 0 || skip(a.dp.uri)) continue;
      let byDp = wanted.get(a.dp.uri);
      if (!byDp) wanted.set(a.dp.uri, (byDp = new Map()));
      const key = resourceKey(a.dp.fact);
      byDp.set(key, { ...byDp.get(key), ...a.labels });
    }
  const edits = new Map<string, TextEdit[]>();
  const details: string[] = [];
  for (const [uri, byDp] of wanted) {
    const raw = service.getText(uri);
    if (raw === undefined) continue;
    const file = fileText(raw);
    const text = file.text;
    const lines = new LineIndex(text);
    const out: TextEdit[] = [];
    for (const d of service.analyze(text, settings).documents) {
      const k = d.classification.role === 'kuma' && d.classification.kind === 'Dataplane' ? documentFacts(d.parsed).kuma : undefined;
      const labels = k && byDp.get(resourceKey(k));
      if (!labels) continue;
      const r = addPlannedLabels(inputOf(service, text, d, settings), labels);
      if ('error' in r) continue;
      out.push(...shiftEdits(r.edits, d.offset));
      details.push(...r.notes.map((n) => `${describeDocument(d, text, lines)}: ${n}`));
    }
    if (out.length) edits.set(uri, file.toFile(out));
  }
  return { edits, details };
}

/**
 * What migrating one file changes in the other files of the workspace: the labels its migrated
 * MeshServices need on the Dataplanes they selected there (`convertFile` makes those of its own
 * Dataplanes). Nothing for the other conversions.
 */
export function dependentEdits(
  service: LanguageService,
  uri: string,
  text: string,
  settings: Settings,
  conversion: Conversion,
): { edits: Map<string, TextEdit[]>; details: string[] } {
  const none = { edits: new Map<string, TextEdit[]>(), details: [] };
  if (conversion !== 'migrate-selectors' && conversion !== 'migrate-3.0') return none;
  if (
    conversion === 'migrate-selectors' &&
    !kumaFacts(service.analyze(text, settings).kumaVersion).selector.keys.includes('dataplaneLabels')
  )
    return none;
  const plans = plansOfFile(service, fileText(text).text, settings);
  // The labels the file's migrated top-level policy targetRefs need on Dataplanes (migrateTopRef.ts).
  const policies = service
    .analyze(fileText(text).text, settings)
    .documents.map((d) => documentFacts(d.parsed).kuma)
    .filter((k): k is KumaFact => k !== undefined && isPolicyKind(k.kind));
  const tops = conversion === 'migrate-3.0' ? topRefAdditions(service.index(), policies) : [];
  return planEdits(service, settings, [...plans, ...tops], (u) => u === uri);
}
