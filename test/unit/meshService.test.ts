import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dedent, diagnose, withCode } from '../helpers';
import type { KumaVersion } from '../../server/src/core/kuma/versions';

const ALL: KumaVersion[] = ['2.9', '2.13', '2.14', '3.0'];

/** A Universal MeshService with the given spec body (YAML, indented under `spec:`). */
function universal(name: string, spec: string, extra = ''): string {
  return `type: MeshService\nname: ${name}\nmesh: default\n${extra}spec:\n${spec.replace(/^/gm, '  ')}\n`;
}
/** A selector of every version that Kuma 3.0 keeps (dataplaneTags gets the upgrade hint at 2.x). */
const selRef = 'selector:\n  dataplaneRef:\n    name: redis-1';
const sel214 = 'selector:\n  dataplaneLabels:\n    matchLabels:\n      app: redis';
const sel29 = 'selector:\n  dataplaneTags:\n    app: redis';
const okPorts = 'ports:\n  - name: main\n    port: 6379\n    targetPort: 6379\n    appProtocol: tcp';

test('a correct MeshService has no diagnostics in any version', () => {
  for (const v of ALL) {
    const sel = v === '3.0' || v === '2.14' ? sel214 : selRef;
    assert.deepEqual(diagnose(universal('redis', `${sel}\n${okPorts}`), v), [], v);
  }
  const k8s = dedent(`
    apiVersion: kuma.io/v1alpha1
    kind: MeshService
    metadata:
      name: redis
      namespace: kuma-demo
      labels:
        kuma.io/mesh: default
    spec:
      selector:
        dataplaneRef:
          name: redis-0.kuma-demo
      ports:
        - port: 6379
          targetPort: 6379
  `);
  for (const v of ALL) assert.deepEqual(diagnose(k8s, v), [], v);
});

test('display name longer than 63: error in 2.9-2.14 with Kuma message, RFC 1035 wording in 3.0', () => {
  const long = 'a'.repeat(64);
  for (const v of ['2.9', '2.13', '2.14'] as KumaVersion[]) {
    const d = withCode(diagnose(universal(long, `${v === '2.14' ? sel214 : sel29}\n${okPorts}`), v), 'name-too-long');
    assert.equal(d.length, 1, v);
    assert.equal(d[0].message, 'must not be longer than 63 characters');
    assert.equal(d[0].text, long);
    assert.equal(d[0].path, 'name');
  }
  const d30 = diagnose(universal(long, `${sel214}\n${okPorts}`), '3.0');
  assert.deepEqual(
    d30.map((d) => [d.code, d.message, d.path]),
    [['name-rfc1035', 'must be no more than 63 characters', 'name']],
  );
});

test('RFC 1035 names: deprecation warning in 2.13/2.14, error in 3.0, silent in 2.9', () => {
  const src = (v: KumaVersion) => universal('1meshservice.backend', `${v === '2.14' || v === '3.0' ? sel214 : sel29}\n${okPorts}`);
  assert.deepEqual(withCode(diagnose(src('2.9'), '2.9'), 'name-rfc1035-deprecated'), []);
  for (const v of ['2.13', '2.14'] as KumaVersion[]) {
    const d = withCode(diagnose(src(v), v), 'name-rfc1035-deprecated');
    assert.equal(d.length, 1);
    assert.equal(d[0].severity, 'warning');
    assert.equal(
      d[0].message,
      "Invalid MeshService resource name: '1meshservice.backend'. It does not conform to the DNS format (RFC 1035). This is deprecated. Errors: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    );
  }
  const d = withCode(diagnose(src('3.0'), '3.0'), 'name-rfc1035');
  assert.equal(d.length, 1);
  assert.equal(d[0].severity, 'error');
  assert.equal(d[0].text, '1meshservice.backend');
});

test('the display-name label is what gets checked in Universal', () => {
  const src = universal('fine', `${sel214}\n${okPorts}`, 'labels:\n  kuma.io/display-name: Bad_Name\n');
  const d = withCode(diagnose(src, '3.0'), 'name-rfc1035');
  assert.equal(d.length, 1);
  assert.equal(d[0].text, 'Bad_Name');
  assert.equal(d[0].path, 'name');
});

test('selector exclusivity: 2.14 and 3.0 errors with Kuma text, a warning before', () => {
  const both = 'selector:\n  dataplaneTags:\n    app: a\n  dataplaneRef:\n    name: dp-1';
  const d214 = withCode(diagnose(universal('a', `${both}\n${okPorts}`), '2.14'), 'selector-multiple');
  assert.equal(d214.length, 1);
  assert.equal(d214[0].message, 'must specify only one of: dataplaneTags, dataplaneRef, or dataplaneLabels');
  assert.equal(d214[0].text, 'selector');
  assert.equal(d214[0].path, 'spec.selector');

  const d29 = diagnose(universal('a', `${both}\n${okPorts}`), '2.9');
  assert.deepEqual(withCode(d29, 'selector-multiple'), []);
  const w = withCode(d29, 'selector-multiple-ignored');
  assert.equal(w.length, 1);
  assert.equal(w[0].severity, 'warning');
  assert.match(w[0].message, /uses only dataplaneRef and ignores dataplaneTags/);

  const refLabels = 'selector:\n  dataplaneLabels:\n    matchLabels: {app: a}\n  dataplaneRef:\n    name: dp-1';
  const d30 = withCode(diagnose(universal('a', `${refLabels}\n${okPorts}`), '3.0'), 'selector-multiple');
  assert.equal(d30[0].message, 'must specify only one of: dataplaneRef or dataplaneLabels');
});

test("dataplaneTags in 3.0: an error on the key and Kuma's no-selector deprecation warning", () => {
  const d = diagnose(universal('backend', `${sel29}\n${okPorts}`), '3.0');
  const removed = withCode(d, 'selector-dataplane-tags-removed');
  assert.equal(removed.length, 1);
  assert.equal(removed[0].text, 'dataplaneTags');
  assert.match(removed[0].message, /Migrate it to 'dataplaneLabels'/);
  const missing = withCode(d, 'selector-missing');
  assert.equal(missing.length, 1);
  assert.equal(missing[0].severity, 'warning');
  assert.equal(
    missing[0].message,
    "MeshService resource 'backend' has no selector, so it matches no data plane proxies. Set 'spec.selector.dataplaneRef' or 'spec.selector.dataplaneLabels'. The 'spec.selector.dataplaneTags' selector was removed, migrate it to 'dataplaneLabels'.",
  );
  // The specific rule replaces the generic "unknown key" for the same mistake.
  assert.deepEqual(withCode(d, 'schema-unknown-key'), []);
});

test('appProtocol: 3.0 rejects with Kuma text (case-insensitive), 2.x warns, kafka only in 2.x', () => {
  const ports = (p: string) => `ports:\n  - port: 80\n    targetPort: 80\n    appProtocol: ${p}`;
  const e = withCode(diagnose(universal('a', `${sel214}\n${ports('websocket')}`), '3.0'), 'app-protocol-invalid');
  assert.equal(e.length, 1);
  assert.equal(e[0].message, 'appProtocol must be one of: grpc, http, http2, tcp');
  assert.equal(e[0].text, 'websocket');
  assert.equal(e[0].path, 'spec.ports[0].appProtocol');
  assert.deepEqual(withCode(diagnose(universal('a', `${sel214}\n${ports('TCP')}`), '3.0'), 'app-protocol-invalid'), []);
  assert.equal(withCode(diagnose(universal('a', `${sel214}\n${ports('kafka')}`), '3.0'), 'app-protocol-invalid').length, 1);
  assert.deepEqual(withCode(diagnose(universal('a', `${sel214}\n${ports('kafka')}`), '2.14'), 'app-protocol-unsupported'), []);
  const w = withCode(diagnose(universal('a', `${sel214}\n${ports('websocket')}`), '2.14'), 'app-protocol-unsupported');
  assert.equal(w.length, 1);
  assert.equal(w[0].severity, 'warning');
  assert.deepEqual(withCode(diagnose(universal('a', `${sel214}\n${ports('websocket')}`), '2.14'), 'app-protocol-invalid'), []);
});

test('duplicate (port, appProtocol) is an error on the second entry; missing appProtocol means tcp', () => {
  const ports =
    'ports:\n  - port: 80\n    targetPort: 80\n  - port: 80\n    appProtocol: tcp\n    targetPort: 81\n  - port: 80\n    appProtocol: http\n    targetPort: 82';
  const d = withCode(diagnose(universal('a', `${sel214}\n${ports}`), '2.14'), 'ports-duplicate');
  assert.equal(d.length, 1);
  assert.equal(d[0].path, 'spec.ports[1]');
  assert.match(d[0].message, /spec\.ports\[0\] already declares it/);
});

test('duplicate port names warn; ports outside 1-65535 warn; missing targetPort warns', () => {
  const ports = 'ports:\n  - name: web\n    port: 70000\n    targetPort: 0\n  - name: web\n    port: 81';
  const d = diagnose(universal('a', `${sel214}\n${ports}`), '2.14');
  assert.deepEqual(
    withCode(d, 'ports-duplicate-name').map((x) => x.text),
    ['web'],
  );
  assert.deepEqual(
    withCode(d, 'port-range').map((x) => x.text),
    ['70000', '0'],
  );
  const tp = withCode(d, 'target-port-missing');
  assert.equal(tp.length, 1);
  assert.equal(tp[0].path, 'spec.ports[1].targetPort');
});

test('SNI deprecation for port names that are not RFC 1123 labels, from 2.14', () => {
  const ports = 'ports:\n  - name: http_web\n    port: 80\n    targetPort: 80';
  const d = withCode(diagnose(universal('a', `${sel214}\n${ports}`), '2.14'), 'sni-deprecated');
  assert.equal(d.length, 1);
  assert.equal(d[0].text, 'http_web');
  assert.match(d[0].message, /^Invalid MeshService SNI \(port "http_web"\): a lowercase RFC 1123 label must consist/);
  assert.match(d[0].message, /This is deprecated\.$/);
  assert.deepEqual(withCode(diagnose(universal('a', `${sel29}\n${ports}`), '2.13'), 'sni-deprecated'), []);
});

test('a hand-written status gets a warning on the key', () => {
  const d = withCode(
    diagnose(universal('a', `${sel214}\n${okPorts}`) + 'status:\n  vips:\n    - ip: 241.0.0.1\n', '2.14'),
    'status-read-only',
  );
  assert.equal(d.length, 1);
  assert.equal(d[0].text, 'status');
});

test('a hand-written status gets its one warning, and nothing inside it is checked', () => {
  const status = 'status:\n  vips:\n  - ip: 241.0.0.1\n    name: extra\n  hostnameGenerators:\n  - name: x\n  tls:\n    status: Wrong\n';
  for (const v of ALL) {
    const sel = v === '3.0' || v === '2.14' ? sel214 : selRef;
    const seen = diagnose(universal('a', `${sel}\n${okPorts}`) + status, v);
    assert.deepEqual(
      seen.map((d) => [d.code, d.text]),
      [['status-read-only', 'status']],
      v,
    );
  }
  const k8s = dedent(`
    apiVersion: kuma.io/v1alpha1
    kind: MeshService
    metadata:
      name: redis
    spec:
      selector:
        dataplaneRef:
          name: redis
      ports:
      - port: 80
        targetPort: 80
    status:
      addresses:
      - hostname: redis.mesh
        bogus: 1
  `);
  assert.deepEqual(
    diagnose(k8s).map((d) => [d.code, d.text]),
    [['status-read-only', 'status']],
  );
  // A status of the wrong type is covered by the same warning.
  assert.deepEqual(
    diagnose(universal('a', `${sel214}\n${okPorts}`) + 'status: 5\n').map((d) => d.code),
    ['status-read-only'],
  );
});

test('no selector: a warning in every version', () => {
  for (const v of ALL) {
    const d = withCode(diagnose(universal('a', okPorts), v), 'selector-missing');
    assert.equal(d.length, 1, v);
    assert.equal(d[0].text, 'spec');
  }
});
