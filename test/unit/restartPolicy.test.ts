import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestartPolicy } from '../../client/src/restartPolicy';

function clock() {
  let t = 1_000_000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

test('crashes restart the server with one message per series, then stop with a clear message', () => {
  const c = clock();
  const p = new RestartPolicy(4, 3 * 60_000, c.now);
  const decisions = [];
  for (let i = 0; i < 5; i++) {
    decisions.push(p.onCrash());
    c.advance(10_000);
  }
  assert.deepEqual(
    decisions.map((d) => [d.restart, d.severity]),
    [
      [true, 'warning'],
      [true, undefined],
      [true, undefined],
      [true, undefined],
      [false, 'error'],
    ],
  );
  assert.equal(decisions.filter((d) => d.message).length, 2, 'one message on the first restart, one when giving up');
  assert.match(decisions[0].message!, /stopped unexpectedly and was restarted/);
  assert.match(decisions[4].message!, /crashed 5 times in 3 minutes and was not restarted/);
  assert.match(decisions[4].message!, /Kuma: Restart the language server/);
});

test('crashes further apart than the window never stop the server, and each is reported once', () => {
  const c = clock();
  const p = new RestartPolicy(2, 60_000, c.now);
  for (let i = 0; i < 10; i++) {
    const d = p.onCrash();
    assert.equal(d.restart, true);
    assert.equal(d.severity, 'warning');
    c.advance(61_000);
  }
});

test('a series that slows down: only crashes inside the window count', () => {
  const c = clock();
  const p = new RestartPolicy(2, 60_000, c.now);
  assert.equal(p.onCrash().restart, true); // t = 0
  c.advance(50_000);
  assert.equal(p.onCrash().restart, true); // t = 50 s: 2 in the window
  c.advance(20_000);
  // t = 70 s: the first has left the window, so this is the second of the series, not the third.
  const d = p.onCrash();
  assert.deepEqual([d.restart, d.message], [true, undefined]);
  c.advance(1_000);
  assert.equal(p.onCrash().restart, false, 'the third within a minute stops');
});

test('restarting by hand starts counting afresh', () => {
  const c = clock();
  const p = new RestartPolicy(1, 60_000, c.now);
  assert.equal(p.onCrash().restart, true);
  assert.equal(p.onCrash().restart, false);
  p.reset();
  const d = p.onCrash();
  assert.deepEqual([d.restart, d.severity], [true, 'warning']);
});

test('transport errors: a few are tolerated, then the connection is shut down', () => {
  const p = new RestartPolicy();
  assert.deepEqual(
    [1, 2, 3, 4, undefined].map((n) => p.onConnectionError(n)),
    ['continue', 'continue', 'continue', 'shutdown', 'shutdown'],
  );
  // Writes that fail because the server died never stop the client: its closed connection restarts it.
  assert.deepEqual(
    [1, 4, 10, undefined].map((n) => p.onConnectionError(n, true)),
    ['continue', 'continue', 'continue', 'continue'],
  );
});
