import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from '../lsp/server';
import { nodeFs } from './nodeFs';
import { TOOLS_VERSION } from '../version';

// The transport (--stdio, --node-ipc, --socket=N) is chosen by vscode-languageserver from argv.
if (process.argv.includes('--version')) {
  process.stdout.write(`kuma-language-server ${TOOLS_VERSION}\n`);
  process.exit(0);
}
if (!process.argv.some((a) => a === '--stdio' || a === '--node-ipc' || a.startsWith('--socket') || a.startsWith('--pipe'))) {
  process.stderr.write('usage: kuma-language-server --stdio | --node-ipc | --socket=PORT\n');
  process.exit(2);
}
// Test hook: KUMA_LS_INJECT_FAULT=hover,command makes those handlers throw, to check that a
// failing handler is logged and answered with an empty result while the server keeps running.
const faulty = new Set((process.env.KUMA_LS_INJECT_FAULT ?? '').split(',').filter(Boolean));
const injectFault = faulty.size
  ? (handler: string) => {
      if (faulty.has(handler)) throw new Error(`injected fault in ${handler}`);
    }
  : undefined;
// Every handler is guarded; a stray rejected promise (a message the client no longer awaits)
// is reported, not a reason to take the server down. Node's default would exit the process.
process.on('unhandledRejection', (err) => console.error(`kuma: unhandled rejection: ${String(err)}`));
startServer(createConnection(ProposedFeatures.all), { fs: nodeFs, injectFault });
