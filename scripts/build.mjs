// Bundles the extension client, the language server and the CLI with esbuild into dist/.
// Type-checking is separate (`npm run typecheck`), so this stays fast.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: true,
  logLevel: 'warning',
  minifySyntax: true,
};

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
const server = { ...common, plugins: [noChildProcess] };

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.node.js', external: ['vscode'] }),
  build({ ...server, entryPoints: ['server/src/node/main.ts'], outfile: 'dist/server.node.js', banner: { js: '#!/usr/bin/env node' } }),
  build({ ...server, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // The workspace indexer's worker thread, started by the node server next to it.
  build({ ...server, entryPoints: ['server/src/node/indexer.ts'], outfile: 'dist/indexer.node.js' }),
  // Extension-host API tests (the @vscode/test-electron `run()` contract); never packaged.
  build({ ...common, entryPoints: ['test/exthost/index.ts'], outfile: 'dist/test/exthost.js', external: ['vscode'] }),
]);
