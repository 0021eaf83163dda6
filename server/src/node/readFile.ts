import * as fs from 'node:fs';
import { MAX_FILE_CHARS, tooLargeMessage } from '../core';

/**
 * The one way the node front ends (the CLI, the server's readFile, the index worker) read a
 * file from the disk: regular files only, after following symlinks, and never more than the
 * size limit plus one byte, whatever the file says its size is.
 *
 * A device (`/dev/zero` never ends), a named pipe (a read blocks until someone writes, and a
 * thread blocked there keeps the process alive), a socket or a directory is refused before it
 * is opened. A file that claims a size of 0 (devices, `/proc`) is read in a loop that stops
 * past the limit, so no input takes more memory than the limit.
 */

/** An error whose `code` says why a file was not read: `ENOTREG` (not a regular file) or `EFBIG`. */
export class FileNotRead extends Error {
  constructor(
    message: string,
    readonly code: 'ENOTREG' | 'EFBIG',
  ) {
    super(message);
  }
}

export interface FileBytes {
  /** The whole file, or its first `limit` bytes when it is over the limit. */
  bytes: Buffer;
  /** Set when the file is longer than the limit: its size when the file system knows it. */
  tooLarge?: { size?: number };
}

/** What a file is, when it is not a regular file ("a named pipe"). */
export function kindOf(st: fs.Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

function notRegular(kind: string): FileNotRead {
  return new FileNotRead(kind === 'not a regular file' ? kind : `not a regular file (${kind})`, 'ENOTREG');
}

// Opening a named pipe without O_NONBLOCK waits for a writer; on a regular file the flag does nothing.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);
const CHUNK = 64 * 1024;

/**
 * Reads a regular file (symlinks followed), at most `limit` bytes of it: a longer file comes back
 * cut to `limit` bytes and marked `tooLarge`. Throws a `FileNotRead` for anything else than a
 * regular file, and the usual errors (`ENOENT`, `EACCES`) of the file system.
 */
export function readRegularFile(path: string, limit: number = MAX_FILE_CHARS): FileBytes {
  // stat before open: opening some devices has effects of its own (a tape rewinds, a watchdog arms).
  const before = kindOf(fs.statSync(path));
  if (before) throw notRegular(before);
  const fd = fs.openSync(path, OPEN_FLAGS);
  try {
    // What was opened is what gets read: the name may point elsewhere since the stat.
    const st = fs.fstatSync(fd);
    const kind = kindOf(st);
    if (kind) throw notRegular(kind);
    // The size is a hint (a /proc file says 0): the loop below is what bounds the read.
    let buf = Buffer.allocUnsafe(Math.min(limit + 1, Math.max(st.size + 1, CHUNK)));
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > limit) break;
        const bigger = Buffer.allocUnsafe(Math.min(limit + 1, buf.length * 2));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const got = fs.readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (n > limit) return { bytes: buf.subarray(0, limit), tooLarge: { size: st.size > limit ? st.size : undefined } };
    return { bytes: buf.subarray(0, n) };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A file's text (UTF-8, invalid bytes as U+FFFD) for the language server, which indexes files
 * it can check: a file over the limit is refused (`EFBIG`) with the message the checks give.
 */
export function readTextFile(path: string): string {
  const r = readRegularFile(path);
  if (r.tooLarge) throw new FileNotRead(tooLargeMessage(r.tooLarge.size), 'EFBIG');
  return r.bytes.toString('utf8');
}
