/* global document, window, Worker */
// Runs in the page that web.mjs opens: starts dist/server.web.js in a Web Worker and gives web.mjs
// a small LSP client over postMessage (window.lsp), plus probes that show the page's
// Content-Security-Policy is in force (window.probes).
(() => {
  const violations = [];
  document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));

  const worker = new Worker('/dist/server.web.js');
  const pending = new Map();
  const notifications = [];
  const workerErrors = [];
  let nextId = 1;
  worker.onmessage = (e) => {
    const m = e.data;
    if (m.id !== undefined && m.method !== undefined) {
      // A request from the server (workspace/configuration, client/registerCapability, …): no answer to give.
      worker.postMessage({ jsonrpc: '2.0', id: m.id, result: null });
    } else if (m.id !== undefined) {
      pending.get(m.id)?.(m);
      pending.delete(m.id);
    } else notifications.push(m);
  };
  worker.onerror = (e) => workerErrors.push(String(e.message));

  window.lsp = {
    request(method, params) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        worker.postMessage({ jsonrpc: '2.0', id, method, params });
      });
    },
    notify(method, params) {
      worker.postMessage({ jsonrpc: '2.0', method, params });
    },
    notifications,
    workerErrors,
    violations,
  };

  // Tried as the page loads, from the page's own script.
  let pageVerdict;
  try {
    pageVerdict = new Function('return "allowed"')();
  } catch (e) {
    pageVerdict = `blocked: ${e.name}`;
  }
  window.probes = {
    page: () => pageVerdict,
    worker() {
      return new Promise((resolve) => {
        const w = new Worker('/web-probe.js');
        w.onmessage = (e) => {
          resolve(e.data);
          w.terminate();
        };
        w.onerror = (e) => resolve(`error: ${e.message}`);
      });
    },
  };
})();
