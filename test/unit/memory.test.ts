import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/**
 * A day of typing must not grow the server: each document the cache keeps is its own string, not
 * a slice that keeps the whole text of the file's version alive. 60 versions of a 1 MB file are
 * analysed in a process of their own (with --expose-gc), and the heap after them is compared with
 * the heap after the first few: pinned versions would add about 1 MB each.
 */
const SCRIPT = `
const { createLanguageService } = require(${JSON.stringify(path.resolve(__dirname, '../../server/src/core'))});
const doc = (i, v) => 'apiVersion: kuma.io/v1alpha1\\nkind: MeshService\\nmetadata:\\n  name: svc-' + i + '\\n  namespace: ns\\nspec:\\n  selector:\\n    dataplaneTags:\\n      app: a' + i + '\\n  ports:\\n    - port: ' + (1000 + v) + '\\n      targetPort: 8080\\n      appProtocol: http\\n';
const N = 5000;
const parts = Array.from({ length: N }, (_, i) => doc(i, 0));
const service = createLanguageService();
const settings = { kumaVersion: '2.14', validate: true };
let base;
for (let v = 0; v < 60; v++) {
  // One keystroke-like change per version: a different document each time.
  parts[(v * 37) % N] = doc((v * 37) % N, v + 1);
  service.setFile('file:///big.yaml', parts.join('---\\n'), 'open');
  service.diagnose('file:///big.yaml', parts.join('---\\n'), settings);
  if (v === 5) { global.gc(); global.gc(); base = process.memoryUsage().heapUsed; }
}
global.gc(); global.gc();
process.stdout.write(JSON.stringify({ size: parts.join('---\\n').length, growth: process.memoryUsage().heapUsed - base }));
`;

test('the document cache does not keep old versions of a file alive (60 edits of a 1 MB file)', { timeout: 120_000 }, () => {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '-e', SCRIPT], {
    encoding: 'utf8',
    cwd: path.resolve(__dirname, '../..'),
  });
  assert.equal(r.status, 0, r.stderr);
  const { size, growth } = JSON.parse(r.stdout) as { size: number; growth: number };
  assert.ok(size > 900_000, `file of ${size} characters`);
  // 54 pinned versions would be about 54 × size; a flat cache stays within a few MB.
  assert.ok(growth < 10 * size, `heap grew by ${(growth / 1e6).toFixed(1)} MB over 54 edits of a ${(size / 1e6).toFixed(1)} MB file`);
});
