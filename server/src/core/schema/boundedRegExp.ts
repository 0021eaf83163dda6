import { MAX_PATTERN_INPUT } from '../yaml/limits';

/**
 * The regular-expression engine of the schema validators (ajv's `code.regExp` option): values
 * longer than `MAX_PATTERN_INPUT` do not match, so a schema pattern that backtracks on long input
 * (Kuma's duration pattern does, on long runs of digits) never runs on a 1 MB value.
 * `toString` is the pattern's own: ajv keys compiled patterns by it.
 * `code` names it in generated source; scripts/validators.mjs, which generates the validators ahead of
 * time, makes that name a reference to this module.
 */
export const boundedRegExp = Object.assign(
  (pattern: string, flags: string) => {
    const re = new RegExp(pattern, flags);
    return { test: (s: string) => s.length <= MAX_PATTERN_INPUT && re.test(s), toString: () => re.toString() };
  },
  { code: 'boundedRegExp' },
);
