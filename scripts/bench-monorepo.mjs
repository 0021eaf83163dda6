#!/usr/bin/env node
// Monorepo scale (issue 17.4): a generated GitOps-style tree of 10,000 YAML files × 5 documents,
// in team/environment folders. Measures, next to in-process floors of the same run:
//   - the server's index: spawn → "indexed N YAML files" against the floor "read + parse + facts of
//     every file" (the core's own fact extraction, one thread, no LSP);
//   - while it indexes, completion and hover in an open MeshService (the index must never block);
//   - the server's peak RSS;
//   - `kuma-lint check` over the tree against the floor "read + parse + validate every file"
//     (scripts/bench-floor.mjs).
//
//   node scripts/bench-monorepo.mjs [--files 10000] [--reps 2]   (npm run bench runs it as a section)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { generateWorkspace } from './bench-gen.mjs';
import { loadSchemas, makeFloor } from './bench-floor.mjs';
import { LspSession, now, serverCommand, sleep } from './bench-lsp.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function stats(xs) {
  const s = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return undefined;
  const q = (p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  return { n: s.length, median: q(0.5), p95: q(0.95), min: s[0], max: s[s.length - 1] };
}
const fmt = (x) => (x === undefined ? 'n/a' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** Writes the tree: teams × environments folders of 100 files each; returns the files with their probes. */
export function writeMonorepo(dir, files = 10_000, docs = 5) {
  fs.rmSync(dir, { recursive: true, force: true });
  const ws = generateWorkspace(files, docs, { seed: 17 });
  const envs = ['dev', 'staging', 'prod'];
  return ws.map((f, i) => {
    const folder = path.join(dir, 'teams', `team-${String(Math.floor(i / 300)).padStart(2, '0')}`, envs[Math.floor(i / 100) % 3]);
    fs.mkdirSync(folder, { recursive: true });
    const file = path.join(folder, `${String(i).padStart(5, '0')}.yaml`);
    fs.writeFileSync(file, f.text);
    return { ...f, file, uri: pathToFileURL(file).href };
  });
}

/** The core's fact extraction, bundled from the sources for the floor (what the index computes per file). */
async function loadCore(outDir) {
  const entry = path.join(outDir, 'core-entry.ts');
  fs.writeFileSync(entry, `export { fileFactsOfText } from ${JSON.stringify(path.join(root, 'server/src/core/index.ts'))};\n`);
  const outfile = path.join(outDir, 'core.cjs');
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile, logLevel: 'error' });
  return createRequire(import.meta.url)(outfile);
}

function timeIt(fn, reps) {
  const xs = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    xs.push(performance.now() - t);
  }
  return stats(xs);
}

/** One server process with the tree as its root: index, and requests in an open file meanwhile. */
async function serverRun(server, dir, files, rec) {
  const session = new LspSession(serverCommand(server), (section) =>
    section === 'kuma' ? { version: '2.14' } : section === 'files.exclude' ? {} : null,
  );
  const indexed = session.nextLog(/indexed (\d+) YAML files/, 600_000);
  const reported = session.nextLog(/reported the problems of files not open: \d+ of (\d+) files/, 600_000);
  let done = false;
  void indexed.then(() => (done = true));
  await session.initialize(pathToFileURL(dir).href);
  const tInitialized = now();
  // The user opens a MeshService right away and keeps asking while the index is built.
  const f = files.find((x) => x.probes);
  await session.open(f.uri, f.text);
  const textDocument = { uri: f.uri };
  let asked = 0;
  while (!done) {
    const a = await session.request('textDocument/completion', {
      textDocument,
      position: f.probes.completionTargetPort,
      context: { triggerKind: 1 },
    });
    const h = await session.request('textDocument/hover', { textDocument, position: f.probes.hoverAppProtocol });
    rec.during.push(a.ms, h.ms);
    asked++;
    await sleep(20);
  }
  const r = await indexed;
  if (Number(r.match[1]) !== files.length) throw new Error(`the server indexed ${r.match[1]} files, not ${files.length}`);
  rec.index.push(r.t - session.t0);
  rec.indexFromInitialized.push(r.t - tInitialized);
  rec.asked.push(asked);
  // The peak comes with the problems of the files not open (kuma.diagnostics.scope: workspace, the default).
  const closed = await reported;
  rec.closedReported.push(closed.t - tInitialized);
  rec.rss.push(session.peakRssMiB());
  await session.stop();
}

/** Runs the section; returns the table rows `[metric, figure, target, met]` and the raw figures. */
export async function runMonorepo({ server, cli, out, files: count = 10_000, reps = 2, log = () => {} }) {
  const dir = path.join(out, 'monorepo');
  log(`monorepo: writing ${count} files × 5 documents…`);
  const files = writeMonorepo(dir, count);
  const core = await loadCore(out);
  const diagnose = makeFloor(loadSchemas(root));
  log('monorepo: in-process floors…');
  const read = () => files.map((f) => fs.readFileSync(f.file, 'utf8'));
  read(); // the page cache is warm for everyone
  const factsFloor = timeIt(() => {
    for (const text of read()) core.fileFactsOfText(text);
  }, reps + 1);
  const checkFloor = timeIt(() => {
    for (const text of read()) diagnose(text);
  }, reps);
  const rec = { index: [], indexFromInitialized: [], during: [], asked: [], rss: [], closedReported: [] };
  for (let i = 0; i < reps; i++) {
    log(`monorepo: server process ${i + 1}/${reps}`);
    await serverRun(server, dir, files, rec);
  }
  const lint = [];
  for (let i = 0; i < reps; i++) {
    log(`monorepo: kuma-lint check ${i + 1}/${reps}`);
    const t = performance.now();
    const r = spawnSync(process.execPath, [cli, 'check', dir, '--fail-on', 'never', '--format', 'json'], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    lint.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`kuma-lint failed: ${r.stderr.slice(-500)}`);
  }
  const index = stats(rec.index);
  const during = stats(rec.during);
  const rss = stats(rec.rss);
  const lintS = stats(lint);
  const rows = [
    [
      `monorepo ${count} files × 5 docs: spawn → index ready`,
      `${fmt(index.median)} ms`,
      `≤ 1.2 × floor read + parse + facts (${fmt(factsFloor.median)} ms → ${fmt(1.2 * factsFloor.median)})`,
      index.median <= 1.2 * factsFloor.median,
    ],
    [
      'monorepo: completion + hover while indexing, p95',
      `${fmt(during.median)} / ${fmt(during.p95)} ms (${rec.asked.join(', ')} rounds)`,
      '≤ 20 ms',
      during.p95 <= 20,
    ],
    [
      'monorepo: peak RSS, server (until the problems of every file are pushed)',
      `${fmt(rss.median)} MiB (problems pushed ${fmt(stats(rec.closedReported).median)} ms after initialized)`,
      '≤ 400 MiB',
      rss.median <= 400,
    ],
    [
      'monorepo: kuma-lint check',
      `${fmt(lintS.median)} ms`,
      `≤ 1.5 × floor read + parse + validate (${fmt(checkFloor.median)} ms → ${fmt(1.5 * checkFloor.median)})`,
      lintS.median <= 1.5 * checkFloor.median,
    ],
  ];
  return { rows, figures: { factsFloor, checkFloor, index, during, rss, lint: lintS, rec } };
}

export function monorepoTable(rows) {
  const lines = ['| metric | ours (median) | target |', '|---|---|---|'];
  for (const [metric, figure, target, met] of rows) lines.push(`| ${metric} | ${figure} | ${target}: ${met ? 'met' : 'MISSED'} |`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
  const out = path.join(root, 'bench-out');
  fs.mkdirSync(out, { recursive: true });
  const server = path.join(root, 'dist/server.node.js');
  const cli = path.join(root, 'dist/cli.js');
  if (!fs.existsSync(server) || !fs.existsSync(cli)) {
    console.error('bench-monorepo: dist/ is missing; run `npm run build` first');
    process.exit(2);
  }
  const { rows, figures } = await runMonorepo({
    server,
    cli,
    out,
    files: Number(opt('--files', '10000')),
    reps: Number(opt('--reps', '2')),
    log: (m) => process.stderr.write(`bench: ${m}\n`),
  });
  console.log(monorepoTable(rows));
  if (args.includes('--json')) fs.writeFileSync(opt('--json'), JSON.stringify(figures, null, 1) + '\n');
}
