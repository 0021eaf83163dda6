import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_FILE_CHARS, tooLargeMessage } from '../core';
import { FileNotRead, readRegularFile } from '../node/readFile';

const SKIP_DIRS = new Set(['node_modules', '.git']);

/**
 * Files to check under a path, in a stable order: directories are searched for *.yaml / *.yml.
 * Every such name that is not a directory is listed, named pipes and devices too: reading them
 * is what refuses them (`readRegularFile`), with a note, whatever a symlink points to.
 */
export function collect(p: string, out: string[]): void {
  const st = fs.statSync(p);
  if (st.isDirectory()) {
    const entries = fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const child = path.join(p, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) collect(child, out);
      } else if (/\.ya?ml$/i.test(e.name)) out.push(child);
    }
  } else out.push(p);
}

export function ioMessage(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file or directory';
  if (e.code === 'EACCES') return 'permission denied';
  if (e.code === 'EISDIR') return 'is a directory';
  if (err instanceof FileNotRead) return err.message;
  return e.message ?? String(err);
}

export interface Input {
  path: string;
  text: string;
  /** True when the bytes were not valid UTF-8 (the invalid ones read as U+FFFD). */
  invalidUtf8?: boolean;
  /** Set when the file is over the size limit: `text` is then only its start (see `oversizeAnalysis`). */
  tooLarge?: { size?: number };
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
 * with the file's name; the rest is still read. Only regular files are read (symlinks followed):
 * one named on the command line that is not is an I/O error, one met in a folder is skipped with
 * a note. A file over the size limit is an I/O error too, unless `oversize` is set: it then comes
 * back cut at the limit and marked `tooLarge`, for the checks to report as too large.
 */
export async function readInputs(
  paths: string[],
  io: { stderr: (s: string) => void; stdin: () => Promise<string | Buffer> },
  options: { oversize?: boolean } = {},
): Promise<{ inputs: Input[]; ioFailed: boolean }> {
  const inputs: Input[] = [];
  let ioFailed = false;
  const tooLarge = (name: string, head: Buffer, size: number | undefined) => {
    if (options.oversize) inputs.push({ ...decode(name, head), tooLarge: { size } });
    else {
      io.stderr(`kuma-lint: cannot read ${name}: ${tooLargeMessage(size)}\n`);
      ioFailed = true;
    }
  };
  for (const p of paths) {
    if (p === '-') {
      try {
        const input = await io.stdin();
        inputs.push(typeof input === 'string' ? { path: '<stdin>', text: input } : decode('<stdin>', input));
      } catch (err) {
        if (err instanceof StdinTooLarge) tooLarge('<stdin>', err.head, undefined);
        else {
          io.stderr(`kuma-lint: cannot read <stdin>: ${ioMessage(err)}\n`);
          ioFailed = true;
        }
      }
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
        const r = readRegularFile(f);
        if (r.tooLarge) tooLarge(f, r.bytes, r.tooLarge.size);
        else inputs.push(decode(f, r.bytes));
      } catch (err) {
        // Met while walking a folder: a pipe, a socket or a device is not a manifest; said, not failed.
        if (err instanceof FileNotRead && err.code === 'ENOTREG' && f !== p) io.stderr(`kuma-lint: ${f}: skipped: ${err.message}\n`);
        else {
          io.stderr(`kuma-lint: cannot read ${f}: ${ioMessage(err)}\n`);
          ioFailed = true;
        }
      }
    }
  }
  return { inputs, ioFailed };
}

/** Standard input went past the size limit: `head` is its start. */
export class StdinTooLarge extends Error {
  constructor(readonly head: Buffer) {
    super(tooLargeMessage(undefined));
  }
}

/**
 * Standard input as text, read up to the size limit: past it, reading stops (`/dev/zero` never
 * ends) and the promise rejects with `StdinTooLarge`.
 */
export function readStdin(stream: NodeJS.ReadableStream = process.stdin, limit = MAX_FILE_CHARS): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (c: Buffer) => {
      chunks.push(c);
      length += c.length;
      if (length <= limit) return;
      stream.removeListener('data', onData);
      stream.pause();
      (stream as { destroy?: () => void }).destroy?.();
      reject(new StdinTooLarge(Buffer.concat(chunks).subarray(0, limit)));
    };
    stream.on('data', onData);
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}
