import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { globMatcher } from '../../server/src/lsp/glob';

/** A glob from a hostile repository's settings, and a file name it backtracks on in a regex. */
const HOSTILE = '**/*a*a*a*a*a*a*a*a*a*a*a*ab';
const name = (n: number) => `${'a'.repeat(n)}c.yaml`;

test('globs: the syntax of files.exclude (VS Code, as picomatch reads it with dot: true)', () => {
  const cases: [string, string, boolean][] = [
    ['a/**', 'a', true],
    ['a/**', 'a/', true],
    ['a/**', 'a/b/c', true],
    ['a/**', 'ab', false],
    ['charts', 'charts', true],
    ['charts', 'charts/x.yaml', false],
    ['**/node_modules', 'node_modules', true],
    ['**/node_modules', 'x/y/node_modules', true],
    ['a/*', 'a/b', true],
    ['a/*', 'a/', false],
    ['a/*', 'a/b/c', false],
    ['*', '.x', true],
    ['*', 'a/b', false],
    ['**', '.a/.b', true],
    ['a/**/b', 'a/b', true],
    ['a/**/b', 'a/x/y/b', true],
    ['a**b', 'axxb', true],
    ['a**b', 'ax/xb', false],
    ['{a,b}/c', 'b/c', true],
    ['{a,b/c}/d', 'b/c/d', true],
    ['{a,{b,c}}/x', 'c/x', true],
    ['x{,y}', 'x', true],
    ['*.{yaml,yml}', 'x.yml', true],
    ['[abc]', 'b', true],
    ['[!abc]', 'a', false],
    ['[^abc]', 'a', false],
    ['[a-c]x', 'bx', true],
    ['[a-c]x', 'dx', false],
    ['?', '/', false],
    ['a?', 'ab', true],
    ['*.yaml', 'd/x.yaml', false],
    ['**/*.yaml', '.d/.x.yaml', true],
    ['./a', 'a', true],
    ['a\\*', 'a*', true],
    ['a\\*', 'ab', false],
    ['{a,b', '{a,b', true],
    ['[abc', '[abc', true],
    ['**/x/**', 'x', true],
    ['**/x/**', 'a/x/b', true],
    ['**/*a*a*', 'aa.yaml', true],
  ];
  for (const [glob, p, want] of cases) assert.equal(globMatcher([glob])(p), want, `${glob} on ${p}`);
  assert.equal(globMatcher(['x/**', '*.json'])('y.json'), true, 'any of several globs');
  assert.equal(globMatcher([])('a'), false);
});

test('globs: the work of a match is linear in the path, however the glob backtracks in a regex', () => {
  const m = globMatcher([HOSTILE]);
  const work = (n: number) => {
    m.steps = 0;
    assert.equal(m(name(n)), false);
    return m.steps;
  };
  const [w30, w60, w120, w1000] = [work(30), work(60), work(120), work(1000)];
  // A backtracking matcher doubles its work with each character; here twice the name costs about
  // twice the work, and never more than a visit of each state for each character.
  assert.ok(w60 <= 2.2 * w30 && w120 <= 2.2 * w60, `${w30} ${w60} ${w120}`);
  assert.ok(w1000 <= 4 * HOSTILE.length * (name(1000).length + 1), String(w1000));
  assert.equal(m(`x/${'a'.repeat(60)}b`), true);
});

test('globs: the server filter on a hostile glob and a 60-character name returns (hang guard: a child process)', () => {
  // No timing assertion: the child is killed if it has not answered in 10 s (picomatch: hours).
  const exclude = path.resolve(__dirname, '../../server/src/lsp/exclude.ts');
  const code = `const { relExcluded } = require(${JSON.stringify(exclude)}); process.stdout.write(String(relExcluded([${JSON.stringify(HOSTILE)}])(${JSON.stringify(name(60))})))`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', code], { encoding: 'utf8', timeout: 10_000 });
  assert.equal(r.signal, null, 'the match did not return');
  assert.equal(r.stdout, 'false', r.stderr);
});

test('kuma.files.exclude is a restricted setting: VS Code ignores the workspace value in Restricted Mode', () => {
  const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
  assert.equal(pkg.contributes.configuration.properties['kuma.files.exclude'].restricted, true);
});
