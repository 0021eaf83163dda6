import { cursorContext, type CursorContext } from '../yaml/cursor';
import { documentFacts, shiftFacts, type KumaFact, type ServiceFact } from '../host/facts';
import { documentAt, type DocumentInfo, type FileAnalysis, type LanguageService, type Settings } from '../host/languageService';
import type { OffsetRange } from '../types';

/** A place in some file of the workspace, in file offsets. */
export interface WorkspaceLocation {
  uri: string;
  range: OffsetRange;
}

/** The document under a file offset, the cursor context in it, and its facts (file offsets). */
export interface CursorTarget {
  analysis: FileAnalysis;
  doc: DocumentInfo;
  ctx: CursorContext;
  /** The Kuma resource / Service of the document, with file offsets. */
  kuma?: KumaFact;
  service?: ServiceFact;
  /** The text of the document's chunk (offsets in `ctx` are relative to it). */
  chunk: string;
}

export function cursorTarget(service: LanguageService, text: string, offset: number, settings: Settings): CursorTarget | undefined {
  const analysis = service.analyze(text, settings);
  const doc = documentAt(analysis, offset);
  if (!doc) return undefined;
  const chunk = text.slice(doc.offset, doc.offset + doc.chunkLength);
  const ctx = cursorContext(doc.parsed.contents, chunk, offset - doc.offset);
  if (!ctx) return undefined;
  const f = shiftFacts(documentFacts(doc.parsed), doc.offset);
  return { analysis, doc, ctx, kuma: f.kuma, service: f.service, chunk };
}
