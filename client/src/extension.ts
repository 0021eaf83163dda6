import type * as vscode from 'vscode';
import { LanguageClient, TransportKind, type ServerOptions } from 'vscode-languageclient/node';
import { activateClient, deactivate } from './common';
import { nodeFlagsOf } from './serverFlags';

/** Desktop VS Code: the Kuma language server in a Node process, over IPC, for YAML files on disk. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.node.js');
  const execArgv = nodeFlagsOf(module);
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...execArgv, '--nolazy', '--inspect=6010'] } },
  };
  await activateClient(
    context,
    [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
      // Virtual workspaces (see capabilities.virtualWorkspaces): open files are checked.
      { scheme: 'vscode-vfs', language: 'yaml' },
    ],
    (options) => new LanguageClient('kuma', 'Kuma', serverOptions, options),
  );
}

export { deactivate };
