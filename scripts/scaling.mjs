#!/usr/bin/env node
// The scaling check of issue 19: `kuma-lint check` on each input of scripts/scaling-inputs.mjs at
// its size n and at 8 × n, and the ratio of the times. Linear work gives 8 (a little less, since
// starting the process costs the same at both sizes); a stage whose cost grows with the square
// of the input gives 30–80 at these sizes. Prints a table with the target "ratio ≤ 12" met or
// MISSED; never asserts. `npm run bench` runs it too (its "Scaling of single checks" section).
//
//   npm run scaling                     # build, then: node scripts/scaling.mjs
//   node scripts/scaling.mjs [--reps 3] [--timeout 60] [--cli dist/cli.js] [--json FILE]
//
// Times are medians of `reps` runs of each size, the two sizes taking turns; wall time is what a
// user waits, CPU time (user + system, all threads) what the work costs on a shared machine.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SCALING_INPUTS } from './scaling-inputs.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FACTOR = 8;
export const TARGET_RATIO = 12;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN;
};

/**
 * Runs `kuma-lint check` on each input at n and FACTOR × n. Returns one row per input: the wall
 * and CPU seconds (medians) at each size, the wall-time ratio, and whether it is within the target.
 * A run past `timeout` seconds is stopped: its time reads as "> timeout".
 */
export function runScaling({ cli = path.join(root, 'dist/cli.js'), reps = 3, timeout = 60, dir, log = () => {} } = {}) {
  if (!fs.existsSync(cli)) throw new Error(`${cli} is missing; run \`npm run build\` first`);
  const data = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'kuma-scaling-'));
  try {
    fs.mkdirSync(data, { recursive: true });
    // Reports the process's CPU time (all threads) on stderr as it exits.
    const cpuHook = path.join(data, 'cpu-hook.cjs');
    fs.writeFileSync(
      cpuHook,
      "process.on('exit', () => { const u = process.cpuUsage(); require('fs').writeSync(2, `\\nscaling-cpu-us: ${u.user + u.system}\\n`); });\n",
    );
    const rows = [];
    for (const input of SCALING_INPUTS) {
      const sizes = [input.n, FACTOR * input.n];
      const files = sizes.map((n) => {
        const f = path.join(data, `${input.name}-${n}.yaml`);
        fs.writeFileSync(f, input.make(n));
        return f;
      });
      const wall = [[], []];
      const cpu = [[], []];
      const timedOut = [false, false];
      let summary = ['', ''];
      for (let r = 0; r < reps; r++) {
        for (let i = 0; i < 2; i++) {
          if (timedOut[i]) continue;
          log(`${input.name}: n = ${sizes[i]}, run ${r + 1}/${reps}`);
          const t = performance.now();
          const p = spawnSync(process.execPath, ['--require', cpuHook, cli, 'check', files[i], '--fail-on', 'never'], {
            encoding: 'utf8',
            maxBuffer: 1 << 30,
            timeout: timeout * 1000,
          });
          const ms = performance.now() - t;
          if (p.error?.code === 'ETIMEDOUT' || p.signal) {
            timedOut[i] = true;
            continue;
          }
          if (p.status !== 0) throw new Error(`kuma-lint failed on ${files[i]}: ${p.stderr}`);
          wall[i].push(ms / 1000);
          cpu[i].push(Number(/scaling-cpu-us: (\d+)/.exec(p.stderr)?.[1] ?? NaN) / 1e6);
          summary[i] = /kuma-lint: (.*)/.exec(p.stderr)?.[1] ?? '';
        }
      }
      const w = wall.map((xs, i) => (timedOut[i] ? Infinity : median(xs)));
      const c = cpu.map((xs, i) => (timedOut[i] ? Infinity : median(xs)));
      const ratio = timedOut[0] ? NaN : w[1] / w[0];
      rows.push({
        name: input.name,
        what: input.what,
        sizes,
        wall: w,
        cpu: c,
        ratio,
        cpuRatio: timedOut[0] ? NaN : c[1] / c[0],
        met: Number.isFinite(ratio) && ratio <= TARGET_RATIO,
        timeout,
        summary,
      });
    }
    return rows;
  } finally {
    // the temporary folder goes, a folder the caller named stays (bench.mjs keeps its inputs)
    if (!dir) fs.rmSync(data, { recursive: true, force: true });
  }
}

const secs = (x, timeout) => (x === Infinity ? `> ${timeout}` : x.toFixed(2));
const times = (x) => (Number.isNaN(x) ? 'n/a' : x === Infinity ? '∞' : `${x.toFixed(1)}×`);

/** The rows as a markdown table. */
export function scalingTable(rows) {
  const out = [`| input | n | s at n (CPU) | 8 × n | s at 8 × n (CPU) | ratio (CPU) | target |`, `|---|---|---|---|---|---|---|`];
  for (const r of rows) {
    out.push(
      `| ${r.what} | ${r.sizes[0].toLocaleString('en')} | ${secs(r.wall[0], r.timeout)} (${secs(r.cpu[0], r.timeout)}) | ${r.sizes[1].toLocaleString('en')} | ${secs(r.wall[1], r.timeout)} (${secs(r.cpu[1], r.timeout)}) | ${times(r.ratio)} (${times(r.cpuRatio)}) | ratio ≤ ${TARGET_RATIO} (linear is ${FACTOR}): ${r.met ? 'met' : 'MISSED'} |`,
    );
  }
  return out.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
  const rows = runScaling({
    cli: path.resolve(opt('--cli', path.join(root, 'dist/cli.js'))),
    reps: Number(opt('--reps', '3')),
    timeout: Number(opt('--timeout', '60')),
    log: (m) => process.stderr.write(`scaling: ${m}\n`),
  });
  console.log(
    `\n## Scaling of single checks (${new Date().toISOString().slice(0, 16)}Z, Node ${process.version}, ${os.availableParallelism()} cores)\n`,
  );
  console.log(`\`kuma-lint check\` on one document at n and ${FACTOR} × n; seconds, median of ${opt('--reps', '3')} runs, wall (CPU).\n`);
  console.log(scalingTable(rows));
  const missed = rows.filter((r) => !r.met).length;
  console.log(`\n${rows.length - missed} targets met, ${missed} missed.`);
  const json = opt('--json', undefined);
  if (json) fs.writeFileSync(json, JSON.stringify(rows, null, 1) + '\n');
}
