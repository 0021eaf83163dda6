import * as vscode from 'vscode';
import { LanguageClient, type ServerOptions } from 'vscode-languageclient/browser';
import { activateClient, deactivate, serveWorkspaceFiles } from './common';

// The web extension host's Web Worker (the project's TypeScript libs are Node's, not the DOM's).
declare const Worker: new (scriptURL: string) => Exclude<ServerOptions, () => unknown>;

/**
 * VS Code for the Web (vscode.dev, github.dev): the Kuma language server runs in a Web Worker
 * (dist/server.web.js) and reads workspace files through this client, as it has no disk.
 */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const worker = await startWorker(vscode.Uri.joinPath(context.extensionUri, 'dist/server.web.js'));
  // Any scheme: the files of vscode.dev and github.dev live on virtual file systems (vscode-vfs, …).
  await activateClient(context, [{ language: 'yaml' }], (options) => {
    // The worker itself, not a function returning it: VS Code's web extension host replaces the
    // Worker constructor, so the client's `instanceof Worker` test would fail on what it returns.
    const client = new LanguageClient('kuma', 'Kuma', worker, options);
    serveWorkspaceFiles(client);
    return client;
  });
}

/**
 * The server's Web Worker. A web extension host that cannot start a worker from where the extension
 * is installed (code-server and other remotes refuse `vscode-remote:` URLs) can still fetch the
 * script: the worker then starts from a copy of it.
 */
async function startWorker(script: vscode.Uri): Promise<Exclude<ServerOptions, () => unknown>> {
  const url = script.toString(true);
  try {
    return new Worker(url);
  } catch {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`cannot load the Kuma language server from ${url}: HTTP ${response.status}`);
    return new Worker(URL.createObjectURL(new Blob([await response.text()], { type: 'text/javascript' })));
  }
}

export { deactivate };
