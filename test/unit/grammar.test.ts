// The TextMate injection grammar (syntaxes/kuma.injection.tmLanguage.json), tokenized the way VS Code does it:
// vscode-textmate + vscode-oniguruma, injected into a YAML base grammar (textmate/yaml.tmbundle, from the
// MIT-licensed tm-grammars package) as package.json's `injectTo: ["source.yaml"]` asks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, Registry, parseRawGrammar, type IGrammar } from 'vscode-textmate';

const ROOT = path.resolve(__dirname, '../..');
const INJECTION = path.join(ROOT, 'syntaxes/kuma.injection.tmLanguage.json');

const onigLib = oniguruma
  .loadWASM(fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer as ArrayBuffer)
  .then(() => ({
    createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s: string) => new oniguruma.OnigString(s),
  }));

function yamlGrammar(inject: boolean): Promise<IGrammar | null> {
  const registry = new Registry({
    onigLib,
    loadGrammar: async (scope) => {
      const file =
        scope === 'source.yaml' ? require.resolve('tm-grammars/grammars/yaml.json') : scope === 'kuma.injection' ? INJECTION : undefined;
      return file ? parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null;
    },
    getInjections: (scope) => (inject && scope === 'source.yaml' ? ['kuma.injection'] : undefined),
  });
  return registry.loadGrammar('source.yaml');
}
const withKuma = yamlGrammar(true);
const plain = yamlGrammar(false);

type Token = { text: string; scopes: string[] };
async function tokenize(text: string, inject = true): Promise<Token[][]> {
  const grammar = (await (inject ? withKuma : plain))!;
  let state = INITIAL;
  return text.split('\n').map((line) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    return r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes.slice(1) }));
  });
}

/** The scopes of the token that is exactly `text` on line `line` (0-based), or undefined. */
async function scopesOf(doc: string, line: number, text: string): Promise<string[] | undefined> {
  return (await tokenize(doc))[line].find((t) => t.text === text)?.scopes;
}
const kumaScopes = (lines: Token[][]) => lines.flat().filter((t) => t.scopes.some((s) => s.endsWith('.kuma')));

test('the five Kuma kinds are scoped as types, in Kubernetes (kind:) and Universal (type:) form', async () => {
  for (const kind of ['MeshService', 'MeshExternalService', 'MeshMultiZoneService', 'HostnameGenerator', 'Dataplane']) {
    assert.deepEqual(await scopesOf(`apiVersion: kuma.io/v1alpha1\nkind: ${kind}\n`, 1, kind), ['entity.name.type.kuma'], kind);
    assert.deepEqual(await scopesOf(`type: ${kind} # universal\nname: x\n`, 0, kind), ['entity.name.type.kuma'], kind);
  }
  // other kinds and values that only start like a Kuma kind stay plain YAML
  for (const doc of ['kind: Service\n', 'kind: MeshTrafficPermission\n', 'type: MeshServiceX\n', 'kind: Dataplane-ish\n'])
    assert.deepEqual(kumaScopes(await tokenize(doc)), [], doc);
});

test('kuma.io/* label and tag keys are scoped, other keys are not', async () => {
  const doc = [
    'metadata:',
    '  labels:',
    '    kuma.io/mesh: default',
    '    "k8s.kuma.io/namespace": shop',
    '    app: web',
    'spec:',
    '  selector:',
    '    dataplaneTags:',
    '      kuma.io/service: backend',
    'networking:',
    '  inbound:',
    '    - kuma.io/zone: east',
  ].join('\n');
  const lines = await tokenize(doc);
  assert.deepEqual(
    kumaScopes(lines).map((t) => [t.text, t.scopes.join(' ')]),
    [
      ['kuma.io/mesh', 'support.type.property-name.kuma'],
      ['k8s.kuma.io/namespace', 'support.type.property-name.kuma'],
      ['kuma.io/service', 'support.type.property-name.kuma'],
      ['kuma.io/zone', 'support.type.property-name.kuma'],
    ],
  );
  // the values stay YAML strings
  assert.ok(lines[2].some((t) => t.text.endsWith('efault') && t.scopes.includes('string.unquoted.plain.out.yaml')));
});

test('a named targetPort gets the port-name scope; a numeric one stays a YAML number', async () => {
  const doc = [
    'spec:',
    '  ports:',
    '    - port: 8080',
    '      targetPort: http',
    '    - targetPort: "grpc-api" # quoted',
    '    - targetPort: 9090',
    '    - targetPort: Http',
  ].join('\n');
  assert.deepEqual(await scopesOf(doc, 3, 'http'), ['variable.other.constant.port-name.kuma']);
  assert.deepEqual(await scopesOf(doc, 3, 'targetPort'), ['entity.name.tag.yaml']);
  assert.deepEqual(await scopesOf(doc, 4, 'grpc-api'), ['variable.other.constant.port-name.kuma']);
  assert.ok(
    (await tokenize(doc))[4].some((t) => t.scopes.includes('comment.line.number-sign.yaml')),
    'the comment after it stays a comment',
  );
  assert.deepEqual(await scopesOf(doc, 5, '9090'), ['constant.numeric.integer.yaml']);
  // port names are lowercase (RFC 6335 / DNS label): an uppercase one is not highlighted as a name
  assert.deepEqual(kumaScopes([(await tokenize(doc))[6]]), []);
});

test('the # kuma-version: pin is scoped inside its comment', async () => {
  const [line] = await tokenize('# kuma-version: 3.0');
  assert.deepEqual(
    line.filter((t) => t.text.trim()).map((t) => [t.text, t.scopes.join(' ')]),
    [
      ['#', 'comment.line.number-sign.yaml punctuation.definition.comment.yaml'],
      ['kuma-version', 'keyword.other.kuma-version.kuma'],
      [':', 'punctuation.separator.key-value.kuma'],
      ['3.0', 'constant.numeric.kuma-version.kuma'],
    ],
  );
});

test('non-Kuma YAML is tokenized exactly as without the injection', async () => {
  const docs = [
    // a GitHub Actions workflow
    'name: ci\non:\n  push:\n    branches: [main]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm ci && npm test # kind: MeshService\n',
    // a Kubernetes Deployment and Service
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    app.kubernetes.io/name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          ports:\n            - containerPort: 8080\n---\napiVersion: v1\nkind: Service\nspec:\n  ports:\n    - port: 80\n      targetPort: 8080\n',
    // docker-compose, with a block scalar that mentions Kuma
    'services:\n  app:\n    image: "nginx:1.27"\n    command: |\n      echo "kind: MeshService"\n      kuma.io/service: not a key here\n    environment:\n      - TYPE=Dataplane\n',
  ];
  for (const doc of docs) assert.deepEqual(await tokenize(doc, true), await tokenize(doc, false), doc.split('\n')[0]);
});
