// `npm run build` (scripts/build.mjs) ends by printing each bundle it wrote with its size, and the total.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { tmpDir } from '../tmp';

const ROOT = path.resolve(__dirname, '../..');

test('the build prints one line per bundle with its size, then the total', async () => {
  const { buildReport } = (await import(pathToFileURL(path.join(ROOT, 'scripts/buildReport.mjs')).href)) as {
    buildReport: (files: string[], cwd?: string) => string;
  };
  const dir = tmpDir('kuma-build-report-');
  const sizes: Record<string, number> = {
    'dist/client.node.js': 40_000,
    'dist/server.node.js': 812 * 1024,
    'dist/validators/2.14.js': 1_300_000,
    'dist/schemas/2.14.js': 900,
  };
  for (const [f, n] of Object.entries(sizes)) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), Buffer.alloc(n));
  }
  assert.equal(
    buildReport(Object.keys(sizes), dir),
    [
      'dist/client.node.js       39 KB',
      'dist/server.node.js      812 KB',
      'dist/validators/2.14.js  1.2 MB',
      'dist/schemas/2.14.js      900 B',
      'total (4 files)          2.1 MB',
      '',
    ].join('\n'),
  );
});
