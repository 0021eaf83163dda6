import type { DiagnosticCode } from '../diagnostics/codes';
import type { Form, KumaKind } from '../types';
import { kumaFacts, parsableProtocols, supportedProtocols, type KumaVersion } from './versions';
import type { PathSeg } from '../yaml/nodes';

/**
 * The fields whose value is a protocol that Kuma checks (or reads) without a schema enum
 * (SPEC.md section 3), and what Kuma does with a value there. The rules report from
 * `judgeProtocol`, the hover explains a value with it and completion offers the values of
 * `protocolField`, so the three cannot tell different stories.
 */
export type ProtocolField =
  | 'meshService.appProtocol'
  | 'meshMultiZoneService.appProtocol'
  | 'dataplane.inbound.protocol'
  | 'dataplane.inbound.protocolTag'
  | 'dataplane.gateway.protocolTag';

/**
 * The protocol field at a YAML path of a document (both forms), if Kuma `version` has it:
 * MeshService / MeshMultiZoneService `spec.ports[].appProtocol`, Dataplane inbound `protocol`
 * (2.14+) and `kuma.io/protocol` tags (inbound and gateway; removed in 3.0). MeshExternalService
 * `match.protocol` has its enum in the schema.
 */
export function protocolField(kind: KumaKind, form: Form, path: readonly PathSeg[], version: KumaVersion): ProtocolField | undefined {
  const p = path.map((s) => (typeof s === 'number' ? '[]' : `.${s}`)).join('');
  if (p === '.spec.ports[].appProtocol') {
    if (kind === 'MeshService') return 'meshService.appProtocol';
    if (kind === 'MeshMultiZoneService') return 'meshMultiZoneService.appProtocol';
  }
  if (kind !== 'Dataplane') return undefined;
  const body = form === 'kubernetes' ? p.replace(/^\.spec\./, '.') : p;
  const { dataplane } = kumaFacts(version);
  if (body === '.networking.inbound[].protocol' && dataplane.inboundProtocolField) return 'dataplane.inbound.protocol';
  if (dataplane.inboundTags === 'removed') return undefined;
  if (body === '.networking.inbound[].tags.kuma.io/protocol') return 'dataplane.inbound.protocolTag';
  if (body === '.networking.gateway.tags.kuma.io/protocol') return 'dataplane.gateway.protocolTag';
  return undefined;
}

/** What Kuma makes of a protocol value. */
export interface ProtocolVerdict {
  /** The diagnostic the rules report, when there is one. */
  problem?: { code: DiagnosticCode; message: string };
  /** One sentence for the hover, in the same terms; undefined for a supported value as written. */
  note?: string;
}

function fmt(v: string): string {
  return `\`${v}\``;
}

/** `problem` plus a note that says it in the same words. */
function rejected(version: KumaVersion, code: DiagnosticCode, message: string, caseSensitive = false): ProtocolVerdict {
  return {
    problem: { code, message },
    note: `Kuma ${version} rejects it${caseSensitive ? ' (the check is case-sensitive)' : ''}: ${message}`,
  };
}

/**
 * Judges a protocol value the way Kuma `version` does at `field` (SPEC.md sections 3 and 4).
 * `value` is the value as written (`null` as ''); callers skip absent fields.
 */
export function judgeProtocol(field: ProtocolField, value: string, version: KumaVersion): ProtocolVerdict {
  const supported = supportedProtocols(version);
  const lower = value.toLowerCase();
  if (supported.includes(value)) return {};
  // Kuma's ParseProtocol lower-cases: everywhere but MeshMultiZoneService a differently cased value is the same protocol.
  const readAs = { note: `Kuma ${version} reads ${fmt(value)} as ${fmt(lower)}.` };
  switch (field) {
    case 'meshService.appProtocol':
      if (kumaFacts(version).protocols.meshServiceAppProtocolValidated) {
        if (value === '') return {};
        if (supported.includes(lower)) return readAs;
        return rejected(version, 'app-protocol-invalid', `appProtocol must be one of: ${supported.join(', ')}`);
      }
      if (supported.includes(lower)) return readAs;
      // 2.x does not validate MeshService appProtocol (SPEC.md section 3): an unknown value gets plain TCP.
      return {
        problem: {
          code: 'app-protocol-unsupported',
          message: `appProtocol "${value}" is not a protocol Kuma ${version} supports (${supported.join(', ')}): Kuma accepts it but treats the traffic as plain TCP, without L7 features.`,
        },
        note: `Kuma ${version} accepts it but treats the traffic as plain TCP, without L7 features.`,
      };
    case 'meshMultiZoneService.appProtocol':
      if (!kumaFacts(version).protocols.multizonePortChecks)
        return { note: `Kuma ${version} does not check it (the check starts in 2.10).` };
      return rejected(version, 'app-protocol-invalid', `appProtocol must be one of: ${supported.join(', ')}`, supported.includes(lower));
    case 'dataplane.inbound.protocol':
    case 'dataplane.inbound.protocolTag': {
      if (field === 'dataplane.inbound.protocol' && value === '') return {};
      if (parsableProtocols(version).includes(lower)) {
        if (supported.includes(lower)) return readAs;
        return { note: `Kuma ${version} accepts ${fmt(lower)}, although it is not one of its supported protocols.` };
      }
      const what = field === 'dataplane.inbound.protocol' ? 'has' : 'tag "kuma.io/protocol" has';
      return rejected(version, 'dataplane-invalid', `${what} an invalid value "${value}". Allowed values: ${supported.join(', ')}`);
    }
    case 'dataplane.gateway.protocolTag':
      if (supported.includes(lower)) return readAs;
      return { note: 'It is not one of them (not reported: only the tags of inbounds are checked).' };
  }
}
