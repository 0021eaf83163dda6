import type { KumaDiagnostic } from '../types';
import type { KumaVersion } from '../kuma/versions';
import type { LanguageService } from './model';

/** Documents of the synthetic file: enough for a keystroke's incremental paths (over 64 documents, over 4 KB). */
const DOCUMENTS = 90;

/**
 * Runs the keystroke path of a large open file (an edit's facts, the re-check of the documents it
 * changed, an answer kept stale while facts elsewhere changed, and its refresh) on a synthetic
 * file in a service of its own, so that the user's first keystrokes in a file of thousands of
 * documents run compiled code: the JIT shares what it learns between services. In steps (a caller
 * runs them when the editor is idle); returns the last result, for the front end to warm its own
 * conversion with.
 */
export function* warmUpKeystrokes(
  service: LanguageService,
  version: KumaVersion,
): Generator<void, { text: string; diagnostics: KumaDiagnostic[] }> {
  const settings = { kumaVersion: version, validate: true };
  const docs: string[] = [];
  const dps: string[] = [];
  for (let i = 0; i < DOCUMENTS; i++) {
    const app = `warm-${i % 30}`;
    if (i % 3 === 0)
      docs.push(
        `type: MeshService\nname: ${app}\nmesh: default\nspec:\n  selector:\n    dataplaneTags:\n      kuma.io/service: ${app}\n  ports:\n  - port: 80${i % 10}\n    targetPort: http\n    appProtocol: http\n`,
      );
    else if (i % 3 === 1)
      docs.push(
        `type: MeshTimeout\nname: t-${i}\nmesh: default\nspec:\n  targetRef:\n    kind: Mesh\n  to:\n  - targetRef:\n      kind: MeshService\n      name: ${app}\n      sectionName: http\n    default:\n      idleTimeout: 20s\n`,
      );
    else
      docs.push(
        `type: Dataplane\nname: dp-${i}\nmesh: default\nnetworking:\n  address: 10.0.0.${i % 250}\n  inbound:\n  - port: 8080\n    name: http\n    tags:\n      kuma.io/service: ${app}\n`,
      );
    if (i % 3 === 0)
      dps.push(
        `type: Dataplane\nname: other-${i}\nmesh: default\nnetworking:\n  address: 10.0.1.${i % 250}\n  inbound:\n  - port: 8080\n    name: http\n    tags:\n      kuma.io/service: ${app}\n`,
      );
  }
  const uri = 'kuma-warm-up:/keystrokes.yaml';
  const other = 'kuma-warm-up:/dataplanes.yaml';
  let text = docs.join('---\n');
  let dpText = dps.join('---\n');
  service.setFile(other, dpText, 'disk');
  yield;
  // The file grows a few documents, then a third at a time: each step stays short (the first checks of each kind of
  // document run uncompiled), and growing it is an edit too.
  let last = service.diagnose(uri, '', settings);
  for (const n of [9, DOCUMENTS / 3, (2 * DOCUMENTS) / 3, DOCUMENTS]) {
    const part = docs.slice(0, n).join('---\n');
    service.setFile(uri, part, 'open');
    yield;
    last = service.diagnose(uri, part, settings);
    yield;
  }
  const at = text.indexOf('port: 80', text.length >> 1) + 'port: 80'.length;
  for (let i = 0; i < 6; i++) {
    yield;
    // A digit typed in a port (a fact other documents read), back and forth.
    text = text.slice(0, at) + String((i + 1) % 10) + text.slice(at + 1);
    if (i === 3) {
      // Facts of another file change: the next answer may be stale, then refreshed.
      dpText = dpText.replace('name: http', 'name: web');
      service.setFile(other, dpText, 'disk');
    }
    service.setFile(uri, text, 'open');
    last = service.diagnose(uri, text, settings, { stale: true });
    if (last.stale) {
      const steps = service.refreshSteps(uri, text, settings);
      for (let r = steps.next(); ; r = steps.next())
        if (r.done) {
          last = r.value;
          break;
        }
    }
  }
  return { text, diagnostics: last.diagnostics };
}
