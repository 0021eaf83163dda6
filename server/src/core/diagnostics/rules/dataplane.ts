import { isObj } from '../../kuma/resource';
import { kumaFacts, supportedProtocols } from '../../kuma/versions';
import type { Rule } from './context';
import { isDNSName, isIP } from './names';
import { judgeProtocol } from '../../kuma/protocols';

/** Selected rules of `pkg/core/resources/apis/mesh/dataplane_validator.go` (SPEC.md 4.5). */
const networkingRule: Rule = ({ res, version, report }) => {
  const net = res.spec.networking;
  if (!isObj(net)) return;
  if (net.address !== undefined) {
    const a = String(net.address ?? '');
    if (a === '') report('dataplane-invalid', ['networking', 'address'], "address can't be empty");
    else if (a === '0.0.0.0' || a === '::') report('dataplane-invalid', ['networking', 'address'], 'must not be 0.0.0.0 or ::');
    else if (!isIP(a) && !isDNSName(a))
      report('dataplane-invalid', ['networking', 'address'], 'address has to be valid IP address or domain name');
  }
  const inbounds = Array.isArray(net.inbound) ? net.inbound : [];
  const facts = kumaFacts(version).dataplane;
  inbounds.forEach((ib, i) => {
    if (!isObj(ib)) return;
    const base = ['networking', 'inbound', i];
    const port = ib.port;
    if (typeof port === 'number' && (port < 1 || port > 65535))
      report('dataplane-invalid', [...base, 'port'], 'port must be in the range [1, 65535]');
    const sp = ib.servicePort;
    if (typeof sp === 'number' && sp !== 0 && (sp < 1 || sp > 65535)) {
      report('dataplane-invalid', [...base, 'servicePort'], 'port must be in the range [1, 65535]');
    }
    if (typeof ib.address === 'string' && ib.address !== '' && !isIP(ib.address)) {
      report('dataplane-invalid', [...base, 'address'], 'address has to be valid IP address');
    }
    if (typeof ib.serviceAddress === 'string' && ib.serviceAddress !== '') {
      if (!isIP(ib.serviceAddress)) report('dataplane-invalid', [...base, 'serviceAddress'], 'serviceAddress has to be valid IP address');
      else {
        const addr = typeof ib.address === 'string' && ib.address !== '' ? ib.address : net.address;
        const svcPort = typeof sp === 'number' && sp !== 0 ? sp : port;
        if (ib.serviceAddress === addr && svcPort === port) {
          report('dataplane-invalid', [...base, 'serviceAddress'], 'serviceAddress and servicePort has to differ from address and port');
        }
      }
    }
    if (facts.inboundProtocolField && ib.protocol !== undefined) {
      const { problem } = judgeProtocol('dataplane.inbound.protocol', String(ib.protocol), version);
      if (problem) report(problem.code, [...base, 'protocol'], problem.message, { data: { allowedValues: supportedProtocols(version) } });
    }
    if (facts.inboundTags !== 'removed') {
      const tags = isObj(ib.tags) ? ib.tags : undefined;
      const needsService = facts.inboundTags === 'service-required-with-tags' ? tags !== undefined && Object.keys(tags).length > 0 : true;
      if (needsService && (tags === undefined || tags['kuma.io/service'] === undefined)) {
        report('dataplane-invalid', tags ? [...base, 'tags'] : base, 'tag has to exist', {
          target: 'key',
          data: { path: `networking.inbound[${i}].tags["kuma.io/service"]` },
          range: tags ? undefined : res.range([...base, 'port'], 'key'),
        });
      }
      const proto = tags?.['kuma.io/protocol'];
      if (proto !== undefined) {
        const { problem } = judgeProtocol('dataplane.inbound.protocolTag', String(proto), version);
        if (problem)
          report(problem.code, [...base, 'tags', 'kuma.io/protocol'], problem.message, {
            data: { allowedValues: supportedProtocols(version) },
          });
      }
    }
  });
};

export const dataplaneRules: Rule[] = [networkingRule];
