import type { Form } from '../types';

/**
 * The labels Kuma itself puts on a resource (SPEC.md 1.3, SPEC-policies.md e.2), which selectors
 * (policy `labels`, HostnameGenerator and MeshMultiZoneService `matchLabels`) match as much as the
 * labels written in the file.
 */
export const DISPLAY_NAME = 'kuma.io/display-name';
export const K8S_NAMESPACE = 'k8s.kuma.io/namespace';
export const MESH_LABEL = 'kuma.io/mesh';
export const ORIGIN = 'kuma.io/origin';
export const ENV = 'kuma.io/env';
export const ZONE = 'kuma.io/zone';
export const MANAGED_BY = 'kuma.io/managed-by';

export interface LabelledResource {
  kind: string;
  form: Form;
  /** The display name: `metadata.name` on Kubernetes, the `kuma.io/display-name` label or the name in Universal. */
  displayName: string;
  /** The Kubernetes namespace ('' in Universal). */
  namespace: string;
  mesh: string;
  /** The labels written in the file. */
  labels: Record<string, string>;
}

/** Kinds made on the global control plane (their origin is `global`). */
const GLOBAL_KINDS = new Set(['MeshMultiZoneService']);

/**
 * The labels a resource carries once the control plane stored it: the written ones, plus its display
 * name, namespace (Kubernetes), mesh, environment and origin (`zone` for what a zone makes, `global`
 * for MeshMultiZoneService). The zone is left out: its name is not in the workspace.
 */
export function computedLabels(r: LabelledResource): Record<string, string> {
  const out: Record<string, string> = { ...r.labels };
  out[DISPLAY_NAME] ||= r.displayName;
  if (r.form === 'kubernetes' && r.namespace) out[K8S_NAMESPACE] ||= r.namespace;
  if (r.kind !== 'HostnameGenerator') out[MESH_LABEL] ||= r.mesh;
  out[ENV] ||= r.form;
  out[ORIGIN] ||= GLOBAL_KINDS.has(r.kind) ? 'global' : 'zone';
  return out;
}

/**
 * Whether a selector that matches nothing in the workspace may still match what the workspace cannot
 * hold: resources synced from other zones or from the global control plane, or made by Kuma's
 * generators (`kuma.io/zone`, `kuma.io/origin: global`, `kuma.io/managed-by`).
 */
export function selectsBeyondWorkspace(selector: Record<string, string>, kind: string): boolean {
  if (ZONE in selector || MANAGED_BY in selector) return true;
  const origin = selector[ORIGIN];
  return origin !== undefined && origin !== (GLOBAL_KINDS.has(kind) ? 'global' : 'zone');
}
