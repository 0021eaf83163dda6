import type { Rule } from './context';

/**
 * Kuma's targetRef policies (SPEC-policies.md): the rules every policy kind runs, in Kuma's order
 * (the targetRef checks of `ValidateTargetRef`, the allowed kinds per policy, section and role).
 */
export const policyRules: Rule[] = [];
