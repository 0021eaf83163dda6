import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  applyEdits,
  CONVERSIONS,
  convertFile,
  migrationSummary,
  createLanguageService,
  DEFAULT_KUMA_VERSION,
  KUMA_VERSIONS,
  type Conversion,
  type KumaVersion,
} from '../core';
import { ioMessage, readInputs } from './files';
import { choiceArg, kumaVersionArg, UsageError, walkArgs } from './args';

export const CONVERT_USAGE = `usage: kuma-lint convert service-to-meshservice|dataplane-to-meshservice|to-universal|to-kubernetes|migrate-selectors|migrate-3.0
                         [--kuma-version ${KUMA_VERSIONS.join('|')}] [--namespace NS] [--write] PATH...
  Without --write, prints the resulting documents to standard output, separated by ---, in input
  order (for the two generators: only the generated MeshServices), and one line per resource
  skipped, with the reason, on standard error. With --write, edits the files in place (generated
  MeshServices are inserted after their Service or Dataplane), each written whole or not at all;
  files reached through a symbolic link while walking a folder are not written.
exit status: 0 done, 2 usage or I/O error`;

interface ConvertOptions {
  sub: Conversion;
  version: KumaVersion;
  namespace?: string;
  write: boolean;
  paths: string[];
}

function parse(argv: string[]): ConvertOptions {
  const [sub, ...rest] = argv;
  if (!sub) throw new UsageError('missing conversion');
  const o: ConvertOptions = { sub: choiceArg('the conversion', sub, CONVERSIONS), version: DEFAULT_KUMA_VERSION, write: false, paths: [] };
  o.paths = walkArgs(rest, (flag, value) => {
    if (flag === '--kuma-version') o.version = kumaVersionArg(value());
    else if (flag === '--namespace') o.namespace = value();
    else if (flag === '--write') o.write = true;
    else return false;
    return true;
  });
  if (o.paths.length === 0) throw new UsageError('no PATH given');
  if (o.write && o.paths.includes('-')) throw new UsageError('--write cannot write back to standard input');
  return o;
}

/** Runs `kuma-lint convert`; returns the exit status. */
export async function runConvert(
  argv: string[],
  io: { stdout: (s: string) => void; stderr: (s: string) => void; stdin: () => Promise<string> },
): Promise<number> {
  let o: ConvertOptions;
  try {
    o = parse(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`kuma-lint: ${err.message}\n${CONVERT_USAGE}\n`);
      return 2;
    }
    throw err;
  }
  const { inputs, ioFailed } = await readInputs(o.paths, io);
  const service = createLanguageService();
  const settings = { kumaVersion: o.version, validate: false };
  // The text as the editor reads it from disk: with its byte order mark, which the writes keep.
  const texts = inputs.map((f) => (f.bom ? '\uFEFF' + f.text : f.text));
  inputs.forEach((f, i) => service.setFile(f.path, texts[i], 'open'));
  const out: string[] = [];
  let writeFailed = false;
  // The same driver as the editor's palette commands and code actions: the same output.
  const migrating = o.sub === 'migrate-3.0' || o.sub === 'migrate-selectors';
  const summary: { changed: boolean; rewritten: number; left: number }[] = [];
  for (const [i, f] of inputs.entries()) {
    const r = convertFile(service, texts[i], settings, o.sub, o.namespace ? { namespace: o.namespace } : {});
    for (const d of r.details) io.stderr(`${f.path}: ${d}\n`);
    summary.push({ changed: r.edits.length > 0, rewritten: r.rewritten.length, left: r.left.length });
    if (!o.write) {
      out.push(...(r.generated.length ? r.generated : r.rewritten));
      continue;
    }
    if (r.edits.length === 0) continue;
    if (reachedThroughLink(f.path, o.paths)) {
      io.stderr(`kuma-lint: ${f.path}: not written: it is a symbolic link found in a folder (name it on the command line to write it)\n`);
      continue;
    }
    // Each file on its own: a file that cannot be written is reported, the others are still written.
    try {
      writeAtomic(f.path, applyEdits(texts[i], r.edits));
    } catch (err) {
      io.stderr(`kuma-lint: cannot write ${f.path}: ${ioMessage(err)}\n`);
      writeFailed = true;
    }
  }
  if (!o.write) io.stdout(out.map((y, i) => (i === 0 ? y : `---\n${y}`)).join(''));
  // A migration ends with its summary: files, documents, and how much was left (the lines above say why).
  if (migrating) io.stderr(`kuma-lint: ${migrationSummary(`convert ${o.sub}`, summary)}\n`);
  return ioFailed || writeFailed ? 2 : 0;
}

/**
 * Whether a file found by walking a folder named on the command line was reached through a
 * symbolic link (the file itself or a folder on the way): writing it would change a file
 * outside the folder. A file named on the command line is written, link or not.
 */
function reachedThroughLink(file: string, named: string[]): boolean {
  const abs = path.resolve(file);
  const roots = named.filter((p) => p !== '-').map((p) => path.resolve(p));
  if (roots.includes(abs)) return false;
  const root = roots.find((r) => abs.startsWith(r.endsWith(path.sep) ? r : r + path.sep));
  if (root === undefined) return false;
  for (let p = abs; p !== root; p = path.dirname(p)) if (fs.lstatSync(p).isSymbolicLink()) return true;
  return false;
}

/**
 * Writes a file so that it is either the old text or the new one, never a part of it: the new
 * text goes to a temporary file in the same folder, with the file's mode, then replaces the file
 * by a rename. A symbolic link named on the command line stays a link: its target is written.
 * A file that cannot be written (read-only) is not replaced.
 */
function writeAtomic(file: string, text: string): void {
  const target = fs.realpathSync(file);
  fs.accessSync(target, fs.constants.W_OK);
  const st = fs.statSync(target);
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.kuma-lint-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'wx', st.mode & 0o7777);
  try {
    try {
      fs.writeFileSync(fd, text);
      fs.fchmodSync(fd, st.mode & 0o7777);
      try {
        fs.fchownSync(fd, st.uid, st.gid);
      } catch {
        // Only root may give a file away; the file then belongs to who wrote it.
      }
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
