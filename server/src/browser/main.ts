import { BrowserMessageReader, BrowserMessageWriter, createConnection, ProposedFeatures } from 'vscode-languageserver/browser';
import { startServer } from '../lsp/server';
import { clientFs } from './clientFs';

// The language server in a Web Worker (VS Code for the Web), speaking LSP over postMessage.
// The server defers work with setImmediate, which browsers do not have: a macrotask does the same.
const scope = globalThis as unknown as ConstructorParameters<typeof BrowserMessageReader>[0] & Record<string, unknown>;
if (typeof scope.setImmediate !== 'function') {
  scope.setImmediate = (fn: (...args: unknown[]) => void, ...args: unknown[]) => setTimeout(fn, 0, ...args);
  scope.clearImmediate = (handle: ReturnType<typeof setTimeout>) => clearTimeout(handle);
}
const connection = createConnection(ProposedFeatures.all, new BrowserMessageReader(scope), new BrowserMessageWriter(scope));
startServer(connection, { fs: clientFs(connection) });
