#!/usr/bin/env node
// A day of typing, as VS Code sends it (incremental changes), against the bundled server:
//   1. memory: 600 one-character edits into a 1 MB file, one at a time (each waits for its
//      diagnostics); the server's resident memory after 50 and after 600 edits;
//   2. bursts: 300 edits of a 2,000-document file written at once (fast typing, multi-cursor,
//      undo); the time from the last edit to the diagnostics of its version, and whether any
//      diagnostics for a version older than one already sent arrived.
// Prints figures, never asserts. Run by `npm run bench` (or alone after `npm run build`).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateFile } from './bench-gen.mjs';
import { LspSession, now, serverCommand } from './bench-lsp.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const server = path.join(root, 'dist/server.node.js');
const config = (section) => (section === 'kuma' ? { version: '2.14' } : section === 'files.exclude' ? {} : null);

function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** The change that types `ch` at `pos` in version `version` of `uri`. */
const typed = (uri, version, pos, ch) => ({
  textDocument: { uri, version },
  contentChanges: [{ range: { start: pos, end: pos }, rangeLength: 0, text: ch }],
});

export async function typingMemory() {
  // About 1 MB of manifests.
  const file = generateFile(4500, { seed: 99 });
  const s = new LspSession(serverCommand(server), config);
  await s.initialize(null);
  const uri = 'file:///bench/typing-1mb.yaml';
  await s.open(uri, file.text);
  const lines = file.text.split('\n');
  let rss50 = NaN;
  for (let v = 2; v <= 601; v++) {
    // Type into a different line each time, as a user moving through the file.
    const line = (v * 97) % (lines.length - 1);
    const wait = s.nextDiagnostics(uri, v);
    s.notify('textDocument/didChange', typed(uri, v, { line, character: 0 }, '#'));
    await wait;
    if (v === 51) rss50 = rssMiB(s.proc.pid);
  }
  const rss600 = rssMiB(s.proc.pid);
  await s.stop();
  return { bytes: file.text.length, rss50, rss600 };
}

export async function typingBurst() {
  const file = generateFile(2000, { seed: 42 });
  const s = new LspSession(serverCommand(server), config);
  await s.initialize(null);
  const uri = 'file:///bench/burst.yaml';
  await s.open(uri, file.text);
  const versions = [];
  const orig = s.dispatch.bind(s);
  s.dispatch = (msg, t) => {
    if (msg.method === 'textDocument/publishDiagnostics' && msg.params.uri === uri) versions.push(msg.params.version);
    orig(msg, t);
  };
  const line = file.probes?.edit?.line ?? 10;
  const frames = [];
  for (let v = 2; v <= 301; v++) {
    const body = Buffer.from(
      JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didChange', params: typed(uri, v, { line, character: 0 }, 'x') }),
    );
    frames.push(Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body);
  }
  const wait = s.nextDiagnostics(uri, 301);
  const t = now();
  s.proc.stdin.write(Buffer.concat(frames));
  const r = await wait;
  const lastMs = r.t - t;
  await new Promise((res) => setTimeout(res, 300));
  await s.stop();
  let backwards = 0;
  for (let i = 1; i < versions.length; i++) if (versions[i] < versions[i - 1]) backwards++;
  return { lastMs, published: versions.length - 1, backwards };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const m = await typingMemory();
  console.log(
    `typing, 600 one-character edits into a ${(m.bytes / 1e6).toFixed(2)} MB file: RSS ${m.rss50.toFixed(0)} MiB after 50, ${m.rss600.toFixed(0)} MiB after 600 (growth ${(m.rss600 - m.rss50).toFixed(0)} MiB; target ≤ 150)`,
  );
  const b = await typingBurst();
  console.log(
    `burst of 300 edits written at once, 2,000-document file: diagnostics of the last version ${b.lastMs.toFixed(0)} ms after the burst (target ≤ 300), ${b.published} intermediate publications, ${b.backwards} older than one already sent`,
  );
}
