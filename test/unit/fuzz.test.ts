import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAll } from '../fuzz/properties';

/**
 * A sample of the fuzzer (`npm run fuzz` runs 10,000 cases from a fresh seed): every property of
 * test/fuzz/properties.ts over a few hundred generated and edited manifests. The seed changes
 * every day (today's UTC date, YYYYMMDD) so that the sample keeps exploring; it is in the test's
 * name, and `FUZZ_SEED=S` runs the sample with seed S. The cases found are kept for good in
 * test/unit/fuzzRegressions.test.ts.
 */
const CASES = 200;
const today = new Date();
const seed = process.env.FUZZ_SEED
  ? Number(process.env.FUZZ_SEED)
  : today.getUTCFullYear() * 10_000 + (today.getUTCMonth() + 1) * 100 + today.getUTCDate();

test(
  `fuzz sample: ${CASES} cases of every property, seed ${seed} (replay: npm run fuzz -- --seed ${seed} --cases ${CASES})`,
  { timeout: 120_000 },
  () => {
    assert.ok(Number.isInteger(seed), `FUZZ_SEED must be an integer, not ${JSON.stringify(process.env.FUZZ_SEED)}`);
    const r = runAll(CASES, seed);
    assert.ok(r.cases >= CASES, `${r.cases} cases`);
    assert.deepEqual(
      r.failures.map((f) => `${f.name} (seed ${seed}; replay: npm run fuzz -- --seed ${seed} --cases ${CASES})\n${f.message}`),
      [],
    );
  },
);
