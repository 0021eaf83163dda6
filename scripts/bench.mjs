#!/usr/bin/env node
// Benchmark: our figures next to the peer's (Red Hat's yaml-language-server), in one run.
//
//   npm run bench                  # build, then everything below
//   node --import tsx scripts/bench.mjs [--reps 3] [--no-peer] [--no-lsp] [--bench-dir ../shared/bench]
//
// 1. In-process core on the 2,000-document file: cold analysis, and a one-character edit
//    (re-parses one document; the rest comes from the per-document cache).
// 2. `kuma-lint check` on the same file: wall time of the whole process.
// 3. dist/server.node.js over stdio: didOpen of the 2,000-document file and one-character
//    didChange edits, each to its publishDiagnostics; then, unless --no-peer, the shared driver
//    (lspbench.mjs) against yaml-language-server with its report table. (lspbench also times
//    completion and hover, which our server answers from a later issue on.)
// Prints figures; never asserts on time.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createLanguageService } from '../server/src/core/languageService.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (f) => args.includes(f);
const opt = (f, d) => (args.includes(f) ? args[args.indexOf(f) + 1] : d);
const reps = Number(opt('--reps', '3'));
const benchDir = path.resolve(root, opt('--bench-dir', '../shared/bench'));
const out = path.join(root, 'bench-out');
const kit = path.join(out, 'kit');

if (!fs.existsSync(path.join(benchDir, 'lspbench.mjs'))) {
  console.error(`bench: the shared benchmark kit is not at ${benchDir}; pass --bench-dir PATH`);
  process.exit(2);
}
if (!fs.existsSync(path.join(root, 'dist/server.node.js'))) {
  console.error('bench: dist/ is missing; run `npm run build` first (npm run bench does)');
  process.exit(2);
}

// The kit folder may be read-only: work on a copy, install its pinned packages once.
fs.mkdirSync(out, { recursive: true });
if (!fs.existsSync(path.join(kit, 'node_modules/vscode-jsonrpc'))) {
  fs.cpSync(benchDir, kit, { recursive: true });
  for (const f of fs.readdirSync(kit, { recursive: true })) {
    try {
      fs.chmodSync(path.join(kit, String(f)), 0o755);
    } catch {
      // Best effort: copied files keep read-only bits from the shared folder.
    }
  }
  console.log('bench: installing the benchmark kit (vscode-jsonrpc, yaml-language-server)…');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: kit, stdio: 'inherit' });
  if (r.status !== 0) process.exit(2);
}
if (!fs.existsSync(path.join(kit, 'data/manifest.json'))) {
  spawnSync(process.execPath, ['gen.mjs', '--out', 'data'], { cwd: kit, stdio: 'inherit' });
}
const big = path.join(kit, 'data/single-2000.yaml');
const text = fs.readFileSync(big, 'utf8');
const manifest = JSON.parse(fs.readFileSync(path.join(kit, 'data/manifest.json'), 'utf8'));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

// ---- 1. in-process core
{
  const cold = [];
  let diagCount = 0;
  for (let i = 0; i < 5; i++) {
    const s = createLanguageService();
    const t = performance.now();
    diagCount = s.analyze(text).diagnostics.length;
    cold.push(performance.now() - t);
  }
  const s = createLanguageService();
  s.analyze(text);
  const f = manifest.sizes?.['1x2000']?.probes;
  const lines = text.split('\n');
  const editLine = f?.edit?.line ?? Math.floor(lines.length / 2);
  const lineStart = lines.slice(0, editLine).reduce((n, l) => n + l.length + 1, 0);
  const col = f?.edit?.character ?? 0;
  const edits = [];
  let cur = text;
  for (let i = 0; i < 20; i++) {
    const off = lineStart + col;
    const ch = cur[off];
    const next = /\d/.test(ch) ? String((Number(ch) + 1) % 10) : 'x';
    cur = cur.slice(0, off) + next + cur.slice(off + 1);
    const t = performance.now();
    s.analyze(cur);
    edits.push(performance.now() - t);
  }
  console.log(`\n## In-process core, single-2000.yaml (${lines.length} lines, ${s.analyze(cur).documents.length} documents)`);
  console.log(`cold analyze (parse + validate everything): median ${fmt(median(cold))} ms over 5 fresh services; ${diagCount} diagnostics`);
  // Fault coverage: how many injected faults got a diagnostic inside their document, and how
  // many diagnostics fell outside every faulted document.
  const lineStarts = [];
  for (let i = 0, at = 0; i < lines.length; i++) {
    lineStarts.push(at);
    at += lines[i].length + 1;
  }
  const lineOf = (off) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= off) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const faults = manifest.sizes['1x2000'].faults;
  const diagLines = createLanguageService()
    .analyze(text)
    .diagnostics.map((d) => lineOf(d.range.start));
  const detected = faults.filter((f) => diagLines.some((l) => l >= f.line && l <= f.endLine)).length;
  const other = diagLines.filter((l) => !faults.some((f) => l >= f.line && l <= f.endLine)).length;
  console.log(`fault coverage: ${detected}/${faults.length} injected faults diagnosed, ${other} diagnostics outside faulted documents`);
  console.log(
    `one-character edit → diagnostics: median ${fmt(median(edits))} ms, max ${fmt(Math.max(...edits))} ms over 20 edits (documents parsed: ${s.stats.parses})`,
  );
}

// ---- 2. CLI
{
  const times = [];
  let last;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    last = spawnSync(process.execPath, [path.join(root, 'dist/cli.js'), 'check', '--format', 'json', '--fail-on', 'never', big], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    times.push(performance.now() - t);
  }
  const j = JSON.parse(last.stdout);
  console.log(`\n## kuma-lint check single-2000.yaml (whole process, 5 runs)`);
  console.log(
    `wall time: median ${fmt(median(times))} ms, min ${fmt(Math.min(...times))} ms; ${j.summary.errors} errors, ${j.summary.warnings} warnings`,
  );
}

// ---- 2b. In-process workspace index: read, parse and extract facts of 1,000 files, then index
{
  const wsDir = path.join(kit, 'data', manifest.workspace.dir);
  const names = fs.readdirSync(wsDir).filter((f) => f.endsWith('.yaml'));
  const times = [];
  let dataplanes = 0;
  for (let rep = 0; rep < 3; rep++) {
    const s = createLanguageService();
    const t = performance.now();
    for (const n of names) s.setFile(pathToFileURL(path.join(wsDir, n)).toString(), fs.readFileSync(path.join(wsDir, n), 'utf8'), 'disk');
    dataplanes = s.index().dataplanes.length;
    times.push(performance.now() - t);
  }
  console.log(`\n## Workspace index in-process (${names.length} files, ${dataplanes} Dataplanes)`);
  console.log(`read + parse + facts + index: median ${fmt(median(times))} ms over 3 runs`);
}

// ---- 3. LSP over stdio: ours (own driver: open + one-character edits), the peer (shared driver)
if (!flag('--no-lsp')) {
  const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = await import(
    path.join(kit, 'node_modules/vscode-jsonrpc/lib/node/main.js')
  );
  const { spawn } = await import('node:child_process');
  const opens = [];
  const editTimes = [];
  let rssKiB = 0;
  for (let rep = 0; rep < reps; rep++) {
    const proc = spawn(process.execPath, [path.join(root, 'dist/server.node.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    const waiters = [];
    conn.onNotification('textDocument/publishDiagnostics', (p) => {
      const w = waiters.shift();
      if (w) w(p);
    });
    conn.onRequest('workspace/configuration', (p) => p.items.map(() => ({ version: '2.14' })));
    conn.listen();
    const next = () => new Promise((r) => waiters.push(r));
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
    conn.sendNotification('initialized', {});
    await new Promise((r) => setTimeout(r, 200));
    const uri = 'file:///bench/single-2000.yaml';
    let t = performance.now();
    let wait = next();
    conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    await wait;
    opens.push(performance.now() - t);
    const e = manifest.sizes['1x2000'].probes.edit;
    for (let i = 0; i < 10; i++) {
      const digit = i % 2 === 0 ? String((Number(e.original) + 1) % 10) : e.original;
      t = performance.now();
      wait = next();
      conn.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: i + 2 },
        contentChanges: [
          { range: { start: { line: e.line, character: e.character }, end: { line: e.line, character: e.character + 1 } }, text: digit },
        ],
      });
      await wait;
      editTimes.push(performance.now() - t);
    }
    const status = fs.readFileSync(`/proc/${proc.pid}/status`, 'utf8');
    rssKiB = Math.max(rssKiB, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    conn.dispose();
    proc.kill();
  }
  console.log(`\n## kuma-language-server over stdio, single-2000.yaml (${reps} fresh processes)`);
  console.log(`didOpen → publishDiagnostics: median ${fmt(median(opens))} ms`);
  console.log(
    `1-char didChange → publishDiagnostics: median ${fmt(median(editTimes))} ms, max ${fmt(Math.max(...editTimes))} ms over ${editTimes.length} edits`,
  );
  console.log(`peak RSS: ${fmt(rssKiB / 1024)} MiB`);

  // Workspace index: initialize with the 1,000-file folder as root and wait for the server's
  // "indexed N YAML files in X ms" log line.
  {
    const wsDir = path.join(kit, 'data', manifest.workspace.dir);
    const times = [];
    let files = 0;
    for (let rep = 0; rep < reps; rep++) {
      const proc = spawn(process.execPath, [path.join(root, 'dist/server.node.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
      const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
      let done;
      const indexed = new Promise((r) => (done = r));
      conn.onNotification('window/logMessage', (p) => {
        const m = /indexed (\d+) YAML files in (\d+) ms/.exec(p.message);
        if (m) done([Number(m[1]), Number(m[2])]);
      });
      conn.onRequest('workspace/configuration', (p) => p.items.map(() => ({ version: '2.14' })));
      conn.listen();
      const t = performance.now();
      const rootUri = pathToFileURL(wsDir).toString();
      await conn.sendRequest('initialize', {
        processId: process.pid,
        rootUri,
        workspaceFolders: [{ uri: rootUri, name: 'ws' }],
        capabilities: { workspace: { configuration: true } },
      });
      conn.sendNotification('initialized', {});
      const [n] = await indexed;
      times.push(performance.now() - t);
      files = n;
      conn.dispose();
      proc.kill();
    }
    console.log(`workspace index (${files} files × 5 documents, from spawn): median ${fmt(median(times))} ms over ${reps} processes`);
  }

  // The shared driver, against ours and (unless --no-peer) the peer, in the same run.
  fs.mkdirSync(path.join(kit, 'out'), { recursive: true });
  spawnSync(process.execPath, ['baseline.mjs', '--cold-reps', '3', '--json', 'out/baseline.json'], {
    cwd: kit,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const servers = [['ours', 'settings.kuma.json', [process.execPath, path.join(root, 'dist/server.node.js'), '--stdio']]];
  if (!flag('--no-peer'))
    servers.push(['yls', 'settings.yls.json', [process.execPath, 'node_modules/yaml-language-server/bin/yaml-language-server', '--stdio']]);
  for (const [label, settingsFile, cmd] of servers) {
    console.log(`\nbench: lspbench ${label} (${reps} reps)…`);
    const r = spawnSync(
      process.execPath,
      [
        'lspbench.mjs',
        '--reps',
        String(reps),
        '--ws-reps',
        '1',
        '--settings',
        settingsFile,
        '--label',
        label,
        '--json',
        `out/${label}.json`,
        '--',
        ...cmd,
      ],
      {
        cwd: kit,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    if (r.status !== 0) continue;
    const table = spawnSync(process.execPath, ['report.mjs', `out/${label}.json`, 'out/baseline.json'], { cwd: kit, encoding: 'utf8' });
    console.log(
      `\n## ${label === 'ours' ? 'kuma-language-server (ours)' : 'yaml-language-server (peer)'} over stdio vs the in-process floor, same run\n`,
    );
    console.log(table.stdout);
  }
  console.log(`raw results: ${path.relative(root, path.join(kit, 'out'))}/`);
}
