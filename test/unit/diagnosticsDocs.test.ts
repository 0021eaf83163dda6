import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DIAGNOSTIC_CODES } from '../../server/src/core/diagnostics/codes';
import { workspaceDiagnostics } from '../helpers';

const DOCS = fs.readFileSync(path.resolve(__dirname, '../../docs/diagnostics.md'), 'utf8');

/** The `## code` sections of docs/diagnostics.md, with their ```yaml blocks. */
function sections(): { code: string; examples: string[] }[] {
  const parts = DOCS.split(/^## (.*)\n/m);
  const out: { code: string; examples: string[] }[] = [];
  for (let i = 1; i < parts.length; i += 2) {
    out.push({ code: parts[i].trim(), examples: [...parts[i + 1].matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]) });
  }
  return out;
}

/**
 * Codes no YAML can trigger, or only YAML too long to show (over 1,000 problems in one document, over
 * 100 hints in one file: tested in test/unit/problemLimit.test.ts): they get a section without an example.
 */
const NO_EXAMPLE = ['internal-error', 'problem-limit', 'hint-limit'];

test('docs/diagnostics.md has one section per diagnostic code, in the order of the table, and no other', () => {
  assert.deepEqual(
    sections().map((s) => s.code),
    Object.keys(DIAGNOSTIC_CODES),
  );
  for (const s of sections()) assert.match(DOCS.split(`## ${s.code}\n`)[1].split(/^## /m)[0], /\*\*Fix:\*\* \S/, `${s.code} says the fix`);
});

for (const { code, examples } of sections()) {
  if (NO_EXAMPLE.includes(code)) {
    test(`docs: ${code} has no example: no YAML triggers it, or only YAML too long to show`, () => assert.deepEqual(examples, []));
    continue;
  }
  test(`docs: the example of ${code} produces ${code}`, () => {
    assert.equal(examples.length, 1, `one yaml example under ## ${code}`);
    const seen = [...workspaceDiagnostics(examples[0]).values()].flat();
    assert.ok(
      seen.some((d) => d.code === code),
      `the example produces ${seen.map((d) => d.code).join(', ') || 'nothing'}`,
    );
  });
}
