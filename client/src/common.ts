import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  type BaseLanguageClient,
  type DocumentSelector,
  type LanguageClientOptions,
} from 'vscode-languageclient';
import { RESTART_ACTION, RESTART_SERVER_COMMAND, RestartPolicy } from './restartPolicy';
import { REDHAT_YAML_ID, registerKumaSchema, resolveKumaSection, type RedHatYamlApi } from './redhatYaml';
import { versionPick, type VersionProperty } from './versionPick';
import {
  FileInfoRequest,
  ListYamlFilesRequest,
  ReadFileRequest,
  ServerCommands,
  type ConvertCommandResult,
  type ConvertPlanFile,
  type ConvertReview,
  type FileInfoResult,
  type ListYamlFilesParams,
  type ReadFileParams,
} from '../../server/src/protocol';

let client: BaseLanguageClient | undefined;

/** Opens the quick pick of Kuma versions and writes the setting (the status bar item runs it). */
export const SELECT_VERSION_COMMAND = 'kuma.selectVersion';

/**
 * What the desktop extension (extension.ts, the server in a Node process) and the web extension
 * (browser.ts, the server in a Web Worker) share: the client options, status bar and commands.
 * The extension adds no language id of its own, so other YAML extensions keep working side by side.
 */
export async function activateClient(
  context: vscode.ExtensionContext,
  documentSelector: DocumentSelector,
  createClient: (options: LanguageClientOptions) => BaseLanguageClient,
): Promise<BaseLanguageClient> {
  const channel = vscode.window.createOutputChannel('Kuma', { log: true });
  // A crashed server is restarted a few times with one message, then left stopped (see restartPolicy.ts).
  const restarts = new RestartPolicy();
  const clientOptions: LanguageClientOptions = {
    errorHandler: {
      error: (error, message, count) => {
        const writing = message !== undefined;
        const action = restarts.onConnectionError(count, writing) === 'continue' ? ErrorAction.Continue : ErrorAction.Shutdown;
        // A write to a server that just died is followed by `closed`, which tells the user once:
        // the error itself only goes to the output channel.
        if (writing && action === ErrorAction.Continue) {
          channel.warn(`Writing to the language server failed: ${error.message}`);
          return { action, handled: true };
        }
        return { action };
      },
      closed: () => {
        const d = restarts.onCrash();
        if (d.message && d.severity === 'warning') void vscode.window.showWarningMessage(d.message);
        if (d.message && d.severity === 'error') {
          void vscode.window.showErrorMessage(d.message, RESTART_ACTION).then((choice) => {
            if (choice === RESTART_ACTION) void vscode.commands.executeCommand(RESTART_SERVER_COMMAND);
          });
        }
        // Shown above (once), so the client only logs it to the output channel.
        return { action: d.restart ? CloseAction.Restart : CloseAction.DoNotRestart, message: d.message, handled: true };
      },
    },
    documentSelector,
    synchronize: { configurationSection: 'kuma' },
    outputChannel: channel,
    traceOutputChannel: channel,
    middleware: {
      // `kuma.validate.yamlSyntax: auto` is resolved here, where Red Hat YAML can be seen.
      workspace: {
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          return Array.isArray(result)
            ? result.map((r, i) => (params.items[i]?.section === 'kuma' ? resolveKumaSection(r, redHat()) : r))
            : result;
        },
      },
      // VS Code pulls the diagnostics of open files when the server offers it; the server also
      // pushes them (for clients that cannot pull), and pushes those of files not open
      // (kuma.diagnostics.scope). Keep one copy so the Problems panel shows each problem once:
      // a push for a file that is open only clears what was pushed while it was closed.
      handleDiagnostics: (uri, diagnostics, next) => {
        const pulled =
          !!client?.initializeResult?.capabilities.diagnosticProvider &&
          vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());
        next(uri, pulled ? [] : diagnostics);
      },
    },
  };
  client = createClient(clientOptions);
  void useRedHatYaml(channel);

  const status = vscode.window.createStatusBarItem('kuma.version', vscode.StatusBarAlignment.Right, 100);
  status.name = 'Kuma version';
  status.command = { title: 'Select the Kuma version', command: SELECT_VERSION_COMMAND };
  context.subscriptions.push(channel, status);
  registerPreviews(context);

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
          ? `Checked against Kuma ${info.kumaVersion} (pinned by the file's "# kuma-version:" comment). Click to change the setting for the other files.`
          : `Checked against Kuma ${info.kumaVersion} (setting kuma.version). Click to change.`;
        status.show();
      } else status.hide();
    } catch {
      status.hide();
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(RESTART_SERVER_COMMAND, async () => {
      if (!client) return;
      restarts.reset();
      if (client.isRunning()) await client.stop();
      await client.start();
      channel.info('Kuma language server restarted by the user.');
    }),
  );

  context.subscriptions.push(vscode.commands.registerCommand(SELECT_VERSION_COMMAND, () => selectVersion(context)));

  await client.start();
  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(() => void updateStatus()),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === vscode.window.activeTextEditor?.document) void updateStatus();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // After the language client has sent the change to the server (its listener may run after
      // this one): the server then answers with the new settings.
      if (e.affectsConfiguration('kuma')) setTimeout(() => void updateStatus(), 0);
    }),
  );
  void updateStatus();

  // Palette commands run on the server with the active file (or the whole workspace) and
  // the kuma.convert.output setting; the server applies the edit, or returns text to open.
  const commands: [string, string, 'file' | 'workspace'][] = [
    ['kuma.convertServicesInFile', ServerCommands.convertServices, 'file'],
    ['kuma.convertServicesInWorkspace', ServerCommands.convertServices, 'workspace'],
    ['kuma.generateFromDataplanesInFile', ServerCommands.generateFromDataplanes, 'file'],
    ['kuma.generateFromDataplanesInWorkspace', ServerCommands.generateFromDataplanes, 'workspace'],
    ['kuma.convertToUniversal', ServerCommands.toUniversal, 'file'],
    ['kuma.convertToKubernetes', ServerCommands.toKubernetes, 'file'],
    ['kuma.migrateSelectorsInFile', ServerCommands.migrateSelectors, 'file'],
    ['kuma.migrateSelectorsInWorkspace', ServerCommands.migrateSelectors, 'workspace'],
    ['kuma.migrateFileTo30', ServerCommands.migrateTo30, 'file'],
    ['kuma.migrateWorkspaceTo30', ServerCommands.migrateTo30, 'workspace'],
  ];
  for (const [id, serverCommand, scope] of commands) {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async () => {
        const editor = vscode.window.activeTextEditor;
        if (scope === 'file' && (!editor || editor.document.languageId !== 'yaml')) {
          void vscode.window.showWarningMessage('Open a YAML file with Kuma resources or Kubernetes Services first.');
          return;
        }
        const output = vscode.workspace.getConfiguration('kuma').get<string>('convert.output', 'beside');
        const run = (review?: ConvertReview) =>
          client?.sendRequest<ConvertCommandResult>('workspace/executeCommand', {
            command: serverCommand,
            arguments: [scope === 'file' ? editor!.document.uri.toString() : null, output, ...(review ? [review] : [])],
          });
        let result: ConvertCommandResult | undefined;
        if (scope === 'workspace') {
          // Review first: every file that would change, all picked; the user unticks what they
          // do not want, and the rest is applied as one edit (one undo).
          const plan = await run({ plan: true });
          if (!plan) return;
          if (!plan.plan?.length) {
            void vscode.window.showInformationMessage(plan.message);
            return;
          }
          const picked = await review(plan.message, plan.plan, (file, only) => run({ only, preview: file }));
          if (!picked?.length) return;
          result = await run({ only: picked.map((p) => p.uri) });
        } else result = await run();
        if (!result) return;
        if (result.content !== undefined) {
          const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: result.content });
          await vscode.window.showTextDocument(doc);
        }
        for (const line of result.details) channel.info(line);
        const choice = await vscode.window.showInformationMessage(result.message, ...(result.details.length ? ['Show details'] : []));
        if (choice === 'Show details') channel.show(true);
      }),
    );
  }
  return client;
}

/** The scheme of the read-only "after" side of a review's diff (the text the command would leave). */
const PREVIEW_SCHEME = 'kuma-preview';
const previews = new Map<string, string>();
const previewChanged = new vscode.EventEmitter<vscode.Uri>();

/** Serves the "after" texts of the review's diffs (registered once, on activation). */
function registerPreviews(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    previewChanged,
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, {
      onDidChange: previewChanged.event,
      provideTextDocumentContent: (uri) => previews.get(uri.toString()) ?? '',
    }),
    // A preview's text is kept while its diff is open.
    vscode.workspace.onDidCloseTextDocument((d) => {
      if (d.uri.scheme === PREVIEW_SCHEME) previews.delete(d.uri.toString());
    }),
  );
}

const SHOW_CHANGES: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('diff'), tooltip: 'Show the changes to this file' };

/**
 * The review of a workspace command: one row per file, all picked, with what it gets; a row's
 * button opens the file beside the text the command would leave (with the files picked now), and
 * the review stays open. Resolves to the rows picked when the user presses Enter, or undefined.
 */
async function review(
  title: string,
  plan: ConvertPlanFile[],
  after: (file: string, only: string[]) => Thenable<ConvertCommandResult | undefined> | undefined,
): Promise<{ uri: string }[] | undefined> {
  type Row = vscode.QuickPickItem & { uri: string };
  const rows: Row[] = plan.map((f) => ({
    uri: f.uri,
    label: vscode.workspace.asRelativePath(vscode.Uri.parse(f.uri)),
    description: f.summary,
    picked: true,
    buttons: [SHOW_CHANGES],
  }));
  const pick = vscode.window.createQuickPick<Row>();
  pick.canSelectMany = true;
  pick.ignoreFocusOut = true;
  pick.title = title;
  pick.placeholder = 'The files to change: untick those to leave as they are, then press Enter (Escape cancels)';
  pick.items = rows;
  pick.selectedItems = rows;
  return new Promise((resolve) => {
    let result: Row[] | undefined;
    pick.onDidTriggerItemButton(async ({ item }) => {
      pick.busy = true;
      let text: string | undefined;
      try {
        const shown = await after(
          item.uri,
          pick.selectedItems.map((r) => r.uri),
        );
        text = shown?.content;
        if (text === undefined) void vscode.window.showWarningMessage(shown?.message || 'The language server is not running: no preview.');
      } catch (err) {
        void vscode.window.showErrorMessage(`Kuma: no preview of ${item.label}: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        pick.busy = false;
      }
      if (text === undefined) return;
      const file = vscode.Uri.parse(item.uri);
      const shown = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: file.path, query: file.toString() });
      previews.set(shown.toString(), text);
      previewChanged.fire(shown);
      await vscode.commands.executeCommand('vscode.diff', file, shown, `${item.label} (${title.split(':')[0]}, preview)`, {
        preview: true,
        preserveFocus: true,
      });
    });
    pick.onDidAccept(() => {
      result = [...pick.selectedItems];
      pick.hide();
    });
    pick.onDidHide(() => {
      pick.dispose();
      resolve(result);
    });
    pick.show();
  });
}

/**
 * The quick pick of Kuma versions (see versionPick.ts): writes `kuma.version` to the workspace
 * settings when a folder is open, else to the user's. Returns the version picked, if any.
 */
async function selectVersion(context: vscode.ExtensionContext): Promise<string | undefined> {
  const property = (
    context.extension.packageJSON as {
      contributes: { configuration: { properties: Record<string, VersionProperty & { default: string }> } };
    }
  ).contributes.configuration.properties['kuma.version'];
  const config = vscode.workspace.getConfiguration('kuma');
  const scope = vscode.workspace.workspaceFolders?.length ? 'workspace' : 'user';
  const editor = vscode.window.activeTextEditor;
  let pinned: { version: string; file: string } | undefined;
  if (client?.isRunning() && editor?.document.languageId === 'yaml') {
    const info = await client
      .sendRequest<FileInfoResult | null>(FileInfoRequest, { uri: editor.document.uri.toString() })
      .catch(() => null);
    if (info?.pinned) pinned = { version: info.kumaVersion, file: editor.document.uri.path.split('/').pop() ?? '' };
  }
  const pick = versionPick({ property, current: config.get<string>('version') ?? property.default, scope, pinned });
  const quickPick = vscode.window.createQuickPick<vscode.QuickPickItem & { version?: string }>();
  quickPick.title = pick.title;
  quickPick.placeholder = pick.placeholder;
  quickPick.items = pick.items.map(({ kind, ...i }) => (kind === 'separator' ? { ...i, kind: vscode.QuickPickItemKind.Separator } : i));
  quickPick.activeItems = [quickPick.items[pick.active]];
  const chosen = await new Promise<string | undefined>((resolve) => {
    quickPick.onDidAccept(() => {
      resolve(quickPick.selectedItems[0]?.version);
      quickPick.hide();
    });
    quickPick.onDidHide(() => resolve(undefined));
    quickPick.show();
  });
  quickPick.dispose();
  if (chosen === undefined) return undefined;
  await config.update('version', chosen, scope === 'workspace' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
  return chosen;
}

/**
 * Answers the server's requests for workspace files (the web server has no disk) with VS Code's
 * file API, which reaches the virtual file systems of vscode.dev and github.dev.
 */
export function serveWorkspaceFiles(c: BaseLanguageClient): void {
  c.onRequest(ListYamlFilesRequest, async ({ folderUri }: ListYamlFilesParams) => {
    const base = vscode.Uri.parse(folderUri);
    const folder = vscode.workspace.getWorkspaceFolder(base);
    const files = await vscode.workspace.findFiles(
      new vscode.RelativePattern(folder ?? base, '**/*.{yaml,yml}'),
      '**/{node_modules,.git}/**',
    );
    return files.map((u) => u.toString());
  });
  c.onRequest(ReadFileRequest, async ({ uri }: ReadFileParams) => {
    // Open documents first: their text is what the user sees, saved or not.
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    if (open) return open.getText();
    try {
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.parse(uri)));
    } catch {
      return null;
    }
  });
}

/** Whether Red Hat YAML is installed and enabled, and validates YAML. */
function redHat(): { present: boolean; validates: boolean } {
  return {
    present: vscode.extensions.getExtension(REDHAT_YAML_ID) !== undefined,
    validates: vscode.workspace.getConfiguration('yaml').get<boolean>('validate', true) !== false,
  };
}

/** Gives Red Hat YAML the permissive Kuma schema for files with Kuma documents (see redhatYaml.ts). */
async function useRedHatYaml(channel: vscode.LogOutputChannel): Promise<void> {
  const ext = vscode.extensions.getExtension<RedHatYamlApi>(REDHAT_YAML_ID);
  if (!ext) return;
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    if (!api || typeof api.registerContributor !== 'function') {
      channel.warn(`${REDHAT_YAML_ID} offers no registerContributor API; its schemas stay as they are for Kuma files`);
      return;
    }
    const textOf = (uri: string) => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri)?.getText();
    const ok = registerKumaSchema(api, textOf);
    channel.info(`${REDHAT_YAML_ID}: ${ok ? 'files with Kuma resources use the Kuma schema' : 'schema contributor not accepted'}`);
  } catch (err) {
    channel.warn(`could not register with ${REDHAT_YAML_ID}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
