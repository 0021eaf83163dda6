import type { LanguageService, Settings } from '../../server/src/core/host/languageService';
import { crossFileHover, definitions, targetPortCompletions } from '../../server/src/core/features/navigation';
import { selectorCompletions } from '../../server/src/core/features/completion/selectors';
import { schemaCompletions } from '../../server/src/core/features/completion/schema';
import { schemaHover } from '../../server/src/core/features/hover';
import { splitDocuments } from '../../server/src/core/yaml/documents';
import { quickFixes } from '../../server/src/core/features/codeActions';
import { prepareRename, references } from '../../server/src/core/features/references';
import { documentSymbols } from '../../server/src/core/features/symbols';
import { inlayHints } from '../../server/src/core/features/inlayHints';
import { workspaceSymbols } from '../../server/src/core/features/symbols';
import { actionEdits, conversionActions, convertFile, CONVERSIONS } from '../../server/src/core';
import type { KumaDiagnostic, OffsetRange } from '../../server/src/core/types';

/**
 * Drives every feature of the core the way the LSP handlers of server/src/lsp/server.ts do,
 * on one file at given offsets, and collects every range the features return (in the file's
 * offsets, `uri` when it is about this file) so properties can check them.
 */
export interface Produced {
  ranges: { what: string; range: OffsetRange }[];
  /** Quick fixes: the diagnostic's code and the text after applying the fix. */
  fixes: { diagnostic: KumaDiagnostic; title: string; edits: { range: OffsetRange; newText: string }[] }[];
}

export const SETTINGS: Settings = { kumaVersion: '2.14', validate: true };

export function exercise(service: LanguageService, uri: string, text: string, offsets: number[], settings = SETTINGS): Produced {
  const out: Produced = { ranges: [], fixes: [] };
  const add = (what: string, range: OffsetRange) => out.ranges.push({ what, range });
  const a = service.diagnose(uri, text, settings);
  for (const d of a.diagnostics) {
    add(`diagnostic ${d.code}`, d.range);
    for (const r of d.related ?? []) if (!r.uri || r.uri === uri) add(`related of ${d.code}`, r.range);
    for (const fix of quickFixes({ code: d.code, range: d.range, data: d.data as never }, text)) {
      out.fixes.push({ diagnostic: d, title: fix.title, edits: fix.edits });
      for (const e of fix.edits) add(`fix ${fix.title}`, e.range);
    }
  }
  for (const s of documentSymbols(service.analyze(text, settings))) {
    add('symbol', s.range);
    add('symbol selection', s.selectionRange);
  }
  for (const h of inlayHints(service, text, settings)) add('inlay hint', { start: h.offset, end: h.offset });
  for (const s of workspaceSymbols(service, '')) if (s.uri === uri) add('workspace symbol', s.range);
  for (const what of CONVERSIONS) for (const e of convertFile(service, text, settings, what).edits) add(`convert ${what}`, e.range);
  for (const offset of offsets) {
    // Completion, as the server's handler does it.
    const ports = targetPortCompletions(service, uri, text, offset, settings) ?? selectorCompletions(service, text, offset, settings);
    const analysis = service.analyze(text, settings);
    const d = analysis.documents.find((x) => offset >= x.offset && offset <= x.offset + x.chunkLength);
    if (ports) {
      const base = d?.offset ?? 0;
      for (const e of ports) if (e.replace) add('completion', { start: e.replace.start + base, end: e.replace.end + base });
    } else {
      const chunk = d
        ? { start: d.offset, text: text.slice(d.offset, d.offset + d.chunkLength) }
        : splitDocuments(text).find((c) => offset >= c.start && offset <= c.start + c.text.length);
      if (chunk) {
        for (const e of schemaCompletions(d?.parsed, chunk.text, offset - chunk.start, analysis.kumaVersion))
          if (e.replace) add('completion', { start: e.replace.start + chunk.start, end: e.replace.end + chunk.start });
      }
    }
    const cross = crossFileHover(service, text, offset, settings);
    if (cross?.range) add('hover', cross.range);
    if (d) {
      const h = schemaHover(d.parsed, text.slice(d.offset, d.offset + d.chunkLength), offset - d.offset, analysis.kumaVersion);
      if (h) add('hover', { start: h.range.start + d.offset, end: h.range.end + d.offset });
    }
    for (const l of definitions(service, text, offset, settings)) if (l.uri === uri) add('definition', l.range);
    for (const l of references(service, uri, text, offset, settings)) if (l.uri === uri) add('reference', l.range);
    const pr = prepareRename(service, uri, text, offset, settings);
    if (pr) add('prepare rename', pr.range);
    for (const act of conversionActions(service, text, { start: offset, end: offset }, settings))
      for (const e of actionEdits(act)) add(`action ${act.title}`, e.range);
  }
  return out;
}

/** Problems with the ranges: outside the text, reversed, or splitting a surrogate pair. */
export function badRanges(text: string, produced: Produced): string[] {
  const bad: string[] = [];
  const splits = (o: number) => o > 0 && o < text.length && isHigh(text.charCodeAt(o - 1)) && isLow(text.charCodeAt(o));
  for (const { what, range } of produced.ranges) {
    if (
      !(Number.isInteger(range.start) && Number.isInteger(range.end)) ||
      range.start < 0 ||
      range.end > text.length ||
      range.start > range.end
    )
      bad.push(`${what}: ${range.start}-${range.end} outside 0-${text.length}`);
    else if (splits(range.start) || splits(range.end)) bad.push(`${what}: ${range.start}-${range.end} splits a surrogate pair`);
  }
  return bad;
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;
