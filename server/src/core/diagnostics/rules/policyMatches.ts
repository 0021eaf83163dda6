import { isObj } from '../../kuma/resource';
import { policyFacts } from '../../kuma/versions';
import { isPolicyKind } from '../../types';
import { formatPath, type PathSeg } from '../../yaml/nodes';
import type { Rule, RuleContext } from './context';
import { dns1123SubdomainErrors } from './names';

/**
 * `ValidateMatch` and the match rules of the policies that select clients by `matches` (SPEC-policies.md
 * d.4): the SPIFFE ID and SNI of each match, and for MeshTimeout / MeshRateLimit a match needs one of them
 * and a spiffeID match refuses the fields that cannot depend on the client. MeshTrafficPermission's lists
 * are written under `default` but reported by Kuma without it (d.6): the squiggle is on the YAML, Kuma's
 * path is in `data.path`.
 */

const SOURCE_CONDITIONED = "can't be specified when matches contain spiffeID because this field cannot be conditioned on source identity";
/** Fields of `default` that a spiffeID match refuses, per policy. */
const SOURCE_INDEPENDENT: Record<string, PathSeg[][]> = {
  MeshTimeout: [
    ['connectionTimeout'],
    ['idleTimeout'],
    ['http', 'requestHeadersTimeout'],
    ['http', 'maxStreamDuration'],
    ['http', 'maxConnectionDuration'],
  ],
  MeshRateLimit: [['local', 'tcp']],
};

/** go-spiffe's `spiffeid.FromString` (v2.6 / v2.8, without the back-compat charset): undefined when valid. */
export function spiffeIdError(id: string): string | undefined {
  const prefix = 'spiffe://';
  if (id === '') return 'cannot be empty';
  if (!id.startsWith(prefix)) return 'scheme is missing or invalid';
  let i = prefix.length;
  for (; i < id.length && id[i] !== '/'; i++) {
    if (!/[a-z0-9._-]/.test(id[i]))
      return 'trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores';
  }
  if (i === prefix.length) return 'trust domain is missing';
  const path = id.slice(i);
  if (path === '') return undefined;
  const segments = path.split('/').slice(1);
  for (let k = 0; k < segments.length; k++) {
    const seg = segments[k];
    const last = k === segments.length - 1;
    if (seg === '') return last ? 'path cannot have a trailing slash' : 'path cannot contain empty segments';
    if (seg === '.' || seg === '..') return 'path cannot contain dot segments';
    if (!/^[A-Za-z0-9._-]*$/.test(seg)) return 'path segment characters are limited to letters, numbers, dots, dashes, and underscores';
  }
  return undefined;
}

function validateMatch(ctx: RuleContext, yamlPath: PathSeg[], kumaPath: PathSeg[], match: Record<string, unknown>): void {
  const facts = policyFacts(ctx.version).matches;
  const say = (field: PathSeg[], message: string) =>
    ctx.report('policy-invalid', [...yamlPath, ...field], message, { target: 'key', data: { path: formatPath([...kumaPath, ...field]) } });
  const spiffe = match.spiffeID;
  if (isObj(spiffe) && typeof spiffe.value === 'string') {
    const err = spiffeIdError(spiffe.value);
    if (err) say(['spiffeID'], facts.spiffeErrorDetail ? `must be a valid Spiffe ID: ${err}` : 'must be a valid Spiffe ID');
  }
  const sni = match.sni;
  if (facts.sni && isObj(sni)) {
    if (sni.type === undefined || sni.type === null || sni.type === '') say(['sni', 'type'], 'must be set');
    else if (sni.type !== 'Exact') say(['sni', 'type'], `unrecognized type ${JSON.stringify(sni.type)}, supported values are: Exact`);
    if (sni.value === undefined || sni.value === null || sni.value === '') say(['sni', 'value'], 'must be set');
    else if (typeof sni.value === 'string') for (const e of dns1123SubdomainErrors(sni.value)) say(['sni', 'value'], e);
  }
}

export const policyMatchesRule: Rule = (ctx) => {
  const kind = ctx.res.kind;
  if (!isPolicyKind(kind)) return;
  const facts = policyFacts(ctx.version);
  if (!facts.matches.validated.includes(kind) || !facts.sections[kind].includes('rules')) return;
  const rules = ctx.res.spec.rules;
  if (!Array.isArray(rules)) return;
  const conditioned = facts.matches.sourceConditioned.includes(kind);
  rules.forEach((rule, i) => {
    if (!isObj(rule)) return;
    const base: PathSeg[] = ['spec', 'rules', i];
    if (kind === 'MeshTrafficPermission') {
      const conf = isObj(rule.default) ? rule.default : {};
      const lists = ['allow', 'allowWithShadowDeny', 'deny'] as const;
      if (!lists.some((l) => Array.isArray(conf[l]) && conf[l].length > 0))
        ctx.report('policy-invalid', base, "at least one of 'allow', 'allowWithShadowDeny', 'deny' has to be defined", { target: 'key' });
      for (const l of lists) {
        const list = conf[l];
        if (Array.isArray(list))
          list.forEach((m, k) => {
            if (isObj(m)) validateMatch(ctx, [...base, 'default', l, k], [...base, l, k], m);
          });
      }
      return;
    }
    const matches = Array.isArray(rule.matches) ? rule.matches : [];
    let hasSpiffe = false;
    matches.forEach((m, k) => {
      if (!isObj(m)) return;
      const at: PathSeg[] = [...base, 'matches', k];
      validateMatch(ctx, at, at, m);
      if (!conditioned) return;
      const spiffe = m.spiffeID;
      if ((spiffe === undefined || spiffe === null) && (m.sni === undefined || m.sni === null))
        ctx.report('policy-invalid', at, "must specify at least one of 'spiffeID' or 'sni'", { target: 'key' });
      if (spiffe !== undefined && spiffe !== null) {
        hasSpiffe = true;
        const type = isObj(spiffe) ? spiffe.type : undefined;
        // An empty type is refused by the schema's enum first: Kuma's validators never run.
        if (type === undefined || type === null)
          ctx.report('policy-invalid', [...at, 'spiffeID', 'type'], 'must be set', { target: 'key' });
        else if (type !== 'Exact' && type !== 'Prefix')
          ctx.report(
            'policy-invalid',
            [...at, 'spiffeID', 'type'],
            `unrecognized type ${JSON.stringify(type)}, supported values are: Exact, Prefix`,
          );
      }
    });
    if (hasSpiffe && isObj(rule.default)) {
      for (const field of SOURCE_INDEPENDENT[kind] ?? []) {
        let v: unknown = rule.default;
        for (const seg of field) v = isObj(v) ? v[seg as string] : undefined;
        if (v !== undefined && v !== null)
          ctx.report('policy-invalid', [...base, 'default', ...field], SOURCE_CONDITIONED, { target: 'key' });
      }
    }
  });
};
