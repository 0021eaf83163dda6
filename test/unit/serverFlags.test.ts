import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nodeFlagsOf } from '../../client/src/serverFlags';
import { tmpDir } from '../tmp';

const SERVER = path.resolve(__dirname, '../../dist/server.node.js');

test('the VS Code client forks the server with the Node flags of its #! line, as kuma-language-server runs it', () => {
  assert.equal(fs.readFileSync(SERVER, 'latin1').split('\n')[0], '#!/usr/bin/env -S node --v8-pool-size=1');
  assert.deepEqual(nodeFlagsOf(SERVER), ['--v8-pool-size=1']);
});

test('nodeFlagsOf: none from a plain #! line, a line of something else, or a file that cannot be read', () => {
  const dir = tmpDir('kuma-flags-');
  try {
    const write = (name: string, text: string) => {
      fs.writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    };
    assert.deepEqual(nodeFlagsOf(write('plain.js', '#!/usr/bin/env node\nconsole.log(1);\n')), []);
    assert.deepEqual(nodeFlagsOf(write('two.js', '#!/usr/bin/env -S node --a=1 --b\nx\n')), ['--a=1', '--b']);
    assert.deepEqual(nodeFlagsOf(write('other.js', '#!/usr/bin/env -S python3 --x\n')), []);
    assert.deepEqual(nodeFlagsOf(write('shell.js', '#!/usr/bin/env -S node --a; rm -rf /\n')), []);
    assert.deepEqual(nodeFlagsOf(write('empty.js', '')), []);
    assert.deepEqual(nodeFlagsOf(path.join(dir, 'missing.js')), []);
    assert.deepEqual(nodeFlagsOf(dir), []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
