import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type DidChangeConfigurationParams,
  type DidChangeWatchedFilesParams,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createLanguageService, DEFAULT_SETTINGS } from '../core';
import { ServerCommands } from '../protocol';
import { relExcluded, uriExcluded } from './exclude';
import { TOOLS_VERSION } from '../version';
import { registerCommands } from './commands';
import { createContext, type ServerOptions } from './context';
import { registerDiagnostics } from './diagnostics';
import { registerFeatures } from './features';
import { displayUri, readSettings, type ServerSettings } from './settings';
import { skipReason, type IndexedFile } from './workspaceFs';

/**
 * While the workspace is indexed, the facts that come back from the workers are recorded at most
 * this often: each recording makes the next request rebuild the index (time in the size of the
 * workspace), so requests meanwhile are answered against an index at most this old.
 */
const FLUSH_MS = 1000;

export type { ServerOptions } from './context';
export { MAX_WORKSPACE_SYMBOLS } from './features';

/**
 * Wires the pure core to an LSP connection: the settings, the workspace index, and the handler
 * modules (diagnostics.ts, features.ts, commands.ts), which share one `ServerContext`. Every
 * handler is guarded: a bug is logged and answered with an empty result, and the server keeps running.
 */
export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const documents = new TextDocuments(TextDocument);
  const service = createLanguageService();
  const ctx = createContext(connection, documents, service, options, {
    ...DEFAULT_SETTINGS,
    filesExclude: [],
    diagnosticsScope: 'workspace',
  });
  const diagnostics = registerDiagnostics(ctx);
  const features = registerFeatures(ctx);
  registerCommands(ctx);
  let editorExclude: string[] = [];
  const stopWatching: (() => void)[] = [];

  /** A file of the workspace not read on purpose (a named pipe, a device, over 10 MB): one line in the log. */
  const logSkipped = (uri: string, why: string) => connection.console.info(`kuma: not indexed: ${displayUri(uri)}: ${why}`);
  /** `fs.readFile`, with undefined for a file that cannot be read (logged when it is refused on purpose). */
  const readOrUndefined = (uri: string) =>
    options.fs!.readFile(uri).catch((err: unknown) => {
      const why = skipReason(err);
      if (why) logSkipped(uri, why);
      return undefined;
    });

  const excluded = () => relExcluded([...ctx.settings.filesExclude, ...editorExclude]);
  const isExcludedUri = (uri: string) => uriExcluded(ctx.workspaceFolders, [...ctx.settings.filesExclude, ...editorExclude])(uri);

  /** Takes new settings; what was wrong in them goes to the output channel (once per change). */
  function useSettings(next: ServerSettings) {
    const said = (ctx.settings.problems ?? []).join('\n');
    ctx.settings = next;
    diagnostics.settingsChanged();
    if (next.problems && next.problems.join('\n') !== said) for (const p of next.problems) connection.console.warn(`kuma: ${p}`);
  }

  /** Reads the client's settings; kuma/fileInfo waits for a read under way, to report the settings in force. */
  function fetchSettings(): Promise<void> {
    const p = readClientSettings();
    ctx.settingsRead = p;
    return p.finally(() => {
      if (ctx.settingsRead === p) ctx.settingsRead = undefined;
    });
  }

  async function readClientSettings() {
    if (!ctx.caps.configuration) return;
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
    if (!fs || ctx.workspaceFolders.length === 0) return;
    const started = Date.now();
    const progress = ctx.caps.progress ? await connection.window.createWorkDoneProgress().catch(() => undefined) : undefined;
    progress?.begin('Kuma: indexing YAML files', undefined, 'listing files');
    // The progress ends even when indexing fails (the failure is logged by the caller).
    try {
      const isExcluded = excluded();
      let count = 0;
      let changed = false;
      const uris: string[] = [];
      for (const folder of ctx.workspaceFolders) for await (const uri of fs.listYamlFiles(folder, isExcluded)) uris.push(uri);
      const report = () => progress?.report(Math.round((100 * count) / Math.max(1, uris.length)), `${count} of ${uris.length} files`);
      let inWorker = false;
      if (fs.indexFiles) {
        // Parse on other threads; this one only records the facts and keeps answering. The facts
        // come first (the index is ready as soon as every file is reduced to them); the files' own
        // checks, for the problems of files not open, follow in a second pass (checkClosedFiles).
        try {
          // Results are recorded a batch at a time, at most every FLUSH_MS: each recording makes
          // the next request rebuild the index, which costs time in the size of the workspace.
          let buffered: IndexedFile[] = [];
          let lastFlush = Date.now();
          const flush = () => {
            for (const r of buffered) if (service.setDiskFacts(r.uri, r.text, r.facts, r.fingerprint)) changed = true;
            count += buffered.length;
            buffered = [];
            lastFlush = Date.now();
            report();
          };
          await fs.indexFiles(
            uris,
            // Called from the worker's message event: a throw there would take the process down.
            ctx.guard('indexing', undefined, (r: IndexedFile) => {
              buffered.push(r);
              if (Date.now() - lastFlush >= FLUSH_MS) flush();
            }),
            undefined,
            ctx.guard('indexing', undefined, logSkipped),
            // While the user types, the next batch waits: its results would be read on this thread.
            // While files are open, a core is left to this thread (it checks them).
            { pause: diagnostics.typingPause, leaveCore: () => documents.all().length > 0 },
          );
          flush();
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
        const texts = await Promise.all(batch.map(readOrUndefined));
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
      // Even when no fact changed: hints and pulled diagnostics asked for meanwhile are refreshed.
      const revalidate = changed || documents.all().length > 0;
      if (inWorker) {
        // The open files see the whole index now; the closed ones once their own checks are back.
        if (revalidate) diagnostics.revalidateOpen();
        await checkClosedFiles(uris);
        diagnostics.indexReady();
        diagnostics.markClosed(undefined);
      } else {
        diagnostics.indexReady();
        if (revalidate) diagnostics.revalidateOpen();
        else diagnostics.markClosed(undefined);
      }
    } finally {
      progress?.done();
    }
  }

  /**
   * The files' own checks on the index workers, for the problems of files not open
   * (`kuma.diagnostics.scope: workspace`): opening one unchanged then needs only the cross-file
   * checks here (an editor restoring its tabs opens many at once).
   */
  async function checkClosedFiles(uris: string[]) {
    const fs = options.fs;
    const checkedWith = ctx.settings;
    if (!fs?.indexFiles || !checkedWith.validate || checkedWith.diagnosticsScope !== 'workspace') return;
    // The open files are checked here, as they are edited.
    const closed = uris.filter((u) => !documents.get(u));
    diagnostics.preChecking(closed);
    await fs
      .indexFiles(
        closed,
        ctx.guard('checking files', undefined, (r: IndexedFile) => preCheck(r, checkedWith)),
        {
          kumaVersion: checkedWith.kumaVersion,
          validate: checkedWith.validate,
          ...(checkedWith.severity ? { severity: checkedWith.severity } : {}),
        },
        undefined,
        // While the user types, the next batch waits: its results would be read on this thread.
        // Files opened meanwhile wait for their checks: those go first.
        { leaveCore: () => true, pause: diagnostics.typingPause, urgent: diagnostics.waitingForPreCheck },
      )
      // The closed files are then checked here instead.
      .catch((err) => connection.console.warn(`kuma: checking files on a worker thread failed (${String(err)})`))
      .finally(() => diagnostics.preCheck(undefined));
  }

  /** Records a file's own checks made by an index worker, if they still hold (the file and the settings unchanged). */
  function preCheck(r: IndexedFile, checkedWith: ServerSettings) {
    // Kept for every file not open, so kept small: the text and facts the index already holds
    // (the same strings and objects, when the file did not change since), not copies.
    const text = service.getText(r.uri);
    if (!r.local || checkedWith !== ctx.settings || text !== r.text) return diagnostics.preCheck(r.uri);
    diagnostics.preCheck(r.uri, {
      text,
      settings: checkedWith,
      local: { ...r.local, facts: service.factsFor(r.uri, text) ?? r.local.facts },
    });
  }

  const onDiskChange = ctx.guardAsync('file watching', async (uri: string, deleted: boolean) => {
    const text = !deleted && options.fs ? await readOrUndefined(uri) : undefined;
    if (service.setFile(uri, text, 'disk')) diagnostics.revalidateOpen();
    diagnostics.markClosed([uri]);
  });

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    ctx.caps = {
      configuration: !!caps.workspace?.configuration,
      pull: !!caps.textDocument?.diagnostic,
      diagnosticRefresh: !!caps.workspace?.diagnostics?.refreshSupport,
      inlayHintRefresh: !!caps.workspace?.inlayHint?.refreshSupport,
      watchRegistration: !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration,
      progress: !!caps.window?.workDoneProgress,
      changeAnnotations: !!caps.workspace?.workspaceEdit?.changeAnnotationSupport,
      createFile: !!caps.workspace?.workspaceEdit?.resourceOperations?.includes('create'),
      codeActionResolve: !!caps.textDocument?.codeAction?.resolveSupport?.properties?.includes('edit'),
      diagnosticFields: {
        codeDescription: !!caps.textDocument?.publishDiagnostics?.codeDescriptionSupport,
        data: !!caps.textDocument?.publishDiagnostics?.dataSupport,
      },
    };
    const reachable = options.fs?.handles ?? ((u: string) => u.startsWith('file:'));
    ctx.workspaceFolders = (params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : [])).filter((u) =>
      reachable(u),
    );
    if (params.initializationOptions) useSettings(readSettings(params.initializationOptions));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        ...(ctx.caps.pull ? { diagnosticProvider: { identifier: 'kuma', interFileDependencies: true, workspaceDiagnostics: false } } : {}),
        completionProvider: { triggerCharacters: [' ', ':'] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite], resolveProvider: true },
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
    ctx.guardAsync('initialized', async () => {
      if (ctx.caps.configuration) {
        void connection.client.register(DidChangeConfigurationNotification.type, { section: 'kuma' }).catch(() => undefined);
        const before = ctx.settings;
        await fetchSettings();
        if (before !== ctx.settings) diagnostics.revalidateOpen();
      }
      // The output channel's first line: which server, which Kuma version and which folders.
      const folders = ctx.workspaceFolders.length
        ? `workspace folders: ${ctx.workspaceFolders.map(displayUri).join(', ')}`
        : 'no workspace folder';
      connection.console.info(
        `kuma-language-server ${TOOLS_VERSION} started: Kuma ${ctx.settings.kumaVersion} (${ctx.settings.versionSet ? 'setting kuma.version' : 'default'}), ${folders}`,
      );
      if (ctx.caps.watchRegistration) {
        void connection.client
          .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{yaml,yml}' }] })
          .catch(() => undefined);
      } else if (options.fs) {
        for (const folder of ctx.workspaceFolders)
          stopWatching.push(options.fs.watch(folder, (uri, deleted) => void (isExcludedUri(uri) || onDiskChange(uri, deleted))));
      }
      // Compile the validators of the configured version while the editor is still opening files.
      setImmediate(ctx.guard('warm up', undefined, features.warmUp));
      void indexWorkspace().catch((err) => ctx.logFailure('indexing', err));
    }),
  );

  connection.onDidChangeWatchedFiles(
    ctx.guard('watched files', undefined, (params: DidChangeWatchedFilesParams) => {
      for (const change of params.changes) {
        if (isExcludedUri(change.uri)) continue;
        void onDiskChange(change.uri, change.type === FileChangeType.Deleted);
      }
    }),
  );

  connection.onDidChangeConfiguration(
    ctx.guardAsync('configuration', async (change: DidChangeConfigurationParams) => {
      if (ctx.caps.configuration) await fetchSettings();
      else if (change.settings) useSettings(readSettings(change.settings));
      diagnostics.revalidateOpen();
    }),
  );

  connection.onShutdown(ctx.guard('shutdown', undefined, () => stopWatching.forEach((stop) => stop())));
  // Then the library ends the process: index workers are stopped first, whatever they are doing.
  connection.onExit(() => {
    stopWatching.forEach((stop) => stop());
    options.fs?.dispose?.();
  });

  documents.listen(connection);
  connection.listen();
}
