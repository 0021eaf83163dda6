import { repository } from '../../../../package.json';
import { suggest } from '../util/suggest';

/**
 * The one table of diagnostic codes. Codes are stable: editors, CI configurations and
 * suppressions refer to them. Each has a default severity and a one-line description;
 * docs/diagnostics.md has a section per code (`codeDocsUrl`).
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
  'problem-limit': {
    severity: 'warning',
    doc: 'More than 1,000 problems in one document: after the first 1,000, one says how many more are not shown (an error when one of them is).',
  },
  'hint-limit': {
    severity: 'hint',
    doc: 'More than 100 hints in one file: after the first 100, one says how many more are not shown, per code.',
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
  'mesh-ignored': { severity: 'warning', doc: 'A `mesh` on a global-scoped resource (HostnameGenerator), which Kuma ignores.' },
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
  'policy-section-unavailable': {
    severity: 'error',
    doc: 'A policy section (`from`, `rules`, `to`) that the policy kind does not have in this Kuma version (e.g. `from` at 3.0, `rules` at 2.9).',
  },
  'policy-target-ref-kind': {
    severity: 'error',
    doc: 'A targetRef kind the policy does not accept at that place (top level, `to`, `from`, backendRefs), for its version and role.',
  },
  'policy-target-ref-invalid': {
    severity: 'error',
    doc: "A targetRef field Kuma's `ValidateTargetRef` rejects for its kind (missing kind, name or labels; a field not allowed with the kind; tags).",
  },
  'policy-invalid': {
    severity: 'error',
    doc: "A spec-level rule of a policy's validator: sections that must or must not be there (`to`, `from`, `rules`), route backendRefs and hostnames.",
  },
  'policy-role-invalid': {
    severity: 'error',
    doc: 'A Kubernetes policy in an app namespace whose role Kuma cannot compute (it mixes `to` and `from`, or producer and consumer items).',
  },
  'policy-deprecated': { severity: 'warning', doc: "A targetRef kind or section Kuma's `Deprecations()` warns about." },
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
  // Policy references across the workspace (issue 15, branch pol-xref): warnings, Kuma ignores what resolves to nothing.
  'policy-ref-unresolved': {
    severity: 'warning',
    doc: "A policy reference (targetRef, backendRef) that resolves to nothing although the workspace holds resources of its kind for the policy's mesh.",
  },
  'policy-section-unresolved': {
    severity: 'warning',
    doc: 'A `sectionName` that names no port of the resources the reference resolves to.',
  },
  'policy-backend-port-unresolved': {
    severity: 'warning',
    doc: 'A route `backendRef` `port` that the referenced service does not expose.',
  },
  'policy-ref-ambiguous': {
    severity: 'warning',
    doc: 'A backendRef `labels` selector that picks more than one resource: Kuma sends the traffic to one (the oldest).',
  },
  'policy-ref-legacy-name': {
    severity: 'warning',
    doc: 'A legacy `kuma.io/service` name (`backend_kuma-demo_svc_8080`) where the MeshService itself can be referenced.',
  },
  'suppression-unknown-code': {
    severity: 'warning',
    doc: 'A `# kuma-lint-disable` comment names a code that does not exist, so it suppresses nothing.',
  },
  'upgrade-3.0-dataplane-tags': {
    severity: 'hint',
    doc: 'A MeshService `dataplaneTags` selector, which Kuma 3.0 drops silently (the MeshService then selects nothing).',
  },
  'upgrade-3.0-inbound-tags': {
    severity: 'hint',
    doc: 'Dataplane inbound `tags` (the `kuma.io/service` identity), which Kuma 3.0 drops silently (an error at 3.0).',
  },
  'upgrade-3.0-outbound-tags': {
    severity: 'hint',
    doc: 'A Dataplane outbound named by `tags` instead of `backendRef`: Kuma 3.0 drops the tags silently and rejects the outbound.',
  },
  'upgrade-3.0-reachable-services': {
    severity: 'hint',
    doc: '`transparentProxying.reachableServices`, which Kuma 3.0 drops silently (an error at 3.0; use `reachableBackends`).',
  },
  'upgrade-3.0-mesh-services': {
    severity: 'hint',
    doc: 'A Mesh `meshServices` setting, which Kuma 3.0 ignores silently (a warning at 3.0).',
  },
  'upgrade-3.0-policy-rejected': {
    severity: 'hint',
    doc: 'A policy construct Kuma 3.0 rejects: legacy top-level kinds, name/namespace where labels are required, MeshServiceSubset backendRefs, gateway-only route fields, scope rules.',
  },
  'upgrade-3.0-policy-dropped': {
    severity: 'hint',
    doc: 'A policy field Kuma 3.0 drops silently (`from`, `proxyTypes`, `tags`, `mesh`, a Dataplane targetRef `name`, removed defaults), which may change what the policy does.',
  },
  'upgrade-3.0-name-rfc1035': {
    severity: 'hint',
    doc: 'A Mesh, MeshService, MeshExternalService or MeshMultiZoneService name that is not an RFC 1035 label, which Kuma 3.0 rejects.',
  },
} as const satisfies Record<string, CodeInfo>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export function defaultSeverity(code: DiagnosticCode): Severity {
  return DIAGNOSTIC_CODES[code].severity;
}

export function isDiagnosticCode(code: string): code is DiagnosticCode {
  return Object.prototype.hasOwnProperty.call(DIAGNOSTIC_CODES, code);
}

/**
 * The page that documents every code: derived from package.json's `repository.url`, which
 * esbuild inlines at build time (only that field), so the core reads no file.
 */
export const DOCS_URL = `${repository.url.replace(/\.git$/, '')}/blob/main/docs/diagnostics.md`;

/** The section of docs/diagnostics.md about one code, for `codeDescription.href` and SARIF `helpUri`. */
export function codeDocsUrl(code: DiagnosticCode): string {
  // GitHub's heading anchor drops the dot of `upgrade-3.0-…`.
  return `${DOCS_URL}#${code.replace(/\./g, '')}`;
}

/** What a severity override can set: a severity, or `off` to drop the diagnostic. */
export type SeverityLevel = Severity | 'off';
export const SEVERITY_LEVELS: readonly SeverityLevel[] = ['error', 'warning', 'information', 'hint', 'off'];
export type SeverityOverrides = Partial<Record<DiagnosticCode, SeverityLevel>>;

/** The known code nearest to a misspelt one (edit distance at most a third of its length, at least 2). */
export function closestCode(code: string): DiagnosticCode | undefined {
  return suggest(code, Object.keys(DIAGNOSTIC_CODES), 2) as DiagnosticCode | undefined;
}

/** Says a code is unknown, with the nearest known one. */
export function unknownCodeMessage(code: string): string {
  const near = closestCode(code);
  return `unknown diagnostic code "${code}"${near ? ` (did you mean "${near}"?)` : ''}; the codes are listed in ${DOCS_URL}`;
}

/**
 * Reads severity overrides from a setting (`{"code": "level"}`) or from `CODE=level` pairs.
 * Entries with an unknown code or level are left out and explained in `problems`, one
 * sentence each, for the output channel or standard error.
 */
export function parseSeverityOverrides(raw: unknown): { overrides: SeverityOverrides; problems: string[] } {
  const overrides: SeverityOverrides = {};
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { overrides, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`the severity overrides must be an object of code: level, not ${JSON.stringify(raw)}`);
    return { overrides, problems };
  }
  for (const [code, level] of Object.entries(raw as Record<string, unknown>)) {
    if (!isDiagnosticCode(code)) problems.push(unknownCodeMessage(code));
    else if (typeof level !== 'string' || !(SEVERITY_LEVELS as readonly string[]).includes(level))
      problems.push(`"${code}": unknown level ${JSON.stringify(level)}; use ${SEVERITY_LEVELS.join(', ')}`);
    else overrides[code] = level as SeverityLevel;
  }
  return { overrides, problems };
}

/** Applies severity overrides: a new severity, or the diagnostic dropped for `off`. */
export function applySeverityOverrides<D extends { code: DiagnosticCode; severity: Severity }>(
  diagnostics: D[],
  overrides: SeverityOverrides | undefined,
): D[] {
  if (!overrides || Object.keys(overrides).length === 0) return diagnostics;
  const out: D[] = [];
  for (const d of diagnostics) {
    const level = overrides[d.code];
    if (level === undefined) out.push(d);
    else if (level !== 'off') out.push(level === d.severity ? d : { ...d, severity: level });
  }
  return out;
}
