import {
  DidChangeConfigurationNotification,
  DocumentDiagnosticReportKind,
  TextDocumentSyncKind,
  TextDocuments,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createLanguageService, DEFAULT_SETTINGS, type Settings } from '../core/languageService';
import { isKumaVersion, normalizeKumaVersion } from '../core/versions';
import { FileInfoRequest, type FileInfoParams, type FileInfoResult } from '../protocol';
import { toLspDiagnostics } from './convert';

/** Reads our settings out of whatever shape a client sends (`{kuma: {...}}` or the section itself). */
export function readSettings(raw: unknown): Settings {
  const obj = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const kuma = (obj.kuma && typeof obj.kuma === 'object' ? obj.kuma : obj) as Record<string, unknown>;
  const v = kuma.version;
  const version = typeof v === 'string' ? (isKumaVersion(v) ? v : normalizeKumaVersion(v)) : undefined;
  const validate = kuma.validate as Record<string, unknown> | boolean | undefined;
  const enable = typeof validate === 'object' && validate !== null ? validate.enable : validate;
  return {
    kumaVersion: version ?? DEFAULT_SETTINGS.kumaVersion,
    validate: typeof enable === 'boolean' ? enable : DEFAULT_SETTINGS.validate,
  };
}

/**
 * Wires the pure core to an LSP connection. Every handler is guarded: a bug is logged and
 * answered with an empty result, and the server keeps running.
 */
export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const service = createLanguageService();
  let settings: Settings = DEFAULT_SETTINGS;
  let configurationSupport = false;
  let pullSupport = false;
  let refreshSupport = false;
  const pending = new Map<string, ReturnType<typeof setImmediate>>();

  const guard =
    <A extends unknown[], R>(name: string, fallback: R, fn: (...args: A) => R) =>
    (...args: A): R => {
      try {
        return fn(...args);
      } catch (err) {
        connection.console.error(`kuma: ${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        return fallback;
      }
    };

  function diagnose(doc: TextDocument) {
    const text = doc.getText();
    const analysis = service.analyze(text, settings);
    return toLspDiagnostics(doc.uri, text, analysis.diagnostics);
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

  function revalidateAll() {
    for (const doc of documents.all()) schedule(doc.uri);
    if (pullSupport && refreshSupport) void connection.languages.diagnostics.refresh();
  }

  async function fetchSettings() {
    if (!configurationSupport) return;
    try {
      const [kuma] = await connection.workspace.getConfiguration([{ section: 'kuma' }]);
      settings = readSettings(kuma);
    } catch (err) {
      connection.console.warn(`kuma: could not read settings, using defaults: ${String(err)}`);
    }
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    configurationSupport = !!caps.workspace?.configuration;
    pullSupport = !!caps.textDocument?.diagnostic;
    refreshSupport = !!caps.workspace?.diagnostics?.refreshSupport;
    if (params.initializationOptions) settings = readSettings(params.initializationOptions);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        ...(pullSupport ? { diagnosticProvider: { identifier: 'kuma', interFileDependencies: false, workspaceDiagnostics: false } } : {}),
      },
      serverInfo: { name: 'kuma-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(async () => {
    if (configurationSupport) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'kuma' }).catch(() => undefined);
      const before = settings;
      await fetchSettings();
      if (before !== settings) revalidateAll();
    }
  });

  connection.onDidChangeConfiguration(async (change) => {
    if (configurationSupport) await fetchSettings();
    else if (change.settings) settings = readSettings(change.settings);
    revalidateAll();
  });

  documents.onDidOpen((e) => schedule(e.document.uri));
  documents.onDidChangeContent((e) => schedule(e.document.uri));
  documents.onDidClose((e) => {
    const p = pending.get(e.document.uri);
    if (p) clearImmediate(p);
    pending.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.languages.diagnostics.on(
    guard('pull diagnostics', { kind: DocumentDiagnosticReportKind.Full, items: [] }, (params) => {
      const doc = documents.get(params.textDocument.uri);
      return { kind: DocumentDiagnosticReportKind.Full, items: doc ? diagnose(doc) : [] };
    }),
  );

  connection.onRequest(
    FileInfoRequest,
    guard('fileInfo', null as FileInfoResult | null, (params: FileInfoParams): FileInfoResult | null => {
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
