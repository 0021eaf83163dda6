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

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.node.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/node/main.ts'], outfile: 'dist/server.node.js', banner: { js: '#!/usr/bin/env node' } }),
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } }),
  // The workspace indexer's worker thread, started by the node server next to it.
  build({ ...common, entryPoints: ['server/src/node/indexer.ts'], outfile: 'dist/indexer.node.js' }),
  // Extension-host API tests (the @vscode/test-electron `run()` contract); never packaged.
  build({ ...common, entryPoints: ['test/exthost/index.ts'], outfile: 'dist/test/exthost.js', external: ['vscode'] }),
]);
