// The lint rules of src/policy/lint: each with a policy that triggers it and one that does not,
// and the disable entries (rule id or code, policy, statement by Sid or index).

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyDisables, RULE_IDS } from '../../src/policy/lint/disable.ts';
import { lintPolicy, RULES, ruleId } from '../../src/policy/lint/index.ts';
import { readPolicy, type Finding, type PolicyType } from '../../src/policy/index.ts';

function lint(doc: object, type: PolicyType = 'identity'): Finding[] {
  const r = readPolicy(JSON.stringify(doc, null, 2), { name: 'p', type });
  expect(r.policy, JSON.stringify(r.findings)).toBeDefined();
  return lintPolicy(r.policy!);
}
const policy = (...Statement: object[]) => ({ Version: '2012-10-17', Statement });
const codes = (fs: Finding[]) => fs.map((f) => f.code);

const MFA_DENY = (op: string, value = 'false', extra: object = {}) => ({
  Sid: 'BlockWithoutMFA',
  Effect: 'Deny',
  NotAction: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices', 'iam:ChangePassword', 'sts:GetSessionToken'],
  Resource: '*',
  Condition: { [op]: { 'aws:MultiFactorAuthPresent': value } },
  ...extra,
});

interface Case {
  rule: string;
  type?: PolicyType;
  hit: object;
  miss: object;
  line?: number;
}

const CASES: Case[] = [
  { rule: 'MFA Deny with Bool', hit: policy(MFA_DENY('Bool')), miss: policy(MFA_DENY('BoolIfExists')) },
  {
    rule: 'MFA Deny locks out',
    hit: policy(MFA_DENY('BoolIfExists', 'false', { NotAction: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices'] })),
    miss: policy(MFA_DENY('BoolIfExists')),
  },
  {
    rule: 'MFA age Deny inverted',
    hit: policy({ Effect: 'Deny', Action: 's3:GetObject', Resource: '*', Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } } }),
    miss: policy({ Effect: 'Deny', Action: 's3:GetObject', Resource: '*', Condition: { NumericGreaterThan: { 'aws:MultiFactorAuthAge': '3600' } } }),
  },
  {
    rule: 'Deny scoped to own user',
    hit: policy(MFA_DENY('BoolIfExists', 'false', { Resource: ['arn:aws:iam::210987654321:user/${aws:username}', 'arn:aws:iam::210987654321:mfa/*'] })),
    miss: policy({ Effect: 'Deny', Action: 'iam:DeleteUser', Resource: 'arn:aws:iam::210987654321:user/${aws:username}' }),
  },
  {
    rule: 'Allow with NotAction',
    hit: policy({ Effect: 'Allow', NotAction: 's3:DeleteBucket', Resource: '*' }),
    miss: policy({ Effect: 'Deny', NotAction: 's3:DeleteBucket', Resource: '*' }),
  },
  {
    rule: 'Allow with NotResource',
    hit: policy({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' }),
    miss: policy({ Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::ok', 'arn:aws:s3:::ok/*'] }),
  },
  {
    rule: 'Public access',
    type: 'resource',
    hit: policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }),
    miss: policy({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } }),
  },
  {
    rule: 'Ceiling allows nothing',
    type: 'boundary',
    hit: policy({ Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' }),
    miss: policy({ Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' }),
  },
  {
    rule: 'Terraform escape',
    hit: policy({ Effect: 'Allow', Action: 'iam:ChangePassword', Resource: 'arn:aws:iam::210987654321:user/$${aws:username}' }),
    miss: policy({ Effect: 'Allow', Action: 'iam:ChangePassword', Resource: 'arn:aws:iam::210987654321:user/${aws:username}' }),
  },
  {
    rule: 'Redundant action',
    hit: policy({ Effect: 'Allow', Action: ['s3:Get*', 's3:GetObject'], Resource: '*' }),
    miss: policy({ Effect: 'Allow', Action: ['s3:Get*', 's3:PutObject'], Resource: '*' }),
  },
  {
    rule: 'Placeholder account',
    hit: policy({ Effect: 'Allow', Action: 'iam:GetUser', Resource: 'arn:aws:iam::111122223333:user/a' }),
    miss: policy({ Effect: 'Allow', Action: 'iam:GetUser', Resource: 'arn:aws:iam::210987654321:user/a' }),
  },
];

describe('lint rules: a policy that triggers each one and one that does not', () => {
  for (const c of CASES) {
    it(`${c.rule} [${ruleId(c.rule)}]`, () => {
      const hit = lint(c.hit, c.type).filter((f) => f.code === c.rule);
      expect(hit, JSON.stringify(lint(c.hit, c.type))).toHaveLength(1);
      const info = RULES.find((r) => r.code === c.rule)!;
      expect(hit[0]).toMatchObject({ severity: info.severity, policy: 'p' });
      expect(hit[0]!.message).toMatch(/: [a-z"].*/); // says what to do after the colon
      expect(codes(lint(c.miss, c.type))).not.toContain(c.rule);
    });
  }

  it('every lint-only rule of the table has a case above', () => {
    const catalog = ['Invalid action', 'Unknown service', 'Invalid global condition key', 'Invalid service condition key', 'Missing qualifier', 'Type mismatch', 'ForAllValues with single valued key', 'ForAnyValue with single valued key', 'Resource type mismatch'];
    expect(RULES.map((r) => r.code).filter((c) => !catalog.includes(c)).sort()).toEqual(CASES.map((c) => c.rule).sort());
  });

  it('Public access is only for resource and trust policies, and a negated or IfExists test does not narrow', () => {
    const open = { Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };
    expect(codes(lint(policy({ ...open, Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-abc123' } } }), 'resource'))).toContain('Public access');
    expect(codes(lint(policy({ ...open, Condition: { StringEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc123' } } }), 'resource'))).toContain('Public access');
    expect(codes(lint(policy(open), 'endpoint'))).not.toContain('Public access');
  });

  it('Terraform escape points at the "$$" itself', () => {
    const doc = policy({ Effect: 'Allow', Action: 'iam:GetUser', Resource: 'arn:aws:iam::210987654321:user/$${aws:username}' });
    const f = lint(doc).find((x) => x.code === 'Terraform escape')!;
    const line = JSON.stringify(doc, null, 2).split('\n')[f.position.line - 1]!;
    expect(line.slice(f.position.column - 1)).toMatch(/^\$\$\{aws:username\}"$/);
  });

  it('MFA Deny locks out names exactly the self-service actions it blocks', () => {
    const f = lint(policy(MFA_DENY('BoolIfExists', 'false', { NotAction: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices'] }))).find((x) => x.code === 'MFA Deny locks out')!;
    expect(f.message).toContain('blocks iam:ChangePassword:');
    expect(f.message).toContain('add it to NotAction');
  });

  it('MFA Deny locks out only when the Deny reaches IAM resources', () => {
    const narrow = { NotAction: ['sts:GetSessionToken'], Resource: 'arn:aws:s3:::reports/*' };
    expect(codes(lint(policy(MFA_DENY('BoolIfExists', 'false', narrow))))).not.toContain('MFA Deny locks out');
    const wide = { NotAction: ['sts:GetSessionToken'], Resource: 'arn:aws:iam::*:user/*' };
    expect(codes(lint(policy(MFA_DENY('BoolIfExists', 'false', wide))))).toContain('MFA Deny locks out');
  });
});

describe('disable entries', () => {
  const doc = policy(MFA_DENY('Bool'), { ...MFA_DENY('Bool'), Sid: 'Second' });
  const fresh = () => lint(doc).filter((f) => f.code === 'MFA Deny with Bool');
  const p = readPolicy(JSON.stringify(doc, null, 2), { name: 'p', type: 'identity' }).policy!;

  it('by id or code, for a policy, for a statement by Sid or index; the first match is recorded', () => {
    expect(applyDisables(fresh(), [{ rule: 'mfa-deny-with-bool', by: 'x:1:1' }], p).every((f) => f.suppressed?.by === 'x:1:1')).toBe(true);
    expect(applyDisables(fresh(), [{ rule: 'MFA Deny with Bool', policy: 'other', by: 'x' }], p).some((f) => f.suppressed)).toBe(false);
    const bySid = applyDisables(fresh(), [{ rule: 'mfa-deny-with-bool', statement: 'Second', reason: 'known', by: 'x' }], p);
    expect(bySid.map((f) => f.suppressed?.reason)).toEqual([undefined, 'known']);
    const byIndex = applyDisables(fresh(), [{ rule: 'mfa-deny-with-bool', statement: 0, by: 'x' }], p);
    expect(byIndex.map((f) => !!f.suppressed)).toEqual([true, false]);
  });

  it('every rule of the table and the validator\'s notices can be named', () => {
    for (const r of RULES) expect(RULE_IDS.has(ruleId(r.code))).toBe(true);
    expect(RULE_IDS.has('missing-version')).toBe(true);
    expect(RULE_IDS.has('invalid-effect')).toBe(false); // a grammar error cannot be disabled
  });

  it('every warning or suggestion the validator can report is nameable (a new one must join NOTICE_CODES)', () => {
    const dir = new URL('../../src/policy/validate/', import.meta.url);
    const found = new Set<string>();
    for (const f of readdirSync(dir)) {
      const text = readFileSync(new URL(f, dir), 'utf8');
      for (const m of text.matchAll(/add\(\s*'([^']+)',\s*(?:[\w.]+ \? '\w+' : )?'(?:warning|suggestion)'/g)) found.add(m[1]!);
      for (const m of text.matchAll(/severity: 'warning', code: '([^']+)'/g)) found.add(m[1]!);
      for (const m of text.matchAll(/'(Empty array \w+)'/g)) found.add(m[1]!);
    }
    expect(found.size).toBeGreaterThan(20);
    expect([...found].filter((c) => !RULE_IDS.has(ruleId(c)))).toEqual([]);
  });

  it('README "Linting" lists every rule with its severity', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const r of RULES) expect(readme).toContain(`| \`${ruleId(r.code)}\` | ${r.severity} |`);
  });
});
