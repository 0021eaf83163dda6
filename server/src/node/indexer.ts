import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parentPort } from 'node:worker_threads';
import { fileFactsOfText } from '../core/facts';
import type { IndexedFile } from '../lsp/workspaceFs';

/**
 * Worker thread of the workspace index: reads files and reduces them to facts (plain data),
 * so parsing thousands of manifests runs on another core and never delays a request.
 * Messages in: `{ uris }`; out: `{ results }` batches, then `{ done: true }`.
 */
parentPort?.on('message', (msg: { uris: string[] }) => {
  let batch: IndexedFile[] = [];
  for (const uri of msg.uris) {
    try {
      const text = fs.readFileSync(fileURLToPath(uri), 'utf8');
      batch.push({ uri, text, ...fileFactsOfText(text) });
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
