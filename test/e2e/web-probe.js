/* global self */
// A Web Worker that tries to generate code: under web.mjs's Content-Security-Policy it must not be able to.
let verdict;
try {
  verdict = new Function('return "allowed"')();
} catch (e) {
  verdict = `blocked: ${e.name}`;
}
self.postMessage(verdict);
