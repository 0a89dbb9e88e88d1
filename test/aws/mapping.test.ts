// Suite cases → simulator inputs without the network: what the simulator cannot express
// (`unsupported`, one test per reason), context typing, SCP levels, statement mapping from
// positions, the canonical request hash, batching and the call-count plan.

import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/policy/json.ts';
import {
  AUTO_POPULATED,
  batchPlans,
  nameStatement,
  planCalls,
  planCase,
  planSuites,
  policyFingerprint,
  statementAt,
  unsupported,
  type SimInputs,
} from '../../src/aws/mapping.ts';
import type { Suite } from '../../src/scenario/model.ts';
import { mfaSuite } from './fixtures/mfa-suite.ts';
import { b, makeSuite, s, uncovered, type CaseDef, type PrincipalDef, type SuiteDef } from './helpers.ts';

const A = '111111111111';
const USER = `arn:aws:iam::${A}:user/alice`;
const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const allowS3 = { Version: '2012-10-17', Statement: [{ Sid: 'S3', Effect: 'Allow', Action: 's3:*', Resource: '*' }] };

const anyone = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }] };
const rcpDeny = { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] };

function one(
  principal: PrincipalDef,
  c: Partial<CaseDef> = {},
  extra: Partial<SuiteDef> = {},
  edit?: (s: Suite) => void,
): { suite: Suite; reason: string | null } {
  const suite = makeSuite({
    policies: { all: allowAll, s3: allowS3, anyone, rcpDeny, ...(extra.policies ?? {}) },
    principals: { p: principal, ...(extra.principals ?? {}) },
    ...(extra.resources ? { resources: extra.resources } : {}),
    ...(extra.organization ? { organization: extra.organization } : {}),
    cases: [{ name: 'c', principal: 'p', action: 's3:GetObject', resource: 'arn:aws:s3:::bucket/key', expect: 'allowed', ...c }],
  });
  edit?.(suite);
  return { suite, reason: unsupported(suite, suite.cases[0]!) };
}

describe('unsupported(suite, case): what the simulator cannot express (spec §7.4–7.5)', () => {
  it('null for what it can: a user or role with identity policies, a boundary, a bucket policy, SCPs', () => {
    expect(one({ arn: USER, policies: ['all'] }).reason).toBeNull();
    expect(one({ arn: `arn:aws:iam::${A}:role/path/app`, policies: ['s3'], boundary: 'all' }).reason).toBeNull();
    expect(
      one({ arn: USER, policies: ['s3'] }, {}, { resources: [{ arn: 'arn:aws:s3:::bucket', policy: 'anyone' }], organization: { scps: [['all'], ['all']] } }).reason,
    ).toBeNull();
  });

  it('anonymous requests', () => {
    expect(one({ arn: 'anonymous' }).reason).toMatch(/^the simulator cannot simulate anonymous \(unsigned\) requests/);
  });
  it('service principals', () => {
    expect(one({ arn: 'service:cloudtrail.amazonaws.com' }).reason).toMatch(/cannot simulate a service principal \(service:cloudtrail\.amazonaws\.com\)/);
  });
  it('the root user', () => {
    expect(one({ arn: `arn:aws:iam::${A}:root` }).reason).toMatch(/cannot simulate the account root user/);
  });
  it('federated-user sessions', () => {
    expect(one({ arn: `arn:aws:sts::${A}:federated-user/bob` }).reason).toMatch(/cannot simulate an STS federated-user session/);
  });
  it('assumed-role sessions, with the way out (use the role ARN)', () => {
    expect(one({ arn: `arn:aws:sts::${A}:assumed-role/app/s1`, policies: ['s3'] }).reason).toMatch(
      /cannot simulate an assumed-role session .*write the principal as its role ARN/,
    );
  });
  it('session policies', () => {
    expect(one({ arn: `arn:aws:iam::${A}:role/app`, policies: ['all'], session: ['s3'] }).reason).toMatch(
      /does not evaluate session policies, and principal "p" has session policies \(s3\)/,
    );
  });
  it('RCPs in play — only where they apply (member account, a service RCPs support)', () => {
    const org = { scps: [], rcps: [['rcpDeny']], accounts: [A] };
    expect(one({ arn: USER, policies: ['all'] }, {}, { organization: org }).reason).toMatch(/does not evaluate RCPs, and organization\.rcps apply to this request \(s3 resources of member account 111111111111\)/);
    // a service RCPs do not cover, or a resource outside the organization: the RCPs are not in play
    expect(one({ arn: USER, policies: ['all'] }, { action: 'ec2:DescribeInstances', resource: '*' }, { organization: org }).reason).toBeNull();
    expect(one({ arn: USER, policies: ['all'] }, {}, { organization: { ...org, accounts: ['222222222222'] }, resources: [{ arn: 'arn:aws:s3:::bucket/key', owner: '333333333333' }] }).reason).toBeNull();
  });
  it('requests AWS decides whatever the policies say: no-permission actions and protected resources (spec §1.9)', () => {
    expect(one({ arn: USER, policies: ['all'] }, { action: 'sts:GetCallerIdentity', resource: '*' }).reason).toMatch(
      /^the simulator evaluates policies only, and AWS decides this request whatever the policies say: no permissions are required to call sts:GetCallerIdentity.*AWS STS API Reference: GetCallerIdentity/,
    );
    expect(one({ arn: USER, policies: ['all'] }, { action: 'iam:DeletePolicy', resource: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }).reason).toMatch(
      /AWS never lets anyone change AWS managed policies/,
    );
    expect(one({ arn: USER, policies: ['all'] }, { action: 'iam:GetPolicy', resource: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }).reason).toBeNull();
  });
  it('more than one permissions boundary', () => {
    // The model holds one boundary name; a list (a future model or a hand-built suite) is refused, not half-sent.
    const r = one({ arn: USER, policies: ['all'] }, {}, {}, (suite) => {
      (suite.principals.get('p') as unknown as { boundary: string[] }).boundary = ['all', 's3'];
    });
    expect(r.reason).toMatch(/takes one permissions boundary, and principal "p" has 2/);
  });
  it('resource-based policies on IAM roles (trust policies)', () => {
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: USER }, Action: 'sts:AssumeRole' }] };
    const r = one({ arn: USER, policies: ['all'] }, { action: 'sts:AssumeRole', resource: `arn:aws:iam::${A}:role/deployer` }, { policies: { trust }, resources: [{ arn: `arn:aws:iam::${A}:role/deployer`, policy: 'trust' }] });
    expect(r.reason).toMatch(/does not support resource-based policies for IAM roles .*the trust policy "trust" of arn:aws:iam::111111111111:role\/deployer/);
  });
  it('more than 7 SCP levels', () => {
    const org = { scps: Array.from({ length: 8 }, () => ['all']) };
    expect(one({ arn: USER, policies: ['all'] }, {}, { organization: org }).reason).toMatch(/at most 7 organization levels .*has 8/);
    expect(one({ arn: USER, policies: ['all'] }, {}, { organization: { scps: Array.from({ length: 7 }, () => ['all']) } }).reason).toBeNull();
    // SCPs that do not apply (the management account's principals) are not sent, so not counted
    expect(one({ arn: USER, policies: ['all'] }, {}, { organization: { ...org, managementAccount: A } }).reason).toBeNull();
  });
  it('policy text over the API limit', () => {
    const big = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'x'.repeat(131_100), Effect: 'Allow', Action: 's3:*', Resource: '*' }] });
    expect(one({ arn: USER, policies: ['big'] }, {}, { policies: { big } }).reason).toMatch(/identity policy "big" is 131,\d{3} characters; the simulator takes at most 131,072/);
  });
  it('characters the API does not accept in policy text', () => {
    const text = '{"Version":"2012-10-17","Statement":[{"Sid":"Q","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/x":"\u2019"}}}]}';
    expect(one({ arn: USER, policies: ['odd'] }, {}, { policies: { odd: text } }).reason).toMatch(/contains U\+2019; the simulator accepts only TAB, LF, CR and U\+0020–U\+00FF/);
  });
  it('wildcard action names', () => {
    expect(one({ arn: USER, policies: ['all'] }, { action: 's3:Get*' }).reason).toMatch(/no wildcards in action names \("s3:Get\*"\)/);
  });
  it('an inAccount role with a resource policy: SimulatePrincipalPolicy takes one for IAM users only (spec §7.2)', () => {
    const res = { resources: [{ arn: 'arn:aws:s3:::bucket', policy: 'anyone' }] };
    expect(one({ arn: `arn:aws:iam::${A}:role/app`, policies: ['s3'], inAccount: true }, {}, res).reason).toMatch(
      /^SimulatePrincipalPolicy takes a resource policy for IAM users only, and principal "p" is a role marked inAccount: true, with the resource policy "anyone" of arn:aws:s3:::bucket\/key; drop inAccount/,
    );
    expect(one({ arn: USER, policies: ['s3'], inAccount: true }, {}, res).reason).toBeNull(); // a user: sent
    expect(one({ arn: `arn:aws:iam::${A}:role/app`, policies: ['s3'] }, {}, res).reason).toBeNull(); // Custom mode: sent
    expect(one({ arn: `arn:aws:iam::${A}:role/app`, policies: ['s3'], inAccount: true }).reason).toBeNull(); // no resource policy
  });
  it('an empty SCP level that applies: never sent (spec §7.2)', () => {
    expect(one({ arn: USER, policies: ['all'] }, {}, { organization: { scps: [['all'], []] } }).reason).toMatch(
      /^organization\.scps level 2 \(root first\) has no SCPs, which locally allows nothing there .*iamspec never sends an empty level/,
    );
    // SCPs that do not apply are not sent, so an empty level there is no reason
    expect(one({ arn: USER, policies: ['all'] }, {}, { organization: { scps: [['all'], []], managementAccount: A } }).reason).toBeNull();
  });
  describe('keys the simulator fills itself, where the local value is made up (spec §7.4)', () => {
    const on = (key: string, extra: Record<string, unknown> = {}) => ({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringLike: { [key]: '*' } }, ...extra }],
    });
    const with_ = (key: string) => ({ policies: { cond: on(key) } });
    it('aws:userid of a user without uniqueId', () => {
      expect(one({ arn: USER, policies: ['cond'] }, {}, with_('aws:userid')).reason).toMatch(
        /^a policy conditions on aws:userid, which the simulator fills itself from the caller, while iamspec's value is a synthetic AIDA… id \(give the principal its `uniqueId`\)/,
      );
      expect(one({ arn: USER, policies: ['cond'], uniqueId: 'AIDAEXAMPLEEXAMPLE01' }, {}, with_('aws:userid')).reason).toBeNull();
      // the case states the value: it is sent, not made up
      expect(one({ arn: USER, policies: ['cond'] }, { context: { 'aws:userid': s('AIDAX') } }, with_('aws:userid')).reason).toBeNull();
      // a statement about another action does not count
      expect(one({ arn: USER, policies: ['cond'] }, { action: 's3:PutObject' }, with_('aws:userid')).reason).toBeNull();
    });
    it('aws:PrincipalType and aws:userid of a role (iamspec decides a session, the simulator the role)', () => {
      const role = { arn: `arn:aws:iam::${A}:role/app`, policies: ['cond'], uniqueId: 'AROAEXAMPLEEXAMPLE01' };
      expect(one(role, {}, with_('aws:PrincipalType')).reason).toMatch(/^a policy conditions on aws:PrincipalType, .*"AssumedRole" \(a session\)/);
      expect(one(role, {}, with_('aws:userid')).reason).toMatch(/^a policy conditions on aws:userid, .*"<role id>:iamspec", the id of a session/);
      expect(one({ arn: USER, policies: ['cond'] }, {}, with_('aws:PrincipalType')).reason).toBeNull(); // a user is "User" on both sides
    });
    it('aws:PrincipalOrgID without organization.id', () => {
      expect(one({ arn: USER, policies: ['cond'] }, {}, with_('aws:PrincipalOrgID')).reason).toMatch(/^a policy conditions on aws:PrincipalOrgID, .*absent, .*set `organization\.id`/);
      expect(one({ arn: USER, policies: ['cond'] }, {}, { ...with_('aws:PrincipalOrgID'), organization: { id: 'o-a1b2c3d4e5', scps: [['all']] } }).reason).toBeNull();
    });
  });
  it('a case removing a key the simulator always fills from the caller', () => {
    expect(one({ arn: USER, policies: ['all'] }, { context: { 'aws:username': null } }).reason).toMatch(/removes aws:username \(null\), but the simulator always fills it/);
    // roles have no aws:username: removing it is what the simulator does anyway
    expect(one({ arn: `arn:aws:iam::${A}:role/r`, policies: ['all'] }, { context: { 'aws:username': null } }).reason).toBeNull();
  });
});

describe('planCase: the inputs', () => {
  it('PolicyInputList in resolve.ts order: groups’ policies (group order), then the principal’s own, each once', () => {
    const suite = makeSuite({
      policies: { g1: allowS3, g2: allowAll, own: allowAll },
      groups: { G1: ['g1', 'g2'], G2: ['g2'] },
      principals: { p: { arn: USER, groups: ['G1', 'G2'], policies: ['own', 'g1'] } },
      cases: [{ name: 'c', principal: 'p', action: 's3:GetObject', resource: '*', expect: 'allowed' }],
    });
    const plan = planCase(suite, suite.cases[0]!);
    expect(plan.inputs!.policies.map((p) => p.name)).toEqual(['g1', 'g2', 'own']);
    expect(plan.inputs!.policies[0]!.text).toBe(suite.policies.get('g1')!.text);
    expect(plan.inputs!.resourceOwner).toBeUndefined(); // resource `*`
  });

  it('context: the case’s keys as spelled, principal and resource tags, derived keys; not what the simulator fills', () => {
    const suite = makeSuite({
      policies: { all: allowAll },
      principals: { p: { arn: USER, policies: ['all'], tags: { CostCenter: '42' } } },
      resources: [{ arn: 'arn:aws:s3:::bucket', tags: { Stage: 'prod' } }],
      context: { 'aws:SecureTransport': b(true) },
      cases: [
        { name: 'c', principal: 'p', action: 's3:ListBucket', resource: 'arn:aws:s3:::bucket', expect: 'allowed', context: { 's3:prefix': s('home/') } },
        { name: 'explicit username', principal: 'p', action: 's3:ListBucket', resource: 'arn:aws:s3:::bucket', expect: 'allowed', context: { 'aws:username': s('someone-else') } },
      ],
    });
    const [c, explicit] = suite.cases.map((c) => planCase(suite, c));
    expect(c!.inputs!.context).toEqual([
      { name: 'aws:PrincipalArn', type: 'string', values: [USER] },
      { name: 'aws:PrincipalIsAWSService', type: 'boolean', values: ['false'] },
      { name: 'aws:PrincipalTag/CostCenter', type: 'string', values: ['42'] },
      { name: 'aws:ResourceAccount', type: 'string', values: [A] },
      { name: 'aws:ResourceTag/Stage', type: 'string', values: ['prod'] },
      { name: 'aws:SecureTransport', type: 'boolean', values: ['true'] },
      { name: 's3:prefix', type: 'string', values: ['home/'] },
    ]);
    for (const e of c!.inputs!.context) expect(AUTO_POPULATED.has(e.name.toLowerCase())).toBe(false);
    // a key the case sets itself is sent even if the simulator would fill it
    expect(explicit!.inputs!.context.find((e) => e.name === 'aws:username')).toEqual({ name: 'aws:username', type: 'string', values: ['someone-else'] });
  });

  it('SCP levels root first, only when SCPs apply to the principal', () => {
    const def = (org: SuiteDef['organization']): SuiteDef => ({
      policies: { all: allowAll, full: allowAll, eu: allowS3 },
      principals: { p: { arn: USER, policies: ['all'] } },
      organization: org!,
      cases: [{ name: 'c', principal: 'p', action: 's3:GetObject', resource: '*', expect: 'allowed' }],
    });
    const member = makeSuite(def({ scps: [['full'], ['eu'], ['eu', 'full']], accounts: [A] }));
    expect(planCase(member, member.cases[0]!).inputs!.scps!.map((l) => l.map((p) => p.name))).toEqual([['full'], ['eu'], ['eu', 'full']]);
    const mgmt = makeSuite(def({ scps: [['full']], managementAccount: A }));
    expect(planCase(mgmt, mgmt.cases[0]!).inputs!.scps).toBeUndefined();
    const outside = makeSuite(def({ scps: [['full']], accounts: ['999999999999'] }));
    expect(planCase(outside, outside.cases[0]!).inputs!.scps).toBeUndefined();
  });

  it('inAccount principals → SimulatePrincipalPolicy with PolicySourceArn; no SCP levels sent (the real org applies)', () => {
    const suite = makeSuite({
      policies: { all: allowAll },
      principals: { p: { arn: USER, policies: ['all'], inAccount: true } },
      organization: { scps: [['all']] },
      cases: [{ name: 'c', principal: 'p', action: 's3:GetObject', resource: '*', expect: 'allowed' }],
    });
    const i = planCase(suite, suite.cases[0]!).inputs!;
    expect(i).toMatchObject({ operation: 'SimulatePrincipalPolicy', policySourceArn: USER });
    expect(i.callerArn).toBeUndefined(); // it defaults to PolicySourceArn (spec §7.2)
    expect(i.scps).toBeUndefined();
    expect(i.accountPolicies).toBe(policyFingerprint([suite.policies.get('all')!.text], undefined));
  });

  it('ResourceOwner only with a resource policy or another owner account: a root ARN in Custom mode, the account id in Principal mode (spec §7.2)', () => {
    const B = '222222222222';
    const owner = (principal: PrincipalDef, resources: SuiteDef['resources'], resource = 'arn:aws:s3:::bucket/key') => {
      const suite = makeSuite({ policies: { all: allowAll, anyone }, principals: { p: principal }, ...(resources ? { resources } : {}), cases: [{ name: 'c', principal: 'p', action: 's3:GetObject', resource, expect: 'allowed' }] });
      return planCase(suite, suite.cases[0]!).inputs!.resourceOwner;
    };
    expect(owner({ arn: USER, policies: ['all'] }, undefined)).toBeUndefined(); // same account, no resource policy: the default
    expect(owner({ arn: USER, policies: ['all'] }, [{ arn: 'arn:aws:s3:::bucket', policy: 'anyone' }])).toBe(`arn:aws:iam::${A}:root`);
    expect(owner({ arn: USER, policies: ['all'] }, [{ arn: 'arn:aws:s3:::bucket', owner: B }])).toBe(`arn:aws:iam::${B}:root`);
    expect(owner({ arn: USER, policies: ['all'], inAccount: true }, [{ arn: 'arn:aws:s3:::bucket', policy: 'anyone', owner: B }])).toBe(B);
    expect(owner({ arn: USER, policies: ['all'], inAccount: true }, [{ arn: 'arn:aws:s3:::bucket', policy: 'anyone' }])).toBe(A);
    expect(owner({ arn: USER, policies: ['all'] }, undefined, `arn:aws:sqs:us-east-1:${A}:queue`)).toBeUndefined();
    expect(owner({ arn: USER, policies: ['all'] }, undefined, `arn:aws:sqs:us-east-1:${B}:queue`)).toBe(`arn:aws:iam::${B}:root`);
  });
});

describe('policyFingerprint: what the account must hold for a Principal-mode answer to count', () => {
  const a = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}';
  const b = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:*","Resource":"*"}]}';
  it('ignores whitespace, key order, the order and repetition of identity documents', () => {
    const spaced = JSON.stringify({ Statement: [{ Resource: '*', Action: 's3:*', Effect: 'Allow' }], Version: '2012-10-17' }, null, 4);
    expect(policyFingerprint([a, b], undefined)).toBe(policyFingerprint([b, spaced, a], undefined));
  });
  it('changes with any document, and tells the boundary from an identity policy', () => {
    expect(policyFingerprint([a], undefined)).not.toBe(policyFingerprint([a, b], undefined));
    expect(policyFingerprint([a], undefined)).not.toBe(policyFingerprint([b], undefined));
    expect(policyFingerprint([a], b)).not.toBe(policyFingerprint([a, b], undefined));
    expect(policyFingerprint([a], b)).not.toBe(policyFingerprint([a], undefined));
  });
});

describe('the canonical request hash (the recording key)', () => {
  const build = (text: string, ctxName = 'aws:SecureTransport', action = 's3:GetObject') => {
    const suite = makeSuite({
      policies: { p: text },
      principals: { u: { arn: USER, policies: ['p'] } },
      cases: [{ name: 'c', principal: 'u', action, resource: 'arn:aws:s3:::b/k', expect: 'allowed', context: { [ctxName]: b(true) } }],
    });
    return planCase(suite, suite.cases[0]!);
  };
  const text = JSON.stringify(allowS3, null, 2);

  it('is stable across runs, suite and case names, and context key casing', () => {
    const a = build(text);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(build(text).hash).toBe(a.hash);
    expect(build(text, 'AWS:securetransport').hash).toBe(a.hash);
  });
  it('changes with the exact policy text, the action, the context', () => {
    const a = build(text);
    expect(build(text.replace('s3:*', 's3:Get*')).hash).not.toBe(a.hash);
    expect(build(text + '\n').hash).not.toBe(a.hash); // the simulator sees whitespace too (positions)
    expect(build(text, 'aws:SecureTransport', 's3:PutObject').hash).not.toBe(a.hash);
    expect(build(text, 'aws:ViaAWSService').hash).not.toBe(a.hash);
  });
  it('canonicalJson sorts keys and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: [{ d: undefined, c: 'x' }], e: undefined })).toBe('{"a":[{"c":"x"}],"b":1}');
  });
});

describe('MatchedStatements → suite statements', () => {
  const text = ['{', '  "Version": "2012-10-17",', '  "Statement": [', '    {"Sid": "First", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},', '    {', '      "Effect": "Deny",', '      "Action": "s3:DeleteBucket",', '      "Resource": "*"', '    }', '  ]', '}'].join('\n');
  const inputs: SimInputs = {
    operation: 'SimulateCustomPolicy',
    callerArn: USER,
    policies: [
      { name: 'other', text: '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}' },
      { name: 'mine', text },
    ],
    boundary: { name: 'edge', text },
    resourcePolicy: { name: 'bucket', text },
    scps: [[{ name: 'root-scp', text }]],
    context: [],
  };

  it('finds the statement whose braces contain StartPosition (1-based)', () => {
    expect(statementAt(text, { line: 4, column: 5 })).toMatchObject({ index: 0, sid: 'First' });
    expect(statementAt(text, { line: 4, column: 40 })).toMatchObject({ index: 0 });
    expect(statementAt(text, { line: 5, column: 5 })).toMatchObject({ index: 1 });
    expect(statementAt(text, { line: 7, column: 1 })).toMatchObject({ index: 1 });
    expect(statementAt(text, { line: 1, column: 1 })).toBeNull();
    expect(statementAt('not json', { line: 1, column: 1 })).toBeNull();
  });

  it('names PolicyInputList.N, the boundary, the resource policy, SCPs and managed names', () => {
    const at = (id: string, line = 5, column = 5) => nameStatement(inputs, { sourcePolicyId: id, start: { line, column } })?.ref ?? null;
    expect(at('PolicyInputList.2')).toBe('mine#1');
    expect(at('PolicyInputList.2', 4, 5)).toBe('mine#First');
    expect(at('PolicyInputList.1', 1, 37)).toBe('other#0');
    expect(at('PolicyInputList.3')).toBeNull();
    expect(at('PermissionsBoundaryPolicyInputList.1')).toBe('edge#1');
    expect(at('ResourcePolicy', 4, 6)).toBe('bucket#First');
    expect(at('OrderedOrganizationPolicyInputList.1.ServiceControlPolicyInputList.1')).toBe('root-scp#1');
    expect(at('mine')).toBe('mine#1'); // SimulatePrincipalPolicy: managed policies by name
    expect(at('AmazonS3ReadOnlyAccess')).toBeNull();
    expect(nameStatement(inputs, { sourcePolicyId: 'PolicyInputList.2' })).toBeNull(); // no position
  });
});

describe('batching plan', () => {
  it('groups by inputs, chunks resources, keeps `*` apart', () => {
    const suite = makeSuite({
      policies: { s3: allowS3 },
      principals: { u: { arn: USER, policies: ['s3'] }, v: { arn: `arn:aws:iam::${A}:user/v`, policies: ['s3'] } },
      cases: [
        { name: 'grid', principal: 'u', action: ['s3:GetObject', 's3:PutObject'], resource: Array.from({ length: 5 }, (_, i) => `arn:aws:s3:::b/${i}`), expect: 'allowed' },
        { name: 'star', principal: 'u', action: 's3:ListAllMyBuckets', resource: '*', expect: 'allowed' },
        { name: 'v', principal: 'v', action: 's3:GetObject', resource: 'arn:aws:s3:::b/0', expect: 'allowed' },
      ],
    });
    const calls = batchPlans(planSuites([suite]), { chunkSize: 2 });
    expect(calls.map((c) => [c.actions.length, c.resources.length, c.plans.length])).toEqual([
      [2, 2, 4],
      [2, 2, 4],
      [2, 1, 2],
      [1, 1, 1],
      [1, 1, 1],
    ]);
    // one case per call
    expect(batchPlans(planSuites([suite]), { chunkSize: 1, actionsPerCall: 1 }).map((c) => c.plans.length)).toEqual(Array(12).fill(1));
  });

  it('a call asks only for the actions its resources’ cases ask (no pair without a case)', () => {
    const suite = makeSuite({
      policies: { s3: allowS3 },
      principals: { u: { arn: USER, policies: ['s3'] } },
      cases: [
        { name: 'many', principal: 'u', action: 's3:GetObject', resource: ['arn:aws:s3:::b/0', 'arn:aws:s3:::b/1'], expect: 'allowed' },
        { name: 'last', principal: 'u', action: 's3:PutObject', resource: 'arn:aws:s3:::b/2', expect: 'allowed' },
      ],
    });
    expect(batchPlans(planSuites([suite]), { chunkSize: 2 }).map((c) => [c.actions, c.resources])).toEqual([
      [['s3:GetObject'], ['arn:aws:s3:::b/0', 'arn:aws:s3:::b/1']],
      [['s3:PutObject'], ['arn:aws:s3:::b/2']],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// the MFA fixture suite (modelled on the seed MFA material): what is simulated and what it costs

describe('the MFA fixture suite', () => {
  const suite = mfaSuite();

  it('every case the simulator can express maps to a request with no missing context values', () => {
    const plans = planSuites([suite]);
    const simulated = plans.filter((p) => !p.skip);
    expect(simulated).toHaveLength(14);
    for (const p of simulated) expect([p.case.name, uncovered(suite, suite.cases.indexOf(p.case))]).toEqual([p.case.name, []]);
  });

  it('the others are listed as skipped, each with its reason', () => {
    const skips = planSuites([suite])
      .filter((p) => p.skip)
      .map((p) => [p.case.name, p.skip!]);
    expect(skips).toEqual([
      ['an assumed-role session reads objects', expect.stringMatching(/^the simulator cannot simulate an assumed-role session/)],
      ['a scoped-down session cannot write', expect.stringMatching(/^the simulator does not evaluate session policies/)],
      ['a federated partner has nothing', expect.stringMatching(/^the simulator cannot simulate an STS federated-user session/)],
      ['anonymous callers are refused', expect.stringMatching(/^the simulator cannot simulate anonymous/)],
    ]);
  });

  it('planCalls: the API calls a live run costs', () => {
    const plan = planCalls([suite]);
    expect(plan).toMatchObject({ cases: 18, simulated: 14, skipped: 4, batches: 7, chunks: 7, calls: 7, callsLegacyShape: 7 });
    expect(plan.skips).toHaveLength(4);
    // Ten copies of the matrix case's resources stay one call per 20 resources.
    const wide = makeSuite({
      policies: { s3: allowS3 },
      principals: { u: { arn: USER, policies: ['s3'] } },
      cases: [{ name: 'wide', principal: 'u', action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resource: Array.from({ length: 50 }, (_, i) => `arn:aws:s3:::b/${i}`), expect: 'allowed' }],
    });
    expect(planCalls([wide])).toMatchObject({ cases: 150, batches: 1, chunks: 3, calls: 3, callsLegacyShape: 3 });
    expect(planCalls([wide], { chunkSize: 50, maxItems: 100 })).toMatchObject({ chunks: 1, calls: 1, callsLegacyShape: 2 });
  });
});
