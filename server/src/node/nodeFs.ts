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
  indexFiles(uris, onResult, settings, onSkip) {
    const script = path.join(__dirname, 'indexer.node.js');
    // Without the bundled worker (tests run the sources), the server indexes on its own thread.
    if (!fs.existsSync(script)) return Promise.reject(new Error('no indexer worker'));
    // One worker per core (up to four): parsing is what indexing spends its time on.
    const workers = Math.max(1, Math.min(4, os.availableParallelism(), Math.ceil(uris.length / 50)));
    // Files go out in batches as workers finish the previous one, so that they all finish
    // together however the work is spread; the paths are made here, while the workers start.
    const BATCH = 40;
    let next = 0;
    const take = () => {
      const files = uris.slice(next, next + BATCH).map((uri) => ({ uri, path: fileURLToPath(uri) }));
      next += files.length;
      return files;
    };
    return Promise.all(
      Array.from(
        { length: workers },
        () =>
          new Promise<void>((resolve, reject) => {
            // A worker's garbage is short-lived (each file's parse). V8's default young generation
            // grows to 32 MiB per thread; 10 MiB keeps the peak RSS of a 1,000-file workspace near
            // 135 MiB (156 with 16) for about 0.1 s more collecting per worker than the default.
            const worker = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: 10 } });
            live.add(worker);
            worker.on('message', (m: { results: IndexedFile[]; skipped?: { uri: string; why: string }[]; done?: boolean }) => {
              for (const r of m.results) onResult(r);
              for (const s of m.skipped ?? []) onSkip?.(s.uri, s.why);
              if (!m.done) return;
              const files = take();
              if (files.length) worker.postMessage({ files, settings });
              else {
                void worker.terminate();
                resolve();
              }
            });
            worker.on('error', reject);
            // A worker that dies without an error (out of memory) must not leave indexing waiting forever.
            worker.on('exit', (code) => {
              live.delete(worker);
              reject(new Error(`indexer worker exited (code ${code})`));
            });
            worker.postMessage({ files: take(), settings });
          }),
      ),
    ).then(() => undefined);
  },
  dispose() {
    for (const w of live) void w.terminate();
    live.clear();
  },
  watch(folderUri, onChange) {
    const root = fileURLToPath(folderUri);
    let watcher: fs.FSWatcher | undefined;
    try {
      watcher = fs.watch(root, { recursive: true }, (_event, name) => {
        if (
          !name ||
          !YAML.test(String(name)) ||
          String(name)
            .split(path.sep)
            .some((p) => SKIP.has(p))
        )
          return;
        const full = path.join(root, String(name));
        onChange(pathToFileURL(full).toString(), !fs.existsSync(full));
      });
      watcher.on('error', () => watcher?.close());
    } catch {
      // Recursive watching is not available everywhere; the index then follows open files only.
    }
    return () => watcher?.close();
  },
};
