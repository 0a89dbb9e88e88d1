// The seed documents' known mistakes, each a lint finding on the seed suites' policies at its
// line (the suites' comments and README "Writing suites" describe them), while the seed suites
// still load and pass under `iamspec test` (scenarios.test.ts runs them).

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintPaths } from '../../src/lint/run.ts';
import { ruleId } from '../../src/policy/lint/index.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** [rule, policy file, line, what the seed gets wrong]. */
const KNOWN: [string, string, number, string][] = [
  ['mfa-deny-with-bool', 'policies/mfa-blog/force-mfa.json', 127, 'blog: Bool, not BoolIfExists: long-term keys slip past the Deny'],
  ['deny-scoped-to-own-user', 'policies/mfa-blog/force-mfa.json', 123, 'blog: the Deny only covers the caller\'s own user and MFA ARNs'],
  ['resource-type-mismatch', 'policies/mfa-blog/force-mfa.json', 9, 'blog: AllowViewAccountInfo scopes account-level actions to user ARNs'],
  ['redundant-action', 'policies/mfa-blog/force-mfa.json', 117, 'blog: iam:ListMFADevices listed twice'],
  ['placeholder-account', 'policies/mfa-blog/force-mfa.json', 13, 'blog: "orga_id" replaced by the documentation account'],
  ['terraform-escape', 'policies/mfa-blog/force-mfa-pasted-verbatim.json', 13, 'blog: the Terraform-escaped text pasted into IAM'],
  ['mfa-deny-locks-out', 'policies/mfa-enforcement/mfa-enforcement.json', 8, 'setup guide: without MFA the new user cannot change the password'],
  ['type-mismatch', 'policies/mfa-runbook/sensitive-bucket-string-equals.json', 10, 'runbook: StringEquals on aws:MultiFactorAuthPresent'],
  ['mfa-age-deny-inverted', 'policies/mfa-runbook/sensitive-bucket-age-as-deny.json', 16, 'runbook: "this denies if MFA session older than 1 hour", as a Deny'],
  ['resource-type-mismatch', 'policies/evaluation-logic/gotcha1-common-mistake.json', 7, 'evaluation logic: s3:GetObject on the bucket ARN'],
  ['allow-with-notaction', 'policies/evaluation-logic/gotcha2-not-action.json', 7, 'evaluation logic: "all S3 actions except DeleteBucket" allows every service'],
  ['ceiling-allows-nothing', 'policies/evaluation-logic/rule3-deny-delete-bucket.json', 4, 'evaluation logic: Rule 3\'s Deny used as a permissions boundary'],
  ['missing-version', 'policies/evaluation-logic/policy-a-developers.json', 1, 'evaluation logic: Policy A has no Version'],
];

describe('the seed documents\' mistakes are lint findings on the seed suites\' policies', () => {
  const report = lintPaths(['scenarios'], { cwd: ROOT });
  for (const [rule, file, line, why] of KNOWN) {
    it(`${rule} on ${file}:${line} (${why})`, () => {
      const hits = report.findings.filter((f) => ruleId(f.code) === rule && f.file === file && f.position.line === line);
      expect(hits, report.findings.map((f) => `${f.file}:${f.position.line} ${ruleId(f.code)}`).join('\n')).not.toHaveLength(0);
    });
  }

  it('only the deliberately pasted Terraform text is disabled, with its reason; nothing else is an error', () => {
    const suppressed = report.findings.filter((f) => f.suppressed);
    expect(new Set(suppressed.map((f) => `${f.file} ${ruleId(f.code)}`))).toEqual(new Set(['policies/mfa-blog/force-mfa-pasted-verbatim.json terraform-escape']));
    expect(suppressed[0]!.suppressed!.reason).toContain('pasted');
    expect(report.findings.filter((f) => f.severity === 'error' && !f.suppressed)).toEqual([]);
  });
});
