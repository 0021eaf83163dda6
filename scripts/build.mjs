// Bundles the extension client, the language server and the CLI with esbuild into dist/:
// for Node (desktop VS Code, other editors, kuma-lint) and for the browser (VS Code for the Web,
// where the server runs in a Web Worker). Type-checking is separate (`npm run typecheck`), so this stays fast.
import path from 'node:path';
import { build } from 'esbuild';
import { generateValidators } from './validators.mjs';

// Every bundle validates with the validators precompiled by scripts/validators.mjs instead of
// compiling schemas with ajv at run time (ajv's compiler generates code with `new Function`).
const validatorsIndex = generateValidators();
const precompiledValidators = {
  name: 'precompiled-validators',
  setup(b) {
    b.onResolve({ filter: /\/validatorFactory$/ }, (args) =>
      path.basename(args.importer) === 'schemaValidation.ts' ? { path: validatorsIndex } : undefined,
    );
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: true,
  logLevel: 'warning',
  minifySyntax: true,
  plugins: [precompiledValidators],
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
const server = { ...common, plugins: [...common.plugins, noChildProcess] };

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.node.js', external: ['vscode'] }),
  build({ ...server, entryPoints: ['server/src/node/main.ts'], outfile: 'dist/server.node.js', banner: { js: '#!/usr/bin/env node' } }),
  build({ ...server, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // The workspace indexer's worker thread, started by the node server next to it.
  build({ ...server, entryPoints: ['server/src/node/indexer.ts'], outfile: 'dist/indexer.node.js' }),
  // Extension-host API tests (the @vscode/test-electron `run()` contract); never packaged.
  build({ ...common, entryPoints: ['test/exthost/index.ts'], outfile: 'dist/test/exthost.js', external: ['vscode'] }),
  // VS Code for the Web: the extension (a CommonJS module the web extension host loads) and the
  // server, started by it in a Web Worker.
  build({ ...web, format: 'cjs', entryPoints: ['client/src/browser.ts'], outfile: 'dist/client.web.js', external: ['vscode'] }),
  build({ ...web, entryPoints: ['server/src/browser/main.ts'], outfile: 'dist/server.web.js' }),
]);
