import fc from 'fast-check';
import { splitDocuments } from '../../server/src/core/yaml/documents';
import { fastParseChunk } from '../../server/src/core/yaml/fastYaml';
import { diffChunk } from './fastYamlDiff';
import { blockScalarText, crlfManifestText, editedManifestText, manifestText, yamlText } from './yamlText';
import { parseAllDocuments } from 'yaml';
import { createLanguageService, type FileAnalysis, type LanguageService } from '../../server/src/core/host/languageService';
import { applyEdits, convertForm } from '../../server/src/core/convert/format';
import { migrateSelectors } from '../../server/src/core/convert/migrate';
import { convertFile } from '../../server/src/core';
import type { KumaDiagnostic } from '../../server/src/core/types';
import { SchemaValidators } from '../../server/src/core/schema/validation';
import { pinnedVersionText } from '../../server/src/core/kuma/versions';
import { applyMutation, manifestFile, mutation, offsetsOf, positions } from './arbitraries';
import { badRanges, exercise, SETTINGS } from './features';

/**
 * The properties the fuzzer checks, each a fast-check property with a weight (its share of
 * the cases). `npm run fuzz` runs them at scale, test/unit/fuzz.test.ts a fixed-seed sample.
 */

const URI = 'file:///ws/fuzz.yaml';
/** A second workspace file, so the cross-file checks and conversions have something to read. */
const COMPANION_URI = 'file:///ws/companion.yaml';
const COMPANION = `type: Dataplane
name: web-1
mesh: default
networking:
  address: 10.0.0.1
  inbound:
  - port: 8080
    name: http
    tags:
      kuma.io/service: web
      app: web
---
apiVersion: v1
kind: Namespace
metadata:
  name: kuma-demo
  labels:
    kuma.io/sidecar-injection: enabled
`;

/** Compiling Kuma's schemas costs far more than a case: every service of the fuzzer shares them. */
const validators = new SchemaValidators();

function serviceWith(text: string): LanguageService {
  const service = createLanguageService({ validators });
  service.setFile(COMPANION_URI, COMPANION, 'disk');
  service.setFile(URI, text, 'open');
  return service;
}

/** What a user sees of diagnostics, for comparing two analyses. */
function seen(a: FileAnalysis) {
  return a.diagnostics.map((d) => ({
    code: d.code,
    severity: d.severity,
    message: d.message,
    range: d.range,
    document: d.document,
    related: d.related,
  }));
}

function yamlErrorCount(text: string): number {
  let n = 0;
  for (const doc of Array.from(parseAllDocuments(text, { uniqueKeys: true, logLevel: 'silent' }) as Iterable<{ errors: unknown[] }>))
    n += doc.errors.length;
  return n;
}

/** Errors per code: "no new error" means no code has more errors than before. */
function errorCounts(ds: KumaDiagnostic[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const d of ds) if (d.severity === 'error') m.set(d.code, (m.get(d.code) ?? 0) + 1);
  return m;
}

function newErrors(before: KumaDiagnostic[], after: KumaDiagnostic[], except?: string): string[] {
  const b = errorCounts(before);
  const out: string[] = [];
  for (const [code, n] of errorCounts(after)) if (code !== except && n > (b.get(code) ?? 0)) out.push(code);
  return out;
}

/** Every comment (from `#` at a line start or after a space, to the end of the line) of a text. */
function comments(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /(?:^|\s)(#.*)$/.exec(line.replace(/\r$/, ''));
    if (m && !/["']/.test(line.slice(0, m.index))) out.push(m[1]);
  }
  return out;
}

function assertEmpty(what: string, list: unknown[]) {
  if (list.length) throw new Error(`${what}: ${JSON.stringify(list.slice(0, 5))}`);
}

/** Asserts an edit of one document kept the rest of the file and the document's comments. */
function assertLossless(
  label: string,
  text: string,
  after: string,
  chunk: { start: number; end: number },
  edits: { range: { start: number; end: number }; newText: string }[],
) {
  for (const e of edits)
    if (e.range.start < chunk.start || e.range.end > chunk.end)
      throw new Error(`${label}: edit ${e.range.start}-${e.range.end} outside its document ${chunk.start}-${chunk.end}`);
  const delta = after.length - text.length;
  if (after.slice(0, chunk.start) !== text.slice(0, chunk.start)) throw new Error(`${label}: text before the document changed`);
  if (after.slice(chunk.end + delta) !== text.slice(chunk.end)) throw new Error(`${label}: text after the document changed`);
  const kept = comments(after.slice(chunk.start, chunk.end + delta));
  // Comments an edit is aimed at (the `# kuma-version:` pin) may change, and a removed block
  // takes the comments between its lines along; every other comment must stay.
  const exempt: string[] = [];
  for (const e of edits) {
    const removed = text.slice(e.range.start, e.range.end);
    if (e.newText === '') {
      // A removed block (from its key line) takes the comments between its lines and those
      // indented deeper than its key after them.
      const lines = removed.split('\n');
      const keyIndent = lines[0].length - lines[0].trimStart().length;
      let last = lines.length - 1;
      while (
        last >= 0 &&
        (lines[last].trim() === '' ||
          (lines[last].trimStart().startsWith('#') && lines[last].length - lines[last].trimStart().length <= keyIndent))
      )
        last--;
      exempt.push(...comments(lines.slice(0, last + 1).join('\n')));
    } else {
      // Lines a rewrite removes take the comments between them along (a migration dropping
      // inbound tags drops a comment inside them); comments around them must stay.
      const lines = removed.split('\n');
      const content = (l: string) => l.trim() !== '' && !l.trimStart().startsWith('#');
      const first = lines.findIndex(content);
      const last = lines.length - 1 - [...lines].reverse().findIndex(content);
      if (first >= 0 && last > first) exempt.push(...comments(lines.slice(first + 1, last).join('\n')));
      // An edit inside a comment (the version pin) changes that comment.
      const lineStart = text.lastIndexOf('\n', e.range.start - 1) + 1;
      const lineEnd = text.indexOf('\n', e.range.start);
      const line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
      const c = comments(line)[0];
      if (c !== undefined && line.lastIndexOf(c) <= e.range.start - lineStart) exempt.push(c);
    }
  }
  for (const c of comments(text.slice(chunk.start, chunk.end))) {
    const x = exempt.indexOf(c);
    if (x >= 0) {
      exempt.splice(x, 1);
      continue;
    }
    const i = kept.indexOf(c);
    if (i < 0) throw new Error(`${label}: comment ${JSON.stringify(c)} lost`);
    kept.splice(i, 1);
  }
}

/** Errors about the shape of a document rather than its values. */
const STRUCTURAL = ['yaml-syntax', 'yaml-duplicate-key', 'yaml-limit', 'schema-unknown-key', 'schema-missing-required', 'schema-type'];

export interface NamedProperty {
  name: string;
  weight: number;
  check: (numRuns: number, seed: number) => fc.RunDetails<unknown>;
}

function checker<T extends unknown[]>(p: fc.IPropertyWithHooks<T>) {
  return (numRuns: number, seed: number) => fc.check(p, { numRuns, seed }) as fc.RunDetails<unknown>;
}

export const PROPERTIES: NamedProperty[] = [
  {
    name: 'the fast YAML reader reads every chunk of generated, edited and wild YAML exactly as yaml does, or leaves it to yaml',
    weight: 2,
    check: checker(
      fc.property(fc.oneof(manifestText, editedManifestText, crlfManifestText, blockScalarText, yamlText), (text) => {
        for (const chunk of splitDocuments(text)) {
          const r = diffChunk(fastParseChunk, chunk.text);
          if (r.diff) throw new Error(`fast reader differs on ${JSON.stringify(chunk.text)}: ${r.diff}`);
        }
      }),
    ),
  },
  {
    name: 'every feature at random positions of edited manifests: no throw, ranges inside the text and on character boundaries',
    weight: 4,
    check: checker(
      fc.property(manifestFile, fc.array(mutation, { maxLength: 4 }), positions, (file, muts, rel) => {
        let text = file;
        for (const m of muts) text = applyMutation(text, m).text;
        const service = serviceWith(text);
        const produced = exercise(service, URI, text, offsetsOf(text, rel));
        assertEmpty('bad ranges', badRanges(text, produced));
        // A quick fix never turns parseable YAML into unparseable YAML.
        const errorsBefore = yamlErrorCount(text);
        for (const f of produced.fixes) {
          const fixed = applyEdits(text, f.edits);
          if (yamlErrorCount(fixed) > errorsBefore)
            throw new Error(`quick fix "${f.title}" (${f.diagnostic.code}) breaks the YAML:\n${fixed}`);
        }
      }),
    ),
  },
  {
    name: 'diagnostics after a sequence of edits through setFile equal those of a fresh service on the final text',
    weight: 3,
    check: checker(
      fc.property(manifestFile, fc.array(mutation, { minLength: 1, maxLength: 6 }), (file, muts) => {
        const service = serviceWith(file);
        service.diagnose(URI, file, SETTINGS);
        let text = file;
        for (const m of muts) {
          text = applyMutation(text, m).text;
          service.setFile(URI, text, 'open');
          service.diagnose(URI, text, SETTINGS);
        }
        const incremental = JSON.stringify(seen(service.diagnose(URI, text, SETTINGS)));
        const fresh = JSON.stringify(seen(serviceWith(text).diagnose(URI, text, SETTINGS)));
        if (incremental !== fresh) throw new Error(`incremental:\n${incremental}\nfresh:\n${fresh}\ntext:\n${text}`);
      }),
    ),
  },
  {
    name: 'quick fixes: only their document changes, comments stay, the diagnostic goes and no new error comes',
    weight: 2,
    check: checker(
      fc.property(manifestFile, (text) => {
        const service = serviceWith(text);
        const before = service.diagnose(URI, text, SETTINGS);
        const produced = exercise(service, URI, text, []);
        for (const f of produced.fixes) {
          const target = f.diagnostic;
          const doc = before.documents[target.document];
          if (!doc || f.edits.length === 0) continue;
          const after = applyEdits(text, f.edits);
          assertLossless(`fix "${f.title}"`, text, after, { start: doc.offset, end: doc.offset + doc.chunkLength }, f.edits);
          const fixed = serviceWith(after).diagnose(URI, after, SETTINGS);
          const still = fixed.diagnostics.filter(
            (d) =>
              d.code === target.code && d.document === target.document && d.data.path === target.data.path && d.message === target.message,
          );
          if (still.length) throw new Error(`fix "${f.title}" leaves ${target.code} at ${target.data.path}:\n${after}`);
          // Pinning another Kuma version changes which rules apply: only the pin to the version the
          // file was checked against must add nothing.
          if (target.code === 'kuma-version-unknown' && !f.title.endsWith(` ${SETTINGS.kumaVersion}`)) continue;
          // Quick fixes read only their file's text: moving a resource to kuma-system cannot know
          // that one of that name is there already (a known limit; resource-duplicate tells).
          const except = target.code === 'system-namespace-only' ? ['resource-duplicate'] : [];
          assertEmpty(
            `fix "${f.title}" adds errors`,
            newErrors(before.diagnostics, fixed.diagnostics, target.code).filter((c) => !except.includes(c)),
          );
        }
      }),
    ),
  },
  {
    name: 'conversions and migrations: only their document changes (generators only insert after it), comments stay, no new error',
    weight: 2,
    check: checker(
      fc.property(manifestFile, (text) => {
        const service = serviceWith(text);
        const before = service.diagnose(URI, text, SETTINGS);
        for (const d of before.documents) {
          const input = {
            doc: d.parsed,
            chunk: text.slice(d.offset, d.offset + d.chunkLength),
            version: before.kumaVersion,
            index: service.index(),
          };
          const conversions = [
            ['to Universal', () => convertForm(input, 'universal')],
            ['to Kubernetes', () => convertForm(input, 'kubernetes')],
            ['migrate selectors', () => migrateSelectors(input)],
          ] as const;
          for (const [label, run] of conversions) {
            const r = run();
            if ('error' in r || r.edits.length === 0) continue;
            const edits = r.edits.map((e) => ({
              range: { start: e.range.start + d.offset, end: e.range.end + d.offset },
              newText: e.newText,
            }));
            const after = applyEdits(text, edits);
            assertLossless(label, text, after, { start: d.offset, end: d.offset + d.chunkLength }, edits);
            if (yamlErrorCount(after) > yamlErrorCount(text)) throw new Error(`${label} breaks the YAML:\n${after}`);
            const added = newErrors(before.diagnostics, serviceWith(after).diagnose(URI, after, SETTINGS).diagnostics);
            // Kuma checks the two forms with different rules (a Universal Dataplane's ports, say), so a
            // form conversion may surface errors of the other form; it must never break the structure.
            const form = label.startsWith('to ');
            assertEmpty(`${label} adds errors`, form ? added.filter((c) => STRUCTURAL.includes(c)) : added);
          }
        }
        // The migration to 3.0 works on the whole file (documents and the version pin), checked at 3.0.
        const at30 = { ...SETTINGS, kumaVersion: '3.0' as const };
        const m = convertFile(service, text, at30, 'migrate-3.0');
        if (m.edits.length) {
          const after = applyEdits(text, m.edits);
          assertLossless('migrate to 3.0', text, after, { start: 0, end: text.length }, m.edits);
          if (yamlErrorCount(after) > yamlErrorCount(text)) throw new Error(`migrate to 3.0 breaks the YAML:\n${after}`);
          // Before: the same file checked at 3.0 (its pin, if any, moved to 3.0 as the migration does).
          const pin = pinnedVersionText(text);
          const text30 = pin ? text.slice(0, pin.start) + '3.0' + text.slice(pin.end) : text;
          const b = serviceWith(text30).diagnose(URI, text30, at30);
          assertEmpty('migrate to 3.0 adds errors', newErrors(b.diagnostics, serviceWith(after).diagnose(URI, after, at30).diagnostics));
        }
        for (const what of ['services', 'dataplanes'] as const) {
          const g = convertFile(service, text, SETTINGS, what === 'services' ? 'service-to-meshservice' : 'dataplane-to-meshservice');
          if (!g.edits.length) continue;
          const after = applyEdits(text, g.edits);
          for (const e of g.edits) if (e.range.start !== e.range.end) throw new Error(`generate ${what} replaces text`);
          if (yamlErrorCount(after) > yamlErrorCount(text)) throw new Error(`generate ${what} breaks the YAML:\n${after}`);
          assertEmpty(
            `generate ${what} adds errors`,
            newErrors(before.diagnostics, serviceWith(after).diagnose(URI, after, SETTINGS).diagnostics),
          );
        }
      }),
    ),
  },
];

export interface FuzzResult {
  cases: number;
  failures: { name: string; seed: number; message: string }[];
}

/** Runs every property, `total` cases shared by weight, from one seed. */
export function runAll(total: number, seed: number, log: (s: string) => void = () => undefined): FuzzResult {
  const weights = PROPERTIES.reduce((n, p) => n + p.weight, 0);
  const result: FuzzResult = { cases: 0, failures: [] };
  for (const p of PROPERTIES) {
    const numRuns = Math.max(1, Math.ceil((total * p.weight) / weights));
    const started = Date.now();
    const details = p.check(numRuns, seed);
    result.cases += details.numRuns;
    if (details.failed) {
      const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      const message = `${error}\n${fc.defaultReportMessage(details) ?? ''}`;
      result.failures.push({ name: p.name, seed, message });
    }
    log(`${details.failed ? 'FAIL' : 'ok'} - ${p.name}: ${details.numRuns} cases in ${Date.now() - started} ms`);
  }
  return result;
}
