import { isObj } from '../../kuma/resource';
import { kumaFacts } from '../../kuma/versions';
import type { Rule } from './context';
import { displayNameRule, systemNamespaceRule } from './common';
import { nameUpgradeRule } from './upgrade';
import { isDNSName, isDns1123Subdomain, isIP } from './names';

/** `pkg/core/resources/apis/meshexternalservice/api/v1alpha1/validator.go` (SPEC.md 4.2). */

const TLS_VERSIONS = ['TLSAuto', 'TLS10', 'TLS11', 'TLS12', 'TLS13'];
const quoteList = (vs: string[]) => `[${vs.map((v) => JSON.stringify(v)).join(', ')}]`;

const matchRule: Rule = ({ res, version, report }) => {
  const match = res.spec.match;
  if (!isObj(match)) {
    // Kubernetes: the CRD does not require spec, so Kuma's validator sees a zero match (Universal's schema stage requires it)
    if (res.form === 'kubernetes' && match === undefined) {
      const at = isObj(res.value.spec) ? ['spec'] : [];
      report('external-service-invalid', at, 'port must be a valid (1-65535)', { target: 'key', data: { path: 'spec.match.port' } });
      report('external-service-invalid', at, `"protocol" must be one of ${quoteList(['tcp', 'grpc', 'http', 'http2'])}`, {
        target: 'key',
        data: { path: 'spec.match.protocol' },
      });
    }
    return;
  }
  const type = match.type;
  if (typeof type === 'string' && type !== '' && type !== 'HostnameGenerator') {
    report('external-service-invalid', ['spec', 'match', 'type'], `unrecognized type '${type}' - only 'HostnameGenerator' is supported`, {
      data: { allowedValues: ['HostnameGenerator'] },
    });
  }
  const port = match.port;
  if (typeof port === 'number' && (port < 1 || port > 65535)) {
    report('external-service-invalid', ['spec', 'match', 'port'], 'port must be a valid (1-65535)');
  }
  const protocols = ['tcp', 'grpc', 'http', 'http2'];
  // Kuma 2.9's Universal API has no defaulting stage: a missing protocol reaches the validator empty
  if (match.protocol === undefined && kumaFacts(version).externalServiceUniversalProtocolRequired && res.form === 'universal') {
    report('external-service-invalid', ['spec', 'match'], `"protocol" must be one of ${quoteList(protocols)}`, {
      target: 'key',
      data: { path: 'spec.match.protocol', allowedValues: protocols },
    });
  } else if (match.protocol !== undefined && !protocols.includes(String(match.protocol))) {
    report('external-service-invalid', ['spec', 'match', 'protocol'], `"protocol" must be one of ${quoteList(protocols)}`, {
      data: { allowedValues: protocols },
    });
  }
};

const endpointsAndTlsRule: Rule = ({ res, version, report }) => {
  const spec = res.spec;
  const ext = spec.extension;
  if (isObj(ext) && (ext.type === undefined || ext.type === null || ext.type === '')) {
    report('external-service-invalid', ['spec', 'extension', 'type'], 'must not be empty', { target: 'key' });
  }
  const hasExtension = isObj(ext);
  const tls = isObj(spec.tls) ? spec.tls : undefined;
  // the CRD's `format: byte` (kube-openapi's strfmt, schema stage of both forms, extension or not): standard base64
  const tlsVerification = tls && isObj(tls.verification) ? tls.verification : undefined;
  for (const ds of ['caCert', 'clientCert', 'clientKey']) {
    const src = tlsVerification?.[ds];
    if (kumaFacts(version).externalServiceInlineBase64 && isObj(src) && typeof src.inline === 'string' && !isBase64(src.inline)) {
      const shown = src.inline.length > 100 ? `${src.inline.slice(0, 100)}…` : src.inline;
      report(
        'schema-constraint',
        ['spec', 'tls', 'verification', ds, 'inline'],
        `spec.tls.verification.${ds}.inline in body must be of type byte: "${shown}"`,
      );
    }
  }
  if (!hasExtension) {
    const endpoints = Array.isArray(spec.endpoints) ? spec.endpoints : [];
    endpoints.forEach((ep, i) => {
      if (!isObj(ep)) return;
      const address = typeof ep.address === 'string' ? ep.address : '';
      if (isIP(address) || isDNSName(address)) {
        const port = ep.port;
        if (typeof port === 'number' && (port < 1 || port > 65535)) {
          report('external-service-invalid', ['spec', 'endpoints', i, 'port'], 'port must be a valid (1-65535)');
        }
      } else if (ep.address !== undefined) {
        report('external-service-invalid', ['spec', 'endpoints', i, 'address'], 'address has to be a valid IP or hostname');
      }
    });
    if (tls) {
      const ver = isObj(tls.version) ? tls.version : undefined;
      if (ver) {
        for (const k of ['min', 'max'] as const) {
          if (ver[k] !== undefined && !TLS_VERSIONS.includes(String(ver[k]))) {
            report('external-service-invalid', ['spec', 'tls', 'version', k], `"${k}" must be one of ${quoteList(TLS_VERSIONS)}`, {
              data: { allowedValues: TLS_VERSIONS },
            });
          }
        }
        const min = TLS_VERSIONS.indexOf(String(ver.min));
        const max = TLS_VERSIONS.indexOf(String(ver.max));
        if (min > 0 && max > 0 && min > max) {
          report('external-service-invalid', ['spec', 'tls', 'version', 'min'], 'min version must be lower than max');
        }
      }
      const verification = isObj(tls.verification) ? tls.verification : undefined;
      if (verification) {
        const base = ['spec', 'tls', 'verification'];
        if (typeof verification.serverName === 'string' && !isDns1123Subdomain(verification.serverName.toLowerCase())) {
          report('external-service-invalid', [...base, 'serverName'], 'must be a valid DNS name');
        }
        const modes = ['SkipSAN', 'SkipCA', 'SkipAll', 'Secured'];
        if (verification.mode !== undefined && !modes.includes(String(verification.mode))) {
          report('external-service-invalid', [...base, 'mode'], `"mode" must be one of ${quoteList(modes)}`, {
            data: { allowedValues: modes },
          });
        }
        const sans = Array.isArray(verification.subjectAltNames) ? verification.subjectAltNames : [];
        sans.forEach((san, i) => {
          if (isObj(san) && san.type !== undefined && !['Prefix', 'Exact'].includes(String(san.type))) {
            report(
              'external-service-invalid',
              [...base, 'subjectAltNames', i, 'type'],
              `"type" must be one of ${quoteList(['Prefix', 'Exact'])}`,
              {
                data: { allowedValues: ['Prefix', 'Exact'] },
              },
            );
          }
        });
        if (verification.clientCert !== undefined && verification.clientKey === undefined) {
          report('external-service-invalid', [...base, 'clientCert'], 'must be defined when clientCert is defined', {
            target: 'key',
            data: { path: 'spec.tls.verification.clientKey' },
          });
        }
        if (verification.clientKey !== undefined && verification.clientCert === undefined) {
          report('external-service-invalid', [...base, 'clientKey'], 'must be defined when clientKey is defined', {
            target: 'key',
            data: { path: 'spec.tls.verification.clientCert' },
          });
        }
      }
    }
  }
  // 3.0 checks TLS data sources even when an extension is present.
  const verification = tls && isObj(tls.verification) ? tls.verification : undefined;
  if (kumaFacts(version).externalServiceTlsDataSources && verification) {
    for (const dsName of ['caCert', 'clientCert', 'clientKey']) {
      const ds = verification[dsName];
      if (!isObj(ds)) continue;
      const p = ['spec', 'tls', 'verification', dsName];
      const type = ds.type;
      if (type === undefined) continue;
      const t = String(type);
      if (t === 'File' || t === 'EnvVar') {
        report('external-service-invalid', [...p, 'type'], `${t} must be one of: Secret, InsecureInline`, {
          data: { allowedValues: ['Secret', 'InsecureInline'] },
        });
      } else if (t === 'Secret') {
        const ref = ds.secretRef;
        if (!isObj(ref)) report('external-service-invalid', [...p, 'secretRef'], 'must be defined', { target: 'key' });
        else {
          if (typeof ref.name !== 'string' || ref.name === '')
            report('external-service-invalid', [...p, 'secretRef', 'name'], 'must be defined', { target: 'key' });
          if (ref.kind !== undefined && ref.kind !== 'Secret') {
            report('external-service-invalid', [...p, 'secretRef', 'kind'], `${String(ref.kind)} must be one of: Secret`, {
              data: { allowedValues: ['Secret'] },
            });
          }
        }
      } else if (t === 'InsecureInline') {
        const inline = ds.insecureInline;
        if (!isObj(inline)) report('external-service-invalid', [...p, 'insecureInline'], 'must be defined', { target: 'key' });
        else if (typeof inline.value !== 'string' || inline.value === '') {
          report('external-service-invalid', [...p, 'insecureInline', 'value'], 'must be defined', { target: 'key' });
        }
      } else {
        report('external-service-invalid', [...p, 'type'], `${t} must be one of: EnvVar, InsecureInline, File, Secret`, {
          data: { allowedValues: ['Secret', 'InsecureInline'] },
        });
      }
    }
  }
};

/**
 * Kuma 2.9 checks the length of the core name (2.14 that of the display name): on Kubernetes the
 * core name of a namespaced object is `<name>.<namespace>`.
 */
const coreNameLengthRule: Rule = ({ res, version, report }) => {
  if (!kumaFacts(version).kubernetesCoreNameLength || res.form !== 'kubernetes') return;
  const meta = isObj(res.value.metadata) ? res.value.metadata : undefined;
  const name = meta?.name;
  const ns = meta?.namespace;
  if (typeof name !== 'string' || typeof ns !== 'string' || name.length > 63) return; // over 63 alone: displayNameRule says it
  if (name.length + 1 + ns.length > 63)
    report(
      'name-too-long',
      ['name'],
      `must not be longer than 63 characters (Kuma 2.9 checks "${name}.${ns}", the name with its namespace)`,
      {
        data: { path: 'name' },
      },
    );
};

export const meshExternalServiceRules: Rule[] = [
  displayNameRule({ lengthLimit: true }),
  nameUpgradeRule,
  coreNameLengthRule,
  systemNamespaceRule,
  matchRule,
  endpointsAndTlsRule,
];

/** Go's base64.StdEncoding.DecodeString (which skips CR and LF), without a regular expression. */
function isBase64(v: string): boolean {
  let n = 0;
  let pad = 0;
  for (const c of v) {
    if (c === '\r' || c === '\n') continue;
    const alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c === '+' || c === '/';
    if (c === '=') pad++;
    else if (!alpha || pad > 0) return false;
    n++;
  }
  return n % 4 === 0 && pad <= 2;
}
