// What `npm run build` prints when it is done: each file it wrote (source maps aside) with its size,
// and the total, so a change that makes a bundle much bigger shows at once.
import fs from 'node:fs';
import path from 'node:path';

/** 900 B, 812 KB, 1.2 MB (powers of 1024). */
export function formatSize(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** One line per file (paths relative to `cwd`, as given), sizes aligned, then the total. */
export function buildReport(files, cwd = process.cwd()) {
  const rows = files.map((f) => [f, fs.statSync(path.resolve(cwd, f)).size]);
  const total = rows.reduce((sum, [, n]) => sum + n, 0);
  rows.push([`total (${files.length} file${files.length === 1 ? '' : 's'})`, total]);
  const nameWidth = Math.max(...rows.map(([name]) => name.length));
  const sizeWidth = Math.max(...rows.map(([, n]) => formatSize(n).length));
  return rows.map(([name, n]) => `${name.padEnd(nameWidth)}  ${formatSize(n).padStart(sizeWidth)}\n`).join('');
}
