import * as fs from 'node:fs';
import { convertForm, applyEdits } from '../core/convert/format';
import { migrateSelectors } from '../core/convert/migrate';
import { serviceToMeshService } from '../core/convert/serviceToMeshService';
import { dataplanesToMeshServices } from '../core/convert/dataplaneToMeshService';
import type { ConvertInput, TextEdit } from '../core/convert/types';
import { createLanguageService, type DocumentInfo } from '../core/host/languageService';
import { DEFAULT_KUMA_VERSION, type KumaVersion } from '../core/kuma/versions';
import { readInputs } from './files';
import { choiceArg, kumaVersionArg, UsageError, walkArgs } from './args';

export const CONVERT_USAGE = `usage: kuma-lint convert service-to-meshservice|dataplane-to-meshservice|to-universal|to-kubernetes|migrate-selectors
                         [--kuma-version 2.9|2.13|2.14|3.0] [--namespace NS] [--write] PATH...
  Without --write, prints the resulting documents to standard output, separated by ---, in input
  order (for the two generators: only the generated MeshServices), and one line per resource
  skipped, with the reason, on standard error. With --write, edits the files in place (generated
  MeshServices are inserted after their Service or Dataplane).
exit status: 0 done, 2 usage or I/O error`;

const SUBCOMMANDS = ['service-to-meshservice', 'dataplane-to-meshservice', 'to-universal', 'to-kubernetes', 'migrate-selectors'] as const;
type Sub = (typeof SUBCOMMANDS)[number];

interface ConvertOptions {
  sub: Sub;
  version: KumaVersion;
  namespace?: string;
  write: boolean;
  paths: string[];
}

function parse(argv: string[]): ConvertOptions {
  const [sub, ...rest] = argv;
  if (!sub) throw new UsageError('missing conversion');
  const o: ConvertOptions = { sub: choiceArg('the conversion', sub, SUBCOMMANDS), version: DEFAULT_KUMA_VERSION, write: false, paths: [] };
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

function describe(d: DocumentInfo, text: string): string {
  const v = d.parsed.value as Record<string, unknown> | undefined;
  const meta = v && typeof v.metadata === 'object' && v.metadata ? (v.metadata as Record<string, unknown>) : undefined;
  const name = String(meta?.name ?? v?.name ?? '(unnamed)');
  const kind = d.classification.role === 'kuma' || d.classification.role === 'kubernetes' ? d.classification.kind : 'document';
  const line = text.slice(0, d.range.start).split('\n').length;
  return `${kind} ${name} (line ${line})`;
}

/** The text of a document in its chunk, without the chunk's leading `---` line. */
function documentText(chunk: string): string {
  const body = /^---[^\n]*\n/.test(chunk) ? chunk.slice(chunk.indexOf('\n') + 1) : chunk;
  return body.endsWith('\n') ? body : body + '\n';
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
  for (const f of inputs) service.setFile(f.path, f.text, 'open');
  const index = service.index();
  const out: string[] = [];
  const warn = (path: string, msg: string) => io.stderr(`${path}: ${msg}\n`);

  for (const f of inputs) {
    const analysis = service.analyze(f.text, settings);
    const version = analysis.kumaVersion;
    const edits: TextEdit[] = [];
    const inputOf = (d: DocumentInfo): ConvertInput => ({
      doc: d.parsed,
      chunk: f.text.slice(d.offset, d.offset + d.chunkLength),
      version,
      index,
    });
    const insertAfter = (d: DocumentInfo, yamls: string[]) => {
      const end = d.offset + d.chunkLength;
      const sep = f.text.slice(0, end).endsWith('\n') || end === 0 ? '' : '\n';
      edits.push({ range: { start: end, end }, newText: sep + yamls.map((y) => `---\n${y}`).join('') });
    };
    if (o.sub === 'dataplane-to-meshservice') {
      const dps = analysis.documents.filter(
        (d) => d.classification.role === 'kuma' && d.classification.kind === 'Dataplane' && d.classification.form === 'universal',
      );
      if (dps.length === 0) continue;
      const r = dataplanesToMeshServices(dps.map(inputOf));
      r.skipped.forEach((m) => warn(f.path, m));
      r.unverified.forEach((m) => warn(f.path, m));
      if (o.write) {
        if (r.generated.length)
          insertAfter(
            dps[dps.length - 1],
            r.generated.map((g) => g.yaml),
          );
      } else out.push(...r.generated.map((g) => g.yaml));
    } else {
      for (const d of analysis.documents) {
        const c = d.classification;
        const input = inputOf(d);
        if (o.sub === 'service-to-meshservice') {
          if (c.role !== 'kubernetes' || c.kind !== 'Service') continue;
          const r = serviceToMeshService(input);
          r.skipped.forEach((m) => warn(f.path, m));
          r.unverified.forEach((m) => warn(f.path, m));
          if (o.write) {
            if (r.generated.length)
              insertAfter(
                d,
                r.generated.map((g) => g.yaml),
              );
          } else out.push(...r.generated.map((g) => g.yaml));
          continue;
        }
        if (c.role !== 'kuma') continue;
        if (o.sub === 'migrate-selectors' && c.kind !== 'MeshService') continue;
        if ((o.sub === 'to-universal' && c.form === 'universal') || (o.sub === 'to-kubernetes' && c.form === 'kubernetes')) {
          warn(f.path, `${describe(d, f.text)} is already in ${c.form === 'universal' ? 'Universal' : 'Kubernetes'} form`);
          continue;
        }
        const r =
          o.sub === 'migrate-selectors'
            ? migrateSelectors(input)
            : convertForm(
                input,
                o.sub === 'to-universal' ? 'universal' : 'kubernetes',
                o.namespace ? { namespace: o.namespace } : undefined,
              );
        if ('error' in r) {
          warn(f.path, `${describe(d, f.text)}: ${r.error}`);
          continue;
        }
        r.notes.forEach((m) => warn(f.path, `${describe(d, f.text)}: ${m}`));
        if (r.edits.length === 0) continue;
        if (o.write)
          edits.push(
            ...r.edits.map((e) => ({ range: { start: e.range.start + d.offset, end: e.range.end + d.offset }, newText: e.newText })),
          );
        else out.push(documentText(applyEdits(input.chunk, r.edits)));
      }
    }
    if (o.write && edits.length) {
      try {
        fs.writeFileSync(f.path, applyEdits(f.text, edits));
      } catch (err) {
        io.stderr(`kuma-lint: cannot write ${f.path}: ${err instanceof Error ? err.message : String(err)}\n`);
        return 2;
      }
    }
  }
  if (!o.write) io.stdout(out.map((y, i) => (i === 0 ? y : `---\n${y}`)).join(''));
  return ioFailed ? 2 : 0;
}
