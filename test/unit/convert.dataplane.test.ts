import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataplaneToMeshServices, dataplanesToMeshServices } from '../../server/src/core/convert/dataplaneToMeshService';
import type { ConvertInput, GenerateResult } from '../../server/src/core/convert/types';
import { createLanguageService } from '../../server/src/core/host/languageService';
import { isKumaVersion, type KumaVersion } from '../../server/src/core/kuma/versions';
import { assertGolden } from '../helpers';

const FIXTURES = join(__dirname, '..', 'fixtures', 'convert');

/** Loads a case's input and workspace into a language service; returns the Dataplane inputs in file order. */
function load(text: string, workspace: string | undefined, version: KumaVersion): ConvertInput[] {
  const ls = createLanguageService();
  ls.setFile('file:///ws/input.yaml', text, 'disk');
  if (workspace !== undefined) ls.setFile('file:///ws/workspace.yaml', workspace, 'disk');
  const index = ls.index();
  return ls
    .analyze(text, { kumaVersion: version, validate: false })
    .documents.filter((d) => d.classification.role === 'kuma' && d.classification.kind === 'Dataplane')
    .map((d) => ({ doc: d.parsed, chunk: text.slice(d.offset, d.offset + d.chunkLength), version, index }));
}

/** A result as the golden file shows it: the sentences as comments, then the documents. */
function render(r: GenerateResult): string {
  const lines = [...r.skipped.map((s) => `# skipped: ${s}`), ...r.unverified.map((s) => `# unverified: ${s}`)];
  const docs = r.generated.map((g) => `# ${g.label}\n${g.yaml}`);
  return [lines.join('\n') + (lines.length ? '\n' : ''), ...docs].filter((s) => s !== '').join('---\n');
}

function errorsOf(yaml: string, version: KumaVersion): string[] {
  return createLanguageService()
    .analyze(yaml, { kumaVersion: version, validate: true })
    .diagnostics.filter((d) => d.severity === 'error')
    .map((d) => `${d.code}: ${d.message}`);
}

for (const c of readdirSync(FIXTURES).filter((c) => c.startsWith('dp-'))) {
  test(`golden ${c}`, () => {
    const dir = join(FIXTURES, c);
    const version = existsSync(join(dir, 'version')) ? readFileSync(join(dir, 'version'), 'utf8').trim() : '2.14';
    assert.ok(isKumaVersion(version), `bad version ${version}`);
    const wsPath = join(dir, 'workspace.yaml');
    const inputs = load(
      readFileSync(join(dir, 'input.yaml'), 'utf8'),
      existsSync(wsPath) ? readFileSync(wsPath, 'utf8') : undefined,
      version,
    );
    assert.ok(inputs.length > 0, 'the input has no Dataplane');
    const r = dataplanesToMeshServices(inputs);
    assertGolden(join(dir, 'expected.yaml'), render(r));
    for (const g of r.generated) assert.deepEqual(errorsOf(g.yaml, version), [], `${g.label} at ${version}:\n${g.yaml}`);
  });
}

const dp = (service: string, extra = '') =>
  `type: Dataplane\nmesh: default\nname: redis-1\nnetworking:\n  address: 10.0.0.5\n  inbound:\n    - port: 6379\n${extra}      tags:\n        kuma.io/service: ${service}\n`;

test('redis_v1: generated at 2.9 and 2.13 (NameCharacterSet), skipped at 2.14 (RFC 1035)', () => {
  for (const v of ['2.9', '2.13'] as const) {
    const r = dataplaneToMeshServices(load(dp('redis_v1'), undefined, v)[0]);
    assert.deepEqual(
      r.generated.map((g) => g.label),
      ['MeshService redis_v1 (mesh default)'],
    );
    assert.match(r.generated[0].yaml, /^name: redis_v1$/m);
    // Kuma's generator writes it to the store itself; applied by hand, the Universal name check
    // (RFC 1123 subdomain) refuses the '_'. The note says so, and that is the only error.
    assert.ok(r.unverified.some((s) => s.includes('applied by hand with that name fails the name check')));
    assert.deepEqual(
      errorsOf(r.generated[0].yaml, v).map((e) => e.split(':')[0]),
      ['name-invalid'],
    );
  }
  const r = dataplaneToMeshServices(load(dp('redis_v1'), undefined, '2.14')[0]);
  assert.equal(r.generated.length, 0);
  assert.match(r.skipped[0], /not an RFC 1035 label/);
});

test('2.9 copies the protocol tag verbatim; 2.14 prefers the protocol field, lower-cased, known values only', () => {
  const text = dp('redis', '      protocol: HTTP2\n').replace(
    'kuma.io/service: redis',
    'kuma.io/service: redis\n        kuma.io/protocol: GRPC',
  );
  assert.match(dataplaneToMeshServices(load(text, undefined, '2.9')[0]).generated[0].yaml, /appProtocol: GRPC/);
  assert.match(dataplaneToMeshServices(load(text, undefined, '2.14')[0]).generated[0].yaml, /appProtocol: http2/);
  const unknown = dp('redis').replace('kuma.io/service: redis', 'kuma.io/service: redis\n        kuma.io/protocol: thrift');
  assert.match(dataplaneToMeshServices(load(unknown, undefined, '2.14')[0]).generated[0].yaml, /appProtocol: tcp/);
});

test('same service in two meshes gives two MeshServices', () => {
  const text = `${dp('redis')}---\n${dp('redis').replace('mesh: default', 'mesh: other').replace('redis-1', 'redis-2')}`;
  const r = dataplanesToMeshServices(load(text, undefined, '2.14'));
  assert.deepEqual(
    r.generated.map((g) => g.label),
    ['MeshService redis (mesh default)', 'MeshService redis (mesh other)'],
  );
});

test('a Kubernetes-form Dataplane or another kind is refused in words', () => {
  const k8s =
    'apiVersion: kuma.io/v1alpha1\nkind: Dataplane\nmesh: default\nmetadata:\n  name: redis-abc\n  namespace: demo\nspec:\n  networking:\n    address: 10.0.0.1\n';
  const r = dataplanesToMeshServices(load(k8s, undefined, '2.14'));
  assert.equal(r.generated.length, 0);
  assert.match(r.skipped[0], /Kubernetes form/);
  assert.deepEqual(dataplanesToMeshServices([]), { generated: [], skipped: [], unverified: [] });
});
