import {
  LSPErrorCodes,
  ResponseError,
  TextDocuments,
  type CancellationToken,
  type Connection,
  type Diagnostic,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { LineIndex, type LanguageService, type OffsetRange } from '../core';
import { ALL_FIELDS, toLspRange, type LspFields } from './convert';
import type { ServerSettings } from './settings';
import type { WorkspaceFs } from './workspaceFs';
import { Cancelled, Work } from './work';

export interface ServerOptions {
  /** Access to files that are not open; without it the index follows open files only. */
  fs?: WorkspaceFs;
  /**
   * Called on entry of every handler with its name (`hover`, `document change`, ...); tests
   * make it throw to check that a failing handler is contained (see KUMA_LS_INJECT_FAULT).
   */
  injectFault?: (handler: string) => void;
}

/** What the client said it can do, read at `initialize`. */
export interface ClientCaps {
  configuration: boolean;
  pull: boolean;
  diagnosticRefresh: boolean;
  inlayHintRefresh: boolean;
  watchRegistration: boolean;
  progress: boolean;
  changeAnnotations: boolean;
  createFile: boolean;
  /** `codeAction/resolve` for the edit: costly edits are made when the user picks the action. */
  codeActionResolve: boolean;
  /** The optional diagnostic fields the client reads (see `LspFields`). */
  diagnosticFields: LspFields;
}

/**
 * What the handler modules of the server share: the connection, the open documents, the core's
 * language service, the settings in force and the client's capabilities (both replaced, never
 * patched), and the guards every handler runs in.
 */
export interface ServerContext {
  readonly connection: Connection;
  readonly documents: TextDocuments<TextDocument>;
  readonly service: LanguageService;
  readonly options: ServerOptions;
  settings: ServerSettings;
  /** A read of the client's settings under way, if any (requests that report settings wait for it). */
  settingsRead?: Promise<void>;
  caps: ClientCaps;
  workspaceFolders: string[];
  /** When the last request came (`Date.now()`): work that can wait runs while the editor is idle. */
  lastRequest: number;
  logFailure(name: string, err: unknown): void;
  /** A notification handler or callback: a failure is logged and the server carries on. */
  guard<A extends unknown[], R>(name: string, fallback: R, fn: (...args: A) => R): (...args: A) => R;
  /** The same for asynchronous callbacks (configuration, file watching). */
  guardAsync<A extends unknown[]>(name: string, fn: (...args: A) => Promise<void>): (...args: A) => Promise<void>;
  /**
   * A request handler: a failure is logged and answered with the fallback (an empty result);
   * a request the client cancelled (before or while it runs) is answered RequestCancelled.
   */
  request<P, R>(
    name: string,
    fallback: R,
    fn: (params: P, work: Work) => R | ResponseError<never> | Promise<R | ResponseError<never>>,
  ): (params: P, token: CancellationToken) => Promise<R | ResponseError<never>>;
  /** The current text of a workspace file: the open buffer, else the indexed text on disk. */
  textOf(uri: string): string | undefined;
  /** Line starts of a file's text, computed once per text and updated after an edit. */
  lineIndex(uri: string, text: string): LineIndex;
  /** LSP range of file offsets in any workspace file (open or on disk), against its current text. */
  rangeIn(uri: string, r: OffsetRange): ReturnType<typeof toLspRange>;
  /** Forgets what was kept for a file (its line starts), when it is closed. */
  forget(uri: string): void;
  /**
   * Brings the recorded facts of an open file up to date with its text: edits record them with
   * their (coalesced) check, so a request that reads the workspace index calls this first.
   */
  syncFacts(uri: string): void;
  /** What an open file's diagnostics were last sent as (pushed or pulled), to find a diagnostic's data again. */
  sentDiagnostics(uri: string): readonly Diagnostic[] | undefined;
}

export const NO_CAPS: ClientCaps = {
  configuration: false,
  pull: false,
  diagnosticRefresh: false,
  inlayHintRefresh: false,
  watchRegistration: false,
  progress: false,
  changeAnnotations: false,
  createFile: false,
  codeActionResolve: false,
  diagnosticFields: ALL_FIELDS,
};

export function createContext(
  connection: Connection,
  documents: TextDocuments<TextDocument>,
  service: LanguageService,
  options: ServerOptions,
  settings: ServerSettings,
): ServerContext {
  const logFailure = (name: string, err: unknown) =>
    connection.console.error(`kuma: ${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  const lineIndexes = new Map<string, LineIndex>();
  const ctx: ServerContext = {
    connection,
    documents,
    service,
    options,
    settings,
    caps: NO_CAPS,
    workspaceFolders: [],
    lastRequest: 0,
    logFailure,
    guard:
      <A extends unknown[], R>(name: string, fallback: R, fn: (...args: A) => R) =>
      (...args: A): R => {
        try {
          options.injectFault?.(name);
          return fn(...args);
        } catch (err) {
          logFailure(name, err);
          return fallback;
        }
      },
    guardAsync:
      <A extends unknown[]>(name: string, fn: (...args: A) => Promise<void>) =>
      async (...args: A): Promise<void> => {
        try {
          options.injectFault?.(name);
          await fn(...args);
        } catch (err) {
          logFailure(name, err);
        }
      },
    request:
      <P, R>(name: string, fallback: R, fn: (params: P, work: Work) => R | ResponseError<never> | Promise<R | ResponseError<never>>) =>
      async (params: P, token: CancellationToken): Promise<R | ResponseError<never>> => {
        ctx.lastRequest = Date.now();
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
      },
    textOf: (uri) => documents.get(uri)?.getText() ?? service.getText(uri),
    lineIndex(uri, text) {
      let li = lineIndexes.get(uri);
      if (!li || li.text !== text) {
        // After an edit only the changed lines are re-scanned.
        li = li ? LineIndex.update(li, text) : new LineIndex(text);
        lineIndexes.set(uri, li);
      }
      return li;
    },
    rangeIn(uri, r) {
      // An open document keeps its own line starts up to date with each edit: a range in a large
      // file being typed in (a duplicate's other declaration) re-scans nothing.
      const doc = documents.get(uri);
      return toLspRange(doc ?? ctx.lineIndex(uri, ctx.textOf(uri) ?? ''), r);
    },
    forget(uri) {
      lineIndexes.delete(uri);
    },
    syncFacts: () => undefined,
    sentDiagnostics: () => undefined,
  };
  return ctx;
}
