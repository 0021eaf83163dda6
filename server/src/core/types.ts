import type { DiagnosticCode, Severity } from './diagnostics/codes';

/** A half-open range of character offsets into a text. */
export interface OffsetRange {
  start: number;
  end: number;
}

/** Extra data a diagnostic carries for quick fixes and tools. */
export interface DiagnosticData {
  /** The field path in Kuma's notation, e.g. `spec.ports[0].appProtocol`. */
  path: string;
  allowedValues?: (string | number)[];
  [key: string]: unknown;
}

/** One problem, with offsets into the text it was computed for. */
export interface KumaDiagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  range: OffsetRange;
  data: DiagnosticData;
  /** Index of the YAML document in the file (documents with content only, from 0). */
  document: number;
  /** Other places involved; `uri` is set when the place is in another file. */
  related?: { message: string; range: OffsetRange; uri?: string }[];
}

/** The Kuma resources this tool has checked from the start (SPEC.md). */
export type ResourceKind = 'MeshService' | 'MeshExternalService' | 'MeshMultiZoneService' | 'HostnameGenerator' | 'Dataplane';
export const RESOURCE_KINDS: readonly ResourceKind[] = [
  'MeshService',
  'MeshExternalService',
  'MeshMultiZoneService',
  'HostnameGenerator',
  'Dataplane',
];

/** Kuma's targetRef policies (SPEC-policies.md a.1); which ones a version has is in the version table. */
export type PolicyKind =
  | 'MeshAccessLog'
  | 'MeshCircuitBreaker'
  | 'MeshFaultInjection'
  | 'MeshHealthCheck'
  | 'MeshHTTPRoute'
  | 'MeshLoadBalancingStrategy'
  | 'MeshMetric'
  | 'MeshPassthrough'
  | 'MeshProxyPatch'
  | 'MeshRateLimit'
  | 'MeshRetry'
  | 'MeshTCPRoute'
  | 'MeshTimeout'
  | 'MeshTLS'
  | 'MeshTrace'
  | 'MeshTrafficPermission';
export const POLICY_KINDS: readonly PolicyKind[] = [
  'MeshAccessLog',
  'MeshCircuitBreaker',
  'MeshFaultInjection',
  'MeshHealthCheck',
  'MeshHTTPRoute',
  'MeshLoadBalancingStrategy',
  'MeshMetric',
  'MeshPassthrough',
  'MeshProxyPatch',
  'MeshRateLimit',
  'MeshRetry',
  'MeshTCPRoute',
  'MeshTimeout',
  'MeshTLS',
  'MeshTrace',
  'MeshTrafficPermission',
];

export type KumaKind = ResourceKind | PolicyKind;
export const KUMA_KINDS: readonly KumaKind[] = [...RESOURCE_KINDS, ...POLICY_KINDS];

const POLICY_SET: ReadonlySet<string> = new Set(POLICY_KINDS);
export function isPolicyKind(kind: string): kind is PolicyKind {
  return POLICY_SET.has(kind);
}

export type KubernetesKind =
  'Service' | 'Namespace' | 'Pod' | 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'ReplicaSet' | 'Job' | 'CronJob' | 'EndpointSlice';

export type Form = 'kubernetes' | 'universal';

/** What a YAML document is, as far as this tool cares. */
export type Classification =
  | { role: 'kuma'; kind: KumaKind; form: Form }
  | { role: 'kubernetes'; kind: KubernetesKind }
  /** A Kuma `Mesh` (not checked here; conversions need to know which meshes exist). */
  | { role: 'mesh'; form: Form }
  | { role: 'other' };
