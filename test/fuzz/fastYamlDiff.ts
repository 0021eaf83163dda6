import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { parseAllDocuments, type Document } from 'yaml';
import { compareDocuments, compareTreesWithoutComments } from './yamlCompare';
import { blockScalarText, crlfManifestText, editedManifestText, manifestText, yamlText } from './yamlText';

/** The options the language service parses with (server/src/core/yaml/documents.ts). */
export const OPTIONS = { prettyErrors: false, uniqueKeys: true, keepSourceTokens: false, logLevel: 'error' } as const;

export interface FastParserCounts {
  /** Texts the fast parser returned documents for (all of them equal to the yaml package's). */
  accepted: number;
  /** Texts it bailed out on (returned undefined). */
  bailed: number;
}

/**
 * Differential test of a fast YAML parser against `parseAllDocuments(text, OPTIONS)`: over `runs`
 * texts of `yamlText` and `runs` of `manifestText`, `parse(text)` must not throw and, when it
 * returns documents, they must equal the yaml package's (see compareDocuments). Throws fast-check's
 * report (the shrunk text, JSON-escaped, and the first difference) on the first failure; returns
 * how many texts of each arbitrary the parser accepted and bailed on.
 */
export function checkFastParser(
  parse: (text: string) => Document.Parsed[] | undefined,
  runs: number,
  seed?: number,
): { yamlText: FastParserCounts; manifestText: FastParserCounts } {
  const counts = { yamlText: { accepted: 0, bailed: 0 }, manifestText: { accepted: 0, bailed: 0 } };
  for (const [name, arb] of [
    ['yamlText', yamlText],
    ['manifestText', manifestText],
  ] as const) {
    fc.assert(
      fc.property(arb, (text) => {
        let fast: Document.Parsed[] | undefined;
        try {
          fast = parse(text);
        } catch (e) {
          throw new Error(`fast parser threw on ${JSON.stringify(text)}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`, {
            cause: e,
          });
        }
        if (fast === undefined) {
          counts[name].bailed++;
          return;
        }
        const slow = Array.from(parseAllDocuments(text, OPTIONS) as Iterable<Document.Parsed>);
        const diff = compareDocuments(fast, slow);
        if (diff !== undefined) throw new Error(`fast parser differs on ${JSON.stringify(text)}: ${diff}`);
        counts[name].accepted++;
      }),
      { numRuns: runs, seed, includeErrorInReport: true },
    );
  }
  return counts;
}

/** A reader of one chunk (see `splitDocuments`) that keeps no comments: `fastParseChunk`'s shape. */
export type ChunkReader = (text: string) => { contents: unknown; value: unknown } | undefined;

/**
 * The difference between what `read` gives for one chunk and what `yaml` gives, or undefined.
 * An accepted chunk must hold exactly one document that `yaml` reads without errors or warnings,
 * whose node tree equals the reader's but for comments and `spaceBefore`, and whose `toJS()`
 * equals the reader's value.
 */
export function diffChunk(read: ChunkReader, chunk: string): { accepted: boolean; diff?: string } {
  const fast = read(chunk);
  if (fast === undefined) return { accepted: false };
  const slow = (Array.from(parseAllDocuments(chunk, OPTIONS) as Iterable<Document.Parsed>) as Document.Parsed[]).filter(
    (d) => !(d.contents === null && d.errors.length === 0),
  );
  if (slow.length !== 1) return { accepted: true, diff: `yaml reads ${slow.length} documents` };
  const [doc] = slow;
  if (doc.errors.length || doc.warnings.length) {
    return { accepted: true, diff: `yaml reports ${[...doc.errors, ...doc.warnings].map((e) => e.code).join(', ')}` };
  }
  const d = compareTreesWithoutComments(fast.contents, doc.contents);
  if (d) return { accepted: true, diff: d };
  const value = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  if (!isDeepStrictEqual(fast.value, value))
    return { accepted: true, diff: `value: ${JSON.stringify(fast.value)} vs ${JSON.stringify(value)}` };
  return { accepted: true };
}

/**
 * `checkFastParser` for a chunk reader: every chunk of every generated text (split as the
 * language service splits files) must be bailed on or read exactly as `yaml` reads it.
 */
export function checkChunkReader(
  read: ChunkReader,
  split: (text: string) => { text: string }[],
  runs: number,
  seed?: number,
): {
  yamlText: FastParserCounts;
  manifestText: FastParserCounts;
  editedManifestText: FastParserCounts;
  crlfManifestText: FastParserCounts;
  blockScalarText: FastParserCounts;
} {
  const counts = {
    yamlText: { accepted: 0, bailed: 0 },
    manifestText: { accepted: 0, bailed: 0 },
    editedManifestText: { accepted: 0, bailed: 0 },
    crlfManifestText: { accepted: 0, bailed: 0 },
    blockScalarText: { accepted: 0, bailed: 0 },
  };
  for (const [name, arb] of [
    ['yamlText', yamlText],
    ['manifestText', manifestText],
    ['editedManifestText', editedManifestText],
    ['crlfManifestText', crlfManifestText],
    ['blockScalarText', blockScalarText],
  ] as const) {
    fc.assert(
      fc.property(arb, (text) => {
        for (const chunk of split(text)) {
          const r = diffChunk(read, chunk.text);
          counts[name][r.accepted ? 'accepted' : 'bailed']++;
          if (r.diff) throw new Error(`fast reader differs on ${JSON.stringify(chunk.text)}: ${r.diff}`);
        }
      }),
      { numRuns: runs, seed, includeErrorInReport: true },
    );
  }
  return counts;
}
