import { isMap, isScalar, parseAllDocuments, type Document, type YAMLError } from 'yaml';
import type { Classification, KubernetesKind, KumaKind, OffsetRange } from './types';
import { KUMA_KINDS } from './types';

/** A slice of a file that starts at a `---` line (or at the top) and runs to the next one. */
export interface Chunk {
  /** Offset of the chunk in the file. */
  start: number;
  text: string;
}

/**
 * Splits a file into chunks at document markers with a cheap line scan, so that each YAML
 * document can be parsed and cached on its own. A `---` at column 0 always starts a new
 * document in YAML (even inside what looks like a block scalar), so the scan is exact.
 */
export function splitDocuments(text: string, from = 0, to = text.length): Chunk[] {
  // `from` and `to` (for re-splitting part of a file) must be chunk starts, or the text's ends.
  const chunks: Chunk[] = [];
  let chunkStart = from;
  let lineStart = from;
  while (lineStart < to) {
    if (
      lineStart > chunkStart &&
      text.startsWith('---', lineStart) &&
      (lineStart + 3 === text.length || ' \t\r\n'.includes(text[lineStart + 3]))
    ) {
      chunks.push({ start: chunkStart, text: text.slice(chunkStart, lineStart) });
      chunkStart = lineStart;
    }
    const nl = text.indexOf('\n', lineStart);
    if (nl < 0) break;
    lineStart = nl + 1;
  }
  chunks.push({ start: chunkStart, text: text.slice(chunkStart, to) });
  return chunks;
}

/** One parsed YAML document, with offsets relative to its chunk. */
export interface ParsedDocument {
  doc: Document.Parsed;
  classification: Classification;
  /** The document as plain data (only computed for documents we check or index). */
  value: unknown;
  /** Range of the document's content in the chunk. */
  range: OffsetRange;
  errors: YAMLError[];
  warnings: YAMLError[];
}

/** Parses one chunk. A chunk normally holds one document; `...` markers can make more. */
export function parseChunk(text: string): ParsedDocument[] {
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true, keepSourceTokens: false });
  // parseAllDocuments returns an EmptyStream (an array-like with no documents) for comment-only text.
  const out: ParsedDocument[] = [];
  for (const doc of Array.from(docs as Iterable<Document.Parsed>)) {
    if (doc.contents === null && doc.errors.length === 0) continue;
    const classification = classify(doc);
    const r = doc.contents?.range ?? doc.range;
    out.push({
      doc,
      classification,
      value: classification.role === 'other' ? undefined : safeToJS(doc),
      range: { start: r[0], end: r[1] },
      errors: doc.errors,
      warnings: doc.warnings,
    });
  }
  return out;
}

function safeToJS(doc: Document.Parsed): unknown {
  try {
    return doc.toJS({ maxAliasCount: 1000 });
  } catch {
    // Alias bombs or other pathological input: treat the document as having no data.
    return undefined;
  }
}

const KUBERNETES_KINDS: Record<string, KubernetesKind[]> = {
  v1: ['Service', 'Namespace', 'Pod'],
  'apps/v1': ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'],
  'batch/v1': ['Job', 'CronJob'],
  'discovery.k8s.io/v1': ['EndpointSlice'],
};

function topScalar(doc: Document.Parsed, key: string): unknown {
  const root = doc.contents;
  if (!isMap(root)) return undefined;
  for (const pair of root.items) {
    if (isScalar(pair.key) && pair.key.value === key) return isScalar(pair.value) ? pair.value.value : undefined;
  }
  return undefined;
}

/**
 * Decides what a document is. Kuma resources: Kubernetes form (`apiVersion: kuma.io/...` plus
 * one of our kinds) or Universal form (`type:` one of our kinds, no `apiVersion`/`kind`).
 * Kubernetes Services, Namespaces, Pods and workloads are recognised for cross-reference.
 * Everything else (CI workflows, Helm values, other CRDs) is left alone.
 */
export function classify(doc: Document.Parsed): Classification {
  if (!isMap(doc.contents)) return { role: 'other' };
  const apiVersion = topScalar(doc, 'apiVersion');
  const kind = topScalar(doc, 'kind');
  if (typeof apiVersion === 'string' && typeof kind === 'string') {
    if (apiVersion.startsWith('kuma.io/') && kind === 'Mesh') return { role: 'mesh', form: 'kubernetes' };
    if (apiVersion.startsWith('kuma.io/') && (KUMA_KINDS as readonly string[]).includes(kind)) {
      return { role: 'kuma', kind: kind as KumaKind, form: 'kubernetes' };
    }
    const k8s = KUBERNETES_KINDS[apiVersion];
    if (k8s?.includes(kind as KubernetesKind)) return { role: 'kubernetes', kind: kind as KubernetesKind };
    return { role: 'other' };
  }
  const type = topScalar(doc, 'type');
  if (apiVersion === undefined && kind === undefined && typeof type === 'string') {
    if (type === 'Mesh') return { role: 'mesh', form: 'universal' };
    if ((KUMA_KINDS as readonly string[]).includes(type)) {
      return { role: 'kuma', kind: type as KumaKind, form: 'universal' };
    }
  }
  return { role: 'other' };
}
