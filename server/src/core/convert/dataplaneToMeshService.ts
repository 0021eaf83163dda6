import { isObj } from '../kuma/resource';
import { DNS1123_SUBDOMAIN, isRfc1035Label } from '../kuma/names';
import { kumaFacts, parsableProtocols, supportedProtocols, type KumaVersion } from '../kuma/versions';
import type { ConvertInput, GenerateResult } from './types';
import { mapOf, seq, toYaml, type YamlMap } from './yamlOut';
import { str, strMap } from '../host/facts';

/**
 * Universal Dataplane → MeshService, as Kuma's Universal generator does it (SPEC.md section 9,
 * `pkg/core/resources/apis/meshservice/generate/generator.go`), in the editor quick-fix shape of
 * SPEC 9.4.
 *
 * - 2.9 and 2.13: one MeshService per `kuma.io/service` inbound tag value that passes
 *   `NameCharacterSet`; `appProtocol` is the `kuma.io/protocol` tag verbatim. SPEC has 2.9 and
 *   2.14 columns only; the RFC 1035 check and the inbound `protocol` field (a 2.14 schema
 *   addition) are 2.14 changes, so 2.13 is treated like 2.9.
 * - 2.14: the same grouping (the default `inboundTagsDisabled=false`), names checked as RFC 1035
 *   labels, protocol from the inbound `protocol` field, then the tag, kept only when
 *   `ParseProtocol` knows it.
 * - 3.0: one MeshService per `kuma.io/workload` Dataplane label.
 *
 * Labels: the output has none. The generator's own labels are bookkeeping: `kuma.io/managed-by:
 * meshservice-generator` hands the resource to the generator, which rewrites it and deletes it
 * (after `kuma.io/deletion-grace-period-started-at`) when no Dataplane provides the service, so a
 * hand-applied MeshService carrying it would be taken over or removed. `kuma.io/display-name`,
 * `kuma.io/env`, `kuma.io/origin` and `kuma.io/zone` are filled in by the control plane, and a
 * Universal resource names its mesh with `mesh:`, not a `kuma.io/mesh` label.
 */

type Obj = Record<string, unknown>;

/** `core_mesh.NameCharacterSet` (2.9). */
const NAME_CHARACTER_SET = /^[0-9a-z.\-_]*$/;

interface Port {
  name: string;
  port: number;
  targetPort: number;
  appProtocol: string;
}

interface Group {
  name: string;
  mesh: string;
  /** The Dataplane whose ports won. */
  from: string;
  ports: Port[];
  /** Inbounds of this Dataplane whose protocol the validator rejects (3.0). */
  rejected: string[];
}

/** The appProtocol of an inbound, per version (SPEC 9.1 to 9.3). */
function appProtocolOf(ib: Obj, tags: Record<string, string>, version: KumaVersion): string {
  const source = kumaFacts(version).generator.universalProtocol;
  if (source === 'tag') return tags['kuma.io/protocol'] || 'tcp';
  const raw = (source === 'field' ? str(ib.protocol) : str(ib.protocol) || tags['kuma.io/protocol']) ?? '';
  const p = raw.toLowerCase();
  return parsableProtocols(version).includes(p) ? p : 'tcp';
}

function samePorts(a: Port[], b: Port[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function describePorts(ports: Port[]): string {
  return ports.map((p) => `${p.name} ${p.port}/${p.appProtocol}`).join(', ') || 'none';
}

/** MeshServices for one Universal Dataplane. */
export function dataplaneToMeshServices(input: ConvertInput): GenerateResult {
  return dataplanesToMeshServices([input]);
}

/**
 * MeshServices for several Universal Dataplanes: one per service (2.x) or workload (3.0) and mesh.
 * When Dataplanes of one service disagree on ports, the first in input order wins, as Kuma's
 * generator lets the first Dataplane (by creation time, then name) win.
 */
export function dataplanesToMeshServices(inputs: ConvertInput[]): GenerateResult {
  const result: GenerateResult = { generated: [], skipped: [], unverified: [] };
  if (inputs.length === 0) return result;
  const version = inputs[0].version;
  const index = inputs[0].index;
  const gen = kumaFacts(version).generator;
  const validated = kumaFacts(version).protocols.meshServiceAppProtocolValidated;
  const groups = new Map<string, Group>();
  const meshes: string[] = [];
  const noted = new Set<string>();
  const { skipped, unverified } = result;

  for (const input of inputs) {
    const c = input.doc.classification;
    const v = input.doc.value;
    if (c.role !== 'kuma' || c.kind !== 'Dataplane' || !isObj(v)) {
      skipped.push('This document is not a Kuma Dataplane, so there is nothing to convert.');
      continue;
    }
    const name = c.form === 'kubernetes' ? (str(isObj(v.metadata) ? v.metadata.name : undefined) ?? '') : (str(v.name) ?? '');
    const who = `Dataplane ${name}`;
    if (c.form === 'kubernetes') {
      skipped.push(
        `${who} is in Kubernetes form: Kuma makes those from Pods. Convert the Kubernetes Service in front of the Pods instead.`,
      );
      continue;
    }
    const mesh = str(v.mesh) || 'default';
    if (!meshes.includes(mesh)) meshes.push(mesh);
    const labels = strMap(v.labels);
    const networking: Obj = isObj(v.networking) ? v.networking : {};
    const inbounds = (Array.isArray(networking.inbound) ? networking.inbound : []).map((ib) => (isObj(ib) ? ib : {}));
    if (inbounds.length === 0) {
      skipped.push(`${who} has no inbounds (networking.inbound), so it provides no service to make a MeshService for.`);
      continue;
    }

    /** This Dataplane's ports per MeshService name. */
    const mine = new Map<string, { ports: Port[]; rejected: string[] }>();
    const add = (msName: string, ib: Obj, i: number, tags: Record<string, string>) => {
      const port = typeof ib.port === 'number' ? ib.port : undefined;
      if (port === undefined) {
        skipped.push(`Inbound ${i} of ${who} has no port, so it adds no port to MeshService ${msName}.`);
        return;
      }
      const appProtocol = appProtocolOf(ib, tags, version);
      const entry = mine.get(msName) ?? { ports: [], rejected: [] };
      // A MeshService's ports are keyed by (port, appProtocol): a repeated inbound adds nothing.
      if (entry.ports.some((p) => p.port === port && p.appProtocol === appProtocol)) {
        skipped.push(`Inbound ${i} of ${who} repeats port ${port} (${appProtocol}); MeshService ${msName} lists it once.`);
        return;
      }
      entry.ports.push({ name: str(ib.name) || String(port), port, targetPort: port, appProtocol });
      if (validated && !supportedProtocols(version).includes(appProtocol))
        entry.rejected.push(`inbound ${str(ib.name) || port} has protocol ${appProtocol}`);
      mine.set(msName, entry);
    };

    if (gen.universalSource === 'workload-label') {
      const workload = labels['kuma.io/workload'];
      if (!workload) {
        const tagged = inbounds.map((ib) => strMap(ib.tags)['kuma.io/service']).find((s) => s && isRfc1035Label(s));
        skipped.push(
          `Kuma 3.0 generates no MeshService for ${who}: it has no kuma.io/workload label. Add labels: kuma.io/workload: ${tagged ?? '<name>'} to the Dataplane (an RFC 1035 label naming its workload).`,
        );
        continue;
      }
      if (!isRfc1035Label(workload)) {
        skipped.push(
          `Kuma 3.0 generates no MeshService for ${who}: its kuma.io/workload label '${workload}' is not an RFC 1035 label (lower-case letters, digits and '-', starting with a letter, at most 63 characters). Rename the workload.`,
        );
        continue;
      }
      inbounds.forEach((ib, i) => add(workload, ib, i, {}));
    } else {
      inbounds.forEach((ib, i) => {
        const tags = strMap(ib.tags);
        const svc = tags['kuma.io/service'];
        if (!svc) {
          skipped.push(
            `Inbound ${i} of ${who} has no kuma.io/service tag, so Kuma puts it in no MeshService. Add tags: kuma.io/service: <name>.`,
          );
          return;
        }
        if (gen.universalSource === 'service-tag-rfc1035') {
          if (!isRfc1035Label(svc)) {
            skipped.push(
              `Kuma 2.14 generates no MeshService for kuma.io/service '${svc}' (inbound ${i} of ${who}): the name is not an RFC 1035 label (lower-case letters, digits and '-', starting with a letter, at most 63 characters). Rename the service tag, or write the MeshService by hand with a valid name and selector dataplaneTags: {kuma.io/service: ${svc}}.`,
            );
            return;
          }
        } else if (!NAME_CHARACTER_SET.test(svc)) {
          skipped.push(
            `Kuma ${version} generates no MeshService for kuma.io/service '${svc}' (inbound ${i} of ${who}): only lower-case letters, digits, '.', '-' and '_' are allowed in the name. Rename the service tag.`,
          );
          return;
        } else if (svc.length > 63) {
          skipped.push(
            `Kuma ${version} fails to create MeshService '${svc}' (inbound ${i} of ${who}): the MeshService validator allows at most 63 characters. Shorten the service tag.`,
          );
          return;
        } else if (!DNS1123_SUBDOMAIN.test(svc) && !noted.has(svc)) {
          noted.add(svc);
          unverified.push(
            `Kuma ${version}'s generator creates MeshService '${svc}' itself, but a MeshService applied by hand with that name fails the name check (lower-case RFC 1123 subdomain: '_' is not allowed). Leave it to the generator, or rename the service tag.`,
          );
        }
        add(svc, ib, i, tags);
      });
    }

    for (const [msName, entry] of mine) {
      const key = `${mesh}\u0000${msName}`;
      const prev = groups.get(key);
      if (!prev) {
        groups.set(key, { name: msName, mesh, from: name, ports: entry.ports, rejected: entry.rejected });
      } else if (!samePorts(prev.ports, entry.ports)) {
        skipped.push(
          `Port conflict for MeshService ${msName}: ${who} declares ports ${describePorts(entry.ports)}, Dataplane ${prev.from} declares ${describePorts(prev.ports)}. Kuma keeps the ports of the first Dataplane (by creation time, then name); here the first given, ${prev.from}.`,
        );
      }
    }
  }

  if (gen.meshServicesMode) {
    for (const mesh of meshes) {
      const m = index.meshes.get(mesh);
      if (!m) {
        unverified.push(
          `Mesh ${mesh} is not in the workspace: Kuma uses MeshServices only when its spec.meshServices.mode is not Disabled (Disabled is the 2.x default).`,
        );
      } else if ((m.meshServicesMode ?? 'Disabled') === 'Disabled') {
        unverified.push(
          `Mesh ${mesh} has meshServices.mode ${m.meshServicesMode ? 'Disabled' : 'unset, which means Disabled'}: Kuma generates no MeshService in it and routes by kuma.io/service. Set spec.meshServices.mode: Exclusive (or Everywhere / ReachableBackends) on Mesh ${mesh}.`,
        );
      }
    }
  }

  for (const g of groups.values()) {
    // One already in the workspace (hand-written or generated before) would become a duplicate.
    const existing = index.meshServices.find((m) => m.fact.form === 'universal' && m.fact.name === g.name && m.fact.mesh === g.mesh);
    if (existing) {
      const file = decodeURIComponent(existing.uri.slice(existing.uri.lastIndexOf('/') + 1));
      skipped.push(`MeshService ${g.name} (mesh ${g.mesh}) is already in the workspace (${file}): nothing to generate for it.`);
      continue;
    }
    if (g.rejected.length) {
      skipped.push(
        `Kuma 3.0 fails to create MeshService ${g.name} from Dataplane ${g.from}: ${g.rejected.join(' and ')}, which the MeshService validator rejects (appProtocol must be one of: ${supportedProtocols(version).join(', ')}). Change the inbound protocol.`,
      );
      continue;
    }
    const selector: YamlMap =
      gen.selector === 'dataplaneLabels'
        ? [['dataplaneLabels', [['matchLabels', [['kuma.io/workload', g.name]]]]]]
        : [['dataplaneTags', [['kuma.io/service', g.name]]]];
    const out: YamlMap = [
      ['type', 'MeshService'],
      ['name', g.name],
      ['mesh', g.mesh],
      [
        'spec',
        mapOf({
          selector,
          ports: seq(g.ports.map((p) => mapOf({ name: p.name, port: p.port, targetPort: p.targetPort, appProtocol: p.appProtocol }))),
        }),
      ],
    ];
    result.generated.push({ label: `MeshService ${g.name} (mesh ${g.mesh})`, yaml: toYaml(out) });
  }
  return result;
}
