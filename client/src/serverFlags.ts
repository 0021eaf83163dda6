import * as fs from 'node:fs';

/**
 * The Node flags the server is started with, from its `#!` line (`#!/usr/bin/env -S node <flags>`,
 * written by the build: see SERVER_NODE_FLAGS in scripts/build.mjs), so that the editor's fork and
 * the npm package's `kuma-language-server` start it alike. None when the line says none.
 */
export function nodeFlagsOf(module: string): string[] {
  let line: string;
  try {
    const head = Buffer.alloc(256);
    const fd = fs.openSync(module, 'r');
    try {
      line = head.toString('latin1', 0, fs.readSync(fd, head, 0, head.length, 0)).split('\n')[0];
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return [];
  }
  const flags = /^#!\/usr\/bin\/env -S node((?: --\S+)*)\s*$/.exec(line)?.[1];
  return flags ? flags.trim().split(/\s+/) : [];
}
