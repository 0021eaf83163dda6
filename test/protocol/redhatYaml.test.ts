import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LspClient } from './lspClient';
import { registerKumaSchema, type RedHatYamlApi } from '../../client/src/redhatYaml';
import { tmpDir } from '../tmp';

/**
 * Red Hat's own language server (yaml-language-server, what redhat.vscode-yaml runs), driven the
 * way the VS Code extension drives it: our contributor is registered through the same API shape,
 * and the client answers the server's custom/schema requests from the registered contributors.
 */
const YLS = path.resolve(__dirname, '../../node_modules/yaml-language-server/bin/yaml-language-server');

interface Diag {
  message: string;
  range: { start: { line: number } };
}

async function redHatSession(texts: Record<string, string>, withKuma: boolean) {
  const dir = tmpDir('kuma-redhat-');
  // Stands for a Kubernetes schema associated with every YAML file (`yaml.schemas`), offline.
  const strict = path.join(dir, 'k8s.json');
  fs.writeFileSync(
    strict,
    JSON.stringify({
      type: 'object',
      required: ['apiVersion', 'kind'],
      properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' } },
      additionalProperties: false,
    }),
  );
  const c = new LspClient([YLS, '--stdio'], undefined, process.execPath);
  const contributors: { scheme: string; request: (r: string) => string | undefined; content: (u: string) => string | undefined }[] = [];
  const api: RedHatYamlApi = {
    registerContributor(scheme, request, content) {
      contributors.push({ scheme, request, content });
      return true;
    },
  };
  c.handlers.set('custom/schema/request', (resource) =>
    contributors.map((x) => x.request(String(resource))).filter((u): u is string => u !== undefined),
  );
  c.handlers.set('custom/schema/content', (uri) => contributors.find((x) => String(uri).startsWith(`${x.scheme}:`))?.content(String(uri)));
  try {
    await c.initialize({ workspace: { configuration: true }, textDocument: { publishDiagnostics: {} } });
    const files = Object.fromEntries(Object.entries(texts).map(([name, text]) => [`file://${dir}/${name}`, text]));
    if (withKuma) {
      registerKumaSchema(api, (uri) => files[uri]);
      c.notify('yaml/registerCustomSchemaRequest', null);
    }
    // yaml-language-server pulls its settings (`yaml` and a few editor sections) on every change.
    c.configuration = { validate: true, schemaStore: { enable: false }, schemas: { [`file://${strict}`]: '*.yaml' } };
    c.notify('workspace/didChangeConfiguration', { settings: null });
    const out: Record<string, string[]> = {};
    for (const [uri, text] of Object.entries(files)) {
      const published = c.waitFor<{ uri: string; diagnostics: Diag[] }>(
        'textDocument/publishDiagnostics',
        (p) => p.uri === uri && p.diagnostics.length > 0,
      );
      c.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
      out[uri.slice(uri.lastIndexOf('/') + 1)] = (await published).diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`);
    }
    return out;
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const KUMA = 'type: MeshService\nname: web\nmesh: default\nname: again\nspec:\n  ports:\n    - {port: 80, targetPort: 8080}\n';
const OTHER = 'apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n';

test('Red Hat YAML applies its schema to Kuma files without the Kuma contributor, and only reports syntax with it', async () => {
  const without = await redHatSession({ 'kuma.yaml': KUMA }, false);
  assert.ok(
    without['kuma.yaml'].some((m) => /Missing property "apiVersion"/.test(m)),
    `schema errors expected without the contributor: ${without['kuma.yaml'].join(' | ')}`,
  );

  const withKuma = await redHatSession({ 'kuma.yaml': KUMA, 'other.yaml': OTHER }, true);
  assert.deepEqual(withKuma['kuma.yaml'], ['4: Map keys must be unique']);
  // Files without Kuma documents keep Red Hat's schema.
  assert.ok(
    withKuma['other.yaml'].some((m) => /Property data is not allowed/.test(m)),
    withKuma['other.yaml'].join(' | '),
  );
});
