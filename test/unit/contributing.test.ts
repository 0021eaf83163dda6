import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

test('CONTRIBUTING.md names only files and folders that exist', () => {
  const text = fs.readFileSync(path.join(ROOT, 'CONTRIBUTING.md'), 'utf8');
  const named = new Set<string>();
  for (const m of text.matchAll(/(?:^|[\s`(])((?:server|client|test|scripts|docs|schemas|examples)\/[\w./-]*[\w/])/gm)) {
    // Placeholders (`<case>`, `<version>`) are not paths.
    if (!m[1].includes('<')) named.add(m[1].replace(/\/$/, ''));
  }
  assert.ok(named.size > 25, `${named.size} paths named`);
  const missing = [...named].filter((p) => !fs.existsSync(path.join(ROOT, p)));
  assert.deepEqual(missing, [], 'CONTRIBUTING.md names paths that do not exist');
});
