import { stringify } from 'yaml';

/**
 * A tiny YAML emitter for the conversions: block style, 2-space indentation, sequences
 * indented under their key (`ports:\n  - name: …`), keys in the order given. Scalars are
 * written plain when YAML reads them back as the same string, otherwise double-quoted
 * (`"false"`, `"6379"`), the way a person writes a manifest.
 */

/** An ordered mapping: entries are written in this order. */
export type YamlMap = [string, YamlValue][];
export type YamlValue = string | number | boolean | null | YamlMap | YamlSeq;
/** A sequence; tagged so that it is not mistaken for a mapping. */
export interface YamlSeq {
  seq: YamlValue[];
}

export function seq(items: YamlValue[]): YamlSeq {
  return { seq: items };
}

/** A mapping from a plain record (insertion order kept). */
export function mapOf(record: Record<string, YamlValue>): YamlMap {
  return Object.entries(record);
}

function isSeq(v: YamlValue): v is YamlSeq {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** One scalar as YAML text (no trailing newline, never folded). */
export function scalar(v: string | number | boolean | null): string {
  if (v === null) return 'null';
  if (typeof v !== 'string') return String(v);
  return stringify(v, { lineWidth: 0, minContentWidth: 0 }).replace(/\n$/, '');
}

function emitMap(map: YamlMap, indent: number, out: string[], firstPrefix?: string): void {
  const pad = ' '.repeat(indent);
  map.forEach(([k, v], i) => {
    const lead = i === 0 && firstPrefix !== undefined ? firstPrefix : pad;
    const key = scalar(k);
    if (Array.isArray(v)) {
      if (v.length === 0) out.push(`${lead}${key}: {}`);
      else {
        out.push(`${lead}${key}:`);
        emitMap(v, indent + 2, out);
      }
    } else if (isSeq(v)) {
      if (v.seq.length === 0) out.push(`${lead}${key}: []`);
      else {
        out.push(`${lead}${key}:`);
        emitSeq(v, indent + 2, out);
      }
    } else out.push(`${lead}${key}: ${scalar(v)}`);
  });
}

function emitSeq(s: YamlSeq, indent: number, out: string[]): void {
  const pad = ' '.repeat(indent);
  for (const item of s.seq) {
    if (Array.isArray(item) && item.length > 0) emitMap(item, indent + 2, out, `${pad}- `);
    else if (Array.isArray(item)) out.push(`${pad}- {}`);
    else if (isSeq(item)) {
      // Nested sequences do not occur in our resources; keep them valid anyway.
      out.push(`${pad}-`);
      emitSeq(item, indent + 2, out);
    } else out.push(`${pad}- ${scalar(item)}`);
  }
}

/** A YAML document for a mapping, ending in a newline, without a leading `---`. */
export function toYaml(map: YamlMap): string {
  const out: string[] = [];
  emitMap(map, 0, out);
  return out.join('\n') + '\n';
}
