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

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.node.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/node/main.ts'], outfile: 'dist/server.node.js', banner: { js: '#!/usr/bin/env node' } }),
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // The workspace indexer's worker thread, started by the node server next to it.
  build({ ...common, entryPoints: ['server/src/node/indexer.ts'], outfile: 'dist/indexer.node.js' }),
  // VS Code for the Web: the extension (a CommonJS module the web extension host loads) and the
  // server, started by it in a Web Worker.
  build({ ...web, format: 'cjs', entryPoints: ['client/src/browser.ts'], outfile: 'dist/client.web.js', external: ['vscode'] }),
  build({ ...web, entryPoints: ['server/src/browser/main.ts'], outfile: 'dist/server.web.js' }),
]);
