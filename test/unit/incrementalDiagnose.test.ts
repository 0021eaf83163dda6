// Issue 13, defect 5: a keystroke in a large file re-checks the documents it changed and re-uses
// (and moves) the placed results of the others. Whatever it re-uses, the diagnostics must be those
// of a fresh service that never saw an earlier version: random edits, compared after each one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createLanguageService } from '../../server/src/core/host/languageService';
import { mergeByStart } from '../../server/src/core/host/diagnose';
import { fileFactsOfText } from '../../server/src/core/host/facts';
import { SchemaValidators } from '../../server/src/core/schema/validation';
import type { LanguageService, Settings } from '../../server/src/core/host/model';

const ROOT = path.resolve(__dirname, '../..');
type Gen = { generateFile(docs: number, o?: { seed?: number; errorRate?: number }): { text: string } };
const gen = async () => (await import(pathToFileURL(path.join(ROOT, 'scripts/bench-gen.mjs')).href)) as Gen;

const SETTINGS: Settings = { kumaVersion: '2.14', validate: true };
const validators = new SchemaValidators();
const MAIN = 'file:///ws/main.yaml';
const OTHER = 'file:///ws/other.yaml';

/** A small deterministic PRNG (mulberry32): a failure names its seed and step. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * One random edit, as a user makes them: a digit changed (ports: facts other files read), a
 * character typed or deleted, a line broken or joined, a document split or two merged (the
 * documents after it change index), a name changed (duplicates come and go), a suppression comment.
 */
function edit(text: string, rnd: () => number): string {
  const at = (n: number) => Math.floor(rnd() * n);
  const lineStarts = [0];
  for (let i = text.indexOf('\n'); i >= 0 && i < text.length - 1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const line = lineStarts[at(lineStarts.length)];
  const pos = at(text.length + 1);
  switch (at(9)) {
    case 0:
    case 1: {
      const digits = [...text.matchAll(/\d/g)];
      if (!digits.length) return text;
      const d = digits[at(digits.length)].index!;
      return text.slice(0, d) + String(at(10)) + text.slice(d + 1);
    }
    case 2:
      return text.slice(0, pos) + 'abc: \n-x'[at(8)] + text.slice(pos);
    case 3:
      return text.slice(0, pos) + text.slice(pos + 1 + at(3));
    case 4:
      return text.slice(0, line) + '---\n' + text.slice(line);
    case 5: {
      const seps = [...text.matchAll(/^---\n/gm)];
      if (!seps.length) return text;
      const s = seps[at(seps.length)].index!;
      return text.slice(0, s) + text.slice(s + 4);
    }
    case 6: {
      const names = [...text.matchAll(/name: (\S+)/g)];
      if (!names.length) return text;
      const m = names[at(names.length)];
      const other = names[at(names.length)][1];
      const start = m.index! + 6;
      return text.slice(0, start) + other + text.slice(start + m[1].length);
    }
    case 7:
      return text.slice(0, line) + '# kuma-lint-disable-next-line\n' + text.slice(line);
    default:
      return text.slice(0, pos) + '\n' + text.slice(pos);
  }
}

/** A service that never saw an earlier version: the file on disk beside it, and the text open. */
function fresh(other: string, text: string): LanguageService {
  const s = createLanguageService({ validators });
  s.setFile(OTHER, other, 'disk');
  s.setFile(MAIN, text, 'open');
  return s;
}

for (const seed of [1, 2, 3]) {
  test(`random edits (seed ${seed}): the diagnostics after each equal a fresh service's, and diagnoseLocal agrees`, async () => {
    const { generateFile } = await gen();
    const rnd = prng(seed);
    let text = generateFile(40, { seed, errorRate: 0.3 }).text;
    // Another file declaring some of the same resources (duplicates) and Dataplanes the
    // MeshServices select; changed now and then, so the re-used results must go stale.
    let other = text.split('\n---\n').slice(0, 12).join('\n---\n');
    const service = createLanguageService({ validators });
    const worker = createLanguageService({ validators });
    service.setFile(OTHER, other, 'disk');
    service.setFile(MAIN, text, 'open');
    service.diagnose(MAIN, text, SETTINGS);
    let compared = 0;
    for (let step = 0; step < 100; step++) {
      text = edit(text, rnd);
      if (step % 25 === 24) {
        other = edit(other, rnd);
        service.setFile(OTHER, other, 'disk');
      }
      // As the server: the facts of the edit are recorded, then the file is checked (sometimes twice).
      service.setFile(MAIN, text, 'open');
      const got = service.diagnose(MAIN, text, SETTINGS).diagnostics;
      const want = fresh(other, text).diagnose(MAIN, text, SETTINGS).diagnostics;
      assert.deepEqual(got, want, `seed ${seed}, step ${step}`);
      // The facts other files read, kept from edit to edit, are those of the text.
      assert.deepEqual(service.factsFor(MAIN, text), fileFactsOfText(text).facts, `seed ${seed}, step ${step}: facts`);
      if (step % 10 === 0) {
        // A worker's own checks of the same text, finished here: the parses this service holds serve.
        const local = structuredClone(worker.localAnalysis(text, SETTINGS));
        assert.deepEqual(service.diagnoseLocal(MAIN, text, local, SETTINGS), want, `seed ${seed}, step ${step}, diagnoseLocal`);
      }
      compared += want.length;
    }
    assert.ok(compared > 0, 'the edits left diagnostics to compare');
  });
}

for (const seed of [4, 5]) {
  test(`random edits (seed ${seed}), answered stale when allowed: each refresh, step by step, ends where a fresh service is`, async () => {
    const { generateFile } = await gen();
    const rnd = prng(seed);
    // Over 64 documents: a large file may be answered stale.
    let text = generateFile(120, { seed, errorRate: 0.3 }).text;
    let other = text.split('\n---\n').slice(0, 30).join('\n---\n');
    const service = createLanguageService({ validators });
    service.setFile(OTHER, other, 'disk');
    service.setFile(MAIN, text, 'open');
    service.diagnose(MAIN, text, SETTINGS);
    let stale = 0;
    for (let step = 0; step < 60; step++) {
      text = edit(text, rnd);
      // Facts other files provide change often here: the Dataplanes the MeshServices select.
      if (step % 3 === 2) {
        other = edit(other, rnd);
        service.setFile(OTHER, other, 'disk');
      }
      service.setFile(MAIN, text, 'open');
      const got = service.diagnose(MAIN, text, SETTINGS, { stale: true });
      const want = fresh(other, text).diagnose(MAIN, text, SETTINGS).diagnostics;
      if (!got.stale) {
        assert.deepEqual(got.diagnostics, want, `seed ${seed}, step ${step}: not stale, so current`);
        continue;
      }
      stale++;
      const steps = service.refreshSteps(MAIN, text, SETTINGS);
      let n = 0;
      let r = steps.next();
      for (; !r.done; r = steps.next()) n++;
      assert.ok(n > 1, 'a step per document with cross-file checks');
      assert.equal(r.value.stale, undefined);
      assert.deepEqual(r.value.diagnostics, want, `seed ${seed}, step ${step}: refreshed`);
      // And the memo it leaves serves the next answer as a fresh one.
      assert.deepEqual(service.diagnose(MAIN, text, SETTINGS, { stale: true }).diagnostics, want);
    }
    assert.ok(stale > 5, `some answers were stale (${stale})`);
  });
}

test('a small file is never answered stale', () => {
  const service = createLanguageService({ validators });
  const ms =
    'type: MeshService\nname: web\nmesh: default\nspec:\n  selector:\n    dataplaneTags:\n      app: web\n  ports:\n  - port: 80\n    targetPort: http\n';
  const dp = (p: string) =>
    `type: Dataplane\nname: dp\nmesh: default\nnetworking:\n  address: 10.0.0.1\n  inbound:\n  - port: 8080\n    name: ${p}\n    tags:\n      app: web\n`;
  service.setFile(OTHER, dp('http'), 'disk');
  service.setFile(MAIN, ms, 'open');
  service.diagnose(MAIN, ms, SETTINGS, { stale: true });
  service.setFile(OTHER, dp('web'), 'disk');
  const got = service.diagnose(MAIN, ms, SETTINGS, { stale: true });
  assert.equal(got.stale, undefined);
  assert.ok(got.diagnostics.some((d) => d.code === 'target-port-unresolved'));
});

test('a file opened before the index: parsedHere while its text is the one parsed here', () => {
  const service = createLanguageService({ validators });
  const text = 'type: MeshService\nname: a\nmesh: default\n';
  service.setFile(MAIN, text, 'open');
  assert.equal(service.parsedHere(MAIN, text), true);
  assert.equal(service.parsedHere(MAIN, text + '#'), false);
  const disk = createLanguageService({ validators });
  disk.setFile(MAIN, text, 'disk');
  disk.setFile(MAIN, text, 'open');
  assert.equal(disk.parsedHere(MAIN, text), false, 'opened as it is on disk: the facts came from the disk file');
});

test('mergeByStart is the stable sort of the two lists one after the other, in order or not', () => {
  const rnd = prng(9);
  const mk = (start: number, tag: string) => ({
    code: 'schema-unknown-key' as const,
    severity: 'error' as const,
    message: tag,
    range: { start, end: start + 1 },
    data: { path: '' },
    document: 0,
  });
  for (let round = 0; round < 200; round++) {
    const list = (n: number, tag: string, sorted: boolean) => {
      const xs = Array.from({ length: n }, (_, i) => mk(Math.floor(rnd() * 20), `${tag}${i}`));
      return sorted ? xs.sort((x, y) => x.range.start - y.range.start) : xs;
    };
    const a = list(Math.floor(rnd() * 8), 'a', rnd() < 0.7);
    const b = list(Math.floor(rnd() * 8), 'b', rnd() < 0.7);
    const want = [...a, ...b].sort((x, y) => x.range.start - y.range.start).map((d) => d.message);
    assert.deepEqual(
      mergeByStart(a, b).map((d) => d.message),
      want,
    );
  }
});

test('warmUpKeystrokes runs in a service of its own: the service warmed keeps no file of it', () => {
  const service = createLanguageService({ validators });
  const t = performance.now();
  const steps = service.warmUpKeystrokes('2.14');
  let n = 0;
  let step = steps.next();
  for (; !step.done; step = steps.next()) n++;
  const r = step.value;
  const ms = performance.now() - t;
  assert.ok(n >= 8, `in steps (${n})`);
  assert.deepEqual(service.uris(), []);
  assert.equal(service.factsRevision, 0);
  // The synthetic file has problems of its own (the upgrade hints of its dataplaneTags among them).
  assert.ok(r.diagnostics.some((d) => d.code === 'upgrade-3.0-dataplane-tags'));
  assert.ok(r.text.split('\n---\n').length > 64, `${ms.toFixed(0)} ms`);
});

test('prepareEdits: a file indexed from the disk and checked here keeps its facts and revision, is then parsedHere, and its edits check as a fresh service does; a file not parsed here is left alone', async () => {
  const { generateFile } = await gen();
  let text = generateFile(100, { seed: 9, errorRate: 0.3 }).text;
  const service = createLanguageService({ validators });
  // As the index workers record it: the facts of the text on disk, from a parse elsewhere.
  const fromDisk = fileFactsOfText(text);
  service.setDiskFacts(MAIN, text, fromDisk.facts, fromDisk.fingerprint);
  const notParsed = createLanguageService({ validators });
  notParsed.setDiskFacts(MAIN, text, fromDisk.facts, fromDisk.fingerprint);
  notParsed.setFile(MAIN, text, 'open');
  const parses = notParsed.stats.parses;
  notParsed.prepareEdits(MAIN, text);
  assert.equal(notParsed.stats.parses, parses, 'nothing parsed for a file this service never checked');
  assert.equal(notParsed.parsedHere(MAIN, text), false);

  service.setFile(MAIN, text, 'open');
  service.diagnose(MAIN, text, SETTINGS);
  assert.equal(service.parsedHere(MAIN, text), false);
  const revision = service.factsRevision;
  const index = JSON.stringify(service.index().meshServices.map((m) => m.fact.name));
  service.prepareEdits(MAIN, text);
  assert.equal(service.parsedHere(MAIN, text), true);
  assert.equal(service.factsRevision, revision, 'the same facts: nothing else is checked again');
  assert.equal(JSON.stringify(service.index().meshServices.map((m) => m.fact.name)), index);
  const rnd = prng(9);
  for (let step = 0; step < 20; step++) {
    text = edit(text, rnd);
    service.setFile(MAIN, text, 'open');
    const fresh = createLanguageService({ validators });
    fresh.setFile(MAIN, text, 'open');
    assert.deepEqual(service.diagnose(MAIN, text, SETTINGS).diagnostics, fresh.diagnose(MAIN, text, SETTINGS).diagnostics, `step ${step}`);
  }
});
