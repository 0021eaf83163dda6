import { splitDocuments } from '../yaml/documents';
import { DISABLE, DISABLE_NEXT_LINE } from '../diagnostics/suppressions';
import type { OffsetRange } from '../types';

/** A quick fix: a title and the edits (file offsets) that make it. */
export interface FixEntry {
  title: string;
  edits: { range: OffsetRange; newText: string }[];
  preferred?: boolean;
}

/** What a quick fix needs of a diagnostic: its code, range and data (never re-validated). */
export interface FixInput {
  code: string;
  range: OffsetRange;
  data?: { allowedValues?: unknown[]; suggestion?: unknown; path?: unknown; inUse?: unknown };
}

/** A scalar as YAML needs it: quoted when plain text would read as another type or break. */
export function yamlScalar(v: unknown): string {
  if (typeof v !== 'string') return String(v);
  const plainOk = /^[A-Za-z_./][A-Za-z0-9_./-]*$/.test(v) && !/^(true|false|yes|no|on|off|null|~|y|n)$/i.test(v);
  return plainOk ? v : JSON.stringify(v);
}

/**
 * The range a `key: value` block occupies, from the key to the end of its last line, for
 * removing it: the next line at the key's indentation or less ends it. Comment lines after the
 * block at that indentation or less belong to what follows and stay.
 */
export function blockRange(text: string, keyStart: number): OffsetRange {
  const lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
  const indent = keyStart - lineStart;
  let end = text.indexOf('\n', keyStart);
  if (end < 0) return { start: lineStart, end: text.length };
  end += 1;
  let pos = end;
  while (pos < text.length) {
    const next = text.indexOf('\n', pos);
    const line = text.slice(pos, next < 0 ? text.length : next);
    const ind = line.length - line.trimStart().length;
    const comment = line.trimStart().startsWith('#');
    if (/^(---|\.\.\.)(\s|$)/.test(line)) break;
    if (line.trim() !== '' && !comment && ind <= indent) break;
    pos = next < 0 ? text.length : next + 1;
    // The block ends after its last line indented deeper than the key (comments included);
    // blank lines and shallower comments count only when more of the block follows them.
    if (line.trim() !== '' && ind > indent) end = pos;
  }
  return { start: lineStart, end };
}

const MAX_CHOICES = 8;

/** Quick fixes for one diagnostic of `text`. */
export function quickFixes(d: FixInput, text: string): FixEntry[] {
  const data = d.data ?? {};
  const allowed = Array.isArray(data.allowedValues) ? data.allowedValues : [];
  const suggestion = typeof data.suggestion === 'string' ? data.suggestion : undefined;
  const current = text.slice(d.range.start, d.range.end);
  // The version pin lives in a comment: it takes the bare text.
  const render = (v: unknown) => (d.code === 'kuma-version-unknown' ? String(v) : yamlScalar(v));
  const replaceWith = (v: unknown, title: string, preferred = false): FixEntry => ({
    title,
    edits: [{ range: d.range, newText: render(v) }],
    ...(preferred ? { preferred } : {}),
  });
  switch (d.code) {
    case 'schema-unknown-key':
      return suggestion ? [replaceWith(suggestion, `Rename key to "${suggestion}"`, true)] : [];
    case 'suppression-unknown-code':
      return suggestion ? [{ title: `Change to ${suggestion}`, edits: [{ range: d.range, newText: suggestion }], preferred: true }] : [];
    case 'target-port-unresolved': {
      const names = allowed.filter((v): v is string => typeof v === 'string');
      const ordered = suggestion ? [suggestion, ...names.filter((n) => n !== suggestion)] : names;
      // Names another port of the MeshService already targets: {name: "port 80"}.
      const inUse = data.inUse !== null && typeof data.inUse === 'object' ? (data.inUse as Record<string, unknown>) : {};
      const note = (n: string) => (typeof inUse[n] === 'string' ? ` (in use by ${inUse[n]})` : '');
      return ordered
        .slice(0, MAX_CHOICES)
        .map((n, i) => replaceWith(n, `Change targetPort to "${n}"${note(n)}`, i === 0 && n === suggestion));
    }
    case 'schema-enum':
    case 'app-protocol-invalid':
    case 'app-protocol-unsupported':
    case 'external-service-invalid':
    case 'dataplane-invalid':
    case 'kuma-version-unknown':
    case 'system-namespace-only': {
      const unquoted = current.replace(/^["']|["']$/g, '');
      const sameIgnoringCase = allowed.find((v) => typeof v === 'string' && v.toLowerCase() === unquoted.toLowerCase());
      const ordered = sameIgnoringCase !== undefined ? [sameIgnoringCase, ...allowed.filter((v) => v !== sameIgnoringCase)] : allowed;
      return ordered
        .slice(0, MAX_CHOICES)
        .map((v, i) => replaceWith(v, `Change to ${render(v)}`, i === 0 && sameIgnoringCase !== undefined));
    }
    case 'status-read-only':
      return [
        { title: 'Remove the hand-written status', edits: [{ range: blockRange(text, d.range.start), newText: '' }], preferred: true },
      ];
    case 'mesh-ignored':
      return [{ title: 'Remove the ignored mesh', edits: [{ range: blockRange(text, d.range.start), newText: '' }], preferred: true }];
    default:
      return [];
  }
}

/**
 * Codes whose diagnostics get no "Suppress" fixes: fix the comment (or the version pin) instead; the
 * problem limit comes after suppressions (its severity setting is what turns it off).
 */
const NOT_SUPPRESSIBLE = new Set(['suppression-unknown-code', 'kuma-version-unknown', 'problem-limit']);

/**
 * "Suppress CODE on this line" and "Suppress CODE in this document": a suppression comment
 * above the diagnostic's line (with its indentation), or at the top of its `---` document (after
 * the `---` line and a `# kuma-version:` pin). A comment of the same kind already there gets the
 * code added instead.
 */
export function suppressionFixes(d: FixInput, text: string): FixEntry[] {
  if (NOT_SUPPRESSIBLE.has(d.code)) return [];
  const lineStart = text.lastIndexOf('\n', d.range.start - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const fixes: FixEntry[] = [];

  const prevStart = lineStart > 0 ? text.lastIndexOf('\n', lineStart - 2) + 1 : -1;
  const prev = prevStart >= 0 ? text.slice(prevStart, lineStart - 1).replace(/\r$/, '') : '';
  fixes.push({
    title: `Suppress ${d.code} on this line`,
    edits: [extendOrInsert(prev, prevStart, DISABLE_NEXT_LINE, d.code) ?? insert(lineStart, `${indent}# ${DISABLE_NEXT_LINE} ${d.code}\n`)],
  });

  const chunks = splitDocuments(text);
  let chunk = chunks[0];
  for (const c of chunks) if (c.start <= d.range.start) chunk = c;
  // An existing document-wide comment with codes takes this one too.
  for (let at = chunk.start; at < chunk.start + chunk.text.length;) {
    const nl = text.indexOf('\n', at);
    const end = nl < 0 || nl > chunk.start + chunk.text.length ? chunk.start + chunk.text.length : nl;
    const existing = extendOrInsert(text.slice(at, end).replace(/\r$/, ''), at, DISABLE, d.code);
    if (existing) {
      fixes.push({ title: `Suppress ${d.code} in this document`, edits: [existing] });
      return fixes;
    }
    if (nl < 0) break;
    at = nl + 1;
  }
  let top = chunk.start;
  const skip = (re: RegExp) => {
    const nl = text.indexOf('\n', top);
    if (nl >= 0 && re.test(text.slice(top, nl))) top = nl + 1;
  };
  skip(/^---/);
  if (chunk.start === 0) skip(/^\s*#\s*kuma-version\s*:/);
  fixes.push({ title: `Suppress ${d.code} in this document`, edits: [insert(top, `# ${DISABLE} ${d.code}\n`)] });
  return fixes;
}

function insert(at: number, newText: string) {
  return { range: { start: at, end: at }, newText };
}

/** An edit adding `code` to a suppression comment line of `kind` that names codes, if `line` is one. */
function extendOrInsert(line: string, lineStart: number, kind: string, code: string) {
  const head = line.split(/[ \t]--(?=[ \t]|$)/)[0];
  const m = /^[ \t]*#[ \t]*(kuma-lint-disable(?:-next-line)?)[ \t]+[a-z0-9-]+(?:[ \t]*,?[ \t]*[a-z0-9-]+)*/.exec(head);
  if (!m || m[1] !== kind || head.slice(m[0].length).trim() !== '') return undefined;
  return insert(lineStart + m[0].length, `, ${code}`);
}
