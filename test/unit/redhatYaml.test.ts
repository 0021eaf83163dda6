import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import {
  effectiveYamlSyntax,
  hasKumaDocument,
  KUMA_SCHEMA_URI,
  registerKumaSchema,
  resolveKumaSection,
  type RedHatYamlApi,
} from '../../client/src/redhatYaml';
import { readSettings } from '../../server/src/lsp/settings';

/** Records what a real Red Hat YAML would be given, and asks it like Red Hat does. */
function fakeRedHat() {
  const contributors: { scheme: string; request: (r: string) => string | undefined; content: (u: string) => string | undefined }[] = [];
  const api: RedHatYamlApi = {
    registerContributor(scheme, request, content) {
      contributors.push({ scheme, request, content });
      return true;
    },
  };
  /** The schema content Red Hat would use for a resource, or undefined for its own schemas. */
  const schemaFor = (resource: string) => {
    for (const c of contributors) {
      const uri = c.request(resource);
      if (uri) {
        assert.equal(uri.split(':')[0], c.scheme, 'Red Hat asks the contributor of the URI scheme for its content');
        return c.content(uri);
      }
    }
    return undefined;
  };
  return { api, contributors, schemaFor };
}

const FILES: Record<string, string> = {
  'file:///ws/k8s.yaml': 'apiVersion: kuma.io/v1alpha1\nkind: MeshService\nmetadata:\n  name: web\n',
  'file:///ws/universal.yaml': '# services\ntype: "Dataplane"   # a proxy\nname: dp-1\n',
  'file:///ws/mixed.yaml': 'apiVersion: apps/v1\nkind: Deployment\n---\ntype: MeshExternalService\nname: x\n',
  'file:///ws/deploy.yaml': 'apiVersion: v1\nkind: Service\nspec:\n  type: ClusterIP\n',
  'file:///ws/nested.yaml': 'items:\n  - kind: MeshService\n',
  'file:///ws/ci.yaml': 'on: push\n',
};

test('Kuma files get the permissive kuma: schema from Red Hat YAML; other files keep Red Hat schemas', () => {
  const red = fakeRedHat();
  assert.equal(
    registerKumaSchema(red.api, (uri) => FILES[uri]),
    true,
  );
  assert.deepEqual(
    red.contributors.map((c) => c.scheme),
    ['kuma'],
  );
  const withOurs = Object.keys(FILES).filter((u) => red.schemaFor(u) !== undefined);
  assert.deepEqual(withOurs, ['file:///ws/k8s.yaml', 'file:///ws/universal.yaml', 'file:///ws/mixed.yaml']);
  assert.equal(red.schemaFor('file:///ws/not-open.yaml'), undefined);
  assert.equal(red.contributors[0].content('kuma://schemas/other.json'), undefined);

  // The schema accepts any document, so Red Hat reports no schema problem where we report ours.
  const schema = JSON.parse(red.schemaFor('file:///ws/k8s.yaml')!);
  assert.equal(schema.$id, KUMA_SCHEMA_URI);
  const validate = new Ajv({ strict: false }).compile(schema);
  for (const doc of [{ kind: 'MeshService', spec: { weight: 'x' } }, { type: 'Dataplane' }, null, [1], 'text'])
    assert.equal(validate(doc), true);
});

test('hasKumaDocument reads top-level kind / type lines only', () => {
  assert.equal(hasKumaDocument('kind: HostnameGenerator\n'), true);
  assert.equal(hasKumaDocument("type: 'MeshMultiZoneService'\r\n"), true);
  assert.equal(hasKumaDocument('kind: MeshServiceX\n'), false);
  assert.equal(hasKumaDocument('  kind: MeshService\n'), false);
  assert.equal(hasKumaDocument('kind: Mesh\n'), false);
});

test('kuma.validate.yamlSyntax auto leaves syntax errors to Red Hat YAML only while it validates', () => {
  assert.equal(effectiveYamlSyntax('auto', { present: true, validates: true }), 'off');
  assert.equal(effectiveYamlSyntax(undefined, { present: true, validates: true }), 'off');
  assert.equal(effectiveYamlSyntax('auto', { present: true, validates: false }), 'on');
  assert.equal(effectiveYamlSyntax('auto', { present: false, validates: true }), 'on');
  assert.equal(effectiveYamlSyntax('on', { present: true, validates: true }), 'on');
  assert.equal(effectiveYamlSyntax('off', { present: false, validates: false }), 'off');
});

test('the resolved kuma section turns yaml-syntax and yaml-duplicate-key off in the server, unless a severity says otherwise', () => {
  const red = { present: true, validates: true };
  const section = {
    version: '3.0',
    validate: { enable: true, yamlSyntax: 'auto' },
    diagnostics: { severity: { 'yaml-duplicate-key': 'warning' } },
  };
  const resolved = resolveKumaSection(section, red);
  assert.deepEqual(resolved, { ...section, validate: { enable: true, yamlSyntax: 'off' } });
  const s = readSettings(resolved);
  assert.equal(s.kumaVersion, '3.0');
  assert.deepEqual(s.severity, { 'yaml-syntax': 'off', 'yaml-duplicate-key': 'warning' });
  assert.equal(readSettings(resolveKumaSection({}, { present: false, validates: false })).severity, undefined);
  assert.equal(resolveKumaSection(null, red), null);
});
