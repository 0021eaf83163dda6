// Issue 15: policies point at MeshServices. Over stdio, in a workspace on disk with Dataplanes,
// MeshServices and policies in both forms: the broken references are flagged with fixes, completion
// after `sectionName:` lists the target's ports, F12 lands on the port, renaming a port renames the
// sectionNames, and the MeshService shows the policies that target it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { coveredText, LspClient } from './lspClient';
import { tmpDir } from '../tmp';

interface Position {
  line: number;
  character: number;
}
interface Range {
  start: Position;
  end: Position;
}
interface Diag {
  range: Range;
  code: string;
  message: string;
  source: string;
  data: unknown;
}
interface Action {
  title: string;
  isPreferred?: boolean;
  edit: { changes: Record<string, { range: Range; newText: string }[]> };
}

const DATAPLANES = `type: Dataplane
mesh: default
name: backend-1
labels:
  app: backend
networking:
  address: 10.0.0.1
  inbound:
    - port: 18080
      name: http
    - port: 19090
      name: metrics
`;

const SERVICES = `type: MeshService
name: backend
mesh: default
spec:
  selector:
    dataplaneLabels:
      matchLabels:
        app: backend
  ports:
    - port: 80
      name: http
      targetPort: http
      appProtocol: http
    - port: 9090
      name: metrics
      targetPort: metrics
---
apiVersion: kuma.io/v1alpha1
kind: MeshService
metadata:
  name: payments
  namespace: kuma-demo
  labels:
    kuma.io/mesh: default
spec:
  selector:
    dataplaneTags:
      app: payments
  ports:
    - port: 8080
      name: api
      targetPort: 8080
      appProtocol: http
`;

const POLICIES = `type: MeshTimeout
name: backend-timeouts
mesh: default
spec:
  targetRef:
    kind: Mesh
  to:
    - targetRef:
        kind: MeshService
        name: backend
        sectionName: htp
      default:
        idleTimeout: 20s
    - targetRef:
        kind: MeshService
        name: backend
        sectionName: http
      default:
        idleTimeout: 30s
    - targetRef:
        kind: MeshService
        name: missing
      default:
        idleTimeout: 40s
---
apiVersion: kuma.io/v1alpha1
kind: MeshHTTPRoute
metadata:
  name: payments-route
  namespace: kuma-demo
  labels:
    kuma.io/mesh: default
spec:
  targetRef:
    kind: Mesh
  to:
    - targetRef:
        kind: MeshService
        name: payments
        sectionName: api
      rules:
        - matches:
            - path:
                type: PathPrefix
                value: /
          default:
            backendRefs:
              - kind: MeshService
                name: payments
                port: 8081
`;

function pos(text: string, needle: string, delta = 0): Position {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  const before = text.slice(0, i + delta);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}

function apply(text: string, edits: { range: Range; newText: string }[]): string {
  const lines = text.split('\n');
  const offset = (p: Position) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return [...edits]
    .sort((a, b) => offset(b.range.start) - offset(a.range.start))
    .reduce((t, e) => t.slice(0, offset(e.range.start)) + e.newText + t.slice(offset(e.range.end)), text);
}

test('policies over stdio: broken references flagged with fixes, sectionName completion, F12, rename, "targeted by"', async () => {
  const dir = tmpDir('kuma-policies-');
  const file = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return pathToFileURL(path.join(dir, name)).toString();
  };
  file('dataplanes.yaml', DATAPLANES);
  const svcUri = file('services.yaml', SERVICES);
  const polUri = file('policies.yaml', POLICIES);
  const root = pathToFileURL(dir).toString();
  const c = new LspClient();
  try {
    await c.request('initialize', {
      processId: process.pid,
      rootUri: root,
      workspaceFolders: [{ uri: root, name: 'ws' }],
      capabilities: {
        workspace: { configuration: true },
        textDocument: { publishDiagnostics: {}, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } } },
      },
    });
    c.notify('initialized', {});
    // The policies are checked once the index knows the MeshServices on disk.
    const policyCodes = ['policy-section-unresolved', 'policy-ref-unresolved', 'policy-backend-port-unresolved'];
    const published = c.waitFor<{ uri: string; diagnostics: Diag[] }>(
      'textDocument/publishDiagnostics',
      (p) => p.uri === polUri && policyCodes.every((code) => p.diagnostics.some((d) => d.code === code)),
      20000,
    );
    c.notify('textDocument/didOpen', { textDocument: { uri: polUri, languageId: 'yaml', version: 1, text: POLICIES } });
    const diags = (await published).diagnostics.filter((d) => d.code.startsWith('policy-'));
    assert.deepEqual(
      diags.map((d) => [d.code, coveredText(POLICIES, d.range)]),
      [
        ['policy-section-unresolved', 'htp'],
        ['policy-ref-unresolved', 'missing'],
        ['policy-backend-port-unresolved', '8081'],
      ],
    );
    assert.match(diags[0].message, /its ports are http \(80, http\), metrics \(9090\).*Did you mean "http"\?/);
    assert.match(diags[1].message, /holds 1 MeshService for mesh "default": backend\)/);
    assert.match(diags[2].message, /exposes 8080 \(api\)/);

    // Each comes with a quick fix that makes the reference resolve.
    const fixOf = async (d: Diag) => {
      const actions = await c.request<Action[]>('textDocument/codeAction', {
        textDocument: { uri: polUri },
        range: d.range,
        context: { diagnostics: [d] },
      });
      return actions.find((a) => a.isPreferred) ?? actions[0];
    };
    const section = await fixOf(diags[0]);
    assert.equal(section.title, 'Change sectionName to "http"');
    assert.match(apply(POLICIES, section.edit.changes[polUri]), /sectionName: http\n {6}default:\n {8}idleTimeout: 20s/);
    const port = await fixOf(diags[2]);
    assert.equal(port.title, 'Change port to 8080');
    assert.match(apply(POLICIES, port.edit.changes[polUri]), /port: 8080\n$/);
    const missing = await fixOf(diags[1]);
    assert.match(missing.title, /^Change name to "/);

    // Completion after sectionName: exactly the target's port names, with number and appProtocol.
    const items = await c.request<{ items?: { label: string; detail?: string }[] } | { label: string; detail?: string }[]>(
      'textDocument/completion',
      { textDocument: { uri: polUri }, position: pos(POLICIES, 'sectionName: htp', 'sectionName: '.length) },
    );
    const list = Array.isArray(items) ? items : (items.items ?? []);
    assert.deepEqual(list.map((i) => i.label).sort(), ['http', 'metrics']);
    assert.equal(list.find((i) => i.label === 'http')?.detail, 'port 80 · http');

    // F12 on a sectionName lands on the port's name in services.yaml.
    const defs = await c.request<{ uri: string; range: Range }[]>('textDocument/definition', {
      textDocument: { uri: polUri },
      position: pos(POLICIES, 'sectionName: http', 'sectionName: h'.length),
    });
    assert.equal(defs.length, 1);
    assert.equal(defs[0].uri, svcUri);
    assert.deepEqual(defs[0].range.start, pos(SERVICES, 'name: http', 'name: '.length));

    // Renaming the port in the MeshService renames the sectionName that resolves to it, in one edit.
    c.notify('textDocument/didOpen', { textDocument: { uri: svcUri, languageId: 'yaml', version: 1, text: SERVICES } });
    const at = pos(SERVICES, 'name: http', 'name: h'.length);
    const prepared = await c.request<{ placeholder: string } | null>('textDocument/prepareRename', {
      textDocument: { uri: svcUri },
      position: at,
    });
    assert.equal(prepared?.placeholder, 'http');
    const edit = await c.request<{ changes: Record<string, { range: Range; newText: string }[]> }>('textDocument/rename', {
      textDocument: { uri: svcUri },
      position: at,
      newName: 'web',
    });
    assert.deepEqual(Object.keys(edit.changes).sort(), [polUri, svcUri].sort());
    assert.equal(apply(SERVICES, edit.changes[svcUri]), SERVICES.replace('name: http', 'name: web'));
    assert.equal(apply(POLICIES, edit.changes[polUri]), POLICIES.replace('sectionName: http', 'sectionName: web'));

    // "targeted by N policies" on the MeshService and on its port, listing them.
    const hints = await c.request<{ label: string; position: Position; tooltip?: string }[]>('textDocument/inlayHint', {
      textDocument: { uri: svcUri },
      range: { start: { line: 0, character: 0 }, end: { line: 40, character: 0 } },
    });
    const targeted = hints.filter((h) => h.label.includes('targeted by'));
    assert.deepEqual(
      targeted.map((h) => [h.position.line, h.label.trim()]),
      [
        [1, 'targeted by 1 policy'],
        [10, 'targeted by 1 policy'],
        [20, 'targeted by 1 policy'],
        [30, 'targeted by 1 policy'],
      ],
    );
    assert.equal(targeted[0].tooltip, 'MeshTimeout backend-timeouts (policies.yaml)');
    assert.equal(targeted[2].tooltip, 'MeshHTTPRoute payments-route (policies.yaml)');
    const h = await c.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri: svcUri },
      position: pos(SERVICES, 'name: backend', 'name: b'.length),
    });
    assert.match(h.contents.value, /\*\*Targeted by 1 policy\*\*:\n\n- MeshTimeout backend-timeouts \(policies.yaml\)/);
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
