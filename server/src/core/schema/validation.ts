import type { ErrorObject, ValidateFunction } from 'ajv';
import { isMap, type Node } from 'yaml';
import type { DiagnosticCode } from '../diagnostics/codes';
import { propertiesOf, schemaAtPath, schemaHasProperty } from './walk';
import { maybeSchemaFor, schemaFor, type JsonSchema } from './bundles';
import type { Form, KumaKind, OffsetRange } from '../types';
import { createValidatorFactory, type ValidatorFactory } from './validatorFactory';
import { suggest } from '../util/suggest';
import { KUMA_VERSIONS, type KumaVersion } from '../kuma/versions';
import { type PathSeg, PairLookup, firstKeyRange, formatPath, locate, nodeRange, pointerToPath, rangeFor } from '../yaml/nodes';

export interface SchemaProblem {
  code: DiagnosticCode;
  message: string;
  path: string;
  range: OffsetRange;
  allowedValues?: (string | number)[];
  /** The likely intended value (a close key name), for the quick fix. */
  suggestion?: string;
}

/**
 * Compiled validators, made once per (version, kind, form) on first use and kept for the
 * life of the language service. Owned by the service instance, not by the module. The factory
 * compiles with ajv at run time by default; the bundles use precompiled ones (validatorFactory.ts).
 */
export class SchemaValidators {
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly factory: ValidatorFactory = createValidatorFactory()) {}

  get(version: KumaVersion, kind: KumaKind, form: Form): ValidateFunction {
    const key = `${version}/${kind}/${form}`;
    let fn = this.compiled.get(key);
    if (!fn) {
      fn = this.factory(version, kind, form, schemaFor(version, kind, form));
      this.compiled.set(key, fn);
    }
    return fn;
  }

  /** Prepares the validator of a kind, form and version, when the version has a schema for it. */
  warm(version: KumaVersion, kind: KumaKind, form: Form): void {
    if (maybeSchemaFor(version, kind, form)) this.get(version, kind, form);
  }

  /**
   * Validates a document's data against Kuma's schema and turns ajv's errors into problems
   * placed on the offending key or value of the YAML tree.
   */
  validate(version: KumaVersion, kind: KumaKind, form: Form, value: unknown, root: Node | null, fallback: OffsetRange): SchemaProblem[] {
    if (!maybeSchemaFor(version, kind, form)) return [];
    const fn = this.get(version, kind, form);
    if (fn(value)) return [];
    const schema = schemaFor(version, kind, form);
    // Errors come by the thousand at the same place (n unknown keys of one mapping): what they share
    // is looked up once (issue 19).
    const shared = new SharedLookups();
    const errors = simplify((fn.errors ?? []).map((e) => withContext(e, value, schema, shared)));
    const out: SchemaProblem[] = [];
    /** The messages given so far at each (code, range): the same one twice is said once. */
    const seen = new Map<string, string[]>();
    // Every error looks its path up in the same tree: one index per mapping, not a scan per error.
    const lookup = new PairLookup();
    for (const e of errors) {
      const p = this.toProblem(e, version, kind, form, root, fallback, lookup, shared);
      if (!p) continue;
      const k = `${p.code}|${p.range.start}|${p.range.end}`;
      const said = seen.get(k);
      if (said?.includes(p.message)) continue;
      if (said) said.push(p.message);
      else seen.set(k, [p.message]);
      out.push(p);
    }
    return out;
  }

  private toProblem(
    e: ErrorObject,
    version: KumaVersion,
    kind: KumaKind,
    form: Form,
    root: Node | null,
    fallback: OffsetRange,
    lookup: PairLookup,
    shared: SharedLookups,
  ): SchemaProblem | undefined {
    const { path, formatted } = shared.pathOf(e.instancePath, root, lookup);
    const where = formatted || '(top level)';
    const valueRange = () => rangeFor(root, path, 'value', fallback, lookup);
    // An empty value (`targetPort:` while typing) reads as unset, as the API server treats a
    // null: nothing to say for an optional key, "missing" for a required one.
    if (e.data === null && ['type', 'enum', 'const'].includes(e.keyword) && typeof path[path.length - 1] === 'string') {
      const key = String(path[path.length - 1]);
      const parent = schemaAtPath(schemaFor(version, kind, form), path.slice(0, -1));
      if (!parent || !propertiesOf(parent).required.has(key)) return undefined;
      return {
        code: 'schema-missing-required',
        message: `Missing value for the required key "${key}"${path.length > 1 ? ` in ${formatPath(path.slice(0, -1))}` : ''}.`,
        path: formatPath(path),
        range: rangeFor(root, path, 'key', fallback, lookup),
      };
    }
    switch (e.keyword) {
      case 'additionalProperties': {
        const extra = String((e.params as { additionalProperty: string }).additionalProperty);
        const full = [...path, extra];
        const { keys: allowed, list } = allowedKeys(e.parentSchema);
        const elsewhere = KUMA_VERSIONS.filter(
          (v) => v !== version && shared.declares(schemaFor(v, kind, form), e.instancePath, path, extra),
        );
        // Never suggest a key the mapping already has: renaming to it would make a duplicate key.
        const present = e.data !== null && typeof e.data === 'object' ? (e.data as Record<string, unknown>) : {};
        // A key of another Kuma version is no typo: the version is what to check, not the name.
        const hint = elsewhere.length
          ? undefined
          : suggest(
              extra,
              allowed.filter((k) => !Object.prototype.hasOwnProperty.call(present, k)),
            );
        let message = `Unknown key "${extra}"${path.length ? ` in ${where}` : ''}: ${kind} (Kuma ${version}) does not define it.`;
        if (elsewhere.length)
          message += ` It exists in Kuma ${elsewhere.join(', ')}; check the kuma.version setting or the "# kuma-version:" comment.`;
        if (hint) message += ` Did you mean "${hint}"?`;
        else if (allowed.length) message += ` Allowed keys: ${list}.`;
        return {
          code: 'schema-unknown-key',
          message,
          path: appendPath(formatted, extra),
          range: rangeFor(root, full, 'key', fallback, lookup),
          allowedValues: allowed,
          ...(hint ? { suggestion: hint } : {}),
        };
      }
      case 'required': {
        const missing = String((e.params as { missingProperty: string }).missingProperty);
        const loc = locate(root, path, lookup);
        const range =
          path.length === 0 ? (identityKey(root, form, lookup) ?? fallback) : (nodeRange(loc.key) ?? firstKeyRange(loc.node) ?? fallback);
        return {
          code: 'schema-missing-required',
          message: `Missing required key "${missing}"${path.length ? ` in ${where}` : ''}.`,
          path: formatPath([...path, missing]),
          range,
        };
      }
      case 'type': {
        const t = (e.params as { type: string | string[] }).type;
        const types = Array.isArray(t) ? t : [t];
        return {
          code: 'schema-type',
          message: `Expected ${types.map(article).join(' or ')} but got ${describe(e.data)}.`,
          path: formatPath(path),
          range: valueRange(),
        };
      }
      case 'enum':
      case 'const': {
        const allowed = (
          e.keyword === 'enum'
            ? (e.params as { allowedValues: unknown[] }).allowedValues
            : [(e.params as { allowedValue: unknown }).allowedValue]
        ) as (string | number)[];
        return {
          code: 'schema-enum',
          message: `${JSON.stringify(e.data)} is not allowed for ${where}. Allowed ${allowed.length === 1 ? 'value' : 'values'}: ${allowed.map(String).join(', ')}.`,
          path: formatPath(path),
          range: valueRange(),
          allowedValues: allowed,
        };
      }
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum': {
        const { comparison, limit } = e.params as { comparison: string; limit: number };
        const int32 = limit === 2147483647 || limit === -2147483648 ? ' (a 32-bit integer)' : '';
        return {
          code: 'schema-range',
          message: `${String(e.data)} is out of range for ${where}: it must be ${comparison} ${limit}${int32}.`,
          path: formatPath(path),
          range: valueRange(),
        };
      }
      case 'minLength':
      case 'maxLength':
      case 'minItems':
      case 'maxItems':
      case 'pattern':
      case 'minProperties':
      case 'maxProperties':
      case 'uniqueItems':
        return {
          code: 'schema-constraint',
          message: `${where} ${e.message ?? 'is invalid'}.`,
          path: formatPath(path),
          range: valueRange(),
        };
      default:
        return {
          code: 'schema-constraint',
          message: `${where} ${e.message ?? 'is invalid'}.`,
          path: formatPath(path),
          range: valueRange(),
        };
    }
  }
}

/** `formatPath([...path, key])` from `formatPath(path)`. */
function appendPath(formatted: string, key: string): string {
  const seg = formatPath([key]);
  return formatted && !seg.startsWith('[') ? `${formatted}.${seg}` : formatted + seg;
}

/** The keys an object schema declares, and their list for a message (once per schema). */
const allowedCache = new WeakMap<object, { keys: string[]; list: string }>();
function allowedKeys(parentSchema: unknown): { keys: string[]; list: string } {
  const props = (parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
  if (!props || typeof props !== 'object') return { keys: [], list: '' };
  let hit = allowedCache.get(props);
  if (!hit) {
    const keys = Object.keys(props);
    allowedCache.set(props, (hit = { keys, list: keys.join(', ') }));
  }
  return hit;
}

/**
 * What the errors of one validation share, looked up once each: the value and the schema at an
 * error's paths, its path in the tree (and formatted), and the schema another Kuma version has at an
 * instance path.
 */
class SharedLookups {
  private readonly data = new Map<string, unknown>();
  private readonly schemas = new Map<string, unknown>();
  private readonly parents = new Map<JsonSchema, Map<string, JsonSchema | undefined>>();
  private readonly paths = new Map<string, { path: PathSeg[]; formatted: string }>();

  /** An instance path as a path of the tree (not to be changed), and formatted. */
  pathOf(instancePath: string, root: Node | null, lookup: PairLookup): { path: PathSeg[]; formatted: string } {
    let hit = this.paths.get(instancePath);
    if (!hit) {
      const path = pointerToPath(instancePath, root, lookup);
      this.paths.set(instancePath, (hit = { path, formatted: formatPath(path) }));
    }
    return hit;
  }

  dataAt(value: unknown, instancePath: string): unknown {
    if (this.data.has(instancePath)) return this.data.get(instancePath);
    const d = walk(value, instancePath.split('/').slice(1));
    this.data.set(instancePath, d);
    return d;
  }

  schemaAt(schema: JsonSchema, parentPath: string): unknown {
    if (this.schemas.has(parentPath)) return this.schemas.get(parentPath);
    const s = walk(schema, parentPath.split('/').slice(1).map(decodeURIComponent));
    this.schemas.set(parentPath, s);
    return s;
  }

  /**
   * Whether the schema `root` (another Kuma version's) declares `key` in the mapping at `path`:
   * read from the schema, so that an unknown key does not load and run the validators of every other
   * version. `schemaHasProperty`, with the mapping's schema found once per (schema, instance path).
   */
  declares(root: JsonSchema, instancePath: string, path: readonly PathSeg[], key: string): boolean {
    let byPath = this.parents.get(root);
    if (!byPath) this.parents.set(root, (byPath = new Map()));
    let parent = byPath.get(instancePath);
    if (parent === undefined && !byPath.has(instancePath)) byPath.set(instancePath, (parent = schemaAtPath(root, path)));
    return parent !== undefined && schemaHasProperty(parent, [key]);
  }
}

/**
 * The offending value and the schema holding the failed keyword, which ajv only puts on errors
 * with its `verbose` option. The validators are compiled without it (the precompiled code is a
 * fifth smaller), so they are looked up here: at the error's instance and schema paths.
 */
function withContext(e: ErrorObject, value: unknown, schema: JsonSchema, shared: SharedLookups): ErrorObject {
  if (e.data !== undefined && e.parentSchema !== undefined) return e;
  const data = shared.dataAt(value, e.instancePath);
  // "#/properties/spec/additionalProperties": the schema at "#/properties/spec".
  const parentSchema = shared.schemaAt(
    schema,
    e.schemaPath.slice(0, Math.max(0, e.schemaPath.lastIndexOf('/'))),
  ) as ErrorObject['parentSchema'];
  // ajv makes new error objects on every call: completed in place, not copied (there may be thousands).
  e.data = data;
  e.parentSchema = parentSchema;
  return e;
}

function walk(root: unknown, pointer: string[]): unknown {
  let cur = root;
  for (const raw of pointer) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    cur = Array.isArray(cur) ? cur[Number(seg)] : (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

function identityKey(root: Node | null, form: Form, lookup: PairLookup): OffsetRange | undefined {
  if (!isMap(root)) return undefined;
  return nodeRange(locate(root, [form === 'kubernetes' ? 'kind' : 'type'], lookup).key) ?? firstKeyRange(root);
}

/**
 * Collapses the noise of `anyOf`/`oneOf`: for int-or-string style alternatives that all
 * fail on type, one "integer or string" error; otherwise the errors of the branch that got
 * deepest into the data. The `anyOf`/`oneOf` summary error itself is dropped.
 *
 * A combinator's errors are those below it in the schema and at or below its value in the data:
 * the same `anyOf` of every item of a list (`spec.ports[*].targetPort`) has its own. (Taking
 * every error below it in the schema mixed the items' errors, which cost O(n²) for n failing
 * items — 8,000 ports with `targetPort: true` took 200 s — and turned each item's "an integer or
 * a string" into "an integer" as soon as two items failed.)
 */
function simplify(errors: ErrorObject[]): ErrorObject[] {
  const combinators = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  if (combinators.length === 0) return errors;
  const subsOf = subErrors(errors, combinators);
  const drop = new Set<ErrorObject>(combinators);
  const extra: ErrorObject[] = [];
  for (const c of combinators) {
    const prefix = c.schemaPath + '/';
    const subs = subsOf.get(c) ?? [];
    if (subs.length === 0) {
      drop.delete(c);
      continue;
    }
    if (subs.every((e) => e.keyword === 'type' && e.instancePath === c.instancePath)) {
      subs.forEach((s) => drop.add(s));
      extra.push({ ...subs[0], params: { type: subs.map((s) => (s.params as { type: string }).type) } });
      continue;
    }
    const branchOf = (e: ErrorObject) => e.schemaPath.slice(prefix.length).split('/')[0];
    const depth = (e: ErrorObject) => e.instancePath.split('/').length;
    const best = subs.reduce((a, b) => (depth(b) > depth(a) ? b : a));
    subs.filter((s) => branchOf(s) !== branchOf(best)).forEach((s) => drop.add(s));
  }
  return [...errors.filter((e) => !drop.has(e)), ...extra];
}

/**
 * The errors under each combinator: below its schema path and at or below its instance path, in
 * the order of `errors`. Each error looks up the combinators at each prefix of its two paths (a
 * handful each), so this costs O(errors × depth²), not O(errors × combinators).
 */
function subErrors(errors: ErrorObject[], combinators: ErrorObject[]): Map<ErrorObject, ErrorObject[]> {
  const at = new Map<string, ErrorObject[]>();
  for (const c of combinators) {
    const k = `${c.schemaPath}\n${c.instancePath}`;
    const list = at.get(k);
    if (list) list.push(c);
    else at.set(k, [c]);
  }
  const out = new Map<ErrorObject, ErrorObject[]>();
  for (const e of errors) {
    const instancePrefixes = prefixes(e.instancePath, true);
    for (const sp of prefixes(e.schemaPath, false)) {
      for (const ip of instancePrefixes) {
        for (const c of at.get(`${sp}\n${ip}`) ?? []) {
          const list = out.get(c);
          if (list) list.push(e);
          else out.set(c, [e]);
        }
      }
    }
  }
  return out;
}

/** The prefixes of a `/`-separated path that end before a `/` (and the path itself when `self`). */
function prefixes(path: string, self: boolean): string[] {
  const out: string[] = [];
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) out.push(path.slice(0, i));
  if (self) out.push(path);
  return out;
}

function article(t: string): string {
  return t === 'integer' ? 'an integer' : t === 'object' ? 'a mapping' : t === 'array' ? 'a list' : `a ${t}`;
}

function describe(v: unknown): string {
  if (v === null) return 'an empty value';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (typeof v === 'number') return Number.isInteger(v) ? `the number ${v}` : `the decimal number ${v}`;
  return `${typeof v} ${String(v)}`;
}
