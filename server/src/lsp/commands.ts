import type { WorkDoneProgressServerReporter } from 'vscode-languageserver';
import { applyEdits, CONVERSIONS, convertFile, dependentEdits, migrationSummary, type Conversion, type TextEdit } from '../core';
import {
  COMMAND_CONVERSIONS,
  ServerCommands,
  type ConvertCommandResult,
  type ConvertOutput,
  type ConvertPlanFile,
  type ConvertReview,
} from '../protocol';
import type { ServerContext } from './context';
import { toLspRange } from './convert';
import { Cancelled, Work } from './work';

/** The palette commands, each a conversion of the core's one driver (`convertFile`). */
const COMMANDS: Record<string, { label: string; conversion: Conversion }> = Object.fromEntries(
  Object.entries(COMMAND_CONVERSIONS).flatMap(([command, c]) =>
    (CONVERSIONS as readonly string[]).includes(c.conversion)
      ? [[command, { label: c.label, conversion: c.conversion as Conversion }]]
      : [],
  ),
);

function readReview(raw: unknown): ConvertReview {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  return {
    ...(r.plan === true ? { plan: true } : {}),
    ...(Array.isArray(r.only) ? { only: r.only.filter((u): u is string => typeof u === 'string') } : {}),
    ...(typeof r.preview === 'string' ? { preview: r.preview } : {}),
  };
}

function shortName(u: string): string {
  return decodeURIComponent(u.slice(u.lastIndexOf('/') + 1));
}

/**
 * The palette commands: convert / generate / migrate one file (uri) or the whole workspace (uri
 * null). A workspace-wide command is first planned (`review.plan`: what each file would get) and
 * then applied to the files the user kept (`review.only`) as one edit; without a review, clients
 * that know change annotations are asked to confirm the edit.
 */
export function registerCommands(ctx: ServerContext): void {
  const { connection, documents, service } = ctx;

  async function runCommand(command: string, args: unknown[], work: Work): Promise<ConvertCommandResult> {
    if (command === ServerCommands.showNotes) {
      const lines = args.filter((a): a is string => typeof a === 'string');
      if (lines.length) void connection.window.showInformationMessage(`Kuma generated the MeshService assuming: ${lines.join(' ')}`);
      return { message: '', details: lines };
    }
    const cmd = COMMANDS[command];
    if (!cmd) return { message: `Unknown command ${command}.`, details: [] };
    // Conversions read the workspace index: the facts of files just edited first.
    for (const d of documents.all()) ctx.syncFacts(d.uri);
    const uri = typeof args[0] === 'string' ? args[0] : undefined;
    const output = (typeof args[1] === 'string' ? args[1] : 'beside') as ConvertOutput;
    const review = readReview(args[2]);
    const known = new Set(service.uris());
    const uris = uri ? [uri] : review.only ? review.only.filter((u) => known.has(u)) : [...known];
    const progress = !uri && ctx.caps.progress ? await connection.window.createWorkDoneProgress().catch(() => undefined) : undefined;
    progress?.begin(`Kuma: ${cmd.label}`, 0, undefined, true);
    try {
      return await convertFiles(cmd.conversion, cmd.label, uri, uris, output, review, progress, work);
    } catch (err) {
      // The Cancel button of the progress notification: say so (a cancelled request is answered RequestCancelled).
      if (err instanceof Cancelled && !work.cancelled) return { message: `${cmd.label}: cancelled, nothing changed.`, details: [] };
      throw err;
    } finally {
      progress?.done();
    }
  }

  async function convertFiles(
    conversion: Conversion,
    label: string,
    uri: string | undefined,
    uris: string[],
    output: ConvertOutput,
    review: ConvertReview,
    progress: WorkDoneProgressServerReporter | undefined,
    request: Work,
  ): Promise<ConvertCommandResult> {
    const work = new Work(() => request.cancelled || !!progress?.token.isCancellationRequested);
    const generating = conversion === 'service-to-meshservice' || conversion === 'dataplane-to-meshservice';
    const settings = ctx.settings;
    const changes: Record<string, { range: ReturnType<typeof toLspRange>; newText: string }[]> = {};
    /** The same edits as the core gives them (offsets), for a preview's text after. */
    const offsetEdits = new Map<string, readonly TextEdit[]>();
    const details: string[] = [];
    const generatedYaml: string[] = [];
    /** What each file would get, in words, for the review (`review.plan`). */
    const planned: ConvertPlanFile[] = [];
    let done = 0;
    const migrating = conversion === 'migrate-3.0' || conversion === 'migrate-selectors';
    const summary: { changed: boolean; rewritten: number; left: number }[] = [];
    for (const u of uris) {
      // Each file is converted and placed against the same text, in one turn of the event loop.
      const text = ctx.textOf(u);
      done++;
      if (text === undefined) continue;
      if (done % 50 === 0) progress?.report(Math.round((100 * done) / uris.length), `${done} of ${uris.length} files`);
      await work.tick();
      const r = convertFile(service, text, settings, conversion);
      details.push(...r.details.map((d) => `${shortName(u)}: ${d}`));
      summary.push({ changed: r.edits.length > 0, rewritten: r.rewritten.length, left: r.left.length });
      generatedYaml.push(...r.generated);
      const edits: TextEdit[] = !generating || output === 'beside' ? r.edits : [];
      if (generating && r.generated.length)
        planned.push({ uri: u, summary: `${r.generated.length} MeshService${r.generated.length === 1 ? '' : 's'}` });
      if (!generating && edits.length)
        planned.push({
          uri: u,
          summary: migrating
            ? `${r.rewritten.length} document${r.rewritten.length === 1 ? '' : 's'}${r.left.length ? `, ${r.left.length} thing${r.left.length === 1 ? '' : 's'} left as is` : ''}`
            : `${edits.length} change${edits.length === 1 ? '' : 's'}`,
        });
      if (edits.length) {
        const lines = documents.get(u) ?? ctx.lineIndex(u, text);
        changes[u] = edits.map((e) => ({ range: toLspRange(lines, e.range), newText: e.newText }));
        offsetEdits.set(u, edits);
      }
    }
    // A migration of one file (or of the files the user kept) also gives the Dataplanes of the
    // other files the labels its MeshServices now select, in the same edit.
    if (uri || review.only) {
      const picked = new Set(uris);
      for (const u of uris) {
        const text = ctx.textOf(u);
        if (text === undefined) continue;
        const dep = dependentEdits(service, u, text, settings, conversion);
        for (const [other, edits] of dep.edits) {
          if (picked.has(other) && !uri) continue;
          const otherText = ctx.textOf(other);
          if (otherText === undefined || changes[other]) continue;
          const lines = documents.get(other) ?? ctx.lineIndex(other, otherText);
          changes[other] = edits.map((e) => ({ range: toLspRange(lines, e.range), newText: e.newText }));
          offsetEdits.set(other, edits);
          planned.push({ uri: other, summary: `${edits.length} label${edits.length === 1 ? '' : 's'} for ${shortName(u)}` });
        }
        details.push(...dep.details.map((d) => `${d} (for ${shortName(u)})`));
      }
    }
    // Nothing is applied once the request is cancelled.
    work.check();
    if (review.preview !== undefined) {
      const text = ctx.textOf(review.preview);
      if (text === undefined) return { message: `${label}: ${shortName(review.preview)} is not a file of the workspace.`, details: [] };
      const edits = offsetEdits.get(review.preview) ?? [];
      return {
        message: edits.length
          ? `${label}: ${shortName(review.preview)} as it would be.`
          : `${label}: nothing to change in ${shortName(review.preview)}.`,
        content: applyEdits(text, edits),
        details: [],
      };
    }
    if (review.plan) {
      const n = planned.length;
      return {
        message: n ? `${label}: ${n} file${n === 1 ? '' : 's'} to change.` : `${label}: nothing to change.`,
        details,
        plan: planned,
      };
    }
    if (generating && output !== 'beside') {
      if (generatedYaml.length === 0) return { message: `${label}: nothing to generate.`, details };
      const content = generatedYaml.join('---\n');
      // A new file next to the (first) source file, created by an edit the editor applies: the
      // server itself never writes a file. An editor that cannot create files gets the text.
      const base = (uri ?? uris[0]).replace(/\.ya?ml$/i, '');
      const target = `${base}.meshservices.yaml`;
      if (output === 'untitled' || !ctx.caps.createFile || !target.startsWith('file:'))
        return { message: `${label}: ${generatedYaml.length} MeshService(s) generated.`, content, details };
      const applied = await connection.workspace.applyEdit({
        label: `Kuma: ${label}`,
        edit: {
          documentChanges: [
            { kind: 'create', uri: target, options: { ignoreIfExists: false, overwrite: false } },
            {
              textDocument: { uri: target, version: null },
              edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: content }],
            },
          ],
        },
      });
      return {
        message: applied.applied
          ? `${label}: wrote ${generatedYaml.length} MeshService(s) to ${shortName(target)}.`
          : `${label}: not applied (${applied.failureReason ?? 'declined'}).`,
        details,
      };
    }
    const files = Object.keys(changes).length;
    // A migration's summary (files, documents, what was left and why) ends the details, for the output channel.
    if (migrating) details.push(migrationSummary(label, summary));
    if (files === 0) return { message: `${label}: nothing to change.`, details };
    // The user reviewed the files (review.only): one edit, applied as it is. Otherwise a client
    // that knows change annotations shows a workspace-wide edit for confirmation first.
    const annotate = !uri && !review.only && ctx.caps.changeAnnotations;
    const edit = annotate
      ? {
          changeAnnotations: { kuma: { label, needsConfirmation: true, description: `${files} file(s) changed by Kuma` } },
          documentChanges: Object.entries(changes).map(([u, e]) => ({
            textDocument: { uri: u, version: documents.get(u)?.version ?? null },
            edits: e.map((x) => ({ ...x, annotationId: 'kuma' })),
          })),
        }
      : { changes };
    // A refactoring: VS Code saves the files it changes (files.refactoring.autoSave), so closed
    // files are written to disk rather than left open and unsaved.
    const applied = await connection.workspace.applyEdit({ label: `Kuma: ${label}`, edit, metadata: { isRefactoring: !uri } });
    return {
      message: applied.applied ? `${label}: changed ${files} file(s).` : `${label}: not applied (${applied.failureReason ?? 'declined'}).`,
      details,
    };
  }

  connection.onExecuteCommand(
    ctx.request(
      'command',
      { message: 'The command failed: see the Kuma output channel for the error.', details: [] } as ConvertCommandResult,
      (params, work) => runCommand(params.command, params.arguments ?? [], work),
    ),
  );
}
