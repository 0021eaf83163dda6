import type { TextEdit } from './types';

/**
 * A file's text as the conversions read it: without a byte order mark and with LF line ends.
 * The conversions slice, re-indent and diff lines on `\n`; a BOM or CRLF line ends would make
 * them drop the BOM and insert bare LFs into a CRLF file. `toFile` maps their edits back onto
 * the file's own text: offsets past the BOM and past each CR, and every line end of the new
 * text in the file's style, so that the edited file keeps its BOM and its line ends.
 */
export interface FileText {
  /** The text the conversions read. */
  text: string;
  /** The file's line end: CRLF when most of its lines end so. */
  eol: '\n' | '\r\n';
  /** Edits of `text` as edits of the file's text. */
  toFile(edits: readonly TextEdit[]): TextEdit[];
  /** A file offset as an offset into `text`. */
  fromFile(offset: number): number;
  /** Text written by the conversions (line ends `\n`) with the file's line ends. */
  withEol(s: string): string;
}

const IDENTITY: Omit<FileText, 'text'> = {
  eol: '\n',
  toFile: (edits) => [...edits],
  fromFile: (offset) => offset,
  withEol: (s) => s,
};

export function fileText(file: string): FileText {
  const bom = file.startsWith('\uFEFF') ? 1 : 0;
  let crlf = 0;
  for (let i = file.indexOf('\r\n'); i >= 0; i = file.indexOf('\r\n', i + 2)) crlf++;
  if (bom === 0 && crlf === 0) return { text: file, ...IDENTITY };
  let lf = 0;
  for (let i = file.indexOf('\n'); i >= 0; i = file.indexOf('\n', i + 1)) lf++;
  const eol = crlf > lf - crlf ? '\r\n' : '\n';
  // Every CRLF becomes LF; `lfAt[k]` is the offset (in `text`) of the LF of the k-th CRLF.
  const lfAt: number[] = [];
  let text = '';
  let pos = bom;
  for (let i = file.indexOf('\r\n', bom); i >= 0; i = file.indexOf('\r\n', i + 2)) {
    text += file.slice(pos, i);
    lfAt.push(text.length);
    pos = i + 1;
  }
  text += file.slice(pos);
  /** How many CRs come before `offset` of `text` (an offset at an LF comes before its CR). */
  const crsBefore = (offset: number): number => {
    let lo = 0;
    let hi = lfAt.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (lfAt[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const toFileOffset = (offset: number) => offset + bom + crsBefore(offset);
  const withEol = (s: string) => (eol === '\r\n' ? s.replace(/\r?\n/g, '\r\n') : s);
  return {
    text,
    eol,
    toFile: (edits) =>
      edits.map((e) => ({ range: { start: toFileOffset(e.range.start), end: toFileOffset(e.range.end) }, newText: withEol(e.newText) })),
    fromFile: (offset) => {
      const o = Math.max(0, offset - bom);
      // The CRs before a file offset: those whose LF (in `text`) comes before it, counted on the file's side.
      let lo = 0;
      let hi = lfAt.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (lfAt[mid] + mid < o) lo = mid + 1;
        else hi = mid;
      }
      return o - lo;
    },
    withEol,
  };
}
