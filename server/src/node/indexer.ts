import * as fs from 'node:fs';
import * as os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { fileFactsOfText } from '../core';
import { createLanguageService, type LanguageService, type Settings } from '../core';
import { skipReason, type IndexedFile } from '../lsp/workspaceFs';
import { readTextFile } from './readFile';

/**
 * Worker thread of the workspace index: reads files and reduces them to facts (plain data),
 * so parsing thousands of manifests runs on another core and never delays a request. Given
 * settings, it also runs each file's own checks on the same parse (`localAnalysis`), so that
 * opening a file the editor restores needs only the cross-file checks on the main thread.
 * Messages in: batches `{ files: { uri, path }[], settings? }`; out: `{ results, skipped }`, then
 * `{ results, skipped, done: true }` when the batch is through (the server then sends the next
 * one). `skipped`: the files not read on purpose (a pipe, a device, over the size limit), and why.
 */
let service: LanguageService | undefined;

/**
 * The nice value of this thread: background work, which the thread that answers the editor (and the
 * editor) come before when they want the same core, as at a keystroke while the workspace is indexed
 * on a 2-core machine (with it and one V8 pool thread, the shared harness's edit p95 went from 5.1 to
 * 4.3-4.7 ms; see docs/performance.md). Linux sets it per thread (this thread's id from
 * /proc/thread-self); elsewhere nothing changes.
 */
const BACKGROUND_NICE = 10;
try {
  const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isInteger(tid) && tid > 0 && os.getPriority(tid) < BACKGROUND_NICE) os.setPriority(tid, BACKGROUND_NICE);
} catch {
  // Not Linux, or not allowed: the worker runs at the process's priority.
}
/** Set by the server while the user types (nodeFs `typing`): this worker waits between files. */
const typing: Int32Array | undefined = (workerData as { typing?: Int32Array } | undefined)?.typing;
/** The longest this worker waits at a time (the flag is cleared by a timer on the server's thread). */
const TYPING_WAIT_MS = 300;
parentPort?.on('message', (msg: { files: { uri: string; path: string }[]; settings?: Settings }) => {
  // Each file is analysed once here: a small parse cache keeps the worker's heap small.
  if (msg.settings) service ??= createLanguageService({ cacheSize: 64, treeBudget: 0 });
  let batch: IndexedFile[] = [];
  let skipped: { uri: string; why: string }[] = [];
  for (const { uri, path } of msg.files) {
    if (typing && Atomics.load(typing, 0) === 1) Atomics.wait(typing, 0, 1, TYPING_WAIT_MS);
    try {
      const text = readTextFile(path);
      if (msg.settings && service) {
        const local = service.localAnalysis(text, msg.settings);
        batch.push({ uri, text, facts: local.facts, fingerprint: local.fingerprint, local });
      } else batch.push({ uri, text, ...fileFactsOfText(text) });
    } catch (err) {
      // A file that vanished or cannot be read is simply not indexed; one refused is said why.
      const why = skipReason(err);
      if (why) skipped.push({ uri, why });
    }
    if (batch.length >= 25) {
      parentPort!.postMessage({ results: batch, skipped });
      batch = [];
      skipped = [];
    }
  }
  parentPort!.postMessage({ results: batch, skipped, done: true });
});
