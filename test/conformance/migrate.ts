import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import {
  applyEdits,
  convertFile,
  createLanguageService,
  DEFAULT_KUMA_VERSION,
  dependentEdits,
  isKumaVersion,
  type KumaVersion,
  LineIndex,
  type LanguageService,
} from '../../server/src/core';
import type { Oracle, OracleAnswer } from './oracle';
import { arbWorkspace, workspaceFiles } from './workspaces';

/**
 * The migration to Kuma 3.0 against Kuma 3.0's own validation (issue 16: "the Kuma 3.0 oracle
 * accepts every document the migration produces from the examples and generated 2.x
 * workspaces"). The migration runs through the driver the CLI and the editor use (`convertFile`,
 * and `dependentEdits` for the labels a file's migration gives the Dataplanes of the other files)
 * on:
 *   - fixtures: each test/fixtures/convert/upgrade-* and migrate-30-* input, with its workspace.yaml
 *     as the golden tests load it (the input migrated, the workspace given the labels it needs);
 *   - examples: examples/ as `kuma-lint convert migrate-3.0 examples` migrates it (every file in one
 *     workspace), the files the migration changes;
 *   - generated: 2.x workspaces of the round-trip property test's generator (workspaces.ts: legacy names,
 *     route backendRefs, top-level legacy kinds, Meshes, clients, …; fixed seeds), in
 *     Universal form and converted to Kubernetes (`to-kubernetes`), every file migrated.
 * Each Kuma document of the result (every document of a migrated file, the changed documents of a
 * file that only got labels) goes to the 3.0 oracle in its form. Expected: the oracle accepts it,
 * unless the migration left something of it as it is, with the reason (a "Left …" note), or the
 * document was rejected before the migration already (by the oracle of the version it was written
 * for: a mistake the migration does not fix); then `kuma-lint check --kuma-version 3.0` (our
 * diagnose at 3.0, in the migrated workspace) must report an error on it: the user is told.
 */

export type MigrationSource = 'fixtures' | 'examples' | 'generated';
export const MIGRATION_SOURCES: readonly MigrationSource[] = ['fixtures', 'examples', 'generated'];

type Status =
  'accepted' | 'dropped' | 'left' | 'invalid before' | 'rejected' | 'dropped, not told' | 'left, not told' | 'invalid before, not told';

export interface MigratedDoc {
  source: MigrationSource;
  /** Where: the file (fixture, example, generated workspace) and the document. */
  where: string;
  form: 'universal' | 'kubernetes';
  before: string;
  after: string;
  changed: boolean;
  /** The migration's notes on this document that say what it left as it is. */
  left: string[];
  status: Status;
  kuma: OracleAnswer;
  /** Our errors on the document at 3.0 (code path: message). */
  ours: string[];
}

export interface MigrationReport {
  docs: MigratedDoc[];
  /** One row per source: documents, changed, accepted, left, invalid before, failures. */
  rows: string[];
  line: string;
}

interface File {
  uri: string;
  text: string;
  /** Migrated whole (convertFile), or only given the labels another file's migration needs (dependentEdits). */
  migrate: boolean;
}

const FAILURES: Status[] = ['rejected', 'dropped, not told', 'left, not told', 'invalid before, not told'];

/** The text of a document in its chunk, without the chunk's leading `---` line. */
function documentText(chunk: string): string {
  return /^---[^\n]*\n/.test(chunk) ? chunk.slice(chunk.indexOf('\n') + 1) : chunk;
}

/** The documents of a file, with the line each starts on (as the driver's notes name them). */
function documentsOf(service: LanguageService, text: string, version: KumaVersion) {
  const lines = new LineIndex(text);
  return service.analyze(text, { kumaVersion: version, validate: false }).documents.map((d) => {
    const c = d.classification;
    const kind = c.role === 'kuma' ? c.kind : c.role === 'mesh' ? 'Mesh' : undefined;
    const form = c.role === 'kuma' || c.role === 'mesh' ? c.form : undefined;
    return {
      kind,
      form,
      start: d.offset,
      end: d.offset + d.chunkLength,
      line: lines.positionAt(d.range.start).line + 1,
      text: documentText(text.slice(d.offset, d.offset + d.chunkLength)),
    };
  });
}

/**
 * Migrates one workspace through the driver and judges every document of the result. `settings`
 * are those of the run (a file's `# kuma-version:` pin overrides the version, as in the CLI).
 */
async function migrateWorkspace(
  source: MigrationSource,
  label: string,
  files: File[],
  version: KumaVersion,
  oracleFor: (v: string) => Oracle,
  onlyChangedFiles = false,
): Promise<MigratedDoc[]> {
  const settings = { kumaVersion: version, validate: false };
  const service = createLanguageService();
  for (const f of files) service.setFile(f.uri, f.text, f.migrate ? 'open' : 'disk');
  const out = new Map<string, { text: string; details: string[]; left: string[] }>();
  const elsewhere = new Map<string, Parameters<typeof applyEdits>[1]>();
  for (const f of files.filter((x) => x.migrate)) {
    const r = convertFile(service, f.text, settings, 'migrate-3.0');
    out.set(f.uri, { text: applyEdits(f.text, r.edits), details: r.details, left: r.left });
    for (const [u, edits] of dependentEdits(service, f.uri, f.text, settings, 'migrate-3.0').edits)
      if (!files.find((x) => x.uri === u)?.migrate) elsewhere.set(u, [...(elsewhere.get(u) ?? []), ...edits]);
  }
  for (const f of files.filter((x) => !x.migrate))
    out.set(f.uri, { text: applyEdits(f.text, elsewhere.get(f.uri) ?? []), details: [], left: [] });
  const after = createLanguageService();
  for (const f of files) after.setFile(f.uri, out.get(f.uri)!.text, 'disk');

  const judged: Promise<MigratedDoc | undefined>[] = [];
  for (const f of files) {
    const o = out.get(f.uri)!;
    if (onlyChangedFiles && o.text === f.text) continue;
    const inputVersion = service.analyze(f.text, settings).kumaVersion;
    const beforeDocs = documentsOf(service, f.text, inputVersion);
    const afterDocs = documentsOf(after, o.text, '3.0');
    const name = `${label}${f.uri.replace(/^file:\/\/\/ws\//, '')}`;
    if (beforeDocs.length !== afterDocs.length) {
      judged.push(
        Promise.resolve({
          source,
          where: name,
          form: 'universal',
          before: f.text,
          after: o.text,
          changed: true,
          left: [],
          status: 'rejected',
          kuma: { accepted: false, violations: [], warnings: [], error: `${beforeDocs.length} documents became ${afterDocs.length}` },
          ours: [],
        }),
      );
      continue;
    }
    // `kuma-lint check --kuma-version 3.0` on the migrated file, in the migrated workspace
    const errors = after.diagnose(f.uri, o.text, { kumaVersion: '3.0', validate: true }).diagnostics.filter((d) => d.severity === 'error');
    afterDocs.forEach((a, i) => {
      const b = beforeDocs[i];
      if (!a.kind || !a.form) return;
      const changed = a.text.replace(/\n*$/, '') !== b.text.replace(/\n*$/, '');
      if (!f.migrate && !changed) return; // a workspace file's document the migration did not touch
      const notePrefix = new RegExp(`^\\S+ .* \\(line ${b.line}\\): `);
      const left = o.left.filter((n) => notePrefix.test(n)).map((n) => n.replace(notePrefix, ''));
      const ours = errors
        .filter((d) => d.range.start >= a.start && d.range.start < Math.max(a.end, a.start + 1))
        .map((d) => `${d.code} ${d.data.path ?? ''}: ${d.message}`);
      const where = `${name} ${a.kind} (line ${b.line})`;
      const form = a.form;
      judged.push(
        (async (): Promise<MigratedDoc> => {
          const kuma = await oracleFor('3.0').ask({ form, yaml: a.text });
          if (kuma.stage === 'panic') throw new Error(`oracle 3.0 panicked on ${where}:\n${a.text}\n${kuma.error}`);
          // accepted although something was left: Kuma 3.0 drops it silently, which the user must be told too
          let status: Status = !left.length ? 'accepted' : ours.length ? 'dropped' : 'dropped, not told';
          if (!kuma.accepted) {
            const told = ours.length > 0;
            if (left.length) status = told ? 'left' : 'left, not told';
            else {
              const earlier = await oracleFor(inputVersion).ask({ form, yaml: b.text });
              if (!earlier.accepted) status = told ? 'invalid before' : 'invalid before, not told';
              else status = 'rejected';
            }
          }
          return { source, where, form, before: b.text, after: a.text, changed, left, status, kuma, ours };
        })(),
      );
    });
  }
  return (await Promise.all(judged)).filter((d): d is MigratedDoc => !!d);
}

function fixtureWorkspaces(root: string): { label: string; files: File[]; version: KumaVersion }[] {
  const base = join(root, 'test', 'fixtures', 'convert');
  const out: { label: string; files: File[]; version: KumaVersion }[] = [];
  for (const d of readdirSync(base).sort()) {
    if (!d.startsWith('upgrade-') && !d.startsWith('migrate-30-')) continue;
    const dir = join(base, d);
    const v = existsSync(join(dir, 'version')) ? readFileSync(join(dir, 'version'), 'utf8').trim() : '2.14';
    if (!isKumaVersion(v)) throw new Error(`${dir}/version: ${v} is no Kuma version`);
    const files: File[] = [{ uri: 'file:///ws/input.yaml', text: readFileSync(join(dir, 'input.yaml'), 'utf8'), migrate: true }];
    if (existsSync(join(dir, 'workspace.yaml')))
      files.push({ uri: 'file:///ws/workspace.yaml', text: readFileSync(join(dir, 'workspace.yaml'), 'utf8'), migrate: false });
    out.push({ label: `${d}/`, files, version: v });
  }
  return out;
}

function exampleFiles(root: string): File[] {
  const out: File[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) out.push({ uri: `file:///ws/${relative(root, p)}`, text: readFileSync(p, 'utf8'), migrate: true });
    }
  };
  walk(join(root, 'examples'));
  return out;
}

/** A generated Universal workspace in Kubernetes form, through the driver's `to-kubernetes` (namespace kuma-demo). */
function toKubernetes(files: Record<string, string>): Record<string, string> {
  const service = createLanguageService();
  for (const [u, t] of Object.entries(files)) service.setFile(u, t, 'disk');
  const settings = { kumaVersion: '2.14' as KumaVersion, validate: false };
  return Object.fromEntries(
    Object.entries(files).map(([u, t]) => [
      u,
      applyEdits(t, convertFile(service, t, settings, 'to-kubernetes', { namespace: 'kuma-demo' }).edits),
    ]),
  );
}

export async function runMigrations(
  root: string,
  oracleFor: (version: string) => Oracle,
  generatedWorkspaces = 60,
  seed = 20,
): Promise<MigrationReport> {
  const docs: MigratedDoc[] = [];
  for (const w of fixtureWorkspaces(root)) docs.push(...(await migrateWorkspace('fixtures', w.label, w.files, w.version, oracleFor)));
  docs.push(...(await migrateWorkspace('examples', 'examples: ', exampleFiles(root), DEFAULT_KUMA_VERSION, oracleFor, true)));
  const sample = fc.sample(arbWorkspace, { numRuns: generatedWorkspaces, seed });
  for (const [i, ws] of sample.entries()) {
    const universal = workspaceFiles(ws);
    for (const [form, files] of [
      ['universal', universal],
      ['kubernetes', toKubernetes(universal)],
    ] as const) {
      const list = Object.entries(files)
        .filter(([, t]) => t.trim() !== '')
        .map(([uri, text]) => ({ uri, text, migrate: true }));
      docs.push(...(await migrateWorkspace('generated', `workspace ${i} (${form}, seed ${seed}) `, list, '2.14', oracleFor)));
    }
  }
  const rows = [
    '| source | documents | changed | accepted | accepted, something left that 3.0 drops silently (told) | rejected, something left (told) | rejected before already (told) | failures |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const count = (ds: MigratedDoc[], ...s: Status[]) => ds.filter((d) => s.includes(d.status)).length;
  for (const source of MIGRATION_SOURCES) {
    const ds = docs.filter((d) => d.source === source);
    rows.push(
      `| ${source} | ${ds.length} | ${ds.filter((d) => d.changed).length} | ${count(ds, 'accepted')} | ${count(ds, 'dropped')} | ${count(ds, 'left')} | ${count(ds, 'invalid before')} | ${count(ds, ...FAILURES)} |`,
    );
  }
  const failures = count(docs, ...FAILURES);
  const line = `migration to 3.0: ${docs.length} migrated documents judged by Kuma 3.0's validation (${sample.length} generated workspaces, both forms, seed ${seed}): ${count(docs, 'accepted')} accepted, ${count(docs, 'dropped')} accepted although the migration left something (which Kuma 3.0 drops silently) and our 3.0 check reports an error, ${count(docs, 'left')} rejected where the migration left something with the reason and our 3.0 check reports an error, ${count(docs, 'invalid before')} rejected before the migration already (reported by our 3.0 check), ${failures || 'no'} failure${failures === 1 ? '' : 's'}`;
  return { docs, rows, line };
}

/** Whether a judged document is a failure of the migration (see the file's comment). */
export function isMigrationFailure(d: MigratedDoc): boolean {
  return FAILURES.includes(d.status);
}
