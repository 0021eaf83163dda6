import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { KINDS, type Form, type Kind } from './generators';
import { POLICY_KINDS, type PolicyKind } from './policies';

/** A kind the conformance run compares: one of the resources, or a targetRef policy. */
export type DocKind = Kind | PolicyKind;
const DOC_KINDS: readonly string[] = [...KINDS, ...POLICY_KINDS];
export const isPolicy = (kind: string): kind is PolicyKind => (POLICY_KINDS as readonly string[]).includes(kind);

/** A document of the repository: a fixture, a golden conversion input or output, an example. */
export interface RepoDoc {
  source: string;
  kind: DocKind;
  form: Form;
  text: string;
}

const ROOTS = ['examples', 'test/fixtures', 'docs'];

function walk(dir: string, out: string[]): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const e of entries) {
    const p = join(dir, e);
    const s = statSync(p);
    if (s.isDirectory()) walk(p, out);
    else if (/\.ya?ml$/.test(e) && s.size < 1_000_000) out.push(p);
  }
}

/** The kind and form of a document's text, or undefined when it is not one of our kinds. */
export function classify(text: string): { kind: DocKind; form: Form } | undefined {
  let kind: string | undefined;
  let form: Form = 'universal';
  try {
    const o = parse(text, { maxAliasCount: 100, logLevel: 'error' }) as Record<string, unknown> | null;
    if (o && typeof o === 'object') {
      if (typeof o.kind === 'string' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('kuma.io/')) {
        kind = o.kind;
        form = 'kubernetes';
      } else if (typeof o.type === 'string') kind = o.type;
    }
  } catch {
    // a syntax error: the kind as the first lines say it
    const k = /^kind:\s*(\w+)\s*$/m.exec(text);
    const t = /^type:\s*(\w+)\s*$/m.exec(text);
    if (k && /^apiVersion:\s*kuma\.io\//m.test(text)) {
      kind = k[1];
      form = 'kubernetes';
    } else if (t && !k) kind = t[1];
  }
  return kind && DOC_KINDS.includes(kind) ? { kind: kind as DocKind, form } : undefined;
}

/** Splits a file into its documents, without the `# kuma-version:` pin (the run picks the version). */
export function splitDocuments(text: string): string[] {
  return text
    .replace(/\r\n/g, '\n')
    .split(/^---[ \t]*(?:#.*)?$/m)
    .map((d) => d.replace(/^#\s*kuma-version:.*$/gm, ''))
    .filter((d) => d.trim() !== '');
}

export function repositoryDocuments(root: string): RepoDoc[] {
  const files: string[] = [];
  for (const r of ROOTS) walk(join(root, r), files);
  const out: RepoDoc[] = [];
  for (const f of files.sort()) {
    if (f.includes('hostile')) continue; // limits and binary input: not Kuma's concern
    const text = readFileSync(f, 'utf8');
    if (text.includes('{{')) continue; // templates are checked once rendered
    for (const d of splitDocuments(text)) {
      const c = classify(d);
      if (c) out.push({ source: relative(root, f), ...c, text: d });
    }
  }
  return out;
}
