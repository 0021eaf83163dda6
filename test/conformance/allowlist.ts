import { parse } from 'yaml';
import { normalizePath, violationField } from './compare';
import type { OracleAnswer } from './oracle';
import type { OurDiagnostic } from './ours';
import { isPolicy, type DocKind } from './corpus';
import type { Form, Kind } from './generators';

/**
 * The reviewed differences between our checks and Kuma's: each entry says why we differ on
 * purpose. A disagreement that no entry covers fails the conformance run.
 */
export interface Case {
  kind: DocKind;
  form: Form;
  version: string;
  text: string;
  kuma: OracleAnswer;
  ours: OurDiagnostic[];
}

export interface AllowEntry {
  id: string;
  reason: string;
  /** A document on which we raise an error and Kuma accepts. */
  falseError?: (c: Case) => boolean;
  /** A document Kuma rejects and we raise no error on. */
  missedRejection?: (c: Case) => boolean;
  /** A violation of Kuma's that none of our errors reports with the same path and message. */
  violation?: (c: Case, v: { field: string; message: string }) => boolean;
}

const errorsOf = (c: Case) => c.ours.filter((d) => d.severity === 'error');
const onlyCodes = (c: Case, codes: string[]) => errorsOf(c).length > 0 && errorsOf(c).every((d) => codes.includes(d.code));

const has = (c: Case, code: string) => c.ours.some((d) => d.code === code);
const kumaSays = (c: Case, re: RegExp) => c.kuma.violations.some((v) => re.test(v.message)) || re.test(c.kuma.error ?? '');

/**
 * Errors of ours on purpose where Kuma accepts: a false error is allowed when every error we raise
 * is one of these codes (in that form).
 */
const DELIBERATE_ERRORS: { code: string; forms: Form[]; versions?: string[]; kinds?: Kind[] }[] = [
  { code: 'schema-unknown-key', forms: ['universal'] },
  { code: 'schema-unknown-key', forms: ['kubernetes'], kinds: ['Dataplane'] },
  { code: 'yaml-duplicate-key', forms: ['universal', 'kubernetes'] },
  { code: 'selector-dataplane-tags-removed', forms: ['universal'], versions: ['3.0'] },
  { code: 'policy-section-unavailable', forms: ['universal'] },
  // Universal drops them; the Kubernetes Dataplane's spec keeps unknown fields and the converter drops them.
  { code: 'upgrade-3.0-inbound-tags', forms: ['universal', 'kubernetes'], versions: ['3.0'], kinds: ['Dataplane'] },
  { code: 'upgrade-3.0-reachable-services', forms: ['universal', 'kubernetes'], versions: ['3.0'], kinds: ['Dataplane'] },
];
const deliberate = (c: Case) =>
  errorsOf(c).length > 0 &&
  errorsOf(c).every((d) =>
    DELIBERATE_ERRORS.some(
      (e) =>
        e.code === d.code &&
        e.forms.includes(c.form) &&
        (!e.versions || e.versions.includes(c.version)) &&
        (!e.kinds || (e.kinds as string[]).includes(c.kind)),
    ),
  );
const noNamespace = (c: Case) => !/^\s+namespace:/m.test(c.text);
/** A Kubernetes document without metadata.namespace (a policy's targetRefs may name namespaces of their own). */
function noMetadataNamespace(c: Case): boolean {
  try {
    const o = parse(c.text, { logLevel: 'silent' }) as { metadata?: { namespace?: unknown } } | null;
    return !!o && typeof o === 'object' && (o.metadata?.namespace === undefined || o.metadata.namespace === null);
  } catch {
    return false;
  }
}
/** The top-level targetRef kind of a policy document. */
function topKind(c: Case): unknown {
  try {
    return (parse(c.text, { logLevel: 'silent' }) as { spec?: { targetRef?: { kind?: unknown } } } | null)?.spec?.targetRef?.kind;
  } catch {
    return undefined;
  }
}
/**
 * A violation of Kuma's that only a policy outside the system namespace gets (SPEC-policies.md a.4,
 * a.5): its role cannot be computed, or its top-level kind is one only the system role may use.
 */
const roleViolation = (c: Case, v: { field: string; message: string }) =>
  /^it's not allowed to mix (producer and consumer items|'to' and 'from' arrays) in the same policy$/.test(v.message) ||
  (v.field === 'spec.targetRef.kind' &&
    /^value ('(MeshGateway|MeshHTTPRoute)' )?is not supported$/.test(v.message) &&
    ['MeshGateway', 'MeshHTTPRoute'].includes(topKind(c) as string));

export const ALLOW_LIST: AllowEntry[] = [
  {
    id: 'universal-unknown-key',
    reason:
      "Kuma's Universal API decodes a document into Go structs and silently drops keys it does not know, so a misspelt key (`prot:` for `port:`) is lost without a word; we report it as an error (schema-unknown-key), as `kubectl apply` does for the Kubernetes form of the new kinds. The Kubernetes Dataplane is the same case: its CRD keeps unknown fields in `spec` (x-kubernetes-preserve-unknown-fields) and Kuma's converter drops them.",
    falseError: (c) => deliberate(c) && has(c, 'schema-unknown-key'),
  },
  {
    id: 'duplicate-key',
    reason:
      "A key given twice in one mapping: Kuma's YAML decoding keeps one of the values without a word; we report it (yaml-duplicate-key), since one of the two values is lost.",
    falseError: (c) => deliberate(c) && has(c, 'yaml-duplicate-key'),
  },
  {
    id: 'dataplane-tags-removed-3.0',
    reason:
      'Kuma 3.0 removed `spec.selector.dataplaneTags`: its Universal API drops the key silently and the MeshService then selects nothing, so we report it as an error (selector-dataplane-tags-removed) with the migration to dataplaneLabels. (On Kubernetes the API server rejects the unknown field: no difference.)',
    falseError: (c) => deliberate(c) && has(c, 'selector-dataplane-tags-removed'),
  },
  {
    id: 'dataplane-fields-removed-3.0',
    reason:
      "Kuma 3.0 removed a Dataplane's inbound `tags` and `reachableServices`: its Universal API drops them silently (the Kubernetes converter too), and selectors that matched those tags then select nothing, so at 3.0 we report them as errors (upgrade-3.0-inbound-tags, upgrade-3.0-reachable-services) with the migration, as for the unknown keys they now are.",
    falseError: (c) => deliberate(c) && (has(c, 'upgrade-3.0-inbound-tags') || has(c, 'upgrade-3.0-reachable-services')),
  },
  {
    id: 'policy-section-unavailable',
    reason:
      "A policy section the kind does not have at that version (`from` at 3.0, `rules` at 2.9): Kuma's Universal API drops it without a word, and the policy then does less than it says (a 3.0 MeshTLS or MeshFaultInjection with only `from` is accepted and does nothing), so we report it as an error (policy-section-unavailable) naming the versions that have it. (On Kubernetes the API server rejects the unknown field: no difference.)",
    falseError: (c) => deliberate(c) && has(c, 'policy-section-unavailable'),
  },
  {
    id: 'policy-namespace-at-apply-time',
    reason:
      'A Kubernetes policy without `metadata.namespace` gets its namespace at apply time (`kubectl -n`, the context): in the system namespace (`kuma-system` by default) its role is system, elsewhere producer, consumer or workload-owner, and only then does Kuma reject a policy that mixes `to` and `from` or producer and consumer items, or a top-level MeshGateway / MeshHTTPRoute (SPEC-policies.md a.4, a.5). We do not know which namespace it will be and do not fail a file that is right in the system namespace. (The oracle applies documents without a namespace to `default`.)',
    missedRejection: (c) =>
      c.form === 'kubernetes' &&
      isPolicy(c.kind) &&
      noMetadataNamespace(c) &&
      c.kuma.violations.length > 0 &&
      c.kuma.violations.every((v) => roleViolation(c, v)),
  },
  {
    id: 'kubernetes-zero-value-round-trip',
    reason:
      'A required key missing from a Kubernetes policy (`targetRef: {}`, a Zipkin backend without `url`, a requestRate without `interval`): Kuma\'s mutating webhook, which runs before the API server\'s schema validation, decodes the policy into Kuma\'s Go types and writes it back, so the key comes back with its zero value (`kind: ""`, `url: ""`, `interval: 0s`) and Kuma rejects that value (`Unsupported value: ""`, `must not be empty`, `must be greater than: 50ms`) where we report the missing key: same path, same cause.',
    violation: (c, v) =>
      c.form === 'kubernetes' &&
      isPolicy(c.kind) &&
      c.ours.some(
        (d) =>
          d.severity === 'error' &&
          d.code === 'schema-missing-required' &&
          normalizePath(d.path) === violationField(v) &&
          normalizePath(d.path).endsWith(`.${/Missing required key "([^"]+)"/.exec(d.message)?.[1] ?? '\u0000'}`),
      ),
  },
  {
    id: 'template-error-position',
    reason:
      "A HostnameGenerator template that fails to render with Kuma's stub values: we give text/template's execution error without the column of the failing node and without the Go type of the data (`template: :1: executing \"\" at <.Unknown>: can't evaluate field Unknown` where Kuma says `template: :1:3: executing … in type struct { Name string; … }`); the path and the cause are the same.",
    violation: (c, v) =>
      c.kind === 'HostnameGenerator' &&
      /^couldn't render template with stub values: template: :\d+:\d+: executing/.test(v.message) &&
      c.ours.some(
        (d) =>
          d.severity === 'error' &&
          d.path === 'spec.template' &&
          d.message.startsWith("couldn't render template with stub values: template: :"),
      ),
  },
  {
    id: 'long-values-clipped',
    reason:
      'Our messages quote at most about 100 characters of a value (`"xxxx… (254 characters) …xxxx"`), so that a 1 MB name does not make a 1 MB message; Kuma quotes the whole value. Same path, same rule.',
    violation: (c, v) =>
      v.message.length > 200 &&
      c.ours.some((d) => d.severity === 'error' && / \(\d+ characters\) /.test(d.message) && normalizePath(d.path) === violationField(v)),
  },
  {
    id: 'universal-2.9-mesh-default',
    reason:
      "Kuma 2.9's Universal API has no defaulting stage, so a mesh-scoped document without `mesh` reaches ValidateMeta with an empty mesh ('mesh: cannot be empty'); 2.13 and later default it to `default`. Whether kumactl 2.9 fills in the mesh before it sends the document is decided in app/kumactl, which the source pack does not hold, so we keep treating a missing mesh as `default` at 2.9 too rather than fail every such file. To be settled with a kumactl 2.9 binary.",
    missedRejection: (c) =>
      c.form === 'universal' &&
      c.version === '2.9' &&
      c.kuma.violations.length > 0 &&
      c.kuma.violations.every((v) => v.field === 'mesh' && v.message === 'cannot be empty') &&
      !/^mesh:/m.test(c.text),
  },
  {
    id: 'templated-yaml',
    reason:
      'A document with template syntax (`{{ … }}`, e.g. Helm) is checked only once rendered: we give one templated-yaml note and nothing else, while Kuma reads the braces as text.',
    missedRejection: (c) => has(c, 'templated-yaml'),
    falseError: (c) => has(c, 'templated-yaml'),
  },
  {
    id: 'system-namespace-only',
    reason:
      "Kuma's webhook rejects a MeshExternalService or HostnameGenerator outside the control plane's system namespace. Which namespace that is depends on the installation (kuma-system is only the default), and without `metadata.namespace` the namespace is chosen at apply time (`kubectl -n`, the context): we warn (system-namespace-only) when the file names another namespace, rather than fail a file that is right for another installation. (The oracle applies documents without a namespace to `default`.)",
    violation: (c, v) =>
      c.form === 'kubernetes' &&
      /can be created only in the system namespace/.test(v.message) &&
      (has(c, 'system-namespace-only') || noNamespace(c)),
    missedRejection: (c) =>
      c.form === 'kubernetes' &&
      (has(c, 'system-namespace-only') || noNamespace(c)) &&
      kumaSays(c, /can be created only in the system namespace/) &&
      c.kuma.violations.every((v) => /can be created only in the system namespace/.test(v.message)),
  },
];

/** Every entry with its reason and how often the run used it, for docs/fidelity.md. */
export function allowListReport(usage: string[]): string[] {
  const count = (id: string) => {
    const parts: string[] = [];
    for (const u of usage) {
      const m = /^(\S+)(?: \((message|conversion)\))?: (\d+)$/.exec(u);
      if (!m || m[1] !== id) continue;
      parts.push(`${m[3]} ${m[2] === 'message' ? 'violations' : m[2] === 'conversion' ? 'MeshServices' : 'documents'}`);
    }
    return parts.join(', ') || 'not used in this run';
  };
  return [...ALLOW_LIST, ...CONVERSION_ALLOW_LIST].map((e) => `- **${e.id}** (${count(e.id)}): ${e.reason}`);
}

export function allowedFalseError(c: Case): AllowEntry | undefined {
  return ALLOW_LIST.find((e) => e.falseError?.(c));
}
export function allowedMissedRejection(c: Case): AllowEntry | undefined {
  return ALLOW_LIST.find((e) => e.missedRejection?.(c));
}
export function allowedViolation(c: Case, v: { field: string; message: string }): AllowEntry | undefined {
  return ALLOW_LIST.find((e) => e.violation?.(c, v));
}
export { onlyCodes };

/** A conversion compared with Kuma's generator. */
export interface ConversionCase {
  name: string;
  version: string;
  input: string;
  workspace: string | undefined;
  /** What our CLI printed: the documents and, on standard error, its notes. */
  notes: string;
}

export interface ConversionAllowEntry {
  id: string;
  reason: string;
  applies: (c: ConversionCase, meshService: string) => boolean;
}

export const CONVERSION_ALLOW_LIST: ConversionAllowEntry[] = [
  {
    id: 'workspace-lacks-cluster-objects',
    reason:
      "The workspace does not hold the Service's Namespace (or Mesh): Kuma's controller, in a cluster without it, makes nothing; we cannot tell an object that is missing from the cluster from one that is only missing from the files, so we convert as if it were there and say so in a note (`Namespace shop is not in the workspace: this assumes it exists…`).",
    applies: (c) => /(Namespace|Mesh) \S+ is not in the workspace: /.test(c.notes),
  },
];

export function allowedConversion(c: ConversionCase, meshService: string): ConversionAllowEntry | undefined {
  return CONVERSION_ALLOW_LIST.find((e) => e.applies(c, meshService));
}
