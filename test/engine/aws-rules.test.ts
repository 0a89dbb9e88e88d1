// Requests AWS decides whatever the policies say (spec §1.9, src/engine/aws-rules.ts): actions that
// need no permission, and resources nobody may change. Each test names the AWS page it rests on.
import { describe, expect, it } from 'vitest';
import { NO_PERMISSION_ACTIONS, PROTECTED_RESOURCES } from '../../src/engine/aws-rules.ts';
import { decide, id, rbp, scp } from './helpers.ts';

const A = '111111111111';
const USER = `arn:aws:iam::${A}:user/alice`;
const ROLE = `arn:aws:iam::${A}:role/app`;
const FED = `arn:aws:sts::${A}:federated-user/bob`;
const ROOT = `arn:aws:iam::${A}:root`;
const SLR = `arn:aws:iam::${A}:role/aws-service-role/sso.amazonaws.com/AWSServiceRoleForSSO`;

const denyAll = id('deny-all', { Sid: 'DenyEverything', Effect: 'Deny', Action: '*', Resource: '*' });
const admin = id('admin', { Sid: 'Admin', Effect: 'Allow', Action: '*', Resource: '*' });

describe('§1.9 actions that need no permission', () => {
  it('sts:GetCallerIdentity is allowed against an explicit Deny (STS API Reference: GetCallerIdentity)', () => {
    for (const principal of [USER, ROLE, FED, ROOT]) {
      const r = decide({ principal, action: 'sts:GetCallerIdentity', resource: '*' }, { identity: [denyAll] });
      expect(r.decision, principal).toBe('allowed');
      expect(r.decidedBy).toEqual([]);
      expect(r.explanation.reason).toContain('no permissions are required to call sts:GetCallerIdentity');
      expect(r.explanation.reason).toContain('AWS STS API Reference: GetCallerIdentity');
      expect(r.explanation.gates[0]).toMatchObject({ gate: 'no-permission', outcome: 'pass' });
    }
  });

  it('sts:GetCallerIdentity is allowed with no policy at all and past an SCP Deny (STS API Reference: GetCallerIdentity)', () => {
    expect(decide({ principal: USER, action: 'sts:GetCallerIdentity', resource: '*' }, {}).decision).toBe('allowed');
    const org = { scps: [[scp('deny', { Effect: 'Deny', Action: 'sts:*', Resource: '*' })]] };
    expect(decide({ principal: USER, action: 'sts:GetCallerIdentity', resource: '*' }, org).decision).toBe('allowed');
  });

  it('the explanation still lists the Deny that did not count (STS API Reference: GetCallerIdentity)', () => {
    const r = decide({ principal: USER, action: 'sts:GetCallerIdentity', resource: '*' }, { identity: [denyAll] });
    expect(r.explanation.statements.find((t) => t.ref.sid === 'DenyEverything')?.matched).toBe(true);
  });

  it('sts:GetSessionToken needs no permission from an IAM user or the root user (IAM User Guide: Permissions for GetSessionToken)', () => {
    const mfaDeny = id('mfa', {
      Sid: 'BlockWithoutMFA',
      Effect: 'Deny',
      NotAction: 'iam:ListMFADevices',
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    });
    for (const principal of [USER, ROOT]) {
      const r = decide({ principal, action: 'sts:GetSessionToken', resource: '*' }, { identity: [mfaDeny] });
      expect(r.decision, principal).toBe('allowed');
      expect(r.explanation.reason).toContain('policies cannot control authentication operations');
    }
  });

  it('sts:GetSessionToken is refused to role and federated-user sessions, even with an Allow (STS API Reference: GetSessionToken, long-term credentials only)', () => {
    for (const principal of [ROLE, FED]) {
      const r = decide({ principal, action: 'sts:GetSessionToken', resource: '*' }, { identity: [admin] });
      expect(r.decision, principal).toBe('explicitDeny');
      expect(r.decidedBy).toEqual([]);
      expect(r.explanation.reason).toContain('session credentials cannot call it');
    }
  });

  it('other STS actions are decided by policies as usual', () => {
    expect(decide({ principal: USER, action: 'sts:GetFederationToken', resource: '*' }, { identity: [denyAll] }).decision).toBe('explicitDeny');
    expect(decide({ principal: USER, action: 'sts:GetAccessKeyInfo', resource: '*' }, {}).decision).toBe('implicitDeny');
  });

  it('an anonymous caller gets no free pass: the rule is for signed callers (STS API Reference: GetCallerIdentity returns the caller)', () => {
    expect(decide({ principal: 'anonymous', action: 'sts:GetCallerIdentity', resource: '*' }, {}).decision).toBe('implicitDeny');
  });

  it('every row cites an AWS page', () => {
    for (const r of NO_PERMISSION_ACTIONS) expect(r.source.url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  });
});

describe('§1.9 resources AWS never lets anyone change', () => {
  it('AWS managed policies: version, delete, tag are refused to an administrator (IAM User Guide: AWS managed policies)', () => {
    for (const action of ['iam:CreatePolicyVersion', 'iam:DeletePolicy', 'iam:DeletePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:TagPolicy', 'iam:UntagPolicy']) {
      const r = decide({ principal: USER, action, resource: 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess' }, { identity: [admin] });
      expect(r.decision, action).toBe('explicitDeny');
      expect(r.decidedBy).toEqual([]);
      expect(r.explanation.reason).toContain('AWS never lets anyone change AWS managed policies');
      expect(r.explanation.reason).toContain('IAM User Guide');
    }
  });

  it('AWS managed policies: the root user is refused too; reading and attaching stay policy decisions (IAM User Guide: AWS managed policies)', () => {
    expect(decide({ principal: ROOT, action: 'iam:DeletePolicy', resource: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, {}).decision).toBe('explicitDeny');
    expect(decide({ principal: USER, action: 'iam:GetPolicy', resource: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, { identity: [admin] }).decision).toBe('allowed');
    // A customer managed policy of the same name is the customer's own.
    expect(decide({ principal: USER, action: 'iam:DeletePolicy', resource: `arn:aws:iam::${A}:policy/ReadOnlyAccess` }, { identity: [admin] }).decision).toBe('allowed');
  });

  it('a matching Deny still names itself: the protection does not hide it', () => {
    const deny = id('deny', { Sid: 'NoPolicyChanges', Effect: 'Deny', Action: 'iam:*Policy*', Resource: '*' });
    const r = decide({ principal: USER, action: 'iam:DeletePolicy', resource: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, { identity: [admin, deny] });
    expect(r.decision).toBe('explicitDeny');
    expect(r.decidedBy).toEqual(['deny#NoPolicyChanges']);
  });

  it('roles under /aws-reserved/ cannot be changed by customers, but IAM Identity Center\'s service-linked role can (AWS Managed Policy Reference: AWSSSOServiceRolePolicy) [SECONDARY: UnmodifiableEntity reports]', () => {
    const role = `arn:aws:iam::${A}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef`;
    for (const action of ['iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:DeleteRole', 'iam:UpdateAssumeRolePolicy', 'iam:TagRole']) {
      expect(decide({ principal: USER, action, resource: role }, { identity: [admin] }).decision, action).toBe('explicitDeny');
    }
    expect(decide({ principal: USER, action: 'iam:GetRole', resource: role }, { identity: [admin] }).decision).toBe('allowed');
    expect(decide({ principal: SLR, action: 'iam:PutRolePolicy', resource: role }, { identity: [admin] }).decision).toBe('allowed');
  });

  it('service-linked roles: policies and trust policy cannot be changed, the description can (IAM API Reference: UnmodifiableEntity; IAM User Guide: Update a service-linked role)', () => {
    const role = `arn:aws:iam::${A}:role/aws-service-role/elasticmapreduce.amazonaws.com/AWSServiceRoleForEMR`;
    expect(decide({ principal: USER, action: 'iam:AttachRolePolicy', resource: role }, { identity: [admin] }).decision).toBe('explicitDeny');
    expect(decide({ principal: USER, action: 'iam:DeleteRole', resource: role }, { identity: [admin] }).decision).toBe('explicitDeny');
    expect(decide({ principal: USER, action: 'iam:UpdateRoleDescription', resource: role }, { identity: [admin] }).decision).toBe('allowed');
  });

  it('KMS aliases under alias/aws/ cannot be created, updated or deleted (KMS Developer Guide: Create aliases)', () => {
    const alias = `arn:aws:kms:us-east-1:${A}:alias/aws/s3`;
    for (const action of ['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias']) {
      expect(decide({ principal: USER, action, resource: alias }, { identity: [admin] }).decision, action).toBe('explicitDeny');
    }
    expect(decide({ principal: USER, action: 'kms:DeleteAlias', resource: `arn:aws:kms:us-east-1:${A}:alias/mine` }, { identity: [admin] }).decision).toBe('allowed');
  });

  it('a resource policy cannot grant it either (IAM User Guide: AWS managed policies)', () => {
    const policy = rbp('grant', { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' });
    expect(decide({ principal: 'anonymous', action: 'kms:DeleteAlias', resource: `arn:aws:kms:us-east-1:${A}:alias/aws/ebs` }, { resource: policy }).decision).toBe('explicitDeny');
  });

  it('every row cites its source and lists concrete actions', () => {
    for (const r of PROTECTED_RESOURCES) {
      expect(r.source.url).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(r.actions.length).toBeGreaterThan(0);
      for (const a of r.actions) expect(a).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
    }
  });
});
