// Bundles the extension client, the language server and the CLI with esbuild into dist/:
// for Node (desktop VS Code, other editors, kuma-lint) and for the browser (VS Code for the Web,
// where the server runs in a Web Worker). Type-checking is separate (`npm run typecheck`), so this stays fast.
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { generateValidators } from './validators.mjs';
import { buildReport } from './buildReport.mjs';

// Every bundle validates with the validators precompiled by scripts/validators.mjs instead of
// compiling schemas with ajv at run time (ajv's compiler generates code with `new Function`).
const validatorsIndex = generateValidators();
const precompiledValidators = {
  name: 'precompiled-validators',
  setup(b) {
    // Both importers: validation.ts (the validators) and bundles.ts (the schema bundles, for hover and
    // completion); the source module would put every version's schemas in the bundle at start-up.
    b.onResolve({ filter: /\/validatorFactory$/ }, (args) =>
      ['validation.ts', 'bundles.ts'].some((f) => args.importer.endsWith(path.join('core', 'schema', f)))
        ? { path: validatorsIndex }
        : undefined,
    );
  },
};
// A schema bundle becomes `JSON.parse` of a string literal: V8 parses that much faster than the
// same data as an object literal in JavaScript. A kind whose two forms have the same spec (all but
// the Dataplane) carries it once; the module links the Universal form's to the Kubernetes one.
function schemaModule(text) {
  const bundle = JSON.parse(text);
  const shared = [];
  for (const [kind, forms] of Object.entries(bundle.resources)) {
    const k = forms.kubernetes?.properties?.spec;
    const u = forms.universal?.properties?.spec;
    if (k && u && JSON.stringify(k) === JSON.stringify(u)) {
      forms.universal.properties.spec = null;
      shared.push(kind);
    }
  }
  return `module.exports = ((b) => {\n  for (const k of ${JSON.stringify(shared)}) b.resources[k].universal.properties.spec = b.resources[k].kubernetes.properties.spec;\n  return b;\n})(JSON.parse(${JSON.stringify(JSON.stringify(bundle))}));`;
}
const schemaJson = {
  name: 'schema-json',
  setup(b) {
    b.onLoad({ filter: /[\\/]schemas[\\/][\d.]+\.json$/ }, async (args) => ({
      loader: 'js',
      contents: schemaModule(await fs.promises.readFile(args.path, 'utf8')),
    }));
  },
};
// The node bundles load each Kuma version's validators and schemas from files of their own in
// dist/ (validators/<version>.js, schemas/<version>.js) when that version is first used: start-up
// compiles only the server, not ~3 MB of validators and schemas of versions a workspace may not use.
// The browser bundle keeps them inside (one script for the Web Worker).
const VERSIONS = fs
  .readdirSync('schemas')
  .filter((f) => /^\d+\.\d+\.json$/.test(f))
  .map((f) => f.slice(0, -'.json'.length));
const versionFiles = {
  name: 'version-files',
  setup(b) {
    const fromDist = (args, file) => {
      // Relative to the output file: dist/<bundle>.js, or dist/validators/<version>.js.
      const inValidators =
        path.basename(path.dirname(args.importer)) === 'validators' && /^\d+\.\d+\.cjs$/.test(path.basename(args.importer));
      return { path: inValidators ? `../${file}` : `./${file}`, external: true };
    };
    b.onResolve({ filter: /^\.\/\d+\.\d+\.cjs$/ }, (args) =>
      args.importer === validatorsIndex ? fromDist(args, `validators/${args.path.slice(2, -'.cjs'.length)}.js`) : undefined,
    );
    b.onResolve({ filter: /schemas\/\d+\.\d+\.json$/ }, (args) =>
      path.dirname(args.importer) === path.dirname(validatorsIndex)
        ? fromDist(args, `schemas/${path.basename(args.path, '.json')}.js`)
        : undefined,
    );
  },
};
// dist/schemas/<version>.js: a schema bundle as a module of its own.
fs.mkdirSync('dist/schemas', { recursive: true });
for (const version of VERSIONS) {
  fs.writeFileSync(
    `dist/schemas/${version}.js`,
    `"use strict";\n// Generated from schemas/${version}.json (Apache-2.0, see schemas/LICENSE).\n${schemaModule(fs.readFileSync(`schemas/${version}.json`, 'utf8'))}\n`,
  );
}

// The version every bundle reports (server/src/version.ts): package.json's.
const version = JSON.parse(fs.readFileSync('package.json', 'utf8')).version;
const common = {
  bundle: true,
  define: { KUMA_TOOLS_VERSION: JSON.stringify(version) },
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: true,
  logLevel: 'warning',
  minifySyntax: true,
  plugins: [precompiledValidators, schemaJson],
};
const web = { ...common, platform: 'browser', format: 'iife', target: 'es2022' };

// The server, its indexer worker and the CLI never start a process. vscode-languageserver's
// `Files` helpers (unused here) can run npm/yarn to find global modules; give these bundles a
// child_process that refuses, so nothing in a workspace can ever lead to running a program.
const noChildProcess = {
  name: 'no-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, () => ({ path: 'child_process', namespace: 'no-child-process' }));
    b.onLoad({ filter: /.*/, namespace: 'no-child-process' }, () => ({
      loader: 'js',
      contents:
        'const refuse = () => { throw new Error("kuma: the language server does not start processes"); };\n' +
        'for (const f of ["exec", "execFile", "execFileSync", "execSync", "fork", "spawn", "spawnSync"]) exports[f] = refuse;\n',
    }));
  },
};
/**
 * Node flags of every launch of the language server: the `#!` line of dist/server.node.js, which runs
 * the npm package's `kuma-language-server` (and the benchmark), and which the VS Code client reads
 * for its fork (client/src/extension.ts). V8 does its collector's and compiler's background work on
 * a pool of 4 threads whatever the cores: on a 2-core machine they, the index worker and the editor
 * took the cores from the thread that answers the editor, and the first keystrokes in a large file
 * waited (the shared harness, same window: 1-char edit p95 8.0-13.6 ms with 4, 5.1 with 1; see
 * docs/performance.md).
 */
const SERVER_NODE_FLAGS = ['--v8-pool-size=1'];
// Whitespace-minified: a start compiles a quarter fewer bytes (the source maps keep the layout).
const server = { ...common, minifyWhitespace: true, plugins: [...common.plugins, noChildProcess, versionFiles] };

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.node.js', external: ['vscode'] }),
  build({
    ...server,
    entryPoints: ['server/src/node/main.ts'],
    outfile: 'dist/server.node.js',
    banner: { js: `#!/usr/bin/env -S node ${SERVER_NODE_FLAGS.join(' ')}` },
  }),
  build({ ...server, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // The workspace indexer's worker thread, started by the node server next to it.
  build({ ...server, entryPoints: ['server/src/node/indexer.ts'], outfile: 'dist/indexer.node.js' }),
  // Each Kuma version's precompiled validators, loaded by the node bundles on first use.
  build({
    ...server,
    entryPoints: Object.fromEntries(VERSIONS.map((v) => [v, path.join(path.dirname(validatorsIndex), `${v}.cjs`)])),
    outdir: 'dist/validators',
    // Generated code: no source map.
    sourcemap: false,
  }),
  // Extension-host API tests (the @vscode/test-electron `run()` contract); never packaged.
  build({ ...common, entryPoints: ['test/exthost/index.ts'], outfile: 'dist/test/exthost.js', external: ['vscode'] }),
  // VS Code for the Web: the extension (a CommonJS module the web extension host loads) and the
  // server, started by it in a Web Worker.
  build({ ...web, format: 'cjs', entryPoints: ['client/src/browser.ts'], outfile: 'dist/client.web.js', external: ['vscode'] }),
  build({ ...web, entryPoints: ['server/src/browser/main.ts'], outfile: 'dist/server.web.js' }),
]);

// A version's module is one function holding all its validators, called when the version is first
// used. Parenthesized, V8 compiles it at once instead of pre-parsing it on load and parsing it again
// on that call (about half the time of loading a version).
for (const version of VERSIONS) {
  const file = `dist/validators/${version}.js`;
  const code = fs.readFileSync(file, 'utf8');
  const head = 'module.exports=boundedRegExp=>{';
  const tail = /return exports2};\s*$/;
  if (code.indexOf(head) < 0 || !tail.test(code)) throw new Error(`${file}: not the expected module.exports=boundedRegExp=>{…}`);
  fs.writeFileSync(file, code.replace(head, 'module.exports=(function(boundedRegExp){').replace(tail, 'return exports2});\n'));
}

// The npm package kuma-language-server (the server and kuma-lint, no dependencies), assembled in
// dist/npm/ from packages/kuma-language-server/ (its manifest without a version, and its README), the
// node bundles, and the licenses: its version is package.json's, so the version is written once.
// `npm pack ./dist/npm` packs it (test/cli/package.test.ts installs that tarball and runs the bins).
const NPM = 'dist/npm';
fs.rmSync(NPM, { recursive: true, force: true });
const manifest = JSON.parse(fs.readFileSync('packages/kuma-language-server/package.json', 'utf8'));
if ('version' in manifest) throw new Error('packages/kuma-language-server/package.json: the version comes from package.json');
const { name, ...rest } = manifest;
const copy = (from, to = from) => {
  fs.mkdirSync(path.dirname(path.join(NPM, to)), { recursive: true });
  fs.copyFileSync(from, path.join(NPM, to));
};
fs.mkdirSync(NPM, { recursive: true });
fs.writeFileSync(path.join(NPM, 'package.json'), JSON.stringify({ name, version, ...rest }, null, 2) + '\n');
copy('packages/kuma-language-server/README.md', 'README.md');
for (const f of ['LICENSE', 'NOTICE', 'schemas/LICENSE', 'schemas/README.md']) copy(f);
for (const f of ['dist/server.node.js', 'dist/indexer.node.js', 'dist/cli.js']) copy(f);
for (const v of VERSIONS) for (const dir of ['dist/validators', 'dist/schemas']) copy(`${dir}/${v}.js`);
for (const file of Object.values(manifest.bin)) fs.chmodSync(path.join(NPM, file), 0o755);
// The bundles run as programs too (`dist/server.node.js --stdio`, by its `#!` line, as the benchmark does).
for (const file of Object.values(manifest.bin)) fs.chmodSync(file, 0o755);

// What was built: every file above but the source maps, the test bundle last (it is never packaged).
const byVersion = [...VERSIONS].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
process.stdout.write(
  buildReport([
    'dist/client.node.js',
    'dist/server.node.js',
    'dist/indexer.node.js',
    'dist/cli.js',
    ...byVersion.map((v) => `dist/validators/${v}.js`),
    ...byVersion.map((v) => `dist/schemas/${v}.js`),
    'dist/client.web.js',
    'dist/server.web.js',
    'dist/test/exthost.js',
  ]),
);
