import { isObj } from './resource';
import { policyFacts, type KumaVersion } from './versions';
import type { PolicyKind } from '../types';

/**
 * The policy role Kuma computes for a policy (`ComputePolicyRole`, SPEC-policies.md a.4) and stores as
 * the `kuma.io/policy-role` label: Universal and system-namespace policies are `system`; in an app
 * namespace a policy is `workload-owner` (from / rules / single item), `producer` (every `to` item
 * names a service of its own namespace) or `consumer`.
 */
export type PolicyRole = 'system' | 'producer' | 'consumer' | 'workload-owner';

export interface RoleResult {
  role: PolicyRole;
  /** Kuma's error when the role cannot be computed (the policy is refused). */
  error?: string;
  /** The role is assumed: a Kubernetes policy without `metadata.namespace` lands in the namespace kubectl picks. */
  assumed?: boolean;
}

/** The Kuma system namespace the rules assume (the one of a default installation). */
export const SYSTEM_NAMESPACE = 'kuma-system';

export const MIX_TO_FROM = "it's not allowed to mix 'to' and 'from' arrays in the same policy";
export const MIX_PRODUCER_CONSUMER = "it's not allowed to mix producer and consumer items in the same policy";

const nonEmpty = (v: unknown): boolean => Array.isArray(v) && v.length > 0;

/**
 * The role of a policy with this spec in `namespace` (undefined: Universal). A Kubernetes policy without
 * a namespace gets `system`, marked assumed: nothing role-dependent is reported about it.
 */
export function computePolicyRole(
  version: KumaVersion,
  kind: PolicyKind,
  spec: Record<string, unknown>,
  namespace: string | undefined,
  form: 'kubernetes' | 'universal',
): RoleResult {
  if (form === 'universal') return { role: 'system' };
  if (namespace === undefined || namespace === '') return { role: 'system', assumed: true };
  if (namespace === SYSTEM_NAMESPACE) return { role: 'system' };
  // A section the kind does not have at this version is dropped by the decoder before the role is computed.
  const sections = policyFacts(version).sections[kind];
  const to = sections.includes('to') && nonEmpty(spec.to);
  const from = sections.includes('from') && nonEmpty(spec.from);
  if (to && from) return { role: 'workload-owner', error: MIX_TO_FROM };
  if (from || !to) return { role: 'workload-owner' };
  let producers = 0;
  const items = (spec.to as unknown[]).filter(isObj);
  for (const item of items) if (isProducerItem(version, item.targetRef, namespace)) producers++;
  if (producers === items.length) return { role: 'producer' };
  if (producers === 0) return { role: 'consumer' };
  return { role: 'consumer', error: MIX_PRODUCER_CONSUMER };
}

/** A `to` item that names a service of the policy's own namespace (SPEC-policies.md a.4). */
export function isProducerItem(version: KumaVersion, ref: unknown, namespace: string): boolean {
  if (!isObj(ref)) return false;
  const { producerKinds, producerSelector } = policyFacts(version).role;
  if (!(producerKinds as readonly unknown[]).includes(ref.kind)) return false;
  if (producerSelector === 'name') {
    const ns = typeof ref.namespace === 'string' ? ref.namespace : '';
    return typeof ref.name === 'string' && ref.name !== '' && (ns === '' || ns === namespace);
  }
  const labels = isObj(ref.labels) ? ref.labels : {};
  const keys = Object.keys(labels);
  if (!keys.includes('kuma.io/display-name')) return false;
  if (keys.some((k) => k !== 'kuma.io/display-name' && k !== 'k8s.kuma.io/namespace')) return false;
  const ns = labels['k8s.kuma.io/namespace'];
  return ns === undefined || ns === namespace;
}
