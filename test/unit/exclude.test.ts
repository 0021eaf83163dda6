import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relExcluded, uriExcluded } from '../../server/src/lsp/exclude';

test('uriExcluded: globs relative to the innermost folder, node_modules and .git always skipped', () => {
  const is = uriExcluded(['file:///w', 'file:///w/sub/'], ['ignored/**', 'charts']);
  assert.equal(is('file:///w/ignored/ms.yaml'), true);
  assert.equal(is('file:///w/ignored/deep/ms.yaml'), true);
  assert.equal(is('file:///w/kept/ms.yaml'), false);
  assert.equal(is('file:///w/charts/x.yaml'), false, 'a bare folder name matches the folder, not its files');
  assert.equal(is('file:///w/sub/ignored/ms.yaml'), true, 'relative to the innermost folder');
  assert.equal(is('file:///w/a/node_modules/p/x.yaml'), true);
  assert.equal(is('file:///w/.git/x.yaml'), true);
  assert.equal(is('file:///w/.hidden/x.yaml'), false);
  assert.equal(is('file:///elsewhere/x.yaml'), false);
});

test('uriExcluded: encoded URIs and Windows drive letters compare by their decoded form', () => {
  const is = uriExcluded(['file:///c%3A/my%20ws'], ['ignored dir/**']);
  assert.equal(is('file:///C:/my%20ws/ignored%20dir/ms.yaml'), true);
  assert.equal(is('file:///c:/my ws/ignored dir/ms.yaml'), true);
  assert.equal(is('file:///C:/my%20ws/kept/ms.yaml'), false);
});

test('relExcluded: dot files and the folder form', () => {
  const is = relExcluded(['**/testdata', '.ci/**']);
  assert.equal(is('a/testdata'), true);
  assert.equal(is('.ci/x.yaml'), true);
  assert.equal(is('a/x.yaml'), false);
  assert.equal(relExcluded([])('anything'), false);
});
