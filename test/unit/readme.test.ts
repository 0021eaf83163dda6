// The README is the product page, the details are in docs/: the README stays short, every relative
// link of the README and docs/*.md resolves (the file, and the heading of a #fragment), and the tables
// of docs/ that repeat facts of the code (diagnostic codes, settings) list exactly those facts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DIAGNOSTIC_CODES, SEVERITY_LEVELS } from '../../server/src/core/diagnostics/codes';

const root = path.resolve(__dirname, '../..');
const read = (p: string) => fs.readFileSync(path.join(root, p), 'utf8');

/** The Markdown files whose links are checked: the README, docs/, and the pages they link to in the repository. */
const PAGES = [
  'README.md',
  'CONTRIBUTING.md',
  ...fs
    .readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Markdown text without fenced code blocks. */
function unfenced(md: string): string {
  return md.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** Markdown text without code, fenced or inline (links there are not links). */
function prose(md: string): string {
  return unfenced(md).replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of unfenced(md).matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*$/gm)) {
    const text = m[1].replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[*`]/g, '');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

test('anchors are made as GitHub makes them', () => {
  assert.deepEqual(
    [
      ...anchors(
        '# Kuma MeshService tools\n## CLI and CI\n## `kuma-lint` check\n## Using it beside Red Hat YAML\n## CLI and CI\n```\n# not a heading\n```\n',
      ),
    ],
    ['kuma-meshservice-tools', 'cli-and-ci', 'kuma-lint-check', 'using-it-beside-red-hat-yaml', 'cli-and-ci-1'],
  );
});

test('the README is the product page: under 15 KB, with what it is, install, the two commands and the docs', () => {
  const readme = read('README.md');
  const size = Buffer.byteLength(readme);
  assert.ok(size < 15 * 1024, `README.md is ${size} bytes`);
  const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
  assert.deepEqual(headings, ['What it does', 'Install', 'Documentation', 'License']);
  // The two commands a newcomer runs; .ci/run runs the second.
  assert.match(readme, /^npm ci && npm run check-examples$/m);
  assert.match(readme, /^npm ci && npm run test:all$/m);
  assert.match(read('.ci/run'), /^npm run test:all$/m);
  for (const page of PAGES.filter((p) => p.startsWith('docs/'))) assert.ok(readme.includes(`](${page})`), `the README links ${page}`);
});

test('every relative link of the README, CONTRIBUTING.md and docs/*.md resolves, #fragments to a heading', () => {
  const broken: string[] = [];
  let count = 0;
  for (const page of PAGES) {
    const text = prose(read(page));
    for (const m of text.matchAll(/!?\[(?:[^\]]|\][^(])*?\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = m[1];
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      count++;
      const [file, fragment] = target.split('#') as [string, string | undefined];
      const resolved = file === '' ? page : path.posix.normalize(path.posix.join(path.posix.dirname(page), decodeURIComponent(file)));
      if (!fs.existsSync(path.join(root, resolved))) {
        broken.push(`${page}: ${target} (no ${resolved})`);
        continue;
      }
      if (fragment !== undefined && !(resolved.endsWith('.md') && anchors(read(resolved)).has(fragment)))
        broken.push(`${page}: ${target} (no heading #${fragment} in ${resolved})`);
    }
  }
  assert.ok(count > 80, `${count} links checked`);
  assert.deepEqual(broken, []);
});

test("docs/diagnostics.md's code table lists every diagnostic code, with its default severity and a link to its section", () => {
  const docs = read('docs/diagnostics.md');
  const rows = [...docs.matchAll(/^\| \[`([a-z0-9.-]+)`\]\(#([a-z0-9-]+)\) \| (\w+) \|$/gm)];
  // GitHub's anchor of a heading drops its dots (`upgrade-3.0-…` → `#upgrade-30-…`), as codeDocsUrl does.
  assert.deepEqual(
    rows.map((m) => `${m[1]} ${m[2]} ${m[3]}`),
    Object.entries(DIAGNOSTIC_CODES).map(([code, info]) => `${code} ${code.replace(/\./g, '')} ${info.severity}`),
  );
});

test('package.json contributes every kuma.* setting docs/settings.md lists, with a description', () => {
  const pkg = JSON.parse(read('package.json'));
  const props = pkg.contributes.configuration.properties as Record<string, { description?: string; markdownDescription?: string }>;
  const documented = [...read('docs/settings.md').matchAll(/^\| `(kuma\.[a-zA-Z.]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual(documented.sort(), Object.keys(props).sort());
  for (const [k, v] of Object.entries(props)) assert.ok(v.description || v.markdownDescription, k);
});

test('kuma.diagnostics.severity in package.json offers exactly the diagnostic codes, each with every level and its default', () => {
  const pkg = JSON.parse(read('package.json'));
  const setting = pkg.contributes.configuration.properties['kuma.diagnostics.severity'];
  assert.equal(setting.additionalProperties, false, 'settings.json flags an unknown code');
  assert.deepEqual(Object.keys(setting.properties), Object.keys(DIAGNOSTIC_CODES));
  for (const [code, info] of Object.entries(DIAGNOSTIC_CODES)) {
    assert.deepEqual(setting.properties[code].enum, SEVERITY_LEVELS, code);
    assert.equal(setting.properties[code].markdownDescription, `${info.doc} Default: \`${info.severity}\`.`, code);
  }
});
