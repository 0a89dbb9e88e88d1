// `iamspec lint` on one policy: the catalog checks of the validator plus the rules drawn from the
// mistakes the seed documents and their incidents show. Every rule has a code (its id; the
// kebab-case form works too), a severity and a reason for it; the README's rule table is this table.
//
// Severities: an error is a mistake AWS accepts but that makes an element silently never match
// (`iamspec test` then exits 2); a warning is a policy that matches, but not as its author meant
// (printed, never failing); a suggestion is clean-up.

import type { Finding, Policy, Severity } from '../model.ts';
import { byPosition } from '../json.ts';
import { catalogFindings } from '../validate/catalog.ts';
import { FindingList } from '../validate/findings.ts';
import { allowWithNot, ceilingAllowsNothing, publicAccess } from './exposure.ts';
import { placeholderAccounts, redundantActions, terraformEscape } from './hygiene.ts';
import { denyScopedToOwnUser, mfaAgeDenyInverted, mfaDenyLocksOut, mfaDenyWithBool } from './mfa.ts';

export interface RuleInfo {
  code: string;
  severity: Severity;
  /** One line: what the rule finds. */
  summary: string;
  /** Why this severity. */
  why: string;
}

/** The rules beyond the grammar: catalog checks first, then the lint-only rules. */
export const RULES: readonly RuleInfo[] = [
  { code: 'Invalid action', severity: 'error', summary: 'an action a known service does not have, or a pattern matching none of its actions', why: 'the entry never matches a request' },
  { code: 'Unknown service', severity: 'warning', summary: 'an action or key prefix the catalog does not know', why: 'the service may be newer than the catalog' },
  { code: 'Invalid global condition key', severity: 'error', summary: 'an aws: key that does not exist', why: 'the key is always absent: the condition never sees a value' },
  { code: 'Invalid service condition key', severity: 'error', summary: 'a key a known service does not define', why: 'the key is always absent: the condition never sees a value' },
  { code: 'Missing qualifier', severity: 'error', summary: 'a plain operator on a multivalued key (aws:TagKeys …)', why: 'false whenever the request carries several values' },
  { code: 'Type mismatch', severity: 'warning', summary: 'an operator of another type than the key (StringEquals on aws:MultiFactorAuthPresent)', why: 'it compares text and may still match; AWS does not document how' },
  { code: 'ForAllValues with single valued key', severity: 'warning', summary: 'ForAllValues on a key that holds one value', why: 'it matches, and also when the key is absent: overly permissive, not dead' },
  { code: 'ForAnyValue with single valued key', severity: 'warning', summary: 'ForAnyValue on a key that holds one value', why: 'works like the plain operator; AWS advises against it' },
  { code: 'Resource type mismatch', severity: 'warning', summary: 'an action none of the statement\'s resources can be a resource of (s3:ListBucket on bucket/*)', why: 'the statement never applies to that action, but ARN formats are documentation and a few services authorize other forms' },
  { code: 'MFA Deny with Bool', severity: 'warning', summary: 'Bool aws:MultiFactorAuthPresent "false" in a Deny', why: 'the Deny works for console sessions; long-term keys slip past it' },
  { code: 'MFA Deny locks out', severity: 'warning', summary: 'an MFA Deny that also blocks enrolling MFA or changing the password', why: 'the policy does what it says; new users are locked out' },
  { code: 'MFA age Deny inverted', severity: 'warning', summary: 'NumericLessThan aws:MultiFactorAuthAge in a Deny', why: 'it matches, the wrong sessions' },
  { code: 'Deny scoped to own user', severity: 'warning', summary: 'a Deny meant to reach other services, scoped to IAM user and MFA ARNs', why: 'it matches its own resources and blocks nothing else' },
  { code: 'Allow with NotAction', severity: 'warning', summary: 'Allow with NotAction', why: 'grants far more than it seems; valid IAM' },
  { code: 'Allow with NotResource', severity: 'warning', summary: 'Allow with NotResource', why: 'grants far more than it seems; valid IAM' },
  { code: 'Public access', severity: 'warning', summary: 'a resource or trust policy allowing Principal "*" with no condition on who calls', why: 'may be intended (public websites); AWS accepts it' },
  { code: 'Ceiling allows nothing', severity: 'warning', summary: 'a permissions boundary or session policy without an Allow', why: 'every request is denied: may be intended, for a while' },
  { code: 'Terraform escape', severity: 'error', summary: 'a literal "$${" (Terraform\'s escape) in a policy IAM receives', why: 'the value matches nothing real' },
  { code: 'Redundant action', severity: 'suggestion', summary: 'an action listed twice, or already matched by a pattern in the same list', why: 'harmless' },
  { code: 'Placeholder account', severity: 'suggestion', summary: 'an account id from AWS\'s documentation (123456789012, 111122223333, …)', why: 'legitimate in examples and test suites; replace before deploying' },
];

/** `Missing qualifier` → `missing-qualifier`: the form rule ids take in SARIF and disable lists. */
export function ruleId(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/**
 * Catalog and lint findings of a policy that passed the grammar checks (`policy.type` decides the
 * type-specific rules), tagged with the policy's name and file, sorted by position.
 */
export function lintPolicy(policy: Policy): Finding[] {
  const out = new FindingList();
  for (const st of policy.statements) {
    mfaDenyWithBool(st, out);
    mfaDenyLocksOut(st, out);
    mfaAgeDenyInverted(st, out);
    denyScopedToOwnUser(st, out);
    allowWithNot(st, out);
    publicAccess(policy, st, out);
    redundantActions(st, out);
    terraformEscape(st, out);
  }
  ceilingAllowsNothing(policy, out);
  placeholderAccounts(policy, out);
  const all = [...catalogFindings(policy), ...out.findings];
  for (const f of all) {
    f.policy = policy.name;
    if (policy.file !== undefined) f.file = policy.file;
  }
  return all.sort(byPosition);
}
