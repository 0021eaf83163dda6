import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parentPort } from 'node:worker_threads';
import { fileFactsOfText } from '../core/facts';
import { createLanguageService, type Settings } from '../core/languageService';
import type { IndexedFile } from '../lsp/workspaceFs';

/**
 * Worker thread of the workspace index: reads files and reduces them to facts (plain data),
 * so parsing thousands of manifests runs on another core and never delays a request. Given
 * settings, it also runs each file's own checks on the same parse (`localAnalysis`), so that
 * opening a file the editor restores needs only the cross-file checks on the main thread.
 * Messages in: `{ uris, settings? }`; out: `{ results }` batches, then `{ done: true }`.
 */
parentPort?.on('message', (msg: { uris: string[]; settings?: Settings }) => {
  // Each file is analysed once here: a small parse cache keeps the worker's heap small.
  const service = msg.settings ? createLanguageService({ cacheSize: 64, treeBudget: 0 }) : undefined;
  let batch: IndexedFile[] = [];
  for (const uri of msg.uris) {
    try {
      const text = fs.readFileSync(fileURLToPath(uri), 'utf8');
      if (service) {
        const local = service.localAnalysis(text, msg.settings);
        batch.push({ uri, text, facts: local.facts, fingerprint: local.fingerprint, local });
      } else batch.push({ uri, text, ...fileFactsOfText(text) });
    } catch {
      // A file that vanished or cannot be read is simply not indexed.
    }
    if (batch.length >= 25) {
      parentPort!.postMessage({ results: batch });
      batch = [];
    }
  }
  parentPort!.postMessage({ results: batch, done: true });
});
