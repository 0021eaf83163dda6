import fc from 'fast-check';

/**
 * Generated 2.x workspaces (Universal): Dataplanes with kuma.io/service inbound tags, MeshServices
 * selecting them by dataplaneTags, and MeshTimeouts naming MeshServices by name or with inbound
 * timeouts in `from`, in one file or three. The round-trip property test of the 3.0 migration
 * (test/unit/upgrade.test.ts) and the migration's conformance suite (migrate.ts) share them.
 */

export interface GenDp {
  name: string;
  inbounds: { service: string; version: string }[];
  labels: Record<string, string>;
}

export interface GenWorkspace {
  split: boolean;
  policies: { service: string; section?: string; from: boolean }[];
  dps: GenDp[];
  mss: { service: string; version?: string }[];
}

export const SERVICES = ['redis', 'web', 'api'];
export const arbWorkspace: fc.Arbitrary<GenWorkspace> = fc
  .record({
    dps: fc.array(
      fc.record({
        inbounds: fc.array(fc.record({ service: fc.constantFrom(...SERVICES), version: fc.constantFrom('v1', 'v2') }), {
          minLength: 1,
          maxLength: 2,
        }),
        team: fc.option(fc.constantFrom('data', 'shop'), { nil: undefined }),
        workload: fc.option(fc.constantFrom(...SERVICES), { freq: 5, nil: undefined }),
      }),
      { minLength: 0, maxLength: 6 },
    ),
    mss: fc.uniqueArray(
      fc.record({ service: fc.constantFrom(...SERVICES), version: fc.option(fc.constantFrom('v1', 'v2'), { nil: undefined }) }),
      {
        selector: (m) => m.service,
        maxLength: 3,
      },
    ),
    policies: fc.array(
      fc.record({ service: fc.constantFrom(...SERVICES), section: fc.constantFrom(undefined, 'http', 'admin'), from: fc.boolean() }),
      { maxLength: 3 },
    ),
    split: fc.boolean(),
  })
  .map(({ dps, mss, split, policies }) => ({
    split,
    policies,
    dps: dps.map<GenDp>((d, i) => ({
      name: `dp-${i}`,
      inbounds: d.inbounds,
      labels: { ...(d.team ? { team: d.team } : {}), ...(d.workload ? { 'kuma.io/workload': d.workload } : {}) },
    })),
    mss,
  }));

export function dpYaml(d: GenDp): string {
  const labels = Object.keys(d.labels).length
    ? `labels:\n${Object.entries(d.labels)
        .map(([k, v]) => `  ${k}: ${v}\n`)
        .join('')}`
    : '';
  const inbounds = d.inbounds
    .map((ib, i) => `    - port: ${8000 + i}\n      tags:\n        kuma.io/service: ${ib.service}\n        version: ${ib.version}\n`)
    .join('');
  return `type: Dataplane\nmesh: default\nname: ${d.name}\n${labels}networking:\n  address: 10.0.0.1\n  inbound:\n${inbounds}`;
}

export function msYaml(m: { service: string; version?: string }): string {
  const version = m.version ? `      version: ${m.version}\n` : '';
  return `type: MeshService\nname: ${m.service}\nmesh: default\nspec:\n  selector:\n    dataplaneTags:\n      kuma.io/service: ${m.service}\n${version}  ports:\n    - name: http\n      port: 80\n      targetPort: 8000\n`;
}

/** A MeshTimeout naming a MeshService by name (and a port by sectionName), or with inbound timeouts in from. */
export function policyYaml(p: { service: string; section?: string; from: boolean }, i: number): string {
  const section = p.section ? `        sectionName: ${p.section}\n` : '';
  const from = `  from:\n    - targetRef:\n        kind: Mesh\n      default:\n        idleTimeout: 1h\n`;
  const to = `  to:\n    - targetRef:\n        kind: MeshService\n        name: ${p.service}\n${section}      default:\n        idleTimeout: 20s\n`;
  return `type: MeshTimeout\nname: timeout-${i}\nmesh: default\nspec:\n  targetRef:\n    kind: Mesh\n${p.from ? from : to}`;
}

/** The files of a generated workspace, by URI: one file, or MeshServices, Dataplanes and policies apart. */
export function workspaceFiles({ dps, mss, split, policies }: GenWorkspace): Record<string, string> {
  return split
    ? {
        'file:///ws/ms.yaml': mss.map(msYaml).join('---\n'),
        'file:///ws/dp.yaml': dps.map(dpYaml).join('---\n'),
        'file:///ws/policies.yaml': policies.map(policyYaml).join('---\n'),
      }
    : { 'file:///ws/all.yaml': [...mss.map(msYaml), ...dps.map(dpYaml), ...policies.map(policyYaml)].join('---\n') };
}
