import type { LanguageService, Settings } from '../host/languageService';
import { cursorTarget, definitions, type WorkspaceLocation } from './navigation';
import type { OffsetRange } from '../types';
import { CONTAINER_PORT_NAMING, type KumaVersion } from '../kuma/versions';
import { DNS1123_LABEL, MAX_LABEL_LENGTH } from '../kuma/names';
import type { PortTarget, WorkspaceIndex } from '../host/workspaceIndex';

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

/** Declarations and uses of the port name under the cursor. */
export function references(
  service: LanguageService,
  uri: string,
  text: string,
  offset: number,
  settings: Settings,
  includeDeclaration = true,
): WorkspaceLocation[] {
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
