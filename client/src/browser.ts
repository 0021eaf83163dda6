import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/browser';
import { activateClient, deactivate, serveWorkspaceFiles } from './common';

// The web extension host's Web Worker (the project's TypeScript libs are Node's, not the DOM's).
declare const Worker: new (scriptURL: string) => ConstructorParameters<typeof LanguageClient>[3];

/**
 * VS Code for the Web (vscode.dev, github.dev): the Kuma language server runs in a Web Worker
 * (dist/server.web.js) and reads workspace files through this client, as it has no disk.
 */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverMain = vscode.Uri.joinPath(context.extensionUri, 'dist/server.web.js');
  const worker = new Worker(serverMain.toString(true));
  // Any scheme: the files of vscode.dev and github.dev live on virtual file systems (vscode-vfs, …).
  await activateClient(context, [{ language: 'yaml' }], (options) => {
    const client = new LanguageClient('kuma', 'Kuma', options, worker);
    serveWorkspaceFiles(client);
    return client;
  });
}

export { deactivate };
