import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { allowedFalseError, allowedMissedRejection, allowedViolation, allowListReport, type Case } from './allowlist';
import { compare, normalizePath, violationField } from './compare';
import { classify, isPolicy, repositoryDocuments, type DocKind } from './corpus';
import { runConversions, type ConversionResult } from './convert';
import { isMigrationFailure, runMigrations, type MigrationReport } from './migrate';
import { generate, KINDS, type Form } from './generators';
import { generatePolicies, POLICY_KINDS } from './policies';
import { CACHE, Oracle, oracleBinary } from './oracle';
import { checkDocument } from './ours';

/**
 * `npm run conformance`: differential tests of our checks and conversions against Kuma's own code
 * (tools/kuma-oracle, built by `npm run oracle:build`). Options (or CONFORMANCE_* variables):
 *   --versions 2.9,2.14   versions to run (default: all four)
 *   --docs N              generated documents per kind, form and version (default 1000)
 *   --seed S              the generators' seed (default 20)
 *   --policy-docs N       generated targetRef policies per kind, form and version (default 50)
 *   --policies MODE       auto (default), enforce or report: whether the policies' thresholds fail the
 *                         run (auto: once our checks report anything of their own on a policy's spec)
 *   --migration-workspaces N  generated 2.x workspaces the 3.0 migration runs on (default 60; migrate.ts)
 *   --write-docs          rewrite the agreement tables of docs/fidelity.md
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
const POLICY_PER_FORM = Number(arg('--policy-docs') ?? 50);
const POLICY_MODE = arg('--policies') ?? 'auto';
const MAX_SHOWN_POLICIES = Number(arg('--show-policies') ?? 12);
const MIGRATION_WORKSPACES = Number(arg('--migration-workspaces') ?? 60);
/**
 * Codes any YAML gets: they do not say that our policy checks exist. Nor do the checks of a
 * document's meta (name, mesh, labels) that every Kuma document gets: the policies' thresholds
 * apply (in auto mode) once one of our diagnostics on a policy is about its `spec`.
 */
const GENERIC_CODES = new Set([
  'yaml-syntax',
  'yaml-limit',
  'templated-yaml',
  'yaml-duplicate-key',
  'internal-error',
  'kuma-version-unknown',
]);

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
  /** Policies: documents both reject where one of our errors claims Kuma's path and says something else. */
  conflicts: number;
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
  conflicts: 0,
});

type What = 'false error' | 'missed rejection' | 'path conflict';
interface Failure {
  kind: DocKind;
  form: Form;
  version: string;
  what: What;
  text: string;
  source: string;
  kuma: Case['kuma'];
  ours: Case['ours'];
  conflicts?: { path: string; ours: string; kuma: string[] }[];
}

type Doc = { kind: DocKind; form: Form; text: string; source: string };

async function judge(oracle: Oracle, version: string, d: Doc) {
  const kuma = await oracle.ask({ form: d.form, yaml: d.text });
  const ours = checkDocument(d.text, version);
  const c: Case = { kind: d.kind, form: d.form, version, text: d.text, kuma, ours };
  const v = compare(kuma, ours, d.kind, d.form);
  let status: 'agree' | 'allowed' | What = 'agree';
  let entry: string | undefined;
  if (v.weReject && !v.kumaRejects) {
    entry = allowedFalseError(c)?.id;
    status = entry ? 'allowed' : 'false error';
  } else if (!v.weReject && v.kumaRejects) {
    entry = allowedMissedRejection(c)?.id;
    status = entry ? 'allowed' : 'missed rejection';
  } else if (v.weReject && v.kumaRejects && isPolicy(d.kind)) {
    // a policy both reject: where our error claims one of Kuma's paths, it must say what Kuma says there
    v.conflicts = v.conflicts.filter((x) => !kumaViolationsAllowed(c, x.path));
    if (v.conflicts.length) status = 'path conflict';
  }
  return { c, v, status, entry };
}

/** Whether every violation of Kuma's at a path is a reviewed difference (allowlist.ts). */
function kumaViolationsAllowed(c: Case, path: string): boolean {
  const there = c.kuma.violations.filter((v) => normalizePath(v.field) === path || violationField(v) === path);
  return there.length > 0 && there.every((v) => allowedViolation(c, v));
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
  /** Generated targetRef policies, per version: mostly in that version's shape (policies.ts). */
  const policyDocs = (version: string): Doc[] => {
    const out: Doc[] = [];
    for (const kind of POLICY_KINDS)
      for (const form of ['universal', 'kubernetes'] as Form[]) {
        let kept = 0;
        const seed = SEED + 1000 + VERSIONS.indexOf(version) * 100 + POLICY_KINDS.indexOf(kind) * 2 + (form === 'kubernetes' ? 1 : 0);
        for (const g of generatePolicies(kind, form, version, Math.ceil(POLICY_PER_FORM * 1.3), seed)) {
          const c = classify(g.text);
          if (c?.kind !== kind || c.form !== form) dropped++;
          else if (kept < POLICY_PER_FORM) {
            kept++;
            out.push({ kind, form, text: g.text, source: `generated (${g.origin})` });
          }
        }
      }
    return out;
  };
  let generatedPolicies = 0;
  /** Policies on which our checks report something of their own about the spec (then the policies' thresholds apply in auto mode). */
  let oursOnPolicies = 0;

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
    const pdocs = policyDocs(version);
    generatedPolicies += pdocs.length;
    const all = [...docs, ...pdocs];
    for (let i = 0; i < all.length; i += batch) {
      const results = await Promise.all(all.slice(i, i + batch).map((d) => judge(oracle, version, d)));
      results.forEach((r, j) => {
        const d = all[i + j];
        const policy = isPolicy(d.kind);
        if (policy && r.c.ours.some((o) => !GENERIC_CODES.has(o.code) && /^spec\b/.test(o.path))) oursOnPolicies++;
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
          else if (r.status === 'missed rejection') cell.missed++;
          else cell.conflicts++;
          failures.push({
            kind: d.kind,
            form: d.form,
            version,
            what: r.status,
            text: d.text,
            source: d.source,
            kuma: r.c.kuma,
            ours: r.c.ours,
            conflicts: r.status === 'path conflict' ? r.v.conflicts : undefined,
          });
        }
        // a policy's disagreements count against its cell's threshold (below), not one by one
        if (r.status === 'agree' || r.status === 'allowed') passed++;
        else if (!policy) failed++;
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
    let shownPolicies = 0;
    for (const f of failures.filter((x) => x.version === version)) {
      if (isPolicy(f.kind) && shownPolicies >= MAX_SHOWN_POLICIES) continue;
      const sig =
        f.what !== 'missed rejection'
          ? f.ours
              .filter((o) => o.severity === 'error')
              .map((o) => o.code)
              .sort()
              .join(',')
          : (f.kuma.violations[0]?.message ?? f.kuma.error ?? '').replace(/"[^"]*"/g, '""').slice(0, 40);
      const k = isPolicy(f.kind) ? `${f.kind}|${f.what}` : `${f.kind}|${f.form}|${f.what}|${sig}`;
      if (shown.has(k) || shown.size - shownPolicies >= MAX_SHOWN) continue;
      shown.add(k);
      if (isPolicy(f.kind)) shownPolicies++;
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

  // the migration to 3.0, judged by Kuma 3.0 (and the versions its inputs were written for)
  let migration: MigrationReport | undefined;
  if (versions.includes('3.0')) {
    const oracles = new Map<string, Oracle>();
    const oracleFor = (v: string) => {
      let o = oracles.get(v);
      if (!o) oracles.set(v, (o = new Oracle(v)));
      return o;
    };
    migration = await runMigrations(ROOT, oracleFor, MIGRATION_WORKSPACES, SEED);
    for (const o of oracles.values()) o.close();
    for (const d of migration.docs) {
      if (!isMigrationFailure(d)) {
        passed++;
        continue;
      }
      failed++;
      const kuma = d.kuma.violations.map((v) => `${v.field}: ${v.message}`).join('; ') || d.kuma.error || '';
      console.log(
        `\nMIGRATION (${d.status}) ${d.where}${d.changed ? '' : ' (unchanged)'}, as migrated:\n${d.after.replace(/^/gm, '    ')}\n  Kuma 3.0: ${kuma}` +
          `\n  left: ${d.left.join(' | ') || 'nothing'}\n  ours at 3.0: ${d.ours.join(' | ') || 'no error'}`,
      );
    }
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
  if (groups.size) console.log('\nDisagreements, grouped (the first 60):');
  for (const [k, n] of [...groups.entries()].sort((a, b) => b[1] - a[1]).slice(0, 60)) console.log(`  ${n}× ${k}`);
  // every disagreement on a policy, for a report (scripts or people): kind, version, form, document, Kuma's answer, ours
  const policyFailures = failures.filter((f) => isPolicy(f.kind));
  writeFileSync(
    join(CACHE, 'conformance-policy-disagreements.json'),
    JSON.stringify(
      policyFailures.map((f) => ({
        what: f.what,
        kind: f.kind,
        version: f.version,
        form: f.form,
        source: f.source,
        text: f.text,
        kuma: { accepted: f.kuma.accepted, stage: f.kuma.stage, violations: f.kuma.violations, error: f.kuma.error },
        ours: f.ours,
        conflicts: f.conflicts,
      })),
      null,
      1,
    ),
  );

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
  // the policies: agreement per kind and version (SPEC-policies.md), enforced once our checks exist
  const enforce = POLICY_MODE === 'enforce' || (POLICY_MODE === 'auto' && oursOnPolicies > 0);
  const policyRows: string[] = [];
  policyRows.push(
    '| kind | Kuma | documents | Kuma rejects | agreement | false errors | missed rejections | path conflicts | allow-listed | paths & messages | result |',
  );
  policyRows.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  let policyCellsFailing = 0;
  for (const kind of POLICY_KINDS)
    for (const version of versions) {
      const c = cells.get(`${kind}|${version}`);
      if (!c) continue;
      const agreement = (c.agree + c.allowed) / c.docs;
      const msgRatio = c.violations ? (c.matched + c.allowedViolations) / c.violations : 1;
      const ok = c.falseErrors === 0 && agreement >= THRESHOLD;
      if (!ok) policyCellsFailing++;
      if (!ok && enforce) failed++;
      policyRows.push(
        `| ${kind} | ${version} | ${c.docs} | ${c.kumaRejected} | ${(100 * agreement).toFixed(2)} % | ${c.falseErrors} | ${c.missed} | ${c.conflicts} | ${c.allowed} | ${(100 * msgRatio).toFixed(2)} % (${c.matched + c.allowedViolations}/${c.violations}) | ${ok ? 'pass' : enforce ? 'FAIL' : 'below'} |`,
      );
    }
  const policyLine = `policies: ${generatedPolicies} generated documents (${POLICY_PER_FORM} per kind, form and version); threshold: ≥ ${100 * THRESHOLD} % agreement and no false error per kind and version; ${policyCellsFailing} of ${policyRows.length - 2} below; ${enforce ? 'enforced' : `not enforced (--policies ${POLICY_MODE}: our checks report nothing of their own on a policy's spec yet)`}`;
  const convOk = conversions.filter((c) => c.ok).length;
  const convSkipped = conversions.filter((c) => c.skipped).length;
  const convAllowed = conversions.filter((c) => c.allowed).length;
  const convLine = `conversions: ${convOk - convSkipped - convAllowed} equal to Kuma's generator, ${convAllowed} allow-listed, ${convOk === conversions.length ? 'none' : conversions.length - convOk} different, of ${conversions.length - convSkipped} compared (${convSkipped} not compared: the oracle runs Kuma's Universal generator at 3.0 only)`;
  console.log('\n' + rows.join('\n'));
  console.log(
    "\nTargetRef policies (agreement: the same answer, accepted or rejected, and where our error claims a path of Kuma's, the same message):\n",
  );
  console.log(policyRows.join('\n'));
  console.log(`\n${policyLine}`);
  console.log(`\n${convLine}`);
  if (migration) console.log(`\n${migration.rows.join('\n')}\n${migration.line}`);
  const usage = [...used.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`);
  console.log(`allow-list entries used: ${usage.join(', ') || 'none'}`);
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(
    `${compared} documents compared (${repo.length} from the repository and ${generated.length} generated per version, ${generatedPolicies} generated policies in all; ${dropped} generated texts were no longer a document of their kind) in ${seconds} s`,
  );
  if (WRITE_DOCS) writeDocs(rows, versions, compared, convLine, usage, policyRows, policyLine, migration);
  writeFileSync(join(CACHE, 'conformance-last.txt'), rows.join('\n') + '\n\n' + policyRows.join('\n') + '\n\n' + policyLine + '\n');
  console.log(`${passed} passed, ${failed} failed`);
  if (failed > 0) process.exitCode = 1;
}

function writeDocs(
  rows: string[],
  versions: string[],
  compared: number,
  convLine: string,
  usage: string[],
  policyRows: string[],
  policyLine: string,
  migration: MigrationReport | undefined,
) {
  const file = join(ROOT, 'docs', 'fidelity.md');
  const text = readFileSync(file, 'utf8');
  const start = '<!-- agreement-table:start -->';
  const end = '<!-- agreement-table:end -->';
  const table = [
    start,
    `Generated by \`npm run conformance:docs\`: Kuma ${versions.join(', ')}; ${compared} documents compared (every document of the repository, ${PER_FORM} generated documents per kind, form and version, and ${POLICY_PER_FORM} generated policies per policy kind, form and version, seed ${SEED}).`,
    '',
    ...rows,
    '',
    "TargetRef policies (agreement: the same answer, accepted or rejected, and where one of our errors claims the path of a violation of Kuma's, the same message there):",
    '',
    ...policyRows,
    '',
    `${policyLine[0].toUpperCase()}${policyLine.slice(1)}.`,
    '',
    `${convLine[0].toUpperCase()}${convLine.slice(1)}.`,
    '',
    ...(migration
      ? [
          'The migration to Kuma 3.0 (`convert migrate-3.0`, test/conformance/migrate.ts): every Kuma document it produces from the golden upgrade inputs, the examples it changes and generated 2.x workspaces, validated by Kuma 3.0. A document may be rejected only where the migration left something as it is with the reason, or Kuma rejected it before the migration already, and then only if our 3.0 check reports an error on it:',
          '',
          ...migration.rows,
          '',
          `${migration.line[0].toUpperCase()}${migration.line.slice(1)}.`,
          '',
        ]
      : []),
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
