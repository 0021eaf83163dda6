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
  data?: { allowedValues?: unknown[]; suggestion?: unknown; path?: unknown; inUse?: unknown; legacy?: unknown; namespace?: unknown };
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
    case 'policy-ref-unresolved':
    case 'policy-section-unresolved':
    case 'policy-backend-port-unresolved': {
      // The namespace the named resource lives in, when the reference has none.
      const ns = d.code === 'policy-ref-unresolved' && typeof data.namespace === 'string' ? data.namespace : undefined;
      const add = ns !== undefined ? addKeyAfter(d.range, text, 'namespace', ns) : undefined;
      if (add) return [{ title: `Add namespace: ${ns}`, edits: [add], preferred: true }];
      // The nearest first (preferred), then the others the target declares.
      const field = d.code === 'policy-ref-unresolved' ? 'name' : d.code === 'policy-section-unresolved' ? 'sectionName' : 'port';
      const hint = data.suggestion;
      const ordered = hint !== undefined ? [hint, ...allowed.filter((v) => v !== hint)] : allowed;
      return ordered
        .slice(0, MAX_CHOICES)
        .map((v, i) => replaceWith(v, `Change ${field} to ${typeof v === 'string' ? `"${v}"` : String(v)}`, i === 0 && hint !== undefined));
    }
    case 'policy-ref-legacy-name': {
      const fix = legacyFix(d, text);
      return fix ? [fix] : [];
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
 * The real reference for a legacy `kuma.io/service` name (`policy-ref-legacy-name`): the name
 * becomes the display name, then the namespace and the port (`sectionName` in policies, `port` in
 * routes) follow at the key's indentation; at 3.0, `labels` replace the name. Block mappings only.
 */
function legacyFix(d: FixInput, text: string): FixEntry | undefined {
  const l = d.data?.legacy;
  if (l === null || typeof l !== 'object') return undefined;
  const { name, namespace, section, field, labels } = l as Record<string, unknown>;
  if (typeof name !== 'string' || typeof namespace !== 'string') return undefined;
  const lineStart = text.lastIndexOf('\n', d.range.start - 1) + 1;
  const head = text.slice(lineStart, d.range.start);
  const m = /^([ \t]*(?:-[ \t]+)?)name:[ \t]*$/.exec(head);
  if (!m) return undefined;
  const indent = ' '.repeat(m[1].length);
  const lineEnd = text.indexOf('\n', d.range.end);
  const end = lineEnd < 0 ? text.length : lineEnd;
  const rest = text.slice(d.range.end, end);
  if (rest.trim() !== '' && !rest.trim().startsWith('#')) return undefined;
  const tail =
    typeof section === 'string' && typeof field === 'string'
      ? `\n${indent}${field}: ${yamlScalar(field === 'port' ? Number(section) : section)}`
      : '';
  if (labels === true) {
    const lines = `labels:\n${indent}  kuma.io/display-name: ${yamlScalar(name)}\n${indent}  k8s.kuma.io/namespace: ${yamlScalar(namespace)}${tail}`;
    return {
      title: `Select MeshService ${name} in ${namespace} by labels`,
      edits: [{ range: { start: lineStart + m[1].length, end: d.range.end }, newText: lines }],
      preferred: true,
    };
  }
  return {
    title: `Reference MeshService ${name} in ${namespace}${tail ? ` (${String(field)} ${String(section)})` : ''}`,
    edits: [
      { range: d.range, newText: yamlScalar(name) },
      { range: { start: d.range.end, end: d.range.end }, newText: `\n${indent}namespace: ${yamlScalar(namespace)}${tail}` },
    ],
    preferred: true,
  };
}

/** An edit adding `key: value` on a line of its own after the block-mapping line holding `range`, at its key's indentation. */
function addKeyAfter(range: OffsetRange, text: string, key: string, value: string) {
  const lineStart = text.lastIndexOf('\n', range.start - 1) + 1;
  const m = /^([ \t]*(?:-[ \t]+)?)[\w.-]+:[ \t]*$/.exec(text.slice(lineStart, range.start));
  if (!m) return undefined;
  const nl = text.indexOf('\n', range.end);
  const end = nl < 0 ? text.length : nl;
  return { range: { start: end, end }, newText: `\n${' '.repeat(m[1].length)}${key}: ${yamlScalar(value)}` };
}

/**
 * Codes whose diagnostics get no "Suppress" fixes: fix the comment (or the version pin) instead; the
 * problem limit comes after suppressions (its severity setting is what turns it off).
 */
const NOT_SUPPRESSIBLE = new Set(['suppression-unknown-code', 'kuma-version-unknown', 'problem-limit', 'hint-limit']);

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
