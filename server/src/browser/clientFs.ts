import type { Connection } from 'vscode-languageserver';
import { ListYamlFilesRequest, ReadFileRequest, type ListYamlFilesParams, type ReadFileParams } from '../protocol';
import type { WorkspaceFs } from '../lsp/workspaceFs';

/**
 * The workspace as the client serves it, for a server without a disk (in a Web Worker): the
 * client lists and reads files with its own file system API (`vscode.workspace.findFiles` and
 * `vscode.workspace.fs`, which reach the virtual file systems of vscode.dev and github.dev).
 * Changes reach the server as `workspace/didChangeWatchedFiles`, so `watch` does nothing.
 */
export function clientFs(connection: Connection): WorkspaceFs {
  return {
    handles: () => true,
    async *listYamlFiles(folderUri, isExcluded) {
      const uris = await connection.sendRequest<string[] | null>(ListYamlFilesRequest, { folderUri } satisfies ListYamlFilesParams);
      const base = folderUri.endsWith('/') ? folderUri : `${folderUri}/`;
      for (const uri of uris ?? []) {
        if (typeof uri !== 'string') continue;
        const rel = uri.startsWith(base) ? decodeURIComponent(uri.slice(base.length)) : uri;
        if (!isExcluded(rel)) yield uri;
      }
    },
    async readFile(uri) {
      const text = await connection.sendRequest<string | null>(ReadFileRequest, { uri } satisfies ReadFileParams);
      if (typeof text !== 'string') throw new Error(`the client could not read ${uri}`);
      return text;
    },
    watch: () => () => undefined,
  };
}
