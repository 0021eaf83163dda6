import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

/**
 * A minimal LSP client over stdio for protocol tests: it spawns the bundled server
 * (dist/server.node.js), frames JSON-RPC messages, and lets tests wait for notifications.
 */
export class LspClient {
  private readonly proc: ChildProcess;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners: ((msg: { method: string; params: unknown }) => void)[] = [];
  readonly notifications: { method: string; params: unknown }[] = [];
  /** Answers to the server's `workspace/configuration` requests. */
  configuration: unknown = { version: '2.14' };
  /**
   * Whether diagnostics of severity Hint reach the tests. The upgrade lint puts a hint on every 2.x
   * dataplaneTags selector and inbound tags; the protocol tests that do not look for it leave them out.
   */
  keepHints = false;
  /** Handlers for other requests from the server (e.g. `workspace/applyEdit`). */
  readonly handlers = new Map<string, (params: unknown) => unknown>();
  stderr = '';
  /** Resolves with the exit code of the server process once it exits. */
  readonly exited: Promise<number | null>;

  /** `env`: extra environment; `command`: an executable to run instead of `node dist/server.node.js` (e.g. an installed bin). */
  constructor(args: string[] = ['--stdio'], env?: Record<string, string>, command?: string) {
    const server = path.resolve(__dirname, '../../dist/server.node.js');
    const options = { stdio: ['pipe', 'pipe', 'pipe'] as 'pipe'[], env: { ...process.env, ...env } };
    this.proc = command ? spawn(command, args, options) : spawn(process.execPath, [server, ...args], options);
    this.exited = new Promise((resolve) => this.proc.on('exit', (code) => resolve(code)));
    this.proc.stdout!.on('data', (d: Buffer) => this.onData(d));
    // Writing to a server that has exited is what the exit tests do; not a test failure.
    this.proc.stdin!.on('error', () => undefined);
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
  }

  private onData(d: Buffer) {
    this.buffer = Buffer.concat([this.buffer, d]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const m = /Content-Length: (\d+)/i.exec(this.buffer.subarray(0, headerEnd).toString());
      if (!m) throw new Error('bad header');
      const len = Number(m[1]);
      if (this.buffer.length < headerEnd + 4 + len) return;
      const msg = JSON.parse(this.buffer.subarray(headerEnd + 4, headerEnd + 4 + len).toString());
      this.buffer = this.buffer.subarray(headerEnd + 4 + len);
      this.dispatch(msg);
    }
  }

  private dispatch(msg: { id?: number; method?: string; params?: unknown; result?: unknown; error?: { message: string; code: number } }) {
    if (msg.method !== undefined && msg.id !== undefined) {
      // A request from the server.
      let result: unknown = null;
      if (msg.method === 'workspace/configuration') {
        const items = (msg.params as { items: unknown[] }).items;
        result = items.map(() => this.configuration);
      } else if (this.handlers.has(msg.method)) {
        result = this.handlers.get(msg.method)!(msg.params);
      }
      this.write({ jsonrpc: '2.0', id: msg.id, result });
      return;
    }
    if (!this.keepHints) msg = dropHints(msg) as typeof msg;
    if (msg.method !== undefined) {
      const n = { method: msg.method, params: msg.params };
      this.notifications.push(n);
      for (const l of [...this.listeners]) l(n);
      return;
    }
    const p = this.pending.get(msg.id!);
    if (!p) return;
    this.pending.delete(msg.id!);
    if (msg.error) p.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
    else p.resolve(msg.result);
  }

  private write(msg: unknown) {
    const body = Buffer.from(JSON.stringify(msg));
    this.proc.stdin!.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin!.write(body);
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.send<T>(method, params).response;
  }

  /** Sends a request and returns its id too (for `$/cancelRequest`); errors reject with their `code`. */
  send<T>(method: string, params: unknown): { id: number; response: Promise<T> } {
    const id = this.nextId++;
    const response = new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
    this.write({ jsonrpc: '2.0', id, method, params });
    return { id, response };
  }

  /**
   * Sends a request and its `$/cancelRequest` in one write, so the server reads the cancellation
   * before it can start the request (two writes may reach it one at a time).
   */
  sendCancelled<T>(method: string, params: unknown): Promise<T> {
    const id = this.nextId++;
    const response = new Promise<T>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }));
    const frame = (msg: unknown) => {
      const body = Buffer.from(JSON.stringify(msg));
      return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]);
    };
    this.proc.stdin!.write(
      Buffer.concat([frame({ jsonrpc: '2.0', id, method, params }), frame({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id } })]),
    );
    return response;
  }

  /** The server process's pid (to check it is gone). */
  get pid(): number | undefined {
    return this.proc.pid;
  }

  /** Writes bytes to the server's stdin as they are, framed or not (to test broken frames). */
  writeRaw(data: string | Buffer) {
    this.proc.stdin!.write(data);
  }

  /** Closes the server's stdin, as an editor that died would. */
  closeStdin() {
    this.proc.stdin!.end();
  }

  notify(method: string, params: unknown) {
    this.write({ jsonrpc: '2.0', method, params });
  }

  /** Resolves with the next notification that satisfies `pred` (or rejects after `ms`). */
  waitFor<T>(method: string, pred: (params: T) => boolean = () => true, ms = 10_000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.splice(this.listeners.indexOf(listener), 1);
        reject(new Error(`timed out waiting for ${method}; stderr: ${this.stderr}`));
      }, ms);
      const listener = (n: { method: string; params: unknown }) => {
        if (n.method === method && pred(n.params as T)) {
          clearTimeout(timer);
          this.listeners.splice(this.listeners.indexOf(listener), 1);
          resolve(n.params as T);
        }
      };
      this.listeners.push(listener);
    });
  }

  async initialize(capabilities: unknown, initializationOptions?: unknown) {
    const result = await this.request<{ capabilities: Record<string, unknown>; serverInfo?: { name: string; version?: string } }>(
      'initialize',
      {
        processId: process.pid,
        rootUri: null,
        capabilities,
        initializationOptions,
      },
    );
    this.notify('initialized', {});
    return result;
  }

  async shutdown() {
    try {
      await Promise.race([this.request('shutdown', null), new Promise((r) => setTimeout(r, 2000))]);
      this.notify('exit', null);
    } finally {
      setTimeout(() => this.proc.kill(), 500).unref();
    }
  }
}

/** An LSP range (lines and UTF-16 characters). */
export interface LspRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/** The text a range covers on its first line (the whole range when it stays on one line). */
export function coveredText(text: string, r: LspRange): string {
  return text.split('\n')[r.start.line].slice(r.start.character, r.start.line === r.end.line ? r.end.character : undefined);
}

/** A message without its Hint diagnostics (in `diagnostics` and `items` lists, at any depth). */
function dropHints(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(dropHints);
  if (!x || typeof x !== 'object') return x;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) {
    const diagnostics =
      (k === 'diagnostics' || k === 'items') &&
      Array.isArray(v) &&
      v.every((d) => d && typeof d === 'object' && 'range' in d && 'message' in d);
    out[k] = diagnostics ? (v as { severity?: number }[]).filter((d) => d.severity !== 4) : dropHints(v);
  }
  return out;
}
