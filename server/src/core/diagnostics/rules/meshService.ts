import { isObj } from '../../kuma/resource';
import { SELECTOR_PRECEDENCE, kumaFacts, supportedProtocols } from '../../kuma/versions';
import type { Rule, RuleContext } from './context';
import { displayNameRule, sniPortRule } from './common';
import { judgeProtocol } from '../../kuma/protocols';
import { meshServiceUpgradeRule, nameUpgradeRule } from './upgrade';

/**
 * MeshService rules: `pkg/core/resources/apis/meshservice/api/v1alpha1/validator.go` and
 * `Deprecations()`, plus the checks SPEC.md section 11 asks an editor to add.
 */

const selectorRule: Rule = ({ res, version, report }) => {
  const selector = res.spec.selector;
  const sel = isObj(selector) ? selector : {};
  const present = ['dataplaneRef', 'dataplaneTags', 'dataplaneLabels'].filter((k) => sel[k] !== undefined && sel[k] !== null);
  const facts = kumaFacts(version).selector;
  const keys: readonly string[] = facts.keys;

  if (facts.removed.includes('dataplaneTags') && present.includes('dataplaneTags')) {
    report(
      'selector-dataplane-tags-removed',
      ['spec', 'selector', 'dataplaneTags'],
      "spec.selector.dataplaneTags was removed in Kuma 3.0: the control plane drops it, so it selects nothing. Migrate it to 'dataplaneLabels' (matchLabels on the Dataplane labels, e.g. kuma.io/workload).",
      { target: 'key' },
    );
  }

  const known = present.filter((k) => keys.includes(k));
  if (known.length > 1) {
    if (facts.multiple !== 'first-wins') {
      report('selector-multiple', ['spec', 'selector'], facts.multiple.rejected, { target: 'key' });
    } else {
      // 2.9 to 2.13 accept it and match with the first present of dataplaneRef, dataplaneTags.
      const used = SELECTOR_PRECEDENCE.find((k) => known.includes(k))!;
      const ignored = known.filter((k) => k !== used);
      report(
        'selector-multiple-ignored',
        ['spec', 'selector'],
        `More than one selector: Kuma ${version} uses only ${used} and ignores ${ignored.join(', ')}. Keep one selector.`,
        { target: 'key' },
      );
    }
  }

  const effective = present.filter((k) => keys.includes(k));
  if (effective.length === 0) {
    const name = res.displayName()?.value ?? '';
    const message =
      facts.missingMessage === 'dataplane-tags-removed'
        ? `MeshService resource '${name}' has no selector, so it matches no data plane proxies. Set 'spec.selector.dataplaneRef' or 'spec.selector.dataplaneLabels'. The 'spec.selector.dataplaneTags' selector was removed, migrate it to 'dataplaneLabels'.`
        : `MeshService '${name}' has no selector, so it matches no data plane proxies. Set one of ${keys.map((k) => `'spec.selector.${k}'`).join(', ')}.`;
    const path = res.has(['spec', 'selector']) ? ['spec', 'selector'] : res.has(['spec']) ? ['spec'] : [];
    report('selector-missing', path, message, { target: 'key', data: { path: 'spec.selector' } });
  }
};

function portsOf(ctx: RuleContext): unknown[] {
  const ports = ctx.res.spec.ports;
  return Array.isArray(ports) ? ports : [];
}

const portsRule: Rule = (ctx) => {
  const { res, version, report } = ctx;
  const ports = portsOf(ctx);
  const byKey = new Map<string, number>();
  const byName = new Map<string, number>();
  const supported = supportedProtocols(version);
  ports.forEach((p, i) => {
    if (!isObj(p)) return;
    const base = ['spec', 'ports', i];
    const port = p.port;
    const appProtocol = p.appProtocol === undefined || p.appProtocol === null ? 'tcp' : String(p.appProtocol);

    let duplicate = false;
    if (typeof port === 'number') {
      const key = `${port}\u0000${appProtocol}`;
      const first = byKey.get(key);
      if (first !== undefined) {
        duplicate = true;
        report(
          'ports-duplicate',
          [...base, 'port'],
          `Duplicate port ${port} with appProtocol "${appProtocol}": spec.ports[${first}] already declares it. Kubernetes keys this list by (port, appProtocol), so the two entries would be merged or rejected.`,
          {
            data: { path: `spec.ports[${i}]` },
            related: [{ message: 'first declared here', range: res.range(['spec', 'ports', first, 'port']) }],
          },
        );
      } else byKey.set(key, i);
      if (port < 0 && kumaFacts(version).unsignedPortsRejectNegative) {
        // Kuma 2.9 decodes the port into a uint32: a negative number fails to decode
        report('schema-range', [...base, 'port'], uint32Message(port));
      } else if (port < 1 || port > 65535) {
        report('port-range', [...base, 'port'], `Port ${port} is outside the valid range 1-65535.`);
      }
    }
    const tp = p.targetPort;
    if (typeof tp === 'number' && (tp < 1 || tp > 65535)) {
      report('port-range', [...base, 'targetPort'], `targetPort ${tp} is outside the valid range 1-65535.`);
    }
    if (tp === undefined || tp === null) {
      report(
        'target-port-missing',
        typeof port === 'number' ? [...base, 'port'] : base,
        'targetPort is not set, so this port matches no Dataplane inbound and gets no endpoints. Set it to an inbound port number or name.',
        { target: 'key', data: { path: `spec.ports[${i}].targetPort` } },
      );
    }

    const name = p.name;
    if (typeof name === 'string' && name !== '') {
      const first = byName.get(name);
      // A repeated (port, appProtocol) entry already got an error; its name adds nothing.
      if (first !== undefined && !duplicate) {
        report(
          'ports-duplicate-name',
          [...base, 'name'],
          `Duplicate port name "${name}": spec.ports[${first}] has it too. Policies pick a port by this name (sectionName), so names must be unique.`,
          { related: [{ message: 'first used here', range: res.range(['spec', 'ports', first, 'name']) }] },
        );
      } else byName.set(name, i);
    }

    if (p.appProtocol !== undefined && p.appProtocol !== null) {
      const v = String(p.appProtocol);
      // The fixes offer only protocols that do not repeat another entry's (port, appProtocol).
      const taken = new Set(
        ports
          .filter((q, j) => j !== i && isObj(q) && q.port === port)
          .map((q) => (isObj(q) && q.appProtocol != null ? String(q.appProtocol) : 'tcp')),
      );
      const offered = supported.filter((x) => !taken.has(x));
      const { problem } = judgeProtocol('meshService.appProtocol', v, version);
      if (problem) report(problem.code, [...base, 'appProtocol'], problem.message, { data: { allowedValues: offered } });
    }

    sniPortRule(ctx, p, i);
  });
};

export const meshServiceRules: Rule[] = [
  displayNameRule({ lengthLimit: true }),
  nameUpgradeRule,
  selectorRule,
  meshServiceUpgradeRule,
  portsRule,
];

/** Go's encoding/json on a negative number for Kuma 2.9's `Port uint32` (MeshService, MeshMultiZoneService). */
export function uint32Message(port: number): string {
  return `json: cannot unmarshal number ${port} into Go struct field Port.spec.ports.port of type uint32`;
}
