import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LanguageService } from '../../server/src/core/host/languageService';
import { references, rename, prepareRename } from '../../server/src/core/features/references';
import { inlayHints } from '../../server/src/core/features/inlayHints';
import { workspaceSymbols } from '../../server/src/core/features/symbols';
import { dedent, loadWorkspace, type FixtureFile } from '../helpers';

const FIXTURE = dedent(`
  #- dataplanes.yaml
  type: Dataplane
  mesh: default
  name: backend-1
  labels:
    app: backend
  networking:
    address: 10.0.0.1
    inbound:
      - port: 18080
        name: http
  ---
  type: Dataplane
  mesh: default
  name: backend-2
  labels:
    app: backend
  networking:
    address: 10.0.0.2
    inbound:
      - port: 18080
        name: http
      - port: 19090
        name: metrics
  #- services.yaml
  type: MeshService
  name: backend
  mesh: default
  spec:
    selector:
      dataplaneLabels:
        matchLabels:
          app: backend
    ports:
      - port: 80
        targetPort: ht$0tp
      - port: 9090
        targetPort: metrics
  ---
  type: MeshService
  name: other
  mesh: default
  spec:
    selector:
      dataplaneRef:
        name: backend-2
    ports:
      - port: 80
        targetPort: http
`);

const settings = { kumaVersion: '2.14' as const, validate: true };

function load(src: string): { service: LanguageService; files: FixtureFile[]; cursor: FixtureFile } {
  const { service, files, cursor } = loadWorkspace(src);
  return { service, files, cursor: cursor! };
}

function covered(files: FixtureFile[], uri: string, r: { start: number; end: number }): string {
  const f = files.find((x) => `file:///ws/${x.path}` === uri)!;
  return `${f.path}:${f.text.slice(r.start, r.end)}`;
}

test('references of a targetPort name: both inbound declarations and every targetPort using them', () => {
  const { service, files, cursor } = load(FIXTURE);
  const refs = references(service, `file:///ws/${cursor.path}`, cursor.text, cursor.cursor!, settings);
  assert.deepEqual(refs.map((l) => covered(files, l.uri, l.range)).sort(), [
    'dataplanes.yaml:http',
    'dataplanes.yaml:http',
    'services.yaml:http',
    'services.yaml:http',
  ]);
  const noDecl = references(service, `file:///ws/${cursor.path}`, cursor.text, cursor.cursor!, settings, false);
  assert.equal(noDecl.length, 2);
});

test('references from the declaration: only the MeshServices whose selector picks that Dataplane', () => {
  const src = FIXTURE.replace('targetPort: ht$0tp', 'targetPort: http').replace(
    '  - port: 18080\n      name: http\n---',
    '  - port: 18080\n      name: ht$0tp\n---',
  );
  assert.notEqual(src, FIXTURE);
  const { service, files, cursor } = load(src);
  const refs = references(service, `file:///ws/${cursor.path}`, cursor.text, cursor.cursor!, settings);
  // backend-1's inbound is used by "backend" (labels match) but not by "other" (dataplaneRef backend-2).
  assert.deepEqual(
    refs.map((l) => `${covered(files, l.uri, l.range)}@${l.range.start}`).map((s) => s.replace(/@\d+$/, '')),
    ['dataplanes.yaml:http', 'services.yaml:http'],
  );
});

test('rename changes the declarations and every use, across files, as one edit', () => {
  const { service, files, cursor } = load(FIXTURE);
  const uri = `file:///ws/${cursor.path}`;
  assert.deepEqual(prepareRename(service, uri, cursor.text, cursor.cursor!, settings)?.name, 'http');
  const r = rename(service, uri, cursor.text, cursor.cursor!, 'web', settings);
  assert.ok('edits' in r);
  const apply = (f: FixtureFile) => {
    const edits = [...(r.edits.get(`file:///ws/${f.path}`) ?? [])].sort((a, b) => b.range.start - a.range.start);
    let t = f.text;
    for (const e of edits) t = t.slice(0, e.range.start) + e.newText + t.slice(e.range.end);
    return t;
  };
  const dp = apply(files[0]);
  const ms = apply(files[1]);
  assert.equal((dp.match(/name: web$/gm) ?? []).length, 2);
  assert.match(dp, /name: metrics/);
  assert.equal((ms.match(/targetPort: web$/gm) ?? []).length, 2);
  assert.match(ms, /targetPort: metrics/);
  const bad = rename(service, uri, cursor.text, cursor.cursor!, 'Web_1', settings);
  assert.ok('error' in bad && /not a valid port name/.test(bad.error));
  const digits = rename(service, uri, cursor.text, cursor.cursor!, '8080', settings);
  assert.ok('error' in digits);
});

test('inlay hints: port numbers behind names and the size of the selection', () => {
  const { service, files } = load(FIXTURE.replace('$0', ''));
  const ms = files[1];
  const hints = inlayHints(service, ms.text, settings);
  // What the line shows up to the hint, and the hint.
  const lineBefore = (o: number) => ms.text.slice(ms.text.lastIndexOf('\n', o - 1) + 1, o).trim();
  assert.deepEqual(
    hints.map((h) => [lineBefore(h.offset), h.label]),
    [
      ['selector:', ' selects 2 Dataplanes'],
      ['targetPort: http', ' → 18080'],
      ['targetPort: metrics', ' → 19090'],
      ['selector:', ' selects 1 Dataplane'],
      ['targetPort: http', ' → 18080'],
    ],
  );
});

test('workspace symbols find Kuma resources by name', () => {
  const { service } = load(FIXTURE.replace('$0', ''));
  assert.deepEqual(
    workspaceSymbols(service, 'back').map((s) => `${s.kind} ${s.name} (${s.container})`),
    [
      'Dataplane backend-1 (Dataplane · mesh default)',
      'Dataplane backend-2 (Dataplane · mesh default)',
      'MeshService backend (MeshService · mesh default)',
    ],
  );
});
