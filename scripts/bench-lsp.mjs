// The benchmark's LSP client: spawns a language server over stdio, frames JSON-RPC by hand (no
// client library between the clock and the pipe), answers the server's requests, and times
// requests and pushed diagnostics the way an editor sees them.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';

export const now = () => performance.now();

/**
 * The command that starts the bundled server as `kuma-language-server --stdio` does: the script
 * itself, run by its `#!` line with the Node flags every launcher uses (see SERVER_NODE_FLAGS in
 * scripts/build.mjs). Windows runs no `#!` line: `node` and the script, without them.
 */
export function serverCommand(server) {
  return process.platform === 'win32' ? [process.execPath, server, '--stdio'] : [server, '--stdio'];
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class LspSession {
  /**
   * @param {string[]} command  e.g. [process.execPath, 'dist/server.node.js', '--stdio']
   * @param {(section: string | undefined) => unknown} configuration  answers workspace/configuration items
   */
  constructor(command, configuration) {
    this.t0 = now();
    this.proc = spawn(command[0], command.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    this.configuration = configuration;
    this.buffer = Buffer.alloc(0);
    this.nextId = 1;
    this.pending = new Map();
    this.diagWaiters = new Map();
    /** The last diagnostics published per URI. */
    this.published = new Map();
    this.logWaiters = [];
    this.logs = [];
    this.stderr = '';
    this.exited = new Promise((r) => this.proc.on('exit', r));
    this.proc.stdout.on('data', (d) => this.onData(d));
    this.proc.stderr.on('data', (d) => (this.stderr += d));
    // A server that exits early must not leave the benchmark waiting forever.
    this.proc.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error(`server exited; stderr: ${this.stderr.slice(-500)}`));
      this.pending.clear();
    });
  }

  onData(d) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, d]) : d;
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const m = /Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString('latin1'));
      const len = Number(m[1]);
      if (this.buffer.length < headerEnd + 4 + len) return;
      const body = this.buffer.subarray(headerEnd + 4, headerEnd + 4 + len).toString('utf8');
      this.buffer = this.buffer.subarray(headerEnd + 4 + len);
      this.dispatch(JSON.parse(body), now());
    }
  }

  dispatch(msg, t) {
    if (msg.method !== undefined && msg.id !== undefined) {
      const result = msg.method === 'workspace/configuration' ? msg.params.items.map((it) => this.configuration(it.section) ?? null) : null;
      this.write({ jsonrpc: '2.0', id: msg.id, result });
    } else if (msg.method === 'textDocument/publishDiagnostics') {
      this.published.set(msg.params.uri, msg.params.diagnostics);
      const ws = this.diagWaiters.get(msg.params.uri);
      if (!ws) return;
      // Results for an older version of the document are not what the user waits for.
      const w = ws.find((x) => msg.params.version == null || x.version == null || msg.params.version >= x.version);
      if (!w) return;
      ws.splice(ws.indexOf(w), 1);
      if (ws.length === 0) this.diagWaiters.delete(msg.params.uri);
      w.resolve({ t, diagnostics: msg.params.diagnostics });
    } else if (msg.method === 'window/logMessage') {
      this.logs.push(msg.params.message);
      for (const w of [...this.logWaiters]) {
        const m = w.re.exec(msg.params.message);
        if (m) {
          this.logWaiters.splice(this.logWaiters.indexOf(w), 1);
          w.resolve({ t, match: m });
        }
      }
    } else if (msg.id !== undefined && this.pending.has(msg.id)) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(msg.error.message));
      else p.resolve({ t, result: msg.result });
    }
  }

  write(msg) {
    const body = Buffer.from(JSON.stringify(msg), 'utf8');
    this.proc.stdin.write(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'latin1'), body]));
  }

  notify(method, params) {
    this.write({ jsonrpc: '2.0', method, params });
  }

  /** Sends a request; resolves with the result and the milliseconds to its answer. */
  async request(method, params) {
    const id = this.nextId++;
    const answer = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
    const t = now();
    this.write({ jsonrpc: '2.0', id, method, params });
    const r = await answer;
    return { ms: r.t - t, result: r.result };
  }

  /** The next publishDiagnostics of `uri` (for `version` or later, when the server sends versions). */
  nextDiagnostics(uri, version, timeoutMs = 120_000) {
    return new Promise((resolve, reject) => {
      const list = this.diagWaiters.get(uri) ?? [];
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms`)), timeoutMs);
      list.push({ version, resolve: (v) => (clearTimeout(timer), resolve(v)) });
      this.diagWaiters.set(uri, list);
    });
  }

  /** The next window/logMessage matching `re`. */
  nextLog(re, timeoutMs = 120_000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no log message ${re} within ${timeoutMs} ms`)), timeoutMs);
      this.logWaiters.push({ re, resolve: (v) => (clearTimeout(timer), resolve(v)) });
    });
  }

  /** initialize + initialized; returns spawn → initialize result in ms. */
  async initialize(rootUri, initializationOptions) {
    const { t } = await this.pendingRequest('initialize', {
      processId: process.pid,
      clientInfo: { name: 'kuma-bench' },
      rootUri,
      workspaceFolders: rootUri ? [{ uri: rootUri, name: 'bench' }] : null,
      initializationOptions,
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: false } },
        textDocument: {
          synchronization: { didSave: true },
          completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] }, contextSupport: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          publishDiagnostics: { relatedInformation: true, versionSupport: true },
          // As VS Code: costly edits of code actions are asked for when the user picks one.
          codeAction: {
            codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'refactor', 'refactor.rewrite'] } },
            dataSupport: true,
            resolveSupport: { properties: ['edit'] },
          },
        },
      },
    });
    this.notify('initialized', {});
    return t - this.t0;
  }

  async pendingRequest(method, params) {
    const id = this.nextId++;
    const answer = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.write({ jsonrpc: '2.0', id, method, params });
    return answer;
  }

  /** didOpen → its diagnostics, in ms. */
  async open(uri, text) {
    const wait = this.nextDiagnostics(uri, 1);
    const t = now();
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text } });
    const r = await wait;
    return { ms: r.t - t, diagnostics: r.diagnostics };
  }

  /** One incremental change → the diagnostics of that version, in ms. */
  async change(uri, version, range, text) {
    const wait = this.nextDiagnostics(uri, version);
    const t = now();
    this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range, text }] });
    const r = await wait;
    return { ms: r.t - t, diagnostics: r.diagnostics };
  }

  close(uri) {
    this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  /**
   * CPU time the server process has used so far (all threads), ms, at the kernel's 10 ms tick:
   * on a loaded machine it varies far less than wall time.
   */
  cpuMs() {
    try {
      const stat = fs.readFileSync(`/proc/${this.proc.pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
    } catch {
      return null;
    }
  }

  /** Peak resident set size of the server process (threads included), MiB. */
  peakRssMiB() {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${this.proc.pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : null;
    } catch {
      return null;
    }
  }

  async stop() {
    try {
      await Promise.race([this.request('shutdown', null), sleep(2000)]);
      this.notify('exit', null);
    } catch {
      // The server is gone already.
    }
    await Promise.race([this.exited, sleep(2000)]);
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
  }
}
