import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { allowedFalseError, allowedMissedRejection, allowedViolation, allowListReport, type Case } from './allowlist';
import { compare } from './compare';
import { classify, repositoryDocuments } from './corpus';
import { runConversions, type ConversionResult } from './convert';
import { generate, KINDS, type Form, type Kind } from './generators';
import { CACHE, Oracle, oracleBinary } from './oracle';
import { checkDocument } from './ours';

/**
 * `npm run conformance`: differential tests of our checks and conversions against Kuma's own code
 * (tools/kuma-oracle, built by `npm run oracle:build`). Options (or CONFORMANCE_* variables):
 *   --versions 2.9,2.14   versions to run (default: all four)
 *   --docs N              generated documents per kind, form and version (default 1000)
 *   --seed S              the generators' seed (default 20)
 *   --write-docs          rewrite the agreement table of docs/fidelity.md
 * Prints a table per kind and version and a last line `N passed, M failed`.
 */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i >= 0) return process.argv[i + 1];
  return process.env[`CONFORMANCE_${name.slice(2).toUpperCase().replace(/-/g, '_')}`];
}

const ROOT = join(__dirname, '..', '..');
const VERSIONS = (arg('--versions') ?? '2.9,2.13,2.14,3.0').split(',');
const PER_FORM = Number(arg('--docs') ?? 1000);
const SEED = Number(arg('--seed') ?? 20);
const WRITE_DOCS = process.argv.includes('--write-docs');
const THRESHOLD = 0.98;
const MAX_SHOWN = Number(arg('--show') ?? 40);

interface Cell {
  docs: number;
  kumaRejected: number;
  agree: number;
  allowed: number;
  falseErrors: number;
  missed: number;
  violations: number;
  matched: number;
  verbatim: number;
  allowedViolations: number;
}
const newCell = (): Cell => ({
  docs: 0,
  kumaRejected: 0,
  agree: 0,
  allowed: 0,
  falseErrors: 0,
  missed: 0,
  violations: 0,
  matched: 0,
  verbatim: 0,
  allowedViolations: 0,
});

interface Failure {
  kind: Kind;
  form: Form;
  version: string;
  what: 'false error' | 'missed rejection';
  text: string;
  source: string;
  kuma: Case['kuma'];
  ours: Case['ours'];
}

type Doc = { kind: Kind; form: Form; text: string; source: string };

async function judge(oracle: Oracle, version: string, d: Doc) {
  const kuma = await oracle.ask({ form: d.form, yaml: d.text });
  const ours = checkDocument(d.text, version);
  const c: Case = { kind: d.kind, form: d.form, version, text: d.text, kuma, ours };
  const v = compare(kuma, ours, d.kind, d.form);
  let status: 'agree' | 'allowed' | 'false error' | 'missed rejection' = 'agree';
  let entry: string | undefined;
  if (v.weReject && !v.kumaRejects) {
    entry = allowedFalseError(c)?.id;
    status = entry ? 'allowed' : 'false error';
  } else if (!v.weReject && v.kumaRejects) {
    entry = allowedMissedRejection(c)?.id;
    status = entry ? 'allowed' : 'missed rejection';
  }
  return { c, v, status, entry };
}

/** Removes keys and items while the same disagreement shows: the smallest input that shows it. */
async function shrink(oracle: Oracle, version: string, f: Failure): Promise<string> {
  let obj: unknown;
  try {
    obj = parse(f.text, { logLevel: 'error' });
  } catch {
    return f.text;
  }
  if (!obj || typeof obj !== 'object') return f.text;
  let budget = 300;
  const keep = ['apiVersion', 'kind', 'type'];
  let progress = true;
  while (progress && budget > 0) {
    progress = false;
    const candidates: (string | number)[][] = [];
    const walk = (o: unknown, p: (string | number)[]) => {
      if (Array.isArray(o)) o.forEach((v, i) => (candidates.push([...p, i]), walk(v, [...p, i])));
      else if (o && typeof o === 'object')
        for (const [k, v] of Object.entries(o)) {
          if (p.length === 0 && keep.includes(k)) continue;
          candidates.push([...p, k]);
          walk(v, [...p, k]);
        }
    };
    walk(obj, []);
    for (const p of candidates) {
      if (budget-- <= 0) break;
      const copy = structuredClone(obj) as Record<string | number, unknown>;
      let parent = copy;
      for (const k of p.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
      if (Array.isArray(parent)) parent.splice(p[p.length - 1] as number, 1);
      else delete parent[p[p.length - 1]];
      const text = stringify(copy, { lineWidth: 0 });
      const r = await judge(oracle, version, { kind: f.kind, form: f.form, text, source: '' });
      if (r.status === f.what) {
        obj = copy;
        progress = true;
        break;
      }
    }
  }
  return stringify(obj, { lineWidth: 0 });
}

async function main() {
  const started = Date.now();
  const versions = VERSIONS.filter((v) => {
    if (existsSync(oracleBinary(v))) return true;
    console.error(`conformance: no oracle for Kuma ${v} (${oracleBinary(v)}): run npm run oracle:build`);
    process.exitCode = 1;
    return false;
  });
  const repo = repositoryDocuments(ROOT);
  const generated: Doc[] = [];
  let dropped = 0;
  for (const kind of KINDS)
    for (const form of ['universal', 'kubernetes'] as Form[]) {
      // a text edit may have made it another kind, or no Kuma document at all: not compared, and
      // made up for, so that each kind and form has PER_FORM documents
      let kept = 0;
      for (const g of generate(kind, form, Math.ceil(PER_FORM * 1.2), SEED + KINDS.indexOf(kind) * 2 + (form === 'kubernetes' ? 1 : 0))) {
        const c = classify(g.text);
        if (c?.kind !== kind || c.form !== form) dropped++;
        else if (kept < PER_FORM) {
          kept++;
          generated.push({ kind, form, text: g.text, source: `generated (${g.origin})` });
        }
      }
    }
  const docs: Doc[] = [...repo, ...generated];

  const cells = new Map<string, Cell>();
  /** How often each allow-list entry was used. */
  const used = new Map<string, number>();
  const failures: Failure[] = [];
  const unmatched = new Map<string, { count: number; example: { field: string; message: string; ours: string[]; text: string } }>();
  let compared = 0;
  let passed = 0;
  let failed = 0;
  const conversions: ConversionResult[] = [];

  for (const version of versions) {
    const oracle = new Oracle(version);
    const batch = 256;
    for (let i = 0; i < docs.length; i += batch) {
      const results = await Promise.all(docs.slice(i, i + batch).map((d) => judge(oracle, version, d)));
      results.forEach((r, j) => {
        const d = docs[i + j];
        if (r.c.kuma.stage === 'panic') throw new Error(`oracle ${version} panicked on ${d.source}:\n${d.text}\n${r.c.kuma.error}`);
        const key = `${d.kind}|${version}`;
        const cell = cells.get(key) ?? newCell();
        cells.set(key, cell);
        cell.docs++;
        compared++;
        if (r.v.kumaRejects) cell.kumaRejected++;
        if (r.status === 'agree') cell.agree++;
        else if (r.status === 'allowed') {
          cell.allowed++;
          used.set(r.entry!, (used.get(r.entry!) ?? 0) + 1);
        } else {
          if (r.status === 'false error') cell.falseErrors++;
          else cell.missed++;
          failures.push({
            kind: d.kind,
            form: d.form,
            version,
            what: r.status,
            text: d.text,
            source: d.source,
            kuma: r.c.kuma,
            ours: r.c.ours,
          });
        }
        if (r.status === 'agree' || r.status === 'allowed') passed++;
        else failed++;
        // paths and messages: only where both reject (a missed rejection is counted above)
        if (r.v.kumaRejects && r.v.weReject)
          for (const v of r.v.violations) {
            cell.violations++;
            if (v.verbatim) cell.verbatim++;
            if (v.matched) cell.matched++;
            else if (allowedViolation(r.c, v)) {
              cell.allowedViolations++;
              const id = allowedViolation(r.c, v)!.id;
              used.set(`${id} (message)`, (used.get(`${id} (message)`) ?? 0) + 1);
            } else {
              const k = `${d.kind}|${d.form}|${version}|${v.field.replace(/\[\d+\]/g, '[]')}|${v.message.slice(0, 60)}`;
              const u = unmatched.get(k);
              if (u) u.count++;
              else
                unmatched.set(k, {
                  count: 1,
                  example: {
                    field: v.field,
                    message: v.message,
                    ours: r.c.ours.map((o) => `${o.severity} ${o.code} ${o.path}: ${o.message}`),
                    text: d.text,
                  },
                });
            }
          }
      });
    }
    conversions.push(...(await runConversions(ROOT, oracle, version)));
    // the smallest input of the first disagreements of each kind and form
    const shown = new Set<string>();
    for (const f of failures.filter((x) => x.version === version)) {
      const sig =
        f.what === 'false error'
          ? f.ours
              .filter((o) => o.severity === 'error')
              .map((o) => o.code)
              .sort()
              .join(',')
          : (f.kuma.violations[0]?.message ?? f.kuma.error ?? '').replace(/"[^"]*"/g, '""').slice(0, 40);
      const k = `${f.kind}|${f.form}|${f.what}|${sig}`;
      if (shown.has(k) || shown.size >= MAX_SHOWN) continue;
      shown.add(k);
      const small = await shrink(oracle, version, f);
      const r = await judge(oracle, version, { kind: f.kind, form: f.form, text: small, source: '' });
      console.log(
        `\nDISAGREEMENT (${f.what}) ${f.kind} ${f.form} Kuma ${version} — from ${f.source}; smallest input:\n${small.replace(/^/gm, '    ')}`,
      );
      console.log(
        `  Kuma: ${r.c.kuma.accepted ? 'accepts' : 'rejects'} ${JSON.stringify(r.c.kuma.violations)}${r.c.kuma.error ? ' ' + r.c.kuma.error : ''}`,
      );
      console.log(`  ours: ${JSON.stringify(r.c.ours.map((o) => `${o.severity} ${o.code} ${o.path}: ${o.message}`))}`);
    }
    oracle.close();
  }

  // every disagreement, grouped
  const groups = new Map<string, number>();
  for (const f of failures) {
    const k = `${f.what} | ${f.kind} ${f.form} ${f.version} | Kuma: ${(f.kuma.violations.map((v) => `${v.field.replace(/\[\d+\]/g, '[]')}: ${v.message.replace(/"[^"]*"/g, '""').slice(0, 70)}`).join('; ') || f.kuma.error || '').slice(0, 160)} | ours: ${f.ours
      .filter((o) => o.severity === 'error')
      .map((o) => o.code)
      .join(',')}`;
    groups.set(k, (groups.get(k) ?? 0) + 1);
  }
  if (groups.size) console.log('\nDisagreements, grouped:');
  for (const [k, n] of [...groups.entries()].sort((a, b) => b[1] - a[1])) console.log(`  ${n}× ${k}`);

  // conversions
  for (const c of conversions) {
    if (c.allowed) used.set(`${c.allowed} (conversion)`, (used.get(`${c.allowed} (conversion)`) ?? 0) + 1);
    if (c.ok) passed++;
    else {
      failed++;
      console.log(`\nCONVERSION DIFFERS ${c.name} (Kuma ${c.version}):\n${c.diff}`);
    }
  }

  // unmatched messages
  const top = [...unmatched.entries()].sort((a, b) => b[1].count - a[1].count).slice(0, Number(arg('--top') ?? 25));
  if (top.length) console.log('\nKuma violations none of our errors reports with the same path and message (most frequent first):');
  for (const [k, u] of top)
    console.log(
      `  ${u.count}× ${k}\n     Kuma: ${u.example.field}: ${u.example.message}\n     ours: ${u.example.ours.join('\n           ')}`,
    );

  // the table
  const rows: string[] = [];
  rows.push('| kind | Kuma | documents | Kuma rejects | errors agree | allow-listed | paths & messages | of which verbatim | result |');
  rows.push('|---|---|---:|---:|---:|---:|---:|---:|---|');
  for (const kind of KINDS)
    for (const version of versions) {
      const c = cells.get(`${kind}|${version}`);
      if (!c) continue;
      const errPct = (100 * (c.agree + c.allowed)) / c.docs;
      const msgRatio = c.violations ? (c.matched + c.allowedViolations) / c.violations : 1;
      const ok = c.falseErrors + c.missed === 0 && msgRatio >= THRESHOLD;
      if (msgRatio < THRESHOLD) failed++;
      rows.push(
        `| ${kind} | ${version} | ${c.docs} | ${c.kumaRejected} | ${errPct.toFixed(2)} % | ${c.allowed} | ${(100 * msgRatio).toFixed(2)} % (${c.matched + c.allowedViolations}/${c.violations}) | ${c.violations ? ((100 * c.verbatim) / c.violations).toFixed(1) : '100.0'} % | ${ok ? 'pass' : 'FAIL'} |`,
      );
    }
  const convOk = conversions.filter((c) => c.ok).length;
  const convSkipped = conversions.filter((c) => c.skipped).length;
  const convAllowed = conversions.filter((c) => c.allowed).length;
  const convLine = `conversions: ${convOk - convSkipped - convAllowed} equal to Kuma's generator, ${convAllowed} allow-listed, ${convOk === conversions.length ? 'none' : conversions.length - convOk} different, of ${conversions.length - convSkipped} compared (${convSkipped} not compared: the oracle runs Kuma's Universal generator at 3.0 only)`;
  console.log('\n' + rows.join('\n'));
  console.log(`\n${convLine}`);
  const usage = [...used.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`);
  console.log(`allow-list entries used: ${usage.join(', ') || 'none'}`);
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(
    `${compared} documents compared (${repo.length} from the repository, ${generated.length} generated, per version; ${dropped} generated texts were no longer a document of their kind) in ${seconds} s`,
  );
  if (WRITE_DOCS) writeDocs(rows, versions, compared, convLine, usage);
  writeFileSync(join(CACHE, 'conformance-last.txt'), rows.join('\n') + '\n');
  console.log(`${passed} passed, ${failed} failed`);
  if (failed > 0) process.exitCode = 1;
}

function writeDocs(rows: string[], versions: string[], compared: number, convLine: string, usage: string[]) {
  const file = join(ROOT, 'docs', 'fidelity.md');
  const text = readFileSync(file, 'utf8');
  const start = '<!-- agreement-table:start -->';
  const end = '<!-- agreement-table:end -->';
  const table = [
    start,
    `Generated by \`npm run conformance:docs\`: Kuma ${versions.join(', ')}; ${compared} documents compared (every document of the repository, and ${PER_FORM} generated documents per kind, form and version, seed ${SEED}).`,
    '',
    ...rows,
    '',
    `${convLine[0].toUpperCase()}${convLine.slice(1)}.`,
    '',
    "The reviewed differences (test/conformance/allowlist.ts), with how often this run used each: documents on which only one side rejects, violations of Kuma's we report differently, generated MeshServices that differ:",
    '',
    ...allowListReport(usage),
    end,
  ].join('\n');
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  writeFileSync(file, text.slice(0, a) + table + text.slice(b + end.length));
}

main().catch((e) => {
  console.error(e);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
