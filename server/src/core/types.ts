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

export type KumaKind = 'MeshService' | 'MeshExternalService' | 'MeshMultiZoneService' | 'HostnameGenerator' | 'Dataplane';
export const KUMA_KINDS: readonly KumaKind[] = [
  'MeshService',
  'MeshExternalService',
  'MeshMultiZoneService',
  'HostnameGenerator',
  'Dataplane',
];

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
