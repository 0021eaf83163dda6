// Runs regular expressions against adversarial strings and reports progress to the parent
// (test/unit/regex.test.ts), which stops this worker when one of them takes too long.
import { parentPort, workerData } from 'node:worker_threads';

const { regexes, inputs } = workerData;
for (let i = 0; i < regexes.length; i++) {
  const { source, flags, maxInput } = regexes[i];
  parentPort.postMessage({ start: i });
  const re = new RegExp(source, flags);
  for (const input of inputs) {
    const s = maxInput ? input.slice(0, maxInput) : input;
    if (re.global) s.replace(re, '');
    else re.exec(s);
  }
}
parentPort.postMessage({ finished: true });
