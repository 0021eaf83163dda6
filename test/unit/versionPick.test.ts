// The status bar's Kuma version item opens a quick pick of the versions (client/src/versionPick.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { versionPick } from '../../client/src/versionPick';

const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
const property = pkg.contributes.configuration.properties['kuma.version'];

test('the pick lists every Kuma version with its description, the current one marked and active', () => {
  const pick = versionPick({ property, current: '2.14', scope: 'workspace' });
  assert.deepEqual(
    pick.items.map((i) => [i.label, i.description, i.version]),
    [
      ['Kuma 2.9', 'Kuma 2.9.x (schemas and rules of tag 2.9.19)', '2.9'],
      ['Kuma 2.13', 'Kuma 2.10 to 2.13 (schemas and rules of tag v2.13.10)', '2.13'],
      ['$(check) Kuma 2.14', 'current · Kuma 2.14.x (schemas and rules of tag v2.14.3)', '2.14'],
      ['Kuma 3.0', 'Kuma 3.0 development line (HEAD)', '3.0'],
    ],
  );
  assert.equal(pick.active, 2);
  assert.equal(pick.title, 'Kuma version (workspace setting kuma.version)');
  assert.equal(pick.placeholder, 'Pick the Kuma version whose schemas and rules apply; now Kuma 2.14');
});

test('without a folder the pick writes the user setting', () => {
  const pick = versionPick({ property, current: '3.0', scope: 'user' });
  assert.equal(pick.title, 'Kuma version (user setting kuma.version)');
  assert.equal(pick.active, 3);
  assert.equal(pick.items[3].label, '$(check) Kuma 3.0');
});

test('a file that pins its version: the pick says the pin wins for that file', () => {
  const pick = versionPick({ property, current: '2.14', scope: 'workspace', pinned: { version: '3.0', file: 'backend.yaml' } });
  assert.equal(
    pick.placeholder,
    'backend.yaml pins Kuma 3.0 with "# kuma-version:": the pin wins for that file; the setting applies to the others (now Kuma 2.14)',
  );
  // The note comes first, as a separator above the versions, and is not a version to pick.
  assert.deepEqual(pick.items[0], { label: 'backend.yaml pins Kuma 3.0', kind: 'separator' });
  assert.deepEqual(
    pick.items.slice(1).map((i) => i.version),
    ['2.9', '2.13', '2.14', '3.0'],
  );
  assert.equal(pick.active, 3);
});

test('an unknown current value marks nothing and activates the first version', () => {
  const pick = versionPick({ property, current: '2.12', scope: 'workspace' });
  assert.ok(pick.items.every((i) => !i.label.startsWith('$(check)')));
  assert.equal(pick.active, 0);
});
