import { isObj } from '../../kuma/resource';
import type { Rule, RuleContext } from './context';
import {
  MSG_DNS1123_SUBDOMAIN_FORMAT,
  dns1035LabelErrors,
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  labelValueErrors,
  qualifiedNameErrors,
} from './names';
import { kumaFacts } from '../../kuma/versions';
import { isPolicyKind, type KumaKind } from '../../types';

/** Kinds that belong to no mesh (SPEC.md section 1.2): Kuma ignores a `mesh` on them. */
const GLOBAL_SCOPED: ReadonlySet<KumaKind> = new Set<KumaKind>(['HostnameGenerator']);

/**
 * Universal names and meshes: `pkg/core/resources/apis/mesh/meta_validator.go` (every
 * resource). On Kubernetes the API server checks `metadata.name` as an RFC 1123 subdomain.
 */
export const metaRule: Rule = ({ res, report, version }) => {
  if (res.form === 'kubernetes') {
    const meta = res.value.metadata;
    if (!isObj(meta)) return;
    kubernetesLabelsAndMesh(res, meta, report, isPolicyKind(res.kind) && kumaFacts(version).policies.webhook.overwritesOrigin);
    const name = meta.name;
    // ValidateObjectMeta: an empty name is a missing name
    if (name === undefined || name === null || name === '') {
      if (meta.generateName === undefined) {
        report('name-invalid', ['metadata'], 'Required value: name or generateName is required', {
          target: 'key',
          data: { path: 'metadata.name' },
        });
      }
      return;
    }
    const errs = dns1123SubdomainErrors(String(name));
    if (errs.length)
      report('name-invalid', ['name'], `Invalid value: "${String(name)}": ${errs.join(', ')}`, { data: { path: 'metadata.name' } });
    return;
  }
  const notAString = (v: unknown) => v !== null && v !== undefined && typeof v !== 'string'; // schema-type says it
  // A policy's `name: null` is the schema stage's type error (`name in body must be of type string: "null"`).
  const policy = isPolicyKind(res.kind);
  if (res.has(['name']) && !notAString(res.get(['name'])) && !(policy && res.get(['name']) === null)) {
    const name = res.get(['name']);
    const s = name === null || name === undefined ? '' : String(name);
    if (s === '') report('name-invalid', ['name'], 'cannot be empty');
    else if (s.length > 253) report('name-invalid', ['name'], 'value length must less or equal 253');
    else if (dns1123SubdomainErrors(s).length)
      report('name-invalid', ['name'], `invalid characters. ${capitalize(MSG_DNS1123_SUBDOMAIN_FORMAT)}`);
  }
  if (res.has(['mesh']) && GLOBAL_SCOPED.has(res.kind)) {
    // ValidateMeta checks the mesh of mesh-scoped resources only; the REST schema has no `mesh` for these.
    report('mesh-ignored', ['mesh'], `${res.kind} is global-scoped, not part of a mesh: Kuma ignores its mesh. Remove the mesh key.`, {
      target: 'key',
    });
  } else if (policy && res.get(['mesh']) === null && kumaFacts(version).policies.universalSchemaDefaults) {
    // the schema stage writes its default (`default`) over a null mesh
  } else if (res.has(['mesh']) && !notAString(res.get(['mesh']))) {
    const mesh = res.get(['mesh']);
    const s = mesh === null || mesh === undefined ? '' : String(mesh);
    if (s === '') report('mesh-invalid', ['mesh'], 'cannot be empty');
    else if (s.length > 253) report('mesh-invalid', ['mesh'], 'value length must less or equal 253');
    else if (!/^[0-9a-z-_.]*$/.test(s)) {
      report(
        'mesh-invalid',
        ['mesh'],
        "invalid characters. Valid characters are numbers, lowercase latin letters and '-', '_', '.' symbols.",
      );
    }
  }
};

/**
 * Kubernetes: the API server's ObjectMeta validation of label keys and values, then what Kuma's
 * validating webhook checks before the spec (`pkg/plugins/runtime/k8s/webhooks/validation.go`):
 * the mesh (`kuma.io/mesh` label, or `mesh` of a Dataplane) with ValidateMesh, and a
 * `kuma.io/origin` label must be `zone` or `global`.
 */
function kubernetesLabelsAndMesh(
  res: RuleContext['res'],
  meta: Record<string, unknown>,
  report: RuleContext['report'],
  originOverwritten: boolean,
): void {
  const labels = isObj(meta.labels) ? meta.labels : {};
  for (const [k, v] of Object.entries(labels)) {
    const keyErrs = qualifiedNameErrors(k);
    if (keyErrs.length)
      report('schema-constraint', ['labels', k], `Invalid value: "${k}": ${keyErrs.join(', ')}`, {
        target: 'key',
        data: { path: 'metadata.labels' },
      });
    if (typeof v === 'string') {
      const valueErrs = labelValueErrors(v);
      if (valueErrs.length)
        report('schema-constraint', ['labels', k], `Invalid value: "${v}": ${valueErrs.join(', ')}`, { data: { path: 'metadata.labels' } });
    }
  }
  const mesh = res.get(['mesh']);
  // a mesh that is not a string is rejected by the CRD's schema (schema-type)
  if (!GLOBAL_SCOPED.has(res.kind) && (mesh === undefined || mesh === null || typeof mesh === 'string')) {
    const present = res.kind === 'Dataplane' ? true : 'kuma.io/mesh' in labels;
    const s = mesh === null || mesh === undefined ? '' : String(mesh);
    const at = res.kind === 'Dataplane' && !res.has(['mesh']) ? ['metadata'] : ['mesh'];
    const opts = { data: { path: 'mesh' }, ...(at[0] === 'metadata' ? { target: 'key' as const } : {}) };
    if (present && s === '') report('mesh-invalid', at, 'cannot be empty', opts);
    else if (present && s.length > 253) report('mesh-invalid', at, 'value length must less or equal 253', opts);
    else if (present && !/^[0-9a-z-_.]*$/.test(s))
      report(
        'mesh-invalid',
        at,
        "invalid characters. Valid characters are numbers, lowercase latin letters and '-', '_', '.' symbols.",
        opts,
      );
  }
  const origin = labels['kuma.io/origin'];
  // Kuma's mutating webhook overwrites the origin of a policy at 3.0: the validating webhook never sees it.
  if (origin !== undefined && origin !== 'zone' && origin !== 'global' && !originOverwritten)
    report('schema-enum', ['labels', 'kuma.io/origin'], `unknown resource origin "${String(origin)}"`, {
      data: { path: 'labels["kuma.io/origin"]', allowedValues: ['zone', 'global'] },
    });
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A hand-written `status` is overwritten by the control plane (SPEC.md section 1.4). */
export const statusRule: Rule = ({ res, report }) => {
  if (res.kind === 'HostnameGenerator') return;
  if (!res.has(['status'])) return;
  report(
    'status-read-only',
    ['status'],
    `status is written by the Kuma control plane: a hand-written status is ignored and overwritten. Remove it from the manifest.`,
    { target: 'key', covers: true },
  );
};

/**
 * Display-name rules shared by MeshService, MeshExternalService and MeshMultiZoneService:
 * the 63-character limit (2.9 to 2.14), the RFC 1035 deprecation (2.10 to 2.14) and the
 * RFC 1035 error (3.0). SPEC.md sections 1.3, 4 and 5.
 */
export function displayNameRule(opts: { lengthLimit: boolean }): Rule {
  return ({ res, version, report }) => {
    const dn = res.displayName();
    // a name that is not a string is rejected by Kuma's schema stage before any of this (schema-type)
    if (!dn || dn.value === '' || typeof res.get(dn.path) !== 'string') return;
    const errs = dns1035LabelErrors(dn.value);
    const { nameRule } = kumaFacts(version);
    if (nameRule === 'rfc1035-required') {
      if (errs.length) report('name-rfc1035', dn.path, errs.join(', '), { data: { path: 'name' } });
      return;
    }
    if (opts.lengthLimit && dn.value.length > 63) {
      report('name-too-long', dn.path, 'must not be longer than 63 characters', { data: { path: 'name' } });
    }
    if (nameRule === 'rfc1035-deprecated' && errs.length) {
      report(
        'name-rfc1035-deprecated',
        dn.path,
        `Invalid ${res.kind} resource name: '${dn.value}'. It does not conform to the DNS format (RFC 1035). This is deprecated. Errors: ${errs.join('; ')}`,
        { data: { path: 'name' } },
      );
    }
  };
}

/** MeshExternalService and HostnameGenerator live in the Kuma system namespace only. */
export const systemNamespaceRule: Rule = ({ res, report }) => {
  if (res.form !== 'kubernetes') return;
  const meta = res.value.metadata;
  const ns = isObj(meta) ? meta.namespace : undefined;
  if (typeof ns !== 'string' || ns === 'kuma-system') return;
  report(
    'system-namespace-only',
    ['metadata', 'namespace'],
    `${res.kind} can only be created in the Kuma system namespace ("kuma-system" unless your control plane sets another); Kuma rejects it in "${ns}".`,
    { data: { path: 'metadata.namespace', allowedValues: ['kuma-system'] } },
  );
};

/**
 * The SNI deprecation of 2.14 and 3.0 for one port of a MeshService or MeshMultiZoneService:
 * the port's section name (its name, or the port number) must be an RFC 1123 label.
 */
export function sniPortRule({ res, version, report }: RuleContext, port: Record<string, unknown>, index: number): void {
  if (!kumaFacts(version).sniDeprecation) return;
  const named = typeof port.name === 'string' && port.name !== '';
  const section = named ? String(port.name) : typeof port.port === 'number' ? String(port.port) : undefined;
  const errs = section === undefined ? [] : dns1123LabelErrors(section);
  if (errs.length === 0) return;
  report(
    'sni-deprecated',
    ['spec', 'ports', index, named ? 'name' : 'port'],
    `Invalid ${res.kind} SNI (port "${section}"): ${errs.join(', ')}. This is deprecated.`,
  );
}
