#!/usr/bin/env node
// Checks the import graph of server/src (run by `npm run lint`):
//   1. no import cycles anywhere (type-only imports included: a cycle is a cycle to a reader);
//   2. lsp/, cli/, node/ and browser/ reach the core only through its facade, core/index.ts
//      (and the plain shapes of core/types.ts that the facade re-exports).
// Prints each problem and exits 1, or prints a one-line summary.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'server/src');
const rel = (f) => path.relative(root, f).split(path.sep).join('/');

function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

const SPEC = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|(?:^|\n)\s*import\s*['"](\.[^'"]+)['"]/g;
function resolve(from, spec) {
  const base = path.resolve(path.dirname(from), spec);
  for (const c of [base, `${base}.ts`, path.join(base, 'index.ts')]) if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  return undefined;
}

const files = walk(src);
const graph = new Map();
for (const f of files) {
  const text = fs.readFileSync(f, 'utf8');
  const deps = [];
  for (const m of text.matchAll(SPEC)) {
    const target = resolve(f, m[1] ?? m[2]);
    if (target && target.startsWith(src)) deps.push(target);
  }
  graph.set(f, deps);
}

const problems = [];
// 1. cycles: Tarjan's strongly connected components.
let index = 0;
const idx = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
function strong(v) {
  idx.set(v, index);
  low.set(v, index++);
  stack.push(v);
  onStack.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!idx.has(w)) {
      strong(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const comp = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      comp.push(w);
    } while (w !== v);
    if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) problems.push(`import cycle: ${comp.map(rel).sort().join(' <-> ')}`);
  }
}
for (const f of files) if (!idx.has(f)) strong(f);

// 2. the core's one front door.
const core = path.join(src, 'core') + path.sep;
const allowed = new Set([path.join(src, 'core/index.ts'), path.join(src, 'core/types.ts')]);
for (const [f, deps] of graph) {
  if (f.startsWith(core)) continue;
  for (const d of deps)
    if (d.startsWith(core) && !allowed.has(d))
      problems.push(`${rel(f)} imports ${rel(d)}: import the core through server/src/core/index.ts`);
}

for (const p of problems) console.error(`check-imports: ${p}`);
if (problems.length) process.exit(1);
console.log(`check-imports: ${files.length} files, no import cycles, the core reached only through core/index.ts`);
