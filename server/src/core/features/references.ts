import type { LanguageService, Settings } from '../host/languageService';
import { cursorTarget, definitions, type WorkspaceLocation } from './navigation';
import type { OffsetRange } from '../types';
import { CONTAINER_PORT_NAMING, type KumaVersion } from '../kuma/versions';
import { DNS1123_LABEL, MAX_LABEL_LENGTH } from '../kuma/names';
import type { PortTarget, WorkspaceIndex } from '../host/workspaceIndex';
import { resolveRef, targetedBy, targetingIndex, type DestPort, type Destination } from '../host/policyRefs';
import { destinationAt, refAt, refSite } from './policyRefs';
import { DISPLAY_NAME } from '../kuma/computedLabels';

/**
 * Find references and rename for port names: a Dataplane inbound name or a container port
 * name is declared once and used by every `targetPort` (of MeshServices, and of Kubernetes
 * Services for container ports) that resolves to it.
 */

function contains(r: OffsetRange | undefined, offset: number): boolean {
  return !!r && offset >= r.start && offset <= r.end;
}

function same(a: PortTarget, b: PortTarget): boolean {
  return a.uri === b.uri && a.range?.start === b.range?.start;
}

/** Every named port declaration of the workspace (container ports named as from Kuma 2.10). */
function namedDeclarations(index: WorkspaceIndex): PortTarget[] {
  return index.allPortTargets(CONTAINER_PORT_NAMING).filter((t) => t.name !== undefined && t.range !== undefined);
}

/** The targetPorts (MeshService and Kubernetes Service) that resolve to a declaration. */
function usesOf(index: WorkspaceIndex, decl: PortTarget, version: KumaVersion): WorkspaceLocation[] {
  const out: WorkspaceLocation[] = [];
  for (const { uri, fact: ms } of index.meshServices) {
    const sel = index.select(ms, version);
    if (!index.portTargets(sel, version).some((t) => same(t, decl))) continue;
    for (const p of ms.ports ?? []) if (p.targetPort === decl.name && p.targetPortRange) out.push({ uri, range: p.targetPortRange });
  }
  if (decl.from === 'dataplane') {
    // Policies whose top-level `kind: Dataplane` reference names the inbound by sectionName.
    for (const [dest, list] of targetingIndex(index, version)) {
      if (dest.kind !== 'Dataplane' || dest.uri !== decl.uri) continue;
      for (const t of list)
        if (t.ref.sectionNameRange && t.ref.sectionName === decl.name && t.ports?.some((p) => p.range?.start === decl.range?.start))
          out.push({ uri: t.uri, range: t.ref.sectionNameRange });
    }
  }
  if (decl.from === 'workload') {
    for (const { uri, fact: svc } of index.services) {
      const selected = index.serviceWorkloads(svc);
      if (!index.portTargets({ dataplanes: [], workloads: selected }, CONTAINER_PORT_NAMING).some((t) => same(t, decl))) continue;
      for (const p of svc.ports) if (p.targetPort === decl.name && p.targetPortRange) out.push({ uri, range: p.targetPortRange });
    }
  }
  return out;
}

interface PortSymbol {
  name: string;
  declarations: PortTarget[];
  uses: WorkspaceLocation[];
}

/** The port name under the cursor: on its declaration, or on a targetPort that uses it. */
function portSymbolAt(service: LanguageService, uri: string, text: string, offset: number, settings: Settings): PortSymbol | undefined {
  const index = service.index();
  const version = service.analyze(text, settings).kumaVersion;
  const all = namedDeclarations(index);
  const decl = all.find((t) => t.uri === uri && contains(t.range, offset));
  let declarations: PortTarget[];
  if (decl) declarations = [decl];
  else {
    const targets = definitions(service, text, offset, settings);
    if (targets.length === 0) return undefined;
    declarations = all.filter((t) => targets.some((l) => l.uri === t.uri && l.range.start === t.range!.start));
    if (declarations.length === 0) return undefined;
  }
  const name = declarations[0].name!;
  const seen = new Set<string>();
  const uses: WorkspaceLocation[] = [];
  for (const d of declarations) {
    for (const u of usesOf(index, d, version)) {
      const key = `${u.uri}#${u.range.start}`;
      if (!seen.has(key)) {
        seen.add(key);
        uses.push(u);
      }
    }
  }
  // A targetPort under the cursor that resolves elsewhere still counts as a use.
  const t = cursorTarget(service, text, offset, settings);
  if (t && !decl && !uses.some((u) => u.uri === uri && contains(u.range, offset))) {
    const r = t.ctx.replace;
    uses.push({ uri, range: { start: r.start + t.doc.offset, end: r.end + t.doc.offset } });
  }
  return { name, declarations, uses };
}

/**
 * A MeshService (MeshExternalService, MeshMultiZoneService) or one of its ports, as policies
 * reference it: from its declaration, or from a reference (`name`, a `labels` value, `sectionName`).
 */
interface PolicySymbol {
  dest: Destination;
  port?: DestPort;
  name: string;
  declaration: WorkspaceLocation;
  /** Every reference resolving to it: where it is named (name, labels, sectionName, port). */
  uses: WorkspaceLocation[];
  /** The uses a rename changes (by-name references, display-name labels, sectionNames naming the port). */
  renamed: WorkspaceLocation[];
  /** Why it cannot be renamed, if so. */
  fixed?: string;
}

function policySymbolAt(service: LanguageService, text: string, offset: number, settings: Settings): PolicySymbol | undefined {
  const version = service.analyze(text, settings).kumaVersion;
  let dest: Destination | undefined;
  let port: DestPort | undefined;
  let index: WorkspaceIndex;
  const d = destinationAt(service, text, offset, settings);
  if (d) {
    ({ dest, port, index } = d);
  } else {
    const at = refAt(service, text, offset, settings);
    if (!at) return undefined;
    index = service.index();
    const r = resolveRef(index, at.policy, at.ref, version);
    if ((at.field === 'sectionName' || at.field === 'port') && r.section?.ports.length) ({ dest, port } = r.section.ports[0]);
    else if ((at.field === 'name' || at.field === 'label') && r.matches.length === 1) dest = r.matches[0];
    if (!dest) return undefined;
  }
  const uses: WorkspaceLocation[] = [];
  const renamed: WorkspaceLocation[] = [];
  for (const t of targetedBy(index, dest, version, port)) {
    if (port) {
      const site = t.ref.sectionNameRange ?? t.ref.portRange;
      if (!site) continue;
      uses.push({ uri: t.uri, range: site });
      if (t.ref.sectionName === port.section && t.ref.sectionNameRange) renamed.push({ uri: t.uri, range: t.ref.sectionNameRange });
    } else {
      uses.push({ uri: t.uri, range: refSite(t.ref) });
      if (t.ref.name === dest.displayName && t.ref.nameRange && !t.ref.labels) renamed.push({ uri: t.uri, range: t.ref.nameRange });
      const dn = t.ref.labelRanges?.[DISPLAY_NAME];
      if (dn && t.ref.labels?.[DISPLAY_NAME] === dest.displayName) renamed.push({ uri: t.uri, range: dn });
    }
  }
  if (port) {
    const declared = port.nameRange ?? port.range;
    if (!declared) return undefined;
    return {
      dest,
      port,
      name: port.section,
      declaration: { uri: dest.uri, range: declared },
      uses,
      renamed,
      ...(!dest.fact || !port.named ? { fixed: `Port ${port.section} of ${dest.title} has no name of its own to rename.` } : {}),
    };
  }
  return {
    dest,
    name: dest.displayName,
    declaration: { uri: dest.uri, range: dest.nameRange },
    uses,
    renamed,
    ...(!dest.fact
      ? { fixed: `${dest.title} is made by Kuma: rename the Service.` }
      : dest.form === 'universal' && dest.fact.labels[DISPLAY_NAME]
        ? { fixed: `${dest.title} takes its display name from the ${DISPLAY_NAME} label: rename it there.` }
        : {}),
  };
}

/** Declarations and uses of the port name under the cursor. */
export function references(
  service: LanguageService,
  uri: string,
  text: string,
  offset: number,
  settings: Settings,
  includeDeclaration = true,
): WorkspaceLocation[] {
  const pol = policySymbolAt(service, text, offset, settings);
  if (pol) return [...(includeDeclaration ? [pol.declaration] : []), ...pol.uses];
  const sym = portSymbolAt(service, uri, text, offset, settings);
  if (!sym) return [];
  const decls = includeDeclaration ? sym.declarations.map((d) => ({ uri: d.uri, range: d.range! })) : [];
  return [...decls, ...sym.uses];
}

/** The range rename would change at the cursor, and the current name. */
export function prepareRename(
  service: LanguageService,
  uri: string,
  text: string,
  offset: number,
  settings: Settings,
): { range: OffsetRange; name: string } | undefined {
  const pol = policySymbolAt(service, text, offset, settings);
  if (pol) {
    if (pol.fixed) return undefined;
    const here = [pol.declaration, ...pol.renamed].find((l) => l.uri === uri && contains(l.range, offset));
    // On the MeshService in the open file: the declaration's range is the buffer's own.
    const range =
      here?.range ?? (pol.declaration.range.start <= offset && offset <= pol.declaration.range.end ? pol.declaration.range : undefined);
    return range ? { range, name: pol.name } : undefined;
  }
  const sym = portSymbolAt(service, uri, text, offset, settings);
  if (!sym) return undefined;
  const here = [...sym.declarations.map((d) => ({ uri: d.uri, range: d.range! })), ...sym.uses].find(
    (l) => l.uri === uri && contains(l.range, offset),
  );
  return here ? { range: here.range, name: sym.name } : undefined;
}

export type RenameResult = { edits: Map<string, { range: OffsetRange; newText: string }[]> } | { error: string };

/**
 * Renames a port name everywhere: the declaring inbound / container port and every targetPort
 * that resolves to it, as one workspace edit.
 */
export function rename(
  service: LanguageService,
  uri: string,
  text: string,
  offset: number,
  newName: string,
  settings: Settings,
): RenameResult {
  const pol = policySymbolAt(service, text, offset, settings);
  if (pol) return renamePolicySymbol(pol, newName);
  const sym = portSymbolAt(service, uri, text, offset, settings);
  if (!sym)
    return { error: 'Rename works on a port name: a Dataplane inbound name, a container port name, or a targetPort that names one.' };
  const name = newName.trim();
  if (!DNS1123_LABEL.test(name) || name.length > MAX_LABEL_LENGTH || !/[a-z]/.test(name)) {
    return {
      error: `"${newName}" is not a valid port name: use lowercase letters, digits and '-', with at least one letter, starting and ending with a letter or digit (an RFC 1123 label, as Kuma's SNI rules want; all digits would read as a port number).`,
    };
  }
  const edits = new Map<string, { range: OffsetRange; newText: string }[]>();
  const add = (l: WorkspaceLocation) => {
    const list = edits.get(l.uri) ?? [];
    if (!list.some((e) => e.range.start === l.range.start)) list.push({ range: l.range, newText: name });
    edits.set(l.uri, list);
  };
  sym.declarations.forEach((d) => add({ uri: d.uri, range: d.range! }));
  sym.uses.forEach(add);
  return { edits };
}

/**
 * Renames a MeshService port name and every `sectionName` that names it, or a MeshService name
 * and every reference by name (and `kuma.io/display-name` label) that resolves to it, as one edit.
 */
function renamePolicySymbol(sym: PolicySymbol, newName: string): RenameResult {
  if (sym.fixed) return { error: sym.fixed };
  const name = newName.trim();
  const what = sym.port ? 'port name' : `${sym.dest.kind} name`;
  if (!DNS1123_LABEL.test(name) || name.length > MAX_LABEL_LENGTH || (sym.port && !/[a-z]/.test(name))) {
    return {
      error: `"${newName}" is not a valid ${what}: use lowercase letters, digits and '-', starting and ending with a letter or digit (an RFC 1123 label${sym.port ? ' with at least one letter; all digits would read as a port number' : ''}).`,
    };
  }
  const edits = new Map<string, { range: OffsetRange; newText: string }[]>();
  for (const l of [sym.declaration, ...sym.renamed]) {
    const list = edits.get(l.uri) ?? [];
    if (!list.some((e) => e.range.start === l.range.start)) list.push({ range: l.range, newText: name });
    edits.set(l.uri, list);
  }
  return { edits };
}
