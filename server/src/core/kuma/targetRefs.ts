import { isObj } from './resource';
import type { PolicyKind } from '../types';
import type { PathSeg } from '../yaml/nodes';
import type { TargetRefKind } from './versions';

/**
 * Where a targetRef policy names other resources (SPEC-policies.md c.1): the top-level `targetRef`,
 * `to[i].targetRef`, `from[i].targetRef` (2.x), and for the routes `to[i].rules[j].default.backendRefs[k]`
 * and MeshHTTPRoute's `to[i].rules[j].default.filters[k].requestMirror.backendRef`. Plain data in, Kuma
 * paths out (`['spec', 'to', 0, 'targetRef']`): what the per-document rules check and what cross-file
 * resolution (completion, hover, references) reads, in both forms (a Resource maps the paths to YAML).
 */

export type TargetRefPlace = 'top' | 'to' | 'from' | 'backendRef' | 'requestMirror';

export interface TargetRefSite {
  place: TargetRefPlace;
  /** Kuma path of the targetRef / backendRef object, the prefix Kuma puts before its fields. */
  path: PathSeg[];
  /** The object as written ({} when it is not a mapping). */
  ref: Record<string, unknown>;
  /** Whether the object is written at all (a `to` item without `targetRef` still gets checked, as Kuma does). */
  present: boolean;
  /** Index of the `to` / `from` item the site belongs to. */
  item?: number;
}

/** The policies whose `to[i].rules[j].default` holds backendRefs. */
export const ROUTE_KINDS: readonly PolicyKind[] = ['MeshHTTPRoute', 'MeshTCPRoute'];

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function site(place: TargetRefPlace, path: PathSeg[], value: unknown, item?: number): TargetRefSite {
  return {
    place,
    path,
    ref: isObj(value) ? value : {},
    present: value !== undefined && value !== null,
    ...(item === undefined ? {} : { item }),
  };
}

/** Every targetRef of one policy's spec, in document order of sections (targetRef, to, from, routes' refs). */
export function targetRefSites(kind: PolicyKind, spec: Record<string, unknown>): TargetRefSite[] {
  const out: TargetRefSite[] = [];
  if (spec.targetRef !== undefined && spec.targetRef !== null) out.push(site('top', ['spec', 'targetRef'], spec.targetRef));
  for (const section of ['to', 'from'] as const) {
    list(spec[section]).forEach((it, i) => {
      if (!isObj(it)) return;
      out.push(site(section, ['spec', section, i, 'targetRef'], it.targetRef, i));
    });
  }
  if (ROUTE_KINDS.includes(kind)) {
    list(spec.to).forEach((it, i) => {
      if (!isObj(it)) return;
      list(it.rules).forEach((rule, j) => {
        if (!isObj(rule) || !isObj(rule.default)) return;
        const base = ['spec', 'to', i, 'rules', j, 'default'];
        list(rule.default.backendRefs).forEach((b, k) => {
          if (isObj(b)) out.push(site('backendRef', [...base, 'backendRefs', k], b, i));
        });
        list(rule.default.filters).forEach((f, k) => {
          if (isObj(f) && isObj(f.requestMirror) && f.requestMirror.backendRef !== undefined)
            out.push(site('requestMirror', [...base, 'filters', k, 'requestMirror', 'backendRef'], f.requestMirror.backendRef, i));
        });
      });
    });
  }
  return out;
}

/** The kind a targetRef names, when it is a string. */
export function refKind(ref: Record<string, unknown>): string | undefined {
  return typeof ref.kind === 'string' ? ref.kind : undefined;
}

/** A missing top-level targetRef means `kind: Mesh` (SPEC-policies.md b.2). */
export function topLevelKind(spec: Record<string, unknown>): string {
  const top = spec.targetRef;
  if (!isObj(top)) return 'Mesh';
  return typeof top.kind === 'string' && top.kind !== '' ? top.kind : 'Mesh';
}

/** Label selectors and names as written: what cross-file resolution matches against. */
export function refLabels(ref: Record<string, unknown>): Record<string, string> {
  const l = ref.labels;
  if (!isObj(l)) return {};
  return Object.fromEntries(Object.entries(l).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

export function isTargetRefKind(k: string, kinds: readonly TargetRefKind[]): k is TargetRefKind {
  return (kinds as readonly string[]).includes(k);
}
