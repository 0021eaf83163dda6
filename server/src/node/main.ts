import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../lsp/server';
import { nodeFs } from './nodeFs';

// The transport (--stdio, --node-ipc, --socket=N) is chosen by vscode-languageserver from argv.
if (process.argv.includes('--version')) {
  process.stdout.write('kuma-language-server 0.1.0\n');
  process.exit(0);
}
if (!process.argv.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'))) {
  process.stderr.write('usage: kuma-language-server --stdio | --node-ipc | --socket=PORT\n');
  process.exit(2);
}
startServer(createConnection(ProposedFeatures.all), { fs: nodeFs });
