// The server's JSON of a publishDiagnostics message (lsp/encode.ts) is JSON.stringify's, with each
// diagnostic's JSON cached by object; toLspDiagnostics keeps a diagnostic's LSP object while it
// places the same, so a keystroke serialises only what changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messageJson } from '../../server/src/lsp/encode';
import { toLspDiagnostics } from '../../server/src/lsp/convert';
import { LineIndex, type KumaDiagnostic } from '../../server/src/core';

const diag = (i: number): KumaDiagnostic => ({
  code: 'schema-unknown-key',
  severity: i % 2 ? 'error' : 'hint',
  message: `Unknown key "k${i}" ü "quoted" \\ \n`,
  range: { start: i * 10, end: i * 10 + 3 },
  data: { path: `spec.k${i}` },
  document: i,
});

test('messageJson writes what JSON.stringify writes, for diagnostics and any other message', () => {
  const text = 'x'.repeat(9) + '\n'.repeat(400);
  const items = toLspDiagnostics(
    'file:///a%20b.yaml',
    new LineIndex(text),
    Array.from({ length: 40 }, (_, i) => diag(i)),
  );
  for (const msg of [
    { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///a%20b.yaml', version: 7, diagnostics: items } },
    { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///c.yaml', diagnostics: items } },
    {
      jsonrpc: '2.0',
      method: 'textDocument/publishDiagnostics',
      params: { uri: 'file:///c.yaml', version: 1, diagnostics: items.slice(0, 3) },
    },
    { jsonrpc: '2.0', id: 4, result: { items } },
  ]) {
    assert.equal(messageJson(msg), JSON.stringify(msg));
    // Again, from the cache.
    assert.equal(messageJson(msg), JSON.stringify(msg));
  }
});

test('toLspDiagnostics keeps the LSP object of a diagnostic that places the same, and makes a new one when its line moves', () => {
  const ds = Array.from({ length: 20 }, (_, i) => diag(i));
  const text = 'a\n'.repeat(200);
  const first = toLspDiagnostics('file:///x.yaml', new LineIndex(text), ds, undefined, true);
  const again = toLspDiagnostics('file:///x.yaml', new LineIndex(text), ds, undefined, true);
  assert.ok(first.every((d, i) => d === again[i]));
  // A closed file's (not kept): new objects each time, the same content.
  const closed = toLspDiagnostics('file:///x.yaml', new LineIndex(text), ds);
  assert.ok(closed.every((d, i) => d !== first[i]));
  assert.deepEqual(closed, first);
  // The same offsets in a text with one line more at the top: other positions, other objects.
  const moved = toLspDiagnostics('file:///x.yaml', new LineIndex('\n' + text.slice(1)), ds, undefined, true);
  assert.ok(moved.every((d, i) => d !== first[i] || first[i].range.start.line === 0));
  assert.deepEqual(
    moved.map((d) => d.range),
    ds.map((d) => {
      const li = new LineIndex('\n' + text.slice(1));
      return { start: li.positionAt(d.range.start), end: li.positionAt(d.range.end) };
    }),
  );
});
