import * as fs from 'node:fs';
import { readInputs, readStdin, type Input } from './files';
import { analyzeInParallel, isCheckWorker, serveWorker, workerCount } from './parallel';
import type { KumaDiagnostic } from '../core';
import type { FileSkip } from '../core';
import { choiceArg, kumaVersionArg, UsageError, walkArgs } from './args';
import { CONVERT_USAGE, runConvert } from './convert';
import { createLanguageService, oversizeAnalysis, type LanguageService, type LocalAnalysis, type Settings } from '../core';
import { DEFAULT_KUMA_VERSION, KUMA_VERSIONS } from '../core';
import { TOOLS_VERSION } from '../version';
import { parseSeverityOverrides, type Severity, type SeverityOverrides } from '../core';
import { atLeast, formatJson, formatJunit, formatSarif, formatText, summary, type FileResult } from './formats';

const VERSION = TOOLS_VERSION;
const USAGE = `usage: kuma-lint check [--format text|json|sarif|junit] [--kuma-version ${KUMA_VERSIONS.join('|')}]
                       [--fail-on error|warning|never] [--severity CODE=LEVEL]... [--sarif-root DIR] PATH...
  PATH is a file, a directory (searched for *.yaml and *.yml, skipping node_modules and .git),
  or - for standard input. --severity (repeatable) sets a code's severity: error, warning,
  information, hint, or off to drop it; --fail-on counts the severities so set. Hints (the
  upgrade-3.0-* codes before 3.0) are left out unless raised, e.g. --severity upgrade-3.0-inbound-tags=warning. SARIF file URIs
  are relative to --sarif-root (the checkout root; default: the working directory).
exit status: 0 nothing at or above --fail-on (default error), 1 problems found, 2 usage or I/O error`;

interface Options {
  format: 'text' | 'json' | 'sarif' | 'junit';
  kumaVersion: Settings['kumaVersion'];
  failOn: Severity | 'never';
  severity: SeverityOverrides;
  paths: string[];
  sarifRoot?: string;
}

function parseArgs(argv: string[]): Options {
  const [command, ...rest] = argv;
  if (command === undefined) throw new UsageError('missing command');
  if (command !== 'check') throw new UsageError(`unknown command "${command}" (use check or convert)`);
  const o: Options = { format: 'text', kumaVersion: DEFAULT_KUMA_VERSION, failOn: 'error', severity: {}, paths: [] };
  const severity: Record<string, string> = {};
  o.paths = walkArgs(rest, (flag, value) => {
    if (flag === '--format') o.format = choiceArg(flag, value(), ['text', 'json', 'sarif', 'junit'] as const);
    else if (flag === '--kuma-version') o.kumaVersion = kumaVersionArg(value());
    else if (flag === '--fail-on') o.failOn = choiceArg(flag, value(), ['error', 'warning', 'never'] as const);
    else if (flag === '--sarif-root') o.sarifRoot = directoryArg(flag, value());
    else if (flag === '--severity') {
      const v = value();
      const eq = v.indexOf('=');
      if (eq <= 0) throw new UsageError(`--severity takes CODE=LEVEL (for example target-port-unserved=off), not "${v}"`);
      severity[v.slice(0, eq).trim()] = v.slice(eq + 1).trim();
    } else return false;
    return true;
  });
  const { overrides, problems } = parseSeverityOverrides(severity);
  if (problems.length) throw new UsageError(`--severity: ${problems.join('; ')}`);
  o.severity = overrides;
  if (o.paths.length === 0) throw new UsageError('no PATH given (use . for the current directory, - for standard input)');
  return o;
}

function directoryArg(flag: string, dir: string): string {
  let isDir = false;
  try {
    isDir = fs.statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new UsageError(`${flag} must be a directory, not "${dir}"`);
  return dir;
}

export async function run(
  argv: string[],
  io: { stdout: (s: string) => void; stderr: (s: string) => void; stdin: () => Promise<string> },
  /** This CLI's bundled script, to start worker threads on; without it, files are checked on this thread. */
  workerScript?: string,
): Promise<number> {
  if (argv[0] === 'convert') {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.stdout(CONVERT_USAGE + '\n');
      return 0;
    }
    return runConvert(argv.slice(1), io);
  }
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout(USAGE + '\n' + CONVERT_USAGE + '\n');
    return 0;
  }
  if (argv.includes('--version')) {
    io.stdout(`kuma-lint ${VERSION}\n`);
    return 0;
  }
  let o: Options;
  try {
    o = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`kuma-lint: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
  const service = createLanguageService();
  // Hints are for the editor (the upgrade lint's at 2.x): a CI run reports a code once --severity sets it.
  const settings: Settings = { kumaVersion: o.kumaVersion, validate: true, severity: o.severity, hints: 'set' };
  // Read everything first: the cross-file checks see every file given, whatever the order.
  const { inputs, ioFailed } = await readInputs(o.paths, io, { oversize: true });
  // Files over the size limit were read only up to it: they are reported, never parsed.
  const readable = inputs.filter((f) => !f.tooLarge);
  const workers = workerScript && !o.paths.includes('-') ? workerCount(readable) : 0;
  let locals: LocalAnalysis[] = [];
  if (workers > 0) {
    try {
      locals = await analyzeInParallel(workerScript!, readable, settings, workers);
    } catch (err) {
      // A worker that failed (out of memory, say) costs time, not the result: check here instead.
      if (process.env.KUMA_LINT_DEBUG)
        io.stderr(`kuma-lint: worker threads failed (${err instanceof Error ? err.message : String(err)}); checking on one thread\n`);
    }
  }
  // From a fresh turn of the event loop either way: the stack a parse starts on is then the same.
  await new Promise((resolve) => setImmediate(resolve));
  const checked = new Map(check(service, readable, settings, locals).map((r, i) => [readable[i], r]));
  const files: FileResult[] = inputs.map((f) => {
    const { diagnostics, skipped } = f.tooLarge ? oversizeAnalysis(f.text, f.tooLarge.size, settings) : checked.get(f)!;
    // One line per file the checks could not read as it is; never a stack trace.
    if (skipped && diagnostics.length === 0) io.stderr(`kuma-lint: ${f.path}: skipped: ${skipped.message}\n`);
    else if (f.invalidUtf8) io.stderr(`kuma-lint: ${f.path}: not valid UTF-8; the invalid bytes were read as U+FFFD\n`);
    return { path: f.path, text: f.text, diagnostics };
  });
  const failLevel: Severity = o.failOn === 'never' ? 'error' : o.failOn;
  const report = { kumaVersion: o.kumaVersion, files, toolVersion: VERSION, failLevel, sarifRoot: o.sarifRoot };
  const formatted = { text: formatText, json: formatJson, sarif: formatSarif, junit: formatJunit }[o.format](report);
  io.stdout(formatted);
  const s = summary(report);
  if (o.format === 'text') {
    io.stderr(
      `kuma-lint: ${s.files} file${s.files === 1 ? '' : 's'} checked against Kuma ${o.kumaVersion}: ${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}\n`,
    );
  }
  if (ioFailed) return 2;
  if (o.failOn === 'never') return 0;
  const level = o.failOn;
  return files.some((f) => f.diagnostics.some((d) => atLeast(d.severity, level))) ? 1 : 0;
}

/**
 * Codes whose findings can depend on the thread: how deep YAML nests before the parser runs out
 * of stack (a worker's stack is not the main thread's), and a rule that failed. Files with them are
 * checked again here, so the output is the one-thread output whatever the number of threads.
 */
const THREAD_DEPENDENT = new Set(['yaml-limit', 'internal-error']);

/**
 * Every file's final diagnostics. Files with a local analysis (from a worker thread) only get the
 * cross-file part here; the others are parsed and checked on this thread. Both kinds go through
 * this one function, so a parse that runs out of stack does so at the same depth either way.
 */
function check(
  service: LanguageService,
  inputs: Input[],
  settings: Settings,
  locals: (LocalAnalysis | undefined)[],
): { diagnostics: KumaDiagnostic[]; skipped?: FileSkip }[] {
  const usable = locals.map((l) => (l && !l.diagnostics.some((d) => THREAD_DEPENDENT.has(d.code)) ? l : undefined));
  for (let i = 0; i < inputs.length; i++) {
    const f = inputs[i];
    const l = usable[i];
    // As open files: their parse stays in the cache, so checking them does not parse again.
    if (l === undefined) service.setFile(f.path, f.text, 'open');
    else service.setDiskFacts(f.path, f.text, l.facts, l.fingerprint);
  }
  return inputs.map((f, i) => {
    const l = usable[i];
    if (l === undefined) return service.diagnose(f.path, f.text, settings);
    return { diagnostics: service.diagnoseLocal(f.path, f.text, l, settings), skipped: l.skipped };
  });
}

if (isCheckWorker()) serveWorker();
else if (require.main === module) {
  const io = { stdout: (s: string) => process.stdout.write(s), stderr: (s: string) => process.stderr.write(s), stdin: readStdin };
  run(process.argv.slice(2), io, __filename).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // The stack only on request: a user gets one line.
      const detail = err instanceof Error ? (process.env.KUMA_LINT_DEBUG ? (err.stack ?? err.message) : err.message) : String(err);
      process.stderr.write(`kuma-lint: internal error: ${detail} (please report it; KUMA_LINT_DEBUG=1 shows the stack)\n`);
      process.exitCode = 2;
    },
  );
}
