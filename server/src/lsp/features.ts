import {
  CodeActionKind,
  CompletionItemKind,
  ErrorCodes,
  InsertTextFormat,
  InsertTextMode,
  MarkupKind,
  ResponseError,
  SymbolKind,
  type CodeAction,
  type CompletionItem,
} from 'vscode-languageserver';
import {
  actionEdits,
  complete,
  conversionActions,
  definitions,
  documentSymbols,
  hover,
  inlayHints,
  prepareRename,
  quickFixes,
  references,
  rename,
  suppressionFixes,
  workspaceSymbols,
  type CompletionEntry,
  type ConversionAction,
  type OffsetRange,
  type TextEdit,
} from '../core';
import { FileInfoRequest, ServerCommands, type FileInfoParams, type FileInfoResult } from '../protocol';
import type { ServerContext } from './context';
import { dataOf, sameRange, toLspRange, type Positions } from './convert';
import type { Work } from './work';

/** At most this many workspace symbols per request: a query of one letter would list the whole workspace. */
export const MAX_WORKSPACE_SYMBOLS = 1000;

/** What the server warms up on (see `warmUp`): not a workspace file. */
const WARM_UP_URI = 'kuma-warm-up:/warm-up.yaml';
const WARM_UP_MANIFEST = `apiVersion: kuma.io/v1alpha1
kind: MeshService
metadata:
  name: warm-up
  namespace: default
spec:
  selector:
    dataplaneTags:
      app: warm-up
  ports:
    - port: 80
      targetPort: http
      appProtocol: http
---
apiVersion: kuma.io/v1alpha1
kind: MeshTimeout
metadata:
  name: warm-up
  namespace: default
spec:
  targetRef:
    kind: Mesh
  to:
    - targetRef:
        kind: MeshService
        name: warm-up
        sectionName: http
      default:
        idleTimeout: 20s
`;

const COMPLETION_KIND: Record<CompletionEntry['kind'], CompletionItemKind> = {
  property: CompletionItemKind.Property,
  value: CompletionItemKind.Value,
  snippet: CompletionItemKind.Snippet,
  reference: CompletionItemKind.Reference,
};

function toCompletionItem(e: CompletionEntry, index: Positions, base: number): CompletionItem {
  const insert = e.insertText ?? e.label;
  return {
    label: e.label,
    kind: COMPLETION_KIND[e.kind],
    ...(e.detail ? { detail: e.detail } : {}),
    ...(e.documentation ? { documentation: { kind: MarkupKind.Markdown, value: e.documentation } } : {}),
    ...(e.sortText ? { sortText: e.sortText } : {}),
    ...(e.snippet ? { insertTextFormat: InsertTextFormat.Snippet } : {}),
    // Multi-line inserts already carry their indentation.
    insertTextMode: InsertTextMode.asIs,
    ...(e.replace
      ? { textEdit: { range: toLspRange(index, { start: e.replace.start + base, end: e.replace.end + base }), newText: insert } }
      : { insertText: insert }),
  };
}

/** A code action the client resolves later: where it was listed, and which one. */
interface ResolveData {
  uri: string;
  version: number;
  offset: number;
  title: string;
}

/**
 * The editing features: each handler reads the open document, asks the core's facade, and turns
 * offsets into LSP positions. A request reads the texts it places ranges in before it yields, so
 * an edit that arrives meanwhile cannot shift its answer.
 */
export function registerFeatures(ctx: ServerContext): { warmUp: () => void } {
  const { connection, documents, service } = ctx;

  /** Places workspace locations against the texts of now, a time slice at a time. */
  async function place(found: { uri: string; range: OffsetRange }[], work: Work) {
    const texts = new Map<string, string>();
    for (const l of found) if (!texts.has(l.uri)) texts.set(l.uri, ctx.textOf(l.uri) ?? '');
    const out = [];
    for (const l of found) {
      await work.tick();
      out.push({ uri: l.uri, range: toLspRange(ctx.lineIndex(l.uri, texts.get(l.uri)!), l.range) });
    }
    return out;
  }

  connection.onCompletion(
    ctx.request('completion', null, (params): CompletionItem[] | null => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return null;
      ctx.syncFacts(doc.uri);
      // The open document keeps its own line starts, up to date with each edit.
      const found = complete(service, doc.uri, doc.getText(), doc.offsetAt(params.position), ctx.settings);
      return found ? found.entries.map((e) => toCompletionItem(e, doc, found.base)) : null;
    }),
  );

  connection.onHover(
    ctx.request('hover', null, (params) => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return null;
      ctx.syncFacts(doc.uri);
      const h = hover(service, doc.getText(), doc.offsetAt(params.position), ctx.settings);
      return h ? { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: toLspRange(doc, h.range) } : null;
    }),
  );

  connection.onDefinition(
    ctx.request('definition', [], (params) => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      ctx.syncFacts(doc.uri);
      return definitions(service, doc.getText(), doc.offsetAt(params.position), ctx.settings).map((l) => ({
        uri: l.uri,
        range: ctx.rangeIn(l.uri, l.range),
      }));
    }),
  );

  const lspEdits = (doc: { positionAt(o: number): { line: number; character: number } }, edits: TextEdit[]) =>
    edits.map((e) => ({ range: { start: doc.positionAt(e.range.start), end: doc.positionAt(e.range.end) }, newText: e.newText }));

  function toCodeAction(
    a: ConversionAction,
    uri: string,
    doc: { positionAt(o: number): { line: number; character: number } },
    data?: ResolveData,
  ) {
    const action: CodeAction = {
      title: a.title,
      kind: a.kind === 'quickfix' ? CodeActionKind.QuickFix : CodeActionKind.RefactorRewrite,
      ...(a.preferred ? { isPreferred: true } : {}),
      ...(a.disabled ? { disabled: { reason: a.disabled } } : {}),
      ...(a.notes?.length ? { command: { title: 'Show what was assumed', command: ServerCommands.showNotes, arguments: a.notes } } : {}),
    };
    if (a.disabled) return action;
    // The costly edit is made on resolve when the client can ask for it; otherwise now.
    if ((!a.edits || a.elsewhere) && data) return { ...action, data };
    return { ...action, edit: editOf(a, uri, doc) };
  }

  /** The workspace edit of an action: its file's edits and those of other files (a migration's Dataplane labels). */
  function editOf(a: ConversionAction, uri: string, doc: { positionAt(o: number): { line: number; character: number } }) {
    const changes: Record<string, ReturnType<typeof lspEdits>> = { [uri]: lspEdits(doc, actionEdits(a)) };
    for (const [other, edits] of Object.entries(a.elsewhere?.() ?? {})) {
      const text = ctx.textOf(other);
      if (text === undefined || edits.length === 0) continue;
      changes[other] = lspEdits(documents.get(other) ?? ctx.lineIndex(other, text), edits);
    }
    return { changes };
  }

  connection.onCodeAction(
    ctx.request('code actions', [], (params) => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      ctx.syncFacts(doc.uri);
      const text = doc.getText();
      const actions: CodeAction[] = [];
      const sent = ctx.sentDiagnostics(doc.uri);
      for (const d of params.context.diagnostics) {
        if (d.source !== 'kuma' || typeof d.code !== 'string') continue;
        const range = { start: doc.offsetAt(d.range.start), end: doc.offsetAt(d.range.end) };
        // A client that keeps no `data` (it did not say dataSupport, so none was sent): the data
        // of the diagnostic sent with this code at this place.
        const data = d.data ?? dataOf(sent?.find((s) => s.code === d.code && sameRange(s.range, d.range)) ?? d);
        const input = { code: d.code, range, data: data as never };
        for (const fix of [...quickFixes(input, text), ...suppressionFixes(input, text)]) {
          actions.push({
            title: fix.title,
            kind: CodeActionKind.QuickFix,
            diagnostics: [d],
            ...(fix.preferred ? { isPreferred: true } : {}),
            edit: { changes: { [doc.uri]: lspEdits(doc, fix.edits) } },
          });
        }
      }
      const range = { start: doc.offsetAt(params.range.start), end: doc.offsetAt(params.range.end) };
      const only = params.context.only;
      if (!only || only.some((k) => k.startsWith('refactor') || k === CodeActionKind.QuickFix)) {
        for (const a of conversionActions(service, text, range, ctx.settings, doc.uri)) {
          const data: ResolveData | undefined = ctx.caps.codeActionResolve
            ? { uri: doc.uri, version: doc.version, offset: range.start, title: a.title }
            : undefined;
          actions.push(toCodeAction(a, doc.uri, doc, data));
        }
      }
      return actions;
    }),
  );

  connection.onCodeActionResolve(
    ctx.request('resolve code action', null as unknown as CodeAction, (action: CodeAction) => {
      const data = action.data as ResolveData | undefined;
      const doc = data && documents.get(data.uri);
      // The document changed since the action was listed: it resolves to no edit (the editor lists again).
      if (!data || !doc || doc.version !== data.version) return action;
      const a = conversionActions(service, doc.getText(), { start: data.offset, end: data.offset }, ctx.settings, doc.uri).find(
        (x) => x.title === data.title,
      );
      if (!a) return action;
      return { ...action, edit: editOf(a, doc.uri, doc) };
    }),
  );

  connection.onReferences(
    ctx.request('references', [], (params, work) => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      ctx.syncFacts(doc.uri);
      const found = references(
        service,
        doc.uri,
        doc.getText(),
        doc.offsetAt(params.position),
        ctx.settings,
        params.context.includeDeclaration,
      );
      return place(found, work);
    }),
  );

  connection.onPrepareRename(
    ctx.request('prepare rename', null, (params) => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return null;
      ctx.syncFacts(doc.uri);
      const r = prepareRename(service, doc.uri, doc.getText(), doc.offsetAt(params.position), ctx.settings);
      return r ? { range: toLspRange(doc, r.range), placeholder: r.name } : null;
    }),
  );

  connection.onRenameRequest(
    ctx.request('rename', null, async (params, work) => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return null;
      ctx.syncFacts(doc.uri);
      const result = rename(service, doc.uri, doc.getText(), doc.offsetAt(params.position), params.newName, ctx.settings);
      // A rename that cannot be done is answered with an error the editor shows to the user.
      if ('error' in result) return new ResponseError<never>(ErrorCodes.InvalidRequest, result.error);
      const flat = [...result.edits].flatMap(([uri, edits]) => edits.map((e) => ({ uri, range: e.range, newText: e.newText })));
      const placed = await place(flat, work);
      const changes: Record<string, { range: (typeof placed)[number]['range']; newText: string }[]> = {};
      placed.forEach((p, i) => (changes[p.uri] ??= []).push({ range: p.range, newText: flat[i].newText }));
      return { changes };
    }),
  );

  connection.languages.inlayHint.on(
    ctx.request('inlay hints', [], (params) => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      ctx.syncFacts(doc.uri);
      const range = { start: doc.offsetAt(params.range.start), end: doc.offsetAt(params.range.end) };
      return inlayHints(service, doc.getText(), ctx.settings, range).map((h) => ({
        position: doc.positionAt(h.offset),
        label: h.label,
        paddingLeft: true,
        ...(h.tooltip ? { tooltip: h.tooltip } : {}),
      }));
    }),
  );

  connection.onWorkspaceSymbol(
    ctx.request('workspace symbols', [], async (params, work) => {
      for (const d of documents.all()) ctx.syncFacts(d.uri);
      // The editor asks again as the user types: a short query gets the first matches only.
      const found = workspaceSymbols(service, params.query).slice(0, MAX_WORKSPACE_SYMBOLS);
      const placed = await place(found, work);
      return found.map((s, i) => ({
        name: s.name,
        kind: s.kind === 'Dataplane' ? SymbolKind.Interface : SymbolKind.Class,
        containerName: s.container,
        location: placed[i],
      }));
    }),
  );

  connection.onDocumentSymbol(
    ctx.request('document symbols', [], (params) => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      ctx.syncFacts(doc.uri);
      return documentSymbols(service.analyze(doc.getText(), ctx.settings)).map((s) => ({
        name: s.name,
        detail: s.detail,
        kind: s.kind === 'Dataplane' ? SymbolKind.Interface : SymbolKind.Class,
        range: toLspRange(doc, s.range),
        selectionRange: toLspRange(doc, s.selectionRange),
      }));
    }),
  );

  /** A read of the settings under way: kuma/fileInfo waits for it, to report the settings in force. */
  connection.onRequest(
    FileInfoRequest,
    ctx.request('fileInfo', null as FileInfoResult | null, async (params: FileInfoParams): Promise<FileInfoResult | null> => {
      await ctx.settingsRead;
      const doc = documents.get(params.uri);
      if (!doc) return null;
      ctx.syncFacts(doc.uri);
      const a = service.analyze(doc.getText(), ctx.settings);
      return {
        kumaResources: a.documents.filter((d) => d.classification.role === 'kuma').length,
        kumaVersion: a.kumaVersion,
        pinned: a.pinned,
      };
    }),
  );

  /**
   * Compiles the validators of the configured version and runs completion and hover once on a
   * small manifest, so that the user's first request does not pay for compiling their code.
   */
  function warmUp() {
    service.warmUp(ctx.settings.kumaVersion);
    const text = WARM_UP_MANIFEST;
    for (const at of ['appProtocol: ', 'targetPort: ', '  ports', 'sectionName: ', '        name: warm']) {
      const offset = text.indexOf(at) + at.length;
      complete(service, WARM_UP_URI, text, offset, ctx.settings);
      hover(service, text, offset, ctx.settings);
    }
  }
  return { warmUp };
}
