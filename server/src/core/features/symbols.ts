import type { FileAnalysis, LanguageService } from '../host/languageService';
import { Resource, isObj } from '../kuma/resource';
import type { KumaKind, OffsetRange } from '../types';
import { str, type KumaFact } from '../host/facts';

/** One Kuma resource of a file, for the outline and "go to symbol". Offsets are file offsets. */
export interface SymbolEntry {
  /** The resource name (`metadata.name` or `name`), or `(unnamed)`. */
  name: string;
  kind: KumaKind;
  /**
   * A one-line summary: the namespace (Kubernetes form) and then, per kind, the ports
   * (`6379→redis, 8080→http`, port→targetPort), the address and inbounds
   * (`10.0.0.1 — http:18080, metrics:19090`), the match (`443/http`) or the template.
   */
  detail: string;
  /** The whole document. */
  range: OffsetRange;
  /** The name's value (or the `kind:`/`type:` key when there is no name). */
  selectionRange: OffsetRange;
}

function list(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}

/** The kind-specific part of a symbol's detail. */
function summary(r: Resource): string {
  const spec = r.spec;
  switch (r.kind) {
    case 'MeshService':
      return list(spec.ports)
        .map((p) => {
          const port = str(p.port) ?? '?';
          const target = str(p.targetPort);
          return target !== undefined && target !== port ? `${port}→${target}` : port;
        })
        .join(', ');
    case 'MeshMultiZoneService':
      return list(spec.ports)
        .map((p) => (str(p.name) ? `${str(p.port) ?? '?'} (${str(p.name)})` : (str(p.port) ?? '?')))
        .join(', ');
    case 'MeshExternalService': {
      const match = isObj(spec.match) ? spec.match : {};
      const port = str(match.port);
      const proto = str(match.protocol);
      return port === undefined ? (proto ?? '') : proto ? `${port}/${proto}` : port;
    }
    case 'HostnameGenerator':
      return str(spec.template) ?? '';
    case 'Dataplane': {
      const net = isObj(spec.networking) ? spec.networking : {};
      const inbounds = list(net.inbound).map((i) => {
        const tags = isObj(i.tags) ? i.tags : {};
        const name = str(i.name) ?? str(tags['kuma.io/service']);
        const port = str(i.port) ?? '?';
        return name ? `${name}:${port}` : port;
      });
      const gateway = isObj(net.gateway) ? `gateway ${str(net.gateway.type) ?? 'DELEGATED'}` : undefined;
      const parts = [...inbounds, ...(gateway ? [gateway] : [])].join(', ');
      const address = str(net.address);
      return [address, parts].filter(Boolean).join(' — ');
    }
    default:
      return policySummary(spec);
  }
}

/** A policy: what its top-level targetRef selects, then where its `to` items point (`Mesh → MeshService backend`). */
function policySummary(spec: Record<string, unknown>): string {
  const ref = (t: unknown): string => {
    if (!isObj(t)) return 'Mesh';
    const labels = isObj(t.labels) ? Object.entries(t.labels).map(([k, v]) => `${k}=${str(v) ?? ''}`) : [];
    const what = str(t.name) ?? (labels.length ? `{${labels.join(', ')}}` : undefined);
    const section = str(t.sectionName);
    return [str(t.kind) ?? 'Mesh', what && `${what}${section ? `/${section}` : ''}`].filter(Boolean).join(' ');
  };
  const to = list(spec.to).map((i) => ref(i.targetRef));
  return to.length ? `${ref(spec.targetRef)} → ${to.join(', ')}` : ref(spec.targetRef);
}

/**
 * The Kuma resources of an analysed file, one symbol each, in file order. Other documents
 * (Kubernetes objects, CI files...) give none.
 */
export function documentSymbols(analysis: FileAnalysis): SymbolEntry[] {
  const out: SymbolEntry[] = [];
  for (const d of analysis.documents) {
    const c = d.classification;
    if (c.role !== 'kuma') continue;
    const pd = d.parsed;
    const r = new Resource(c.kind, c.form, pd.contents, pd.value, pd.range);
    const shift = (x: OffsetRange): OffsetRange => ({ start: x.start + d.offset, end: x.end + d.offset });
    const ns = c.form === 'kubernetes' && isObj(r.value.metadata) ? str(r.value.metadata.namespace) : undefined;
    const detail = [ns, summary(r)].filter(Boolean).join(' — ');
    const name = r.name;
    out.push({
      name: name === undefined || name === '' ? '(unnamed)' : name,
      kind: c.kind,
      detail,
      range: { start: d.range.start, end: d.range.end },
      selectionRange: shift(name === undefined ? r.identityRange() : r.range(['name'])),
    });
  }
  return out;
}

/** A Kuma resource anywhere in the workspace, for "go to symbol in workspace". */
export interface WorkspaceSymbolEntry {
  name: string;
  kind: KumaFact['kind'];
  container: string;
  uri: string;
  range: OffsetRange;
}

export function workspaceSymbols(service: LanguageService, query: string): WorkspaceSymbolEntry[] {
  const q = query.toLowerCase();
  return service
    .index()
    .kuma.filter((k) => k.fact.name.toLowerCase().includes(q))
    .map((k) => ({
      name: k.fact.name,
      kind: k.fact.kind,
      container: `${k.fact.kind}${k.fact.namespace ? ` · ${k.fact.namespace}` : ''}${k.fact.kind === 'HostnameGenerator' ? '' : ` · mesh ${k.fact.mesh}`}`,
      uri: k.uri,
      range: k.fact.nameRange,
    }));
}
