import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createLanguageService, type LanguageService } from '../server/src/core/host/languageService';
import type { KumaVersion } from '../server/src/core/kuma/versions';

/** A file of a multi-file fixture: its text with the `$0` cursor marker removed. */
export interface FixtureFile {
  path: string;
  text: string;
  /** Offset of `$0`, when the file has one. */
  cursor?: number;
}

/**
 * Splits a fixture into files. Each file starts with a YAML comment line `#- path/to/file.yaml`;
 * text before the first header belongs to `test.yaml`. `$0` marks the cursor.
 */
export function parseFixture(src: string): FixtureFile[] {
  const files: FixtureFile[] = [];
  const parts = src.split(/^#- (.+)\n/m);
  const push = (path: string, raw: string) => {
    const i = raw.indexOf('$0');
    files.push(i < 0 ? { path, text: raw } : { path, text: raw.slice(0, i) + raw.slice(i + 2), cursor: i });
  };
  if (parts[0].trim() !== '') push('test.yaml', parts[0]);
  for (let i = 1; i < parts.length; i += 2) push(parts[i], parts[i + 1]);
  return files;
}

/** Removes the common indentation so fixtures can be indented in the test source. */
export function dedent(s: string): string {
  const lines = s.replace(/^\n/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

export interface Seen {
  code: string;
  severity: string;
  /** The source text the diagnostic covers. */
  text: string;
  message: string;
  path: string;
  document: number;
}

/** Diagnoses one text and returns what a user would see: the covered text, code and message. */
export function diagnose(text: string, version: KumaVersion = '2.14', service: LanguageService = createLanguageService()): Seen[] {
  const a = service.analyze(text, { kumaVersion: version, validate: true });
  return a.diagnostics.map((d) => ({
    code: d.code,
    severity: d.severity,
    text: text.slice(d.range.start, d.range.end),
    message: d.message,
    path: d.data.path,
    document: d.document,
  }));
}

/** Diagnostics with a given code. */
export function withCode(seen: Seen[], code: string): Seen[] {
  return seen.filter((s) => s.code === code);
}

/**
 * Loads a multi-file fixture into a fresh language service, every file at `file:///ws/<path>`,
 * and returns the file holding the `$0` cursor (if any).
 */
export function loadWorkspace(src: string): { service: LanguageService; files: FixtureFile[]; cursor: FixtureFile | undefined } {
  const service = createLanguageService();
  const files = parseFixture(src);
  for (const f of files) service.setFile(`file:///ws/${f.path}`, f.text, 'disk');
  return { service, files, cursor: files.find((f) => f.cursor !== undefined) };
}

/**
 * Loads a multi-file fixture into a fresh language service as a workspace and returns what
 * each file's diagnostics cover, including cross-file ones.
 */
export function workspaceDiagnostics(src: string, version: KumaVersion = '2.14'): Map<string, Seen[]> {
  const { service, files } = loadWorkspace(src);
  const out = new Map<string, Seen[]>();
  for (const f of files) {
    const a = service.diagnose(`file:///ws/${f.path}`, f.text, { kumaVersion: version, validate: true });
    out.set(
      f.path,
      a.diagnostics.map((d) => ({
        code: d.code,
        severity: d.severity,
        text: f.text.slice(d.range.start, d.range.end),
        message: d.message,
        path: d.data.path,
        document: d.document,
      })),
    );
  }
  return out;
}

/**
 * Compares `actual` with the golden file at `path`. A missing golden file is a failure, not a file
 * to write: writing (or rewriting) goldens is an explicit `UPDATE_GOLDEN=1` run, whose output is
 * then reviewed like any other change.
 */
export function assertGolden(path: string, actual: string, update = process.env.UPDATE_GOLDEN === '1'): void {
  if (update) writeFileSync(path, actual);
  if (!existsSync(path)) assert.fail(`golden file ${path} is missing: run the test with UPDATE_GOLDEN=1 to write it, then review it`);
  assert.equal(actual, readFileSync(path, 'utf8'), `${path} differs (UPDATE_GOLDEN=1 rewrites it)`);
}
