import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChunk } from '../../server/src/core/documents';
import { schemaHover } from '../../server/src/core/hover';
import type { KumaVersion } from '../../server/src/core/versions';
import { dedent, parseFixture } from '../helpers';

/** Hover at `$0` in a single-document fixture: the markdown and the text the range covers. */
function hover(src: string, version: KumaVersion = '2.14'): { markdown: string; word: string } | undefined {
  const [file] = parseFixture(src);
  const [pd] = parseChunk(file.text);
  const h = schemaHover(pd, file.text, file.cursor!, version);
  return h && { markdown: h.markdown, word: file.text.slice(h.range.start, h.range.end) };
}

const meshService = (cursorLine: string) =>
  dedent(`
    type: MeshService
    name: redis
    mesh: default
    spec:
      selector:
        dataplaneLabels:
          matchLabels:
            app: redis
      ports:
        - port: 6379
  `) + cursorLine;

test('hover on a key: path, kind, version, description, type, default and versions', () => {
  const h = hover(meshService('      app$0Protocol: http\n'))!;
  assert.equal(h.word, 'appProtocol');
  const lines = h.markdown.split('\n');
  assert.equal(lines[0], '**spec.ports[].appProtocol** (MeshService, Kuma 2.14)');
  assert.ok(h.markdown.includes('Protocol identifies a protocol supported by a service.'));
  assert.ok(h.markdown.includes('- Type: string'));
  assert.ok(h.markdown.includes('- Default: `tcp`'));
  assert.ok(h.markdown.includes('- Supported protocols (Kuma 2.14): `grpc`, `http`, `http2`, `kafka`, `tcp`'));
  assert.equal(lines[lines.length - 1], 'Available in Kuma: 2.9, 2.13, 2.14, 3.0');
  assert.ok(hover(meshService('      app$0Protocol: http\n'), '3.0')!.markdown.includes('(Kuma 3.0): `grpc`, `http`, `http2`, `tcp`'));
});

test('hover lists the versions that have the field', () => {
  const labels = hover('type: MeshService\nname: a\nspec:\n  selector:\n    dataplane$0Labels:\n      matchLabels: {}\n', '2.14')!;
  assert.ok(labels.markdown.endsWith('Available in Kuma: 2.14, 3.0'));
  const tags = hover('type: MeshService\nname: a\nspec:\n  selector:\n    dataplaneT$0ags: {}\n', '2.14')!;
  assert.ok(tags.markdown.endsWith('Available in Kuma: 2.9, 2.13, 2.14'));
  const gone = hover('type: MeshService\nname: a\nspec:\n  selector:\n    dataplaneT$0ags: {}\n', '3.0')!;
  assert.ok(gone.markdown.includes('Not defined in Kuma 3.0.'));
  assert.ok(gone.markdown.endsWith('Available in Kuma: 2.9, 2.13, 2.14'));
});

test('hover on a required key and an int-or-string key, Kubernetes form', () => {
  const src = dedent(`
    apiVersion: kuma.io/v1alpha1
    kind: MeshService
    metadata:
      name: redis
    spec:
      ports:
      - p$0ort: 6379
        targetPort: main
  `);
  const port = hover(src)!;
  assert.equal(port.word, 'port');
  assert.ok(port.markdown.startsWith('**spec.ports[].port** (MeshService, Kuma 2.14)'));
  assert.ok(port.markdown.includes('- Type: integer\n- Required'));
  const tp = hover(src.replace('$0', '').replace('targetPort', 'target$0Port'))!;
  assert.ok(tp.markdown.includes('- Type: integer or string'));
  assert.ok(!tp.markdown.includes('Required'));
});

test('hover on an enum value shows the allowed values', () => {
  const h = hover('type: MeshExternalService\nname: e\nspec:\n  match:\n    port: 80\n    protocol: ud$0p\n')!;
  assert.equal(h.word, 'udp');
  assert.equal(
    h.markdown,
    '**spec.match.protocol** (MeshExternalService, Kuma 2.14)\n\nAllowed values: `tcp`, `grpc`, `http`, `http2`.\n\n`udp` is not one of them.',
  );
  const dp = hover('type: Dataplane\nname: d\nmesh: m\nnetworking:\n  gateway:\n    type: BUI$0LTIN\n', '3.0')!;
  assert.ok(dp.markdown.includes('Allowed values: `DELEGATED`.'));
});

test('no hover on unknown keys, free-form values, or non-Kuma documents', () => {
  assert.equal(hover('type: MeshService\nname: a\nspec:\n  bo$0gus: 1\n'), undefined);
  assert.equal(hover('type: MeshService\nname: re$0dis\nspec: {}\n'), undefined);
  assert.equal(hover('apiVersion: v1\nkind: Service\nme$0tadata: {}\n'), undefined);
});

test('hover on Dataplane fields: aliases and Kubernetes spec wrapper', () => {
  const src = 'apiVersion: kuma.io/v1alpha1\nkind: Dataplane\nspec:\n  networking:\n    transparent_$0proxying: {}\n';
  const h = hover(src)!;
  assert.ok(h.markdown.startsWith('**spec.networking.transparent_proxying** (Dataplane, Kuma 2.14)'));
  assert.ok(h.markdown.includes('- Alias of `transparentProxying`'));
});
