import * as os from 'node:os';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { createLanguageService, type LocalAnalysis, type Settings } from '../core';
import type { Input } from './files';

/**
 * `kuma-lint check` on several threads: workers parse and check files on their own (the part
 * that costs), the main thread then records every file's facts and adds the cross-file checks,
 * exactly as the sequential path does (see `LanguageService.localAnalysis` / `diagnoseLocal`).
 */

/** Marks the worker threads `kuma-lint` starts on its own script. */
const WORKER_TAG = 'kuma-lint-check-worker';

/** Below this much text, starting a thread (loading the bundle again) costs more than it saves. */
const MIN_PARALLEL_BYTES = 512 * 1024;
/** Files are handed out in batches of about this many bytes: workers that finish early take more. */
const BATCH_BYTES = 64 * 1024;

/**
 * How many worker threads to check `inputs` on; 0 means on this thread. `KUMA_LINT_THREADS`
 * (a number, 0 or 1: no workers) overrides the choice, whatever the input's size.
 */
export function workerCount(inputs: Input[], env: NodeJS.ProcessEnv = process.env): number {
  const forced = env.KUMA_LINT_THREADS;
  if (forced !== undefined && forced !== '' && /^\d+$/.test(forced)) {
    const n = Number(forced);
    return n <= 1 ? 0 : Math.min(n, 16);
  }
  const cores = os.availableParallelism();
  if (cores < 2 || inputs.length < 2) return 0;
  let bytes = 0;
  for (const f of inputs) bytes += f.text.length;
  if (bytes < MIN_PARALLEL_BYTES) return 0;
  // The main thread mostly waits meanwhile: one worker per core, up to four.
  return Math.min(4, cores, Math.ceil(bytes / BATCH_BYTES));
}

interface Job {
  batch: number;
  texts: string[];
}

/** Each input's local analysis, computed on `workers` threads running `script` (this bundle). */
export function analyzeInParallel(script: string, inputs: Input[], settings: Settings, workers: number): Promise<LocalAnalysis[]> {
  const batches: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  inputs.forEach((f, i) => {
    current.push(i);
    bytes += f.text.length;
    if (bytes >= BATCH_BYTES) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
  });
  if (current.length) batches.push(current);
  const results: LocalAnalysis[] = new Array(inputs.length);
  let next = 0;
  return new Promise((resolve, reject) => {
    const pool: Worker[] = [];
    const retired = new Set<Worker>();
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      for (const w of pool) void w.terminate();
      reject(err);
    };
    const give = (w: Worker) => {
      if (next >= batches.length) {
        retired.add(w);
        void w.terminate();
        if (retired.size === pool.length && !failed) resolve(results);
        return;
      }
      const batch = next++;
      const job: Job = { batch, texts: batches[batch].map((i) => inputs[i].text) };
      w.postMessage(job);
    };
    const count = Math.min(workers, batches.length);
    for (let k = 0; k < count; k++) pool.push(new Worker(script, { workerData: { tag: WORKER_TAG, settings } }));
    for (const w of pool) {
      w.on('message', (m: { batch: number; results?: LocalAnalysis[]; error?: string }) => {
        if (m.error !== undefined || !m.results) return fail(new Error(`worker thread: ${m.error ?? 'no results'}`));
        batches[m.batch].forEach((i, j) => (results[i] = m.results![j]));
        give(w);
      });
      w.on('error', fail);
      // A worker that dies without an error (out of memory) must not leave the check waiting forever.
      w.on('exit', (code) => {
        if (!retired.has(w)) fail(new Error(`worker thread exited (code ${code}) before it finished`));
      });
      give(w);
    }
  });
}

/** True in a worker thread `analyzeInParallel` started: then `serveWorker` runs instead of the CLI. */
export function isCheckWorker(): boolean {
  return parentPort !== null && (workerData as { tag?: string } | undefined)?.tag === WORKER_TAG;
}

/** The worker's side: local analyses of each batch of texts it is sent. */
export function serveWorker(): void {
  const { settings } = workerData as { settings: Settings };
  // Files are not analysed twice here: a small parse cache keeps the heap (and GC) small.
  const service = createLanguageService({ cacheSize: 500 });
  parentPort!.on('message', (job: Job) => {
    try {
      parentPort!.postMessage({ batch: job.batch, results: job.texts.map((t) => service.localAnalysis(t, settings)) });
    } catch (err) {
      parentPort!.postMessage({ batch: job.batch, error: err instanceof Error ? err.message : String(err) });
    }
  });
}
