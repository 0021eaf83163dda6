import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkspaceFs } from '../lsp/workspaceFs';

const SKIP = new Set(['node_modules', '.git']);
const YAML = /\.ya?ml$/i;

/** The workspace on the local disk, for LSP clients that do not serve files themselves. */
export const nodeFs: WorkspaceFs = {
  async *listYamlFiles(folderUri, isExcluded) {
    const root = fileURLToPath(folderUri);
    const stack = [root];
    while (stack.length) {
      const dir = stack.pop()!;
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        const full = path.join(dir, e.name);
        const rel = path.relative(root, full).split(path.sep).join('/');
        if (e.isDirectory()) {
          if (!SKIP.has(e.name) && !isExcluded(rel)) stack.push(full);
        } else if (YAML.test(e.name) && !isExcluded(rel)) yield pathToFileURL(full).toString();
      }
    }
  },
  // A synchronous read of a manifest takes microseconds; the promise API costs more than the
  // read itself for thousands of small files.
  readFile: async (uri) => fs.readFileSync(fileURLToPath(uri), 'utf8'),
  watch(folderUri, onChange) {
    const root = fileURLToPath(folderUri);
    let watcher: fs.FSWatcher | undefined;
    try {
      watcher = fs.watch(root, { recursive: true }, (_event, name) => {
        if (
          !name ||
          !YAML.test(String(name)) ||
          String(name)
            .split(path.sep)
            .some((p) => SKIP.has(p))
        )
          return;
        const full = path.join(root, String(name));
        onChange(pathToFileURL(full).toString(), !fs.existsSync(full));
      });
      watcher.on('error', () => watcher?.close());
    } catch {
      // Recursive watching is not available everywhere; the index then follows open files only.
    }
    return () => watcher?.close();
  },
};
