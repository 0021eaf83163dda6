import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import ts from 'typescript';
import { MAX_PATTERN_INPUT } from '../../server/src/core/yaml/limits';

/**
 * Every regular expression of server/src (found with the TypeScript scanner, so none is
 * missed) and every `pattern` of the Kuma schemas, run on 100,000-character adversarial
 * strings in a worker: each must finish (no catastrophic backtracking). The worker is stopped
 * when one expression has not finished within a generous bound (10 s; linear ones need
 * milliseconds), and that expression is reported.
 */

const ROOT = path.resolve(__dirname, '../..');

interface Found {
  where: string;
  source: string;
  flags: string;
  /** The longest input the code ever gives it, when the code bounds it. */
  maxInput?: number;
}

/** Expressions whose input the code bounds, with the bound (checked below against the code). */
const BOUNDED: Record<string, number> = {
  // validate.ts reads a duplicate key from `text.slice(start, start + 300)`.
  '^("(?:[^"\\\\]|\\\\.)*"|\'[^\']*\'|[^:\\n#]+?)\\s*:': 300,
};

/**
 * Expressions that never see user text, with the reason. Checked: their source line is where
 * the reason says.
 */
const OWN_TEXT: { file: string; source: string; why: string }[] = [
  {
    file: 'server/src/core/features/completion/schema.ts',
    source: '\\$\\{(\\d+)\\|([^,|]*)[^}]*\\}|\\$\\{(\\d+):((?:[^}\\\\]|\\\\.)*)\\}',
    why: 'expandSnippet reads only the snippets the tool builds from its own schemas',
  },
];

function regexLiterals(): Found[] {
  const out: Found[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) {
        const text = fs.readFileSync(p, 'utf8');
        const sf = ts.createSourceFile(p, text, ts.ScriptTarget.Latest, true);
        const visit = (n: ts.Node) => {
          if (n.kind === ts.SyntaxKind.RegularExpressionLiteral) {
            const lit = n.getText(sf);
            const end = lit.lastIndexOf('/');
            const source = lit.slice(1, end);
            const line = sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
            out.push({ where: `${path.relative(ROOT, p)}:${line}`, source, flags: lit.slice(end + 1), maxInput: BOUNDED[source] });
          }
          ts.forEachChild(n, visit);
        };
        visit(sf);
      }
    }
  };
  walk(path.join(ROOT, 'server/src'));
  return out;
}

function schemaPatterns(): Found[] {
  const out = new Map<string, Found>();
  const visit = (v: unknown, file: string) => {
    if (Array.isArray(v)) v.forEach((x) => visit(x, file));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        // ajv applies them through a bounded engine (schemaValidation.ts): longer values fail.
        if (k === 'pattern' && typeof x === 'string')
          out.set(x, { where: `schemas/${file}`, source: x, flags: 'u', maxInput: MAX_PATTERN_INPUT });
        else visit(x, file);
      }
    }
  };
  for (const f of fs.readdirSync(path.join(ROOT, 'schemas')).filter((f) => f.endsWith('.json')))
    visit(JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', f), 'utf8')), f);
  return [...out.values()];
}

/** Long runs of the characters regexes repeat, each with endings that make a match fail late. */
function adversarialInputs(n = 100_000): string[] {
  const units = [
    ' ',
    '\t',
    'a',
    'A',
    '0',
    '1.',
    '-',
    '.',
    'a.',
    'a-',
    '-a',
    ':',
    'a:',
    ': ',
    '#',
    ' #',
    '"',
    '\\"',
    "'",
    "''",
    '\\',
    '_',
    '~',
    '/',
    '%s',
    '${1:',
    '{',
    '[',
    '- ',
    'x ',
    '\r\n',
    '\n',
  ];
  const endings = ['', '!', '\n', ':', '\u0000', '"', "'"];
  const out: string[] = [];
  for (const u of units) {
    const run = u.repeat(Math.ceil(n / u.length)).slice(0, n);
    for (const e of endings) out.push(run + e, e + run);
  }
  return out;
}

function runAll(regexes: Found[], inputs: string[], limitMs: number): Promise<Found[]> {
  return new Promise((resolve, reject) => {
    const slow: Found[] = [];
    const next = (from: number) => {
      if (from >= regexes.length) return resolve(slow);
      const worker = new Worker(path.join(ROOT, 'test/fuzz/regexWorker.mjs'), { workerData: { regexes: regexes.slice(from), inputs } });
      let current = from;
      let timer: NodeJS.Timeout | undefined;
      // Stopped when one expression runs past the bound; the rest go on in a new worker.
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          slow.push(regexes[current]);
          void worker.terminate();
          next(current + 1);
        }, limitMs);
      };
      arm();
      worker.on('message', (m: { start?: number; finished?: boolean }) => {
        if (m.start !== undefined) {
          current = from + m.start;
          arm();
        }
        if (m.finished) {
          clearTimeout(timer);
          void worker.terminate();
          resolve(slow);
        }
      });
      worker.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    };
    next(0);
  });
}

test('every regular expression of server/src and of the schemas is found', () => {
  const found = regexLiterals();
  assert.ok(found.length > 60, `${found.length} expressions`);
  // The bounded ones are really bounded where they are used.
  const validate = fs.readFileSync(path.join(ROOT, 'server/src/core/diagnostics/validate.ts'), 'utf8');
  assert.match(validate, /\.exec\(text\.slice\(start, start \+ 300\)\)/);
  for (const source of Object.keys(BOUNDED))
    assert.ok(
      found.some((f) => f.source === source),
      `bounded ${source} still exists`,
    );
  assert.ok(schemaPatterns().length >= 3);
  for (const o of OWN_TEXT)
    assert.ok(
      found.some((f) => f.where.startsWith(`${o.file}:`) && f.source === o.source),
      `${o.why}: still there`,
    );
});

test('no regular expression backtracks catastrophically on 100,000-character input', { timeout: 300_000 }, async () => {
  const regexes = [...regexLiterals(), ...schemaPatterns()].filter(
    (r) => !OWN_TEXT.some((o) => r.where.startsWith(`${o.file}:`) && o.source === r.source),
  );
  const slow = await runAll(regexes, adversarialInputs(), 10_000);
  assert.deepEqual(
    slow.map((r) => `${r.where}: /${r.source}/${r.flags}`),
    [],
  );
});
