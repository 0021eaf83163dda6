/**
 * The core's one front door. The LSP server (lsp/), the CLI (cli/) and the entry points (node/,
 * browser/) import the core from here and nowhere else (`npm run lint` checks it, with
 * scripts/check-imports.mjs), so what the core offers is this list:
 *
 * - the host: `createLanguageService` holds the files of the workspace (open buffers over disk),
 *   the per-document caches and the workspace index; every feature below takes it;
 * - diagnostics: `LanguageService.diagnose` / `localAnalysis` + `diagnoseLocal`;
 * - features, one function each: `complete`, `hover`, `definitions`, `references`,
 *   `prepareRename` / `rename`, `quickFixes` / `suppressionFixes`, `conversionActions`,
 *   `documentSymbols` / `workspaceSymbols`, `inlayHints`;
 * - conversions: `convertFile`, the one file driver of the palette, the code actions and
 *   `kuma-lint convert`;
 * - the plain data they speak (offsets, diagnostics, versions, codes).
 *
 * Offsets are UTF-16 offsets into a file's text; front ends turn them into their own positions.
 */
export {
  createLanguageService,
  documentAt,
  DEFAULT_SETTINGS,
  type DocumentInfo,
  type FileAnalysis,
  type LanguageService,
  type LocalAnalysis,
  type Settings,
} from './host/languageService';
export { fileFactsOfText, type FileFacts } from './host/facts';

export { complete, type CompletionEntry, type Completions } from './features/completion';
export { hover, type HoverResult } from './features/hover';
export { definitions, type WorkspaceLocation } from './features/navigation';
export { references, prepareRename, rename } from './features/references';
export { quickFixes, suppressionFixes, type FixEntry } from './features/codeActions';
export { documentSymbols, workspaceSymbols, type SymbolEntry, type WorkspaceSymbolEntry } from './features/symbols';
export { inlayHints, type InlayEntry } from './features/inlayHints';

export { CONVERSIONS, convertFile, dependentEdits, migrationSummary, type Conversion, type FileConversion } from './convert/driver';
export { actionEdits, conversionActions, type ConversionAction } from './convert/actions';
export { applyEdits } from './convert/format';
export type { TextEdit } from './convert/types';

export {
  KUMA_VERSIONS,
  DEFAULT_KUMA_VERSION,
  isKumaVersion,
  kumaVersionList,
  normalizeKumaVersion,
  type KumaVersion,
} from './kuma/versions';
export {
  codeDocsUrl,
  DIAGNOSTIC_CODES,
  parseSeverityOverrides,
  type DiagnosticCode,
  type Severity,
  type SeverityOverrides,
} from './diagnostics/codes';
export { LineIndex, type Position } from './yaml/positions';
export { MAX_FILE_CHARS, oversizeAnalysis, tooLargeMessage, type FileSkip } from './yaml/limits';
export { digest } from './util/digest';
export type { KumaDiagnostic, OffsetRange } from './types';
