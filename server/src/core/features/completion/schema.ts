import { isMap, isScalar } from 'yaml';
import type { CompletionEntry } from './types';
import { cursorContext, type CursorContext } from '../../yaml/cursor';
import type { ParsedDocument } from '../../yaml/documents';
import { maybeSchemaFor } from '../../schema/bundles';
import {
  displayPath,
  enumValues,
  propertiesOf,
  protocolValues,
  schemaAtPath,
  schemaTypes,
  typeLabel,
  type JsonSchema,
} from '../../schema/walk';
import { KUMA_KINDS, type Form, type KumaKind } from '../../types';
import { kumaFacts, supportedProtocols, type KumaVersion } from '../../kuma/versions';

/** Keys the API server or the control plane sets: never offered for writing. */
const SERVER_SET: Record<string, string[]> = {
  '': ['status', 'kri', 'creationTime', 'modificationTime', 'snis'],
  metadata: [
    'uid',
    'resourceVersion',
    'generation',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'managedFields',
    'selfLink',
  ],
};

function description(schema: JsonSchema): string | undefined {
  return typeof schema.description === 'string' ? schema.description : typeof schema.title === 'string' ? schema.title : undefined;
}

/** Column of `offset` in its line. */
function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

function keyEntries(schema: JsonSchema, ctx: CursorContext, text: string, parentPath: string): CompletionEntry[] {
  const { properties, required } = propertiesOf(schema);
  const hidden = new Set([...ctx.existingKeys, ...(SERVER_SET[parentPath] ?? [])]);
  const col = columnOf(text, ctx.replace.start);
  const colonFollows = /^[ \t]*:/.test(text.slice(ctx.replace.end));
  const out: CompletionEntry[] = [];
  for (const [key, prop] of Object.entries(properties)) {
    if (hidden.has(key) || prop['x-alias-of'] !== undefined || prop.readOnly === true) continue;
    const types = schemaTypes(prop);
    const consts = 'const' in prop ? [prop.const] : [];
    let insertText = `${key}: `;
    if (colonFollows) insertText = key;
    else if (consts.length === 1 && typeof consts[0] === 'string') insertText = `${key}: ${consts[0]}`;
    else if (types.length === 1 && types[0] === 'object') insertText = `${key}:\n${' '.repeat(col + 2)}`;
    else if (types.length === 1 && types[0] === 'array') insertText = `${key}:\n${' '.repeat(col + 2)}- `;
    const isRequired = required.has(key);
    const detail = [typeLabel(prop), isRequired ? 'required' : ''].filter(Boolean).join(', ');
    out.push({
      label: key,
      kind: 'property',
      ...(detail ? { detail } : {}),
      ...(description(prop) ? { documentation: description(prop) } : {}),
      insertText,
      replace: ctx.replace,
      sortText: `${isRequired ? '0' : '1'}_${key}`,
    });
  }
  return out.sort((a, b) => (a.sortText! < b.sortText! ? -1 : 1));
}

function valueEntries(values: (string | number | boolean)[], ctx: CursorContext, detail: string, def?: unknown): CompletionEntry[] {
  return values.map((v, i) => ({
    label: String(v),
    kind: 'value' as const,
    detail: v === def ? `${detail} (default)` : detail,
    replace: ctx.replace,
    sortText: String(i).padStart(3, '0'),
  }));
}

/**
 * Completions at `offset` (chunk-relative) in one parsed document, from the Kuma schema of the
 * document's kind, form and `version`. Pass `pd` undefined for a chunk with no document at all
 * (empty or comments only): that offers resource skeletons.
 *
 * - Kuma document, key position: the keys the schema allows there, required ones first, minus keys
 *   already present, alias spellings (`x-alias-of`) and read-only/server-set fields.
 * - Value position: enum/const values, `true`/`false`, and Kuma's protocol lists for
 *   `appProtocol`/`protocol`.
 * - Empty document: snippets for every kind in both forms; top-level `kind:`/`type:` of an
 *   unclassified document: the five Kuma kinds.
 */
export function schemaCompletions(
  pd: ParsedDocument | undefined,
  chunkText: string,
  offset: number,
  version: KumaVersion,
): CompletionEntry[] {
  const contents = pd?.contents;
  if (!pd || contents === null || contents === undefined || (isScalar(contents) && pd.classification.role === 'other')) {
    const word = pd ? cursorContext(pd.contents, chunkText, offset) : undefined;
    if (pd && word && word.path.length > 0) return [];
    const replace = word?.replace ?? { start: offset, end: offset };
    return resourceSnippets(version).map((e) => ({ ...e, replace }));
  }
  const ctx = cursorContext(pd.contents, chunkText, offset);
  if (!ctx) return [];
  const c = pd.classification;
  if (c.role !== 'kuma') {
    if ((c.role === 'other' || c.role === 'mesh') && isMap(contents) && ctx.target === 'value' && ctx.path.length === 1)
      return identityValues(ctx, pd);
    return [];
  }
  const root = maybeSchemaFor(version, c.kind, c.form);
  if (!root) return [];
  const schema = schemaAtPath(root, ctx.path);
  if (!schema) return [];
  const protocols = protocolValues(c.kind, c.form, ctx.path, version);
  if (ctx.target === 'value' || !propertiesOf(schema).properties || Object.keys(propertiesOf(schema).properties).length === 0) {
    if (protocols) return valueEntries(protocols, ctx, `Kuma ${version} protocol`, schema.default);
    const vals = enumValues(schema);
    if (vals.length) return valueEntries(vals, ctx, typeLabel(schema), schema.default);
    if (schemaTypes(schema).includes('boolean')) return valueEntries([true, false], ctx, 'boolean', schema.default);
    if (ctx.target === 'key' && displayPath(ctx.path) === 'metadata.labels' && c.kind !== 'HostnameGenerator' && c.kind !== 'Dataplane') {
      if (ctx.existingKeys.includes('kuma.io/mesh')) return [];
      return [
        {
          label: 'kuma.io/mesh',
          kind: 'property',
          detail: 'string',
          documentation: 'The mesh of this resource (`default` when absent).',
          insertText: 'kuma.io/mesh: ',
          replace: ctx.replace,
          sortText: '0_kuma.io/mesh',
        },
      ];
    }
    return [];
  }
  return keyEntries(schema, ctx, chunkText, displayPath(ctx.path));
}

/** `kind:`/`type:`/`apiVersion:` values at the top of a document that is not (yet) a Kuma resource. */
function identityValues(ctx: CursorContext, pd: ParsedDocument): CompletionEntry[] {
  const key = ctx.path[0];
  const root = pd.contents;
  const apiVersion = isMap(root) ? root.get('apiVersion') : undefined;
  if (key === 'apiVersion') return valueEntries(['kuma.io/v1alpha1'], ctx, 'Kuma resources');
  if (key === 'kind' && (apiVersion === undefined || apiVersion === null || String(apiVersion).startsWith('kuma.io/')))
    return valueEntries([...KUMA_KINDS], ctx, 'Kuma resource (Kubernetes form)');
  if (key === 'type' && apiVersion === undefined) return valueEntries([...KUMA_KINDS], ctx, 'Kuma resource (Universal form)');
  return [];
}

/** Escapes literal text for LSP snippet syntax. */
function esc(s: string): string {
  return s.replace(/[\\$}]/g, (m) => `\\${m}`);
}

function choice(n: number, values: string[]): string {
  return `\${${n}|${values.join(',')}|}`;
}

/**
 * Skeletons of every kind in both forms, in LSP snippet syntax, for the given Kuma version
 * (selectors: `dataplaneTags` up to 2.13, `dataplaneLabels.matchLabels` from 2.14; Dataplane
 * inbound `tags` up to 2.14, inbound `name`/`protocol` from 2.14).
 */
export function resourceSnippets(version: KumaVersion): CompletionEntry[] {
  const protocols = ['tcp', ...supportedProtocols(version).filter((p) => p !== 'tcp')];
  const facts = kumaFacts(version);
  const labelsSelector = facts.selector.keys.includes('dataplaneLabels');
  const k8sHead = (kind: KumaKind, name: string, ns: string, mesh: boolean) =>
    `apiVersion: kuma.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: \${1:${name}}\n  namespace: \${2:${ns}}\n` +
    (mesh ? '  labels:\n    kuma.io/mesh: ${3:default}\n' : '');
  // The mesh is tab stop 3 in both forms (2 is the namespace of the Kubernetes form), so the
  // skeletons' later tab stops line up.
  const uniHead = (kind: KumaKind, name: string, mesh: boolean) =>
    `type: ${kind}\nname: \${1:${name}}\n` + (mesh ? 'mesh: ${3:default}\n' : '');

  const msSelector = (form: Form) =>
    labelsSelector
      ? '    dataplaneLabels:\n      matchLabels:\n' +
        (form === 'kubernetes'
          ? '        app: ${4:redis}\n        k8s.kuma.io/namespace: ${2}\n'
          : facts.dataplane.workloadLabel
            ? '        kuma.io/workload: ${4:redis}\n'
            : '        app: ${4:redis}\n')
      : '    dataplaneTags:\n      kuma.io/service: ${4:redis}\n';
  const msBody = (form: Form) =>
    `spec:\n  selector:\n${msSelector(form)}  ports:\n    - name: \${5:main}\n      port: \${6:6379}\n      targetPort: \${7:6379}\n      appProtocol: ${choice(8, protocols)}\n`;

  const inbound = (indent: string) => {
    const lines = ['- port: ${5:16379}', '  servicePort: ${6:6379}'];
    if (facts.dataplane.inboundProtocolField) lines.push('  name: ${7:main}', `  protocol: ${choice(8, protocols)}`);
    if (facts.dataplane.inboundTags !== 'removed') {
      lines.push('  tags:', '    kuma.io/service: ${4:redis}');
      if (!facts.dataplane.inboundProtocolField) lines.push(`    kuma.io/protocol: ${choice(8, protocols)}`);
    }
    return lines.map((l) => indent + l + '\n').join('');
  };
  const dpLabels = (indent: string) =>
    facts.dataplane.workloadLabel ? `${indent}labels:\n${indent}  kuma.io/workload: \${4:redis}\n` : '';

  const mesBody =
    'spec:\n  match:\n    type: HostnameGenerator\n    port: ${4:443}\n    protocol: ${5|http,tcp,grpc,http2|}\n' +
    '  endpoints:\n    - address: ${6:httpbin.org}\n      port: ${7:443}\n';
  const mzsBody = `spec:\n  selector:\n    meshService:\n      matchLabels:\n        kuma.io/display-name: \${4:redis}\n  ports:\n    - port: \${5:6379}\n      appProtocol: ${choice(6, protocols)}\n`;
  const hgBody = (n: number, template: string) =>
    `spec:\n  selector:\n    meshService:\n      matchLabels:\n        \${${n}:kuma.io/origin}: \${${n + 1}:zone}\n  template: "\${${n + 2}:${esc(template)}}"\n`;

  const items: [KumaKind, Form, string, string][] = [
    [
      'MeshService',
      'kubernetes',
      k8sHead('MeshService', 'redis', 'kuma-demo', true) + msBody('kubernetes'),
      'A service in the mesh, selecting its data plane proxies.',
    ],
    [
      'MeshService',
      'universal',
      uniHead('MeshService', 'redis', true) + msBody('universal'),
      'A service in the mesh, selecting its data plane proxies.',
    ],
    [
      'Dataplane',
      'kubernetes',
      'apiVersion: kuma.io/v1alpha1\nkind: Dataplane\nmesh: ${3:default}\nmetadata:\n  name: ${1:redis-1}\n  namespace: ${2:kuma-demo}\n' +
        `spec:\n  networking:\n    address: \${9:10.0.0.5}\n    inbound:\n${inbound('      ')}`,
      'A data plane proxy (on Kubernetes Kuma normally creates these from Pods).',
    ],
    [
      'Dataplane',
      'universal',
      uniHead('Dataplane', 'redis-1', true) + dpLabels('') + `networking:\n  address: \${9:10.0.0.5}\n  inbound:\n${inbound('    ')}`,
      'A data plane proxy and the inbounds it serves.',
    ],
    [
      'MeshExternalService',
      'kubernetes',
      k8sHead('MeshExternalService', 'httpbin', 'kuma-system', true) + mesBody,
      'A service outside the mesh, reachable through it.',
    ],
    [
      'MeshExternalService',
      'universal',
      uniHead('MeshExternalService', 'httpbin', true) + mesBody,
      'A service outside the mesh, reachable through it.',
    ],
    [
      'MeshMultiZoneService',
      'kubernetes',
      k8sHead('MeshMultiZoneService', 'redis', 'kuma-system', true) + mzsBody,
      'Groups MeshServices of several zones (global control plane).',
    ],
    [
      'MeshMultiZoneService',
      'universal',
      uniHead('MeshMultiZoneService', 'redis', true) + mzsBody,
      'Groups MeshServices of several zones (global control plane).',
    ],
    [
      'HostnameGenerator',
      'kubernetes',
      k8sHead('HostnameGenerator', 'local-mesh-services', 'kuma-system', false) +
        hgBody(3, '{{ .DisplayName }}.{{ .Namespace }}.svc.mesh.local'),
      'Generates hostnames for MeshServices, MeshExternalServices and MeshMultiZoneServices.',
    ],
    [
      'HostnameGenerator',
      'universal',
      uniHead('HostnameGenerator', 'local-mesh-services', false) + hgBody(2, '{{ .DisplayName }}.svc.mesh.local'),
      'Generates hostnames for MeshServices, MeshExternalServices and MeshMultiZoneServices.',
    ],
  ];
  return items.map(([kind, form, body, doc], i) => ({
    label: `${kind} (${form === 'kubernetes' ? 'Kubernetes' : 'Universal'})`,
    kind: 'snippet' as const,
    detail: `Kuma ${version} ${kind}, ${form === 'kubernetes' ? 'Kubernetes' : 'Universal'} form`,
    documentation: `${doc}\n\n\`\`\`yaml\n${expandSnippet(body)}\`\`\``,
    insertText: body + '$0',
    snippet: true,
    sortText: String(i).padStart(2, '0'),
  }));
}

/**
 * The text a snippet inserts when every placeholder keeps its default (first choice; mirrors
 * `${n}` take the default of `n`; `$0` is dropped). Used for previews and tests.
 */
export function expandSnippet(snippet: string): string {
  const defaults = new Map<string, string>();
  return snippet
    .replace(/\$\{(\d+)\|([^,|]*)[^}]*\}|\$\{(\d+):((?:[^}\\]|\\.)*)\}/g, (_m, n1: string, c: string, n2: string, d: string) => {
      const v = n1 !== undefined ? c : d.replace(/\\(.)/g, '$1');
      defaults.set(n1 ?? n2, v);
      return v;
    })
    .replace(/\$\{(\d+)\}/g, (_m, n: string) => defaults.get(n) ?? '')
    .replace(/\$0/g, '');
}
