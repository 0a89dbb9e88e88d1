// The validator's catalog checks (src/policy/validate/catalog.ts): each check with a policy that
// triggers it and one that does not, and the cases where AWS accepts what a naive check would
// reject (key case, tag-key templates, identity-provider keys, services newer than the catalog).

import { describe, expect, it } from 'vitest';
import { readPolicy, type Finding, type PolicyType } from '../../src/policy/index.ts';

interface St {
  Effect?: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

function check(statements: St[], type: PolicyType = 'identity', version = '2012-10-17'): Finding[] {
  const doc = { Version: version, Statement: statements.map((s) => ({ Effect: 'Allow', ...(s.Action || s.NotAction ? {} : { Action: 's3:GetObject' }), Resource: '*', ...s })) };
  return readPolicy(JSON.stringify(doc, null, 2), { name: 'p', type, catalog: true }).findings;
}
const codes = (fs: Finding[]) => fs.map((f) => `${f.severity} ${f.code}`);

describe('actions against the catalog', () => {
  it('an unknown action of a known service is an error with a suggestion; its right spelling is not', () => {
    const bad = check([{ Action: ['s3:GetObjects'] }]);
    expect(codes(bad)).toEqual(['error Invalid action']);
    expect(bad[0]!.message).toContain('did you mean "s3:GetObject"?');
    expect(check([{ Action: ['s3:GetObject', 'S3:getobject'] }])).toEqual([]);
  });

  it('a pattern that matches no action of its service is an error; one that matches some is not', () => {
    expect(codes(check([{ Action: 's3:Gte*' }]))).toEqual(['error Invalid action']);
    expect(check([{ Action: ['s3:Get*', 'ec2:Describe*', 'iam:*MFA*'] }])).toEqual([]);
  });

  it('NotAction entries are checked too (a typo there exempts nothing)', () => {
    expect(codes(check([{ Effect: 'Deny', NotAction: ['iam:ChangePasword'] }]))).toEqual(['error Invalid action']);
  });

  it('a service the catalog does not know is a warning (it may be newer than the catalog), with a suggestion', () => {
    const f = check([{ Action: 's33:GetObject' }]);
    expect(codes(f)).toEqual(['warning Unknown service']);
    expect(f[0]!.message).toContain('did you mean "s3"?');
  });
});

describe('condition keys against the catalog', () => {
  it('an unknown aws: key is an error with a suggestion; keys are case-insensitive', () => {
    const f = check([{ Condition: { Bool: { 'aws:SecureTransprot': 'true' } } }]);
    expect(codes(f)).toEqual(['error Invalid global condition key']);
    expect(f[0]!.message).toContain('did you mean "aws:SecureTransport"?');
    expect(check([{ Condition: { Bool: { 'AWS:securetransport': 'true' } } }])).toEqual([]);
  });

  it('a key a known service does not define is an error; the service\'s own keys are not', () => {
    const f = check([{ Condition: { StringEquals: { 'ec2:InstanceTyp': 't3.micro' } } }]);
    expect(codes(f)).toEqual(['error Invalid service condition key']);
    expect(f[0]!.message).toContain('did you mean "ec2:InstanceType"?');
    expect(check([{ Condition: { StringEquals: { 'ec2:InstanceType': 't3.micro', 's3:prefix': 'home/' } } }])).toEqual([]);
  });

  it('tag keys match the catalog templates (aws:RequestTag/${TagKey}, s3:ExistingObjectTag/<key>)', () => {
    expect(
      check([{ Condition: { StringEquals: { 'aws:RequestTag/Cost Center': 'x', 'aws:PrincipalTag/team': 'dev', 's3:ExistingObjectTag/Project': 'p' } } }]),
    ).toEqual([]);
  });

  it('identity-provider keys (dotted prefixes) are accepted; an unknown plain prefix is a warning', () => {
    expect(
      check([{ Condition: { StringEquals: { 'accounts.google.com:aud': 'x', 'oidc.eks.us-east-1.amazonaws.com/id/ABC:sub': 'y' } } }]),
    ).toEqual([]);
    expect(codes(check([{ Condition: { StringEquals: { 'frobnitz:Thing': 'x' } } }]))).toEqual(['warning Unknown service']);
  });

  it('Type mismatch: a string operator on a Bool key names Bool; Bool on it is fine', () => {
    const f = check([{ Condition: { StringEquals: { 'aws:MultiFactorAuthPresent': 'true' } } }]);
    expect(codes(f)).toEqual(['warning Type mismatch']);
    expect(f[0]!.message).toContain('use "Bool"');
    expect(check([{ Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }])).toEqual([]);
  });

  it('Type mismatch names the matching operator of the right family', () => {
    const msg = (op: string, key: string, v: string) => check([{ Condition: { [op]: { [key]: v } } }])[0]?.message ?? '';
    expect(msg('StringNotLike', 'aws:SourceIp', '10.*')).toContain('use "NotIpAddress"');
    expect(msg('NumericLessThan', 'aws:CurrentTime', '1700000000')).toContain('use "DateLessThan"');
    expect(msg('StringEqualsIfExists', 'aws:MultiFactorAuthAge', '3600')).toContain('use "NumericEqualsIfExists"');
  });

  it('ARN keys take Arn and String operators; aws:EpochTime takes Date and Numeric ones; Null takes any key', () => {
    expect(
      check([
        {
          Condition: {
            ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/x' },
            StringLike: { 'aws:SourceArn': 'arn:aws:sns:*' },
            NumericGreaterThan: { 'aws:EpochTime': '1700000000' },
            DateGreaterThan: { 'aws:CurrentTime': '2025-01-01' },
            Null: { 'aws:TagKeys': 'true', 'aws:MultiFactorAuthAge': 'false' },
          },
        },
      ]),
    ).toEqual([]);
  });

  it('Missing qualifier (spec §4.3): a plain operator on a multivalued key is an error; a qualified one is not', () => {
    const f = check([{ Condition: { StringEquals: { 'aws:TagKeys': 'env' } } }]);
    expect(codes(f)).toEqual(['error Missing qualifier']);
    expect(f[0]!.message).toContain('"ForAnyValue:StringEquals"');
    expect(check([{ Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env'] } } }])).toEqual([]);
  });

  it('ForAllValues / ForAnyValue on a single-valued key are warnings; the plain operator is not', () => {
    expect(codes(check([{ Condition: { 'ForAllValues:StringEquals': { 'aws:RequestedRegion': 'eu-west-1' } } }]))).toEqual([
      'warning ForAllValues with single valued key',
    ]);
    expect(codes(check([{ Condition: { 'ForAnyValue:StringEquals': { 'aws:RequestedRegion': 'eu-west-1' } } }]))).toEqual([
      'warning ForAnyValue with single valued key',
    ]);
    expect(check([{ Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }])).toEqual([]);
  });

  it('a set qualifier and a wrong type on a single-valued key: both findings suggest the same operator', () => {
    const f = check([{ Condition: { 'ForAllValues:StringEqualsIfExists': { 'aws:SourceIp': '10.0.0.1' } } }]);
    expect(codes(f)).toEqual(['warning ForAllValues with single valued key', 'warning Type mismatch']);
    for (const finding of f) expect(finding.message).toMatch(/use "IpAddressIfExists"$/);
    expect(f[1]!.message).toContain('aws:SourceIp is an IPAddress key');
    // On a multivalued key the qualifier stays in the suggestion.
    expect(check([{ Condition: { 'ForAnyValue:NumericEquals': { 'aws:TagKeys': '1' } } }])[0]!.message).toMatch(/use "ForAnyValue:StringEquals"$/);
  });
});

describe('actions vs the statement\'s resources (spec §3.1, §3.2)', () => {
  it('s3:ListBucket on object ARNs and s3:GetObject on a bucket ARN are warnings; the right pairs are not', () => {
    expect(codes(check([{ Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b/*' }]))).toEqual(['warning Resource type mismatch']);
    expect(codes(check([{ Action: 's3:GetObject', Resource: 'arn:aws:s3:::b' }]))).toEqual(['warning Resource type mismatch']);
    expect(check([{ Action: ['s3:ListBucket', 's3:GetObject'], Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'] }])).toEqual([]);
    expect(check([{ Action: 's3:GetObject', Resource: 'arn:aws:s3:::b*' }])).toEqual([]);
  });

  it('an action without resource types needs Resource "*" (spec §3.1 [SECONDARY])', () => {
    const f = check([{ Action: 'iam:GetAccountSummary', Resource: 'arn:aws:iam::123456789012:user/${aws:username}' }]);
    expect(codes(f)).toEqual(['warning Resource type mismatch']);
    expect(f[0]!.message).toContain('no resource-level permissions');
    expect(check([{ Action: 'iam:GetAccountSummary', Resource: '*' }])).toEqual([]);
  });

  it('variables stand for any text; a pattern warns only when none of its actions can match', () => {
    expect(check([{ Action: 'iam:ChangePassword', Resource: 'arn:aws:iam::123456789012:user/${aws:username}' }])).toEqual([]);
    expect(check([{ Action: 's3:*', Resource: 'arn:aws:s3:::b' }])).toEqual([]);
    expect(codes(check([{ Action: 's3:*Object', Resource: 'arn:aws:s3:::b' }]))).toEqual(['warning Resource type mismatch']);
  });

  it('NotAction and NotResource statements are not judged', () => {
    expect(check([{ Effect: 'Deny', NotAction: 's3:ListBucket', Resource: 'arn:aws:s3:::b/*' }])).toEqual([]);
  });
});

describe('where the checks run', () => {
  it('only on request: plain readPolicy (what compilePolicy uses) never consults the catalog', () => {
    const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObjects', Resource: '*' }] };
    expect(readPolicy(doc, { name: 'p', type: 'identity' }).findings).toEqual([]);
  });

  it('a catalog error leaves no policy (as any error does); a warning keeps it', () => {
    const bad = readPolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObjects', Resource: '*' }] }, { name: 'p', type: 'identity', catalog: true });
    expect(bad.policy).toBeUndefined();
    const warn = readPolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b' }] }, { name: 'p', type: 'identity', catalog: true });
    expect(warn.policy).toBeDefined();
    expect(warn.findings[0]).toMatchObject({ code: 'Resource type mismatch', policy: 'p' });
  });
});
