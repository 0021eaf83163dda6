import { isObj } from '../../kuma/resource';
import { kumaFacts, supportedProtocols } from '../../kuma/versions';
import type { Rule } from './context';
import { displayNameRule, sniPortRule } from './common';
import { nameUpgradeRule } from './upgrade';
import { judgeProtocol } from '../../kuma/protocols';
import { uint32Message } from './meshService';

/** `pkg/core/resources/apis/meshmultizoneservice/api/v1alpha1/validator.go` (SPEC.md 4.3). */
const specRule: Rule = (ctx) => {
  const { res, version, report } = ctx;
  const spec = res.spec;
  const selector = isObj(spec.selector) ? spec.selector : undefined;
  const ms = selector && isObj(selector.meshService) ? selector.meshService : undefined;
  const ml = ms?.matchLabels;
  if (!isObj(ml) || Object.keys(ml).length === 0) {
    const path = ['spec', 'selector', 'meshService', 'matchLabels'];
    report('multizone-service-invalid', path, 'cannot be empty', {
      target: 'key',
      data: { path: 'spec.selector.meshService.matchLabels' },
    });
  }
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  if (ports.length === 0) {
    report('multizone-service-invalid', ['spec', 'ports'], 'cannot be empty', { target: 'key', data: { path: 'spec.ports' } });
  }
  const supported = supportedProtocols(version);
  ports.forEach((p, i) => {
    if (!isObj(p)) return;
    const base = ['spec', 'ports', i];
    if (kumaFacts(version).unsignedPortsRejectNegative && typeof p.port === 'number' && p.port < 0)
      report('schema-range', [...base, 'port'], uint32Message(p.port));
    if (kumaFacts(version).protocols.multizonePortChecks) {
      if (p.name === '') report('multizone-service-invalid', [...base, 'name'], 'must not be empty');
    }
    if (p.appProtocol !== undefined) {
      const { problem } = judgeProtocol('meshMultiZoneService.appProtocol', String(p.appProtocol ?? ''), version);
      if (problem) report(problem.code, [...base, 'appProtocol'], problem.message, { data: { allowedValues: supported } });
    }
    sniPortRule(ctx, p, i);
  });
};

export const meshMultiZoneServiceRules: Rule[] = [displayNameRule({ lengthLimit: false }), nameUpgradeRule, specRule];
