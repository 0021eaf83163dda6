import { CodeActionKind, type CodeAction, type TextEdit as LspTextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { applyEdits, convertForm } from '../core/convert/format';
import { migrateSelectors, migrateToKuma30 } from '../core/convert/migrate';
import { serviceToMeshService } from '../core/convert/serviceToMeshService';
import { dataplanesToMeshServices } from '../core/convert/dataplaneToMeshService';
import type { ConvertInput, TextEdit } from '../core/convert/types';
import type { DocumentInfo, LanguageService, Settings } from '../core/host/languageService';
import type { OffsetRange } from '../core/types';
import { normalizeKumaVersion, pinnedVersionText } from '../core/kuma/versions';
import { ServerCommands, type ConvertOutput } from '../protocol';

/** Edits in file offsets, per file URI. */
export type FileEdits = Map<string, TextEdit[]>;

function inputOf(service: LanguageService, text: string, d: DocumentInfo, settings: Settings): ConvertInput {
  return {
    doc: d.parsed,
    chunk: text.slice(d.offset, d.offset + d.chunkLength),
    version: service.analyze(text, settings).kumaVersion,
    index: service.index(),
  };
}

function shiftEdits(edits: TextEdit[], by: number): TextEdit[] {
  return edits.map((e) => ({ range: { start: e.range.start + by, end: e.range.end + by }, newText: e.newText }));
}

/** An insertion of documents right after a document's chunk. */
function insertAfter(text: string, d: DocumentInfo, yamls: string[]): TextEdit {
  const end = d.offset + d.chunkLength;
  const sep = end === 0 || text.slice(0, end).endsWith('\n') ? '' : '\n';
  return { range: { start: end, end }, newText: sep + yamls.map((y) => `---\n${y}`).join('') };
}

/** The generated MeshServices of one file, and where they would be inserted. */
export function generateForFile(
  service: LanguageService,
  text: string,
  settings: Settings,
  what: 'services' | 'dataplanes',
): { edits: TextEdit[]; yamls: string[]; details: string[] } {
  const analysis = service.analyze(text, settings);
  const edits: TextEdit[] = [];
  const yamls: string[] = [];
  const details: string[] = [];
  if (what === 'services') {
    const made = new Set<string>();
    for (const d of analysis.documents) {
      if (d.classification.role !== 'kubernetes' || d.classification.kind !== 'Service') continue;
      const r = serviceToMeshService(inputOf(service, text, d, settings));
      details.push(...r.skipped, ...r.unverified);
      // A Service declared twice makes its MeshService once.
      for (const g of r.generated.filter((x) => made.has(x.label)))
        details.push(`${g.label} is generated once; its Service is declared twice.`);
      r.generated = r.generated.filter((g) => !made.has(g.label));
      for (const g of r.generated) made.add(g.label);
      if (r.generated.length) {
        edits.push(
          insertAfter(
            text,
            d,
            r.generated.map((g) => g.yaml),
          ),
        );
        yamls.push(...r.generated.map((g) => g.yaml));
      }
    }
  } else {
    const dps = analysis.documents.filter(
      (d) => d.classification.role === 'kuma' && d.classification.kind === 'Dataplane' && d.classification.form === 'universal',
    );
    if (dps.length) {
      const r = dataplanesToMeshServices(dps.map((d) => inputOf(service, text, d, settings)));
      details.push(...r.skipped, ...r.unverified);
      if (r.generated.length) {
        edits.push(
          insertAfter(
            text,
            dps[dps.length - 1],
            r.generated.map((g) => g.yaml),
          ),
        );
        yamls.push(...r.generated.map((g) => g.yaml));
      }
    }
  }
  return { edits, yamls, details };
}

/** Edits of a per-document rewrite (form conversion or migration) over a whole file. */
export function rewriteFile(
  service: LanguageService,
  text: string,
  settings: Settings,
  what: 'universal' | 'kubernetes' | 'migrateSelectors' | 'migrateTo30',
): { edits: TextEdit[]; details: string[] } {
  const edits: TextEdit[] = [];
  const details: string[] = [];
  for (const d of service.analyze(text, settings).documents) {
    const c = d.classification;
    if (c.role !== 'kuma') continue;
    if ((what === 'universal' || what === 'kubernetes') && c.form === what) continue;
    if (what === 'migrateSelectors' && c.kind !== 'MeshService') continue;
    const input = inputOf(service, text, d, settings);
    const r =
      what === 'migrateSelectors' ? migrateSelectors(input) : what === 'migrateTo30' ? migrateToKuma30(input) : convertForm(input, what);
    if ('error' in r) {
      details.push(r.error);
      continue;
    }
    details.push(...r.notes);
    edits.push(...shiftEdits(r.edits, d.offset));
  }
  // A file pinned to an older version would be checked against it after the migration.
  const pin = pinnedVersionText(text);
  if (what === 'migrateTo30' && edits.length && pin && normalizeKumaVersion(pin.value) !== '3.0') {
    edits.push({ range: { start: pin.start, end: pin.end }, newText: '3.0' });
    details.push(`The # kuma-version: comment now says 3.0 (it said ${pin.value}).`);
  }
  return { edits, details };
}

function lspEdits(edits: TextEdit[], positionAt: (o: number) => { line: number; character: number }): LspTextEdit[] {
  return edits.map((e) => ({ range: { start: positionAt(e.range.start), end: positionAt(e.range.end) }, newText: e.newText }));
}

function action(
  title: string,
  kind: string,
  uri: string,
  edits: TextEdit[],
  positionAt: (o: number) => { line: number; character: number },
  extra: Partial<CodeAction> = {},
): CodeAction {
  const edit: WorkspaceEdit = { changes: { [uri]: lspEdits(edits, positionAt) } };
  return { title, kind, edit, ...extra };
}

const ADD_MESH_SERVICE = 'Add the MeshService Kuma generates for this Service';

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
 * Conversion code actions for the document under `range`: MeshServices from a Service or a
 * Universal Dataplane, replacing a Service, Kubernetes ↔ Universal, and the 3.0 migrations.
 */
export function conversionActions(
  service: LanguageService,
  uri: string,
  text: string,
  range: OffsetRange,
  settings: Settings,
  positionAt: (o: number) => { line: number; character: number },
): CodeAction[] {
  const analysis = service.analyze(text, settings);
  const d = analysis.documents.find((x) => range.start >= x.offset && range.start <= x.offset + x.chunkLength);
  if (!d) return [];
  const c = d.classification;
  const out: CodeAction[] = [];
  const input = inputOf(service, text, d, settings);
  const rewrite = CodeActionKind.RefactorRewrite;
  if (c.role === 'kubernetes' && c.kind === 'Service') {
    const r = serviceToMeshService(input);
    const why = [...r.skipped].join(' ');
    if (r.generated.length) {
      // What the workspace could not confirm (a Namespace or Mesh not in it) is said in the title, shortly; the command lists it in full.
      const note = assumptionsNote(r.assumed ?? [], ADD_MESH_SERVICE.length);
      const notes = r.unverified.length
        ? { command: { title: 'Show what was assumed', command: ServerCommands.showNotes, arguments: r.unverified } }
        : {};
      out.push(
        action(
          `${ADD_MESH_SERVICE}${note}`,
          rewrite,
          uri,
          [
            insertAfter(
              text,
              d,
              r.generated.map((g) => g.yaml),
            ),
          ],
          positionAt,
          { isPreferred: true, ...notes },
        ),
      );
      const body = r.generated.map((g) => g.yaml).join('---\n');
      const replaceRange = { start: d.range.start, end: d.offset + d.chunkLength };
      out.push(
        action(
          'Replace this Service with a MeshService (Kubernetes form)',
          rewrite,
          uri,
          [{ range: replaceRange, newText: body }],
          positionAt,
        ),
      );
      const universal = toUniversalText(service, body, settings);
      if (universal)
        out.push(
          action(
            'Replace this Service with a MeshService (Universal form)',
            rewrite,
            uri,
            [{ range: replaceRange, newText: universal }],
            positionAt,
          ),
        );
    } else {
      out.push({
        title: ADD_MESH_SERVICE,
        kind: rewrite,
        disabled: { reason: why || 'Kuma generates no MeshService for this Service.' },
      });
    }
    if (r.addMeshLabel?.length) {
      out.push(
        action(
          'Add the label kuma.io/mesh: default so Kuma generates a MeshService',
          CodeActionKind.QuickFix,
          uri,
          shiftEdits(r.addMeshLabel, d.offset),
          positionAt,
        ),
      );
    }
  }
  if (c.role === 'kuma' && c.kind === 'Dataplane' && c.form === 'universal') {
    const r = dataplanesToMeshServices([input]);
    if (r.generated.length) {
      out.push(
        action(
          `Generate the MeshService${r.generated.length > 1 ? 's' : ''} for this Dataplane`,
          rewrite,
          uri,
          [
            insertAfter(
              text,
              d,
              r.generated.map((g) => g.yaml),
            ),
          ],
          positionAt,
        ),
      );
    } else
      out.push({
        title: 'Generate the MeshService for this Dataplane',
        kind: rewrite,
        disabled: { reason: r.skipped.join(' ') || 'No MeshService can be generated.' },
      });
  }
  if (c.role === 'kuma') {
    const target = c.form === 'kubernetes' ? 'universal' : 'kubernetes';
    const r = convertForm(input, target);
    if (!('error' in r) && r.edits.length)
      out.push(
        action(
          `Convert to ${target === 'universal' ? 'Universal' : 'Kubernetes'} format`,
          rewrite,
          uri,
          shiftEdits(r.edits, d.offset),
          positionAt,
        ),
      );
    if (c.kind === 'MeshService') {
      const m = migrateSelectors(input);
      if (!('error' in m) && m.edits.length)
        out.push(action('Migrate dataplaneTags to dataplaneLabels', rewrite, uri, shiftEdits(m.edits, d.offset), positionAt));
    }
    const all = rewriteFile(service, text, settings, 'migrateTo30');
    if (all.edits.length) out.push(action('Migrate this file to Kuma 3.0', rewrite, uri, all.edits, positionAt));
  }
  return out;
}

/** Generated Kubernetes-form YAML converted to the Universal form (text), if it converts. */
function toUniversalText(service: LanguageService, k8sYaml: string, settings: Settings): string | undefined {
  const a = service.analyze(k8sYaml, { ...settings, validate: false });
  const edits: TextEdit[] = [];
  for (const d of a.documents) {
    const r = convertForm(
      { doc: d.parsed, chunk: k8sYaml.slice(d.offset, d.offset + d.chunkLength), version: a.kumaVersion, index: service.index() },
      'universal',
    );
    if ('error' in r) return undefined;
    edits.push(...shiftEdits(r.edits, d.offset));
  }
  return applyEdits(k8sYaml, edits);
}

export type { ConvertOutput };
