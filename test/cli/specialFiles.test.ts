import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tmpDir } from '../tmp';

/**
 * Files that are not regular files: a symlink to /dev/zero (endless) and a named pipe (blocks
 * until written) in a folder, /dev/zero on the command line and on standard input. Only regular
 * files are read, and never past the size limit. The child is killed after 30 s (a hang guard,
 * not a timing assertion); its peak memory is reported by a preload script at exit.
 */

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const linuxOnly = { skip: process.platform !== 'linux' && 'named pipes and /dev/zero: Linux only' };

const VALID = [
  'type: MeshService',
  'name: web',
  'mesh: default',
  'spec:',
  '  selector:',
  '    dataplaneTags:',
  '      app: web',
  '  ports:',
  '    - port: 80',
  '      targetPort: 8080',
  '      appProtocol: http',
  '',
].join('\n');

function tmp(): string {
  return tmpDir('kuma-lint-special-');
}

/** `kuma-lint` with a heap of 200 MB (a regression dies instead of eating the machine) and its peak RSS. */
function lint(dir: string, args: string[], stdin?: number) {
  const preload = path.join(dir, '..', `${path.basename(dir)}-rss.cjs`);
  fs.writeFileSync(preload, `process.on('exit', () => require('fs').writeSync(2, 'maxrss=' + process.resourceUsage().maxRSS + '\\n'));\n`);
  try {
    const r = spawnSync(process.execPath, ['--max-old-space-size=200', '--require', preload, CLI, ...args], {
      encoding: 'utf8',
      timeout: 30_000,
      stdio: [stdin ?? 'ignore', 'pipe', 'pipe'],
      env: { ...process.env, KUMA_LINT_THREADS: '0' },
    });
    const rss = /^maxrss=(\d+)$/m.exec(r.stderr);
    return {
      code: r.status,
      signal: r.signal,
      stdout: r.stdout,
      stderr: r.stderr.replace(/^maxrss=\d+\n/m, ''),
      maxRssMb: rss ? Number(rss[1]) / 1024 : Infinity,
    };
  } finally {
    fs.rmSync(preload, { force: true });
  }
}

test('check FOLDER with a symlink to /dev/zero and a named pipe: both skipped with a note, memory bounded', linuxOnly, () => {
  const dir = tmp();
  try {
    fs.writeFileSync(path.join(dir, 'ok.yaml'), VALID);
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.yaml'));
    assert.equal(spawnSync('mkfifo', [path.join(dir, 'pipe.yaml')]).status, 0, 'mkfifo');
    const r = lint(dir, ['check', dir]);
    assert.equal(r.signal, null, `killed by the hang guard; stderr: ${r.stderr.slice(0, 500)}`);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, '');
    const notes = r.stderr.split('\n').filter((l) => l && !/ checked against Kuma /.test(l));
    assert.deepEqual(notes, [
      `kuma-lint: ${path.join(dir, 'pipe.yaml')}: skipped: not a regular file (a named pipe)`,
      `kuma-lint: ${path.join(dir, 'zero.yaml')}: skipped: not a regular file (a character device)`,
    ]);
    assert.match(r.stderr, /1 file checked/);
    assert.ok(r.maxRssMb < 250, `peak RSS ${r.maxRssMb} MB`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('check /dev/zero, named on the command line: an I/O error (exit 2) with a message', linuxOnly, () => {
  const dir = tmp();
  try {
    const r = lint(dir, ['check', '/dev/zero']);
    assert.equal(r.signal, null, 'killed by the hang guard');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^kuma-lint: cannot read \/dev\/zero: not a regular file \(a character device\)$/m);
    assert.ok(r.maxRssMb < 250, `peak RSS ${r.maxRssMb} MB`);
    // A named pipe given by name is an I/O error too, not a read that waits for a writer.
    assert.equal(spawnSync('mkfifo', [path.join(dir, 'pipe.yaml')]).status, 0, 'mkfifo');
    const p = lint(dir, ['check', path.join(dir, 'pipe.yaml')]);
    assert.equal(p.signal, null, 'killed by the hang guard');
    assert.equal(p.code, 2, p.stderr);
    assert.match(p.stderr, /cannot read .*pipe\.yaml: not a regular file \(a named pipe\)$/m);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('check - with /dev/zero on standard input: read up to the size limit, then left', linuxOnly, () => {
  const dir = tmp();
  const fd = fs.openSync('/dev/zero', 'r');
  try {
    const r = lint(dir, ['check', '-'], fd);
    assert.equal(r.signal, null, 'killed by the hang guard');
    // NUL bytes: what a too-large file is told when its start is binary.
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^kuma-lint: <stdin>: skipped: binary file/m);
    assert.ok(r.maxRssMb < 250, `peak RSS ${r.maxRssMb} MB`);
  } finally {
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a file over 10 MB is read only up to the limit and reported as today; convert refuses it', () => {
  const dir = tmp();
  try {
    const big = path.join(dir, 'big.yaml');
    fs.writeFileSync(big, VALID + `# ${'x'.repeat(11 * 1024 * 1024)}\n`);
    const size = (fs.statSync(big).size / (1024 * 1024)).toFixed(1);
    const r = lint(dir, ['check', big]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(
      r.stdout,
      `${big}:1:1: error yaml-limit: The file is ${size} MB: files over 10.0 MB are not checked. Split it into smaller files.\n`,
    );
    const c = spawnSync(process.execPath, [CLI, 'convert', 'to-universal', '--write', big], { encoding: 'utf8' });
    assert.equal(c.status, 2, c.stderr);
    assert.match(c.stderr, /cannot read .*big\.yaml: The file is .* MB: files over 10\.0 MB are not checked/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
