/**
 * Kuma versions this tool knows, and the facts that differ between them: the version table.
 * Source: ../shared/kuma/SPEC.md sections 2 to 9 (read from the Kuma source at each tag).
 *
 * Every fact that depends on the Kuma version lives here, once, as a named field of a row of
 * `KUMA_FACTS`; the rest of the code asks `kumaFacts(version)` and never compares version labels
 * (test/unit/versionTable.test.ts checks both).
 */

import type { PolicyKind } from '../types';

export const KUMA_VERSIONS = ['2.9', '2.13', '2.14', '3.0'] as const;
export type KumaVersion = (typeof KUMA_VERSIONS)[number];
export const DEFAULT_KUMA_VERSION: KumaVersion = '2.14';
/** The version `convert migrate-3.0` rewrites manifests for. */
export const MIGRATION_TARGET: KumaVersion = '3.0';
/**
 * The version whose meaning a migration to MIGRATION_TARGET keeps: what a selector selected, read
 * with the last 2.x rules (tags on inbounds), whatever version a file is checked against.
 */
export const MIGRATION_SOURCE: KumaVersion = '2.14';
/**
 * A version whose workload inbounds are named by their container ports. A Kubernetes Service's
 * targetPort names a container port directly in every version, so its targets are listed as here.
 */
export const CONTAINER_PORT_NAMING: KumaVersion = '3.0';

/** The MeshService selector kinds (`spec.selector.<key>`). */
export type SelectorKey = 'dataplaneRef' | 'dataplaneTags' | 'dataplaneLabels';
/** The order in which Kuma's `match.go` picks the selector when several are present. */
export const SELECTOR_PRECEDENCE: readonly SelectorKey[] = ['dataplaneRef', 'dataplaneTags', 'dataplaneLabels'];

/** What one Kuma version does, fact by fact. */
export interface KumaFacts {
  /** The Kuma tag whose schemas and rules the version label stands for. */
  tag: string;
  protocols: {
    /** `SupportedProtocols`, in Kuma's order (SPEC.md section 3). */
    supported: readonly string[];
    /** Protocols `ParseProtocol` knows: the supported ones plus tls (all) and mysql (2.10+). */
    parsable: readonly string[];
    /** MeshService `appProtocol` must be supported (3.0); 2.x accepts anything and treats an unknown value as TCP. */
    meshServiceAppProtocolValidated: boolean;
    /** The MeshMultiZoneService validator checks its ports: appProtocol supported, name not empty (2.10+). */
    multizonePortChecks: boolean;
  };
  /** MeshService `spec.selector` (SPEC.md section 6). */
  selector: {
    /** The selector kinds the version knows, in the order of Kuma's messages. */
    keys: readonly SelectorKey[];
    /** Kinds the control plane drops silently (`dataplaneTags` in 3.0). */
    removed: readonly SelectorKey[];
    /** More than one known kind: rejected with Kuma's message, or accepted with the first (by precedence) winning. */
    multiple: { rejected: string } | 'first-wins';
    /** The no-selector warning: the 2.x one, or the 3.0 one that also says dataplaneTags was removed. */
    missingMessage: 'set-one-of' | 'dataplane-tags-removed';
  };
  /**
   * Display names of MeshService, MeshExternalService and MeshMultiZoneService (SPEC.md 1.3, 4, 5):
   * a 63-character limit only (2.9), the limit plus a deprecation warning for non-RFC 1035 names
   * (2.10 to 2.14), or an RFC 1035 error (3.0).
   */
  nameRule: 'length-limit' | 'rfc1035-deprecated' | 'rfc1035-required';
  /** Port section names must be RFC 1123 labels for SNI: a deprecation warning (2.14+). */
  sniDeprecation: boolean;
  /**
   * MeshService / MeshMultiZoneService ports are Go uint32 values with no schema minimum: a
   * negative port fails to decode, with Kuma's message (2.9; later versions' schemas bound them).
   */
  unsignedPortsRejectNegative: boolean;
  /** Universal Dataplane inbounds (SPEC.md 4.5). */
  dataplane: {
    /** Inbounds have `name` and `protocol` fields (2.14+). */
    inboundProtocolField: boolean;
    /**
     * Inbound `tags`: `kuma.io/service` required on every inbound (2.9, 2.13), required only when
     * an inbound has tags (2.14), or tags removed, `kuma.io/protocol` tags included (3.0).
     */
    inboundTags: 'service-required' | 'service-required-with-tags' | 'removed';
    /** Dataplanes carry a `kuma.io/workload` label, which MeshServices select and are generated from (3.0). */
    workloadLabel: boolean;
    /** A Dataplane without a gateway must have at least one inbound (2.9, 2.13). */
    requiresInboundOrGateway: boolean;
    /** Outbounds must name their target with `backendRef` (3.0). */
    outboundBackendRefRequired: boolean;
  };
  /**
   * What the version does with constructs Kuma 3.0 removes or rejects (SPEC-policies.md f): `hint`
   * says so ahead of the upgrade (2.x, the `upgrade-3.0-*` codes at hint severity), `enforced` is
   * the version that removed them (3.0: reported as errors or warnings, as Kuma treats them).
   */
  upgradeLint: 'hint' | 'enforced';
  /** The Mesh has `meshServices` (`mode`): 2.x; 3.0 drops the field silently (always the former Exclusive). */
  meshServicesField: boolean;
  /** Dataplane `networking.transparentProxying.reachableServices` exists (2.x); 3.0 drops it silently. */
  reachableServicesField: boolean;
  /** How the inbounds Kuma makes for a Kubernetes workload are named: by the container port (2.10+) or by the Service port (2.9). */
  workloadInboundNames: 'container-port' | 'service-port';
  hostnameGenerator: {
    /** The template is rendered with stub values and must give a DNS name (2.14+). */
    renderCheck: boolean;
    /** `spec.extension.type` must not be empty (2.10+). */
    extensionTypeRequired: boolean;
  };
  /** MeshExternalService TLS data sources are checked even with an extension (3.0). */
  externalServiceTlsDataSources: boolean;
  /** MeshExternalService inline certificates must be base64 (the 2.x CRDs' `format: byte`). */
  externalServiceInlineBase64: boolean;
  /** A Universal MeshExternalService needs `match.protocol`: the 2.9 API has no defaulting stage. */
  externalServiceUniversalProtocolRequired: boolean;
  /** On Kubernetes the 63-character limit applies to the core name `<name>.<namespace>` (2.9). */
  kubernetesCoreNameLength: boolean;
  /** Kuma's MeshService generators (SPEC.md sections 8 and 9), as the conversions follow them. */
  generator: {
    /** The selector a generated MeshService gets: dataplaneTags, dataplaneTags unless inbound tags are disabled (2.14), or dataplaneLabels. */
    selector: 'dataplaneTags' | 'dataplaneTags-by-default' | 'dataplaneLabels';
    /**
     * The Services Kuma's controller generates nothing for: the `kuma.io/ignore` annotation and a
     * first Pod endpoint that is a delegated gateway (2.13+, Kuma's v2.13.10 controller as the
     * oracle runs it), zone ingress/egress Services by their label (2.14+).
     */
    serviceExclusions: { ignoreAnnotation: boolean; delegatedGateway: boolean; zoneProxyLabel: boolean };
    /** The `kuma.io/mesh` annotation (object and namespace) still names the mesh (2.x). */
    meshAnnotation: boolean;
    /** The Mesh's `meshServices.mode` gates generation, Disabled by default (2.x); 3.0 always generates. */
    meshServicesMode: boolean;
    /** A headless endpoint without `targetRef.namespace` falls back to the Service namespace (3.0). */
    endpointNamespaceFallback: boolean;
    /**
     * Universal: one MeshService per `kuma.io/service` inbound tag, its name checked against
     * `NameCharacterSet` (2.9, 2.13) or as an RFC 1035 label (2.14); or one per `kuma.io/workload` label (3.0).
     */
    universalSource: 'service-tag' | 'service-tag-rfc1035' | 'workload-label';
    /** Where a Universal port's appProtocol comes from: the protocol tag verbatim, the field then the tag, or the field. */
    universalProtocol: 'tag' | 'field-then-tag' | 'field';
  };
  /** targetRef policies (SPEC-policies.md): sections, targetRef checks, allowed kinds, roles, deprecations. */
  policies: PolicyFacts;
}

const SUPPORTED_2X = ['grpc', 'http', 'http2', 'kafka', 'tcp'];
const SUPPORTED_3 = ['grpc', 'http', 'http2', 'tcp'];

// ---------------------------------------------------------------------------------------------
// targetRef policies (../shared/kuma/SPEC-policies.md): sections, ValidateTargetRef, allowed kinds
// per policy, place and role, role computation, deprecations.

/** The kinds a targetRef can name (SPEC-policies.md b.1). */
export type TargetRefKind =
  | 'Mesh'
  | 'MeshSubset'
  | 'MeshGateway'
  | 'MeshService'
  | 'MeshServiceSubset'
  | 'MeshExternalService'
  | 'MeshMultiZoneService'
  | 'MeshHTTPRoute'
  | 'Dataplane';
/** The spec sections of a policy besides the top-level `targetRef` (SPEC-policies.md a.1). */
export type PolicySection = 'to' | 'from' | 'rules' | 'default';

/** What `validate()` of one policy accepts (SPEC-policies.md d.1 to d.3). */
export interface PolicyKindRules {
  /** Top-level `targetRef` kinds for the System role (Universal, system namespace) and the other roles. */
  top: { system: readonly TargetRefKind[]; other: readonly TargetRefKind[] };
  /** `IsInboundPolicy` is passed for the top-level targetRef: `kind: Dataplane` may have a sectionName when the policy affects inbounds (c.3). */
  inbound: boolean;
  /** `GatewayListenerTagsAllowed` of the top-level targetRef (c.4): `tags` on `kind: MeshGateway`. */
  gatewayTags: boolean;
  to?: {
    kinds: readonly TargetRefKind[];
    /** Another list when the top-level kind is one of these. */
    byTop?: Partial<Record<TargetRefKind, readonly TargetRefKind[]>>;
    /** `spec.to` only when the top-level scope includes gateways, else `must not be defined` (MeshFaultInjection, MeshRateLimit). */
    gatewayScopeOnly?: boolean;
    /** The extra MeshExternalService violation when the top-level kind is not Mesh (2.9 / 2.13 MeshCircuitBreaker, MeshHealthCheck; 2.x MeshLoadBalancingStrategy). */
    externalServiceMeshOnly?: boolean;
    /** MeshLoadBalancingStrategy: with a top-level MeshGateway and `default.loadBalancer`, only Mesh, with its own message. */
    loadBalancerMeshOnly?: boolean;
    /** An empty `spec.to` is `needs at least one item`. */
    required?: boolean;
  };
  from?: {
    kinds: readonly TargetRefKind[];
    /** `spec.from` is refused when the top-level scope includes gateways, or when the top-level kind is MeshGateway or MeshHTTPRoute. */
    forbidden?: { when: 'gateway-scope' | 'gateway-or-route-top'; message: string };
    /** An empty `spec.from` is `needs at least one item`. */
    required?: boolean;
  };
  /** `spec.rules`: `must not be defined` when the top-level scope includes gateways (MeshRateLimit). */
  rulesOutsideGatewayScope?: boolean;
  /** Route backendRefs (`spec.to[i].rules[j].default.backendRefs[k]`); `required`: empty is `must be defined`. */
  backendRefs?: { kinds: readonly TargetRefKind[]; required: boolean };
  /** MeshHTTPRoute `requestMirror.backendRef` kinds. */
  requestMirror?: readonly TargetRefKind[];
  /** MeshHTTPRoute `spec.to[i].hostnames`: only with a top-level MeshGateway (2.x), never (3.0). */
  hostnames?: 'gateway-only' | 'never';
  /**
   * MeshHTTPRoute gateway-only settings: `urlRewrite.hostToBackendHostname: true` without a top-level
   * MeshGateway (Kuma's message), and empty backendRefs under a MeshGateway without a RequestRedirect filter.
   */
  gatewayRoute?: { hostToBackendHostname: string; backendRefsUnderGateway: boolean };
  /** `spec`: at least one of these sections must be non-empty, with Kuma's message. */
  atLeastOne?: { of: readonly PolicySection[]; message: string };
  /** `spec`: these sections must be empty when `rules` is non-empty, with Kuma's message. */
  rulesExclusive?: { of: readonly PolicySection[]; message: string };
}

/** How one version's `ValidateTargetRef` words and decides (SPEC-policies.md c.2). */
export interface TargetRefFacts {
  /** `value '<Kind>' is not supported` (2.13+) rather than `value is not supported` (2.9). */
  unsupportedKindNamed: boolean;
  /** A required field: `must be set with kind <Kind>` (2.9, 2.13) or `must be set when kind is <Kind>` (2.14+). */
  requiredPhrase: 'with' | 'when';
  /** Neither name nor labels on MeshService / MeshHTTPRoute / MeshExternalService: `name` is required (2.9, 2.13), or one violation at the targetRef (2.14). */
  nameOrLabels: 'name-required' | 'at-target-ref';
  /** Labels are the only selector: `name`, `namespace`, `tags`, `mesh`, `proxyTypes` are gone (3.0). */
  labelsOnly: boolean;
  /** `proxyTypes: []` on Mesh / MeshSubset is rejected (2.13+; 2.9 leaves it to the schema's minItems). */
  emptyProxyTypes: boolean;
  /** MeshService and MeshHTTPRoute share one case: sectionName allowed on both, but not with labels (2.9). */
  sharedServiceRouteCase: boolean;
  /** MeshServiceSubset / MeshGateway tags are checked as a selector (`*` and `/` allowed in values; 2.13+). */
  selectorTagValues: boolean;
  /**
   * The kinds the schema's enum lists at each place (the schema stage refuses the others before any
   * Go validator runs, with its own message): one enum for every place (2.x), one per place (3.0).
   */
  schemaKinds: Record<'top' | 'to' | 'from' | 'backendRef', readonly TargetRefKind[]>;
  /** The schema requires `kind` (2.13+): a missing kind is the schema's error, not `must be defined`. */
  kindRequiredBySchema: boolean;
  /** The top-level scope includes gateways: Mesh / MeshSubset by their `proxyTypes` (2.x), or Mesh always (3.0). */
  gatewayScope: 'proxy-types' | 'mesh-always';
}

/** `ComputePolicyRole` (SPEC-policies.md a.4). */
export interface PolicyRoleFacts {
  /** `to[]` targetRef kinds that can make a producer item. */
  producerKinds: readonly TargetRefKind[];
  /** A producer item names its target (2.x: `name`, namespace empty or the policy's) or selects it by `kuma.io/display-name` (+ `k8s.kuma.io/namespace`) labels only (3.0). */
  producerSelector: 'name' | 'labels';
}

/** Kuma's `Deprecations()` warnings about targetRefs and sections (SPEC-policies.md d.5). */
export interface PolicyDeprecationFacts {
  /** Top-level kinds that are deprecated, with Kuma's warning. */
  topLevel: Partial<Record<TargetRefKind, string>>;
  /** Policies that do not call `TopLevelTargetRefDeprecations`. */
  topLevelExempt: readonly PolicyKind[];
  /** A non-empty `from`, per policy. */
  from: Partial<Record<PolicyKind, string>>;
  /** MeshTrafficPermission `from[].targetRef.kind: MeshService` (2.x), or false. */
  trafficPermissionFromService: string | false;
}

/** `ValidateMatch` of `rules[].matches` and the MeshTrafficPermission allow / deny lists (SPEC-policies.md d.4). */
export interface PolicyMatchFacts {
  /** Policies whose matches Kuma checks. */
  validated: readonly PolicyKind[];
  /** The SPIFFE parser's error follows `must be a valid Spiffe ID: ` (2.14+); 2.13 says only `must be a valid Spiffe ID`. */
  spiffeErrorDetail: boolean;
  /** `sni` matches exist and are checked (2.14+). */
  sni: boolean;
  /** Policies whose matches need `spiffeID` or `sni`, check `spiffeID.type`, and refuse source-independent fields with a spiffeID (2.14+). */
  sourceConditioned: readonly PolicyKind[];
}

export interface PolicyFacts {
  /** Spec sections of each policy kind besides `targetRef` (SPEC-policies.md a.1). */
  sections: Record<PolicyKind, readonly PolicySection[]>;
  targetRef: TargetRefFacts;
  kinds: Record<PolicyKind, PolicyKindRules>;
  role: PolicyRoleFacts;
  deprecations: PolicyDeprecationFacts;
  matches: PolicyMatchFacts;
  webhook: PolicyWebhookFacts;
  /** Universal: the schema stage applies the schema's defaults (2.13+, `defaulting.Default` in `rest.UnmarshalCore`): a `mesh: null` becomes `default`, a missing MeshPassthrough `protocol` `tcp`. */
  universalSchemaDefaults: boolean;
}

/**
 * Kuma's mutating webhook on Kubernetes (`DefaultingWebhookFor`): it decodes a policy into its Go type
 * and writes it back before the API server checks the CRD's schema (SPEC-policies.md vs the oracle, note 1).
 */
export interface PolicyWebhookFacts {
  /** Schema paths (`[]` for any item) whose empty list the round trip drops (`omitempty`), so the schema's minItems never sees it. */
  dropsEmpty: readonly string[];
  /** Per policy, schema paths of a required key the round trip writes back with a zero value Kuma accepts (no `omitempty`). */
  writesBack: Partial<Record<PolicyKind, readonly string[]>>;
  /** The `kuma.io/origin` label is overwritten (3.0), so a wrong origin is never seen. */
  overwritesOrigin: boolean;
  /** A targetRef or backendRef `kind: ""` is dropped (`omitempty`, 2.9): the schema's enum passes and `must be defined` answers. */
  dropsEmptyKind: boolean;
}

const ROUTE_RULE_DEFAULT = 'spec.to[].rules[].default';
const WEBHOOK_2X = (v29: boolean): PolicyWebhookFacts => ({
  dropsEmpty: v29 ? ['spec.targetRef.proxyTypes'] : [],
  writesBack: { MeshHTTPRoute: [ROUTE_RULE_DEFAULT], ...(v29 ? {} : { MeshFaultInjection: ['spec.rules[].default'] }) },
  overwritesOrigin: false,
  dropsEmptyKind: v29,
});

const M = 'Mesh';
const SUB = 'MeshSubset';
const GW = 'MeshGateway';
const MS = 'MeshService';
const MSS = 'MeshServiceSubset';
const MES = 'MeshExternalService';
const MZS = 'MeshMultiZoneService';
const MHR = 'MeshHTTPRoute';
const DP = 'Dataplane';

const TO_FROM = ['to', 'from'] as const;
const SECTIONS_29: Record<PolicyKind, readonly PolicySection[]> = {
  MeshAccessLog: TO_FROM,
  MeshCircuitBreaker: TO_FROM,
  MeshFaultInjection: TO_FROM,
  MeshHealthCheck: ['to'],
  MeshHTTPRoute: ['to'],
  MeshLoadBalancingStrategy: ['to'],
  MeshMetric: ['default'],
  MeshPassthrough: ['default'],
  MeshProxyPatch: ['default'],
  MeshRateLimit: TO_FROM,
  MeshRetry: ['to'],
  MeshTCPRoute: ['to'],
  MeshTimeout: TO_FROM,
  MeshTLS: ['from'],
  MeshTrace: ['default'],
  MeshTrafficPermission: ['from'],
};
/** `rules` appears at 2.10 next to every `from`; HEAD drops `from`. */
const withRules = (s: Record<PolicyKind, readonly PolicySection[]>, dropFrom: boolean): Record<PolicyKind, readonly PolicySection[]> =>
  Object.fromEntries(
    Object.entries(s).map(([k, v]) => [k, v.includes('from') ? [...v.filter((x) => !dropFrom || x !== 'from'), 'rules'] : v]),
  ) as Record<PolicyKind, readonly PolicySection[]>;

const MES_MESH_ONLY = true;
const ALL_ROLES = (kinds: readonly TargetRefKind[]) => ({ system: kinds, other: kinds });
const AT_LEAST_29 = { of: ['from', 'to'] as const, message: "at least one of 'from', 'to' has to be defined" };
const AT_LEAST_2X = { of: ['from', 'to', 'rules'] as const, message: "at least one of 'from', 'to' or 'rules' has to be defined" };
const AT_LEAST_3 = { of: ['to', 'rules'] as const, message: "at least one of 'to' or 'rules' has to be defined" };
const RULES_NOT_TO_FROM = { of: ['to', 'from'] as const, message: "fields 'to' and 'from' must be empty when 'rules' is defined" };
const RULES_NOT_FROM = { of: ['from'] as const, message: "field 'from' must be empty when 'rules' is defined" };
const FROM_GATEWAY_2X =
  'must not be defined when the scope includes a Gateway, select only proxyType Sidecar or select only gateways and use spec.to';

const KINDS_29: Record<PolicyKind, PolicyKindRules> = {
  MeshAccessLog: {
    top: ALL_ROLES([M, SUB, GW, MS, MSS]),
    inbound: false,
    gatewayTags: true,
    to: { kinds: [M, MS, MES, MZS], byTop: { MeshGateway: [M] } },
    from: { kinds: [M] },
    atLeastOne: AT_LEAST_29,
  },
  MeshCircuitBreaker: {
    top: ALL_ROLES([M, SUB, MS, GW, MSS]),
    inbound: false,
    gatewayTags: true,
    to: { kinds: [M, MS, MZS], externalServiceMeshOnly: MES_MESH_ONLY },
    from: { kinds: [M] },
    atLeastOne: AT_LEAST_29,
  },
  MeshFaultInjection: {
    top: { system: [M, SUB, GW, MS, MSS], other: [M, SUB, MS, MSS] },
    inbound: false,
    gatewayTags: true,
    to: { kinds: [M], gatewayScopeOnly: true },
    from: { kinds: [M, SUB, MSS, MS], forbidden: { when: 'gateway-scope', message: 'must not be defined' } },
  },
  MeshHealthCheck: {
    top: ALL_ROLES([M, SUB, GW, MS, MSS]),
    inbound: false,
    gatewayTags: true,
    to: { kinds: [M, MS, MZS], externalServiceMeshOnly: MES_MESH_ONLY },
  },
  MeshHTTPRoute: {
    top: { system: [M, GW, SUB, MS, MSS], other: [M, SUB, MS, MSS] },
    inbound: false,
    gatewayTags: true,
    to: { kinds: [MS, MES, MZS], byTop: { MeshGateway: [M] } },
    backendRefs: { kinds: [MS, MSS, MES, MZS], required: false },
    requestMirror: [MS, MSS],
    hostnames: 'gateway-only',
    gatewayRoute: { hostToBackendHostname: 'can only be set with MeshGateway', backendRefsUnderGateway: true },
  },
  MeshLoadBalancingStrategy: {
    top: ALL_ROLES([M, SUB, GW, MS, MSS]),
    inbound: false,
    gatewayTags: true,
    to: { kinds: [M, MS, MZS], loadBalancerMeshOnly: true, externalServiceMeshOnly: MES_MESH_ONLY, required: true },
  },
  MeshMetric: { top: { system: [M, SUB, MS, MSS, GW], other: [M, SUB, MS, MSS] }, inbound: false, gatewayTags: true },
  MeshPassthrough: { top: ALL_ROLES([M, SUB]), inbound: false, gatewayTags: true },
  MeshProxyPatch: { top: { system: [M, SUB, MS, MSS, GW], other: [M, SUB, MS, MSS] }, inbound: false, gatewayTags: false },
  MeshRateLimit: {
    top: { system: [M, SUB, GW, MS, MSS, MHR], other: [M, SUB, MS, MSS] },
    inbound: false,
    gatewayTags: true,
    to: { kinds: [M], gatewayScopeOnly: true },
    from: { kinds: [M], forbidden: { when: 'gateway-scope', message: 'must not be defined' } },
  },
  MeshRetry: {
    top: { system: [M, SUB, GW, MS, MSS, MHR], other: [M, SUB, MS, MSS] },
    inbound: false,
    gatewayTags: true,
    to: { kinds: [M, MS, MES, MZS], byTop: { MeshGateway: [M, MES], MeshHTTPRoute: [M, MES] }, required: true },
  },
  MeshTCPRoute: {
    top: { system: [M, SUB, GW, MS, MSS], other: [M, SUB, MS, MSS] },
    inbound: false,
    gatewayTags: true,
    to: { kinds: [MS, MES, MZS], byTop: { MeshGateway: [M] } },
    backendRefs: { kinds: [MS, MSS, MES, MZS], required: false },
  },
  MeshTimeout: {
    top: { system: [M, SUB, GW, MS, MSS, MHR], other: [M, SUB, MS, MSS] },
    inbound: false,
    gatewayTags: true,
    to: { kinds: [M, MS, MES, MZS], byTop: { MeshHTTPRoute: [M, MES], MeshGateway: [M, MES] } },
    from: { kinds: [M], forbidden: { when: 'gateway-or-route-top', message: 'must not be defined' } },
    atLeastOne: AT_LEAST_29,
  },
  MeshTLS: { top: ALL_ROLES([M, SUB]), inbound: false, gatewayTags: true, from: { kinds: [M] } },
  MeshTrace: { top: { system: [M, SUB, GW, MS, MSS], other: [M, SUB, MS, MSS] }, inbound: false, gatewayTags: false },
  MeshTrafficPermission: {
    top: ALL_ROLES([M, SUB, MS, MSS]),
    inbound: false,
    gatewayTags: true,
    from: { kinds: [M, SUB, MS, MSS], required: true },
  },
};

/** 2.13 and 2.14 (SPEC-policies.md d.2): `Dataplane` at the top, `rules`, inbound policies; `v214` marks 2.14's changes. */
function kinds2x(v214: boolean): Record<PolicyKind, PolicyKindRules> {
  const k = KINDS_29;
  const dp = (r: PolicyKindRules, extra: Partial<PolicyKindRules> = {}): PolicyKindRules => ({
    ...r,
    top: { system: [...r.top.system, DP], other: [...r.top.other, DP] },
    ...extra,
  });
  const inbound = { inbound: true };
  return {
    MeshAccessLog: dp(k.MeshAccessLog, {
      ...inbound,
      to: { kinds: [M, MS, MES, MZS, MHR], byTop: { MeshGateway: [M] } },
      atLeastOne: AT_LEAST_2X,
      rulesExclusive: RULES_NOT_TO_FROM,
    }),
    MeshCircuitBreaker: dp(k.MeshCircuitBreaker, {
      ...inbound,
      to: v214 ? { kinds: [M, MS, MES, MZS] } : { kinds: [M, MS, MZS], externalServiceMeshOnly: MES_MESH_ONLY },
      atLeastOne: AT_LEAST_2X,
      rulesExclusive: RULES_NOT_TO_FROM,
    }),
    MeshFaultInjection: dp(k.MeshFaultInjection, {
      ...inbound,
      from: { kinds: [M, SUB, MSS, MS], forbidden: { when: 'gateway-scope', message: FROM_GATEWAY_2X } },
      rulesExclusive: RULES_NOT_FROM,
    }),
    MeshHealthCheck: dp(k.MeshHealthCheck, {
      to: v214 ? { kinds: [M, MS, MES, MZS] } : { kinds: [M, MS, MZS], externalServiceMeshOnly: MES_MESH_ONLY },
    }),
    MeshHTTPRoute: dp(k.MeshHTTPRoute),
    MeshLoadBalancingStrategy: dp(k.MeshLoadBalancingStrategy, {
      to: {
        kinds: [M, MS, MZS, MHR],
        byTop: { MeshGateway: [M, MS, MZS] },
        loadBalancerMeshOnly: true,
        externalServiceMeshOnly: MES_MESH_ONLY,
        required: !v214,
      },
    }),
    MeshMetric: dp(k.MeshMetric),
    MeshPassthrough: dp(k.MeshPassthrough),
    MeshProxyPatch: dp(k.MeshProxyPatch),
    MeshRateLimit: dp(k.MeshRateLimit, {
      ...inbound,
      from: { kinds: [M], forbidden: { when: 'gateway-scope', message: FROM_GATEWAY_2X } },
      rulesOutsideGatewayScope: true,
      rulesExclusive: RULES_NOT_TO_FROM,
    }),
    MeshRetry: dp(k.MeshRetry, {
      to: { kinds: [M, MS, MES, MZS, MHR], byTop: { MeshGateway: [M, MES], MeshHTTPRoute: [M, MES] }, required: !v214 },
    }),
    MeshTCPRoute: dp(k.MeshTCPRoute, { backendRefs: { kinds: [MS, MSS, MES, MZS], required: true } }),
    MeshTimeout: dp(k.MeshTimeout, {
      ...inbound,
      to: { kinds: [M, MS, MES, MZS, MHR], byTop: { MeshHTTPRoute: [M, MES], MeshGateway: [M, MES] } },
      atLeastOne: AT_LEAST_2X,
      rulesExclusive: RULES_NOT_TO_FROM,
    }),
    MeshTLS: dp(k.MeshTLS, { ...inbound, rulesExclusive: RULES_NOT_FROM }),
    MeshTrace: dp(k.MeshTrace),
    MeshTrafficPermission: dp(k.MeshTrafficPermission, {
      ...inbound,
      from: { kinds: [M, SUB, MS, MSS] },
      atLeastOne: { of: ['from', 'rules'], message: "at least one of 'from' or 'rules' has to be defined" },
      rulesExclusive: RULES_NOT_FROM,
    }),
  };
}

const TOP_3 = ALL_ROLES([M, DP]);
const KINDS_3: Record<PolicyKind, PolicyKindRules> = {
  MeshAccessLog: {
    top: TOP_3,
    inbound: true,
    gatewayTags: true,
    to: { kinds: [M, MS, MES, MZS, MHR] },
    atLeastOne: AT_LEAST_3,
    rulesExclusive: { of: ['to'], message: "'to' must be empty when 'rules' is defined" },
  },
  MeshCircuitBreaker: { top: TOP_3, inbound: true, gatewayTags: true, to: { kinds: [M, MS, MES, MZS] }, atLeastOne: AT_LEAST_3 },
  MeshFaultInjection: { top: TOP_3, inbound: true, gatewayTags: true, to: { kinds: [M], gatewayScopeOnly: true } },
  MeshHealthCheck: { top: TOP_3, inbound: false, gatewayTags: true, to: { kinds: [M, MS, MES, MZS] } },
  MeshHTTPRoute: {
    top: TOP_3,
    inbound: false,
    gatewayTags: true,
    to: { kinds: [MS, MES, MZS] },
    backendRefs: { kinds: [MS, MES, MZS], required: false },
    requestMirror: [MS, MES, MZS],
    hostnames: 'never',
    gatewayRoute: { hostToBackendHostname: 'must not be set', backendRefsUnderGateway: false },
  },
  MeshLoadBalancingStrategy: { top: TOP_3, inbound: false, gatewayTags: true, to: { kinds: [M, MS, MES, MZS, MHR] } },
  MeshMetric: { top: TOP_3, inbound: false, gatewayTags: true },
  MeshPassthrough: { top: TOP_3, inbound: false, gatewayTags: true },
  MeshProxyPatch: { top: TOP_3, inbound: false, gatewayTags: true },
  MeshRateLimit: {
    top: TOP_3,
    inbound: true,
    gatewayTags: true,
    to: { kinds: [M], gatewayScopeOnly: true },
    rulesOutsideGatewayScope: true,
    atLeastOne: AT_LEAST_3,
    rulesExclusive: { of: ['to'], message: "field 'to' must be empty when 'rules' is defined" },
  },
  MeshRetry: { top: TOP_3, inbound: false, gatewayTags: true, to: { kinds: [M, MS, MES, MZS, MHR] } },
  MeshTCPRoute: {
    top: TOP_3,
    inbound: false,
    gatewayTags: true,
    to: { kinds: [MS, MES, MZS] },
    backendRefs: { kinds: [MS, MES, MZS], required: true },
  },
  MeshTimeout: {
    top: TOP_3,
    inbound: true,
    gatewayTags: true,
    to: { kinds: [M, MS, MES, MZS, MHR] },
    atLeastOne: AT_LEAST_3,
    rulesExclusive: { of: ['to'], message: "fields 'to' must be empty when 'rules' is defined" },
  },
  MeshTLS: { top: TOP_3, inbound: true, gatewayTags: true },
  MeshTrace: { top: TOP_3, inbound: false, gatewayTags: true },
  MeshTrafficPermission: {
    top: TOP_3,
    inbound: true,
    gatewayTags: true,
    atLeastOne: { of: ['rules'], message: 'policy must define rules' },
  },
};

const FROM_TO_RULES = "'from' field is deprecated, use 'rules' instead";
const DEPRECATED_BY_DATAPLANE = (k: string) => `${k} value for 'targetRef.kind' is deprecated, use Dataplane with labels instead`;
const DEPRECATIONS_2X = (v214: boolean): PolicyDeprecationFacts => ({
  topLevel: {
    MeshService: DEPRECATED_BY_DATAPLANE(MS),
    MeshServiceSubset: DEPRECATED_BY_DATAPLANE(MSS),
    MeshSubset: DEPRECATED_BY_DATAPLANE(SUB),
    MeshHTTPRoute: "MeshHTTPRoute value for 'targetRef.kind' is deprecated, use MeshHTTPRoute in spec.to[].targetRef",
  },
  topLevelExempt: ['MeshPassthrough'],
  from: {
    MeshAccessLog: FROM_TO_RULES,
    MeshCircuitBreaker: FROM_TO_RULES,
    MeshRateLimit: FROM_TO_RULES,
    MeshTimeout: FROM_TO_RULES,
    MeshTLS: FROM_TO_RULES,
    ...(v214
      ? {
          MeshFaultInjection: "'from' field is deprecated, use 'rules' with SPIFFE-based 'matches' instead",
          MeshTrafficPermission: "'from' field is deprecated and will be removed in 3.0, use 'rules' with MeshIdentity (spiffeId) instead",
        }
      : {}),
  },
  trafficPermissionFromService:
    "MeshService value for 'from[].targetRef.kind' is deprecated, use MeshSubset with 'kuma.io/service' instead",
});

const ENUM_29: readonly TargetRefKind[] = [M, SUB, GW, MS, MES, MZS, MSS, MHR];
const ENUM_2X: readonly TargetRefKind[] = [...ENUM_29, DP];
const TARGET_REF_2X = {
  schemaKinds: { top: ENUM_2X, to: ENUM_2X, from: ENUM_2X, backendRef: ENUM_2X },
  kindRequiredBySchema: true,
  labelsOnly: false,
  emptyProxyTypes: true,
  sharedServiceRouteCase: false,
  selectorTagValues: true,
  gatewayScope: 'proxy-types',
} as const;

const MATCHES_214: PolicyMatchFacts = {
  validated: ['MeshFaultInjection', 'MeshTrafficPermission', 'MeshAccessLog', 'MeshRateLimit', 'MeshTimeout'],
  spiffeErrorDetail: true,
  sni: true,
  sourceConditioned: ['MeshTimeout', 'MeshRateLimit'],
};

/** Each version's policy facts (a row field of `KUMA_FACTS`). */
const POLICIES: Record<KumaVersion, PolicyFacts> = {
  '2.9': {
    sections: SECTIONS_29,
    targetRef: {
      unsupportedKindNamed: false,
      requiredPhrase: 'with',
      nameOrLabels: 'name-required',
      labelsOnly: false,
      emptyProxyTypes: false,
      sharedServiceRouteCase: true,
      selectorTagValues: false,
      schemaKinds: { top: ENUM_29, to: ENUM_29, from: ENUM_29, backendRef: ENUM_29 },
      kindRequiredBySchema: false,
      gatewayScope: 'proxy-types',
    },
    kinds: KINDS_29,
    role: { producerKinds: [MS], producerSelector: 'name' },
    deprecations: {
      topLevel: { MeshService: "MeshService value for 'targetRef.kind' is deprecated, use MeshSubset with 'kuma.io/service' tag instead" },
      topLevelExempt: ['MeshPassthrough', 'MeshTLS'],
      from: {},
      trafficPermissionFromService:
        "MeshService value for 'from[].targetRef.kind' is deprecated, use MeshSubset with 'kuma.io/service' instead",
    },
    matches: { validated: [], spiffeErrorDetail: false, sni: false, sourceConditioned: [] },
    webhook: WEBHOOK_2X(true),
    universalSchemaDefaults: false,
  },
  '2.13': {
    sections: withRules(SECTIONS_29, false),
    targetRef: { ...TARGET_REF_2X, unsupportedKindNamed: true, requiredPhrase: 'with', nameOrLabels: 'name-required' },
    kinds: kinds2x(false),
    role: { producerKinds: [MS, MHR], producerSelector: 'name' },
    deprecations: DEPRECATIONS_2X(false),
    matches: { validated: ['MeshFaultInjection', 'MeshTrafficPermission'], spiffeErrorDetail: false, sni: false, sourceConditioned: [] },
    webhook: WEBHOOK_2X(false),
    universalSchemaDefaults: true,
  },
  '2.14': {
    sections: withRules(SECTIONS_29, false),
    targetRef: { ...TARGET_REF_2X, unsupportedKindNamed: true, requiredPhrase: 'when', nameOrLabels: 'at-target-ref' },
    kinds: kinds2x(true),
    role: { producerKinds: [MS, MHR], producerSelector: 'name' },
    deprecations: DEPRECATIONS_2X(true),
    matches: MATCHES_214,
    webhook: WEBHOOK_2X(false),
    universalSchemaDefaults: true,
  },
  '3.0': {
    sections: withRules(SECTIONS_29, true),
    targetRef: {
      unsupportedKindNamed: true,
      requiredPhrase: 'when',
      nameOrLabels: 'at-target-ref',
      labelsOnly: true,
      emptyProxyTypes: false,
      sharedServiceRouteCase: false,
      selectorTagValues: true,
      schemaKinds: { top: [M, DP], to: [M, MS, MES, MZS, MHR], from: [], backendRef: [M, MS, MES, MZS, MHR, DP] },
      kindRequiredBySchema: true,
      gatewayScope: 'mesh-always',
    },
    kinds: KINDS_3,
    role: { producerKinds: [MS, MHR], producerSelector: 'labels' },
    deprecations: { topLevel: {}, topLevelExempt: [], from: {}, trafficPermissionFromService: false },
    matches: MATCHES_214,
    webhook: {
      dropsEmpty: [],
      writesBack: { MeshHTTPRoute: [ROUTE_RULE_DEFAULT], MeshFaultInjection: ['spec.rules[].default'] },
      overwritesOrigin: true,
      dropsEmptyKind: false,
    },
    universalSchemaDefaults: true,
  },
};

/** The policy facts of one version. */
export function policyFacts(v: KumaVersion): PolicyFacts {
  return POLICIES[v];
}

/** The version table: one row per version. */
export const KUMA_FACTS: Record<KumaVersion, KumaFacts> = {
  '2.9': {
    tag: '2.9.19',
    policies: POLICIES['2.9'],
    protocols: {
      supported: SUPPORTED_2X,
      parsable: [...SUPPORTED_2X, 'tls'],
      meshServiceAppProtocolValidated: false,
      multizonePortChecks: false,
    },
    selector: { keys: ['dataplaneTags', 'dataplaneRef'], removed: [], multiple: 'first-wins', missingMessage: 'set-one-of' },
    nameRule: 'length-limit',
    sniDeprecation: false,
    unsignedPortsRejectNegative: true,
    dataplane: {
      inboundProtocolField: false,
      inboundTags: 'service-required',
      workloadLabel: false,
      requiresInboundOrGateway: true,
      outboundBackendRefRequired: false,
    },
    upgradeLint: 'hint',
    meshServicesField: true,
    reachableServicesField: true,
    workloadInboundNames: 'service-port',
    hostnameGenerator: { renderCheck: false, extensionTypeRequired: false },
    externalServiceTlsDataSources: false,
    externalServiceInlineBase64: true,
    externalServiceUniversalProtocolRequired: true,
    kubernetesCoreNameLength: true,
    generator: {
      selector: 'dataplaneTags',
      serviceExclusions: { ignoreAnnotation: false, delegatedGateway: false, zoneProxyLabel: false },
      meshAnnotation: true,
      meshServicesMode: true,
      endpointNamespaceFallback: false,
      universalSource: 'service-tag',
      universalProtocol: 'tag',
    },
  },
  '2.13': {
    tag: 'v2.13.10',
    policies: POLICIES['2.13'],
    protocols: {
      supported: SUPPORTED_2X,
      parsable: [...SUPPORTED_2X, 'tls', 'mysql'],
      meshServiceAppProtocolValidated: false,
      multizonePortChecks: true,
    },
    selector: { keys: ['dataplaneTags', 'dataplaneRef'], removed: [], multiple: 'first-wins', missingMessage: 'set-one-of' },
    nameRule: 'rfc1035-deprecated',
    sniDeprecation: false,
    unsignedPortsRejectNegative: false,
    dataplane: {
      inboundProtocolField: false,
      inboundTags: 'service-required',
      workloadLabel: false,
      requiresInboundOrGateway: true,
      outboundBackendRefRequired: false,
    },
    upgradeLint: 'hint',
    meshServicesField: true,
    reachableServicesField: true,
    workloadInboundNames: 'container-port',
    hostnameGenerator: { renderCheck: false, extensionTypeRequired: true },
    externalServiceTlsDataSources: false,
    externalServiceInlineBase64: true,
    externalServiceUniversalProtocolRequired: false,
    kubernetesCoreNameLength: false,
    generator: {
      selector: 'dataplaneTags',
      serviceExclusions: { ignoreAnnotation: true, delegatedGateway: true, zoneProxyLabel: false },
      meshAnnotation: true,
      meshServicesMode: true,
      endpointNamespaceFallback: false,
      universalSource: 'service-tag',
      universalProtocol: 'tag',
    },
  },
  '2.14': {
    tag: 'v2.14.3',
    policies: POLICIES['2.14'],
    protocols: {
      supported: SUPPORTED_2X,
      parsable: [...SUPPORTED_2X, 'tls', 'mysql'],
      meshServiceAppProtocolValidated: false,
      multizonePortChecks: true,
    },
    selector: {
      keys: ['dataplaneTags', 'dataplaneRef', 'dataplaneLabels'],
      removed: [],
      multiple: { rejected: 'must specify only one of: dataplaneTags, dataplaneRef, or dataplaneLabels' },
      missingMessage: 'set-one-of',
    },
    nameRule: 'rfc1035-deprecated',
    sniDeprecation: true,
    unsignedPortsRejectNegative: false,
    dataplane: {
      inboundProtocolField: true,
      inboundTags: 'service-required-with-tags',
      workloadLabel: false,
      requiresInboundOrGateway: false,
      outboundBackendRefRequired: false,
    },
    upgradeLint: 'hint',
    meshServicesField: true,
    reachableServicesField: true,
    workloadInboundNames: 'container-port',
    hostnameGenerator: { renderCheck: true, extensionTypeRequired: true },
    externalServiceTlsDataSources: false,
    externalServiceInlineBase64: true,
    externalServiceUniversalProtocolRequired: false,
    kubernetesCoreNameLength: false,
    generator: {
      selector: 'dataplaneTags-by-default',
      serviceExclusions: { ignoreAnnotation: true, delegatedGateway: true, zoneProxyLabel: true },
      meshAnnotation: true,
      meshServicesMode: true,
      endpointNamespaceFallback: false,
      universalSource: 'service-tag-rfc1035',
      universalProtocol: 'field-then-tag',
    },
  },
  '3.0': {
    tag: 'HEAD (3.0 development line)',
    policies: POLICIES['3.0'],
    protocols: {
      supported: SUPPORTED_3,
      parsable: [...SUPPORTED_3, 'tls', 'mysql'],
      meshServiceAppProtocolValidated: true,
      multizonePortChecks: true,
    },
    selector: {
      keys: ['dataplaneRef', 'dataplaneLabels'],
      removed: ['dataplaneTags'],
      multiple: { rejected: 'must specify only one of: dataplaneRef or dataplaneLabels' },
      missingMessage: 'dataplane-tags-removed',
    },
    nameRule: 'rfc1035-required',
    sniDeprecation: true,
    unsignedPortsRejectNegative: false,
    dataplane: {
      inboundProtocolField: true,
      inboundTags: 'removed',
      workloadLabel: true,
      requiresInboundOrGateway: false,
      outboundBackendRefRequired: true,
    },
    upgradeLint: 'enforced',
    meshServicesField: false,
    reachableServicesField: false,
    workloadInboundNames: 'container-port',
    hostnameGenerator: { renderCheck: true, extensionTypeRequired: true },
    externalServiceTlsDataSources: true,
    externalServiceInlineBase64: false,
    externalServiceUniversalProtocolRequired: false,
    kubernetesCoreNameLength: false,
    generator: {
      selector: 'dataplaneLabels',
      serviceExclusions: { ignoreAnnotation: true, delegatedGateway: true, zoneProxyLabel: true },
      meshAnnotation: false,
      meshServicesMode: false,
      endpointNamespaceFallback: true,
      universalSource: 'workload-label',
      universalProtocol: 'field',
    },
  },
};

/** The facts of one version. */
export function kumaFacts(v: KumaVersion): KumaFacts {
  return KUMA_FACTS[v];
}

/** Kuma tag whose schemas and rules each version label stands for. */
export const KUMA_TAGS: Record<KumaVersion, string> = Object.fromEntries(KUMA_VERSIONS.map((v) => [v, KUMA_FACTS[v].tag])) as Record<
  KumaVersion,
  string
>;

/** "2.9, 2.13, 2.14 or 3.0" (or another conjunction), for messages and usage texts. */
export function kumaVersionList(conjunction = 'or', separator = ', '): string {
  return `${KUMA_VERSIONS.slice(0, -1).join(separator)} ${conjunction} ${KUMA_VERSIONS[KUMA_VERSIONS.length - 1]}`;
}

export function isKumaVersion(v: unknown): v is KumaVersion {
  return typeof v === 'string' && (KUMA_VERSIONS as readonly string[]).includes(v);
}

/**
 * Accepts the spellings people type ("2.14", "2.14.3", "v2.14", "3", "3.0.0", "head")
 * and returns the version label, or undefined when it names no version we cover.
 * 2.10 to 2.12 share 2.13's rules for everything we check (SPEC.md section 3.1).
 */
export function normalizeKumaVersion(raw: string): KumaVersion | undefined {
  const s = raw.trim().toLowerCase().replace(/^v/, '');
  if (s === 'head' || s === 'latest' || s === '3' || s.startsWith('3.')) return '3.0';
  const m = /^2\.(\d+)(?:\.\d+)?$/.exec(s);
  if (!m) return undefined;
  const minor = Number(m[1]);
  if (minor === 9) return '2.9';
  if (minor >= 10 && minor <= 13) return '2.13';
  if (minor === 14) return '2.14';
  return undefined;
}

/** `SupportedProtocols` in Kuma's order (SPEC.md section 3). */
export function supportedProtocols(v: KumaVersion): string[] {
  return [...KUMA_FACTS[v].protocols.supported];
}

/** Protocols `ParseProtocol` knows: the supported ones plus tls (all) and mysql (2.10+). */
export function parsableProtocols(v: KumaVersion): string[] {
  return [...KUMA_FACTS[v].protocols.parsable];
}

/**
 * A file may pin its Kuma version with a comment on its first line:
 * `# kuma-version: 3.0`. Returns the pinned version text (not validated) or undefined.
 */
export function pinnedVersionText(text: string): { value: string; start: number; end: number } | undefined {
  const firstLineEnd = text.indexOf('\n');
  const line = firstLineEnd < 0 ? text : text.slice(0, firstLineEnd);
  const m = /^(\s*#\s*kuma-version\s*:\s*)(\S+)\s*$/.exec(line.replace(/\r$/, ''));
  if (!m) return undefined;
  return { value: m[2], start: m[1].length, end: m[1].length + m[2].length };
}

// ---------------------------------------------------------------------------------------------
// Policy references (branch pol-xref): how a policy's targetRefs and backendRefs resolve, and
// the kinds each place accepts, per version (SPEC-policies.md b, d and e). A block of its own,
// keyed by version like `KUMA_FACTS`, so that the per-document policy rules can grow theirs beside it.

/** The places of a policy that reference other resources (SPEC-policies.md b.1). */
export type PolicyRefPlace = 'top' | 'to' | 'from' | 'backendRef' | 'requestMirror';

export interface PolicyRefFacts {
  /** References name a resource by `name` + `namespace` (2.x), or select it by `labels` only (3.0). */
  byName: boolean;
  /**
   * A `to[]` MeshService `name` of 3 or 4 `_`-separated parts is a legacy `kuma.io/service` name that Kuma
   * rewrites to display name, namespace and port (2.x, e.2); a route backendRef MeshService without port
   * or sectionName is a legacy `kuma.io/service` reference (2.x, e.4).
   */
  legacyServiceNames: boolean;
  /**
   * What a legacy name of 3 parts (no port) picks (e.2): every port (2.13+, port 0), or the reserved
   * port 49151, so nothing (2.9); undefined where there are no legacy names.
   */
  legacyNameWithoutPort?: 'all' | 'none';
}

/** The policy-reference facts of every version. */
export const POLICY_REF_FACTS: Record<KumaVersion, PolicyRefFacts> = {
  '2.9': { byName: true, legacyServiceNames: true, legacyNameWithoutPort: 'none' },
  '2.13': { byName: true, legacyServiceNames: true, legacyNameWithoutPort: 'all' },
  '2.14': { byName: true, legacyServiceNames: true, legacyNameWithoutPort: 'all' },
  '3.0': { byName: false, legacyServiceNames: false },
};

export function policyRefFacts(v: KumaVersion): PolicyRefFacts {
  return POLICY_REF_FACTS[v];
}

/**
 * The kinds a place of a policy accepts at a version, in the common case (the variants that depend on
 * the top-level kind, e.g. `to` under a MeshGateway, are the per-document rules' business): what
 * completion offers. Read from the policy rows of the version table; empty when the place does not exist.
 */
export function policyRefKinds(v: KumaVersion, policy: PolicyKind, place: PolicyRefPlace, system: boolean): readonly string[] {
  const row = kumaFacts(v).policies.kinds[policy];
  if (!row) return [];
  switch (place) {
    case 'top':
      return system ? row.top.system : row.top.other;
    case 'to':
      // MeshExternalService is accepted under a top-level Mesh, the usual scope, with an extra check otherwise.
      return row.to ? (row.to.externalServiceMeshOnly ? [...row.to.kinds, 'MeshExternalService'] : row.to.kinds) : [];
    case 'from':
      return row.from?.kinds ?? [];
    case 'backendRef':
      return row.backendRefs?.kinds ?? [];
    case 'requestMirror':
      return row.requestMirror ?? [];
  }
}
