import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertGolden } from '../helpers';

test('assertGolden: a missing golden file fails with what to do, and is not written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kuma-golden-'));
  const saved = process.env.UPDATE_GOLDEN;
  delete process.env.UPDATE_GOLDEN;
  try {
    const path = join(dir, 'expected.yaml');
    assert.throws(
      () => assertGolden(path, 'name: x\n'),
      (e: unknown) =>
        e instanceof assert.AssertionError && e.message.includes(path) && /missing/.test(e.message) && /UPDATE_GOLDEN=1/.test(e.message),
    );
    assert.equal(existsSync(path), false, 'a plain run writes no golden file');
  } finally {
    if (saved !== undefined) process.env.UPDATE_GOLDEN = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('assertGolden: UPDATE_GOLDEN=1 writes the golden file, which the next plain run compares against', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kuma-golden-'));
  try {
    const path = join(dir, 'expected.yaml');
    assertGolden(path, 'name: x\n', true);
    assert.equal(readFileSync(path, 'utf8'), 'name: x\n');
    assertGolden(path, 'name: x\n', false);
    assert.throws(() => assertGolden(path, 'name: y\n', false), /differs \(UPDATE_GOLDEN=1 rewrites it\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
