import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAll } from '../fuzz/properties';

/**
 * A fixed-seed sample of the fuzzer (`npm run fuzz` runs 10,000 cases from a fresh seed): every
 * property of test/fuzz/properties.ts over a few hundred generated and edited manifests.
 */
test('fuzz sample: 200 cases of every property, seed 20261126', { timeout: 120_000 }, () => {
  const r = runAll(200, 20261126);
  assert.ok(r.cases >= 200, `${r.cases} cases`);
  assert.deepEqual(
    r.failures.map((f) => `${f.name}\n${f.message}`),
    [],
  );
});
