/**
 * Kuma versions this tool knows, and the facts that differ between them: the version table.
 * Source: ../shared/kuma/SPEC.md sections 2 to 9 (read from the Kuma source at each tag).
 *
 * Every fact that depends on the Kuma version lives here, once, as a named field of a row of
 * `KUMA_FACTS`; the rest of the code asks `kumaFacts(version)` and never compares version labels
 * (test/unit/versionTable.test.ts checks both).
 */

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
}

const SUPPORTED_2X = ['grpc', 'http', 'http2', 'kafka', 'tcp'];
const SUPPORTED_3 = ['grpc', 'http', 'http2', 'tcp'];

/** The version table: one row per version. */
export const KUMA_FACTS: Record<KumaVersion, KumaFacts> = {
  '2.9': {
    tag: '2.9.19',
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
