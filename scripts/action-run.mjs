// The run step of the GitHub Action (action.yml): kuma-lint check --format sarif over the given paths,
// the SARIF file written for github/codeql-action/upload-sarif, one annotation per finding, counts in
// the step outputs and summary, and the exit status by the `fail-on` threshold. Plain Node, no
// dependencies: test/cli/integrations.test.ts runs it locally with the environment a runner gives.
//
// Environment: INPUT_PATHS (paths, whitespace-separated; default .), INPUT_KUMA_VERSION, INPUT_FAIL_ON
// (error|warning|never; default error), INPUT_SARIF_FILE (default kuma-lint.sarif), INPUT_ARGS (more
// kuma-lint check arguments), KUMA_LINT (the kuma-lint to run: a .js file or a command; default
// kuma-lint from the PATH), GITHUB_WORKSPACE (the checkout root SARIF paths are relative to; default
// the working directory), GITHUB_OUTPUT and GITHUB_STEP_SUMMARY (files, when set).
// Exit status: 0 nothing at or above fail-on, 1 something is, 2 kuma-lint could not run or check.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const env = process.env;
const input = (name, fallback = '') => (env[`INPUT_${name}`] ?? '').trim() || fallback;
const words = (s) => s.split(/\s+/).filter(Boolean);

function fail(message) {
  console.log(`::error title=kuma-lint::${escape(message)}`);
  process.exit(2);
}

/** Workflow command data: %, CR and LF escaped (properties also escape : and ,). */
function escape(s, property = false) {
  const out = s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return property ? out.replace(/:/g, '%3A').replace(/,/g, '%2C') : out;
}

const failOn = input('FAIL_ON', 'error');
if (!['error', 'warning', 'never'].includes(failOn)) fail(`fail-on must be error, warning or never, not "${failOn}"`);
const root = path.resolve(env.GITHUB_WORKSPACE || process.cwd());
const sarifFile = path.resolve(input('SARIF_FILE', 'kuma-lint.sarif'));
const kumaVersion = input('KUMA_VERSION');
const args = [
  'check',
  '--format',
  'sarif',
  '--sarif-root',
  root,
  '--fail-on',
  'never',
  ...(kumaVersion ? ['--kuma-version', kumaVersion] : []),
  ...words(input('ARGS')),
  ...words(input('PATHS', '.')),
];
const lint = env.KUMA_LINT || 'kuma-lint';
const [command, argv] = /\.[cm]?js$/.test(lint) ? [process.execPath, [lint, ...args]] : [lint, args];
console.log(`kuma-lint ${args.join(' ')}`);
const run = spawnSync(command, argv, { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
if (run.error) fail(`could not run ${lint}: ${run.error.message} (install it with npm install -g kuma-language-server)`);
if (run.status !== 0) fail(`kuma-lint exited with status ${run.status}; see its message above`);
fs.mkdirSync(path.dirname(sarifFile), { recursive: true });
fs.writeFileSync(sarifFile, run.stdout);

const sarifRun = JSON.parse(run.stdout).runs[0];
const counts = { error: 0, warning: 0, note: 0 };
const COMMAND = { error: 'error', warning: 'warning', note: 'notice' };
for (const r of sarifRun.results) {
  counts[r.level]++;
  const loc = r.locations[0].physicalLocation;
  const uri = loc.artifactLocation.uri;
  const file = loc.artifactLocation.uriBaseId ? uri.split('/').map(decodeURIComponent).join('/') : uri;
  const { startLine, startColumn, endLine, endColumn } = loc.region;
  const props = `file=${escape(file, true)},line=${startLine},col=${startColumn},endLine=${endLine},endColumn=${endColumn},title=${escape(`kuma-lint ${r.ruleId}`, true)}`;
  console.log(`::${COMMAND[r.level]} ${props}::${escape(r.message.text)}`);
}
const failed = failOn === 'error' ? counts.error > 0 : failOn === 'warning' ? counts.error + counts.warning > 0 : false;
const said = `kuma-lint (Kuma ${sarifRun.properties.kumaVersion}): ${counts.error} errors, ${counts.warning} warnings, ${counts.note} notes; fail-on ${failOn}: ${failed ? 'failed' : 'passed'}`;
console.log(said);
if (env.GITHUB_OUTPUT) {
  const out = {
    'sarif-file': sarifFile,
    errors: counts.error,
    warnings: counts.warning,
    notes: counts.note,
    failed,
  };
  fs.appendFileSync(
    env.GITHUB_OUTPUT,
    Object.entries(out)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
  );
}
if (env.GITHUB_STEP_SUMMARY) fs.appendFileSync(env.GITHUB_STEP_SUMMARY, `### ${said}\n`);
process.exit(failed ? 1 : 0);
