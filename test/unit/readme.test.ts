import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DIAGNOSTIC_CODES, SEVERITY_LEVELS } from '../../server/src/core/diagnostics/codes';

const root = path.resolve(__dirname, '../..');

test("the README's code table lists every diagnostic code, with its default severity and a link to its docs", () => {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const rows = [...readme.matchAll(/^\| \[`([a-z0-9-]+)`\]\(docs\/diagnostics\.md#([a-z0-9-]+)\) \| (\w+) \|$/gm)];
  assert.deepEqual(
    rows.map((m) => `${m[1]} ${m[2]} ${m[3]}`),
    Object.entries(DIAGNOSTIC_CODES).map(([code, info]) => `${code} ${code} ${info.severity}`),
  );
});

test('package.json contributes every kuma.* setting the README lists, with a description', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const props = pkg.contributes.configuration.properties as Record<string, { description?: string; markdownDescription?: string }>;
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const documented = [...readme.matchAll(/^\| `(kuma\.[a-zA-Z.]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual(documented.sort(), Object.keys(props).sort());
  for (const [k, v] of Object.entries(props)) assert.ok(v.description || v.markdownDescription, k);
});

test('kuma.diagnostics.severity in package.json offers exactly the diagnostic codes, each with every level and its default', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const setting = pkg.contributes.configuration.properties['kuma.diagnostics.severity'];
  assert.equal(setting.additionalProperties, false, 'settings.json flags an unknown code');
  assert.deepEqual(Object.keys(setting.properties), Object.keys(DIAGNOSTIC_CODES));
  for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) {
    assert.deepEqual(setting.properties[code].enum, SEVERITY_LEVELS, code);
    assert.equal(setting.properties[code].markdownDescription, `${info.doc} Default: \`${info.severity}\`.`, code);
  }
});
