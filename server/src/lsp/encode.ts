import type { Diagnostic } from 'vscode-languageserver';

/**
 * The JSON of the messages the server writes, as `JSON.stringify` makes it, except that the
 * diagnostics of a `textDocument/publishDiagnostics` are written from a cache of each one's JSON:
 * a keystroke in a file of thousands of documents sends the file's whole list again, and most of
 * it is the very same objects as last time (see `toLspDiagnostics`), so only what changed is
 * serialised. The transport turns the text into bytes.
 */
export function messageJson(msg: unknown): string {
  const m = msg as { method?: unknown; params?: { uri?: unknown; version?: unknown; diagnostics?: unknown } };
  const params = m.method === 'textDocument/publishDiagnostics' ? m.params : undefined;
  if (!params || !Array.isArray(params.diagnostics) || params.diagnostics.length < 16) return JSON.stringify(msg);
  const parts: string[] = new Array(params.diagnostics.length);
  for (let i = 0; i < parts.length; i++) {
    const d = params.diagnostics[i] as Diagnostic;
    let json = jsonOf.get(d);
    if (json === undefined) {
      json = JSON.stringify(d);
      jsonOf.set(d, json);
    }
    parts[i] = json;
  }
  const shell = JSON.stringify({ ...m, params: { uri: params.uri, version: params.version, diagnostics: 0 } });
  // `diagnostics` is the last key of the last object: the shell ends with it.
  return `${shell.slice(0, shell.length - '0}}'.length)}[${parts.join(',')}]}}`;
}

/** Diagnostics are not changed once sent: the JSON of one holds while the object does. */
const jsonOf = new WeakMap<Diagnostic, string>();
