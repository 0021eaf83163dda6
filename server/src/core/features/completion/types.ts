/** One completion proposal of the pure core; the LSP layer turns it into a `CompletionItem`. */
export interface CompletionEntry {
  label: string;
  kind: 'property' | 'value' | 'snippet' | 'reference';
  /** Short text shown next to the label (a type, a Kuma version note). */
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /**
   * Text to insert; the label when absent. Multi-line texts (`ports:\n    - `, snippets) carry
   * their full indentation: send them with `InsertTextMode.asIs`.
   */
  insertText?: string;
  /** True when `insertText` uses LSP snippet syntax (`${1:x}`). */
  snippet?: boolean;
  /** Chunk-relative range the entry replaces (the word at the cursor when absent). */
  replace?: { start: number; end: number };
  /** Sort key; entries without one sort by label after those with one. */
  sortText?: string;
}
