// The web extension's bundles (dist/client.web.js, dist/server.web.js): no code generation at run
// time (VS Code for the Web and pages with a Content-Security-Policy without 'unsafe-eval' forbid
// it), no Node built-ins, and the server answers LSP over postMessage in a context where eval and
// new Function throw, as they do under such a policy. (test/e2e/web.mjs does the same in Chromium.)
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as vm from 'node:vm';

const DIST = path.resolve(__dirname, '../../dist');
const CODE_GENERATION = [/\bnew\s+Function\s*\(/, /(^|[^\w$.])eval\s*\(/, /(^|[^\w$.])Function\s*\(/];

for (const file of ['server.web.js', 'client.web.js']) {
  test(`${file} generates no code at run time and needs no Node built-ins`, () => {
    const code = fs.readFileSync(path.join(DIST, file), 'utf8');
    for (const re of CODE_GENERATION) {
      const m = re.exec(code);
      assert.equal(m, null, m ? `${file} has ${JSON.stringify(code.slice(m.index - 60, m.index + 40))}` : '');
    }
    const required = [...new Set([...code.matchAll(/(?<![\w$.'"`])require\("([^"]+)"\)/g)].map((m) => m[1]))];
    assert.deepEqual(required, file === 'client.web.js' ? ['vscode'] : []);
  });
}

test('the check above sees code generation', () => {
  assert.ok(CODE_GENERATION.some((re) => re.test('x = new Function("return this")')));
  assert.ok(CODE_GENERATION.some((re) => re.test('const x = eval("1")')));
  assert.ok(CODE_GENERATION.every((re) => !re.test('retrieval(x); obj.eval(y); isFunction(z)')));
});

interface Message {
  id?: number;
  method?: string;
  params?: unknown;
  result?: unknown;
}

/** dist/server.web.js in a worker-like global scope whose code generation from strings is off. */
function startWebServer(handlers: Record<string, (params: unknown) => unknown> = {}) {
  const fromServer: Message[] = [];
  const waiters: (() => void)[] = [];
  const scope: Record<string, unknown> = {
    console,
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    queueMicrotask,
    TextEncoder,
    TextDecoder,
    URL,
    crypto,
    addEventListener: () => undefined,
    postMessage: (m: Message) => {
      if (m.id !== undefined && m.method !== undefined) {
        // A request from the server: answered by the test's handler, or with null.
        const result = handlers[m.method]?.(JSON.parse(JSON.stringify(m.params))) ?? null;
        setTimeout(() => send({ id: m.id, result }), 0);
      }
      fromServer.push(JSON.parse(JSON.stringify(m)) as Message);
      for (const w of waiters.splice(0)) w();
    },
  };
  const context = vm.createContext(scope, { codeGeneration: { strings: false, wasm: false } });
  assert.throws(() => vm.runInContext('new Function("return 1")', context), /Code generation from strings disallowed/);
  vm.runInContext(fs.readFileSync(path.join(DIST, 'server.web.js'), 'utf8'), context, { filename: 'server.web.js' });
  const send = (m: Message) => (scope.onmessage as (e: { data: unknown }) => void)({ data: { jsonrpc: '2.0', ...m } });
  async function waitFor(pred: (m: Message) => boolean): Promise<Message> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = fromServer.find(pred);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no such message; got ${JSON.stringify(fromServer).slice(0, 600)}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }
  return { send, waitFor };
}

const MESH_SERVICE = `apiVersion: kuma.io/v1alpha1
kind: MeshService
metadata:
  name: chat
  namespace: kuma-demo
spec:
  selector:
    dataplaneTags:
      app: chat
  ports:
    - name: ws
      port: 8080
      targetPort: 8080
      appProtocol: 
  weight: 10
`;

test('server.web.js answers LSP over postMessage without code generation: diagnostics and completion', async () => {
  const server = startWebServer();
  server.send({ id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
  const init = (await server.waitFor((m) => m.id === 1)).result as { capabilities: { completionProvider?: unknown } };
  assert.ok(init.capabilities.completionProvider);
  server.send({ method: 'initialized', params: {} });
  const uri = 'vscode-vfs://github/kumahq/demo/chat.yaml';
  server.send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'yaml', version: 1, text: MESH_SERVICE } } });
  const published = await server.waitFor((m) => m.method === 'textDocument/publishDiagnostics');
  // The upgrade hint on dataplaneTags (severity 4) aside.
  const diagnostics = (
    published.params as { uri: string; diagnostics: { code: string; message: string; range: unknown; severity: number }[] }
  ).diagnostics.filter((d) => d.severity !== 4);
  assert.deepEqual(
    diagnostics.map((d) => [d.code, d.range]),
    [['schema-unknown-key', { start: { line: 14, character: 2 }, end: { line: 14, character: 8 } }]],
  );
  assert.match(diagnostics[0].message, /^Unknown key "weight" in spec: MeshService \(Kuma 2\.14\)/);
  server.send({ id: 2, method: 'textDocument/completion', params: { textDocument: { uri }, position: { line: 13, character: 19 } } });
  const items = (await server.waitFor((m) => m.id === 2)).result as { label: string }[];
  assert.deepEqual(
    items.map((i) => i.label),
    ['grpc', 'http', 'http2', 'kafka', 'tcp'],
  );
});

test('server.web.js indexes the workspace the client serves (kuma/listYamlFiles, kuma/readFile)', async () => {
  const folder = 'vscode-vfs://github/kumahq/demo';
  const files: Record<string, string> = {
    [`${folder}/dataplanes/chat-1.yaml`]:
      'type: Dataplane\nmesh: default\nname: chat-1\nnetworking:\n  address: 10.0.0.7\n  inbound:\n    - port: 9090\n      tags:\n        kuma.io/service: chat\n        app: chat\n',
    // Skipped: kuma.files.exclude (relative to the folder).
    [`${folder}/charts/other.yaml`]:
      'type: Dataplane\nmesh: default\nname: other\nnetworking:\n  address: 10.0.0.8\n  inbound:\n    - port: 7070\n      tags:\n        kuma.io/service: chat\n        app: chat\n',
  };
  const asked: string[] = [];
  const server = startWebServer({
    'kuma/listYamlFiles': (p) => {
      asked.push(`list ${(p as { folderUri: string }).folderUri}`);
      return Object.keys(files);
    },
    'kuma/readFile': (p) => {
      const uri = (p as { uri: string }).uri;
      asked.push(`read ${uri.slice(folder.length)}`);
      return files[uri] ?? null;
    },
  });
  server.send({
    id: 1,
    method: 'initialize',
    params: {
      processId: null,
      rootUri: null,
      workspaceFolders: [{ uri: folder, name: 'demo' }],
      capabilities: {},
      initializationOptions: { kuma: { files: { exclude: ['charts/**'] } } },
    },
  });
  await server.waitFor((m) => m.id === 1);
  server.send({ method: 'initialized', params: {} });
  await server.waitFor((m) => m.method === 'window/logMessage' && /indexed 1 YAML files/.test((m.params as { message: string }).message));
  assert.deepEqual(asked, [`list ${folder}`, 'read /dataplanes/chat-1.yaml']);
  const uri = `${folder}/chat.yaml`;
  const text =
    'type: MeshService\nname: chat\nmesh: default\nspec:\n  selector:\n    dataplaneTags:\n      app: chat\n  ports:\n    - port: 8080\n      targetPort: \n';
  server.send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'yaml', version: 1, text } } });
  server.send({ id: 2, method: 'textDocument/completion', params: { textDocument: { uri }, position: { line: 9, character: 18 } } });
  const items = (await server.waitFor((m) => m.id === 2)).result as { label: string; detail?: string }[];
  assert.deepEqual(
    items.map((i) => [i.label, i.detail]),
    [['9090', 'Dataplane chat-1']],
  );
});
