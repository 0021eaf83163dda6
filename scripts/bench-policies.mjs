#!/usr/bin/env node
// The policy workspace of the benchmark (issue 15): 1,000 files of 5 documents, 2 of them policies
// (a MeshTimeout targeting a MeshService by name and sectionName, a MeshHTTPRoute with a backendRef
// and its port, both resolving to MeshServices of the workspace), against the workspace of
// `npm run bench` (1,000 files of 5 documents, no policy), in the same run; and the same with the
// two policies added on top of the 5 documents (7 per file):
//   1. indexing: spawn → "indexed N YAML files", with and without the policies (target: ≤ 1.2×);
//   2. completion after `sectionName:` and hover on the referenced name in a policy (p95 ≤ 5 ms);
//   3. one-character edits of that sectionName (misspelt, then restored) → the diagnostics of the
//      version (median ≤ 10 ms).
// Prints figures, never asserts. Run by `npm run bench` (or alone after `npm run build`).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generatePolicyWorkspace, generateWorkspace } from './bench-gen.mjs';
import { LspSession, serverCommand, sleep } from './bench-lsp.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const server = path.join(root, 'dist/server.node.js');
const config = (section) =>
  section === 'kuma' ? { version: '2.14', diagnostics: { scope: 'openFiles' } } : section === 'files.exclude' ? {} : null;

function write(dir, files) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const f of files) fs.writeFileSync(path.join(dir, f.name), f.text);
  return files.map((f) => ({ ...f, uri: pathToFileURL(path.join(dir, f.name)).href }));
}

function stats(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return undefined;
  const q = (p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  return { n: s.length, median: q(0.5), p95: q(0.95), min: s[0], max: s[s.length - 1] };
}

async function indexOnce(dir, count) {
  const s = new LspSession(serverCommand(server), config);
  const indexed = s.nextLog(/indexed (\d+) YAML files/);
  await s.initialize(pathToFileURL(dir).href);
  const r = await indexed;
  if (Number(r.match[1]) !== count) throw new Error(`indexed ${r.match[1]} files, not ${count}`);
  return { session: s, ms: r.t - s.t0 };
}

/** Runs the scenario `reps` times (fresh processes); returns the samples and their statistics. */
export async function policyBench({ reps = 3, iter = 20, files = 1000, docs = 5, out = path.join(root, 'bench-out', 'data') } = {}) {
  const base = write(
    path.join(out, 'ws-base'),
    generateWorkspace(files, docs).map((f, i) => ({ ...f, name: `${String(i).padStart(4, '0')}.yaml` })),
  );
  const pol = write(path.join(out, 'ws-policies'), generatePolicyWorkspace(files, docs));
  const more = write(path.join(out, 'ws-policies-extra'), generatePolicyWorkspace(files, docs, { extra: true }));
  const rec = { indexBase: [], indexPolicies: [], indexExtra: [], completion: [], hover: [], edit: [], completionLabels: [] };
  for (let rep = 0; rep < reps; rep++) {
    const b = await indexOnce(path.join(out, 'ws-base'), base.length);
    rec.indexBase.push(b.ms);
    await b.session.stop();
    const x = await indexOnce(path.join(out, 'ws-policies-extra'), more.length);
    rec.indexExtra.push(x.ms);
    await x.session.stop();
    const p = await indexOnce(path.join(out, 'ws-policies'), pol.length);
    rec.indexPolicies.push(p.ms);
    const s = p.session;
    const mid = pol[Math.floor(pol.length / 2)];
    await s.open(mid.uri, mid.text);
    await sleep(200);
    const textDocument = { uri: mid.uri };
    for (let i = 0; i < iter; i++) {
      const c = await s.request('textDocument/completion', {
        textDocument,
        position: mid.probes.completionSectionName,
        context: { triggerKind: 1 },
      });
      rec.completion.push(c.ms);
      if (i === 0) rec.completionLabels = (Array.isArray(c.result) ? c.result : (c.result?.items ?? [])).map((x) => x.label);
      const h = await s.request('textDocument/hover', { textDocument, position: mid.probes.hoverName });
      rec.hover.push(h.ms);
    }
    const e = mid.probes.edit;
    const range = { start: { line: e.line, character: e.character }, end: { line: e.line, character: e.character + 1 } };
    for (let i = 0; i < iter; i++) {
      const r = await s.change(mid.uri, i + 2, range, i % 2 === 0 ? 'x' : e.original);
      rec.edit.push(r.ms);
      await sleep(50);
    }
    await s.stop();
  }
  return {
    rec,
    indexBase: stats(rec.indexBase),
    indexPolicies: stats(rec.indexPolicies),
    indexExtra: stats(rec.indexExtra),
    completion: stats(rec.completion),
    hover: stats(rec.hover),
    edit: stats(rec.edit),
    files: pol.length,
    documents: pol.reduce((a, f) => a + f.docs.length, 0),
  };
}

const fmt = (x) => (x === undefined ? 'n/a' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/** The lines of the report, with each target and whether it was met. */
export function policyRows(r) {
  const ratio = r.indexPolicies && r.indexBase ? r.indexPolicies.median / r.indexBase.median : NaN;
  return [
    `policy workspace (${r.files} files, ${r.documents} documents, 2 of 5 per file policies): spawn → index ready ${fmt(r.indexPolicies?.median)} ms median, without the policies ${fmt(r.indexBase?.median)} ms: ${ratio.toFixed(2)}× (target ≤ 1.2×: ${ratio <= 1.2 ? 'met' : 'missed'})`,
    `the same with the 2 policies added to the 5 documents of each file (${fmt(r.indexExtra?.median)} ms): ${(r.indexExtra?.median / r.indexBase?.median).toFixed(2)}× (40 % more text)`,
    `completion after sectionName: in a policy: median ${fmt(r.completion?.median)} / p95 ${fmt(r.completion?.p95)} ms (target p95 ≤ 5: ${r.completion?.p95 <= 5 ? 'met' : 'missed'})`,
    `hover on a reference's name: median ${fmt(r.hover?.median)} / p95 ${fmt(r.hover?.p95)} ms (target p95 ≤ 5: ${r.hover?.p95 <= 5 ? 'met' : 'missed'})`,
    `one-character edit of a sectionName → its diagnostics: median ${fmt(r.edit?.median)} / p95 ${fmt(r.edit?.p95)} ms (target median ≤ 10: ${r.edit?.median <= 10 ? 'met' : 'missed'})`,
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const reps = Number(args.includes('--reps') ? args[args.indexOf('--reps') + 1] : '3');
  const r = await policyBench({ reps });
  for (const line of policyRows(r)) console.log(line);
  console.log(`(completion offered: ${r.rec.completionLabels.join(', ')})`);
}
