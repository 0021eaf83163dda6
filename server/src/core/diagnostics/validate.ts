import type { YAMLError } from 'yaml';
import type { DiagnosticCode } from './codes';
import { defaultSeverity } from './codes';
import type { ParsedDocument } from '../yaml/documents';
import { Resource } from '../kuma/resource';
import type { Rule, RuleContext } from './rules/context';
import { metaRule, statusRule } from './rules/common';
import { dataplaneRules } from './rules/dataplane';
import { hostnameGeneratorRules } from './rules/hostnameGenerator';
import { meshExternalServiceRules } from './rules/meshExternalService';
import { meshMultiZoneServiceRules } from './rules/meshMultiZoneService';
import { meshServiceRules } from './rules/meshService';
import { policyRules } from './rules/policy';
import { meshDocumentDiagnostics } from './rules/upgrade';
import type { SchemaValidators } from '../schema/validation';
import { isPolicyKind, type KumaDiagnostic, type PolicyKind, type KumaKind, type ResourceKind } from '../types';
import { policyFacts, type KumaVersion } from '../kuma/versions';
import { formatPath, locate, nodeRange } from '../yaml/nodes';
import { clipMessage, wholeCharacters } from '../yaml/limits';

/** A diagnostic of one document, before it is placed in its file. */
export type DocumentDiagnostic = Omit<KumaDiagnostic, 'document'>;

const RULES: Record<ResourceKind, Rule[]> = {
  MeshService: meshServiceRules,
  MeshExternalService: meshExternalServiceRules,
  MeshMultiZoneService: meshMultiZoneServiceRules,
  HostnameGenerator: hostnameGeneratorRules,
  Dataplane: dataplaneRules,
};

/** The rules of a kind: its own file's, or the policies' for every targetRef policy. */
function rulesOf(kind: KumaKind): Rule[] {
  return isPolicyKind(kind) ? policyRules : RULES[kind];
}

/**
 * Everything we check in one YAML document: syntax, Kuma's schema, Kuma's semantic rules.
 * Offsets are relative to the document's chunk. Documents that are not Kuma resources get
 * nothing, not even syntax errors: other YAML belongs to other tools.
 */
export function validateDocument(
  pd: ParsedDocument,
  version: KumaVersion,
  validators: SchemaValidators,
  text: string,
): DocumentDiagnostic[] {
  const c = pd.classification;
  // A Mesh gets the upgrade lint only (what Kuma 3.0 drops or rejects of it).
  if (c.role === 'mesh') return meshDocumentDiagnostics(pd, version);
  if (c.role !== 'kuma') return [];
  // A template's syntax and values are only known once it is rendered: one note, nothing else.
  const template = pd.template ?? templateAction(pd, text);
  if (template) {
    return [
      {
        code: 'templated-yaml',
        severity: defaultSeverity('templated-yaml'),
        message:
          'This document contains template syntax ({{ … }}, e.g. Helm): it is checked only once rendered, e.g. `helm template … | kuma-lint check -`.',
        range: template,
        data: { path: '' },
      },
    ];
  }
  const out: DocumentDiagnostic[] = [];
  let fatal = false;
  // A tab in the indentation derails the parser for the lines after it: its own error says it all.
  const tabbed = pd.errors.some((e) => e.code === 'TAB_AS_INDENT');
  for (const e of pd.errors) {
    if (tabbed && e.code !== 'TAB_AS_INDENT' && e.code !== 'DUPLICATE_KEY') {
      fatal = true;
      continue;
    }
    out.push(syntaxDiagnostic(e, text));
    if (e.code !== 'DUPLICATE_KEY') fatal = true;
  }
  if (pd.limit) {
    out.push({
      code: 'yaml-limit',
      severity: defaultSeverity('yaml-limit'),
      message: pd.limit.message,
      range: pd.limit.range,
      data: { path: '' },
    });
    return out.sort((a, b) => a.range.start - b.range.start);
  }
  if (fatal || pd.value === undefined) return out;

  const root = pd.contents;
  const schemaDiags: DocumentDiagnostic[] = [];
  for (const p of validators.validate(version, c.kind, c.form, pd.value, root, pd.range)) {
    schemaDiags.push({
      code: p.code,
      severity: defaultSeverity(p.code),
      message: p.message,
      range: p.range,
      data: {
        path: p.path,
        ...(p.allowedValues ? { allowedValues: p.allowedValues } : {}),
        ...(p.suggestion ? { suggestion: p.suggestion } : {}),
      },
    });
  }

  if (c.form === 'kubernetes' && isPolicyKind(c.kind)) {
    const kept = schemaDiags.filter((d) => !webhookAnswersFirst(version, c.kind as PolicyKind, d));
    schemaDiags.length = 0;
    schemaDiags.push(...kept);
  }
  const res = new Resource(c.kind, c.form, root, pd.value, pd.range);
  const covered: { start: number; end: number }[] = [];
  const ctx: RuleContext = {
    version,
    res,
    report(code: DiagnosticCode, kumaPath, message, opts = {}) {
      out.push({
        code,
        severity: opts.severity ?? defaultSeverity(code),
        message,
        range: opts.range ?? res.range(kumaPath, opts.target ?? 'value'),
        data: { path: formatPath(kumaPath), ...opts.data },
        ...(opts.related ? { related: opts.related } : {}),
      });
      const extent = opts.covers ? res.extent(kumaPath) : undefined;
      if (extent) covered.push(extent);
    },
  };
  const ruleStart = out.length;
  for (const rule of [metaRule, statusRule, ...rulesOf(c.kind)]) rule(ctx);
  // A Kuma rule that speaks about exactly the same text says more than the generic schema
  // error (e.g. "dataplaneTags was removed in 3.0" versus "unknown key"): keep the rule's. A value of
  // the wrong type is rejected whatever a warning says about it (e.g. a deprecated name): only an
  // error of a rule replaces that one.
  // Kuma's schema stage answers before any Go validator runs: a policy validator's error at a path the
  // schema already refuses is one Kuma never gives.
  if (isPolicyKind(c.kind)) {
    const schemaPaths = new Set(schemaDiags.filter((d) => d.severity === 'error').map((d) => String(d.data?.path ?? '')));
    const kept = out.slice(ruleStart).filter((d) => !(GO_VALIDATOR_CODES.has(d.code) && schemaPaths.has(String(d.data?.path ?? ''))));
    out.length = ruleStart;
    out.push(...kept);
  }
  // A hint (e.g. what Kuma 3.0 will drop) never stands in for a problem of this version.
  const ruleDiags = out.slice(ruleStart).filter((d) => d.severity !== 'hint');
  const ruleRanges = new Set(ruleDiags.map((d) => `${d.range.start}:${d.range.end}`));
  const errorRuleRanges = new Set(ruleDiags.filter((d) => d.severity === 'error').map((d) => `${d.range.start}:${d.range.end}`));
  const all = [
    ...out.slice(0, ruleStart),
    // A missing required key is never what a rule on the same place explains.
    ...schemaDiags.filter(
      (d) =>
        (d.code === 'schema-missing-required' ||
          !(d.code === 'schema-type' ? errorRuleRanges : ruleRanges).has(`${d.range.start}:${d.range.end}`)) &&
        // Nothing inside a field a rule reports as a whole (a hand-written status): that one problem says it all.
        !covered.some((r) => d.range.start >= r.start && d.range.end <= r.end),
    ),
    ...out.slice(ruleStart),
  ];
  // Every diagnostic here was made by this call: clipped in place (a flood of them is copied no more).
  for (const d of all) d.message = clipMessage(d.message);
  return all.sort((a, b) => a.range.start - b.range.start);
}

/**
 * The first `{{ … }}` template action of a document, if any. A HostnameGenerator's
 * `spec.template` is a Go template by design and does not count.
 */
function templateAction(pd: ParsedDocument, text: string): { start: number; end: number } | undefined {
  const c = pd.classification;
  const own = c.role === 'kuma' && c.kind === 'HostnameGenerator' ? nodeRange(locate(pd.contents, ['spec', 'template']).node) : undefined;
  for (let i = text.indexOf('{{', pd.range.start); i >= 0 && i < pd.range.end; i = text.indexOf('{{', i + 2)) {
    if (own && i >= own.start && i < own.end) continue;
    const close = text.indexOf('}}', i + 2);
    const lineEnd = text.indexOf('\n', i);
    const end = close >= 0 && (lineEnd < 0 || close < lineEnd) ? close + 2 : i + 2;
    return { start: i, end };
  }
  return undefined;
}

const SYNTAX_HINTS: Record<string, string> = {
  TAB_AS_INDENT: 'Indent with spaces, not tabs.',
  BAD_INDENT: 'Check the indentation of this line against the lines above.',
  MULTILINE_IMPLICIT_KEY: 'Check the indentation here, and that the key above ends with ":".',
  BLOCK_AS_IMPLICIT_KEY: 'A key and its value must be on one line, or the value indented below the key.',
  MISSING_CHAR: 'Add the missing character.',
  UNEXPECTED_TOKEN: 'Remove or quote the unexpected text.',
  BAD_SCALAR_START: 'Quote this value: it starts with a character YAML reserves.',
  BAD_DIRECTIVE: 'Remove the directive or fix its name.',
  BAD_ALIAS: 'Define the anchor (&name) before using the alias (*name).',
};

function syntaxDiagnostic(e: YAMLError, text: string): DocumentDiagnostic {
  // The parser places some errors (an unterminated quote) one past the end of the text, and
  // some on one UTF-16 unit, which may be half of a character such as an emoji.
  const { start, end } = wholeCharacters(text, {
    start: Math.min(Math.max(0, e.pos[0]), text.length),
    end: Math.min(Math.max(e.pos[0], e.pos[1]), text.length),
  });
  if (e.code === 'DUPLICATE_KEY') {
    const m = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^:\n#]+?)\s*:/.exec(text.slice(start, start + 300));
    const key = m ? m[1] : text.slice(start, end);
    const keyEnd = wholeCharacters(text, { start, end: start + key.length }).end;
    return {
      code: 'yaml-duplicate-key',
      severity: 'error',
      message: clipMessage(
        `Duplicate key ${key.startsWith('"') || key.startsWith("'") ? key : `"${key}"`}: a key may appear only once in a mapping. Remove or rename one of them.`,
      ),
      range: { start, end: keyEnd },
      data: { path: '' },
    };
  }
  const msg = e.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '').trim();
  const hint = SYNTAX_HINTS[e.code];
  return {
    code: 'yaml-syntax',
    severity: 'error',
    message: `YAML syntax error: ${msg}.${hint ? ` ${hint}` : ''}`,
    range: { start, end },
    data: { path: '' },
  };
}

/** The codes of Kuma's Go validators of policies (not the rules that explain a schema error better). */
const GO_VALIDATOR_CODES: ReadonlySet<string> = new Set(['policy-invalid', 'policy-target-ref-invalid', 'policy-target-ref-kind']);

/**
 * A schema error Kubernetes never gives because Kuma's mutating webhook rewrote the policy before the
 * CRD's schema ran (the version table's `policies.webhook`): an empty list dropped, a missing key written
 * back with a zero value Kuma accepts, an empty targetRef kind dropped.
 */
function webhookAnswersFirst(version: KumaVersion, kind: PolicyKind, d: DocumentDiagnostic): boolean {
  const w = policyFacts(version).webhook;
  const path = String(d.data?.path ?? '').replace(/\[\d+\]/g, '[]');
  if (d.code === 'schema-constraint' && w.dropsEmpty.includes(path)) return true;
  if (d.code === 'schema-missing-required' && w.writesBack[kind]?.includes(path)) return true;
  return d.code === 'schema-enum' && w.dropsEmptyKind && path.endsWith('kind') && d.message.startsWith('"" is not allowed');
}
