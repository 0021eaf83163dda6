import * as fs from 'node:fs';
import {
  applyEdits,
  CONVERSIONS,
  convertFile,
  createLanguageService,
  DEFAULT_KUMA_VERSION,
  KUMA_VERSIONS,
  type Conversion,
  type KumaVersion,
} from '../core';
import { readInputs } from './files';
import { choiceArg, kumaVersionArg, UsageError, walkArgs } from './args';

export const CONVERT_USAGE = `usage: kuma-lint convert service-to-meshservice|dataplane-to-meshservice|to-universal|to-kubernetes|migrate-selectors|migrate-3.0
                         [--kuma-version ${KUMA_VERSIONS.join('|')}] [--namespace NS] [--write] PATH...
  Without --write, prints the resulting documents to standard output, separated by ---, in input
  order (for the two generators: only the generated MeshServices), and one line per resource
  skipped, with the reason, on standard error. With --write, edits the files in place (generated
  MeshServices are inserted after their Service or Dataplane).
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
  // The same driver as the editor's palette commands and code actions: the same output.
  for (const [i, f] of inputs.entries()) {
    const r = convertFile(service, texts[i], settings, o.sub, o.namespace ? { namespace: o.namespace } : {});
    for (const d of r.details) io.stderr(`${f.path}: ${d}\n`);
    if (!o.write) {
      out.push(...(r.generated.length ? r.generated : r.rewritten));
      continue;
    }
    if (r.edits.length === 0) continue;
    try {
      fs.writeFileSync(f.path, applyEdits(texts[i], r.edits));
    } catch (err) {
      io.stderr(`kuma-lint: cannot write ${f.path}: ${err instanceof Error ? err.message : String(err)}\n`);
      return 2;
    }
  }
  if (!o.write) io.stdout(out.map((y, i) => (i === 0 ? y : `---\n${y}`)).join(''));
  return ioFailed ? 2 : 0;
}
