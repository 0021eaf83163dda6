#!/usr/bin/env node
// Benchmark: our figures next to the peer's (Red Hat's yaml-language-server), in one run.
//
//   npm run bench                  # build, then everything below
//   node --import tsx scripts/bench.mjs [--reps 3] [--no-peer] [--no-lsp] [--bench-dir ../shared/bench]
//
// 1. In-process core on the 2,000-document file: cold analysis, and a one-character edit
//    (re-parses one document; the rest comes from the per-document cache).
// 2. `kuma-lint check` on the same file: wall time of the whole process.
// 3. The shared LSP driver (lspbench.mjs) against dist/server.node.js and, unless --no-peer,
//    against yaml-language-server, then report.mjs tables for both.
// Prints figures; never asserts on time.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
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

// ---- 3. LSP, ours and the peer, in one run
if (!flag('--no-lsp')) {
  fs.mkdirSync(path.join(kit, 'out'), { recursive: true });
  const lsp = (label, settings, cmd) => {
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
        settings,
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
    return r.status === 0;
  };
  spawnSync(process.execPath, ['baseline.mjs', '--cold-reps', '3', '--json', 'out/baseline.json'], {
    cwd: kit,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const ran = [];
  if (lsp('ours', 'settings.kuma.json', [process.execPath, path.join(root, 'dist/server.node.js'), '--stdio'])) ran.push('ours');
  if (
    !flag('--no-peer') &&
    lsp('yls', 'settings.yls.json', [process.execPath, 'node_modules/yaml-language-server/bin/yaml-language-server', '--stdio'])
  )
    ran.push('yls');
  for (const label of ran) {
    const r = spawnSync(process.execPath, ['report.mjs', `out/${label}.json`, 'out/baseline.json'], { cwd: kit, encoding: 'utf8' });
    console.log(
      `\n## LSP over stdio: ${label === 'ours' ? 'kuma-language-server (ours)' : 'yaml-language-server (peer)'} vs in-process floor\n`,
    );
    console.log(r.stdout);
  }
  console.log(`raw results: ${path.relative(root, path.join(kit, 'out'))}/`);
}
