import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from './lspClient';
import { tmpDir } from '../tmp';

const linuxOnly = { skip: process.platform !== 'linux' && 'per-thread nice values (/proc/<pid>/task): Linux only' };

/** The nice value of each thread of a process, by thread id (threads that end meanwhile are left out). */
function niceOfThreads(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state is field 3, nice field 19.
      out.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {
      // the thread ended
    }
  }
  return out;
}

test('the index workers run at a lower priority than the thread that answers the editor', linuxOnly, async (t) => {
  // The server inherits this process's nice value; its workers go to 10 unless they are there already.
  const base = os.getPriority();
  if (base >= 10) return t.skip(`the tests run at nice ${base}: the workers have nothing to lower`);
  const dir = tmpDir('kuma-nice-');
  // Enough files that the workers are still reading them while the test looks.
  const doc = (i: number) =>
    `type: Dataplane\nmesh: default\nname: dp-${i}\nnetworking:\n  address: 10.0.${i >> 8}.${i & 255}\n  inbound:\n    - port: 8080\n      tags:\n        kuma.io/service: svc-${i}\n`;
  for (let f = 0; f < 600; f++)
    fs.writeFileSync(path.join(dir, `dp-${f}.yaml`), Array.from({ length: 5 }, (_, d) => doc(f * 5 + d)).join('---\n'));
  const folder = pathToFileURL(dir).toString();
  const c = new LspClient();
  try {
    let indexed = false;
    const done = c.waitFor('window/logMessage', (p: { message: string }) => /indexed 600 YAML files/.test(p.message), 60_000);
    void done.then(() => (indexed = true));
    await c.request('initialize', {
      processId: process.pid,
      rootUri: folder,
      workspaceFolders: [{ uri: folder, name: 'ws' }],
      capabilities: { workspace: { configuration: true, workspaceFolders: true }, textDocument: { publishDiagnostics: {} } },
    });
    c.notify('initialized', {});
    const pid = c.pid!;
    const seen = new Map<number, number>();
    while (!indexed) {
      for (const [tid, nice] of niceOfThreads(pid)) seen.set(tid, Math.max(nice, seen.get(tid) ?? -20));
      await new Promise((r) => setTimeout(r, 2));
    }
    await done;
    assert.equal(seen.get(pid), base, 'the main thread keeps the process priority');
    const background = [...seen].filter(([, nice]) => nice === 10);
    assert.ok(background.length >= 1, `a thread at nice 10 while indexing: ${JSON.stringify([...seen])}`);
    assert.ok(
      [...seen].every(([, nice]) => nice === base || nice === 10),
      JSON.stringify([...seen]),
    );
  } finally {
    await c.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
