import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChunk } from '../../server/src/core/yaml/documents';
import { schemaHover } from '../../server/src/core/features/hover';
import { schemaCompletions } from '../../server/src/core/features/completion/schema';
import type { KumaVersion } from '../../server/src/core/kuma/versions';
import { dedent, diagnose, parseFixture } from '../helpers';

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

/** The protocol diagnostics of a document with the hover on the value at `$0`. */
function protocolStory(src: string, version: KumaVersion) {
  const text = src.replace('$0', '');
  const diags = diagnose(text, version).filter((d) => /protocol/.test(d.code) || /protocol/i.test(d.message));
  return { markdown: hover(src, version)!.markdown, diags };
}

test('hover on an appProtocol value tells what Kuma does with it, as the diagnostics do (Kubernetes MeshService)', () => {
  const k8s = (v: string) =>
    dedent(`
      apiVersion: kuma.io/v1alpha1
      kind: MeshService
      metadata:
        name: web
      spec:
        selector:
          dataplaneRef:
            name: web
        ports:
        - port: 80
          targetPort: 80
          appProtocol: ${v}
    `);
  // 2.14 does not check appProtocol and lower-cases it: no diagnostic, and the hover does not call it wrong.
  const upper = protocolStory(k8s('HT$0TP'), '2.14');
  assert.deepEqual(upper.diags, []);
  assert.ok(!upper.markdown.includes('is not one of them'), upper.markdown);
  assert.ok(upper.markdown.includes('Kuma 2.14 reads `HTTP` as `http`.'), upper.markdown);
  // 3.0 compares case-insensitively too.
  const upper30 = protocolStory(k8s('HT$0TP'), '3.0');
  assert.deepEqual(upper30.diags, []);
  assert.ok(upper30.markdown.includes('Kuma 3.0 reads `HTTP` as `http`.'), upper30.markdown);
  // An unknown value: 2.14 warns and the hover says the same thing.
  const ws = protocolStory(k8s('web$0socket'), '2.14');
  assert.equal(ws.diags.length, 1);
  assert.equal(ws.diags[0].code, 'app-protocol-unsupported');
  assert.ok(ws.markdown.includes('Kuma 2.14 accepts it but treats the traffic as plain TCP, without L7 features.'), ws.markdown);
  // 3.0 rejects it, with the diagnostic's words.
  const ws30 = protocolStory(k8s('web$0socket'), '3.0');
  assert.equal(ws30.diags[0].message, 'appProtocol must be one of: grpc, http, http2, tcp');
  assert.ok(ws30.markdown.includes('Kuma 3.0 rejects it: appProtocol must be one of: grpc, http, http2, tcp'), ws30.markdown);
  const kafka30 = protocolStory(k8s('kaf$0ka'), '3.0');
  assert.equal(kafka30.diags.length, 1);
  assert.ok(kafka30.markdown.includes('Kuma 3.0 rejects it'), kafka30.markdown);
  // A supported value: nothing to add.
  const ok = protocolStory(k8s('ht$0tp'), '2.14');
  assert.deepEqual(ok.diags, []);
  assert.ok(!/Kuma 2\.14 (reads|accepts|rejects)/.test(ok.markdown), ok.markdown);
});

test('hover and diagnostics agree on every protocol field, per version', () => {
  const docs: Record<string, (v: string) => string> = {
    MeshService: (v) =>
      `type: MeshService\nname: a\nmesh: default\nspec:\n  selector:\n    dataplaneRef:\n      name: a\n  ports:\n  - port: 80\n    targetPort: 80\n    appProtocol: ${v}\n`,
    MeshMultiZoneService: (v) =>
      `type: MeshMultiZoneService\nname: a\nmesh: default\nspec:\n  selector:\n    meshService:\n      matchLabels: {app: a}\n  ports:\n  - port: 80\n    appProtocol: ${v}\n`,
    'Dataplane protocol': (v) =>
      `type: Dataplane\nname: d\nmesh: default\nnetworking:\n  address: 10.0.0.1\n  inbound:\n  - port: 80\n    name: http\n    protocol: ${v}\n    tags:\n      kuma.io/service: a\n`,
    'Dataplane tag': (v) =>
      `type: Dataplane\nname: d\nmesh: default\nnetworking:\n  address: 10.0.0.1\n  inbound:\n  - port: 80\n    tags:\n      kuma.io/service: a\n      kuma.io/protocol: ${v}\n`,
  };
  for (const [what, doc] of Object.entries(docs)) {
    for (const version of ['2.9', '2.13', '2.14', '3.0'] as KumaVersion[]) {
      for (const value of ['http', 'HTTP', 'tls', 'kafka', 'websocket']) {
        const src = doc(`${value}$0`);
        const h = hover(src, version);
        if (!h) continue; // no protocol field at this version (inbound protocol before 2.14, tags at 3.0)
        const text = src.replace('$0', '');
        const at = text.lastIndexOf(value);
        const diags = diagnose(text, version).filter((d) => d.text === value && text.indexOf(d.text) === at);
        const where = `${what} ${value} at ${version}`;
        // Completion offers the values the hover lists, and none of them gets a diagnostic.
        const [pd] = parseChunk(text);
        const offered = schemaCompletions(pd, text, at, version).map((e) => e.label);
        assert.ok(
          h.markdown.includes(`Supported protocols: ${offered.map((o) => `\`${o}\``).join(', ')}.`),
          `${where}: ${offered.join(', ')}`,
        );
        for (const o of offered) {
          const other = text.slice(0, at) + o + text.slice(at + value.length);
          assert.deepEqual(
            diagnose(other, version).filter((d) => d.text === o),
            [],
            `${where}: completion offers ${o}`,
          );
        }
        if (diags.length === 0)
          assert.ok(!h.markdown.includes('is not one of them') && !h.markdown.includes('rejects'), `${where}: ${h.markdown}`);
        for (const d of diags) {
          const words = d.message.replace(/^appProtocol "[^"]*" is not a protocol Kuma [\d.]+ supports \([^)]*\): Kuma /, '');
          assert.ok(
            h.markdown.includes(words.replace(/\.$/, '')),
            `${where}: hover ${JSON.stringify(h.markdown)} vs diagnostic ${d.message}`,
          );
        }
      }
    }
  }
});
