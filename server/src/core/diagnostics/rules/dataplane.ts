import { isObj } from '../../kuma/resource';
import { formatPath, type PathSeg } from '../../yaml/nodes';
import { kumaFacts, supportedProtocols } from '../../kuma/versions';
import type { Rule } from './context';
import { isDNSName, isIP } from './names';
import { judgeProtocol } from '../../kuma/protocols';
import { dataplaneUpgradeRule } from './upgrade';

/** Selected rules of `pkg/core/resources/apis/mesh/dataplane_validator.go` (SPEC.md 4.5). */
const networkingRule: Rule = ({ res, version, report }) => {
  const net = res.spec.networking;
  if (net === undefined || net === null) {
    report('dataplane-invalid', res.form === 'kubernetes' && isObj(res.value.spec) ? ['spec'] : [], 'must be defined', {
      target: 'key',
      data: { path: 'networking' },
    });
    return;
  }
  if (!isObj(net)) return;
  if (net.address === undefined) {
    // validateAddress runs on every Dataplane: a missing address is an empty one
    report('dataplane-invalid', ['networking'], "address can't be empty", { target: 'key', data: { path: 'networking.address' } });
  } else {
    const a = String(net.address ?? '');
    if (a === '') report('dataplane-invalid', ['networking', 'address'], "address can't be empty");
    else if (a === '0.0.0.0' || a === '::') report('dataplane-invalid', ['networking', 'address'], 'must not be 0.0.0.0 or ::');
    else if (!isIP(a) && !isDNSName(a))
      report('dataplane-invalid', ['networking', 'address'], 'address has to be valid IP address or domain name');
  }
  // uint32 fields of the Dataplane proto: Go cannot decode a negative number into them
  const unsigned: PathSeg[][] = [
    ['admin', 'port'],
    ['transparentProxying', 'redirectPortInbound'],
    ['transparentProxying', 'redirectPortOutbound'],
  ];
  for (const [a, b] of unsigned) {
    const parent = net[a as string];
    const v = isObj(parent) ? parent[b as string] : undefined;
    if (typeof v === 'number' && v < 0)
      report('schema-range', ['networking', a, b], `json: cannot unmarshal number ${v} into Go value of type uint32`);
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

const TAG_NAME = /^[a-zA-Z0-9.\-_:/]*$/;
const TAG_VALUE = /^[a-zA-Z0-9.\-_:]*$/;

/** `ValidateTags` of `pkg/core/resources/apis/mesh/validators.go`. */
function validateTags(
  report: Parameters<Rule>[0]['report'],
  at: PathSeg[],
  tags: Record<string, unknown>,
  opts: { requireService?: boolean; extra?: (key: string, value: string) => string | undefined; kumaPath?: PathSeg[] },
): void {
  for (const key of Object.keys(tags).sort()) {
    const value = tags[key] === null || tags[key] === undefined ? '' : String(tags[key]);
    if (key === '') report('dataplane-invalid', at, 'tag name must be non-empty', { target: 'key' });
    if (!TAG_NAME.test(key))
      report('dataplane-invalid', [...at, key], 'tag name must consist of alphanumeric characters, dots, dashes, slashes and underscores', {
        target: 'key',
      });
    if (value === '') report('dataplane-invalid', [...at, key], 'tag value must be non-empty');
    else if (!TAG_VALUE.test(value))
      report('dataplane-invalid', [...at, key], 'tag value must consist of alphanumeric characters, dots, dashes and underscores');
    const more = opts.extra?.(key, value);
    if (more) report('dataplane-invalid', [...at, key], more);
  }
  if (opts.requireService && !('kuma.io/service' in tags))
    report('dataplane-invalid', at, 'mandatory tag "kuma.io/service" is missing', {
      target: 'key',
      data: { path: formatPath(opts.kumaPath ?? at) },
    });
}

/**
 * Gateways, outbounds and tags (`dataplane_validator.go`: Validate's gateway cases,
 * validateGateway, validateOutbound, ValidateTags on inbound tags).
 */
const gatewayOutboundTagsRule: Rule = ({ res, version, report }) => {
  const net = res.spec.networking;
  if (!isObj(net)) return;
  const n = ['networking'];
  const inbounds = Array.isArray(net.inbound) ? net.inbound : [];
  const outbounds = Array.isArray(net.outbound) ? net.outbound : [];
  const gw = isObj(net.gateway) ? net.gateway : undefined;
  const gwType = gw ? String(gw.type ?? 'DELEGATED') : undefined;
  if (gwType === 'DELEGATED' && inbounds.length > 0)
    report('dataplane-invalid', [...n, 'inbound'], 'inbound cannot be defined for delegated gateways', { target: 'key' });
  if (gwType === 'BUILTIN') {
    if (inbounds.length > 0)
      report('dataplane-invalid', [...n, 'inbound'], 'inbound cannot be defined for builtin gateways', { target: 'key' });
    if (outbounds.length > 0)
      report('dataplane-invalid', [...n, 'outbound'], 'outbound cannot be defined for builtin gateways', { target: 'key' });
  }
  if (gw && (gwType === 'DELEGATED' || gwType === 'BUILTIN')) {
    const gwTags = isObj(gw.tags) ? gw.tags : {};
    validateTags(report, isObj(gw.tags) ? [...n, 'gateway', 'tags'] : [...n, 'gateway'], gwTags, {
      kumaPath: [...n, 'gateway', 'tags'],
      // 2.14 and 3.0 require the service tag only when the gateway has tags (tag-free mode)
      requireService: kumaFacts(version).dataplane.inboundTags === 'service-required' || Object.keys(gwTags).length > 0,
      extra: (key, value) =>
        key === 'kuma.io/protocol' && value.toLowerCase() !== 'tcp'
          ? `other values than tcp are not allowed, provided value "${value}"`
          : undefined,
    });
  }
  if (!gw && inbounds.length === 0 && kumaFacts(version).dataplane.requiresInboundOrGateway)
    report('dataplane-invalid', n, 'has to contain at least one inbound interface or gateway', { target: 'key' });
  if (kumaFacts(version).dataplane.inboundTags !== 'removed')
    inbounds.forEach((ib, i) => {
      if (isObj(ib) && isObj(ib.tags)) validateTags(report, [...n, 'inbound', i, 'tags'], ib.tags, {});
    });
  outbounds.forEach((ob, i) => {
    if (!isObj(ob)) return;
    const at = [...n, 'outbound', i];
    const port = typeof ob.port === 'number' ? ob.port : ob.port === undefined ? 0 : undefined;
    if (port !== undefined && (port < 1 || port > 65535))
      report('dataplane-invalid', ob.port === undefined ? at : [...at, 'port'], 'port must be in the range [1, 65535]', {
        ...(ob.port === undefined ? { target: 'key' as const, data: { path: formatPath([...at, 'port']) } } : {}),
      });
    if (typeof ob.address === 'string' && ob.address !== '' && !isIP(ob.address))
      report('dataplane-invalid', [...at, 'address'], 'address has to be valid IP address');
    if (kumaFacts(version).dataplane.outboundBackendRefRequired) {
      if (ob.backendRef === undefined)
        report('dataplane-invalid', at, 'must be defined', { target: 'key', data: { path: formatPath([...at, 'backendRef']) } });
      return;
    }
    if (ob.backendRef !== undefined) return;
    const tags = isObj(ob.tags) ? ob.tags : {};
    if (Object.keys(tags).length === 0) {
      if (typeof ob.service !== 'string' || ob.service === '')
        report('dataplane-invalid', isObj(ob.tags) ? [...at, 'tags'] : at, 'mandatory tag "kuma.io/service" is missing', {
          target: 'key',
          data: { path: formatPath([...at, 'tags']) },
        });
    } else validateTags(report, [...at, 'tags'], tags, { requireService: true });
  });
};

export const dataplaneRules: Rule[] = [networkingRule, gatewayOutboundTagsRule, dataplaneUpgradeRule];
