import { cursorContext } from '../yaml/cursor';
import type { ParsedDocument } from '../yaml/documents';
import { documentAt, type LanguageService, type Settings } from '../host/languageService';
import { crossFileHover } from './navigation';
import {
  displayPath,
  enumValues,
  propertiesOf,
  protocolValues,
  schemaAtPath,
  schemaHasProperty,
  typeLabel,
  type JsonSchema,
} from '../schema/walk';
import { protocolField, judgeProtocol } from '../kuma/protocols';
import { maybeSchemaFor } from '../schema/bundles';
import { KUMA_VERSIONS, supportedProtocols, type KumaVersion } from '../kuma/versions';
import type { PathSeg } from '../yaml/nodes';

/** Hover content: markdown and the chunk-relative range of the word it is about. */
export interface HoverResult {
  markdown: string;
  range: { start: number; end: number };
}

function fmt(v: unknown): string {
  return `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;
}

/**
 * Hover for a key or an enum-like value of a Kuma document at `offset` (chunk-relative).
 * On a key: the field's path, kind and version, Kuma's description, its type, default, allowed
 * values, whether it is required, and the Kuma versions whose schema has the field. On a value
 * with a fixed set of allowed values (enum, const, protocol lists): those values.
 * Walks the schema directly (no validator), so it costs a few microseconds.
 */
export function schemaHover(
  pd: ParsedDocument | undefined,
  chunkText: string,
  offset: number,
  version: KumaVersion,
): HoverResult | undefined {
  const c = pd?.classification;
  if (!pd || c?.role !== 'kuma') return undefined;
  const ctx = cursorContext(pd.contents, chunkText, offset);
  if (!ctx) return undefined;
  const start = ctx.replace.start;
  const end = ctx.replace.end;
  const word = chunkText.slice(start, end);
  if (word === '') return undefined;
  const range = { start, end };
  const root = maybeSchemaFor(version, c.kind, c.form);
  if (!root) return undefined;

  if (ctx.target === 'value') {
    const head = `**${displayPath(ctx.path)}** (${c.kind}, Kuma ${version})`;
    // A protocol is judged as the rules judge it, so the hover says what the diagnostics say.
    const field = protocolField(c.kind, c.form, ctx.path, version);
    if (field) {
      const { note } = judgeProtocol(field, word.replace(/^["']|["']$/g, ''), version);
      const lines = [head, '', `Supported protocols: ${supportedProtocols(version).map(fmt).join(', ')}.`];
      if (note) lines.push('', note);
      return { markdown: lines.join('\n'), range };
    }
    const schema = schemaAtPath(root, ctx.path);
    const allowed = schema ? enumValues(schema) : [];
    if (allowed.length === 0) return undefined;
    const ok = allowed.some((v) => String(v) === word);
    const lines = [head, '', `Allowed values: ${allowed.map(fmt).join(', ')}.`];
    if (!ok) lines.push('', `${fmt(word)} is not one of them.`);
    return { markdown: lines.join('\n'), range };
  }

  const path: PathSeg[] = [...ctx.path, word];
  const here = schemaHasProperty(root, path);
  const versions = KUMA_VERSIONS.filter((v) => schemaHasProperty(maybeSchemaFor(v, c.kind, c.form) ?? {}, path));
  if (!here && versions.length === 0) return undefined;
  const lines = [`**${displayPath(path)}** (${c.kind}, Kuma ${version})`];
  const schema = here ? schemaAtPath(root, path) : undefined;
  if (schema) lines.push(...describeField(schema, root, ctx.path, word, c.kind, c.form, version, path));
  else lines.push('', `Not defined in Kuma ${version}.`);
  lines.push('', `Available in Kuma: ${versions.join(', ')}`);
  return { markdown: lines.join('\n'), range };
}

function describeField(
  schema: JsonSchema,
  root: JsonSchema,
  parentPath: PathSeg[],
  key: string,
  kind: Parameters<typeof protocolValues>[0],
  form: Parameters<typeof protocolValues>[1],
  version: KumaVersion,
  path: PathSeg[],
): string[] {
  const out: string[] = [];
  const desc = typeof schema.description === 'string' ? schema.description : typeof schema.title === 'string' ? schema.title : '';
  if (desc) out.push('', desc);
  const facts: string[] = [];
  const type = typeLabel(schema);
  if (type) facts.push(`Type: ${type}`);
  if (schema.default !== undefined) facts.push(`Default: ${fmt(schema.default)}`);
  const protocols = protocolValues(kind, form, path, version);
  const allowed = protocols ?? enumValues(schema);
  if (allowed.length)
    facts.push(`${protocols ? `Supported protocols (Kuma ${version})` : 'Allowed values'}: ${allowed.map(fmt).join(', ')}`);
  const parent = schemaAtPath(root, parentPath);
  if (parent && propertiesOf(parent).required.has(key)) facts.push('Required');
  if (schema.readOnly === true) facts.push('Read-only: set by Kuma');
  if (typeof schema['x-alias-of'] === 'string') facts.push(`Alias of \`${schema['x-alias-of']}\``);
  if (facts.length) out.push('', facts.map((f) => `- ${f}`).join('\n'));
  return out;
}

/**
 * The hover at a file offset: what a `targetPort` or selector resolves to across the workspace,
 * then the schema's word on the key or value, one after the other. Offsets are file offsets.
 */
export function hover(service: LanguageService, text: string, offset: number, settings: Settings): HoverResult | undefined {
  const cross = crossFileHover(service, text, offset, settings);
  const a = service.analyze(text, settings);
  const d = documentAt(a, offset);
  const schema = d ? schemaHover(d.parsed, text.slice(d.offset, d.offset + d.chunkLength), offset - d.offset, a.kumaVersion) : undefined;
  if (!cross && !schema) return undefined;
  const range = cross?.range ?? (schema && d ? { start: schema.range.start + d.offset, end: schema.range.end + d.offset } : undefined)!;
  return { markdown: [cross?.markdown, schema?.markdown].filter(Boolean).join('\n\n---\n\n'), range };
}
