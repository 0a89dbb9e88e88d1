// A small project on disk (policies/ and scenarios/) for CLI tests, in-process and child-process.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const ACCOUNT = '123456789012';

export const MFA = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'BlockMostAccessUnlessSignedInWithMFA',
      Effect: 'Deny',
      NotAction: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices', 'iam:ChangePassword', 'sts:GetSessionToken'],
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    },
  ],
};

export const S3 = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::team/*' }],
};

export const PASSING = `suite: Passing
policies:
  mfa: ../policies/mfa.json
  s3: ../policies/s3.json
groups:
  staff: [mfa, s3]
principals:
  john:
    arn: arn:aws:iam::${ACCOUNT}:user/john
    groups: [staff]
context:
  aws:MultiFactorAuthPresent: true
cases:
  - name: reads with MFA
    principal: john
    action: s3:GetObject
    resource: arn:aws:s3:::team/a.csv
    expect: allowed
    decidedBy: s3#Read
  - name: denied without MFA
    principal: john
    action: [s3:GetObject, ec2:DescribeInstances]
    resource: "*"
    context: {aws:MultiFactorAuthPresent: false}
    expect: explicitDeny
`;

export const FAILING = `suite: Failing
policies:
  mfa: ../policies/mfa.json
  s3: ../policies/s3.json
principals:
  john:
    arn: arn:aws:iam::${ACCOUNT}:user/john
    policies: [mfa, s3]
cases:
  - name: passes
    principal: john
    action: s3:GetObject
    resource: arn:aws:s3:::team/a.csv
    context: {aws:MultiFactorAuthPresent: true}
    expect: allowed
  - name: wrongly expects access without MFA
    principal: john
    action: s3:GetObject
    resource: arn:aws:s3:::team/a.csv
    context: {aws:MultiFactorAuthPresent: false}
    expect: allowed
`;

/** Line of the failing case's `- name:` in FAILING. */
export const FAILING_CASE_LINE = 16;

export const BROKEN = `suite: Broken
policies:
  s3: ../policies/s3.json
principals:
  john:
    arn: arn:aws:iam::${ACCOUNT}:user/john
    policies: [s3, nosuchpolicy]
cases:
  - name: x
    principal: john
    action: s3:GetObject
    resource: "*"
    expect: allowed
`;

export function project(suites: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'iamspec-cli-'));
  const files: Record<string, string> = {
    'policies/mfa.json': JSON.stringify(MFA, null, 2),
    'policies/s3.json': JSON.stringify(S3, null, 2),
  };
  for (const [name, text] of Object.entries(suites)) files[`scenarios/${name}.yaml`] = text;
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}
