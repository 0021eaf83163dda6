import { applyEdits, convertForm } from './format';
import { migrateSelectors, migrateToKuma30 } from './migrate';
import { serviceToMeshService } from './serviceToMeshService';
import { dataplanesToMeshServices } from './dataplaneToMeshService';
import type { ConvertInput, TextEdit } from './types';
import { convertFile, dependentEdits, inputOf, insertAfter, planEdits, shiftEdits } from './driver';
import { planFor } from './selectorPlan';
import { documentFacts } from '../host/facts';
import { fileText } from './fileText';
import { documentAt, type LanguageService, type Settings } from '../host/languageService';
import { parseChunk, splitDocuments, type ParsedDocument } from '../yaml/documents';
import type { OffsetRange } from '../types';

/**
 * A conversion code action as plain data. `edits` are file offsets; an action whose edits cost a
 * pass over the whole file has `resolve` instead, which the editor calls only when the user picks
 * the action (`codeAction/resolve`), so listing actions as the cursor moves stays cheap.
 */
export interface ConversionAction {
  title: string;
  kind: 'quickfix' | 'refactor.rewrite';
  preferred?: boolean;
  /** Shown greyed out with this reason. */
  disabled?: string;
  edits?: TextEdit[];
  resolve?: () => TextEdit[];
  /**
   * Edits of other files (file offsets, by URI) that belong to the same change, made when the
   * action is picked: the labels a migrated selector needs on the Dataplanes it selected there.
   */
  elsewhere?: () => Record<string, TextEdit[]>;
  /** Sentences to show after the edit is applied (what a generated MeshService assumed). */
  notes?: string[];
}

export const ADD_MESH_SERVICE = 'Add the MeshService Kuma generates for this Service';
export const MIGRATE_FILE_TO_30 = 'Migrate this file to Kuma 3.0';

/** A longer title is hard to read in the light bulb menu. */
const MAX_TITLE = 130;

/**
 * The assumptions of an action, for its title: ` (assumes: a, b)`, or as many as fit in
 * MAX_TITLE with the rest counted (` (assumes: a, +2 more)`); at least the first one.
 */
export function assumptionsNote(assumed: readonly string[], titleLength: number): string {
  if (assumed.length === 0) return '';
  for (let k = assumed.length; k > 1; k--) {
    const note = ` (assumes: ${assumed.slice(0, k).join(', ')}${k < assumed.length ? `, +${assumed.length - k} more` : ''})`;
    if (titleLength + note.length <= MAX_TITLE) return note;
  }
  return ` (assumes: ${assumed[0]}${assumed.length > 1 ? `, +${assumed.length - 1} more` : ''})`;
}

/**
 * What the actions of a document cost to work out, cached with its parse (documents are cached
 * by text), one value per purpose: listing the actions as the cursor moves must stay cheap.
 */
const perDocument = new WeakMap<ParsedDocument, Map<string, { key: string; value: unknown }>>();

/** `make()` for a document, computed again only when `key` (version, facts revision) differs. */
function cached<T>(pd: ParsedDocument, purpose: string, key: string, make: () => T): T {
  let m = perDocument.get(pd);
  if (!m) perDocument.set(pd, (m = new Map()));
  const hit = m.get(purpose);
  if (hit?.key === key) return hit.value as T;
  const value = make();
  m.set(purpose, { key, value });
  return value;
}

/**
 * Conversion code actions for the document at `range.start` (file offsets): MeshServices from a
 * Service or a Universal Dataplane, replacing a Service, Kubernetes ↔ Universal, and the 3.0
 * migrations. Costs the one document; the file-wide migration is resolved on demand.
 */
export function conversionActions(
  service: LanguageService,
  text: string,
  range: OffsetRange,
  settings: Settings,
  uri?: string,
): ConversionAction[] {
  // As in `convertFile`: read without the BOM and with LF line ends, edit with the file's line ends.
  const file = fileText(text);
  if (file.text === text) return actionsOf(service, text, range, settings, text, uri);
  const at = { start: file.fromFile(range.start), end: file.fromFile(range.end) };
  return actionsOf(service, file.text, at, settings, text, uri).map((a) => (a.edits ? { ...a, edits: file.toFile(a.edits) } : a));
}

function actionsOf(
  service: LanguageService,
  text: string,
  range: OffsetRange,
  settings: Settings,
  original: string,
  uri: string | undefined,
): ConversionAction[] {
  const analysis = service.analyze(text, settings);
  const d = documentAt(analysis, range.start);
  if (!d) return [];
  const c = d.classification;
  const out: ConversionAction[] = [];
  const input = inputOf(service, text, d, settings);
  // What the workspace lookups of a conversion read (the index's names, labels, pods) changes
  // only with the facts revision: with the version, the key of the cached results.
  const key = `${input.version}|${settings.kumaVersion}|${service.factsRevision}`;
  if (c.role === 'kubernetes' && c.kind === 'Service') {
    const { r, body, universal } = cached(d.parsed, 'service', key, () => {
      const r = serviceToMeshService(input);
      const body = r.generated.map((g) => g.yaml).join('---\n');
      return { r, body, universal: r.generated.length ? toUniversalText(service, body, settings) : undefined };
    });
    if (r.generated.length) {
      // What the workspace could not confirm (a Namespace or Mesh not in it) is said in the title, shortly; the notes list it in full.
      out.push({
        title: `${ADD_MESH_SERVICE}${assumptionsNote(r.assumed ?? [], ADD_MESH_SERVICE.length)}`,
        kind: 'refactor.rewrite',
        preferred: true,
        edits: [
          insertAfter(
            text,
            d,
            r.generated.map((g) => g.yaml),
          ),
        ],
        ...(r.unverified.length ? { notes: r.unverified } : {}),
      });
      const replaceRange = { start: d.range.start, end: d.offset + d.chunkLength };
      out.push({
        title: 'Replace this Service with a MeshService (Kubernetes form)',
        kind: 'refactor.rewrite',
        edits: [{ range: replaceRange, newText: body }],
      });
      if (universal)
        out.push({
          title: 'Replace this Service with a MeshService (Universal form)',
          kind: 'refactor.rewrite',
          edits: [{ range: replaceRange, newText: universal }],
        });
    } else {
      out.push({
        title: ADD_MESH_SERVICE,
        kind: 'refactor.rewrite',
        disabled: r.skipped.join(' ') || 'Kuma generates no MeshService for this Service.',
      });
    }
    if (r.addMeshLabel?.length)
      out.push({
        title: 'Add the label kuma.io/mesh: default so Kuma generates a MeshService',
        kind: 'quickfix',
        edits: shiftEdits(r.addMeshLabel, d.offset),
      });
  }
  if (c.role === 'kuma' && c.kind === 'Dataplane' && c.form === 'universal') {
    const r = cached(d.parsed, 'dataplane', key, () => dataplanesToMeshServices([input]));
    if (r.generated.length)
      out.push({
        title: `Generate the MeshService${r.generated.length > 1 ? 's' : ''} for this Dataplane`,
        kind: 'refactor.rewrite',
        edits: [
          insertAfter(
            text,
            d,
            r.generated.map((g) => g.yaml),
          ),
        ],
      });
    else
      out.push({
        title: 'Generate the MeshService for this Dataplane',
        kind: 'refactor.rewrite',
        disabled: r.skipped.join(' ') || 'No MeshService can be generated.',
      });
  }
  if (c.role === 'kuma') {
    const target = c.form === 'kubernetes' ? 'universal' : 'kubernetes';
    const r = convertForm(input, target);
    if (!('error' in r) && r.edits.length)
      out.push({
        title: `Convert to ${target === 'universal' ? 'Universal' : 'Kubernetes'} format`,
        kind: 'refactor.rewrite',
        edits: shiftEdits(r.edits, d.offset),
      });
    if (c.kind === 'MeshService') {
      const m = migrateSelectors(input);
      if (!('error' in m) && m.edits.length) {
        // The Dataplanes it selected get the labels it now needs, in this file and in others (one change).
        const fact = documentFacts(d.parsed).kuma;
        const plan = fact ? planFor(input.index, fact) : undefined;
        const labels = () => (plan && !plan.refused ? planEdits(service, settings, [plan]).edits : new Map<string, TextEdit[]>());
        const own = shiftEdits(m.edits, d.offset);
        const labelled = (inFile: (u: string) => boolean) =>
          !!plan && !plan.refused && plan.additions.some((a) => inFile(a.dp.uri) && Object.keys(a.labels).length > 0);
        const here = uri !== undefined && labelled((u) => u === uri);
        out.push({
          title: 'Migrate dataplaneTags to dataplaneLabels',
          kind: 'refactor.rewrite',
          // Resolved edits are file offsets (no BOM or CR skipped), as planEdits makes them.
          ...(here ? { resolve: () => [...fileText(original).toFile(own), ...(labels().get(uri!) ?? [])] } : { edits: own }),
          // Listed only when the change reaches other files: the action then resolves on demand.
          ...(labelled((u) => u !== uri) ? { elsewhere: () => Object.fromEntries([...labels()].filter(([u]) => u !== uri)) } : {}),
        });
      } else if ('error' in m && /left as it is/.test(m.error))
        out.push({ title: 'Migrate dataplaneTags to dataplaneLabels', kind: 'refactor.rewrite', disabled: m.error });
    }
    // Offered where the document at the cursor has something to migrate; the file's edits are
    // made when the user picks it.
    if (cached(d.parsed, 'needs 3.0', input.version, () => needsMigrationTo30(input)))
      out.push({
        title: MIGRATE_FILE_TO_30,
        kind: 'refactor.rewrite',
        resolve: () => convertFile(service, original, settings, 'migrate-3.0').edits,
        ...(uri === undefined
          ? {}
          : { elsewhere: () => Object.fromEntries(dependentEdits(service, uri, original, settings, 'migrate-3.0').edits) }),
      });
  }
  // A Mesh: its meshServices go in the 3.0 migration (nothing else converts a Mesh).
  if (c.role === 'mesh' && cached(d.parsed, 'needs 3.0', input.version, () => needsMigrationTo30(input)))
    out.push({
      title: MIGRATE_FILE_TO_30,
      kind: 'refactor.rewrite',
      resolve: () => convertFile(service, original, settings, 'migrate-3.0').edits,
    });
  return out;
}

/** Whether a document has anything for the 3.0 migration. */
function needsMigrationTo30(input: ConvertInput): boolean {
  const r = migrateToKuma30(input);
  return !('error' in r) && r.edits.length > 0;
}

/** The edits of an action, resolving them if they were left for later. */
export function actionEdits(a: ConversionAction): TextEdit[] {
  return a.edits ?? a.resolve?.() ?? [];
}

/**
 * Generated Kubernetes-form YAML converted to the Universal form (text), if it converts. Parsed
 * here, not through the service: its memo of the last texts split and analysed belongs to the
 * user's file, which the next keystroke would otherwise split and analyse anew.
 */
function toUniversalText(service: LanguageService, k8sYaml: string, settings: Settings): string | undefined {
  // Generated text has no `# kuma-version:` comment: the setting's version.
  const version = settings.kumaVersion;
  const edits: TextEdit[] = [];
  for (const chunk of splitDocuments(k8sYaml)) {
    for (const doc of parseChunk(chunk.text)) {
      const input = {
        doc,
        chunk: chunk.text,
        version,
        get index() {
          return service.index();
        },
      };
      const r = convertForm(input, 'universal');
      if ('error' in r) return undefined;
      edits.push(...shiftEdits(r.edits, chunk.start));
    }
  }
  return applyEdits(k8sYaml, edits);
}
