import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { IndexedFile, WorkspaceFs } from '../lsp/workspaceFs';
import { readTextFile } from './readFile';

const SKIP = new Set(['node_modules', '.git']);
const YAML = /\.ya?ml$/i;

/** The index workers running, to stop when the server exits. */
const live = new Set<Worker>();

/**
 * Shared with every index worker: 1 while the user types (see `typing`). A worker reads it between
 * two files and waits while it is set, so a keystroke does not share the cores with a batch that
 * was handed out before it.
 */
const typingFlag = new Int32Array(new SharedArrayBuffer(4));
let typingTimer: ReturnType<typeof setTimeout> | undefined;

/** The workspace on the local disk, for LSP clients that do not serve files themselves. */
export const nodeFs: WorkspaceFs = {
  async *listYamlFiles(folderUri, isExcluded) {
    const root = fileURLToPath(folderUri);
    const stack = [root];
    while (stack.length) {
      const dir = stack.pop()!;
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        const full = path.join(dir, e.name);
        const rel = path.relative(root, full).split(path.sep).join('/');
        if (e.isDirectory()) {
          if (!SKIP.has(e.name) && !isExcluded(rel)) stack.push(full);
        } else if (YAML.test(e.name) && !isExcluded(rel)) yield pathToFileURL(full).toString();
      }
    }
  },
  // A synchronous read of a manifest takes microseconds; the promise API costs more than the
  // read itself for thousands of small files. Regular files only, up to the size limit.
  readFile: async (uri) => readTextFile(fileURLToPath(uri)),
  indexFiles(uris, onResult, settings, onSkip, background) {
    const script = path.join(__dirname, 'indexer.node.js');
    // Without the bundled worker (tests run the sources), the server indexes on its own thread.
    if (!fs.existsSync(script)) return Promise.reject(new Error('no indexer worker'));
    // One worker per core (up to four): parsing is what indexing spends its time on.
    // In the background, one core is left to the thread that answers the editor (typing goes on),
    // until the editor waits for some of the files (`urgent`): then a worker joins on that core.
    const most = Math.max(1, Math.min(4, os.availableParallelism(), Math.ceil(uris.length / 50)));
    const fewer = Math.max(1, Math.min(most, os.availableParallelism() - 1));
    const workers = background?.leaveCore?.() ? fewer : most;
    // Files go out in batches as workers finish the previous one, so that they all finish
    // together however the work is spread; the paths are made here, while the workers start.
    // Smaller batches while a core is left to the editor: a batch already asked for cannot wait
    // for a pause in the typing, and its results arrive on the thread that answers the editor.
    const batchSize = () => (background?.leaveCore?.() ? 10 : 40);
    let next = 0;
    // The files still to do, when some may be taken out of order (urgent ones).
    const todo = background?.urgent ? new Set(uris) : undefined;
    const left = () => (todo ? todo.size : uris.length - next);
    const urgentLeft = () => {
      if (todo) for (const uri of background?.urgent?.() ?? []) if (todo.has(uri)) return true;
      return false;
    };
    const take = () => {
      const BATCH = batchSize();
      const batch: string[] = [];
      if (todo)
        for (const uri of background?.urgent?.() ?? []) {
          if (batch.length === BATCH) break;
          if (todo.delete(uri)) batch.push(uri);
        }
      while (batch.length < BATCH && next < uris.length) {
        const uri = uris[next++];
        if (!todo || todo.delete(uri)) batch.push(uri);
      }
      return batch.map((uri) => ({ uri, path: fileURLToPath(uri) }));
    };
    return new Promise<void>((resolve, reject) => {
      let running = 0;
      const start = () => {
        running++;
        let finished = false;
        // A worker's garbage is short-lived (each file's parse). V8's default young generation
        // grows to 32 MiB per thread; 10 MiB keeps the peak RSS of a 1,000-file workspace near
        // 135 MiB (156 with 16) for about 0.1 s more collecting per worker than the default.
        const worker = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: 10 }, workerData: { typing: typingFlag } });
        live.add(worker);
        // Each worker has one batch queued behind the one it works on: it goes on while this
        // thread is busy (opening a large file) instead of waiting to be handed the next.
        let outstanding = 0;
        let waiting = false;
        const post = () => {
          const files = take();
          if (files.length === 0) return false;
          worker.postMessage({ files, settings });
          outstanding++;
          return true;
        };
        const finish = () => {
          finished = true;
          void worker.terminate();
          if (--running === 0) resolve();
        };
        const send = () => {
          const wait = background?.pause?.() ?? 0;
          if (wait > 0) {
            if (!waiting) {
              waiting = true;
              setTimeout(() => {
                waiting = false;
                send();
              }, wait);
            }
            return;
          }
          // The editor waits for some files: a worker joins, if worth its start (tens of
          // milliseconds) with a few batches left. It has files open: a core is left to it.
          const urgent = urgentLeft();
          if (running < most && left() > 2 * batchSize() && urgent) start();
          const stop = !urgent && running > fewer && background?.leaveCore?.();
          while (!stop && outstanding < 2 && post());
          if (outstanding === 0) finish();
        };
        worker.on('message', (m: { results: IndexedFile[]; skipped?: { uri: string; why: string }[]; done?: boolean }) => {
          for (const r of m.results) onResult(r);
          for (const s of m.skipped ?? []) onSkip?.(s.uri, s.why);
          if (!m.done) return;
          outstanding--;
          if (!waiting) send();
        });
        worker.on('error', reject);
        // A worker that dies without an error (out of memory) must not leave indexing waiting forever.
        worker.on('exit', (code) => {
          live.delete(worker);
          if (!finished) reject(new Error(`indexer worker exited (code ${code})`));
        });
        send();
      };
      for (let i = 0; i < workers; i++) start();
    });
  },
  typing(ms) {
    Atomics.store(typingFlag, 0, 1);
    if (typingTimer) clearTimeout(typingTimer);
    typingTimer = setTimeout(() => {
      typingTimer = undefined;
      Atomics.store(typingFlag, 0, 0);
      Atomics.notify(typingFlag, 0);
    }, ms);
    // Not a reason to keep the process alive.
    typingTimer.unref?.();
  },
  dispose() {
    for (const w of live) void w.terminate();
    live.clear();
    Atomics.store(typingFlag, 0, 0);
    Atomics.notify(typingFlag, 0);
  },
  watch(folderUri, onChange) {
    return watchTree(fileURLToPath(folderUri), onChange);
  },
};

/** At most this many folders are watched per workspace folder (one inotify watch each). */
const MAX_WATCHED_DIRS = 20_000;

/**
 * Watches a folder tree for YAML files created, changed or deleted: one plain `fs.watch` per
 * folder, set up by an asynchronous walk that yields between folders. (Node 20's recursive
 * `fs.watch` on Linux walks the whole tree synchronously and polls every file with a stat
 * watcher: seconds of the main thread, and CPU for ever, in a 10,000-file repository.) Folders
 * made later are watched when they appear, and the YAML files already in them reported; a folder
 * removed reports its YAML files deleted. Symbolic links to folders are not followed.
 */
function watchTree(root: string, onChange: (uri: string, deleted: boolean) => void): () => void {
  const watchers = new Map<string, fs.FSWatcher>();
  /** The YAML files seen in each watched folder, to report when a folder goes away. */
  const files = new Map<string, Set<string>>();
  let stopped = false;
  let warned = false;
  const report = (full: string, deleted: boolean) => onChange(pathToFileURL(full).toString(), deleted);

  function forget(dir: string) {
    for (const [d, w] of watchers) {
      if (d !== dir && !d.startsWith(dir + path.sep)) continue;
      w.close();
      watchers.delete(d);
      for (const f of files.get(d) ?? []) report(path.join(d, f), true);
      files.delete(d);
    }
  }

  function onEvent(dir: string, name: string | null) {
    if (stopped || !name) return;
    const full = path.join(dir, String(name));
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(full);
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) {
      if (!SKIP.has(String(name)) && !watchers.has(full)) void walk(full, true);
      return;
    }
    if (!st && watchers.has(full)) return forget(full);
    if (!YAML.test(String(name))) return;
    const seen = files.get(dir);
    if (st) seen?.add(String(name));
    else seen?.delete(String(name));
    report(full, !st);
  }

  /** Watches `top` and the folders under it; `announce`: report the YAML files found (a folder that just appeared). */
  async function walk(top: string, announce: boolean) {
    const stack = [top];
    while (stack.length && !stopped) {
      const dir = stack.pop()!;
      if (watchers.has(dir)) continue;
      if (watchers.size >= MAX_WATCHED_DIRS) {
        if (!warned) console.error(`kuma: watching the first ${MAX_WATCHED_DIRS} folders of ${root} only`);
        warned = true;
        return;
      }
      try {
        const w = fs.watch(dir, (_event, name) => onEvent(dir, name));
        w.on('error', () => forget(dir));
        watchers.set(dir, w);
      } catch {
        continue;
      }
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      const seen = new Set<string>();
      files.set(dir, seen);
      for (const e of entries) {
        if (e.isDirectory()) {
          if (!SKIP.has(e.name)) stack.push(path.join(dir, e.name));
        } else if (YAML.test(e.name)) {
          seen.add(e.name);
          if (announce) report(path.join(dir, e.name), false);
        }
      }
    }
  }

  void walk(root, false);
  return () => {
    stopped = true;
    for (const w of watchers.values()) w.close();
    watchers.clear();
    files.clear();
  };
}
