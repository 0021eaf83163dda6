import type { OracleAnswer } from './oracle';
import type { OurDiagnostic } from './ours';

/** What one comparison of a document found. */
export interface Verdict {
  kumaRejects: boolean;
  weReject: boolean;
  /** Kuma's violations, each with whether one of our errors reports it (same path, same message or meaning). */
  violations: { field: string; message: string; matched: boolean; verbatim: boolean }[];
  /**
   * Our errors that claim one of Kuma's paths (the very field of one of Kuma's violations) and say
   * something else there: none of Kuma's violations at that path has the same message or rule.
   */
  conflicts: { path: string; ours: string; kuma: string[] }[];
}

/** Kuma's field paths and ours written the same way: `a.b[0].c`, no leading dot, `[k]` for odd keys. */
export function normalizePath(p: string): string {
  return p
    .replace(/^\./, '')
    .replace(/\[(?:"|')([^"'\]]*)(?:"|')\]/g, '[$1]')
    .replace(/\.(\d+)(?=\.|$|\[)/g, '[$1]')
    .replace(/\[([A-Za-z_][\w-]*)\]/g, '.$1');
}

/**
 * The field a violation is about. Kuma's Universal schema stage puts the path in the message when it
 * does not start with `spec.` (`.name in body is required` has field ""); the API server's messages
 * repeat it (`Invalid value: 0: spec.x in body should be ...`).
 */
export function violationField(v: { field: string; message: string }): string {
  if (v.field === '') {
    const m = /^\.?([\w.[\]-]+) in body /.exec(v.message);
    if (m) return normalizePath(m[1]);
  }
  return normalizePath(v.field);
}

type Category = 'required' | 'enum' | 'type' | 'range' | 'constraint' | 'unknown';

/** What kinds of schema rule a message of Kuma's (either form) or the API server is about. */
function kumaCategories(message: string): Category[] {
  const out: Category[] = [];
  if (/\bRequired value\b|in body is required|is required$|^cannot be empty$|^must be defined$/.test(message)) out.push('required');
  if (/Unsupported value|should be one of|unknown value .* for enum/.test(message)) out.push('enum');
  if (/must be of type (?!byte)|Invalid type|in body must be of type (?!byte)|cannot unmarshal/.test(message)) out.push('type');
  // Go cannot decode a negative number into an unsigned field: a range rule to a JSON Schema
  if (/should be (less|greater) than|must be (less|greater) than|cannot unmarshal number -\d+ into .*uint/.test(message)) out.push('range');
  if (
    /should match|must be of type byte|should be at (least|most)|should have at (least|most)|Too (long|many)|must have at (least|most)|Duplicate value|must (NOT )?have/.test(
      message,
    )
  )
    out.push('constraint');
  if (/^unknown field/.test(message)) out.push('unknown');
  return out;
}

/** The schema rules one of our diagnostics is about: by its code, or for a rule of Kuma's validators by its words. */
function ourCategories(d: OurDiagnostic): Category[] {
  const byCode = OUR_CATEGORY[d.code];
  if (byCode) return [byCode];
  const m = d.message;
  const out: Category[] = [];
  if (/must be one of|is not allowed|unrecognized type|only .* is supported/.test(m)) out.push('enum');
  if (/cannot be empty|must not be empty|must be defined|is required|must be set/.test(m)) out.push('required', 'constraint');
  if (/must be in the range|must be a valid \(1-65535\)|must be (less|greater|lower|higher) than|out of range/.test(m)) out.push('range');
  if (/must be a valid|has to be a valid|invalid|must match|must consist|too long|longer than|no more than/i.test(m))
    out.push('constraint');
  if (/expected|must be (a|an) (string|number|integer|boolean|object|array)/i.test(m)) out.push('type');
  return out;
}

const OUR_CATEGORY: Record<string, Category> = {
  'schema-missing-required': 'required',
  'schema-enum': 'enum',
  'schema-type': 'type',
  'schema-range': 'range',
  'schema-constraint': 'constraint',
  'schema-unknown-key': 'unknown',
  // Kuma 3.0's schema no longer has dataplaneTags: the same finding, with the migration in the message
  'selector-dataplane-tags-removed': 'unknown',
  // a policy section the kind does not have at that version (`from` at 3.0, `rules` at 2.9): the
  // API server's unknown field, with the versions that have it in the message
  'policy-section-unavailable': 'unknown',
};

function pathMatches(kumaField: string, ourPath: string, categories: Category[], kind?: string, form?: string): boolean {
  const ours = normalizePath(ourPath);
  if (ours === kumaField) return true;
  // Kuma's webhook puts a Dataplane's violations under `spec.` (convertSpecValidationError: it is
  // not a plugin type); we give the path of Kuma's validator, as in Universal
  if (kind === 'Dataplane' && form === 'kubernetes' && kumaField === `spec.${ours}`) return true;
  // a message of Kuma's about the whole document (e.g. a decoding error) names no field
  if (kumaField === '') return true;
  // a missing mapping: we report it, Kuma reports the first required key inside it
  return categories.includes('required') && kumaField.startsWith(ours + '.');
}

/** Whether one of our errors says what a violation of Kuma's says: its text, or the same schema rule. */
function sameMessage(v: { message: string }, d: OurDiagnostic): { matched: boolean; verbatim: boolean } {
  const text = v.message.trim();
  if (text === '' || d.message.includes(text)) return { matched: true, verbatim: true };
  const categories = kumaCategories(v.message);
  if (ourCategories(d).some((c) => categories.includes(c))) return { matched: true, verbatim: false };
  // a null value where Kuma wants a string: to us a missing value
  if (categories.includes('type') && /"null"/.test(text) && (d.code === 'schema-missing-required' || /^must be defined$/.test(d.message)))
    return { matched: true, verbatim: false };
  return { matched: false, verbatim: false };
}

export function compare(kuma: OracleAnswer, ours: OurDiagnostic[], kind?: string, form?: string): Verdict {
  const errors = ours.filter((d) => d.severity === 'error');
  const kumaRejects = !kuma.accepted;
  const weReject = errors.length > 0;
  const violations = kuma.violations.map((v) => {
    const field = violationField(v);
    const categories = kumaCategories(v.message);
    let verbatim = false;
    let matched = false;
    for (const d of errors) {
      if (!pathMatches(field, d.path, categories, kind, form)) continue;
      const m = sameMessage(v, d);
      if (m.verbatim) {
        verbatim = matched = true;
        break;
      }
      if (m.matched) matched = true;
    }
    return { field: v.field, message: v.message, matched, verbatim };
  });
  const conflicts: Verdict['conflicts'] = [];
  for (const d of errors) {
    const path = normalizePath(d.path);
    const there = kuma.violations.filter((v) => violationField(v) === path);
    if (there.length > 0 && !there.some((v) => sameMessage(v, d).matched))
      conflicts.push({ path, ours: `${d.code}: ${d.message}`, kuma: there.map((v) => v.message) });
  }
  return { kumaRejects, weReject, violations, conflicts };
}
