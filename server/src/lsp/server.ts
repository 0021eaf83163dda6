import {
  CodeActionKind,
  CompletionItemKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  ErrorCodes,
  ResponseError,
  FileChangeType,
  InsertTextFormat,
  InsertTextMode,
  LSPErrorCodes,
  MarkupKind,
  SymbolKind,
  TextDocumentSyncKind,
  TextDocuments,
  type CancellationToken,
  type CompletionItem,
  type Connection,
  type DidChangeConfigurationParams,
  type DocumentDiagnosticReport,
  type DidChangeWatchedFilesParams,
  type InitializeParams,
  type InitializeResult,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CompletionEntry } from '../core/features/completion/types';
import { createLanguageService, DEFAULT_SETTINGS, type LocalAnalysis, type Settings } from '../core/host/languageService';
import { crossFileHover, definitions, targetPortCompletions } from '../core/features/navigation';
import { inlayHints, workspaceSymbols } from '../core/features/inlayHints';
import { quickFixes, suppressionFixes } from '../core/features/codeActions';
import { digest } from '../core/util/digest';
import { parseSeverityOverrides, type SeverityOverrides } from '../core/diagnostics/codes';
import { selectorCompletions } from '../core/features/completion/selectors';
import { prepareRename, references, rename } from '../core/features/references';
import { LineIndex } from '../core/yaml/positions';
import { splitDocuments } from '../core/yaml/documents';
import { schemaCompletions } from '../core/features/completion/schema';
import { schemaHover } from '../core/features/hover';
import { documentSymbols } from '../core/features/symbols';
import { isKumaVersion, normalizeKumaVersion } from '../core/kuma/versions';
import type { KumaDiagnostic, OffsetRange } from '../core/types';
import {
  FileInfoRequest,
  ServerCommands,
  type ConvertCommandResult,
  type ConvertOutput,
  type ConvertPlanFile,
  type ConvertReview,
  type FileInfoParams,
  type FileInfoResult,
} from '../protocol';
import { conversionActions, generateForFile, rewriteFile } from './conversions';
import { toLspDiagnostics, toLspRange, type Positions } from './convert';
import type { IndexedFile, WorkspaceFs } from './workspaceFs';
import { relExcluded, uriExcluded } from './exclude';
import { Cancelled, Work } from './work';
import { TOOLS_VERSION } from '../version';

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
`;

/** Whose problems the server reports (setting `kuma.diagnostics.scope`). */
export type DiagnosticsScope = 'workspace' | 'openFiles';

/** Settings of the server: the core's plus which files the workspace index skips. */
export interface ServerSettings extends Settings {
  filesExclude: string[];
  /**
   * Whose problems are reported: every indexed file (`workspace`, the default: files not open are
   * pushed) or the open files only (`openFiles`).
   */
  diagnosticsScope: DiagnosticsScope;
  /** Why parts of the settings were ignored, for the output channel. */
  problems?: string[];
  /** Whether the settings named the Kuma version (else it is the default). */
  versionSet?: boolean;
}

/** Reads our settings out of whatever shape a client sends (`{kuma: {...}}` or the section itself). */
export function readSettings(raw: unknown): ServerSettings {
  const obj = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const kuma = (obj.kuma && typeof obj.kuma === 'object' ? obj.kuma : obj) as Record<string, unknown>;
  const v = kuma.version;
  const version = typeof v === 'string' ? (isKumaVersion(v) ? v : normalizeKumaVersion(v)) : undefined;
  const validate = kuma.validate as Record<string, unknown> | boolean | undefined;
  const enable = typeof validate === 'object' && validate !== null ? validate.enable : validate;
  const files = kuma.files as Record<string, unknown> | undefined;
  const exclude = files && Array.isArray(files.exclude) ? files.exclude.filter((x): x is string => typeof x === 'string') : [];
  const diagnostics = kuma.diagnostics as Record<string, unknown> | undefined;
  const { overrides, problems } = parseSeverityOverrides(diagnostics?.severity);
  const scope = diagnostics?.scope;
  const said = problems.map((p) => `kuma.diagnostics.severity: ${p}`);
  if (scope !== undefined && scope !== 'workspace' && scope !== 'openFiles')
    said.push(`kuma.diagnostics.scope: ${JSON.stringify(scope)} is neither "workspace" nor "openFiles"; using "workspace"`);
  // `kuma.validate.yamlSyntax`: `off` leaves YAML syntax errors to another YAML extension (the
  // VS Code client resolves `auto` before it gets here; other editors get `on`).
  const yamlSyntax = typeof validate === 'object' && validate !== null ? validate.yamlSyntax : undefined;
  const severity: SeverityOverrides =
    yamlSyntax === 'off' ? { 'yaml-syntax': 'off', 'yaml-duplicate-key': 'off', ...overrides } : overrides;
  return {
    kumaVersion: version ?? DEFAULT_SETTINGS.kumaVersion,
    validate: typeof enable === 'boolean' ? enable : DEFAULT_SETTINGS.validate,
    filesExclude: exclude,
    diagnosticsScope: scope === 'openFiles' ? 'openFiles' : 'workspace',
    ...(Object.keys(severity).length ? { severity } : {}),
    ...(said.length ? { problems: said } : {}),
    ...(version !== undefined ? { versionSet: true } : {}),
  };
}

/** A workspace folder as the user knows it: a file: URI as its path, any other URI as it is. */
function displayUri(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    const p = decodeURIComponent(new URL(uri).pathname);
    return /^\/[A-Za-z]:/.test(p) ? p.slice(1) : p;
  } catch {
    return uri;
  }
}

const COMPLETION_KIND: Record<CompletionEntry['kind'], CompletionItemKind> = {
  property: CompletionItemKind.Property,
  value: CompletionItemKind.Value,
  snippet: CompletionItemKind.Snippet,
  reference: CompletionItemKind.Reference,
};

export interface ServerOptions {
  /** Access to files that are not open; without it the index follows open files only. */
  fs?: WorkspaceFs;
  /**
   * Called on entry of every handler with its name (`hover`, `document change`, ...); tests
   * make it throw to check that a failing handler is contained (see KUMA_LS_INJECT_FAULT).
   */
  injectFault?: (handler: string) => void;
}

/**
 * Wires the pure core to an LSP connection. Every handler is guarded: a bug is logged and
 * answered with an empty result, and the server keeps running.
 */
export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const service = createLanguageService();
  let settings: ServerSettings = { ...DEFAULT_SETTINGS, filesExclude: [], diagnosticsScope: 'workspace' };
  let editorExclude: string[] = [];
  let configurationSupport = false;
  let pullSupport = false;
  let refreshSupport = false;
  let inlayRefreshSupport = false;
  let watchRegistration = false;
  let progressSupport = false;
  let annotationSupport = false;
  let createFileSupport = false;
  let workspaceFolders: string[] = [];
  const stopWatching: (() => void)[] = [];
  const pending = new Map<string, ReturnType<typeof setImmediate>>();

  const logFailure = (name: string, err: unknown) =>
    connection.console.error(`kuma: ${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);

  /** A notification handler or callback: a failure is logged and the server carries on. */
  const guard =
    <A extends unknown[], R>(name: string, fallback: R, fn: (...args: A) => R) =>
    (...args: A): R => {
      try {
        options.injectFault?.(name);
        return fn(...args);
      } catch (err) {
        logFailure(name, err);
        return fallback;
      }
    };
  /** The same for asynchronous callbacks (configuration, file watching). */
  const guardAsync =
    <A extends unknown[]>(name: string, fn: (...args: A) => Promise<void>) =>
    async (...args: A): Promise<void> => {
      try {
        options.injectFault?.(name);
        await fn(...args);
      } catch (err) {
        logFailure(name, err);
      }
    };
  /**
   * A request handler: a failure is logged and answered with the fallback (an empty result);
   * a request the client cancelled (before or while it runs) is answered RequestCancelled.
   */
  const request =
    <P, R>(name: string, fallback: R, fn: (params: P, work: Work) => R | ResponseError<never> | Promise<R | ResponseError<never>>) =>
    async (params: P, token: CancellationToken): Promise<R | ResponseError<never>> => {
      const work = new Work(() => token.isCancellationRequested);
      try {
        work.check();
        options.injectFault?.(name);
        const result = await fn(params, work);
        work.check();
        return result;
      } catch (err) {
        if (err instanceof Cancelled) return new ResponseError<never>(LSPErrorCodes.RequestCancelled, `kuma: ${name} cancelled`);
        logFailure(name, err);
        return fallback;
      }
    };

  const lineIndexes = new Map<string, LineIndex>();
  /** Line starts of a file's current text, computed once per text (40k-line files are common). */
  function lineIndex(uri: string, text: string): LineIndex {
    let li = lineIndexes.get(uri);
    if (!li || li.text !== text) {
      // After an edit only the changed lines are re-scanned.
      li = li ? LineIndex.update(li, text) : new LineIndex(text);
      lineIndexes.set(uri, li);
    }
    return li;
  }

  /** LSP range of file offsets in any workspace file (open or on disk). */
  function rangeIn(uri: string, r: OffsetRange) {
    const text = documents.get(uri)?.getText() ?? service.getText(uri) ?? '';
    return toLspRange(lineIndex(uri, text), r);
  }

  /**
   * Workspace files whose own checks the indexer ran on its threads, with the settings then in
   * force: a file opened unchanged needs only the cross-file checks here (an editor restoring
   * its tabs opens many at once).
   */
  const preChecked = new Map<string, { text: string; settings: ServerSettings; local: LocalAnalysis }>();

  function diagnose(doc: TextDocument) {
    const text = doc.getText();
    const pre = preChecked.get(doc.uri);
    let diagnostics;
    if (pre && pre.text === text && pre.settings === settings) diagnostics = service.diagnoseLocal(doc.uri, text, pre.local, settings);
    else {
      if (pre) preChecked.delete(doc.uri);
      diagnostics = service.diagnose(doc.uri, text, settings).diagnostics;
    }
    // The document keeps its own line starts up to date with each edit: no re-scan per keystroke.
    return toLspDiagnostics(doc.uri, doc, diagnostics, rangeIn);
  }

  /**
   * Pushes diagnostics for a document on the next turn of the event loop, so a burst of
   * changes already queued is folded into one check. Never sends results for an old version.
   */
  function schedule(uri: string) {
    const old = pending.get(uri);
    if (old) clearImmediate(old);
    pending.set(
      uri,
      setImmediate(
        guard('validate', undefined, () => {
          pending.delete(uri);
          const doc = documents.get(uri);
          if (!doc) return;
          const version = doc.version;
          const diagnostics = diagnose(doc);
          if (documents.get(uri)?.version !== version) return;
          void connection.sendDiagnostics({ uri, version, diagnostics });
        }),
      ),
    );
  }

  /**
   * Re-checks open documents (all, or all but one) after settings or workspace facts changed,
   * asks the client to refresh what it pulled or shows from them (diagnostics, inlay hints), and
   * schedules the files that are not open.
   */
  function revalidateOpen(except?: string) {
    // After the edited file's own diagnostics have gone out: the user is looking at that file.
    const others = guard('revalidate', undefined, () => {
      for (const doc of documents.all()) if (doc.uri !== except) schedule(doc.uri);
      if (pullSupport && refreshSupport) void connection.languages.diagnostics.refresh().catch(() => undefined);
      // "selects N Dataplanes" and the "→ port" hints read the index: a restored tab that asked
      // before the index was ready would keep showing what it got then.
      if (inlayRefreshSupport) void connection.languages.inlayHint.refresh().catch(() => undefined);
    });
    if (except) setTimeout(others, 30);
    else others();
    // While the user types, the files not open wait until the typing pauses.
    markClosed(undefined, except ? 250 : 0);
  }

  /**
   * The problems of files that are not open (`kuma.diagnostics.scope: workspace`), pushed in the
   * background, a time slice at a time, once the index is ready and whenever a change may alter
   * them. `closedSent` holds a digest of what each file was last sent, so a pass sends only what
   * changed, and a file whose problems went away (or that was opened) gets an empty list once.
   */
  const closedSent = new Map<string, string>();
  const closedDirty = new Set<string>();
  let closedAll = false;
  let closedTimer: ReturnType<typeof setTimeout> | undefined;
  let closedRunning = false;
  /** Set once the first indexing is through: until then the index does not know the closed files. */
  let indexDone = false;

  /** Schedules the given closed files (undefined: all of them) for a pass after `delay` ms. */
  function markClosed(uris: string[] | undefined, delay = 0) {
    if (!indexDone) return;
    if (uris) for (const u of uris) closedDirty.add(u);
    else closedAll = true;
    if (closedTimer) clearTimeout(closedTimer);
    closedTimer = setTimeout(() => {
      closedTimer = undefined;
      void publishClosed().catch((err) => logFailure('problems of files not open', err));
    }, delay);
  }

  async function publishClosed() {
    // A pass already running takes what was marked meanwhile when it finishes its list.
    if (closedRunning) return;
    closedRunning = true;
    try {
      while (closedAll || closedDirty.size > 0) {
        const all = closedAll;
        const started = Date.now();
        const todo = all ? [...new Set([...service.uris(), ...closedSent.keys()])] : [...closedDirty];
        closedAll = false;
        closedDirty.clear();
        let slice = Date.now();
        let checked = 0;
        for (const uri of todo) {
          // Marked "all" again meanwhile (settings, facts): start over with the new state.
          if (closedAll) break;
          if (Date.now() - slice > 8) {
            await new Promise((r) => setImmediate(r));
            slice = Date.now();
          }
          publishClosedFile(uri);
          checked++;
        }
        if (all && checked === todo.length)
          connection.console.info(
            `kuma: reported the problems of files not open: ${closedSent.size} of ${checked} files have some (${Date.now() - started} ms)`,
          );
      }
    } finally {
      closedRunning = false;
    }
  }

  /**
   * Pushes the problems of one file that is not open, when they differ from what it was last
   * sent (`force`: send them anyway, e.g. on close, replacing what the open file showed).
   */
  function publishClosedFile(uri: string, force = false) {
    // An open file's own checks (pushed or pulled) cover it.
    if (documents.get(uri)) {
      closedSent.delete(uri);
      return;
    }
    const text = settings.validate && settings.diagnosticsScope === 'workspace' ? service.getText(uri) : undefined;
    let diagnostics: KumaDiagnostic[] = [];
    if (text !== undefined) {
      const pre = preChecked.get(uri);
      diagnostics =
        pre && pre.text === text && pre.settings === settings
          ? service.diagnoseLocal(uri, text, pre.local, settings)
          : service.diagnose(uri, text, settings).diagnostics;
    }
    const key = diagnostics.length ? digest(JSON.stringify(diagnostics)) : '';
    if (!force && key === (closedSent.get(uri) ?? '')) return;
    if (key) closedSent.set(uri, key);
    else closedSent.delete(uri);
    // A closed file's line starts are needed once per change: not kept.
    const items = diagnostics.length ? toLspDiagnostics(uri, new LineIndex(text!), diagnostics, rangeIn) : [];
    void connection.sendDiagnostics({ uri, diagnostics: items });
  }

  const excluded = () => relExcluded([...settings.filesExclude, ...editorExclude]);
  const isExcludedUri = (uri: string) => uriExcluded(workspaceFolders, [...settings.filesExclude, ...editorExclude])(uri);

  /** Takes new settings; what was wrong in them goes to the output channel (once per change). */
  function useSettings(next: ServerSettings) {
    const said = (settings.problems ?? []).join('\n');
    settings = next;
    preChecked.clear();
    if (next.problems && next.problems.join('\n') !== said) for (const p of next.problems) connection.console.warn(`kuma: ${p}`);
  }

  /** A read of the settings under way: kuma/fileInfo waits for it, to report the settings in force. */
  let settingsFetch: Promise<void> | undefined;
  function fetchSettings(): Promise<void> {
    const p = readClientSettings();
    settingsFetch = p;
    return p.finally(() => {
      if (settingsFetch === p) settingsFetch = undefined;
    });
  }

  async function readClientSettings() {
    if (!configurationSupport) return;
    try {
      const [kuma, filesExclude] = await connection.workspace.getConfiguration([{ section: 'kuma' }, { section: 'files.exclude' }]);
      useSettings(readSettings(kuma));
      editorExclude =
        filesExclude && typeof filesExclude === 'object'
          ? Object.entries(filesExclude as Record<string, unknown>)
              .filter(([, on]) => on === true)
              .map(([g]) => g)
          : [];
    } catch (err) {
      connection.console.warn(`kuma: could not read settings, using defaults: ${String(err)}`);
    }
  }

  /**
   * Indexes every YAML file of the workspace folders in the background, a batch at a time so
   * requests are answered meanwhile (with what is indexed so far), with progress in the editor.
   */
  async function indexWorkspace() {
    const fs = options.fs;
    if (!fs || workspaceFolders.length === 0) return;
    const started = Date.now();
    const progress = progressSupport ? await connection.window.createWorkDoneProgress().catch(() => undefined) : undefined;
    progress?.begin('Kuma: indexing YAML files', undefined, 'listing files');
    // The progress ends even when indexing fails (the failure is logged by the caller).
    try {
      const isExcluded = excluded();
      let count = 0;
      let changed = false;
      const uris: string[] = [];
      for (const folder of workspaceFolders) for await (const uri of fs.listYamlFiles(folder, isExcluded)) uris.push(uri);
      const report = () => progress?.report(Math.round((100 * count) / Math.max(1, uris.length)), `${count} of ${uris.length} files`);
      let inWorker = false;
      if (fs.indexFiles) {
        // Parse on another thread; this one only records the facts and keeps answering.
        try {
          // Called from the worker's message event: a throw there would take the process down.
          const checkedWith = settings;
          await fs.indexFiles(
            uris,
            guard('indexing', undefined, (r: IndexedFile) => {
              if (service.setDiskFacts(r.uri, r.text, r.facts, r.fingerprint)) changed = true;
              if (r.local && checkedWith === settings) preChecked.set(r.uri, { text: r.text, settings: checkedWith, local: r.local });
              if (++count % 100 === 0) report();
            }),
            {
              kumaVersion: settings.kumaVersion,
              validate: settings.validate,
              ...(settings.severity ? { severity: settings.severity } : {}),
            },
          );
          inWorker = true;
        } catch (err) {
          connection.console.warn(`kuma: indexing on a worker thread failed (${String(err)}); indexing here instead`);
          count = 0;
        }
      }
      // Read a batch of files at once, then index them in slices of a few milliseconds (a large
      // file one document at a time), so a request that arrives meanwhile waits at most one slice.
      for (let i = 0; !inWorker && i < uris.length; i += 32) {
        const batch = uris.slice(i, i + 32);
        const texts = await Promise.all(batch.map((u) => fs.readFile(u).catch(() => undefined)));
        let sliceStart = Date.now();
        for (let j = 0; j < batch.length; j++) {
          const text = texts[j];
          // A file that vanished or cannot be read is simply not indexed.
          if (text === undefined) continue;
          const steps = service.setFileSteps(batch[j], text, 'disk');
          for (let r = steps.next(); ; r = steps.next()) {
            if (r.done) {
              if (r.value) changed = true;
              break;
            }
            if (Date.now() - sliceStart > 8) {
              await new Promise((res) => setImmediate(res));
              sliceStart = Date.now();
            }
          }
        }
        count += batch.length;
        report();
        await new Promise((r) => setImmediate(r));
      }
      connection.console.info(`kuma: indexed ${count} YAML files in ${Date.now() - started} ms`);
      indexDone = true;
      // Even when no fact changed: hints and pulled diagnostics asked for meanwhile are refreshed.
      if (changed || documents.all().length) revalidateOpen();
      else markClosed(undefined);
    } finally {
      progress?.done();
    }
  }

  const onDiskChange = guardAsync('file watching', async (uri: string, deleted: boolean) => {
    let text: string | undefined;
    if (!deleted && options.fs) {
      try {
        text = await options.fs.readFile(uri);
      } catch {
        text = undefined;
      }
    }
    if (service.setFile(uri, text, 'disk')) revalidateOpen();
    markClosed([uri]);
  });

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    configurationSupport = !!caps.workspace?.configuration;
    pullSupport = !!caps.textDocument?.diagnostic;
    refreshSupport = !!caps.workspace?.diagnostics?.refreshSupport;
    inlayRefreshSupport = !!caps.workspace?.inlayHint?.refreshSupport;
    watchRegistration = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    progressSupport = !!caps.window?.workDoneProgress;
    annotationSupport = !!caps.workspace?.workspaceEdit?.changeAnnotationSupport;
    createFileSupport = !!caps.workspace?.workspaceEdit?.resourceOperations?.includes('create');
    const reachable = options.fs?.handles ?? ((u: string) => u.startsWith('file:'));
    workspaceFolders = (params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : [])).filter((u) => reachable(u));
    if (params.initializationOptions) useSettings(readSettings(params.initializationOptions));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        ...(pullSupport ? { diagnosticProvider: { identifier: 'kuma', interFileDependencies: true, workspaceDiagnostics: false } } : {}),
        completionProvider: { triggerCharacters: [' ', ':'] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite] },
        executeCommandProvider: { commands: Object.values(ServerCommands) },
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        inlayHintProvider: true,
      },
      serverInfo: { name: 'kuma-language-server', version: TOOLS_VERSION },
    };
  });

  connection.onInitialized(
    guardAsync('initialized', async () => {
      if (configurationSupport) {
        void connection.client.register(DidChangeConfigurationNotification.type, { section: 'kuma' }).catch(() => undefined);
        const before = settings;
        await fetchSettings();
        if (before !== settings) revalidateOpen();
      }
      // The output channel's first line: which server, which Kuma version and which folders.
      const folders = workspaceFolders.length ? `workspace folders: ${workspaceFolders.map(displayUri).join(', ')}` : 'no workspace folder';
      connection.console.info(
        `kuma-language-server ${TOOLS_VERSION} started: Kuma ${settings.kumaVersion} (${settings.versionSet ? 'setting kuma.version' : 'default'}), ${folders}`,
      );
      if (watchRegistration) {
        void connection.client
          .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{yaml,yml}' }] })
          .catch(() => undefined);
      } else if (options.fs) {
        for (const folder of workspaceFolders)
          stopWatching.push(options.fs.watch(folder, (uri, deleted) => void (isExcludedUri(uri) || onDiskChange(uri, deleted))));
      }
      // Compile the validators of the configured version while the editor is still opening files.
      setImmediate(guard('warm up', undefined, warmUp));
      void indexWorkspace().catch((err) => logFailure('indexing', err));
    }),
  );

  connection.onDidChangeWatchedFiles(
    guard('watched files', undefined, (params: DidChangeWatchedFilesParams) => {
      for (const change of params.changes) {
        if (isExcludedUri(change.uri)) continue;
        void onDiskChange(change.uri, change.type === FileChangeType.Deleted);
      }
    }),
  );

  connection.onDidChangeConfiguration(
    guardAsync('configuration', async (change: DidChangeConfigurationParams) => {
      if (configurationSupport) await fetchSettings();
      else if (change.settings) useSettings(readSettings(change.settings));
      revalidateOpen();
    }),
  );

  connection.onShutdown(guard('shutdown', undefined, () => stopWatching.forEach((stop) => stop())));

  /**
   * The palette commands: convert / generate / migrate one file (uri) or the whole workspace
   * (uri null). Workspace-wide edits carry a change annotation that asks for confirmation, so
   * the editor shows them for review before applying them, as one undoable edit.
   */
  async function runCommand(command: string, args: unknown[], work: Work): Promise<ConvertCommandResult> {
    if (command === ServerCommands.showNotes) {
      const lines = args.filter((a): a is string => typeof a === 'string');
      if (lines.length) void connection.window.showInformationMessage(`Kuma generated the MeshService assuming: ${lines.join(' ')}`);
      return { message: '', details: lines };
    }
    const uri = typeof args[0] === 'string' ? args[0] : undefined;
    const output = (typeof args[1] === 'string' ? args[1] : 'beside') as ConvertOutput;
    const review = readReview(args[2]);
    const known = new Set(service.uris());
    const uris = uri ? [uri] : review.only ? review.only.filter((u) => known.has(u)) : [...known];
    const progress = !uri && progressSupport ? await connection.window.createWorkDoneProgress().catch(() => undefined) : undefined;
    const label = {
      [ServerCommands.convertServices]: 'Convert Services to MeshServices',
      [ServerCommands.generateFromDataplanes]: 'Generate MeshServices from Dataplanes',
      [ServerCommands.toUniversal]: 'Convert to Universal format',
      [ServerCommands.toKubernetes]: 'Convert to Kubernetes format',
      [ServerCommands.migrateSelectors]: 'Migrate dataplaneTags to dataplaneLabels',
      [ServerCommands.migrateTo30]: 'Migrate to Kuma 3.0',
    }[command];
    if (!label) return { message: `Unknown command ${command}.`, details: [] };
    progress?.begin(`Kuma: ${label}`, 0, undefined, true);
    try {
      return await convertFiles(command, label, uri, uris, output, review, progress, work);
    } catch (err) {
      // The Cancel button of the progress notification: say so (a cancelled request is answered RequestCancelled).
      if (err instanceof Cancelled && !work.cancelled) return { message: `${label}: cancelled, nothing changed.`, details: [] };
      throw err;
    } finally {
      progress?.done();
    }
  }

  async function convertFiles(
    command: string,
    label: string,
    uri: string | undefined,
    uris: string[],
    output: ConvertOutput,
    review: ConvertReview,
    progress: WorkDoneProgressServerReporter | undefined,
    request: Work,
  ): Promise<ConvertCommandResult> {
    const work = new Work(() => request.cancelled || !!progress?.token.isCancellationRequested);
    const textOf = (u: string) => documents.get(u)?.getText() ?? service.getText(u);
    const changes: Record<string, { range: ReturnType<typeof rangeIn>; newText: string }[]> = {};
    const details: string[] = [];
    const generatedYaml: string[] = [];
    /** What each file would get, in words, for the review (`review.plan`). */
    const planned: ConvertPlanFile[] = [];
    let done = 0;
    for (const u of uris) {
      const text = textOf(u);
      done++;
      if (text === undefined) continue;
      if (done % 50 === 0) progress?.report(Math.round((100 * done) / uris.length), `${done} of ${uris.length} files`);
      await work.tick();
      let edits: { range: OffsetRange; newText: string }[] = [];
      if (command === ServerCommands.convertServices || command === ServerCommands.generateFromDataplanes) {
        const r = generateForFile(service, text, settings, command === ServerCommands.convertServices ? 'services' : 'dataplanes');
        details.push(...r.details.map((d) => `${shortName(u)}: ${d}`));
        generatedYaml.push(...r.yamls);
        if (output === 'beside') edits = r.edits;
        if (r.yamls.length) planned.push({ uri: u, summary: `${r.yamls.length} MeshService${r.yamls.length === 1 ? '' : 's'}` });
      } else {
        const what =
          command === ServerCommands.toUniversal
            ? 'universal'
            : command === ServerCommands.toKubernetes
              ? 'kubernetes'
              : command === ServerCommands.migrateSelectors
                ? 'migrateSelectors'
                : 'migrateTo30';
        const r = rewriteFile(service, text, settings, what);
        details.push(...r.details.map((d) => `${shortName(u)}: ${d}`));
        edits = r.edits;
        if (edits.length) planned.push({ uri: u, summary: `${edits.length} change${edits.length === 1 ? '' : 's'}` });
      }
      if (edits.length) changes[u] = edits.map((e) => ({ range: rangeIn(u, e.range), newText: e.newText }));
    }
    // Nothing is applied once the request is cancelled.
    work.check();
    if (review.plan) {
      const n = planned.length;
      return {
        message: n ? `${label}: ${n} file${n === 1 ? '' : 's'} to change.` : `${label}: nothing to change.`,
        details,
        plan: planned,
      };
    }
    const generating = command === ServerCommands.convertServices || command === ServerCommands.generateFromDataplanes;
    if (generating && output !== 'beside') {
      if (generatedYaml.length === 0) return { message: `${label}: nothing to generate.`, details };
      const content = generatedYaml.join('---\n');
      // A new file next to the (first) source file, created by an edit the editor applies: the
      // server itself never writes a file. An editor that cannot create files gets the text.
      const base = (uri ?? uris[0]).replace(/\.ya?ml$/i, '');
      const target = `${base}.meshservices.yaml`;
      if (output === 'untitled' || !createFileSupport || !target.startsWith('file:'))
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
    if (files === 0) return { message: `${label}: nothing to change.`, details };
    // The user reviewed the files (review.only): one edit, applied as it is. Otherwise a client
    // that knows change annotations shows a workspace-wide edit for confirmation first.
    const annotate = !uri && !review.only && annotationSupport;
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

  function readReview(raw: unknown): ConvertReview {
    const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
    return {
      ...(r.plan === true ? { plan: true } : {}),
      ...(Array.isArray(r.only) ? { only: r.only.filter((u): u is string => typeof u === 'string') } : {}),
    };
  }

  function shortName(u: string): string {
    return decodeURIComponent(u.slice(u.lastIndexOf('/') + 1));
  }

  const onOpenOrChange = guard('document change', undefined, (doc: TextDocument) => {
    // The open file's own diagnostics replace what it was sent while closed.
    closedSent.delete(doc.uri);
    const factsChanged = service.setFile(doc.uri, doc.getText(), 'open');
    schedule(doc.uri);
    if (factsChanged) revalidateOpen(doc.uri);
  });
  documents.onDidOpen((e) => onOpenOrChange(e.document));
  documents.onDidChangeContent((e) => onOpenOrChange(e.document));
  documents.onDidClose(
    guard('close', undefined, (e: { document: TextDocument }) => {
      const p = pending.get(e.document.uri);
      if (p) clearImmediate(p);
      pending.delete(e.document.uri);
      lineIndexes.delete(e.document.uri);
      if (service.setFile(e.document.uri, undefined, 'open')) revalidateOpen();
      // Closed, the file shows the problems of its text on disk (kuma.diagnostics.scope), or none.
      if (indexDone) publishClosedFile(e.document.uri, true);
      else void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    }),
  );

  connection.languages.diagnostics.on(
    request('pull diagnostics', { kind: DocumentDiagnosticReportKind.Full, items: [] } as DocumentDiagnosticReport, (params) => {
      const doc = documents.get(params.textDocument.uri);
      const items = doc ? diagnose(doc) : [];
      // The id names the result itself: the same problems as last time are answered "unchanged".
      const resultId = digest(JSON.stringify(items));
      return params.previousResultId === resultId
        ? { kind: DocumentDiagnosticReportKind.Unchanged, resultId }
        : { kind: DocumentDiagnosticReportKind.Full, resultId, items };
    }),
  );

  /** Completion entries at an offset, and the offset of the document they are relative to. */
  function completionsAt(uri: string, text: string, offset: number): { entries: CompletionEntry[]; base: number } | undefined {
    const ports = targetPortCompletions(service, uri, text, offset, settings) ?? selectorCompletions(service, text, offset, settings);
    if (ports) {
      const d = service.analyze(text, settings).documents.find((x) => offset >= x.offset && offset <= x.offset + x.chunkLength);
      return { entries: ports, base: d?.offset ?? 0 };
    }
    const a = service.analyze(text, settings);
    const d = a.documents.find((x) => offset >= x.offset && offset <= x.offset + x.chunkLength);
    // An empty document (or one holding only comments) has no parse: offer the skeletons.
    const chunk = d
      ? { start: d.offset, text: text.slice(d.offset, d.offset + d.chunkLength) }
      : splitDocuments(text).find((c) => offset >= c.start && offset <= c.start + c.text.length);
    if (!chunk) return undefined;
    return { entries: schemaCompletions(d?.parsed, chunk.text, offset - chunk.start, a.kumaVersion), base: chunk.start };
  }

  /**
   * Compiles the validators of the configured version and runs completion and hover once on a
   * small manifest, so that the user's first request does not pay for compiling their code.
   */
  function warmUp() {
    service.warmUp(settings.kumaVersion);
    const text = WARM_UP_MANIFEST;
    for (const at of ['appProtocol: ', 'targetPort: ', '  ports']) {
      const offset = text.indexOf(at) + at.length;
      completionsAt(WARM_UP_URI, text, offset);
      crossFileHover(service, text, offset, settings);
      const a = service.analyze(text, settings);
      schemaHover(a.documents[0].parsed, text, offset, a.kumaVersion);
    }
  }

  connection.onCompletion(
    request('completion', null, (params): CompletionItem[] | null => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return null;
      const text = doc.getText();
      const offset = doc.offsetAt(params.position);
      // The open document keeps its own line starts, up to date with each edit.
      const index: Positions = doc;
      const found = completionsAt(doc.uri, text, offset);
      return found ? found.entries.map((e) => toCompletionItem(e, index, found.base)) : null;
    }),
  );

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

  connection.onHover(
    request('hover', null, (params) => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return null;
      const text = doc.getText();
      const offset = doc.offsetAt(params.position);
      // The open document keeps its own line starts, up to date with each edit.
      const index: Positions = doc;
      const cross = crossFileHover(service, text, offset, settings);
      const a = service.analyze(text, settings);
      const d = a.documents.find((x) => offset >= x.offset && offset <= x.offset + x.chunkLength);
      const schema = d
        ? schemaHover(d.parsed, text.slice(d.offset, d.offset + d.chunkLength), offset - d.offset, a.kumaVersion)
        : undefined;
      if (!cross && !schema) return null;
      const range = cross?.range ?? (schema && d ? { start: schema.range.start + d.offset, end: schema.range.end + d.offset } : undefined);
      return {
        contents: { kind: MarkupKind.Markdown, value: [cross?.markdown, schema?.markdown].filter(Boolean).join('\n\n---\n\n') },
        ...(range ? { range: toLspRange(index, range) } : {}),
      };
    }),
  );

  connection.onDefinition(
    request('definition', [], (params) => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      return definitions(service, doc.getText(), doc.offsetAt(params.position), settings).map((l) => ({
        uri: l.uri,
        range: rangeIn(l.uri, l.range),
      }));
    }),
  );

  connection.onCodeAction(
    request('code actions', [], (params) => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      const text = doc.getText();
      const actions = [];
      for (const d of params.context.diagnostics) {
        if (d.source !== 'kuma' || typeof d.code !== 'string') continue;
        const range = { start: doc.offsetAt(d.range.start), end: doc.offsetAt(d.range.end) };
        const input = { code: d.code, range, data: d.data as never };
        for (const fix of [...quickFixes(input, text), ...suppressionFixes(input, text)]) {
          actions.push({
            title: fix.title,
            kind: CodeActionKind.QuickFix,
            diagnostics: [d],
            ...(fix.preferred ? { isPreferred: true } : {}),
            edit: {
              changes: {
                [doc.uri]: fix.edits.map((e) => ({
                  range: { start: doc.positionAt(e.range.start), end: doc.positionAt(e.range.end) },
                  newText: e.newText,
                })),
              },
            },
          });
        }
      }
      const range = { start: doc.offsetAt(params.range.start), end: doc.offsetAt(params.range.end) };
      const only = params.context.only;
      if (!only || only.some((k) => k.startsWith('refactor') || k === CodeActionKind.QuickFix)) {
        actions.push(...conversionActions(service, doc.uri, text, range, settings, (o) => doc.positionAt(o)));
      }
      return actions;
    }),
  );

  connection.onExecuteCommand(
    request(
      'command',
      { message: 'The command failed: see the Kuma output channel for the error.', details: [] } as ConvertCommandResult,
      (params, work) => runCommand(params.command, params.arguments ?? [], work),
    ),
  );

  /** LSP locations of workspace locations, a time slice at a time (each file's lines are indexed once). */
  async function locations(found: { uri: string; range: OffsetRange }[], work: Work) {
    const out = [];
    for (const l of found) {
      await work.tick();
      out.push({ uri: l.uri, range: rangeIn(l.uri, l.range) });
    }
    return out;
  }

  connection.onReferences(
    request('references', [], (params, work) => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      const found = references(service, doc.uri, doc.getText(), doc.offsetAt(params.position), settings, params.context.includeDeclaration);
      return locations(found, work);
    }),
  );

  connection.onPrepareRename(
    request('prepare rename', null, (params) => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return null;
      const r = prepareRename(service, doc.uri, doc.getText(), doc.offsetAt(params.position), settings);
      return r ? { range: rangeIn(doc.uri, r.range), placeholder: r.name } : null;
    }),
  );

  connection.onRenameRequest(
    request('rename', null, async (params, work) => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return null;
      const result = rename(service, doc.uri, doc.getText(), doc.offsetAt(params.position), params.newName, settings);
      // A rename that cannot be done is answered with an error the editor shows to the user.
      if ('error' in result) return new ResponseError<never>(ErrorCodes.InvalidRequest, result.error);
      const changes: Record<string, { range: ReturnType<typeof rangeIn>; newText: string }[]> = {};
      for (const [uri, edits] of result.edits) {
        await work.tick();
        changes[uri] = edits.map((e) => ({ range: rangeIn(uri, e.range), newText: e.newText }));
      }
      return { changes };
    }),
  );

  connection.languages.inlayHint.on(
    request('inlay hints', [], (params) => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      const text = doc.getText();
      // The open document keeps its own line starts, up to date with each edit.
      const index: Positions = doc;
      const range = { start: doc.offsetAt(params.range.start), end: doc.offsetAt(params.range.end) };
      return inlayHints(service, text, settings, range).map((h) => ({
        position: index.positionAt(h.offset),
        label: h.label,
        paddingLeft: true,
        ...(h.tooltip ? { tooltip: h.tooltip } : {}),
      }));
    }),
  );

  connection.onWorkspaceSymbol(
    request('workspace symbols', [], async (params, work) => {
      const out = [];
      // The editor asks again as the user types: a short query gets the first matches only.
      for (const s of workspaceSymbols(service, params.query).slice(0, MAX_WORKSPACE_SYMBOLS)) {
        await work.tick();
        out.push({
          name: s.name,
          kind: s.kind === 'Dataplane' ? SymbolKind.Interface : SymbolKind.Class,
          containerName: s.container,
          location: { uri: s.uri, range: rangeIn(s.uri, s.range) },
        });
      }
      return out;
    }),
  );

  connection.onDocumentSymbol(
    request('document symbols', [], (params) => {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      const text = doc.getText();
      // The open document keeps its own line starts, up to date with each edit.
      const index: Positions = doc;
      return documentSymbols(service.analyze(text, settings)).map((s) => ({
        name: s.name,
        detail: s.detail,
        kind: s.kind === 'Dataplane' ? SymbolKind.Interface : SymbolKind.Class,
        range: toLspRange(index, s.range),
        selectionRange: toLspRange(index, s.selectionRange),
      }));
    }),
  );

  connection.onRequest(
    FileInfoRequest,
    request('fileInfo', null as FileInfoResult | null, async (params: FileInfoParams): Promise<FileInfoResult | null> => {
      await settingsFetch;
      const doc = documents.get(params.uri);
      if (!doc) return null;
      const a = service.analyze(doc.getText(), settings);
      return {
        kumaResources: a.documents.filter((d) => d.classification.role === 'kuma').length,
        kumaVersion: a.kumaVersion,
        pinned: a.pinned,
      };
    }),
  );

  documents.listen(connection);
  connection.listen();
}
