/**
 * The one table of diagnostic codes. Codes are stable: editors, CI configurations and
 * suppressions refer to them. Each has a default severity and a one-line description;
 * `docs` is the README anchor used for `codeDescription.href`.
 */

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface CodeInfo {
  severity: Severity;
  doc: string;
}

export const DIAGNOSTIC_CODES = {
  'yaml-syntax': { severity: 'error', doc: 'The YAML cannot be parsed.' },
  'yaml-limit': {
    severity: 'error',
    doc: 'The file or document exceeds a safety limit (size over 10 MB, nesting over 100 levels, alias expansion over 1000 nodes) and is not checked.',
  },
  'templated-yaml': {
    severity: 'information',
    doc: 'The document contains template syntax (`{{ … }}`, e.g. Helm) and is checked only once rendered.',
  },
  'internal-error': { severity: 'information', doc: 'The checker itself failed on a document; other documents are still checked.' },
  'yaml-duplicate-key': { severity: 'error', doc: 'A key appears twice in one mapping.' },
  'kuma-version-unknown': { severity: 'warning', doc: 'The `# kuma-version:` comment names a version this tool does not cover.' },
  'schema-unknown-key': { severity: 'error', doc: "A key that Kuma's schema for this kind and version does not define." },
  'schema-missing-required': { severity: 'error', doc: "A key that Kuma's schema requires is missing." },
  'schema-type': { severity: 'error', doc: 'A value of the wrong type (for example a string where a number is expected).' },
  'schema-enum': { severity: 'error', doc: 'A value outside the allowed set.' },
  'schema-range': { severity: 'error', doc: 'A number outside the range the schema allows.' },
  'schema-constraint': { severity: 'error', doc: 'A value breaks another schema constraint (length, pattern, item count).' },
  'name-invalid': { severity: 'error', doc: 'The resource name breaks the naming rules of its form.' },
  'mesh-invalid': { severity: 'error', doc: 'The mesh name has invalid characters or is empty.' },
  'name-too-long': { severity: 'error', doc: 'MeshService / MeshExternalService names longer than 63 characters (Kuma 2.9 to 2.14).' },
  'name-rfc1035': { severity: 'error', doc: 'Names must be RFC 1035 labels (Kuma 3.0).' },
  'name-rfc1035-deprecated': { severity: 'warning', doc: 'Names that are not RFC 1035 labels are deprecated (Kuma 2.10 to 2.14).' },
  'selector-multiple': { severity: 'error', doc: 'More than one MeshService selector (Kuma 2.14 and 3.0 reject it).' },
  'selector-multiple-ignored': { severity: 'warning', doc: 'More than one MeshService selector: Kuma 2.9 to 2.13 use only the first.' },
  'selector-missing': { severity: 'warning', doc: 'A MeshService without a selector matches no data plane proxies.' },
  'selector-dataplane-tags-removed': { severity: 'error', doc: '`dataplaneTags` was removed in Kuma 3.0 and is dropped silently.' },
  'ports-duplicate': { severity: 'error', doc: 'Two ports with the same (port, appProtocol) pair.' },
  'ports-duplicate-name': { severity: 'warning', doc: 'Two ports with the same name (the name is the policy sectionName).' },
  'port-range': { severity: 'warning', doc: 'A port number outside 1-65535.' },
  'target-port-missing': { severity: 'warning', doc: 'A MeshService port without targetPort gets no endpoints.' },
  'app-protocol-invalid': { severity: 'error', doc: 'An appProtocol Kuma rejects (MeshService at 3.0, MeshMultiZoneService from 2.10).' },
  'app-protocol-unsupported': {
    severity: 'warning',
    doc: 'An appProtocol Kuma 2.x accepts but does not support (traffic is treated as TCP).',
  },
  'sni-deprecated': { severity: 'warning', doc: 'A port name that makes an invalid SNI (Kuma 2.14 and 3.0 deprecation).' },
  'status-read-only': { severity: 'warning', doc: '`status` is written by the control plane, not by hand.' },
  'system-namespace-only': {
    severity: 'warning',
    doc: 'MeshExternalService and HostnameGenerator are accepted only in the Kuma system namespace.',
  },
  'external-service-invalid': { severity: 'error', doc: "A MeshExternalService rule of Kuma's validator." },
  'multizone-service-invalid': { severity: 'error', doc: "A MeshMultiZoneService rule of Kuma's validator." },
  'hostname-generator-invalid': { severity: 'error', doc: "A HostnameGenerator rule of Kuma's validator (selector, template)." },
  'dataplane-invalid': { severity: 'error', doc: "A Dataplane rule of Kuma's validator (ports, addresses, protocols, tags)." },
  'target-port-unresolved': {
    severity: 'warning',
    doc: 'A named targetPort that no inbound or container port of the selected Dataplanes / workloads declares.',
  },
  'target-port-unserved': {
    severity: 'information',
    doc: 'A numeric targetPort that no inbound of the selected Dataplanes / workloads serves.',
  },
  'selector-matches-nothing': {
    severity: 'warning',
    doc: 'A selector that matches none of the Dataplanes / workloads the workspace holds for that mesh / namespace.',
  },
  'resource-duplicate': {
    severity: 'error',
    doc: 'The same resource (kind, mesh, namespace, name) is declared more than once in the workspace.',
  },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export function defaultSeverity(code: DiagnosticCode): Severity {
  return DIAGNOSTIC_CODES[code].severity;
}

/** Anchor in the README's table of codes, for `codeDescription.href`. */
export function codeDocsAnchor(code: DiagnosticCode): string {
  return `#${code}`;
}
