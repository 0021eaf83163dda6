import fc from 'fast-check';
import { parseAllDocuments, type Document } from 'yaml';
import { compareDocuments } from './yamlCompare';
import { manifestText, yamlText } from './yamlText';

/** The options the language service parses with (server/src/core/documents.ts). */
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
