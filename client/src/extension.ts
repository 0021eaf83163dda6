import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { FileInfoRequest, type FileInfoResult } from '../../server/src/protocol';

let client: LanguageClient | undefined;

/**
 * Starts the Kuma language server over IPC for YAML files. The extension adds no language id
 * of its own, so other YAML extensions keep working side by side.
 */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('Kuma', { log: true });
  const module = context.asAbsolutePath('dist/server.node.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
    ],
    synchronize: { configurationSection: 'kuma' },
    outputChannel: output,
    traceOutputChannel: output,
    middleware: {
      // VS Code pulls diagnostics when the server offers it; the server also pushes them for
      // clients that cannot pull. Keep one copy so the Problems panel shows each problem once.
      handleDiagnostics: (uri, diagnostics, next) => {
        if (!client?.initializeResult?.capabilities.diagnosticProvider) next(uri, diagnostics);
      },
    },
  };
  client = new LanguageClient('kuma', 'Kuma', serverOptions, clientOptions);

  const status = vscode.window.createStatusBarItem('kuma.version', vscode.StatusBarAlignment.Right, 100);
  status.name = 'Kuma version';
  status.command = { title: 'Change Kuma version', command: 'workbench.action.openSettings', arguments: ['kuma.version'] };
  context.subscriptions.push(output, status);

  const updateStatus = async () => {
    const editor = vscode.window.activeTextEditor;
    if (!client || !editor || editor.document.languageId !== 'yaml') {
      status.hide();
      return;
    }
    try {
      const info = await client.sendRequest<FileInfoResult | null>(FileInfoRequest, { uri: editor.document.uri.toString() });
      if (info && info.kumaResources > 0 && vscode.window.activeTextEditor === editor) {
        status.text = `$(server-environment) Kuma ${info.kumaVersion}`;
        status.tooltip = info.pinned
          ? `Checked against Kuma ${info.kumaVersion} (pinned by the file's "# kuma-version:" comment)`
          : `Checked against Kuma ${info.kumaVersion} (setting kuma.version). Click to change.`;
        status.show();
      } else status.hide();
    } catch {
      status.hide();
    }
  };

  await client.start();
  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(() => void updateStatus()),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === vscode.window.activeTextEditor?.document) void updateStatus();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('kuma')) void updateStatus();
    }),
  );
  void updateStatus();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
