// Kuma's targetRef policies (../shared/kuma/SPEC-policies.md sections a to d): every rule fires with
// Kuma's path and message at the versions it applies to and stays silent at the others; SPEC's
// examples are valid at their own versions. Messages were cross-checked against Kuma's own code (the
// oracle of tools/kuma-oracle) for the Universal form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose } from '../helpers';
import { KUMA_VERSIONS, type KumaVersion } from '../../server/src/core/kuma/versions';

/** A Universal policy with the given spec body (YAML, indented under `spec:`). */
function universal(type: string, spec: string): string {
  return `type: ${type}\nname: p1\nmesh: default\nspec:\n${spec.replace(/^/gm, '  ')}\n`;
}
/** A Kubernetes policy in `namespace` (none: no namespace key). */
function kubernetes(kind: string, namespace: string | undefined, spec: string): string {
  return `apiVersion: kuma.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: p1\n${namespace ? `  namespace: ${namespace}\n` : ''}  labels:\n    kuma.io/mesh: default\nspec:\n${spec.replace(/^/gm, '  ')}\n`;
}
const indent = (s: string, n: number) => s.replace(/^/gm, ' '.repeat(n));
/** `to: [{targetRef: <ref>, default: <conf>}]`. */
const to = (ref: string, conf = 'idleTimeout: 20s') => `to:\n  - targetRef:\n${indent(ref, 6)}\n    default:\n${indent(conf, 6)}`;
const from = (ref: string, conf = 'idleTimeout: 20s') => `from:\n  - targetRef:\n${indent(ref, 6)}\n    default:\n${indent(conf, 6)}`;
const rules = (conf = 'idleTimeout: 20s') => `rules:\n  - default:\n${indent(conf, 6)}`;
const top = (ref: string) => `targetRef:\n${indent(ref, 2)}`;

/** [code, Kuma path, message, text under the squiggle] */
type Expect = [string, string, string, string];
interface Case {
  rule: string;
  doc: string;
  /** The policy diagnostics per version; a version not listed gets none. */
  expect: Partial<Record<KumaVersion, Expect[]>>;
}

const SECTION_3 = (kind: string) =>
  `${kind} has no 'from' in Kuma 3.0: the control plane drops it. 'from' exists in Kuma 2.9, 2.13, 2.14; check the kuma.version setting or the "# kuma-version:" comment. Move its items to 'rules' (matched by 'matches' instead of a targetRef).`;
const RULES_29 = (kind: string) =>
  `${kind} has no 'rules' in Kuma 2.9: the control plane drops it. 'rules' exists in Kuma 2.13, 2.14, 3.0; check the kuma.version setting or the "# kuma-version:" comment. At Kuma 2.9 use 'from'.`;
const X2: KumaVersion[] = ['2.9', '2.13', '2.14'];
const each = (vs: KumaVersion[], e: Expect[]): Partial<Record<KumaVersion, Expect[]>> => Object.fromEntries(vs.map((v) => [v, e]));

const CASES: Case[] = [
  // ---- c.2 ValidateTargetRef
  {
    rule: 'c.2 kind missing: must be defined (2.9; the schema requires kind from 2.13)',
    doc: universal('MeshTimeout', `${top('name: x')}\n${to('kind: Mesh')}`),
    expect: { '2.9': [['policy-target-ref-invalid', 'spec.targetRef.kind', 'must be defined', 'targetRef']] },
  },
  {
    rule: 'c.2 Mesh: sectionName must not be set',
    doc: universal('MeshTimeout', `${top('kind: Mesh\nsectionName: http')}\n${to('kind: Mesh')}`),
    expect: each(
      [...KUMA_VERSIONS],
      [['policy-target-ref-invalid', 'spec.targetRef.sectionName', 'must not be set with kind Mesh', 'sectionName']],
    ),
  },
  {
    rule: 'c.2 Mesh: name is not yet supported (2.x; no name field at 3.0)',
    doc: universal('MeshTimeout', `${top('kind: Mesh\nname: all')}\n${to('kind: Mesh')}`),
    expect: each(X2, [['policy-target-ref-invalid', 'spec.targetRef.name', 'using name with kind Mesh is not yet supported', 'name']]),
  },
  {
    rule: 'c.2 Mesh: an empty proxyTypes (2.13, 2.14; 2.9 leaves it to the schema)',
    doc: universal('MeshTimeout', `${top('kind: Mesh\nproxyTypes: []')}\n${to('kind: Mesh')}`),
    expect: each(
      ['2.13', '2.14'],
      [['policy-target-ref-invalid', 'spec.targetRef.proxyTypes', 'must be undefined or have at least one element', 'proxyTypes']],
    ),
  },
  {
    rule: 'c.2 MeshService: labels with name',
    doc: universal('MeshTimeout', `${top('kind: Mesh')}\n${to('kind: MeshService\nname: backend\nlabels:\n  app: backend')}`),
    expect: each(X2, [
      ['policy-target-ref-invalid', 'spec.to[0].targetRef.labels', 'either labels or name and namespace must be specified', 'labels'],
    ]),
  },
  {
    rule: 'c.2 MeshService: neither name nor labels (wording per version)',
    doc: universal('MeshTimeout', `${top('kind: Mesh')}\n${to('kind: MeshService\nsectionName: http')}`),
    expect: {
      '2.9': [['policy-target-ref-invalid', 'spec.to[0].targetRef.name', 'must be set with kind MeshService', 'targetRef']],
      '2.13': [['policy-target-ref-invalid', 'spec.to[0].targetRef.name', 'must be set with kind MeshService', 'targetRef']],
      '2.14': [['policy-target-ref-invalid', 'spec.to[0].targetRef', 'name or labels must be set when kind is MeshService', 'targetRef']],
      '3.0': [['policy-target-ref-invalid', 'spec.to[0].targetRef.labels', 'must be set when kind is MeshService', 'targetRef']],
    },
  },
  {
    rule: 'c.2 MeshService: name characters (2.x)',
    doc: universal('MeshTimeout', `${top('kind: Mesh')}\n${to('kind: MeshService\nname: Backend')}`),
    expect: {
      ...each(X2, [
        [
          'policy-target-ref-invalid',
          'spec.to[0].targetRef.name',
          "invalid characters: must consist of lower case alphanumeric characters, '-', '.' and '_'.",
          'Backend',
        ],
      ]),
      '3.0': [['policy-target-ref-invalid', 'spec.to[0].targetRef.labels', 'must be set when kind is MeshService', 'targetRef']],
    },
  },
  {
    rule: 'c.2.2 MeshService: sectionName with labels (2.9 only)',
    doc: universal(
      'MeshTimeout',
      `${top('kind: Mesh')}\n${to('kind: MeshService\nlabels:\n  kuma.io/display-name: backend\nsectionName: http')}`,
    ),
    expect: {
      '2.9': [
        ['policy-target-ref-invalid', 'spec.to[0].targetRef.sectionName', 'sectionName should not be combined with labels', 'sectionName'],
      ],
    },
  },
  {
    rule: 'c.2 MeshExternalService: labels with name',
    doc: universal('MeshTimeout', `${top('kind: Mesh')}\n${to('kind: MeshExternalService\nname: httpbin\nlabels:\n  app: httpbin')}`),
    expect: each(X2, [['policy-target-ref-invalid', 'spec.to[0].targetRef.labels', 'either labels or name must be specified', 'labels']]),
  },
  {
    rule: 'c.2 MeshExternalService: sectionName must not be set',
    doc: universal(
      'MeshTimeout',
      `${top('kind: Mesh')}\n${to('kind: MeshExternalService\nlabels:\n  kuma.io/display-name: httpbin\nsectionName: https')}`,
    ),
    expect: each(
      [...KUMA_VERSIONS],
      [['policy-target-ref-invalid', 'spec.to[0].targetRef.sectionName', 'must not be set with kind MeshExternalService', 'sectionName']],
    ),
  },
  {
    rule: 'c.2 MeshHTTPRoute: sectionName must not be set (2.13+; 2.9 has no MeshHTTPRoute in MeshTimeout to)',
    doc: universal(
      'MeshTimeout',
      `${top('kind: Mesh')}\n${to('kind: MeshHTTPRoute\nlabels:\n  kuma.io/display-name: route\nsectionName: x')}`,
    ),
    expect: {
      '2.9': [['policy-target-ref-kind', 'spec.to[0].targetRef.kind', 'value is not supported', 'MeshHTTPRoute']],
      ...each(
        ['2.13', '2.14', '3.0'],
        [['policy-target-ref-invalid', 'spec.to[0].targetRef.sectionName', 'must not be set with kind MeshHTTPRoute', 'sectionName']],
      ),
    },
  },
  {
    rule: 'c.2 MeshMultiZoneService: no field checks (2.x)',
    doc: universal('MeshTimeout', `${top('kind: Mesh')}\n${to('kind: MeshMultiZoneService\nname: Anything_Goes\nlabels:\n  a: b')}`),
    expect: {},
  },
  {
    rule: 'c.3 Dataplane sectionName: only in inbound policies (2.13+)',
    doc: universal(
      'MeshHealthCheck',
      `${top('kind: Dataplane\nsectionName: http')}\n${to('kind: Mesh', 'interval: 10s\nhttp:\n  path: /')}`,
    ),
    expect: each(
      ['2.13', '2.14', '3.0'],
      [['policy-target-ref-invalid', 'spec.targetRef.sectionName', 'can only be used with inbound policies', 'sectionName']],
    ),
  },
  {
    rule: 'c.3 Dataplane sectionName: accepted in a policy with rules (inbound)',
    doc: universal('MeshTimeout', `${top('kind: Dataplane\nlabels:\n  app: backend\nsectionName: http')}\n${rules()}`),
    expect: {
      '2.9': [
        ['policy-section-unavailable', 'spec.rules', RULES_29('MeshTimeout'), 'rules'],
        ['policy-invalid', 'spec', "at least one of 'from', 'to' has to be defined", 'spec'],
      ],
    },
  },
  {
    rule: 'c.3 Dataplane sectionName: refused in an inbound policy that only has to',
    doc: universal('MeshTimeout', `${top('kind: Dataplane\nsectionName: http')}\n${to('kind: Mesh')}`),
    expect: each(
      ['2.13', '2.14', '3.0'],
      [['policy-target-ref-invalid', 'spec.targetRef.sectionName', 'can only be used with inbound policies', 'sectionName']],
    ),
  },
  {
    rule: 'c.2 MeshSubset tags: tag value characters (2.x)',
    doc: universal('MeshTimeout', `${top('kind: MeshSubset\ntags:\n  version: "v1*"')}\n${to('kind: Mesh')}`),
    expect: {
      '2.9': [
        [
          'policy-target-ref-invalid',
          'spec.targetRef.tags["version"]',
          'tag value must consist of alphanumeric characters, dots, dashes and underscores',
          'version',
        ],
      ],
      ...each(
        ['2.13', '2.14'],
        [
          [
            'policy-deprecated',
            'spec.targetRef.kind',
            "MeshSubset value for 'targetRef.kind' is deprecated, use Dataplane with labels instead",
            'MeshSubset',
          ],
          [
            'policy-target-ref-invalid',
            'spec.targetRef.tags["version"]',
            'tag value must consist of alphanumeric characters, dots, dashes and underscores',
            'version',
          ],
        ],
      ),
    },
  },
  {
    rule: 'c.2 MeshServiceSubset tags: "*" is a selector value from 2.13',
    doc: universal('MeshTimeout', `${top('kind: MeshServiceSubset\nname: backend\ntags:\n  version: "*"')}\n${to('kind: Mesh')}`),
    expect: {
      '2.9': [
        [
          'policy-target-ref-invalid',
          'spec.targetRef.tags["version"]',
          'tag value must consist of alphanumeric characters, dots, dashes and underscores',
          'version',
        ],
      ],
      ...each(
        ['2.13', '2.14'],
        [
          [
            'policy-deprecated',
            'spec.targetRef.kind',
            "MeshServiceSubset value for 'targetRef.kind' is deprecated, use Dataplane with labels instead",
            'MeshServiceSubset',
          ],
        ],
      ),
    },
  },
  {
    rule: 'c.4 MeshGateway tags: not in MeshProxyPatch (GatewayListenerTagsAllowed false)',
    doc: universal(
      'MeshProxyPatch',
      `${top('kind: MeshGateway\nname: edge\ntags:\n  listener: a')}\ndefault:\n  appendModifications:\n    - cluster:\n        operation: Add\n        value: "name: x"`,
    ),
    expect: each(X2, [['policy-target-ref-invalid', 'spec.targetRef.tags', 'must not be set with kind MeshGateway', 'tags']]),
  },
  // ---- d: allowed kinds per policy, place and role
  {
    rule: 'd MeshTimeout under a MeshGateway: to accepts Mesh and MeshExternalService only',
    doc: universal('MeshTimeout', `${top('kind: MeshGateway\nname: edge')}\n${to('kind: MeshService\nname: backend')}`),
    expect: {
      '2.9': [['policy-target-ref-kind', 'spec.to[0].targetRef.kind', 'value is not supported', 'MeshService']],
      ...each(
        ['2.13', '2.14'],
        [['policy-target-ref-kind', 'spec.to[0].targetRef.kind', "value 'MeshService' is not supported", 'MeshService']],
      ),
      // 3.0: the top-level MeshGateway is the schema's error; \`name\` is dropped, so the MeshService has no labels
      '3.0': [['policy-target-ref-invalid', 'spec.to[0].targetRef.labels', 'must be set when kind is MeshService', 'targetRef']],
    },
  },
  {
    rule: 'd.2 MeshCircuitBreaker to MeshExternalService: refused with an extra message under a non-Mesh top (2.9, 2.13), accepted at 2.14',
    doc: universal(
      'MeshCircuitBreaker',
      `${top('kind: MeshSubset\ntags:\n  app: web')}\n${to('kind: MeshExternalService\nname: httpbin', 'connectionLimits:\n  maxConnections: 2')}`,
    ),
    expect: {
      '2.9': [
        ['policy-target-ref-kind', 'spec.to[0].targetRef.kind', 'value is not supported', 'MeshExternalService'],
        [
          'policy-target-ref-kind',
          'spec.to[0].targetRef.kind',
          'kind MeshExternalService is only allowed with targetRef.kind: Mesh as it is configured on the Zone Egress and shared by all clients in the mesh',
          'MeshExternalService',
        ],
      ],
      '2.13': [
        [
          'policy-deprecated',
          'spec.targetRef.kind',
          "MeshSubset value for 'targetRef.kind' is deprecated, use Dataplane with labels instead",
          'MeshSubset',
        ],
        ['policy-target-ref-kind', 'spec.to[0].targetRef.kind', "value 'MeshExternalService' is not supported", 'MeshExternalService'],
        [
          'policy-target-ref-kind',
          'spec.to[0].targetRef.kind',
          'kind MeshExternalService is only allowed with targetRef.kind: Mesh as it is configured on the Zone Egress and shared by all clients in the mesh',
          'MeshExternalService',
        ],
      ],
      '2.14': [
        [
          'policy-deprecated',
          'spec.targetRef.kind',
          "MeshSubset value for 'targetRef.kind' is deprecated, use Dataplane with labels instead",
          'MeshSubset',
        ],
      ],
      '3.0': [['policy-target-ref-invalid', 'spec.to[0].targetRef.labels', 'must be set when kind is MeshExternalService', 'targetRef']],
    },
  },
  {
    rule: 'd MeshLoadBalancingStrategy: only Mesh under a MeshGateway with a loadBalancer',
    doc: universal(
      'MeshLoadBalancingStrategy',
      `${top('kind: MeshGateway\nname: edge')}\n${to('kind: MeshService\nname: backend', 'loadBalancer:\n  type: RoundRobin')}`,
    ),
    expect: {
      '2.9': [
        [
          'policy-target-ref-kind',
          'spec.to[0].targetRef.kind',
          'value is not supported, only Mesh is allowed if loadBalancer is set',
          'MeshService',
        ],
      ],
      ...each(
        ['2.13', '2.14'],
        [
          [
            'policy-target-ref-kind',
            'spec.to[0].targetRef.kind',
            "value 'MeshGateway' is not supported, only Mesh is allowed if loadBalancer is set",
            'MeshService',
          ],
        ],
      ),
      '3.0': [['policy-target-ref-invalid', 'spec.to[0].targetRef.labels', 'must be set when kind is MeshService', 'targetRef']],
    },
  },
  {
    rule: 'a.5 role: MeshGateway at the top only for system policies (2.x)',
    doc: kubernetes('MeshTimeout', 'kuma-demo', `${top('kind: MeshGateway\nname: edge')}\n${to('kind: Mesh')}`),
    expect: {
      '2.9': [['policy-target-ref-kind', 'spec.targetRef.kind', 'value is not supported', 'MeshGateway']],
      ...each(['2.13', '2.14'], [['policy-target-ref-kind', 'spec.targetRef.kind', "value 'MeshGateway' is not supported", 'MeshGateway']]),
    },
  },
  {
    rule: 'a.5 role: the same policy in the system namespace is accepted',
    doc: kubernetes('MeshTimeout', 'kuma-system', `${top('kind: MeshGateway\nname: edge')}\n${to('kind: Mesh')}`),
    expect: {},
  },
  {
    rule: 'a.5 role: a policy without namespace is not judged',
    doc: kubernetes('MeshTimeout', undefined, `${top('kind: MeshGateway\nname: edge')}\n${to('kind: Mesh')}`),
    expect: {},
  },
  {
    rule: 'd.3 3.0: only Mesh and Dataplane at the top (the schema enum says it for other kinds)',
    doc: universal('MeshRetry', `${top('kind: Dataplane\nlabels:\n  app: web')}\n${to('kind: Mesh', 'http:\n  numRetries: 3')}`),
    expect: {},
  },
  {
    rule: 'd MeshHTTPRoute to: kind Mesh is refused outside a gateway route',
    doc: universal(
      'MeshHTTPRoute',
      `${top('kind: Mesh')}\nto:\n  - targetRef:\n      kind: Mesh\n    rules:\n      - matches:\n          - path:\n              type: PathPrefix\n              value: /\n        default:\n          filters:\n            - type: RequestRedirect\n              requestRedirect:\n                statusCode: 301`,
    ),
    expect: {
      '2.9': [['policy-target-ref-kind', 'spec.to[0].targetRef.kind', 'value is not supported', 'Mesh']],
      ...each(['2.13', '2.14', '3.0'], [['policy-target-ref-kind', 'spec.to[0].targetRef.kind', "value 'Mesh' is not supported", 'Mesh']]),
    },
  },
  // ---- d: spec-level rules
  {
    rule: 'd MeshTimeout: at least one section',
    doc: universal('MeshTimeout', top('kind: Mesh')),
    expect: {
      '2.9': [['policy-invalid', 'spec', "at least one of 'from', 'to' has to be defined", 'spec']],
      ...each(['2.13', '2.14'], [['policy-invalid', 'spec', "at least one of 'from', 'to' or 'rules' has to be defined", 'spec']]),
      '3.0': [['policy-invalid', 'spec', "at least one of 'to' or 'rules' has to be defined", 'spec']],
    },
  },
  {
    rule: "d MeshTimeout: 'to' with 'rules'",
    doc: universal('MeshTimeout', `${top('kind: Mesh')}\n${to('kind: Mesh')}\n${rules()}`),
    expect: {
      '2.9': [['policy-section-unavailable', 'spec.rules', RULES_29('MeshTimeout'), 'rules']],
      ...each(['2.13', '2.14'], [['policy-invalid', 'spec', "fields 'to' and 'from' must be empty when 'rules' is defined", 'spec']]),
      '3.0': [['policy-invalid', 'spec', "fields 'to' must be empty when 'rules' is defined", 'spec']],
    },
  },
  {
    rule: "d MeshAccessLog: 'to' with 'rules' (3.0 wording)",
    doc: universal(
      'MeshAccessLog',
      `${top('kind: Mesh')}\n${to('kind: Mesh', 'backends:\n  - type: File\n    file:\n      path: /tmp/log')}\n${rules('backends:\n  - type: File\n    file:\n      path: /tmp/log')}`,
    ),
    expect: {
      '2.9': [['policy-section-unavailable', 'spec.rules', RULES_29('MeshAccessLog'), 'rules']],
      ...each(['2.13', '2.14'], [['policy-invalid', 'spec', "fields 'to' and 'from' must be empty when 'rules' is defined", 'spec']]),
      '3.0': [['policy-invalid', 'spec', "'to' must be empty when 'rules' is defined", 'spec']],
    },
  },
  {
    rule: "d.3 MeshCircuitBreaker: 'to' and 'rules' together are fine at 3.0",
    doc: universal(
      'MeshCircuitBreaker',
      `${top('kind: Mesh')}\n${to('kind: Mesh', 'connectionLimits:\n  maxConnections: 2')}\n${rules('connectionLimits:\n  maxConnections: 2')}`,
    ),
    expect: {
      '2.9': [['policy-section-unavailable', 'spec.rules', RULES_29('MeshCircuitBreaker'), 'rules']],
      ...each(['2.13', '2.14'], [['policy-invalid', 'spec', "fields 'to' and 'from' must be empty when 'rules' is defined", 'spec']]),
    },
  },
  {
    rule: 'd MeshTrafficPermission: empty',
    doc: universal('MeshTrafficPermission', top('kind: Mesh')),
    expect: {
      '2.9': [['policy-invalid', 'spec.from', 'needs at least one item', 'spec']],
      ...each(['2.13', '2.14'], [['policy-invalid', 'spec', "at least one of 'from' or 'rules' has to be defined", 'spec']]),
      '3.0': [['policy-invalid', 'spec', 'policy must define rules', 'spec']],
    },
  },
  {
    rule: 'f.10 MeshRateLimit: to needs a gateway scope (Mesh with proxyTypes Sidecar has none at 2.x)',
    doc: universal(
      'MeshRateLimit',
      `${top('kind: Mesh\nproxyTypes: [Sidecar]')}\n${to('kind: Mesh', 'local:\n  http:\n    requestRate:\n      num: 1\n      interval: 10s')}`,
    ),
    expect: each(X2, [['policy-invalid', 'spec.to', 'must not be defined', 'to']]),
  },
  {
    rule: 'f.10 MeshRateLimit: rules refused when the scope includes gateways',
    doc: universal(
      'MeshRateLimit',
      `${top('kind: Mesh')}\n${rules('local:\n  http:\n    requestRate:\n      num: 1\n      interval: 10s')}`,
    ),
    expect: {
      '2.9': [['policy-section-unavailable', 'spec.rules', RULES_29('MeshRateLimit'), 'rules']],
      ...each(['2.13', '2.14', '3.0'], [['policy-invalid', 'spec.rules', 'must not be defined', 'rules']]),
    },
  },
  {
    rule: 'f.10 MeshRateLimit: rules with a top-level Dataplane',
    doc: universal(
      'MeshRateLimit',
      `${top('kind: Dataplane')}\n${rules('local:\n  http:\n    requestRate:\n      num: 1\n      interval: 10s')}`,
    ),
    expect: { '2.9': [['policy-section-unavailable', 'spec.rules', RULES_29('MeshRateLimit'), 'rules']] },
  },
  {
    rule: 'f.10 MeshFaultInjection: from refused when the scope includes gateways',
    doc: universal(
      'MeshFaultInjection',
      `${top('kind: Mesh')}\n${from('kind: Mesh', 'http:\n  - abort:\n      httpStatus: 500\n      percentage: 50')}`,
    ),
    expect: {
      '2.9': [['policy-invalid', 'spec.from', 'must not be defined', 'from']],
      '2.13': [
        [
          'policy-invalid',
          'spec.from',
          'must not be defined when the scope includes a Gateway, select only proxyType Sidecar or select only gateways and use spec.to',
          'from',
        ],
      ],
      '2.14': [
        [
          'policy-invalid',
          'spec.from',
          'must not be defined when the scope includes a Gateway, select only proxyType Sidecar or select only gateways and use spec.to',
          'from',
        ],
        ['policy-deprecated', 'spec.from', "'from' field is deprecated, use 'rules' with SPIFFE-based 'matches' instead", 'from'],
      ],
      '3.0': [['policy-section-unavailable', 'spec.from', SECTION_3('MeshFaultInjection'), 'from']],
    },
  },
  {
    rule: 'd MeshTimeout: from refused under a MeshGateway',
    doc: universal('MeshTimeout', `${top('kind: MeshGateway\nname: edge')}\n${from('kind: Mesh')}`),
    expect: {
      '2.9': [['policy-invalid', 'spec.from', 'must not be defined', 'from']],
      ...each(
        ['2.13', '2.14'],
        [
          ['policy-invalid', 'spec.from', 'must not be defined', 'from'],
          ['policy-deprecated', 'spec.from', "'from' field is deprecated, use 'rules' instead", 'from'],
        ],
      ),
      '3.0': [
        ['policy-invalid', 'spec', "at least one of 'to' or 'rules' has to be defined", 'spec'],
        ['policy-section-unavailable', 'spec.from', SECTION_3('MeshTimeout'), 'from'],
      ],
    },
  },
  {
    rule: 'd MeshRetry: an empty to (2.9, 2.13)',
    doc: universal('MeshRetry', `${top('kind: Mesh')}\nto: []`),
    expect: each(['2.9', '2.13'], [['policy-invalid', 'spec.to', 'needs at least one item', 'to']]),
  },
  {
    rule: 'd MeshTCPRoute: backendRefs must be defined (2.13+)',
    doc: universal(
      'MeshTCPRoute',
      `${top('kind: Mesh')}\nto:\n  - targetRef:\n      kind: MeshService\n      labels:\n        kuma.io/display-name: backend\n    rules:\n      - default:\n          backendRefs: []`,
    ),
    expect: each(
      ['2.13', '2.14', '3.0'],
      [['policy-invalid', 'spec.to[0].rules[0].default.backendRefs', 'must be defined', 'backendRefs']],
    ),
  },
  {
    rule: 'c.5 route backendRef: MeshMultiZoneService needs a port',
    doc: universal(
      'MeshHTTPRoute',
      `${top('kind: Mesh')}\nto:\n  - targetRef:\n      kind: MeshService\n      labels:\n        kuma.io/display-name: backend\n    rules:\n      - matches:\n          - path:\n              type: PathPrefix\n              value: /\n        default:\n          backendRefs:\n            - kind: MeshMultiZoneService\n              labels:\n                kuma.io/display-name: backend`,
    ),
    expect: each(
      [...KUMA_VERSIONS],
      [['policy-invalid', 'spec.to[0].rules[0].default.backendRefs[0].port', 'must be defined with kind MeshMultiZoneService', 'kind']],
    ),
  },
  {
    rule: 'c AllowedInvalidNames: MeshHTTPRoute backendRefs may name kuma.io/unresolved-backend (2.x)',
    doc: universal(
      'MeshHTTPRoute',
      `${top('kind: Mesh')}\nto:\n  - targetRef:\n      kind: MeshService\n      name: backend\n    rules:\n      - matches:\n          - path:\n              type: PathPrefix\n              value: /\n        default:\n          backendRefs:\n            - kind: MeshService\n              name: kuma.io/unresolved-backend\n            - kind: MeshService\n              name: Bad/Name`,
    ),
    expect: {
      ...each(X2, [
        [
          'policy-target-ref-invalid',
          'spec.to[0].rules[0].default.backendRefs[1].name',
          "invalid characters: must consist of lower case alphanumeric characters, '-', '.' and '_'.",
          'Bad/Name',
        ],
      ]),
      '3.0': [
        ['policy-target-ref-invalid', 'spec.to[0].targetRef.labels', 'must be set when kind is MeshService', 'targetRef'],
        ['policy-target-ref-invalid', 'spec.to[0].rules[0].default.backendRefs[0].labels', 'must be set when kind is MeshService', 'kind'],
        ['policy-target-ref-invalid', 'spec.to[0].rules[0].default.backendRefs[1].labels', 'must be set when kind is MeshService', 'kind'],
      ],
    },
  },
  {
    rule: 'd MeshHTTPRoute: requestMirror to a MeshExternalService (3.0 only)',
    doc: universal(
      'MeshHTTPRoute',
      `${top('kind: Mesh')}\nto:\n  - targetRef:\n      kind: MeshService\n      labels:\n        kuma.io/display-name: backend\n    rules:\n      - matches:\n          - path:\n              type: PathPrefix\n              value: /\n        default:\n          filters:\n            - type: RequestMirror\n              requestMirror:\n                backendRef:\n                  kind: MeshExternalService\n                  labels:\n                    kuma.io/display-name: httpbin`,
    ),
    expect: {
      '2.9': [
        [
          'policy-target-ref-kind',
          'spec.to[0].rules[0].default.filters[0].requestMirror.backendRef.kind',
          'value is not supported',
          'MeshExternalService',
        ],
      ],
      ...each(
        ['2.13', '2.14'],
        [
          [
            'policy-target-ref-kind',
            'spec.to[0].rules[0].default.filters[0].requestMirror.backendRef.kind',
            "value 'MeshExternalService' is not supported",
            'MeshExternalService',
          ],
        ],
      ),
    },
  },
  {
    rule: 'd MeshHTTPRoute: hostnames only on a gateway route',
    doc: universal(
      'MeshHTTPRoute',
      `${top('kind: Mesh')}\nto:\n  - targetRef:\n      kind: MeshService\n      labels:\n        kuma.io/display-name: backend\n    hostnames: [example.com]\n    rules:\n      - matches:\n          - path:\n              type: PathPrefix\n              value: /\n        default:\n          backendRefs:\n            - kind: MeshService\n              labels:\n                kuma.io/display-name: backend\n              port: 80`,
    ),
    expect: each([...KUMA_VERSIONS], [['policy-invalid', 'spec.to[0].hostnames', 'must not be defined', 'hostnames']]),
  },
  {
    rule: 'd MeshTLS: tlsVersion only with a top-level Mesh',
    doc: universal('MeshTLS', `${top('kind: Dataplane')}\n${rules('tlsVersion:\n  min: TLS13')}`),
    expect: {
      ...each(
        ['2.13', '2.14', '3.0'],
        [
          [
            'policy-invalid',
            'spec.rules[0].default.tlsVersion',
            'tlsVersion can only be defined with top level targetRef kind: Mesh',
            'tlsVersion',
          ],
        ],
      ),
      '2.9': [['policy-section-unavailable', 'spec.rules', RULES_29('MeshTLS'), 'rules']],
    },
  },
  {
    rule: 'd MeshLoadBalancingStrategy: crossZone towards a local MeshService',
    doc: universal(
      'MeshLoadBalancingStrategy',
      `${top('kind: Mesh')}\n${to('kind: MeshService\nlabels:\n  kuma.io/display-name: backend', 'localityAwareness:\n  crossZone:\n    failover:\n      - to:\n          type: Any')}`,
    ),
    expect: each(
      [...KUMA_VERSIONS],
      [['policy-invalid', 'spec.to[0].default.localityAwareness.crossZone', 'must not be set: MeshService traffic is local', 'crossZone']],
    ),
  },
  // ---- d.4 rules matching (and the d.6 MeshTrafficPermission path quirk: Kuma's path has no `default`)
  {
    rule: 'd.4/d.6 MeshTrafficPermission allow: an invalid SPIFFE ID, reported without default in the path',
    doc: universal(
      'MeshTrafficPermission',
      `${top('kind: Mesh')}\n${rules('allow:\n  - spiffeID:\n      type: Prefix\n      value: spiffe://default/')}`,
    ),
    expect: {
      '2.9': [
        ['policy-section-unavailable', 'spec.rules', RULES_29('MeshTrafficPermission'), 'rules'],
        ['policy-invalid', 'spec.from', 'needs at least one item', 'spec'],
      ],
      '2.13': [['policy-invalid', 'spec.rules[0].allow[0].spiffeID', 'must be a valid Spiffe ID', 'spiffeID']],
      ...each(
        ['2.14', '3.0'],
        [['policy-invalid', 'spec.rules[0].allow[0].spiffeID', 'must be a valid Spiffe ID: path cannot have a trailing slash', 'spiffeID']],
      ),
    },
  },
  {
    rule: 'd.4 MeshTrafficPermission: a rule needs allow, allowWithShadowDeny or deny',
    doc: universal('MeshTrafficPermission', `${top('kind: Mesh')}\nrules:\n  - default: {}`),
    expect: {
      '2.9': [
        ['policy-section-unavailable', 'spec.rules', RULES_29('MeshTrafficPermission'), 'rules'],
        ['policy-invalid', 'spec.from', 'needs at least one item', 'spec'],
      ],
      ...each(
        ['2.13', '2.14', '3.0'],
        [['policy-invalid', 'spec.rules[0]', "at least one of 'allow', 'allowWithShadowDeny', 'deny' has to be defined", 'default']],
      ),
    },
  },
  {
    rule: 'd.4 MeshTimeout matches (2.14+): a spiffeID match refuses source-independent timeouts',
    doc: universal(
      'MeshTimeout',
      `${top('kind: Mesh')}\nrules:\n  - matches:\n      - spiffeID:\n          type: Exact\n          value: spiffe://default/ns/kuma-demo/sa/web\n    default:\n      idleTimeout: 1s\n      http:\n        requestTimeout: 1s`,
    ),
    expect: {
      '2.9': [
        ['policy-section-unavailable', 'spec.rules', RULES_29('MeshTimeout'), 'rules'],
        ['policy-invalid', 'spec', "at least one of 'from', 'to' has to be defined", 'spec'],
      ],
      ...each(
        ['2.14', '3.0'],
        [
          [
            'policy-invalid',
            'spec.rules[0].default.idleTimeout',
            "can't be specified when matches contain spiffeID because this field cannot be conditioned on source identity",
            'idleTimeout',
          ],
        ],
      ),
    },
  },
  {
    rule: 'd.4 MeshTimeout matches (2.14+): spiffeID or sni, and a valid SNI',
    doc: universal(
      'MeshTimeout',
      `${top('kind: Mesh')}\nrules:\n  - matches:\n      - {}\n      - sni:\n          value: Bad_Host\n    default:\n      http:\n        requestTimeout: 1s`,
    ),
    expect: {
      '2.9': [
        ['policy-section-unavailable', 'spec.rules', RULES_29('MeshTimeout'), 'rules'],
        ['policy-invalid', 'spec', "at least one of 'from', 'to' has to be defined", 'spec'],
      ],
      ...each(
        ['2.14', '3.0'],
        [
          ['policy-invalid', 'spec.rules[0].matches[0]', "must specify at least one of 'spiffeID' or 'sni'", '{}'],
          [
            'policy-invalid',
            'spec.rules[0].matches[1].sni.value',
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
            'value',
          ],
        ],
      ),
    },
  },
  // ---- a.4 role errors (Kubernetes, app namespace)
  {
    rule: "a.4 role: 'to' with 'from' in an app namespace (2.x)",
    doc: kubernetes('MeshTimeout', 'kuma-demo', `${top('kind: Mesh')}\n${to('kind: Mesh')}\n${from('kind: Mesh')}`),
    expect: {
      '2.9': [['policy-role-invalid', 'spec', "it's not allowed to mix 'to' and 'from' arrays in the same policy", 'spec']],
      ...each(
        ['2.13', '2.14'],
        [
          ['policy-role-invalid', 'spec', "it's not allowed to mix 'to' and 'from' arrays in the same policy", 'spec'],
          ['policy-deprecated', 'spec.from', "'from' field is deprecated, use 'rules' instead", 'from'],
        ],
      ),
      '3.0': [['policy-section-unavailable', 'spec.from', SECTION_3('MeshTimeout'), 'from']],
    },
  },
  {
    rule: 'a.4 role: producer and consumer items mixed in an app namespace',
    doc: kubernetes(
      'MeshTimeout',
      'kuma-demo',
      `${top('kind: Mesh')}\nto:\n  - targetRef:\n      kind: MeshService\n      labels:\n        kuma.io/display-name: backend\n    default:\n      idleTimeout: 20s\n  - targetRef:\n      kind: MeshService\n      labels:\n        kuma.io/display-name: backend\n        kuma.io/zone: east\n    default:\n      idleTimeout: 20s`,
    ),
    expect: { '3.0': [['policy-role-invalid', 'spec', "it's not allowed to mix producer and consumer items in the same policy", 'spec']] },
  },
  {
    rule: 'a.4 role: producer (by name) and consumer items mixed in an app namespace (2.x)',
    doc: kubernetes(
      'MeshTimeout',
      'kuma-demo',
      `${top('kind: Mesh')}\n${to('kind: MeshService\nname: backend')}\n  - targetRef:\n      kind: Mesh\n    default:\n      idleTimeout: 30s`,
    ),
    expect: {
      ...each(X2, [['policy-role-invalid', 'spec', "it's not allowed to mix producer and consumer items in the same policy", 'spec']]),
      '3.0': [['policy-target-ref-invalid', 'spec.to[0].targetRef.labels', 'must be set when kind is MeshService', 'targetRef']],
    },
  },
  // ---- d.5 deprecations
  {
    rule: 'd.5 top-level MeshService deprecated (wording per version)',
    doc: universal('MeshTimeout', `${top('kind: MeshService\nname: backend')}\n${to('kind: Mesh')}`),
    expect: {
      '2.9': [
        [
          'policy-deprecated',
          'spec.targetRef.kind',
          "MeshService value for 'targetRef.kind' is deprecated, use MeshSubset with 'kuma.io/service' tag instead",
          'MeshService',
        ],
      ],
      ...each(
        ['2.13', '2.14'],
        [
          [
            'policy-deprecated',
            'spec.targetRef.kind',
            "MeshService value for 'targetRef.kind' is deprecated, use Dataplane with labels instead",
            'MeshService',
          ],
        ],
      ),
    },
  },
  {
    rule: 'd.5 top-level MeshHTTPRoute deprecated (2.13, 2.14); its timeouts are refused',
    doc: universal('MeshTimeout', `${top('kind: MeshHTTPRoute\nname: route')}\n${to('kind: Mesh')}`),
    expect: {
      '2.9': [
        [
          'policy-invalid',
          'spec.to[0].default.idleTimeout',
          "can't be specified when top-level TargetRef is referencing MeshHTTPRoute",
          'idleTimeout',
        ],
      ],
      ...each(
        ['2.13', '2.14'],
        [
          [
            'policy-deprecated',
            'spec.targetRef.kind',
            "MeshHTTPRoute value for 'targetRef.kind' is deprecated, use MeshHTTPRoute in spec.to[].targetRef",
            'MeshHTTPRoute',
          ],
          [
            'policy-invalid',
            'spec.to[0].default.idleTimeout',
            "can't be specified when top-level TargetRef is referencing MeshHTTPRoute",
            'idleTimeout',
          ],
        ],
      ),
    },
  },
  {
    rule: 'd.5 MeshPassthrough is exempt from the top-level deprecation',
    doc: universal('MeshPassthrough', `${top('kind: MeshSubset\ntags:\n  app: web')}\ndefault:\n  passthroughMode: All`),
    expect: {},
  },
  {
    rule: 'd.5 MeshTrafficPermission from: MeshService deprecated; from deprecated at 2.14',
    doc: universal('MeshTrafficPermission', `${top('kind: Mesh')}\n${from('kind: MeshService\nname: web', 'action: Allow')}`),
    expect: {
      ...each(
        ['2.9', '2.13'],
        [
          [
            'policy-deprecated',
            'spec.from[0].targetRef.kind',
            "MeshService value for 'from[].targetRef.kind' is deprecated, use MeshSubset with 'kuma.io/service' instead",
            'MeshService',
          ],
        ],
      ),
      '2.14': [
        [
          'policy-deprecated',
          'spec.from',
          "'from' field is deprecated and will be removed in 3.0, use 'rules' with MeshIdentity (spiffeId) instead",
          'from',
        ],
        [
          'policy-deprecated',
          'spec.from[0].targetRef.kind',
          "MeshService value for 'from[].targetRef.kind' is deprecated, use MeshSubset with 'kuma.io/service' instead",
          'MeshService',
        ],
      ],
      '3.0': [
        ['policy-invalid', 'spec', 'policy must define rules', 'spec'],
        ['policy-section-unavailable', 'spec.from', SECTION_3('MeshTrafficPermission'), 'from'],
      ],
    },
  },
  // ---- each policy's validateDefault (the configuration checks)
  {
    rule: 'conf MeshHealthCheck: a default needs http, tcp or grpc',
    doc: universal('MeshHealthCheck', `${top('kind: Mesh')}\n${to('kind: Mesh', 'interval: 10s')}`),
    expect: each(
      [...KUMA_VERSIONS],
      [['policy-invalid', 'spec.to[0].default', 'must have at least one defined: http, tcp, grpc', 'default']],
    ),
  },
  {
    rule: 'conf MeshRateLimit: local must be defined, with tcp or http',
    doc: universal('MeshRateLimit', `${top('kind: Mesh\nproxyTypes: [Gateway]')}\n${to('kind: Mesh', 'local: {}')}`),
    expect: each(
      [...KUMA_VERSIONS],
      [['policy-invalid', 'spec.to[0].default.local', 'must have at least one defined: tcp, http', 'local']],
    ),
  },
  {
    rule: 'conf MeshRateLimit: no local at all; a refused section is not looked into',
    doc: universal('MeshRateLimit', `${top('kind: Mesh\nproxyTypes: [Sidecar]')}\n${from('kind: Mesh', 'foo: 1')}`),
    expect: {
      '2.9': [['policy-invalid', 'spec.from[0].default.local', 'must be defined', 'default']],
      ...each(
        ['2.13', '2.14'],
        [
          ['policy-invalid', 'spec.from[0].default.local', 'must be defined', 'default'],
          ['policy-deprecated', 'spec.from', "'from' field is deprecated, use 'rules' instead", 'from'],
        ],
      ),
      '3.0': [
        ['policy-section-unavailable', 'spec.from', SECTION_3('MeshRateLimit'), 'from'],
        ['policy-invalid', 'spec', "at least one of 'to' or 'rules' has to be defined", 'spec'],
      ],
    },
  },
  {
    rule: 'conf MeshCircuitBreaker: connectionLimits or outlierDetection; detectors must be defined',
    doc: universal(
      'MeshCircuitBreaker',
      `${top('kind: Mesh')}\nto:\n  - targetRef:\n      kind: Mesh\n    default: {}\n  - targetRef:\n      kind: Mesh\n    default:\n      outlierDetection:\n        disabled: false`,
    ),
    expect: each(
      [...KUMA_VERSIONS],
      [
        [
          'policy-invalid',
          'spec.to[0].default',
          "at least one of: 'connectionLimits' or 'outlierDetection' should be configured",
          'default',
        ],
        ['policy-invalid', 'spec.to[1].default.outlierDetection.detectors', 'must be defined', 'outlierDetection'],
      ],
    ),
  },
  {
    rule: 'conf MeshCircuitBreaker detectors: at least one detector; consecutive greater than 0',
    doc: universal(
      'MeshCircuitBreaker',
      `${top('kind: Mesh')}\n${to('kind: Mesh', 'outlierDetection:\n  detectors: {}')}\n  - targetRef:\n      kind: Mesh\n    default:\n      outlierDetection:\n        detectors:\n          gatewayFailures:\n            consecutive: 0`,
    ),
    expect: each(
      [...KUMA_VERSIONS],
      [
        [
          'policy-invalid',
          'spec.to[0].default.outlierDetection.detectors',
          'must have at least one defined: totalFailures, gatewayFailures, localOriginFailures, successRate, failurePercentage',
          'detectors',
        ],
        [
          'policy-invalid',
          'spec.to[1].default.outlierDetection.detectors.gatewayFailures.consecutive',
          'must be greater than 0',
          'consecutive',
        ],
      ],
    ),
  },
  {
    rule: 'conf MeshRetry: tcp, http or grpc (at default.conf)',
    doc: universal('MeshRetry', `${top('kind: Mesh')}\nto:\n  - targetRef:\n      kind: Mesh\n    default: {}`),
    expect: each(
      [...KUMA_VERSIONS],
      [['policy-invalid', 'spec.to[0].default.conf', "at least one of the 'tcp', 'http', 'grpc' must be specified", 'default']],
    ),
  },
  {
    rule: 'conf MeshAccessLog: backends must be defined',
    doc: universal('MeshAccessLog', `${top('kind: Mesh')}\nto:\n  - targetRef:\n      kind: Mesh\n    default: {}`),
    expect: each([...KUMA_VERSIONS], [['policy-invalid', 'spec.to[0].default.backends', 'must be defined', 'default']]),
  },
  {
    rule: 'conf MeshTrafficPermission from: action must be defined (2.x; no from at 3.0)',
    doc: universal('MeshTrafficPermission', `${top('kind: Mesh')}\nfrom:\n  - targetRef:\n      kind: Mesh\n    default: {}`),
    expect: {
      ...each(['2.9', '2.13'], [['policy-invalid', 'spec.from[0].default.action', 'must be defined', 'default']]),
      '2.14': [
        ['policy-invalid', 'spec.from[0].default.action', 'must be defined', 'default'],
        [
          'policy-deprecated',
          'spec.from',
          "'from' field is deprecated and will be removed in 3.0, use 'rules' with MeshIdentity (spiffeId) instead",
          'from',
        ],
      ],
      '3.0': [
        ['policy-section-unavailable', 'spec.from', SECTION_3('MeshTrafficPermission'), 'from'],
        ['policy-invalid', 'spec', 'policy must define rules', 'spec'],
      ],
    },
  },
  {
    rule: 'conf MeshTimeout: an http section needs a timeout',
    doc: universal('MeshTimeout', `${top('kind: Mesh')}\n${to('kind: Mesh', 'http: {}')}`),
    expect: each(
      [...KUMA_VERSIONS],
      [['policy-invalid', 'spec.to[0].default.http', 'at least one timeout in this section should be configured', 'http']],
    ),
  },
  {
    rule: 'conf MeshTrace: backends must be defined; a backend of a type needs its section',
    doc: universal('MeshTrace', `${top('kind: Mesh')}\ndefault:\n  backends:\n    - type: Zipkin`),
    expect: each([...KUMA_VERSIONS], [['policy-invalid', 'spec.default.backends[0].zipkin', 'must be defined', 'type']]),
  },
  {
    rule: 'conf MeshTrace: an empty spec has no backends',
    doc: universal('MeshTrace', '{}'),
    expect: each([...KUMA_VERSIONS], [['policy-invalid', 'spec.default.backends', 'must be defined', 'spec']]),
  },
  {
    rule: 'conf MeshProxyPatch: appendModifications not empty, one modification each',
    doc: universal('MeshProxyPatch', `${top('kind: Mesh')}\ndefault:\n  appendModifications:\n    - {}`),
    expect: each(
      [...KUMA_VERSIONS],
      [
        [
          'policy-invalid',
          'spec.default.appendModifications[0]',
          'exactly one modification can be defined at a time. Currently, 0 modifications are defined',
          '{}',
        ],
      ],
    ),
  },
  {
    rule: 'conf MeshAccessLog: a backend of a type needs its section',
    doc: universal('MeshAccessLog', `${top('kind: Mesh')}\n${to('kind: Mesh', 'backends:\n  - type: Tcp')}`),
    expect: each([...KUMA_VERSIONS], [['policy-invalid', 'spec.to[0].default.backends[0].tcp', 'must be defined', 'type']]),
  },
  {
    rule: 'conf MeshHTTPRoute filters: a filter needs its section; a header modifier sets, adds or removes',
    doc: universal(
      'MeshHTTPRoute',
      `${top('kind: Mesh')}\nto:\n  - targetRef:\n      kind: MeshService\n      labels:\n        kuma.io/display-name: api\n    rules:\n      - matches:\n          - path:\n              type: PathPrefix\n              value: /\n        default:\n          filters:\n            - type: RequestRedirect\n            - type: RequestHeaderModifier\n              requestHeaderModifier: {}`,
    ),
    expect: each(
      [...KUMA_VERSIONS],
      [
        ['policy-invalid', 'spec.to[0].rules[0].default.filters[0].requestRedirect', 'must be defined', 'type'],
        [
          'policy-invalid',
          'spec.to[0].rules[0].default.filters[1].requestHeaderModifier',
          'must have at least one defined: set, add, remove',
          'requestHeaderModifier',
        ],
      ],
    ),
  },
  {
    rule: 'conf MeshPassthrough: port range, CIDR, tcp for a domain (the default protocol from 2.13 on Universal)',
    doc: universal(
      'MeshPassthrough',
      `${top('kind: Mesh')}\ndefault:\n  appendMatch:\n    - type: CIDR\n      value: 10.0.0.0/33\n      port: 70000\n      protocol: http\n    - type: Domain\n      value: api.example.com`,
    ),
    expect: {
      '2.9': [
        ['policy-invalid', 'spec.default.appendMatch[0].value', 'provided CIDR has incorrect value', 'value'],
        ['policy-invalid', 'spec.default.appendMatch[0].port', 'port must be a valid (1-65535)', 'port'],
      ],
      ...each(
        ['2.13', '2.14', '3.0'],
        [
          ['policy-invalid', 'spec.default.appendMatch[0].value', 'provided CIDR has incorrect value', 'value'],
          ['policy-invalid', 'spec.default.appendMatch[0].port', 'port must be a valid (1-65535)', 'port'],
          ['policy-invalid', 'spec.default.appendMatch[1].protocol', 'protocol tcp is not supported for a domain', 'type'],
        ],
      ),
    },
  },
  {
    rule: "conf MeshFaultInjection: httpStatus range and percentage, at Kuma's http.abort[i] path",
    doc: universal(
      'MeshFaultInjection',
      `${top('kind: Mesh\nproxyTypes: [Gateway]')}\n${to('kind: Mesh', 'http:\n  - abort:\n      httpStatus: 700\n      percentage: text\n  - delay:\n      value: 1s\n      percentage: 101')}`,
    ),
    expect: {
      ...each(
        ['2.9', '2.13', '2.14', '3.0'],
        [
          ['policy-invalid', 'spec.to[0].default.http.abort[0].httpStatus', 'must be in inclusive range [100, 599]', 'httpStatus'],
          ['policy-invalid', 'spec.to[0].default.http.abort[0].percentage', 'string must be a valid number', 'percentage'],
          ['policy-invalid', 'spec.to[0].default.http.delay[1].percentage', 'must be in inclusive range [0.0, 100.0]', 'percentage'],
        ],
      ),
    },
  },
  {
    rule: 'conf MeshProxyPatch: an empty default (2.9: the schema requires appendModifications)',
    doc: universal('MeshProxyPatch', `${top('kind: Mesh')}\ndefault: {}`),
    expect: each(['2.13', '2.14', '3.0'], [['policy-invalid', 'spec.default.appendModifications', 'must not be empty', 'default']]),
  },
];

const policyDiags = (text: string, v: KumaVersion) =>
  diagnose(text, v)
    .filter((d) => d.code.startsWith('policy-'))
    .map((d): Expect => [d.code, d.path, d.message, d.text]);

for (const c of CASES) {
  test(`policy rule ${c.rule}`, () => {
    for (const v of KUMA_VERSIONS) {
      const got = policyDiags(c.doc, v).sort();
      const want = [...(c.expect[v] ?? [])].sort();
      assert.deepEqual(got, want, `Kuma ${v}`);
    }
  });
}

// ---- SPEC-policies.md's examples (a.2, a.3, f "before" / "after") are valid at their own versions.
const A2 = `type: MeshTimeout
name: timeout-backend
mesh: default
labels:
  team: payments
spec:
  targetRef:
    kind: Mesh
  to:
    - targetRef:
        kind: MeshService
        name: backend
      default:
        idleTimeout: 20s
`;
const A3 = `apiVersion: kuma.io/v1alpha1
kind: MeshTimeout
metadata:
  name: timeout-backend
  namespace: kuma-demo
  labels:
    kuma.io/mesh: default
spec:
  targetRef:
    kind: Mesh
  to:
    - targetRef:
        kind: MeshService
        name: backend
      default:
        idleTimeout: 20s
`;
const wrap = (type: string, spec: string) => universal(type, spec.trim());
const F1_BEFORE = wrap('MeshTimeout', `targetRef:\n  kind: MeshService\n  name: backend\n${to('kind: Mesh')}`);
const F1_AFTER = wrap('MeshTimeout', `targetRef:\n  kind: Dataplane\n  labels:\n    app: backend\n${to('kind: Mesh')}`);
const F2_BEFORE = wrap(
  'MeshTimeout',
  `${top('kind: Mesh')}\n${to('kind: MeshService\nname: backend\nnamespace: kuma-demo\nsectionName: http')}`,
);
const F2_AFTER = wrap(
  'MeshTimeout',
  `${top('kind: Mesh')}\n${to('kind: MeshService\nlabels:\n  kuma.io/display-name: backend\n  k8s.kuma.io/namespace: kuma-demo\nsectionName: http')}`,
);
const F4_BEFORE = wrap('MeshTimeout', `${top('kind: Mesh')}\n${from('kind: Mesh', 'idleTimeout: 1h')}`);
const F4_AFTER = wrap('MeshTimeout', `${top('kind: Mesh')}\n${rules('idleTimeout: 1h')}`);
const F4_MTP_BEFORE = wrap('MeshTrafficPermission', `${top('kind: Mesh')}\n${from('kind: Mesh', 'action: Allow')}`);
const F4_MTP_AFTER = wrap(
  'MeshTrafficPermission',
  `${top('kind: Mesh')}\nrules:\n  - default:\n      allow:\n        - spiffeID: {type: Prefix, value: "spiffe://default"}`,
);
const route = (backendRefs: string) =>
  wrap(
    'MeshHTTPRoute',
    `${top('kind: Mesh')}\nto:\n  - targetRef:\n      kind: MeshService\n      labels:\n        kuma.io/display-name: backend\n    rules:\n      - matches:\n          - path:\n              type: PathPrefix\n              value: /\n        default:\n          backendRefs:\n${indent(backendRefs, 12)}`,
  );
const F6_BEFORE = route(
  `- kind: MeshServiceSubset\n  name: payments\n  tags: {version: v1}\n- kind: MeshService\n  name: backend_kuma-demo_svc_8080`,
);
const F6_AFTER = route(
  `- kind: MeshService\n  labels:\n    kuma.io/display-name: payments\n  port: 8080\n- kind: MeshService\n  labels:\n    kuma.io/display-name: backend\n    k8s.kuma.io/namespace: kuma-demo\n  port: 8080`,
);
const F10_214 = wrap(
  'MeshRateLimit',
  `targetRef: {kind: Mesh, proxyTypes: [Sidecar]}\nrules: [{default: {local: {http: {requestRate: {num: 100, interval: 10s}}}}}]`,
);
const F10_HEAD = wrap(
  'MeshRateLimit',
  `targetRef: {kind: Dataplane}\nrules: [{default: {local: {http: {requestRate: {num: 100, interval: 10s}}}}}]`,
);

/** name, document, versions it is valid at, versions at which Kuma warns (policy-deprecated) */
const VALID: [string, string, KumaVersion[], KumaVersion[]][] = [
  ['a.2 Universal form', A2, X2, []],
  ['a.3 Kubernetes form in an app namespace', A3, X2, []],
  ['f.1 before: top-level MeshService', F1_BEFORE, X2, X2],
  ['f.1 after: top-level Dataplane with labels', F1_AFTER, ['2.13', '2.14', '3.0'], []],
  ['f.2 before: name and namespace', F2_BEFORE, X2, []],
  ['f.2 after: labels', F2_AFTER, ['2.13', '2.14', '3.0'], []],
  ['f.4 before: from', F4_BEFORE, X2, ['2.13', '2.14']],
  ['f.4 after: rules', F4_AFTER, ['2.13', '2.14', '3.0'], []],
  ['f.4 MeshTrafficPermission before: from', F4_MTP_BEFORE, X2, ['2.14']],
  ['f.4 MeshTrafficPermission after: rules', F4_MTP_AFTER, ['2.13', '2.14', '3.0'], []],
  ['f.6 before: MeshServiceSubset and a legacy name', F6_BEFORE, X2, []],
  ['f.6 after: labels and port', F6_AFTER, ['2.13', '2.14', '3.0'], []],
  ['f.10 2.14: inbound rate limit for every sidecar', F10_214, ['2.13', '2.14'], []],
  ['f.10 HEAD: Dataplane and rules', F10_HEAD, ['2.13', '2.14', '3.0'], []],
];

for (const [name, doc, versions, warnings] of VALID) {
  test(`SPEC example is valid at its versions: ${name}`, () => {
    for (const v of versions) {
      const ds = diagnose(doc, v);
      assert.deepEqual(
        ds.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.path}: ${d.message}`),
        [],
        `Kuma ${v}`,
      );
      // The upgrade hints of the 2.x forms (what 3.0 drops or rejects) are tested in test/unit/upgrade.test.ts.
      const warned = [...new Set(ds.filter((d) => d.severity !== 'error' && d.severity !== 'hint').map((d) => d.code))];
      assert.deepEqual(warned, warnings.includes(v) ? ['policy-deprecated'] : [], `Kuma ${v} warnings`);
    }
  });
}

test('the "before" forms are refused at 3.0 and the "after" forms of 3.0 where 2.9 lacks them', () => {
  for (const doc of [F1_BEFORE, F2_BEFORE, F4_BEFORE, F6_BEFORE])
    assert.ok(
      diagnose(doc, '3.0').some((d) => d.severity === 'error'),
      doc,
    );
  for (const doc of [F1_AFTER, F4_AFTER, F10_HEAD])
    assert.ok(
      diagnose(doc, '2.9').some((d) => d.severity === 'error'),
      doc,
    );
});

test("Kubernetes: what Kuma's mutating webhook rewrites before the schema runs (policies.webhook), and Universal meta of policies", () => {
  // The upgrade hints of the 2.x forms (what 3.0 drops) are test/unit/upgrade.test.ts's.
  const codes = (text: string, v: KumaVersion) =>
    diagnose(text, v)
      .filter((d) => d.severity !== 'hint')
      .map((d) => `${d.code} ${d.path}`);
  const emptyProxyTypes = kubernetes('MeshTimeout', 'kuma-system', `${top('kind: Mesh\nproxyTypes: []')}\n${to('kind: Mesh')}`);
  assert.deepEqual(codes(emptyProxyTypes, '2.9'), [], '2.9: the webhook drops an empty proxyTypes');
  assert.ok(
    codes(universal('MeshTimeout', `${top('kind: Mesh\nproxyTypes: []')}\n${to('kind: Mesh')}`), '2.9').includes(
      'schema-constraint spec.targetRef.proxyTypes',
    ),
  );
  const origin = (v: KumaVersion) =>
    codes(
      kubernetes('MeshTimeout', 'kuma-system', `${top('kind: Mesh')}\n${to('kind: Mesh')}`).replace(
        '    kuma.io/mesh',
        '    kuma.io/origin: bogus\n    kuma.io/mesh',
      ),
      v,
    );
  assert.deepEqual(origin('3.0'), [], '3.0: the webhook overwrites the origin');
  assert.deepEqual(origin('2.14'), ['schema-enum labels["kuma.io/origin"]']);
  const noDefault = kubernetes('MeshFaultInjection', 'kuma-demo', `${top('kind: Mesh')}\nrules:\n  - {}`);
  for (const v of ['2.14', '3.0'] as const) assert.deepEqual(codes(noDefault, v), [], `${v}: default: {} is written back`);
  const route = kubernetes(
    'MeshHTTPRoute',
    'kuma-system',
    `${top('kind: Mesh')}\nto:\n  - targetRef:\n      kind: MeshService\n      name: api\n    rules:\n      - matches:\n          - path:\n              type: PathPrefix\n              value: /`,
  );
  assert.deepEqual(codes(route, '2.13'), [], '2.13: a route rule without default is accepted');
  const emptyKind = kubernetes('MeshTimeout', 'kuma-system', `${top('kind: ""')}\n${to('kind: Mesh')}`);
  assert.deepEqual(codes(emptyKind, '2.9'), ['policy-target-ref-invalid spec.targetRef.kind'], '2.9: an empty kind is dropped');
  assert.deepEqual(codes(emptyKind, '2.14'), ['schema-enum spec.targetRef.kind'], '2.14: the enum answers, no Go error');
  const meshNull =
    'type: MeshTimeout\nname: p1\nmesh: null\nspec:\n  targetRef:\n    kind: Mesh\n  to:\n    - targetRef:\n        kind: Mesh\n      default:\n        idleTimeout: 20s\n';
  assert.deepEqual(codes(meshNull, '2.14'), [], '2.13+: a null mesh is defaulted');
  assert.deepEqual(codes(meshNull, '2.9'), ['mesh-invalid mesh']);
});
