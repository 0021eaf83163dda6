#!/usr/bin/env node
// Generates schemas/<version>.json (JSON Schema draft-07) for the Kuma resources
// this project validates, from Kuma's published CRDs, Universal OpenAPI files and
// the Dataplane JSON schema / proto (a read-only copy of the Kuma sources, by
// default ../shared/kuma relative to the repository root).
//
//   node scripts/gen-schemas.mjs [--kuma-dir PATH] [--check]
//
// --check  regenerate in memory and fail if the committed files differ.
//
// The output is deterministic: same inputs give byte-identical files.
// After writing, the script compiles every schema with ajv and runs a small set
// of sample documents through them (the same samples as test/unit/schemas.test.ts).

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import YAML from 'yaml';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = path.join(ROOT, 'schemas');

const ATTRIBUTION = 'Derived from Kuma (https://github.com/kumahq/kuma), Copyright The Kuma Authors, Apache License 2.0';

/** Output version label -> folder in the Kuma reference directory. */
const VERSIONS = [
  { version: '2.9', folder: '2.9.19' },
  { version: '2.13', folder: 'v2.13.10' },
  { version: '2.14', folder: 'v2.14.3' },
  { version: '3.0', folder: 'HEAD' },
];

const KINDS = [
  { kind: 'MeshService', dir: 'meshservice', plural: 'meshservices' },
  { kind: 'MeshExternalService', dir: 'meshexternalservice', plural: 'meshexternalservices' },
  { kind: 'MeshMultiZoneService', dir: 'meshmultizoneservice', plural: 'meshmultizoneservices' },
  { kind: 'HostnameGenerator', dir: 'hostnamegenerator', plural: 'hostnamegenerators' },
];

/** Kuma's targetRef policies (SPEC-policies.md a.1): every one exists at every version, under pkg/plugins/policies. */
const POLICY_ROOT = 'pkg/plugins/policies';
const POLICIES = [
  ['MeshAccessLog', 'meshaccesslogs'],
  ['MeshCircuitBreaker', 'meshcircuitbreakers'],
  ['MeshFaultInjection', 'meshfaultinjections'],
  ['MeshHealthCheck', 'meshhealthchecks'],
  ['MeshHTTPRoute', 'meshhttproutes'],
  ['MeshLoadBalancingStrategy', 'meshloadbalancingstrategies'],
  ['MeshMetric', 'meshmetrics'],
  ['MeshPassthrough', 'meshpassthroughs'],
  ['MeshProxyPatch', 'meshproxypatches'],
  ['MeshRateLimit', 'meshratelimits'],
  ['MeshRetry', 'meshretries'],
  ['MeshTCPRoute', 'meshtcproutes'],
  ['MeshTimeout', 'meshtimeouts'],
  ['MeshTLS', 'meshtlses'],
  ['MeshTrace', 'meshtraces'],
  ['MeshTrafficPermission', 'meshtrafficpermissions'],
].map(([kind, plural]) => ({ kind, dir: kind.toLowerCase(), plural, root: POLICY_ROOT }));
const RESOURCE_ROOT = 'pkg/core/resources/apis';

const API_VERSION = 'kuma.io/v1alpha1';

const INT32 = [-2147483648, 2147483647];
const UINT32 = [0, 4294967295];
const INT64 = [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
const UINT64 = [0, Number.MAX_SAFE_INTEGER];
const INT_FORMATS = { int32: INT32, int64: INT64, uint32: UINT32, uint64: UINT64 };
const PROTO_INT_TYPES = {
  int32: INT32,
  sint32: INT32,
  sfixed32: INT32,
  uint32: UINT32,
  fixed32: UINT32,
  int64: INT64,
  sint64: INT64,
  sfixed64: INT64,
  uint64: UINT64,
  fixed64: UINT64,
  'google.protobuf.Int32Value': INT32,
  'google.protobuf.UInt32Value': UINT32,
  'google.protobuf.Int64Value': INT64,
  'google.protobuf.UInt64Value': UINT64,
};

// ---------------------------------------------------------------------------
// small helpers

class GenError extends Error {}

function fail(msg) {
  throw new GenError(msg);
}

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const clone = (v) => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

/** Canonical keyword order; properties keep their source order. */
const KEY_ORDER = [
  '$comment',
  'title',
  'description',
  'type',
  'const',
  'enum',
  'default',
  'examples',
  'readOnly',
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'items',
  'minItems',
  'maxItems',
  'uniqueItems',
  'properties',
  'required',
  'additionalProperties',
  'minProperties',
  'maxProperties',
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  'definitions',
];

function ordered(schema) {
  const out = {};
  for (const k of KEY_ORDER) if (k in schema) out[k] = schema[k];
  for (const k of Object.keys(schema).sort()) if (!(k in out)) out[k] = schema[k];
  return out;
}

function applyBounds(out, [lo, hi]) {
  out.minimum = out.minimum === undefined ? lo : Math.max(out.minimum, lo);
  out.maximum = out.maximum === undefined ? hi : Math.min(out.maximum, hi);
}

function readText(file) {
  if (!existsSync(file)) fail(`missing Kuma source file: ${file}`);
  return readFileSync(file, 'utf8');
}

function readYaml(file) {
  return YAML.parse(readText(file));
}

// ---------------------------------------------------------------------------
// arguments and inputs

function parseArgs(argv) {
  const opts = { kumaDir: path.resolve(ROOT, '..', 'shared', 'kuma'), check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--kuma-dir') {
      if (i + 1 >= argv.length) fail('--kuma-dir needs a path');
      opts.kumaDir = path.resolve(argv[++i]);
    } else if (a.startsWith('--kuma-dir=')) {
      opts.kumaDir = path.resolve(a.slice('--kuma-dir='.length));
    } else if (a === '--check') {
      opts.check = true;
    } else if (a === '-h' || a === '--help') {
      process.stdout.write('usage: node scripts/gen-schemas.mjs [--kuma-dir PATH] [--check]\n');
      process.exit(0);
    } else {
      fail(`unknown argument: ${a} (usage: node scripts/gen-schemas.mjs [--kuma-dir PATH] [--check])`);
    }
  }
  if (!existsSync(opts.kumaDir) || !statSync(opts.kumaDir).isDirectory()) {
    fail(
      `Kuma reference directory not found: ${opts.kumaDir}\n` +
        'Pass --kuma-dir PATH pointing at the folder that holds README.md, LICENSE and the per-tag folders (2.9.19/, v2.13.10/, v2.14.3/, HEAD/).',
    );
  }
  for (const f of ['README.md', 'LICENSE']) {
    if (!existsSync(path.join(opts.kumaDir, f))) fail(`${opts.kumaDir} has no ${f}; is it the Kuma reference directory?`);
  }
  return opts;
}

/** Reads tag and commit per folder from the provenance table of the reference README. */
function readProvenance(kumaDir) {
  const text = readText(path.join(kumaDir, 'README.md'));
  const rows = new Map();
  const re = /^\|\s*`([^`]+)`\s*\|\s*(?:`([^`]+)`|\(branch head\))\s*\|\s*`([0-9a-f]{40})`/gm;
  for (let m; (m = re.exec(text));) rows.set(m[1], { tag: m[2] ?? m[1], commit: m[3] });
  return VERSIONS.map((v) => {
    const row = rows.get(v.folder);
    if (!row) fail(`${kumaDir}/README.md has no provenance row for folder ${v.folder}`);
    if (!existsSync(path.join(kumaDir, v.folder))) fail(`missing folder ${path.join(kumaDir, v.folder)}`);
    return { ...v, tag: row.tag, commit: row.commit };
  });
}

// ---------------------------------------------------------------------------
// OpenAPI (CRD / REST) schema -> draft-07

function convertOpenApi(node, where) {
  if (typeof node === 'boolean') return node;
  if (!isObj(node)) fail(`${where}: schema is not an object`);
  if ('$ref' in node) fail(`${where}: unexpected $ref ${node.$ref}`);

  if (node['x-kubernetes-int-or-string'] === true) {
    const out = {};
    for (const k of ['description', 'default', 'readOnly']) if (k in node) out[k] = clone(node[k]);
    if ('example' in node) out.examples = [clone(node.example)];
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
    return ordered(out);
  }

  const out = {};
  for (const [k, v] of Object.entries(node)) {
    switch (k) {
      case 'properties':
        out.properties = {};
        for (const [name, sub] of Object.entries(v)) out.properties[name] = convertOpenApi(sub, `${where}.${name}`);
        break;
      case 'additionalProperties':
        out.additionalProperties = typeof v === 'boolean' ? v : convertOpenApi(v, `${where}.*`);
        break;
      case 'items':
        out.items = Array.isArray(v) ? v.map((s, i) => convertOpenApi(s, `${where}[${i}]`)) : convertOpenApi(v, `${where}[]`);
        break;
      case 'anyOf':
      case 'oneOf':
      case 'allOf':
        out[k] = v.map((s, i) => convertOpenApi(s, `${where}/${k}/${i}`));
        break;
      case 'not':
        out.not = convertOpenApi(v, `${where}/not`);
        break;
      case 'format':
        if (!(v in INT_FORMATS)) out['x-format'] = v;
        break;
      case 'example':
        out.examples = [clone(v)];
        break;
      case 'nullable':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
      case 'x-kubernetes-int-or-string':
        break; // handled below
      default:
        out[k] = clone(v);
    }
  }
  if (node.format in INT_FORMATS) applyBounds(out, INT_FORMATS[node.format]);
  // OpenAPI 3.0 boolean exclusive bounds -> draft-07 numeric form
  for (const [ex, bound] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ]) {
    const v = node[ex];
    if (v === true && out[bound] !== undefined) {
      out[ex] = out[bound];
      delete out[bound];
    } else if (typeof v === 'number') out[ex] = v;
  }
  if (node.nullable === true) {
    if (out.type !== undefined) out.type = [...new Set([...[out.type].flat(), 'null'])];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum.push(null);
  }
  if (node['x-kubernetes-preserve-unknown-fields'] === true) {
    // no properties: anything goes (the schema keeps only its description);
    // with properties: the listed ones are checked, others are allowed.
    if (out.properties && !('additionalProperties' in out)) out.additionalProperties = true;
  } else if (out.properties && !('additionalProperties' in out)) {
    out.additionalProperties = false;
  }
  return ordered(out);
}

// ---------------------------------------------------------------------------
// Kubernetes metadata

function metadataSchema() {
  const str = (description) => ({ description, type: 'string' });
  const strMap = (description) => ({ description, type: 'object', additionalProperties: { type: 'string' } });
  const time = (description) => ({ description, type: ['string', 'null'], 'x-format': 'date-time' });
  return ordered({
    description:
      'Standard Kubernetes object metadata (ObjectMeta). For Kuma resources the mesh is taken from the `kuma.io/mesh` label (`default` when absent).',
    type: 'object',
    properties: {
      name: str('Name of the object, unique within its namespace.'),
      generateName: str('Prefix the API server uses to generate a unique name when `name` is not set.'),
      namespace: str('Namespace of the object.'),
      labels: strMap('Map of string keys and values used to organize and select objects. `kuma.io/mesh` selects the mesh.'),
      annotations: strMap('Unstructured key value map stored with the object.'),
      uid: str('Unique identifier set by the API server.'),
      resourceVersion: str('Internal version of the object, set by the API server.'),
      generation: { description: 'Sequence number of the desired state, set by the API server.', type: 'integer' },
      creationTimestamp: time('Creation time, set by the API server.'),
      deletionTimestamp: time('Deletion time, set by the API server.'),
      deletionGracePeriodSeconds: { description: 'Seconds allowed for graceful termination.', type: 'integer' },
      ownerReferences: {
        description: 'Objects this object depends on.',
        type: 'array',
        items: ordered({
          type: 'object',
          properties: {
            apiVersion: { type: 'string' },
            kind: { type: 'string' },
            name: { type: 'string' },
            uid: { type: 'string' },
            controller: { type: 'boolean' },
            blockOwnerDeletion: { type: 'boolean' },
          },
          required: ['apiVersion', 'kind', 'name', 'uid'],
          additionalProperties: false,
        }),
      },
      finalizers: { description: 'Finalizers that must run before the object is deleted.', type: 'array', items: { type: 'string' } },
      managedFields: { description: 'Field ownership, maintained by the API server.', type: 'array', items: { type: 'object' } },
      selfLink: str('Deprecated: not set by the API server.'),
    },
    additionalProperties: true,
  });
}

function apiVersionSchema(description) {
  return ordered({ description, type: 'string', const: API_VERSION });
}

function kindSchema(description, kind) {
  return ordered({ description, type: 'string', const: kind });
}

// ---------------------------------------------------------------------------
// MeshService & co

function kubernetesSchema(kind, crd, where) {
  if (crd?.kind !== 'CustomResourceDefinition') fail(`${where}: not a CRD`);
  if (crd.spec?.names?.kind !== kind) fail(`${where}: CRD kind is ${crd.spec?.names?.kind}, expected ${kind}`);
  if (crd.spec.group !== 'kuma.io') fail(`${where}: CRD group is ${crd.spec.group}`);
  const versions = crd.spec.versions ?? [];
  if (versions.length !== 1 || versions[0].name !== 'v1alpha1') fail(`${where}: expected exactly one version v1alpha1`);
  const root = versions[0].schema?.openAPIV3Schema;
  if (!isObj(root?.properties)) fail(`${where}: no openAPIV3Schema.properties`);
  const props = root.properties;
  for (const k of Object.keys(props)) {
    if (!['apiVersion', 'kind', 'metadata', 'spec', 'status'].includes(k)) fail(`${where}: unexpected top-level property ${k}`);
  }
  const out = {
    type: 'object',
    properties: {
      apiVersion: apiVersionSchema(props.apiVersion?.description),
      kind: kindSchema(props.kind?.description, kind),
      metadata: metadataSchema(),
    },
    required: [...new Set(['apiVersion', 'kind', 'metadata', ...(root.required ?? [])])],
    additionalProperties: false,
  };
  if (root.description) out.description = root.description;
  if (props.spec) out.properties.spec = convertOpenApi(props.spec, `${where}:spec`);
  if (props.status) out.properties.status = convertOpenApi(props.status, `${where}:status`);
  return ordered(out);
}

function loadUniversalItem(kumaDir, folder, k) {
  const dir = path.join(kumaDir, folder, k.root ?? RESOURCE_ROOT, k.dir, 'api/v1alpha1');
  const restFile = path.join(dir, 'rest.yaml');
  const rest = readYaml(restFile);
  let item = rest?.components?.schemas?.[`${k.kind}Item`];
  if (!item) fail(`${restFile}: no components.schemas.${k.kind}Item`);
  const files = [restFile];
  if (item.$ref) {
    if (item.$ref !== 'schema.yaml') fail(`${restFile}: unsupported $ref ${item.$ref}`);
    const schemaFile = path.join(dir, 'schema.yaml');
    item = readYaml(schemaFile);
    files.push(schemaFile);
  }
  return { item, files };
}

function universalSchema(kind, item, where) {
  if (!isObj(item.properties)) fail(`${where}: no properties`);
  const typeProp = item.properties.type;
  if (!typeProp || JSON.stringify(typeProp.enum) !== JSON.stringify([kind])) {
    fail(`${where}: property type should be enum [${kind}], got ${JSON.stringify(typeProp?.enum)}`);
  }
  const out = convertOpenApi(item, where);
  out.properties.type = ordered({ description: typeProp.description, type: 'string', const: kind });
  out.required = [...new Set(['type', 'name', ...(item.required ?? [])])];
  out.additionalProperties = false;
  return ordered(out);
}

// ---------------------------------------------------------------------------
// Dataplane: proto + Dataplane.json (draft-04)

/** Strips comments and string literals so that braces inside them do not matter. */
function stripProto(text) {
  let out = '';
  for (let i = 0; i < text.length;) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (c === '"' || c === "'") {
      i++;
      while (i < text.length && text[i] !== c) i += text[i] === '\\' ? 2 : 1;
      i++;
      out += '""';
    } else {
      out += c;
      i++;
    }
  }
  return out.replace(/\[[^\]]*\]/g, ''); // field options
}

/** Minimal proto3 parser: message full name -> { fields: name -> {type, repeated, map} }. */
function parseProto(text, where) {
  const src = stripProto(text);
  const pkg = /\bpackage\s+([\w.]+)\s*;/.exec(src)?.[1];
  if (!pkg) fail(`${where}: no package`);
  const messages = {};
  const stack = [];
  const re = /\s*(?:(message|enum|oneof)\s+(\w+)\s*\{|(\})|([^;{}]*)\{|([^;{}]*);)/y;
  let pos = 0;
  while (pos < src.length) {
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m) {
      if (/^\s*$/.test(src.slice(pos))) break;
      fail(`${where}: cannot parse near: ${src.slice(pos, pos + 60)}`);
    }
    pos = re.lastIndex;
    if (m[1]) {
      const kind = m[1];
      const msgPath = stack.filter((s) => s.kind === 'message').map((s) => s.name);
      if (kind === 'message') {
        const full = [pkg, ...msgPath, m[2]].join('.');
        messages[full] = { fields: {} };
        stack.push({ kind, name: m[2], full });
      } else stack.push({ kind, name: m[2] });
    } else if (m[3]) {
      if (!stack.length) fail(`${where}: unbalanced braces`);
      stack.pop();
    } else if (m[4] !== undefined) {
      stack.push({ kind: 'other' });
    } else {
      const stmt = m[5].trim().replace(/\s+/g, ' ');
      const top = stack[stack.length - 1];
      if (!top || !stmt || (top.kind !== 'message' && top.kind !== 'oneof')) continue;
      if (/^(option|reserved|extensions)\b/.test(stmt)) continue;
      const f = /^(repeated |optional )?(map ?< ?([\w.]+) ?, ?([\w.]+) ?>|[\w.]+) (\w+) ?= ?\d+$/.exec(stmt);
      if (!f) fail(`${where}: cannot parse field statement: ${stmt}`);
      const owner = [...stack].reverse().find((s) => s.kind === 'message');
      messages[owner.full].fields[f[5]] = {
        type: f[3] ? 'map' : f[2],
        repeated: f[1]?.trim() === 'repeated',
        mapValue: f[4],
      };
    }
  }
  if (stack.length) fail(`${where}: unbalanced braces at end`);
  return { pkg, messages };
}

/** protoc's default JSON name: drop underscores and upper-case the following letter. */
function protoJsonName(name) {
  let out = '';
  let up = false;
  for (const c of name) {
    if (c === '_') up = true;
    else {
      out += up ? c.toUpperCase() : c;
      up = false;
    }
  }
  return out;
}

function convertDataplaneBody(dpJson, proto, where, notes) {
  if (dpJson.$ref !== '#/definitions/Dataplane' || !isObj(dpJson.definitions)) fail(`${where}: unexpected layout`);
  const defs = dpJson.definitions;
  const msgFor = (defName) => proto.messages[defName === 'Dataplane' ? `${proto.pkg}.Dataplane` : defName] ?? null;
  const refName = (ref) => {
    const m = /^#\/definitions\/(.+)$/.exec(ref ?? '');
    if (!m || !defs[m[1]]) fail(`${where}: bad $ref ${ref}`);
    return m[1];
  };

  const convertMessage = (defName, stack) => {
    if (stack.includes(defName)) fail(`${where}: recursive message ${defName} (inlining impossible)`);
    const def = defs[defName];
    if (def.type !== 'object') fail(`${where}: definition ${defName} is not an object`);
    const msg = msgFor(defName);
    if (!msg) notes.push(`${defName}: not declared in dataplane.proto (imported); integer ranges unknown`);
    const out = { type: 'object', properties: {}, additionalProperties: false };
    if (def.title) out.title = def.title;
    if (def.description) out.description = def.description;
    for (const [pname, p] of Object.entries(def.properties ?? {})) {
      const field = msg?.fields[pname];
      if (msg && !field) fail(`${where}: ${defName}.${pname} not found in dataplane.proto`);
      const jname = protoJsonName(pname);
      const s = convertField(p, field, `${defName}.${pname}`, [...stack, defName]);
      if (jname !== pname) s['x-proto-name'] = pname;
      out.properties[jname] = ordered(s);
    }
    // protojson also accepts the original proto field name (`transparent_proxying`); allow it
    // as an alias so hand-written Dataplanes that use it are not reported as unknown keys.
    for (const [jname, s] of Object.entries(out.properties)) {
      const pname = s['x-proto-name'];
      if (pname && !(pname in out.properties)) out.properties[pname] = ordered({ ...s, 'x-alias-of': jname });
    }
    if (msg) {
      for (const fname of Object.keys(msg.fields)) {
        if (!(fname in (def.properties ?? {}))) fail(`${where}: proto field ${defName}.${fname} missing from Dataplane.json`);
      }
    }
    return out;
  };

  const convertScalar = (p, field, at) => {
    const out = {};
    for (const k of ['title', 'description', 'type', 'pattern', 'default', 'minimum', 'maximum', 'minLength', 'maxLength']) {
      if (k in p) out[k] = clone(p[k]);
    }
    for (const k of Object.keys(p)) {
      if (
        ![
          'title',
          'description',
          'type',
          'pattern',
          'default',
          'minimum',
          'maximum',
          'minLength',
          'maxLength',
          'format',
          'additionalProperties',
        ].includes(k)
      ) {
        fail(`${where}: ${at}: unsupported keyword ${k}`);
      }
    }
    if (p.format && p.format !== 'regex') out['x-format'] = p.format;
    if (p.type === 'integer' && field && PROTO_INT_TYPES[field.type]) applyBounds(out, PROTO_INT_TYPES[field.type]);
    if (field?.type?.startsWith('google.protobuf.')) out['x-proto-type'] = field.type;
    return out;
  };

  const convertField = (p, field, at, stack) => {
    if (p.$ref) {
      const name = refName(p.$ref);
      const sub = convertMessage(name, stack);
      if (p.description) sub.description = p.description;
      return sub;
    }
    if (Array.isArray(p.enum)) {
      // proto enum: protojson accepts the value names (numbers are not offered)
      const out = { type: 'string', enum: p.enum.filter((v) => typeof v === 'string') };
      if (p.title) out.title = p.title;
      if (p.description) out.description = p.description;
      return out;
    }
    if (p.type === 'array') {
      if (field && !field.repeated) fail(`${where}: ${at} is an array but not repeated in the proto`);
      const out = { type: 'array', items: ordered(convertField(p.items, field && { ...field, repeated: false }, `${at}[]`, stack)) };
      if (p.description) out.description = p.description;
      return out;
    }
    if (p.type === 'object') {
      if (isObj(p.additionalProperties)) {
        // proto map<k, v>
        const out = { type: 'object', additionalProperties: ordered(convertScalar(p.additionalProperties, null, `${at}{}`)) };
        if (p.description) out.description = p.description;
        return out;
      }
      if (p.additionalProperties === true && !p.properties) {
        // google.protobuf.Struct: any JSON object
        if (field && field.type !== 'google.protobuf.Struct') fail(`${where}: ${at}: free object but proto type ${field.type}`);
        const out = { type: 'object', additionalProperties: true };
        if (p.description) out.description = p.description;
        return out;
      }
      fail(`${where}: ${at}: unsupported inline object`);
    }
    return convertScalar(p, field, at);
  };

  const body = convertMessage('Dataplane', []);
  return body;
}

function dataplaneMetaProps(dpItem) {
  const fromItem = (k, fallback) => (dpItem?.properties?.[k]?.description ? dpItem.properties[k].description : fallback);
  const props = {
    type: ordered({ description: 'the type of the resource', type: 'string', const: 'Dataplane' }),
    name: ordered({ description: 'Name of the Kuma resource', type: 'string' }),
    mesh: ordered({ description: 'Mesh the data plane proxy belongs to', type: 'string' }),
    labels: ordered({
      description: 'The labels to help identity resources',
      type: 'object',
      additionalProperties: { type: 'string' },
    }),
  };
  if (dpItem?.properties?.kri) {
    props.kri = ordered({ description: fromItem('kri', 'Kuma Resource Identifier'), type: 'string', readOnly: true });
  }
  props.creationTime = ordered({
    description: fromItem('creationTime', 'Time at which the resource was created'),
    type: 'string',
    readOnly: true,
    'x-format': 'date-time',
  });
  props.modificationTime = ordered({
    description: fromItem('modificationTime', 'Time at which the resource was updated'),
    type: 'string',
    readOnly: true,
    'x-format': 'date-time',
  });
  return props;
}

/** Copies descriptions from the REST DataplaneItem where our schema has none. */
function fillDescriptions(ours, item) {
  if (!isObj(ours) || !isObj(item)) return ours;
  const out = { ...ours };
  if (!out.description && typeof item.description === 'string' && item.description.trim()) out.description = item.description.trim();
  if (isObj(ours.properties) && isObj(item.properties)) {
    out.properties = {};
    for (const [k, v] of Object.entries(ours.properties)) out.properties[k] = fillDescriptions(v, item.properties[k]);
  }
  if (isObj(ours.items) && isObj(item.items)) out.items = fillDescriptions(ours.items, item.items);
  return ordered(out);
}

/** Compares property names of our schema with the REST DataplaneItem, recursively. */
function crossCheckDataplane(ours, item, at, diffs) {
  if (!isObj(ours) || !isObj(item)) return;
  const a = ours.properties ?? {};
  const b = item.properties ?? {};
  if (ours['x-proto-type'] === 'google.protobuf.Duration') return; // REST renders Duration as {seconds, nanos}
  for (const k of Object.keys(a)) if (!(k in b)) diffs.push(`${at}.${k} only in Dataplane.json`);
  for (const k of Object.keys(b)) if (!(k in a)) diffs.push(`${at}.${k} only in rest.yaml DataplaneItem`);
  for (const k of Object.keys(a)) if (k in b) crossCheckDataplane(a[k], b[k], `${at}.${k}`, diffs);
  if (ours.items || item.items) crossCheckDataplane(ours.items, item.items, `${at}[]`, diffs);
}

function dataplaneSchemas(kumaDir, folder, notes) {
  const base = path.join(kumaDir, folder);
  const jsonFile = path.join(base, 'docs/generated/raw/protos/Dataplane.json');
  const protoFile = path.join(base, 'api/mesh/v1alpha1/dataplane.proto');
  const crdFile = path.join(base, 'deployments/charts/kuma/crds/kuma.io_dataplanes.yaml');
  const restFile = path.join(base, 'api/mesh/v1alpha1/dataplane/rest.yaml');
  const files = [jsonFile, protoFile, crdFile];

  const dpJson = JSON.parse(readText(jsonFile));
  const proto = parseProto(readText(protoFile), protoFile);
  let dpItem = null;
  if (existsSync(restFile)) {
    files.push(restFile);
    dpItem = readYaml(restFile)?.components?.schemas?.DataplaneItem;
    if (!dpItem) fail(`${restFile}: no components.schemas.DataplaneItem`);
  }
  let body = convertDataplaneBody(dpJson, proto, jsonFile, notes);
  // Dataplane.json has no description on enum fields (and a few others); the REST
  // schema of the same tag has them, so fill the gaps from there.
  if (dpItem) body = fillDescriptions(body, dpItem);

  // Kubernetes: the CRD only says spec is schemaless; check that and take descriptions.
  const crd = readYaml(crdFile);
  if (crd?.spec?.names?.kind !== 'Dataplane') fail(`${crdFile}: not the Dataplane CRD`);
  const root = crd.spec.versions?.[0]?.schema?.openAPIV3Schema;
  if (root?.properties?.spec?.['x-kubernetes-preserve-unknown-fields'] !== true) {
    fail(`${crdFile}: expected a schemaless spec (x-kubernetes-preserve-unknown-fields)`);
  }
  const spec = ordered({
    ...body,
    title: undefined,
    description: `${root.properties.spec.description ?? 'Spec of the Dataplane.'} The CRD leaves it schemaless; this schema is the Dataplane proto message (${body.description ?? ''}).`,
  });
  delete spec.title;
  const kubernetes = ordered({
    description: body.description,
    type: 'object',
    properties: {
      apiVersion: apiVersionSchema(root.properties.apiVersion?.description),
      kind: kindSchema(root.properties.kind?.description, 'Dataplane'),
      mesh: { description: 'Mesh the data plane proxy belongs to', type: 'string' },
      metadata: metadataSchema(),
      spec,
      status: { description: 'Not part of the Dataplane CRD schema (any value is accepted here, and ignored).' },
    },
    required: ['apiVersion', 'kind', 'metadata'],
    additionalProperties: false,
  });

  // Universal: meta keys plus the proto body flat at top level.
  const universalProps = dataplaneMetaProps(dpItem);
  for (const [k, v] of Object.entries(body.properties)) {
    if (k in universalProps) fail(`${jsonFile}: body field ${k} clashes with a resource meta key`);
    universalProps[k] = v;
  }
  const universal = ordered({
    description: body.description,
    type: 'object',
    properties: universalProps,
    required: [...new Set(['type', 'name', 'mesh', ...(dpItem?.required ?? [])])],
    additionalProperties: false,
  });
  const diffs = [];
  if (dpItem) {
    const meta = new Set(Object.keys(dataplaneMetaProps(dpItem)));
    const strip = (s) => ({ ...s, properties: Object.fromEntries(Object.entries(s.properties ?? {}).filter(([k]) => !meta.has(k))) });
    crossCheckDataplane(strip(universal), strip(dpItem), 'Dataplane', diffs);
    for (const k of meta)
      if (!(k in (dpItem.properties ?? {}))) notes.push(`Dataplane: meta key ${k} added although rest.yaml DataplaneItem does not list it`);
  }
  const topLevelDiffs = diffs.filter((d) => /^Dataplane\.\w+ only/.test(d));
  if (topLevelDiffs.length) fail(`${folder}: Dataplane top-level keys disagree with rest.yaml: ${topLevelDiffs.join('; ')}`);
  for (const d of diffs) notes.push(`Dataplane cross-check: ${d}`);
  return { kubernetes, universal, files };
}

// ---------------------------------------------------------------------------
// generation

function countProps(schema) {
  let n = 0;
  const walk = (s) => {
    if (!isObj(s)) return;
    for (const v of Object.values(s.properties ?? {})) {
      n++;
      walk(v);
    }
    if (isObj(s.items)) walk(s.items);
    if (isObj(s.additionalProperties)) walk(s.additionalProperties);
  };
  walk(schema);
  return n;
}

function generateVersion(kumaDir, v) {
  const resources = {};
  const inputs = [];
  const notes = [];
  const summary = [];
  for (const k of [...KINDS, ...POLICIES]) {
    const crdFile = path.join(kumaDir, v.folder, k.root ?? RESOURCE_ROOT, k.dir, 'k8s/crd', `kuma.io_${k.plural}.yaml`);
    const kubernetes = kubernetesSchema(k.kind, readYaml(crdFile), crdFile);
    const { item, files } = loadUniversalItem(kumaDir, v.folder, k);
    const universal = universalSchema(k.kind, item, files[files.length - 1]);
    resources[k.kind] = { kubernetes, universal };
    inputs.push(crdFile, ...files);
  }
  const dp = dataplaneSchemas(kumaDir, v.folder, notes);
  resources.Dataplane = { kubernetes: dp.kubernetes, universal: dp.universal };
  inputs.push(...dp.files);

  for (const [kind, forms] of Object.entries(resources)) {
    for (const [form, s] of Object.entries(forms)) {
      const spec = kind === 'Dataplane' && form === 'universal' ? null : s.properties.spec;
      const specKeys = spec
        ? Object.keys(spec.properties ?? {})
        : Object.keys(s.properties).filter((p) => !(p in dataplaneMetaProps(null)) && p !== 'kri');
      summary.push(
        `${v.version.padEnd(4)} ${kind.padEnd(20)} ${form.padEnd(10)} spec: ${String(specKeys.length).padStart(2)} props [${specKeys.join(', ')}]${
          kind === 'Dataplane' && form === 'universal' ? ' (flat at top level)' : ''
        }; top: [${Object.keys(s.properties).join(', ')}]; required: [${s.required.join(', ')}]; ${countProps(s)} properties in all`,
      );
    }
  }

  const doc = {
    $comment: `Generated by scripts/gen-schemas.mjs from Kuma ${v.tag} (commit ${v.commit}). Derived from Kuma's published CRDs and OpenAPI schemas, Apache License 2.0; see schemas/LICENSE and schemas/README.md. Do not edit by hand.`,
    kumaVersion: v.version,
    kumaTag: v.tag,
    kumaCommit: v.commit,
    resources,
  };
  return { text: `${JSON.stringify(doc, null, 2)}\n`, doc, inputs, notes, summary };
}

function sha256(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function readme(kumaDir, versions, results) {
  const rel = (v, f) => path.relative(path.join(kumaDir, v.folder), f).split(path.sep).join('/');
  const lines = [];
  lines.push('# Kuma resource schemas');
  lines.push('');
  lines.push(`${ATTRIBUTION}.`);
  lines.push('');
  lines.push(
    'The JSON files in this folder are generated by `scripts/gen-schemas.mjs` (`npm run schemas`) from schema files of the Kuma source repository. They are a derivative work of those files and are distributed under the Apache License 2.0; the Kuma `LICENSE` is copied as `LICENSE` in this folder. Do not edit the JSON files by hand: change the script and regenerate.',
  );
  lines.push('');
  lines.push('## Outputs');
  lines.push('');
  lines.push('| file | Kuma version | Kuma tag | commit |');
  lines.push('|---|---|---|---|');
  for (const v of versions) lines.push(`| \`${v.version}.json\` | ${v.version} | \`${v.tag}\` | \`${v.commit}\` |`);
  lines.push('');
  lines.push(
    `Each file holds \`resources.<Kind>.kubernetes\` and \`resources.<Kind>.universal\`, one self-contained JSON Schema (draft-07) per resource form, for \`MeshService\`, \`MeshExternalService\`, \`MeshMultiZoneService\`, \`HostnameGenerator\`, \`Dataplane\` and the ${POLICIES.length} targetRef policies (${POLICIES.map((k) => `\`${k.kind}\``).join(', ')}; \`pkg/plugins/policies/<kind>/\` in Kuma). \`HEAD\` is the Kuma development branch (3.0 line) at the commit listed.`,
  );
  lines.push('');
  lines.push('## Source files');
  lines.push('');
  lines.push('Paths are inside the Kuma repository (https://github.com/kumahq/kuma) at the tag/commit above.');
  for (const [i, v] of versions.entries()) {
    lines.push('');
    lines.push(`### \`${v.version}.json\` from \`${v.tag}\` (\`${v.commit}\`)`);
    lines.push('');
    lines.push('| path | bytes | sha256 |');
    lines.push('|---|---|---|');
    for (const f of results[i].inputs) lines.push(`| \`${rel(v, f)}\` | ${statSync(f).size} | \`${sha256(f)}\` |`);
  }
  lines.push('');
  lines.push('`LICENSE`: Kuma `LICENSE` (Apache-2.0), copied byte for byte, sha256 `' + sha256(path.join(kumaDir, 'LICENSE')) + '`.');
  lines.push('');
  lines.push('## Transformations applied');
  lines.push('');
  const t = [
    'Kubernetes form: `spec.versions[0].schema.openAPIV3Schema` of the CRD. `apiVersion` and `kind` get `const` (`kuma.io/v1alpha1`, the kind); `metadata` (only `type: object` in the CRD) is replaced by an ObjectMeta schema (`name`, `namespace`, `labels`, `annotations`, ...; other keys allowed); `required` is `[apiVersion, kind, metadata]` (the CRDs do not require `spec`); unknown top-level keys are rejected.',
    "Universal form: `components.schemas.<Kind>Item` of `rest.yaml` (from 2.13), or the `schema.yaml` it refers to (2.9). Every property is kept; `type` gets `const` = the kind (instead of a one-value `enum`); `required` is the source's list plus `type` and `name`; unknown top-level keys are rejected.",
    "Dataplane body: `docs/generated/raw/protos/Dataplane.json` (draft-04, generated from the proto), converted to draft-07 with every `$ref` inlined (the message tree has no cycles) and `$schema` dropped. Field names are emitted as protojson lowerCamel JSON names (as `rest.yaml` and Kuma's own output use them); where Dataplane.json has the original snake_case proto name it is kept as `x-proto-name` and also accepted as an alias property marked `x-alias-of` (protojson accepts both spellings). Every proto message gets `additionalProperties: false` (protojson rejects unknown fields), including empty messages such as `ServiceProbe.Tcp`; `map<,>` fields stay string maps; enums become `{type: string, enum: [value names]}` (numeric values not offered); `google.protobuf.Duration` stays a string with Kuma's pattern (`\"5s\"`); `UInt32Value` wrappers become bare integers; `google.protobuf.Struct` becomes any object. Integer fields get the range of their proto type (`uint32` 0..4294967295) from `dataplane.proto`; fields of messages imported from other proto files (`EnvoyAdmin`, `MetricsBackend`) keep a plain `integer`. Well-known types are marked with `x-proto-type`. Where Dataplane.json has no `description` for a field (all enum fields, for example) it is taken from `DataplaneItem` of the same tag's `api/mesh/v1alpha1/dataplane/rest.yaml` (2.13 and later).",
    'Kubernetes Dataplane: the CRD spec is schemaless (`x-kubernetes-preserve-unknown-fields`), so `spec` is the Dataplane proto body; top level `apiVersion`, `kind`, `mesh`, `metadata`, `spec`, and `status` (any). Universal Dataplane: `type`, `name`, `mesh`, `labels`, `creationTime`, `modificationTime` (read-only), `kri` (read-only, where `api/mesh/v1alpha1/dataplane/rest.yaml` has it) and the proto body fields flat at top level; `required: [type, name, mesh]`. The body is cross-checked against `DataplaneItem` of that `rest.yaml` where it exists (2.13 and later).',
    '`x-kubernetes-int-or-string: true` becomes `anyOf: [{type: integer}, {type: string}]` (description kept, the `x-` key dropped).',
    '`x-kubernetes-preserve-unknown-fields: true` is kept as an annotation; without `properties` the schema accepts any value, with `properties` unlisted keys are allowed.',
    '`format: int32` / `int64` / `uint32` become `minimum`/`maximum` bounds (int64: JavaScript safe-integer range) and the `format` key is dropped; other formats (`date-time`, `byte`) are renamed `x-format` so that no ajv format plugin is needed. OpenAPI `example` becomes draft-07 `examples: [...]`; `nullable: true` (none in the sources) would become a `null` type.',
    'Every object schema with `properties` and no `additionalProperties` gets `additionalProperties: false` (Kubernetes structural schemas prune unknown fields; the tools report them). `additionalProperties: {schema}` maps (labels, `matchLabels`, `dataplaneTags`) stay maps.',
    '`description`, `default`, `enum`, `minimum`, `maximum`, `minLength`, `maxLength`, `minItems`, `pattern`, `required`, `readOnly`, `x-kubernetes-list-type` and `x-kubernetes-list-map-keys` are kept as in the source. Schema keywords are written in a fixed order; properties keep the source order.',
  ];
  for (const item of t) lines.push(`* ${item}`);
  lines.push('');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------
// self-check (mirrors test/unit/schemas.test.ts)

function selfCheck(docs) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validators = {};
  for (const [version, doc] of Object.entries(docs)) {
    validators[version] = {};
    for (const [kind, forms] of Object.entries(doc.resources)) {
      for (const [form, schema] of Object.entries(forms)) {
        if ('$schema' in schema || '$id' in schema) fail(`${version} ${kind} ${form}: has $schema/$id`);
        try {
          validators[version][`${kind}/${form}`] = ajv.compile(schema);
        } catch (e) {
          fail(`${version} ${kind} ${form}: ajv compile failed: ${e.message}`);
        }
      }
    }
  }
  const msK8s = (spec) => ({
    apiVersion: API_VERSION,
    kind: 'MeshService',
    metadata: { name: 'web', namespace: 'kuma-demo', labels: { 'kuma.io/mesh': 'default' } },
    spec,
  });
  const ports = (p) => [{ port: 80, targetPort: 'http', appProtocol: 'http', ...p }];
  const withLabels = msK8s({ selector: { dataplaneLabels: { matchLabels: { app: 'web' } } }, ports: ports() });
  const withTags = msK8s({ selector: { dataplaneTags: { app: 'web' } }, ports: ports() });
  const dpUniversal = (inbound) => ({
    type: 'Dataplane',
    name: 'dp-1',
    mesh: 'default',
    networking: { address: '10.0.0.1', inbound: [{ port: 8080, servicePort: 80, tags: { 'kuma.io/service': 'web' }, ...inbound }] },
  });
  const hg = {
    type: 'HostnameGenerator',
    name: 'x',
    spec: { template: '{{ .Name }}.mesh', selector: { meshService: { matchLabels: { a: 'b' } } } },
  };
  const cases = [
    ['2.14', 'MeshService/kubernetes', withLabels, true, 'dataplaneLabels at 2.14'],
    ['3.0', 'MeshService/kubernetes', withLabels, true, 'dataplaneLabels at 3.0'],
    ['2.13', 'MeshService/kubernetes', withLabels, false, 'dataplaneLabels unknown at 2.13'],
    ['2.14', 'MeshService/kubernetes', withTags, true, 'dataplaneTags at 2.14'],
    ['3.0', 'MeshService/kubernetes', withTags, false, 'dataplaneTags removed at 3.0'],
    ['2.14', 'MeshService/kubernetes', msK8s({ ports: ports({ targetPort: 8080 }) }), true, 'targetPort int'],
    ['2.14', 'MeshService/kubernetes', msK8s({ ports: ports({ targetPort: 'http' }) }), true, 'targetPort string'],
    ['2.14', 'MeshService/kubernetes', msK8s({ ports: ports({ port: '80' }) }), false, 'port as string'],
    ['2.14', 'MeshService/kubernetes', msK8s({ identities: [{ type: 'ServiceTag', value: 'web' }] }), true, 'ServiceTag identity at 2.14'],
    ['3.0', 'MeshService/kubernetes', msK8s({ identities: [{ type: 'ServiceTag', value: 'web' }] }), false, 'ServiceTag identity at 3.0'],
    ['2.14', 'Dataplane/universal', dpUniversal({}), true, 'Universal Dataplane with inbound tags at 2.14'],
    ['3.0', 'Dataplane/universal', dpUniversal({}), false, 'inbound tags removed at 3.0'],
    ['2.14', 'Dataplane/universal', dpUniversal({ bogus: 1 }), false, 'unknown inbound field'],
    ...['2.9', '2.13', '2.14', '3.0'].map((v) => [v, 'HostnameGenerator/universal', hg, true, `Universal HostnameGenerator at ${v}`]),
  ];
  let failed = 0;
  for (const [version, key, doc, expected, label] of cases) {
    const validate = validators[version][key];
    const ok = validate(doc);
    if (ok !== expected) {
      failed++;
      console.error(
        `self-check FAILED: ${label} (${version} ${key}): expected ${expected ? 'valid' : 'invalid'}, got ${ok ? 'valid' : 'invalid'} ${ok ? '' : JSON.stringify(validate.errors)}`,
      );
    }
  }
  if (failed) fail(`${failed} self-check case(s) failed`);
  const count = Object.values(validators).reduce((n, v) => n + Object.keys(v).length, 0);
  console.log(`self-check: ${count} schemas compile with ajv; ${cases.length} sample documents behave as expected`);
}

// ---------------------------------------------------------------------------

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const versions = readProvenance(opts.kumaDir);
  const results = versions.map((v) => generateVersion(opts.kumaDir, v));

  for (const r of results) for (const line of r.summary) console.log(line);
  const notes = [...new Set(results.flatMap((r, i) => r.notes.map((n) => `${versions[i].version}: ${n}`)))];
  for (const n of notes) console.log(`note: ${n}`);

  const outputs = new Map();
  for (const [i, v] of versions.entries()) outputs.set(`${v.version}.json`, results[i].text);
  outputs.set('LICENSE', readFileSync(path.join(opts.kumaDir, 'LICENSE'), 'utf8'));
  outputs.set('README.md', readme(opts.kumaDir, versions, results));

  if (opts.check) {
    const stale = [...outputs].filter(([f, text]) => {
      const file = path.join(OUT_DIR, f);
      return !existsSync(file) || readFileSync(file, 'utf8') !== text;
    });
    if (stale.length) fail(`schemas/ is out of date (${stale.map(([f]) => f).join(', ')}); run npm run schemas`);
    console.log('schemas/ is up to date');
  } else {
    mkdirSync(OUT_DIR, { recursive: true });
    for (const [f, text] of outputs) {
      const file = path.join(OUT_DIR, f);
      const same = existsSync(file) && readFileSync(file, 'utf8') === text;
      if (!same) writeFileSync(file, text);
      console.log(`${same ? 'unchanged' : 'wrote    '} schemas/${f} (${Buffer.byteLength(text)} bytes)`);
    }
  }

  // verify what is now on disk
  const docs = {};
  for (const v of versions) docs[v.version] = JSON.parse(readFileSync(path.join(OUT_DIR, `${v.version}.json`), 'utf8'));
  selfCheck(docs);
}

try {
  main();
} catch (e) {
  if (e instanceof GenError) {
    console.error(`gen-schemas: ${e.message}`);
    process.exit(1);
  }
  throw e;
}
