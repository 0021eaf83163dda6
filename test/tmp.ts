// Temporary folders for tests. A test file that imports this module removes every folder tmpDir made
// when its tests are through, failed ones too (node:test runs each test file in a process of its own,
// with this `after` hook on its root). A small module of its own so that the LSP and CLI tests can use
// it without loading the language service, as test/helpers.ts does.
import { after } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const made: string[] = [];

after(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new empty folder `<prefix>XXXXXX` in the system's temporary folder, as its real path (os.tmpdir() may be a symbolic link, as on macOS). */
export function tmpDir(prefix: string): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  made.push(dir);
  return dir;
}
