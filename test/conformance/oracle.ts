import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** What `tools/kuma-oracle` answers for one request (see tools/kuma-oracle/README.md). */
export interface OracleAnswer {
  id?: number;
  kind?: string;
  accepted: boolean;
  stage?: string;
  violations: { field: string; message: string }[];
  warnings: string[];
  error?: string;
  meshServices?: Record<string, unknown>[];
  skipped?: string[];
}

export interface OracleRequest {
  op?: 'validate' | 'generate';
  form: 'universal' | 'kubernetes';
  yaml: string;
  namespace?: string;
  role?: string;
  objects?: string[];
}

export const CACHE = process.env.KUMA_ORACLE_CACHE ?? join(homedir(), '.cache', 'kuma-oracle');

export function oracleBinary(version: string): string {
  return join(CACHE, 'bin', version, 'kuma-oracle');
}

/** One oracle process per version; requests are answered in order, one JSON line each. */
export class Oracle {
  private proc: ChildProcessWithoutNullStreams;
  private next = 1;
  private pending = new Map<number, (a: OracleAnswer) => void>();
  private stderr = '';

  constructor(readonly version: string) {
    const bin = oracleBinary(version);
    if (!existsSync(bin)) throw new Error(`no oracle for Kuma ${version} at ${bin}: run npm run oracle:build`);
    const crds = join(CACHE, 'src', version, 'deployments', 'charts', 'kuma', 'crds');
    this.proc = spawn(bin, ['-crds', crds], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    this.proc.on('exit', (code) => {
      for (const [, resolve] of this.pending)
        resolve({ accepted: false, violations: [], warnings: [], error: `oracle ${version} exited (${code}): ${this.stderr}` });
      this.pending.clear();
    });
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      const a = JSON.parse(line) as OracleAnswer;
      const resolve = this.pending.get(a.id!);
      this.pending.delete(a.id!);
      resolve?.(a);
    });
  }

  ask(req: OracleRequest): Promise<OracleAnswer> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.proc.stdin.write(JSON.stringify({ id, ...req }) + '\n');
    });
  }

  close(): void {
    this.proc.stdin.end();
  }
}
