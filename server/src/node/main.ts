import { format } from 'node:util';
import {
  createConnection,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
  type DataCallback,
  type Message,
} from 'vscode-languageserver/node';
import { startServer } from '../lsp/server';
import { messageJson } from '../lsp/encode';
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

/** The stdio reader, noting whether `shutdown` came (the exit status when standard input ends). */
class StdinReader extends StreamMessageReader {
  shutdown = false;
  listen(callback: DataCallback) {
    return super.listen((m: Message) => {
      if ((m as { method?: unknown }).method === 'shutdown') this.shutdown = true;
      callback(m);
    });
  }
}

/**
 * The connection over standard input and output, with the reader made here rather than by the
 * library, for its errors: a frame that cannot be read (`Content-Length: x`, a body that is not
 * JSON) leaves the reader stuck, so the server would run on, silent, for ever. It exits instead,
 * with a line on stderr and a non-zero status, and the editor starts it again.
 */
function stdioConnection() {
  const reader = new StdinReader(process.stdin);
  reader.onError((err) => {
    process.stderr.write(`kuma-language-server: transport error on standard input: ${err.message}; exiting\n`);
    process.exit(1);
  });
  // What the library does for the streams it is given: the editor is gone, so is the server.
  const end = () => process.exit(reader.shutdown ? 0 : 1);
  process.stdin.on('end', end);
  process.stdin.on('close', end);
  const writer = new StreamMessageWriter(process.stdout, {
    charset: 'utf-8',
    // JSON.stringify, but a file's diagnostics from a cache of each one's JSON (lsp/encode.ts).
    contentTypeEncoder: {
      name: 'application/json',
      encode: (msg) => Promise.resolve(Buffer.from(messageJson(msg), 'utf-8')),
    },
  });
  const connection = createConnection(ProposedFeatures.all, reader, writer);
  // Standard output carries the protocol: console output goes to the editor's log, as the library
  // arranges for --stdio.
  console.log = console.info = (...args: unknown[]) => connection.console.info(format(...args));
  console.debug = (...args: unknown[]) => connection.console.log(format(...args));
  console.warn = (...args: unknown[]) => connection.console.warn(format(...args));
  console.error = (...args: unknown[]) => connection.console.error(format(...args));
  return connection;
}

const connection = process.argv.includes('--stdio') ? stdioConnection() : createConnection(ProposedFeatures.all);
startServer(connection, { fs: nodeFs, injectFault });
