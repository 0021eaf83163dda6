import { globMatcher } from './glob';

/** Folders the workspace index never enters, whatever the settings say. */
const ALWAYS_SKIPPED = /(^|\/)(node_modules|\.git)\//;

/**
 * Whether a path relative to its workspace folder (`/`-separated) matches one of the exclude
 * globs (`kuma.files.exclude` and the editor's `files.exclude`): a file, or a folder given by a
 * glob that names it (`charts` as well as `charts/**`). The globs come from the repository's own
 * settings: they are matched in time linear in the path (glob.ts), never by a backtracking regex.
 */
export function relExcluded(globs: readonly string[]): (rel: string) => boolean {
  if (globs.length === 0) return () => false;
  const m = globMatcher(globs);
  return (rel) => m(rel) || m(`${rel}/`);
}

/** A file: URI compared by its decoded form, with a Windows drive letter in lower case. */
function comparable(uri: string): string {
  let u: string;
  try {
    u = decodeURIComponent(uri);
  } catch {
    u = uri;
  }
  return u.replace(/^file:\/\/\/([A-Za-z]):/, (_, d: string) => `file:///${d.toLowerCase()}:`);
}

/**
 * The one filter of the files the workspace index takes from the disk, whichever reports a
 * change: the editor's file watchers (`workspace/didChangeWatchedFiles`) or the server's own
 * `fs.watch` (clients that register no watchers: Neovim, Emacs, Helix). A URI is excluded when
 * its path relative to its (innermost) workspace folder is under `node_modules` or `.git`, or
 * matches an exclude glob. A URI outside every folder is matched as it is.
 */
export function uriExcluded(folders: readonly string[], globs: readonly string[]): (uri: string) => boolean {
  // Called for each change a watcher reports, with the same settings almost always: the last
  // filter is kept rather than the globs compiled again.
  const key = JSON.stringify([folders, globs]);
  if (last?.key !== key) last = { key, filter: makeUriFilter(folders, globs) };
  return last.filter;
}

let last: { key: string; filter: (uri: string) => boolean } | undefined;

function makeUriFilter(folders: readonly string[], globs: readonly string[]): (uri: string) => boolean {
  const matches = relExcluded(globs);
  const roots = folders.map((f) => {
    const c = comparable(f);
    return c.endsWith('/') ? c : `${c}/`;
  });
  return (uri) => {
    const u = comparable(uri);
    let root: string | undefined;
    for (const r of roots) if (u.startsWith(r) && (!root || r.length > root.length)) root = r;
    const rel = root ? u.slice(root.length) : uri;
    return ALWAYS_SKIPPED.test(rel) || matches(rel);
  };
}
