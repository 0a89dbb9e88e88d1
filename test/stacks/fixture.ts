// Hand-built suites for the stack tests (what the loader produces), so the stack can be tested
// before and independently of YAML loading. Their documents carry every character that Terraform,
// CDKTF or moto could mangle: IAM policy variables `${…}` (with a default value), `%{`, `$$`,
// `$${`, `+`, `%`, backslashes, quotes, Latin-1 text and a newline.

import type { Suite } from '../../src/scenario/model.ts';
import { ACCOUNT, bool, buildSuite, num, str, type SuiteSpec } from '../scenario/build-suite.ts';

export { ACCOUNT };

export const MFA_ENFORCEMENT = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowManageOwnVirtualMFADevice',
      Effect: 'Allow',
      Action: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices', 'iam:ResyncMFADevice'],
      Resource: [`arn:aws:iam::${ACCOUNT}:mfa/\${aws:username}`, `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`],
    },
    {
      Sid: 'BlockMostAccessUnlessSignedInWithMFA',
      Effect: 'Deny',
      NotAction: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices', 'iam:ResyncMFADevice', 'sts:GetSessionToken'],
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    },
  ],
};

/** Every awkward character in condition values and resources. */
export const DEV_TEAM_S3 = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowOwnPrefixWithMFA',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: ['arn:aws:s3:::team-bucket/home/${aws:username}/*', "arn:aws:s3:::team-bucket/teams/${aws:PrincipalTag/team, 'none'}/*"],
      Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
    },
    {
      Sid: 'ListOddPrefixes',
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::team-bucket',
      Condition: {
        StringEquals: {
          's3:prefix': ['a+b c', '100%', '%41%2B', '%{x}', '$$', '$${aws:username}', 'back\\slash "quoted"', 'Zürich ÿ é', 'line\nbreak'],
        },
      },
    },
  ],
};

export const DEV_BOUNDARY = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'Ceiling', Effect: 'Allow', Action: ['s3:*', 'iam:*MFA*', 'sts:GetSessionToken'], Resource: '*' }],
};

export const DENY_LEAVE_ORG = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'NoLeaving', Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }],
};

/** AWS's AdministratorAccess, as a suite keeps a copy of it under policies/aws-managed/. */
export const ADMINISTRATOR_ACCESS = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

export const FULL_ACCESS = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
};

export function deploySuiteSpec(): SuiteSpec {
  return {
    name: 'Deploy fixture: MFA and team prefixes',
    file: '/work/project/scenarios/deploy-fixture.yaml',
    policies: {
      'mfa-enforcement': MFA_ENFORCEMENT,
      'dev-team-s3': DEV_TEAM_S3,
      'dev-boundary': DEV_BOUNDARY,
      AdministratorAccess: ADMINISTRATOR_ACCESS,
    },
    groups: { 'All-Staff': ['mfa-enforcement'], 'Dev-Team': ['dev-team-s3'], Admins: ['AdministratorAccess'] },
    principals: {
      john: {
        arn: `arn:aws:iam::${ACCOUNT}:user/john.doe`,
        groups: ['All-Staff', 'Dev-Team'],
        boundary: 'dev-boundary',
        tags: { team: 'dev' },
      },
      admin: { arn: `arn:aws:iam::${ACCOUNT}:user/ada.admin`, groups: ['Admins'] },
    },
    context: { 'aws:MultiFactorAuthPresent': bool(true), 'aws:MultiFactorAuthAge': num(600) },
    cases: [
      {
        name: 'with MFA, john writes his own prefix',
        principal: 'john',
        action: 's3:PutObject',
        resource: 'arn:aws:s3:::team-bucket/home/john.doe/notes.txt',
        expect: 'allowed',
      },
      {
        name: 'with MFA, john reads his team prefix',
        principal: 'john',
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::team-bucket/teams/dev/plan.txt',
        expect: 'allowed',
      },
      {
        name: 'the odd prefix "a+b c" is listed',
        principal: 'john',
        action: 's3:ListBucket',
        resource: 'arn:aws:s3:::team-bucket',
        context: { 's3:prefix': str('a+b c') },
        expect: 'allowed',
      },
      {
        name: 'without MFA everything but MFA self-service is denied',
        principal: 'john',
        action: ['s3:GetObject', 'ec2:DescribeInstances'],
        resource: '*',
        context: { 'aws:MultiFactorAuthPresent': bool(false) },
        expect: 'explicitDeny',
        decidedBy: ['mfa-enforcement#BlockMostAccessUnlessSignedInWithMFA'],
      },
      {
        name: 'without MFA john still enables his MFA device',
        principal: 'john',
        action: 'iam:EnableMFADevice',
        resource: `arn:aws:iam::${ACCOUNT}:user/john.doe`,
        context: { 'aws:MultiFactorAuthPresent': bool(false) },
        expect: 'allowed',
      },
      {
        name: 'an admin describes instances',
        principal: 'admin',
        action: 'ec2:DescribeInstances',
        resource: '*',
        expect: 'allowed',
      },
      {
        name: 'the boundary caps the groups',
        principal: 'john',
        action: 'ec2:DescribeInstances',
        resource: '*',
        expect: 'implicitDeny',
      },
    ],
  };
}

/** Marks a hand-built suite's policy as read from a file under policies/aws-managed/ (as the loader would). */
export function fromAwsManagedFile(suite: Suite, name: string, root = '/work/project'): Suite {
  const p = suite.policies.get(name);
  if (p) {
    p.path = `${root}/policies/aws-managed/${name}.json`;
    p.text = `${JSON.stringify(p.document, null, 2)}\n`;
  }
  return suite;
}

/** buildSuite, with the fixture's AdministratorAccess read from policies/aws-managed/. */
export function buildFixture(spec: SuiteSpec): Suite {
  return fromAwsManagedFile(buildSuite(spec), 'AdministratorAccess');
}

export function deploySuite(extra: Partial<SuiteSpec> = {}): Suite {
  return buildFixture({ ...deploySuiteSpec(), ...extra });
}
