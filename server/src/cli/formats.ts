import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Severity } from '../core';
import { codeDocsUrl, DIAGNOSTIC_CODES, type DiagnosticCode } from '../core';
import { LineIndex } from '../core';
import type { KumaDiagnostic } from '../core';

/** One checked file, as every output format sees it. */
export interface FileResult {
  path: string;
  text: string;
  diagnostics: KumaDiagnostic[];
}

export interface Report {
  kumaVersion: string;
  files: FileResult[];
  toolVersion: string;
  /** Diagnostics at or above this severity fail a JUnit test case. */
  failLevel: Severity;
  /** What SARIF URIs are relative to (`%SRCROOT%`, e.g. the checkout root): the process's working directory by default. */
  sarifRoot?: string;
}

const RANK: Record<Severity, number> = { error: 3, warning: 2, information: 1, hint: 0 };

export function atLeast(s: Severity, level: Severity): boolean {
  return RANK[s] >= RANK[level];
}

function sorted(f: FileResult): KumaDiagnostic[] {
  return [...f.diagnostics].sort((a, b) => a.range.start - b.range.start || a.range.end - b.range.end);
}

function positions(f: FileResult) {
  const index = new LineIndex(f.text);
  return (d: KumaDiagnostic) => ({ start: index.positionAt(d.range.start), end: index.positionAt(d.range.end) });
}

export function summary(r: Report) {
  let errors = 0;
  let warnings = 0;
  for (const f of r.files)
    for (const d of f.diagnostics) {
      if (d.severity === 'error') errors++;
      else if (d.severity === 'warning') warnings++;
    }
  return { files: r.files.length, errors, warnings };
}

/** `file:line:col: severity code: message`, 1-based, like compilers print. */
export function formatText(r: Report): string {
  const lines: string[] = [];
  for (const f of r.files) {
    const pos = positions(f);
    for (const d of sorted(f)) {
      const { start } = pos(d);
      lines.push(`${f.path}:${start.line + 1}:${start.character + 1}: ${d.severity} ${d.code}: ${d.message}`);
    }
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

export function formatJson(r: Report): string {
  const out = {
    version: 1,
    kumaVersion: r.kumaVersion,
    files: r.files.map((f) => {
      const pos = positions(f);
      return {
        path: f.path,
        diagnostics: sorted(f).map((d) => ({
          code: d.code,
          severity: d.severity,
          message: d.message,
          path: d.data.path,
          document: d.document,
          range: pos(d),
        })),
      };
    }),
    summary: summary(r),
  };
  return JSON.stringify(out, null, 2) + '\n';
}

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'note', hint: 'note' };

/**
 * SARIF 2.1.0 as GitHub code scanning reads it: URIs relative to `%SRCROOT%` (the checkout root
 * given by --sarif-root, or the working directory; declared in `originalUriBaseIds`), 1-based
 * regions, rule metadata.
 */
export function formatSarif(r: Report): string {
  const cwd = path.resolve(r.sarifRoot ?? process.cwd());
  const codes = Object.keys(DIAGNOSTIC_CODES) as DiagnosticCode[];
  const rules = codes.map((id) => ({
    id,
    name: id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase()),
    shortDescription: { text: DIAGNOSTIC_CODES[id].doc },
    fullDescription: {
      text: `${DIAGNOSTIC_CODES[id].doc} Default severity: ${DIAGNOSTIC_CODES[id].severity}. An example and the fix: ${codeDocsUrl(id)}`,
    },
    helpUri: codeDocsUrl(id),
    defaultConfiguration: { level: SARIF_LEVEL[DIAGNOSTIC_CODES[id].severity] },
  }));
  const results = r.files.flatMap((f) => {
    const pos = positions(f);
    return sorted(f).map((d) => {
      const { start, end } = pos(d);
      return {
        ruleId: d.code,
        ruleIndex: codes.indexOf(d.code),
        level: SARIF_LEVEL[d.severity],
        message: { text: d.message },
        locations: [
          {
            physicalLocation: {
              artifactLocation: artifactLocation(f.path, cwd),
              region: { startLine: start.line + 1, startColumn: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 },
            },
            ...(d.data.path ? { logicalLocations: [{ fullyQualifiedName: d.data.path, kind: 'member' }] } : {}),
          },
        ],
        properties: { document: d.document, path: d.data.path },
      };
    });
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'kuma-lint', version: r.toolVersion, semanticVersion: r.toolVersion, rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: directoryUri(cwd) } },
        properties: { kumaVersion: r.kumaVersion },
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

/**
 * A file under the root: a URI reference relative to `%SRCROOT%` (forward slashes, each segment
 * percent-encoded), whether the path given was relative or absolute, and also when it reaches the
 * root through a symbolic link (a runner's workspace often is one). Anywhere else: an absolute
 * `file:` URI, with no base. Standard input keeps its name as a relative reference.
 */
function artifactLocation(p: string, root: string): { uri: string; uriBaseId?: string } {
  if (p === '<stdin>') return { uri: encodeURIComponent(p), uriBaseId: '%SRCROOT%' };
  const abs = path.resolve(p); // as given: relative to the working directory
  const rel = under(root, abs) ?? under(realpath(root), realpath(abs));
  if (rel === undefined) return { uri: pathToFileURL(abs).href };
  return { uri: rel.split(path.sep).map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

/** `file` relative to `root` when it is inside it (not the root itself), else undefined. */
function under(root: string, file: string): string | undefined {
  const rel = path.relative(root, file);
  return rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel) ? undefined : rel;
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** A directory's `file:` URI, ending in a slash as SARIF requires of a base. */
function directoryUri(dir: string): string {
  const href = pathToFileURL(dir).href;
  return href.endsWith('/') ? href : `${href}/`;
}

function xml(s: string): string {
  return s
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string)
    .replace(/[^\t\n\r\u0020-\uFFFD]/gu, ''); // XML 1.0 forbids other control characters
}

/** JUnit XML, one test case per file; a case fails when it has problems at the fail level. */
export function formatJunit(r: Report): string {
  const cases: string[] = [];
  let failures = 0;
  for (const f of r.files) {
    const pos = positions(f);
    const lines = sorted(f).map((d) => {
      const { start } = pos(d);
      return `${f.path}:${start.line + 1}:${start.character + 1}: ${d.severity} ${d.code}: ${d.message}`;
    });
    const failing = f.diagnostics.filter((d) => atLeast(d.severity, r.failLevel));
    let body = '';
    if (failing.length) {
      failures++;
      body += `\n      <failure message="${xml(`${failing.length} problem${failing.length === 1 ? '' : 's'} at or above ${r.failLevel}`)}" type="${r.failLevel}">${xml(lines.join('\n'))}</failure>`;
    } else if (lines.length) {
      body += `\n      <system-out>${xml(lines.join('\n'))}</system-out>`;
    }
    cases.push(`    <testcase classname="kuma-lint" name="${xml(f.path)}" file="${xml(f.path)}">${body}${body ? '\n    ' : ''}</testcase>`);
  }
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="kuma-lint" tests="${r.files.length}" failures="${failures}" errors="0">\n` +
    `  <testsuite name="kuma-lint (Kuma ${xml(r.kumaVersion)})" tests="${r.files.length}" failures="${failures}" errors="0" skipped="0">\n` +
    cases.join('\n') +
    (cases.length ? '\n' : '') +
    `  </testsuite>\n</testsuites>\n`
  );
}
