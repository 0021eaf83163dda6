import type { Form, KumaKind } from '../types';
import { protocolField } from '../kuma/protocols';
import { supportedProtocols, type KumaVersion } from '../kuma/versions';
import type { PathSeg } from '../yaml/nodes';
import type { JsonSchema } from './bundles';

export type { JsonSchema } from './bundles';

function isSchema(v: unknown): v is JsonSchema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The schema and its `anyOf`/`oneOf`/`allOf` branches, flattened (the schema itself first). */
export function schemaBranches(schema: JsonSchema): JsonSchema[] {
  const out: JsonSchema[] = [schema];
  for (const c of ['anyOf', 'oneOf', 'allOf']) {
    const list = schema[c];
    if (Array.isArray(list)) for (const b of list) if (isSchema(b)) out.push(...schemaBranches(b));
  }
  return out;
}

/** One step down a schema: a property, an array's `items`, or a map's `additionalProperties`. */
function step(schema: JsonSchema, seg: PathSeg): JsonSchema | undefined {
  for (const b of schemaBranches(schema)) {
    if (typeof seg === 'number') {
      if (isSchema(b.items)) return b.items;
      continue;
    }
    const props = b.properties;
    if (isSchema(props) && isSchema(props[seg])) return props[seg];
  }
  for (const b of schemaBranches(schema)) {
    if (typeof seg === 'string' && isSchema(b.additionalProperties)) return b.additionalProperties;
  }
  return undefined;
}

/** The schema of the value at a YAML path, or undefined when the schema does not describe it. */
export function schemaAtPath(root: JsonSchema, path: readonly PathSeg[]): JsonSchema | undefined {
  let s: JsonSchema | undefined = root;
  for (const seg of path) {
    if (!s) return undefined;
    s = step(s, seg);
  }
  return s;
}

/** Whether `path` names a property the schema declares (not just a free map entry). */
export function schemaHasProperty(root: JsonSchema, path: readonly PathSeg[]): boolean {
  if (path.length === 0) return true;
  const parent = schemaAtPath(root, path.slice(0, -1));
  const last = path[path.length - 1];
  if (!parent) return false;
  if (typeof last === 'number') return schemaBranches(parent).some((b) => isSchema(b.items));
  return schemaBranches(parent).some((b) => isSchema(b.properties) && isSchema(b.properties[last]));
}

/** Declared properties of an object schema (merged over its branches) and the required ones. */
export function propertiesOf(schema: JsonSchema): { properties: Record<string, JsonSchema>; required: Set<string> } {
  const properties: Record<string, JsonSchema> = {};
  const required = new Set<string>();
  for (const b of schemaBranches(schema)) {
    if (isSchema(b.properties)) for (const [k, v] of Object.entries(b.properties)) if (isSchema(v) && !(k in properties)) properties[k] = v;
    if (Array.isArray(b.required)) for (const r of b.required) if (typeof r === 'string') required.add(r);
  }
  return { properties, required };
}

/** The JSON types a schema allows, e.g. `['integer', 'string']` for int-or-string. */
export function schemaTypes(schema: JsonSchema): string[] {
  const out: string[] = [];
  for (const b of schemaBranches(schema)) {
    const t = b.type;
    for (const x of Array.isArray(t) ? t : t === undefined ? [] : [t]) if (typeof x === 'string' && !out.includes(x)) out.push(x);
  }
  return out;
}

/** Human wording of a schema's type: `integer or string`, `list`, `mapping`. */
export function typeLabel(schema: JsonSchema): string {
  const words: Record<string, string> = { object: 'mapping', array: 'list' };
  const types = schemaTypes(schema).filter((t) => t !== 'null');
  if (types.length === 0) return schema['x-kubernetes-preserve-unknown-fields'] ? 'any' : '';
  if (types.length === 1 && types[0] === 'array') {
    const items = isSchema(schema.items) ? typeLabel(schema.items) : '';
    return items ? `list of ${items === 'mapping' ? 'mappings' : items + 's'}` : 'list';
  }
  if (types.length === 1 && types[0] === 'object' && !isSchema(schema.properties) && isSchema(schema.additionalProperties)) {
    const v = typeLabel(schema.additionalProperties);
    return v ? `map of ${v}s` : 'mapping';
  }
  return types.map((t) => words[t] ?? t).join(' or ');
}

/** Enum (or const) values a schema allows, over its branches. */
export function enumValues(schema: JsonSchema): (string | number | boolean)[] {
  const out: (string | number | boolean)[] = [];
  for (const b of schemaBranches(schema)) {
    const vals = Array.isArray(b.enum) ? b.enum : 'const' in b ? [b.const] : [];
    for (const v of vals) if ((typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && !out.includes(v)) out.push(v);
  }
  return out;
}

/** A YAML path in Kuma's notation with list indexes left out: `spec.ports[].appProtocol`. */
export function displayPath(path: readonly PathSeg[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += '[]';
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/**
 * The protocols Kuma supports where the schema has no enum but a validator checks (or Kuma
 * reads) the protocol: the fields of `protocolField` (SPEC.md section 3). Undefined for any
 * other path.
 */
export function protocolValues(kind: KumaKind, form: Form, path: readonly PathSeg[], version: KumaVersion): string[] | undefined {
  return protocolField(kind, form, path, version) ? supportedProtocols(version) : undefined;
}
