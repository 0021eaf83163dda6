import { runAll } from './properties';

/**
 * `npm run fuzz [-- --cases N] [-- --seed S]`: runs every fuzz property (10,000 cases in
 * total by default) and prints `N cases, N failures`; a failure prints its counterexample and
 * the seed that reproduces it. Exit status 1 on failures.
 */
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : process.env[`FUZZ_${name.slice(2).toUpperCase()}`];
}

const cases = Number(arg('--cases') ?? 10_000);
const seed = Number(arg('--seed') ?? Date.now() % 2 ** 31);
if (!Number.isInteger(cases) || cases < 1 || !Number.isInteger(seed)) {
  process.stderr.write('usage: npm run fuzz -- [--cases N] [--seed S]\n');
  process.exit(2);
}
console.log(`fuzzing with seed ${seed} (reproduce: npm run fuzz -- --seed ${seed} --cases ${cases})`);
const started = Date.now();
const r = runAll(cases, seed, (line) => console.log(line));
for (const f of r.failures) console.log(`\nFAILED: ${f.name} (seed ${f.seed})\n${f.message}`);
console.log(`${r.cases} cases, ${r.failures.length} failures (${Math.round((Date.now() - started) / 1000)} s)`);
process.exitCode = r.failures.length ? 1 : 0;
