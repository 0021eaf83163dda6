import * as fs from 'node:fs';
import * as path from 'node:path';

const SKIP_DIRS = new Set(['node_modules', '.git']);

/** Files to check under a path, in a stable order: directories are searched for *.yaml / *.yml. */
export function collect(p: string, out: string[]): void {
  const st = fs.statSync(p);
  if (st.isDirectory()) {
    const entries = fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const child = path.join(p, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) collect(child, out);
      } else if (/\.ya?ml$/i.test(e.name) && (e.isFile() || e.isSymbolicLink())) out.push(child);
    }
  } else out.push(p);
}

export function ioMessage(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file or directory';
  if (e.code === 'EACCES') return 'permission denied';
  if (e.code === 'EISDIR') return 'is a directory';
  return e.message ?? String(err);
}

export interface Input {
  path: string;
  text: string;
  /** True when the bytes were not valid UTF-8 (the invalid ones read as U+FFFD). */
  invalidUtf8?: boolean;
  /** True when the file starts with a UTF-8 byte order mark (`text` does not hold it): a writer puts it back. */
  bom?: boolean;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a file's bytes as UTF-8, noting whether some were invalid (they become U+FFFD). */
export function decode(path: string, bytes: Buffer): Input {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? { bom: true } : {};
  try {
    return { path, text: strictUtf8.decode(bytes), ...bom };
  } catch {
    return { path, text: bytes.toString('utf8').replace(/^\uFEFF/, ''), invalidUtf8: true, ...bom };
  }
}

/**
 * Reads every file the paths name (`-` is standard input). I/O problems are reported on stderr
 * with the file's name; the rest is still read.
 */
export async function readInputs(
  paths: string[],
  io: { stderr: (s: string) => void; stdin: () => Promise<string | Buffer> },
): Promise<{ inputs: Input[]; ioFailed: boolean }> {
  const inputs: Input[] = [];
  let ioFailed = false;
  for (const p of paths) {
    if (p === '-') {
      const input = await io.stdin();
      inputs.push(typeof input === 'string' ? { path: '<stdin>', text: input } : decode('<stdin>', input));
      continue;
    }
    const found: string[] = [];
    try {
      collect(p, found);
    } catch (err) {
      io.stderr(`kuma-lint: cannot read ${p}: ${ioMessage(err)}\n`);
      ioFailed = true;
      continue;
    }
    for (const f of found) {
      try {
        inputs.push(decode(f, fs.readFileSync(f)));
      } catch (err) {
        io.stderr(`kuma-lint: cannot read ${f}: ${ioMessage(err)}\n`);
        ioFailed = true;
      }
    }
  }
  return { inputs, ioFailed };
}
