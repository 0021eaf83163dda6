import { documentAt, type LanguageService, type Settings } from '../../host/languageService';
import { splitDocuments } from '../../yaml/documents';
import { targetPortCompletions } from '../navigation';
import { policyRefCompletions } from './policyRefs';
import { schemaCompletions } from './schema';
import { selectorCompletions } from './selectors';
import type { CompletionEntry } from './types';

export type { CompletionEntry } from './types';

/** Completion entries at a file offset; their `replace` ranges are relative to `base` (their document's offset). */
export interface Completions {
  entries: CompletionEntry[];
  base: number;
}

/**
 * The completion chain, in order: the first provider that knows the spot answers.
 *
 * 1. policy references: `kind` (what the place accepts), names, namespaces, labels, `sectionName`
 *    and backendRef `port` of the MeshServices (MeshExternalServices, ...) the workspace holds;
 * 2. `targetPort` values: the ports of the Dataplanes and workloads the MeshService selects;
 * 3. selector keys and values: the labels and tags the workspace's Dataplanes carry;
 * 4. the schema of the document's kind and version: keys, enums, protocols, skeletons for an
 *    empty document.
 *
 * A new provider is one file in this folder, added to this list.
 */
export function complete(service: LanguageService, uri: string, text: string, offset: number, settings: Settings): Completions | undefined {
  const a = service.analyze(text, settings);
  const d = documentAt(a, offset);
  const ports =
    policyRefCompletions(service, text, offset, settings) ??
    targetPortCompletions(service, uri, text, offset, settings) ??
    selectorCompletions(service, text, offset, settings);
  if (ports) return { entries: ports, base: d?.offset ?? 0 };
  // An empty document (or one holding only comments) has no parse: offer the skeletons.
  const chunk = d
    ? { start: d.offset, text: text.slice(d.offset, d.offset + d.chunkLength) }
    : splitDocuments(text).find((c) => offset >= c.start && offset <= c.start + c.text.length);
  if (!chunk) return undefined;
  return { entries: schemaCompletions(d?.parsed, chunk.text, offset - chunk.start, a.kumaVersion), base: chunk.start };
}
