import { DocumentDiagnosticReportKind, type Diagnostic, type DocumentDiagnosticReport } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { conversionActions, digest, LineIndex, type KumaDiagnostic, type LocalAnalysis } from '../core';
import type { ServerContext } from './context';
import { toLspDiagnostics } from './convert';
import type { ServerSettings } from './settings';

/** What the rest of the server asks of the diagnostics. */
export interface Diagnostics {
  /** Re-checks open files (all, or all but the one just edited) and schedules the closed ones. */
  revalidateOpen(except?: string): void;
  /** Schedules closed files (undefined: all) for a pass after `delay` ms. */
  markClosed(uris: string[] | undefined, delay?: number): void;
  /** The index is ready: closed files can be reported from now on. */
  indexReady(): void;
  /** The index workers are about to check these files' own problems (see `preCheck`). */
  preChecking(uris: Iterable<string>): void;
  /**
   * A file's own checks made by the index workers with the settings then in force, or undefined
   * when they are of no use (the file changed, or the settings did); `preChecking` is over when
   * `uri` is undefined.
   */
  preCheck(uri: string | undefined, pre?: { text: string; settings: ServerSettings; local: LocalAnalysis }): void;
  /** Open files waiting for their checks from the index workers: the workers take them first. */
  waitingForPreCheck(): Iterable<string>;
  /** Settings changed: what was checked with the old ones is forgotten. */
  settingsChanged(): void;
  /** How long background work should wait before its next step: the user is typing (0: go on). */
  typingPause(): number;
}

/**
 * Diagnostics of open files (pushed, and pulled by clients that pull) and of the files that are
 * not open (pushed, `kuma.diagnostics.scope`). Never sends results for an old version.
 */
/** Files of more documents than this warm the keystroke path up when first checked (see `warmUpKeystrokes`). */
const WARM_UP_DOCUMENTS = 64;
const WARM_UP_URI = 'kuma-warm-up:/keystrokes.yaml';
const WARM_UP_SERVICE =
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: warm\n  namespace: warm\nspec:\n  selector:\n    app: warm\n  ports:\n  - port: 80\n    targetPort: 8080\n';
/** How long the editor must have sent nothing before a step of the warm-up runs. */
const WARM_UP_IDLE_MS = 150;
/** Turns of the event loop a check waits for newer changes of its document (see `schedule`). */
const QUIET_TURNS = 2;
/** How long after the last change of an open file the files not open are checked again (typing pauses). */
const TYPING_PAUSE_MS = 250;
/** The longest the files not open hold the thread at a time, between turns of the event loop. */
const CLOSED_SLICE_MS = 4;
/** The longest a refresh of a stale answer holds the thread at a time: the user is typing in that file. */
const REFRESH_SLICE_MS = 2;
/** The longest a file opened unchanged waits for its checks from the index workers before it is checked here. */
const PRE_CHECK_WAIT_MS = 1000;

export function registerDiagnostics(ctx: ServerContext): Diagnostics {
  const { connection, documents, service } = ctx;
  const pending = new Map<string, ReturnType<typeof setImmediate>>();
  let indexed = false;
  /** When a file was last opened or changed (`Date.now()`): the warm-up waits for a quiet editor. */
  let lastChange = 0;
  /** When an open file was last edited: the files not open wait while the user types (not while an editor opens files). */
  let lastEdit = 0;

  /**
   * Workspace files whose own checks the indexer ran on its threads, with the settings then in
   * force: a file opened unchanged needs only the cross-file checks here (an editor restoring
   * its tabs opens many at once).
   */
  const preChecked = new Map<string, { text: string; settings: ServerSettings; local: LocalAnalysis }>();
  /** What each open file's diagnostics were last answered with (see `ServerContext.sentDiagnostics`). */
  const lastSent = new Map<string, Diagnostic[]>();
  function sent(uri: string, items: Diagnostic[]): Diagnostic[] {
    if (documents.get(uri)) lastSent.set(uri, items);
    return items;
  }
  /** Files the index workers are checking (their results are on the way). */
  const preChecking = new Set<string>();
  /**
   * Files opened unedited while the workers check them: checked here, they would be parsed and
   * checked twice (here and there) while the thread that answers the editor has a queue of them
   * (an editor restoring its tabs, a script opening a folder). They wait for the workers, which
   * take them first, for `PRE_CHECK_WAIT_MS` at most.
   */
  const waiting = new Set<string>();
  /** Open files edited since they were opened: the workers' check of the text on disk is of no use to them. */
  const typed = new Set<string>();
  let waitTimer: ReturnType<typeof setTimeout> | undefined;
  function stopWaiting(uri: string) {
    if (waiting.delete(uri)) schedule(uri, 0);
  }

  /**
   * The LSP diagnostics of an open document. `stale`: a large file may keep the cross-file checks
   * of the documents its last edit left alone (see the core's `DiagnoseOptions`); `refresh` follows.
   */
  function diagnose(doc: TextDocument, allowStale = false): { items: Diagnostic[]; stale: boolean; documents: number } {
    const text = doc.getText();
    const pre = preChecked.get(doc.uri);
    let diagnostics;
    let stale = false;
    let documents = 0;
    // The worker's checks spare a parse here, unless this thread parsed the text already (a file
    // opened before the indexer reached it): then its own caches serve, and are kept warm for
    // the first keystroke.
    if (pre && pre.text === text && pre.settings === ctx.settings && !service.parsedHere(doc.uri, text))
      diagnostics = service.diagnoseLocal(doc.uri, text, pre.local, ctx.settings);
    else {
      if (pre) preChecked.delete(doc.uri);
      const analysis = service.diagnose(doc.uri, text, ctx.settings, { stale: allowStale });
      diagnostics = analysis.diagnostics;
      stale = analysis.stale === true;
      documents = analysis.documents.length;
    }
    // The document keeps its own line starts up to date with each edit: no re-scan per keystroke.
    return {
      items: sent(doc.uri, toLspDiagnostics(doc.uri, doc, diagnostics, ctx.rangeIn, true, ctx.caps.diagnosticFields)),
      stale,
      documents,
    };
  }

  /**
   * Once a large file is open: its first keystrokes would run the edit's paths (facts, re-checks,
   * limits, conversion) for the first time, uncompiled. They run on a synthetic file of the core's
   * own, a step at a time, whenever the editor has sent nothing for `WARM_UP_IDLE_MS`: never in
   * the way of a request or a keystroke.
   */
  let warmedKeystrokes = false;
  function warmUpKeystrokes() {
    warmedKeystrokes = true;
    const steps = service.warmUpKeystrokes(ctx.settings.kumaVersion);
    const step = ctx.guard('warm up', undefined, () => {
      const idle = Date.now() - Math.max(lastChange, ctx.lastRequest);
      if (idle < WARM_UP_IDLE_MS || pending.size > 0) {
        setTimeout(step, WARM_UP_IDLE_MS - Math.max(0, idle));
        return;
      }
      const next = actions.shift();
      if (next) {
        next();
        setTimeout(step, 0);
        return;
      }
      const r = steps.next();
      if (!r.done) {
        setTimeout(step, 0);
        return;
      }
      toLspDiagnostics(WARM_UP_URI, new LineIndex(r.value.text), r.value.diagnostics, ctx.rangeIn, true, ctx.caps.diagnosticFields);
      // The code actions VS Code asks for as the cursor moves, on a MeshService, a Dataplane and
      // a Service: their first request would run the conversions (and the selector plans of the
      // whole workspace) uncompiled. One idle step each.
      const text = `${r.value.text}---\n${WARM_UP_SERVICE}`;
      for (const at of ['type: MeshService', 'type: Dataplane', 'kind: Service']) {
        const offset = text.lastIndexOf(at);
        if (offset >= 0) actions.push(() => conversionActions(service, text, { start: offset, end: offset }, ctx.settings));
      }
      if (actions.length) setTimeout(step, 0);
    });
    const actions: (() => void)[] = [];
    setTimeout(step, WARM_UP_IDLE_MS);
  }

  /** Per open file, the refresh under way (see `refresh`): a newer one replaces it. */
  const refreshing = new Map<string, object>();

  /**
   * Brings a stale answer up to date: the file's cross-file checks, a document at a time, in
   * slices between which queued messages are read; given up when the document changes (its
   * next check starts another) or the settings do. Then pushes the result (as `schedule` does),
   * and asks a client that pulls to pull again.
   */
  function refresh(uri: string) {
    const doc = documents.get(uri);
    if (!doc) return;
    const token = {};
    refreshing.set(uri, token);
    const { version } = doc;
    const settings = ctx.settings;
    const steps = service.refreshSteps(uri, doc.getText(), settings);
    const step = ctx.guard('refresh diagnostics', undefined, () => {
      const now = documents.get(uri);
      if (refreshing.get(uri) !== token) return;
      if (!now || now.version !== version || ctx.settings !== settings || pending.has(uri)) {
        refreshing.delete(uri);
        return;
      }
      const started = Date.now();
      for (;;) {
        const r = steps.next();
        if (r.done) {
          refreshing.delete(uri);
          void connection.sendDiagnostics({
            uri,
            version,
            diagnostics: sent(uri, toLspDiagnostics(uri, now, r.value.diagnostics, ctx.rangeIn, true, ctx.caps.diagnosticFields)),
          });
          if (ctx.caps.pull && ctx.caps.diagnosticRefresh) void connection.languages.diagnostics.refresh().catch(() => undefined);
          return;
        }
        if (Date.now() - started > REFRESH_SLICE_MS) break;
      }
      setImmediate(step);
    });
    setImmediate(step);
  }

  /**
   * Pushes diagnostics for a document on the next turn of the event loop, so a burst of
   * changes already queued is folded into one check. Never sends results for an old version.
   */
  /** Open files edited since their facts were last recorded (see `syncFacts`). */
  const edited = new Set<string>();

  /** Records the facts of an edited open file's current text, if they are behind. */
  function syncFacts(uri: string): void {
    if (!edited.delete(uri)) return;
    const doc = documents.get(uri);
    if (doc && service.setFile(uri, doc.getText(), 'open')) revalidateOpen(uri);
  }

  /**
   * Checks a document and pushes its diagnostics once the changes already queued behind this one
   * have been read: a burst of edits (fast typing, multi-cursor, undo) is checked once, at its
   * latest version, instead of version by version. The message reader hands each queued message
   * over on a turn of the event loop of its own, so the check waits `QUIET_TURNS` turns with no
   * newer change first. Never sends results for an old version.
   */
  function schedule(uri: string, turns = QUIET_TURNS) {
    const old = pending.get(uri);
    if (old) clearImmediate(old);
    pending.set(
      uri,
      setImmediate(
        ctx.guard('validate', undefined, () => {
          pending.delete(uri);
          if (turns > 0) return schedule(uri, turns - 1);
          const doc = documents.get(uri);
          if (!doc) return;
          if (preChecking.has(uri) && !preChecked.has(uri) && !typed.has(uri) && ctx.settings.validate) {
            waiting.add(uri);
            // The index records the file's facts meanwhile: the workers read them from the disk too.
            waitTimer ??= setTimeout(() => {
              waitTimer = undefined;
              for (const u of [...waiting]) stopWaiting(u);
            }, PRE_CHECK_WAIT_MS);
            return;
          }
          syncFacts(uri);
          const version = doc.version;
          const { items, stale, documents: count } = diagnose(doc, true);
          if (documents.get(uri)?.version !== version) return;
          // What follows waits until the list is written: the transport encodes and writes a
          // message on later turns of the event loop (and a socket's in parts), so work started
          // here would run first and hold the list the editor waits for.
          const written = connection.sendDiagnostics({ uri, version, diagnostics: items });
          const after = ctx.guard('validate', undefined, () => {
            if (stale) refresh(uri);
            // A large file just opened: its first keystroke compares documents, not the whole file.
            if (count > WARM_UP_DOCUMENTS && documents.get(uri)?.version === version) service.prepareEdits(uri, doc.getText());
            if (count > WARM_UP_DOCUMENTS && !warmedKeystrokes) warmUpKeystrokes();
          });
          void written.then(after, after);
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
    const others = ctx.guard('revalidate', undefined, () => {
      for (const doc of documents.all()) if (doc.uri !== except) schedule(doc.uri);
      if (ctx.caps.pull && ctx.caps.diagnosticRefresh) void connection.languages.diagnostics.refresh().catch(() => undefined);
      // "selects N Dataplanes" and the "→ port" hints read the index: a restored tab that asked
      // before the index was ready would keep showing what it got then.
      if (ctx.caps.inlayHintRefresh) void connection.languages.inlayHint.refresh().catch(() => undefined);
    });
    if (except) setTimeout(others, 30);
    else others();
    // While the user types, the files not open wait until the typing pauses.
    markClosed(undefined, except ? TYPING_PAUSE_MS : 0);
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

  /** Schedules the given closed files (undefined: all of them) for a pass after `delay` ms. */
  function markClosed(uris: string[] | undefined, delay = 0) {
    if (!indexed) return;
    if (uris) for (const u of uris) closedDirty.add(u);
    else closedAll = true;
    armClosed(delay);
  }

  /** How long background work waits before its next step: until the typing pauses (0: it has). */
  function typingPause(): number {
    return Math.max(0, TYPING_PAUSE_MS - (Date.now() - lastEdit));
  }

  /** (Re)starts the timer of the next pass over the files not open. */
  function armClosed(delay: number) {
    if (closedTimer) clearTimeout(closedTimer);
    closedTimer = setTimeout(() => {
      closedTimer = undefined;
      void publishClosed().catch((err) => ctx.logFailure('problems of files not open', err));
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
        for (let i = 0; i < todo.length; i++) {
          // Marked "all" again meanwhile (settings, facts): start over with the new state.
          if (closedAll) break;
          if (Date.now() - slice > CLOSED_SLICE_MS) {
            await new Promise((r) => setImmediate(r));
            slice = Date.now();
          }
          // The user is typing (a check of an open file is queued, or one changed just now): the
          // rest waits for the pause, so a keystroke never queues behind slices of this pass.
          const typing = typingPause();
          if (typing > 0) {
            if (all) closedAll = true;
            else for (const u of todo.slice(i)) closedDirty.add(u);
            armClosed(typing);
            return;
          }
          publishClosedFile(todo[i]);
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
    const text = ctx.settings.validate && ctx.settings.diagnosticsScope === 'workspace' ? service.getText(uri) : undefined;
    let diagnostics: KumaDiagnostic[] = [];
    if (text !== undefined) {
      const pre = preChecked.get(uri);
      diagnostics =
        pre && pre.text === text && pre.settings === ctx.settings
          ? service.diagnoseLocal(uri, text, pre.local, ctx.settings)
          : service.diagnose(uri, text, ctx.settings).diagnostics;
      // Hints (the upgrade lint of a 2.x file) show in an open file's editor only: no Problems entry to make.
      diagnostics = diagnostics.filter((d) => d.severity !== 'hint');
    }
    const key = diagnostics.length ? digest(JSON.stringify(diagnostics)) : '';
    if (!force && key === (closedSent.get(uri) ?? '')) return;
    if (key) closedSent.set(uri, key);
    else closedSent.delete(uri);
    // A closed file's line starts are needed once per change: not kept.
    const items = diagnostics.length
      ? toLspDiagnostics(uri, new LineIndex(text!), diagnostics, ctx.rangeIn, false, ctx.caps.diagnosticFields)
      : [];
    void connection.sendDiagnostics({ uri, diagnostics: items });
  }

  const onOpenOrChange = ctx.guard('document change', undefined, (doc: TextDocument) => {
    // The open file's own diagnostics replace what it was sent while closed.
    closedSent.delete(doc.uri);
    // The facts (what other files' checks read) are recorded with the check, for the latest
    // version only; a request that reads them first brings them up to date (syncFacts).
    edited.add(doc.uri);
    lastChange = Date.now();
    schedule(doc.uri);
  });
  // The library fires onDidChangeContent right after onDidOpen for the same document: that is no edit.
  let opening: string | undefined;
  documents.onDidOpen((e) => {
    opening = e.document.uri;
    onOpenOrChange(e.document);
  });
  documents.onDidChangeContent((e) => {
    if (opening === e.document.uri) opening = undefined;
    else {
      lastEdit = Date.now();
      ctx.options.fs?.typing?.(TYPING_PAUSE_MS);
      typed.add(e.document.uri);
      waiting.delete(e.document.uri);
    }
    onOpenOrChange(e.document);
  });
  documents.onDidClose(
    ctx.guard('close', undefined, (e: { document: TextDocument }) => {
      const p = pending.get(e.document.uri);
      if (p) clearImmediate(p);
      pending.delete(e.document.uri);
      edited.delete(e.document.uri);
      typed.delete(e.document.uri);
      lastSent.delete(e.document.uri);
      waiting.delete(e.document.uri);
      ctx.forget(e.document.uri);
      if (service.setFile(e.document.uri, undefined, 'open')) revalidateOpen();
      // Closed, the file shows the problems of its text on disk (kuma.diagnostics.scope), or none.
      if (indexed) publishClosedFile(e.document.uri, true);
      else void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    }),
  );

  connection.languages.diagnostics.on(
    ctx.request('pull diagnostics', { kind: DocumentDiagnosticReportKind.Full, items: [] } as DocumentDiagnosticReport, (params) => {
      const doc = documents.get(params.textDocument.uri);
      const { items, stale } = doc ? diagnose(doc, true) : { items: [], stale: false };
      if (doc && stale) refresh(doc.uri);
      // The id names the result itself: the same problems as last time are answered "unchanged".
      const resultId = digest(JSON.stringify(items));
      return params.previousResultId === resultId
        ? { kind: DocumentDiagnosticReportKind.Unchanged, resultId }
        : { kind: DocumentDiagnosticReportKind.Full, resultId, items };
    }),
  );

  ctx.syncFacts = syncFacts;
  ctx.sentDiagnostics = (uri) => lastSent.get(uri);
  return {
    revalidateOpen,
    markClosed,
    indexReady() {
      indexed = true;
    },
    preChecking(uris) {
      for (const u of uris) preChecking.add(u);
    },
    preCheck(uri, pre) {
      if (uri === undefined) {
        preChecking.clear();
        for (const u of [...waiting]) stopWaiting(u);
        return;
      }
      preChecking.delete(uri);
      if (pre) preChecked.set(uri, pre);
      stopWaiting(uri);
    },
    waitingForPreCheck: () => waiting,
    settingsChanged() {
      preChecked.clear();
      for (const u of [...waiting]) stopWaiting(u);
      preChecking.clear();
    },
    typingPause,
  };
}
