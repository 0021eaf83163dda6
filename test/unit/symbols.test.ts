import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLanguageService } from '../../server/src/core/host/languageService';
import { documentSymbols } from '../../server/src/core/features/symbols';
import { dedent } from '../helpers';

test('document symbols: one per Kuma resource, both forms, file offsets', () => {
  const text = dedent(`
    # kuma-version: 2.14
    apiVersion: kuma.io/v1alpha1
    kind: MeshService
    metadata:
      name: redis
      namespace: kuma-demo
    spec:
      ports:
        - port: 6379
          targetPort: redis
        - port: 8080
          targetPort: http
        - port: 9000
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: not-kuma
    ---
    type: Dataplane
    name: web-1
    mesh: default
    networking:
      address: 10.0.0.1
      inbound:
        - port: 18080
          name: http
        - port: 19090
          name: metrics
        - port: 7000
          tags:
            kuma.io/service: legacy
    ---
    type: HostnameGenerator
    name: local
    spec:
      selector:
        meshService:
          matchLabels: {}
      template: "{{ .DisplayName }}.mesh"
    ---
    type: MeshExternalService
    name: httpbin
    mesh: default
    spec:
      match:
        port: 443
        protocol: http
      endpoints: []
    ---
    type: MeshMultiZoneService
    spec:
      ports:
        - port: 6379
          name: main
  `);
  const symbols = documentSymbols(createLanguageService().analyze(text));
  assert.deepEqual(
    symbols.map((s) => [s.name, s.kind, s.detail, text.slice(s.selectionRange.start, s.selectionRange.end)]),
    [
      ['redis', 'MeshService', 'kuma-demo — 6379→redis, 8080→http, 9000', 'redis'],
      ['web-1', 'Dataplane', '10.0.0.1 — http:18080, metrics:19090, legacy:7000', 'web-1'],
      ['local', 'HostnameGenerator', '{{ .DisplayName }}.mesh', 'local'],
      ['httpbin', 'MeshExternalService', '443/http', 'httpbin'],
      ['(unnamed)', 'MeshMultiZoneService', '6379 (main)', 'type'],
    ],
  );
  const ms = symbols[0];
  assert.ok(text.slice(ms.range.start, ms.range.end).startsWith('apiVersion: kuma.io/v1alpha1\nkind: MeshService'));
  const dp = symbols[1];
  assert.ok(text.slice(dp.range.start, dp.range.end).startsWith('type: Dataplane'));
  assert.ok(text.slice(dp.range.start, dp.range.end).trimEnd().endsWith('kuma.io/service: legacy'));
});

test('document symbols: Kubernetes Dataplane and an empty file', () => {
  const text =
    'apiVersion: kuma.io/v1alpha1\nkind: Dataplane\nmesh: default\nmetadata:\n  name: dp\n  namespace: ns\nspec:\n  networking:\n    address: 10.1.1.1\n    gateway:\n      type: DELEGATED\n';
  const [s] = documentSymbols(createLanguageService().analyze(text));
  assert.deepEqual([s.name, s.detail], ['dp', 'ns — 10.1.1.1 — gateway DELEGATED']);
  assert.deepEqual(documentSymbols(createLanguageService().analyze('# nothing\n')), []);
});
