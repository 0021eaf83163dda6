// The inputs of the scaling check (issue 19): one document each, grown by a size n. A check whose
// cost grows faster than its input shows up as a ratio well above 8 when n grows 8×; the bench
// (scripts/scaling.mjs, which `npm run bench` runs too) and the unit tests (test/unit/scaling.test.ts,
// which assert the diagnostics, never times) both take their inputs from here.
//
//   node scripts/scaling-inputs.mjs DIR [--factor 8]   # writes each input at n and factor × n into DIR

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const head = (name) => `apiVersion: kuma.io/v1alpha1\nkind: MeshService\nmetadata:\n  name: ${name}\n  namespace: kuma-demo\n`;
const selector = '  selector:\n    dataplaneTags:\n      app: web\n';

/** A MeshService with n unknown keys under `spec` (`unknownKey0: 0` …): n schema-unknown-key diagnostics. */
export function unknownKeys(n) {
  const lines = [head('web'), 'spec:\n', selector, '  ports:\n  - port: 80\n    targetPort: 8080\n    appProtocol: http\n'];
  for (let i = 0; i < n; i++) lines.push(`  unknownKey${i}: ${i}\n`);
  return lines.join('');
}

/** A Helm-templated MeshService with n `{{- if }} … {{- end }}` blocks around its ports: one templated-yaml note. */
export function helmBlocks(n) {
  const lines = [head('{{ .Values.name }}'), 'spec:\n', selector, '  ports:\n'];
  for (let i = 0; i < n; i++) {
    lines.push(
      `{{- if .Values.ports.p${i}.enabled }}\n  - port: {{ .Values.ports.p${i}.port }}\n    targetPort: ${1024 + (i % 60000)}\n{{- end }}\n`,
    );
  }
  return lines.join('');
}

/**
 * A MeshService whose `spec` holds a flow mapping of n keys (`{k0: 0, k1: 1, …}`, 20 a line); with
 * `duplicates`, every hundredth key repeats the one before it.
 */
export function flowMap(n, { duplicates = false } = {}) {
  const pairs = [];
  for (let i = 0; i < n; i++) {
    const k = duplicates && i % 100 === 99 ? i - 1 : i;
    pairs.push(`k${k}: ${i}`);
  }
  const rows = [];
  for (let i = 0; i < pairs.length; i += 20) rows.push(`  ${pairs.slice(i, i + 20).join(', ')}`);
  return `${head('web')}spec: {\n${rows.join(',\n')}\n}\n`;
}

/** A HostnameGenerator whose template holds n actions (`{{ .DisplayName }}`, one a line): one hostname-generator-invalid error. */
export function templateActions(n) {
  const template = '{{ .DisplayName }}\n'.repeat(n);
  return `type: HostnameGenerator\nname: local\nspec:\n  selector:\n    meshService:\n      matchLabels:\n        kuma.io/origin: zone\n  template: ${JSON.stringify(template)}\n`;
}

/** A MeshService with n ports whose `targetPort` is `true`: n schema-type errors, one an `anyOf` each. */
export function badTargetPorts(n) {
  const lines = [head('web'), 'spec:\n', selector, '  ports:\n'];
  for (let i = 0; i < n; i++) lines.push(`  - port: ${1 + (i % 65535)}\n    targetPort: true\n`);
  return lines.join('');
}

/**
 * The inputs with the size n they are measured at (and 8 × n): the three of issue 19 with the size
 * of its measurements, then two more quadratic stages found while profiling those.
 */
export const SCALING_INPUTS = [
  { name: 'unknown-keys', what: 'MeshService with n unknown keys under spec', n: 5000, make: unknownKeys },
  { name: 'helm-blocks', what: 'Helm-templated MeshService with n {{- if }} … {{- end }} blocks', n: 2500, make: helmBlocks },
  { name: 'flow-map', what: 'flow mapping {k0: 0, …} of n keys under spec', n: 6000, make: flowMap },
  { name: 'template-actions', what: 'HostnameGenerator template of n {{ .DisplayName }} actions', n: 2500, make: templateActions },
  { name: 'bad-target-ports', what: 'MeshService with n ports whose targetPort is true', n: 1000, make: badTargetPorts },
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node scripts/scaling-inputs.mjs DIR [--factor 8]');
    process.exit(2);
  }
  const i = process.argv.indexOf('--factor');
  const factor = i > 0 ? Number(process.argv[i + 1]) : 8;
  fs.mkdirSync(dir, { recursive: true });
  for (const input of SCALING_INPUTS) {
    for (const n of [input.n, factor * input.n]) fs.writeFileSync(path.join(dir, `${input.name}-${n}.yaml`), input.make(n));
  }
}
