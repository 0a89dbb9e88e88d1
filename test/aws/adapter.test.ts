// The simulator adapter through the real @aws-sdk/client-iam client against a loopback server that
// speaks IAM's Query protocol: request mapping field by field, AWS's published samples in the
// current response shape (spec §7.3, §11 E6 a–e; ARN templates, per-resource results, totals at
// the top level), pagination, throttling retries, error mapping and halving, batching, decidedBy
// the simulator never lists, the account's attached policies (drift), the read-only guard and the
// missing-credentials message.

import { CreateUserCommand, DeleteRolePolicyCommand, GetContextKeysForCustomPolicyCommand, PutUserPolicyCommand, type EvaluationResult } from '@aws-sdk/client-iam';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AwsUsageError,
  differentialOrder,
  ReadOnlyViolation,
  readOnlyClient,
  renderDifferential,
  runAgainst,
  type DifferentialReport,
  type DifferentialResult,
} from '../../src/aws/index.ts';
import { answerKey, normalizeResults, withRetry } from '../../src/aws/adapter.ts';
import { NO_IDENTITY_POLICY } from '../../src/aws/mapping.ts';
import { UsageError } from '../../src/scenario/runner.ts';
import { contextEntries, engineHandler, ERRORS, FakeIam, members, organizationLevels, type FakeAccount, type Handler } from './fake-iam.ts';
import { b, date, fakeClock, ip, loopbackClient, makeSuite, n, sl, type SuiteDef } from './helpers.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const serve = (xml: string): Handler => () => ({ status: 200, xml });
/** Simulations get the sample; the read APIs answer from the account. */
const serveWith = (xml: string, account: FakeAccount): Handler => {
  const reads = engineHandler({ account });
  return (req, n) => (req.action.startsWith('Simulate') ? { status: 200, xml } : reads(req, n));
};
const READ = /^(Get|List)[A-Z]/;

let iam: FakeIam;
beforeEach(async () => {
  iam = await FakeIam.start();
});
afterEach(async () => {
  await iam.close();
});

const quiet = { retry: { sleep: async () => {}, random: () => 0 } };
const run = (suites: ReturnType<typeof makeSuite>[], extra: Parameters<typeof runAgainst>[2] = {}) =>
  runAgainst('aws', suites, { client: loopbackClient(iam.endpoint), ...quiet, ...extra });
const byCase = (r: DifferentialReport, name: string): DifferentialResult => {
  const found = r.results.find((x) => x.case === name);
  if (!found) throw new Error(`no result for ${name}: ${r.results.map((x) => x.case).join(' | ')}`);
  return found;
};

// ---------------------------------------------------------------------------------------------
// E6 (b): SimulateCustomPolicy, same account — every request field, and the documented answer

const MATEO = 'arn:aws:iam::111122223333:user/mateo';
const allowIam = { Version: '2012-10-17', Statement: [{ Sid: 'AllowIam', Effect: 'Allow', Action: 'iam:*', Resource: '*' }] };
const productionPolicy = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowMateo',
      Effect: 'Allow',
      Principal: { AWS: MATEO },
      Action: ['s3:List*', 's3:Put*'],
      Resource: 'arn:aws:s3:::production/*',
    },
  ],
};

function mateoSuite(): SuiteDef {
  return {
    name: 'E6 same account',
    policies: { 'iam-all': allowIam, 'iam-boundary': allowIam, production: productionPolicy },
    principals: { mateo: { arn: MATEO, policies: ['iam-all'], boundary: 'iam-boundary' } },
    resources: [{ arn: 'arn:aws:s3:::production/*', owner: '111122223333', policy: 'production' }],
    cases: [{ name: 'mateo puts an object', principal: 'mateo', action: 's3:PutObject', resource: 'arn:aws:s3:::production/Test', expect: 'allowed', decidedBy: ['production#AllowMateo'] }],
  };
}

describe('SimulateCustomPolicy request mapping (E6 b, same account)', () => {
  it('sends every field as the API defines it', async () => {
    iam.handler = serve(fixture('e6b-custom-same-account.xml'));
    const suite = makeSuite(mateoSuite());
    await run([suite]);
    const [req] = iam.simulations();
    expect(iam.simulations()).toHaveLength(1);
    const p = req!.params;
    expect(p.get('Action')).toBe('SimulateCustomPolicy');
    expect(p.get('Version')).toBe('2010-05-08');
    expect(members(p, 'PolicyInputList')).toEqual([suite.policies.get('iam-all')!.text]);
    expect(members(p, 'PermissionsBoundaryPolicyInputList')).toEqual([suite.policies.get('iam-boundary')!.text]);
    expect(p.get('ResourcePolicy')).toBe(suite.policies.get('production')!.text);
    expect(p.get('ResourceOwner')).toBe('arn:aws:iam::111122223333:root');
    expect(p.get('CallerArn')).toBe(MATEO);
    expect(members(p, 'ActionNames')).toEqual(['s3:PutObject']);
    expect(members(p, 'ResourceArns')).toEqual(['arn:aws:s3:::production/Test']);
    expect(p.get('MaxItems')).toBe('1000');
    expect(p.has('PolicySourceArn')).toBe(false);
    expect(p.has('Marker')).toBe(false);
    expect(p.has('ResourceHandlingOption')).toBe(false);
    expect(organizationLevels(p)).toEqual([]);
    // The engine's derived keys the simulator does not fill itself; aws:username & co. are left to it.
    expect(contextEntries(p)).toEqual([
      { ContextKeyName: 'aws:PrincipalArn', ContextKeyType: 'string', ContextKeyValues: [MATEO] },
      { ContextKeyName: 'aws:PrincipalIsAWSService', ContextKeyType: 'boolean', ContextKeyValues: ['false'] },
      { ContextKeyName: 'aws:ResourceAccount', ContextKeyType: 'string', ContextKeyValues: ['111122223333'] },
    ]);
    // The request is signed like any SDK request.
    expect(String(req!.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=test\//);
  });

  it('reads the documented answer: allowed by the resource policy, boundary false, empty details', async () => {
    iam.handler = serve(fixture('e6b-custom-same-account.xml'));
    const r = await run([makeSuite(mateoSuite())]);
    const row = byCase(r, 'mateo puts an object');
    expect(row.actual).toBe('allowed');
    expect(row.pass).toBe(true);
    expect(row.decidedBy).toEqual(['production#AllowMateo']);
    expect(row.aws).toMatchObject({
      source: 'aws',
      operation: 'SimulateCustomPolicy',
      decision: 'allowed',
      allowedByPermissionsBoundary: false,
      missingContextValues: [],
      matchedStatements: [
        { statement: 'production#AllowMateo', policy: 'production', index: 0, sourcePolicyId: 'ResourcePolicy', sourcePolicyType: 'Resource Policy', start: { line: 4, column: 5 }, end: { line: 15, column: 6 } },
      ],
    });
    // The top level's empty EvalDecisionDetails is a total over the call; the resource's own answer has none (same account).
    expect(row.aws!.evalDecisionDetails).toBeUndefined();
    expect(row.local?.decision).toBe('allowed');
    expect(row.agreement).toBe('agree');
    expect(r.summary).toEqual({ suites: 1, passed: 1, failed: 0, errors: 0, skipped: 0 });
  });
});

// ---------------------------------------------------------------------------------------------
// E6 (a): typed context entries; the sample's Deny-only boundary (spec §7.5) makes a disagreement

const TEAMBUCKET_POLICY = [
  '{',
  '  "Version":',
  '    "2012-10-17",',
  '  "Statement": {',
  '    "Effect": "Allow",',
  '    "Action": "s3:ListBucket",',
  '    "Resource": "arn:aws:s3:::teambucket",',
  '    "Condition": {',
  '      "Bool": {"aws:MultiFactorAuthPresent": "true"}',
  '    }',
  '  }',
  '}',
].join('\n');

describe('SimulateCustomPolicy with context keys (E6 a)', () => {
  const def = (): SuiteDef => ({
    name: 'E6 context keys',
    policies: {
      teambucket: TEAMBUCKET_POLICY,
      'deny-boundary': { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' }] },
    },
    principals: { dev: { arn: 'arn:aws:iam::123456789012:user/dev', policies: ['teambucket'], boundary: 'deny-boundary', tags: { team: 'blue' } } },
    context: {
      'aws:MultiFactorAuthPresent': b(true),
      'aws:MultiFactorAuthAge': n(300),
      'aws:SourceIp': ip('203.0.113.7'),
      'aws:CurrentTime': date('2026-01-01T00:00:00Z'),
      'aws:TagKeys': sl('team', 'env'),
    },
    cases: [{ name: 'lists the team bucket with MFA', principal: 'dev', action: 's3:ListBucket', resource: 'arn:aws:s3:::teambucket', expect: 'allowed' }],
  });

  it('types each context entry as the simulator expects', async () => {
    iam.handler = serve(fixture('e6a-custom-context-keys.xml'));
    await run([makeSuite(def())]);
    const entries = contextEntries(iam.simulations()[0]!.params);
    const byName = Object.fromEntries(entries.map((e) => [e.ContextKeyName, [e.ContextKeyType, ...e.ContextKeyValues]]));
    expect(byName).toEqual({
      'aws:CurrentTime': ['date', '2026-01-01T00:00:00Z'],
      'aws:MultiFactorAuthAge': ['numeric', '300'],
      'aws:MultiFactorAuthPresent': ['boolean', 'true'],
      'aws:PrincipalArn': ['string', 'arn:aws:iam::123456789012:user/dev'],
      'aws:PrincipalIsAWSService': ['boolean', 'false'],
      'aws:PrincipalTag/team': ['string', 'blue'],
      'aws:ResourceAccount': ['string', '123456789012'],
      'aws:SourceIp': ['ip', '203.0.113.7'],
      'aws:TagKeys': ['stringList', 'team', 'env'],
    });
    expect(Object.keys(byName)).not.toContain('aws:username');
  });

  it('maps PolicyInputList.1 at 4:16 to the statement, and reports the disagreement first', async () => {
    iam.handler = serve(fixture('e6a-custom-context-keys.xml'));
    const other = makeSuite({ ...mateoSuite(), name: 'other' });
    const r = await runAgainst('aws', [other, makeSuite(def())], {
      client: loopbackClient(iam.endpoint),
      ...quiet,
    });
    // The served sample answers every request; only the teambucket case asked for that action.
    const ordered = differentialOrder(r.results);
    const row = ordered[0]!;
    expect(row.case).toBe('lists the team bucket with MFA');
    expect(row.agreement).toBe('disagree');
    expect(row.actual).toBe('allowed');
    expect(row.local?.decision).toBe('implicitDeny'); // the boundary allows nothing (spec §7.5 caveat)
    expect(row.decidedBy).toEqual(['teambucket#0']);
    expect(r.differential.disagree).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// E6 (c, d, e): SimulatePrincipalPolicy for principals marked inAccount

const s3ReadOnly = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' }] };

describe('SimulatePrincipalPolicy (inAccount principals)', () => {
  it('E6 c: one call for three actions; managed policy names map back to suite statements', async () => {
    const READONLY = 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess';
    iam.handler = serveWith(fixture('e6c-principal-jill.xml'), { policies: { [READONLY]: JSON.stringify(s3ReadOnly) }, users: { Jill: { managed: [READONLY] } } });
    const suite = makeSuite({
      name: 'E6 Jill',
      policies: { AmazonS3ReadOnlyAccess: s3ReadOnly },
      principals: { jill: { arn: 'arn:aws:iam::123456789012:user/Jill', policies: ['AmazonS3ReadOnlyAccess'], inAccount: true } },
      cases: [
        { name: 'put', principal: 'jill', action: 's3:PutObject', resource: 'arn:aws:s3:::my-test-bucket', expect: 'allowed' },
        { name: 'get', principal: 'jill', action: 's3:GetObject', resource: 'arn:aws:s3:::my-test-bucket', expect: 'allowed' },
        { name: 'delete', principal: 'jill', action: 's3:DeleteObject', resource: 'arn:aws:s3:::my-test-bucket', expect: 'implicitDeny' },
      ],
    });
    const r = await run([suite]);
    expect(iam.simulations()).toHaveLength(1);
    const p = iam.simulations()[0]!.params;
    expect(p.get('Action')).toBe('SimulatePrincipalPolicy');
    expect(p.get('PolicySourceArn')).toBe('arn:aws:iam::123456789012:user/Jill');
    expect(p.has('CallerArn')).toBe(false); // it defaults to PolicySourceArn (spec §7.2)
    expect(p.has('ResourceOwner')).toBe(false); // no resource policy, same account
    // The account's attached documents were read first, with read calls only.
    expect(iam.requests.filter((q) => !q.action.startsWith('Simulate')).map((q) => q.action)).toEqual([
      'GetUser', 'ListUserPolicies', 'ListAttachedUserPolicies', 'GetPolicy', 'GetPolicyVersion', 'ListGroupsForUser',
    ]);
    expect(members(p, 'PolicyInputList')).toEqual([]); // the account's attached policies are simulated
    expect(members(p, 'PermissionsBoundaryPolicyInputList')).toEqual([]);
    expect(organizationLevels(p)).toEqual([]);
    expect(members(p, 'ActionNames')).toEqual(['s3:PutObject', 's3:GetObject', 's3:DeleteObject']);
    expect(members(p, 'ResourceArns')).toEqual(['arn:aws:s3:::my-test-bucket']);

    expect(byCase(r, 'put')).toMatchObject({ actual: 'allowed', pass: true, decidedBy: ['PolicyInputList.1@3:16'] });
    expect(byCase(r, 'get')).toMatchObject({ actual: 'allowed', pass: true, decidedBy: ['AmazonS3ReadOnlyAccess#0'] });
    expect(byCase(r, 'delete')).toMatchObject({ actual: 'implicitDeny', pass: true, decidedBy: [] });
    // Locally Jill has no PutObject (the sample added a PolicyInputList document iamspec never sends): the report says so.
    expect(r.results[0]).toMatchObject({ case: 'put', agreement: 'disagree' });
    expect(r.results[0]!.aws!.accountPolicies).toEqual({ fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/), matchesSuite: true });
  });

  it('E6 d: same account, the boundary allows', async () => {
    const getRole = { Version: '2012-10-17', Statement: [{ Sid: 'GetRole', Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' }] };
    const boundary = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:*', 's3:*'], Resource: '*' }] };
    const BOUNDARY = 'arn:aws:iam::111122223333:policy/sim-boundary';
    iam.handler = serveWith(fixture('e6d-principal-same-account.xml'), {
      policies: { [BOUNDARY]: JSON.stringify(boundary) },
      users: { mateo: { inline: { 'iam-get-role': JSON.stringify(getRole) }, boundary: BOUNDARY } },
    });
    const r = await run([
      makeSuite({
        policies: { 'iam-get-role': getRole, 'sim-boundary': boundary },
        principals: { mateo: { arn: MATEO, policies: ['iam-get-role'], boundary: 'sim-boundary', inAccount: true } },
        cases: [{ name: 'get role', principal: 'mateo', action: 'iam:GetRole', resource: 'arn:aws:iam::111122223333:role/pol-sim-test', expect: 'allowed' }],
      }),
    ]);
    expect(byCase(r, 'get role')).toMatchObject({
      actual: 'allowed',
      agreement: 'agree',
      decidedBy: ['iam-get-role#GetRole'],
      aws: { allowedByPermissionsBoundary: true, operation: 'SimulatePrincipalPolicy', accountPolicies: { matchesSuite: true } },
    });
  });

  it('E6 e: cross account, EvalDecisionDetails per policy type, ResourceOwner as an account id', async () => {
    const ARNAV = 'arn:aws:iam::444455556666:user/arnav';
    const IAM_ONLY = 'arn:aws:iam::444455556666:policy/iam-only';
    iam.handler = serveWith(fixture('e6e-principal-cross-account.xml'), {
      policies: { [IAM_ONLY]: JSON.stringify(allowIam) },
      users: { arnav: { managed: [IAM_ONLY], boundary: IAM_ONLY } },
    });
    const suite = makeSuite({
      policies: {
        'iam-only': allowIam,
        mary: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ARNAV }, Action: ['s3:List*', 's3:Put*'], Resource: 'arn:aws:s3:::mary/*' }] },
      },
      principals: { arnav: { arn: ARNAV, policies: ['iam-only'], boundary: 'iam-only', inAccount: true } },
      resources: [{ arn: 'arn:aws:s3:::mary/*', owner: '123456789012', policy: 'mary' }],
      cases: [{ name: 'cross-account put', principal: 'arnav', action: 's3:PutObject', resource: 'arn:aws:s3:::mary/Test', expect: 'allowed' }],
    });
    const r = await run([suite]);
    const p = iam.simulations()[0]!.params;
    expect(p.get('ResourceOwner')).toBe('123456789012'); // SimulatePrincipalPolicy's reference: an account id
    expect(p.get('ResourcePolicy')).toBe(suite.policies.get('mary')!.text);
    const row = byCase(r, 'cross-account put');
    expect(row).toMatchObject({ actual: 'implicitDeny', pass: false, agreement: 'agree' });
    expect(row.aws!.evalDecisionDetails).toEqual({ 'IAM Policy': 'implicitDeny', 'Permissions Boundary Policy': 'implicitDeny', 'Resource Policy': 'allowed' });
    expect(row.reason).toMatch(/decided implicitDeny, expected allowed/);
    expect(r.summary.failed).toBe(1);
  });

  it('NoSuchEntity: the principal is not in the account → an error per case that says what to do', async () => {
    iam.handler = () => ERRORS.noSuchEntity('The user with name ghost cannot be found.');
    const r = await run([
      makeSuite({
        policies: { p: allowIam },
        principals: { ghost: { arn: 'arn:aws:iam::123456789012:user/ghost', policies: ['p'], inAccount: true } },
        cases: [{ name: 'ghost', principal: 'ghost', action: 'iam:GetUser', resource: '*', expect: 'allowed' }],
      }),
    ]);
    const row = byCase(r, 'ghost');
    expect(row).toMatchObject({ agreement: 'error', actual: null, pass: false });
    expect(row.error).toMatch(/^could not read the policies attached to arn:aws:iam::123456789012:user\/ghost \(NoSuchEntity: The user with name ghost cannot be found\.\) — deploy it, or drop `inAccount: true`/);
    expect(r.summary.errors).toBe(1);
    expect(iam.simulations()).toHaveLength(0); // nothing simulated for a principal whose policies could not be read
  });
});

// ---------------------------------------------------------------------------------------------
// MatchedStatements lists identity- and resource-policy statements only (spec §7.3)

describe('decidedBy naming a boundary or SCP statement', () => {
  const denyIam = { Version: '2012-10-17', Statement: [{ Sid: 'AllowS3', Effect: 'Allow', Action: 's3:*', Resource: '*' }, { Sid: 'NoIam', Effect: 'Deny', Action: 'iam:*', Resource: '*' }] };
  const def = (decidedBy: string[]): SuiteDef => ({
    policies: { all: { Version: '2012-10-17', Statement: [{ Sid: 'All', Effect: 'Allow', Action: '*', Resource: '*' }] }, edge: denyIam, scp: denyIam },
    principals: { u: { arn: 'arn:aws:iam::123456789012:user/u', policies: ['all'], boundary: 'edge' } },
    organization: { scps: [['scp']] },
    cases: [{ name: 'no iam', principal: 'u', action: 'iam:CreateUser', resource: 'arn:aws:iam::123456789012:user/x', expect: 'explicitDeny', decidedBy }],
  });

  it('is not checked against AWS (it never lists them): no failure, and the report says so', async () => {
    const r = await run([makeSuite(def(['edge#NoIam', 'scp#NoIam']))]);
    const row = byCase(r, 'no iam');
    expect(row).toMatchObject({ actual: 'explicitDeny', pass: true, agreement: 'agree', decidedBy: [] });
    expect(row.aws!.decidedByNotListed).toEqual(['edge#NoIam', 'scp#NoIam']);
  });

  it('an identity-policy statement still is', async () => {
    const r = await run([makeSuite(def(['all#All']))]);
    expect(byCase(r, 'no iam')).toMatchObject({ pass: false, reason: "the simulator's matched statements (none) do not include all#All" });
  });
});

// ---------------------------------------------------------------------------------------------
// Principal mode: the account's attached documents (drift)

describe('principals marked inAccount: the documents attached in the account', () => {
  const DEV = 'arn:aws:iam::123456789012:policy/dev';
  const dev = { Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
  const suite = () =>
    makeSuite({
      policies: { dev },
      groups: { devs: ['dev'] },
      principals: { ann: { arn: 'arn:aws:iam::123456789012:user/ann', groups: ['devs'], inAccount: true } },
      cases: [{ name: 'reads', principal: 'ann', action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'allowed', decidedBy: ['dev#Read'] }],
    });
  const account = (doc: object): FakeAccount => ({ policies: { [DEV]: JSON.stringify(doc, null, 2) }, users: { ann: { groups: ['devs'] } }, groups: { devs: { managed: [DEV] } } });

  it('the same documents (whitespace aside): compared, and only read calls were made besides the simulation', async () => {
    iam.handler = engineHandler({ account: account(dev), pageSize: 1 });
    const r = await run([suite()]);
    expect(byCase(r, 'reads')).toMatchObject({ actual: 'allowed', pass: true, agreement: 'agree', decidedBy: ['dev#Read'], aws: { accountPolicies: { matchesSuite: true } } });
    expect(iam.requests.every((q) => READ.test(q.action) || q.action === 'SimulatePrincipalPolicy')).toBe(true);
    expect(iam.requests.map((q) => q.action)).toContain('ListAttachedGroupPolicies');
  });

  it('drifted documents: skipped with the reason, never an agreement, even when the decisions match', async () => {
    const drifted = { ...dev, Statement: [...dev.Statement, { Sid: 'More', Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }] };
    iam.handler = engineHandler({ account: account(drifted) });
    const r = await run([suite()]);
    const row = byCase(r, 'reads');
    expect(row).toMatchObject({ agreement: 'skipped', pass: false, actual: null, aws: { decision: 'allowed', accountPolicies: { matchesSuite: false } } });
    expect(row.skipped).toMatch(/^the policies attached to arn:aws:iam::123456789012:user\/ann in the account differ from the suite's policies for it \(drift\)/);
    expect(renderDifferential(r)).toContain("    aws       allowed for the account's policies");
  });

  it('policies that cannot be read (AccessDenied): the cases say which permissions reading needs; nothing is simulated for them', async () => {
    const reads = engineHandler({ account: account(dev) });
    iam.handler = (req, n) => (req.action === 'ListAttachedGroupPolicies' ? ERRORS.accessDenied('not authorized to perform: iam:ListAttachedGroupPolicies') : reads(req, n));
    const r = await run([suite()]);
    expect(byCase(r, 'reads').error).toMatch(/^could not read the policies attached to arn:aws:iam::123456789012:user\/ann \(AccessDenied: .*\) — iamspec reads them \(iam:GetUser, .*iam:GetPolicyVersion\)/);
    expect(iam.simulations()).toHaveLength(0);
  });
});

// ---------------------------------------------------------------------------------------------
// batching, chunking, pagination, both response shapes

const allowS3 = { Version: '2012-10-17', Statement: [{ Sid: 'S3', Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::data/*' }] };
function gridSuite(resources: number, actions = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject']): SuiteDef {
  return {
    name: 'grid',
    policies: { s3: allowS3 },
    principals: { u: { arn: 'arn:aws:iam::123456789012:user/u', policies: ['s3'] }, v: { arn: 'arn:aws:iam::123456789012:user/v', policies: ['s3'] } },
    cases: [
      {
        name: 'grid',
        principal: 'u',
        action: actions,
        resource: Array.from({ length: resources }, (_, i) => `arn:aws:s3:::data/obj-${i}`),
        expect: 'allowed',
      },
    ],
  };
}

describe('batching', () => {
  it('cases sharing every input become one call over their actions and resources', async () => {
    const r = await run([makeSuite(gridSuite(2))]);
    expect(r.results).toHaveLength(6);
    expect(iam.simulations()).toHaveLength(1);
    const p = iam.simulations()[0]!.params;
    expect(members(p, 'ActionNames')).toEqual(['s3:GetObject', 's3:PutObject', 's3:DeleteObject']);
    expect(members(p, 'ResourceArns')).toEqual(['arn:aws:s3:::data/obj-0', 'arn:aws:s3:::data/obj-1']);
    expect(r.results.every((x) => x.actual === 'allowed' && x.agreement === 'agree')).toBe(true);
    expect(r.differential.calls).toBe(1);
  });

  it('resources are chunked (default 20 per call; configurable)', async () => {
    await run([makeSuite(gridSuite(45, ['s3:GetObject']))]);
    expect(iam.simulations().map((q) => members(q.params, 'ResourceArns').length)).toEqual([20, 20, 5]);
    iam.requests.length = 0;
    await run([makeSuite(gridSuite(5, ['s3:GetObject']))], { chunkSize: 2 });
    expect(iam.simulations().map((q) => members(q.params, 'ResourceArns'))).toEqual([
      ['arn:aws:s3:::data/obj-0', 'arn:aws:s3:::data/obj-1'],
      ['arn:aws:s3:::data/obj-2', 'arn:aws:s3:::data/obj-3'],
      ['arn:aws:s3:::data/obj-4'],
    ]);
  });

  it('different principals or contexts are different calls; `*` gets a call of its own', async () => {
    const def = gridSuite(1, ['s3:GetObject']);
    def.cases.push(
      { name: 'v reads', principal: 'v', action: 's3:GetObject', resource: 'arn:aws:s3:::data/obj-0', expect: 'allowed' },
      { name: 'u lists all buckets', principal: 'u', action: 's3:ListAllMyBuckets', resource: '*', expect: 'implicitDeny' },
      { name: 'u with a tag', principal: 'u', action: 's3:GetObject', resource: 'arn:aws:s3:::data/obj-0', context: { 'aws:RequestTag/x': { type: 'string', list: false, values: ['1'] } }, expect: 'allowed' },
    );
    const r = await run([makeSuite(def)]);
    expect(iam.simulations()).toHaveLength(4);
    expect(r.results.map((x) => x.actual)).toEqual(['allowed', 'allowed', 'implicitDeny', 'allowed']);
  });

  it('reads per-resource answers from ResourceSpecificResults (2026) and from the older per-pair shape alike', async () => {
    const tamper = (_a: string, res: string, d: 'allowed' | 'explicitDeny' | 'implicitDeny') => (res.endsWith('obj-1') ? 'explicitDeny' : d);
    iam.handler = engineHandler({ shape: '2026', tamper });
    const modern = await run([makeSuite(gridSuite(3, ['s3:GetObject']))]);
    expect(iam.simulations()).toHaveLength(1);
    iam.handler = engineHandler({ shape: 'legacy', tamper });
    iam.requests.length = 0;
    const legacy = await run([makeSuite(gridSuite(3, ['s3:GetObject']))]);
    const decisions = (r: DifferentialReport) => Object.fromEntries(r.results.map((x) => [x.resource, x.actual]));
    const want = { 'arn:aws:s3:::data/obj-0': 'allowed', 'arn:aws:s3:::data/obj-1': 'explicitDeny', 'arn:aws:s3:::data/obj-2': 'allowed' };
    expect(decisions(modern)).toEqual(want);
    // The older shape repeats the aggregate (explicitDeny) for every resource: never read per resource,
    // each resource is asked on its own instead.
    expect(decisions(legacy)).toEqual(want);
    expect(iam.simulations().map((q) => members(q.params, 'ResourceArns').length)).toEqual([3, 1, 1, 1]);
    // The 2026 top-level EvalDecision is the most restrictive (explicitDeny) — it must not leak into obj-0.
    expect(modern.results.find((x) => x.resource.endsWith('obj-1'))!.agreement).toBe('disagree');
  });

  it('resource `*`: EvalResourceName is an ARN template, the answer is keyed by action (spec §7.3, the CLI reference sample)', async () => {
    iam.handler = serve(fixture('star-arn-template.xml'));
    const backup = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}';
    const r = await run([
      makeSuite({
        policies: { backup },
        principals: { u: { arn: 'arn:aws:iam::123456789012:user/u', policies: ['backup'] } },
        cases: [{ name: 'backup', principal: 'u', action: 'dynamodb:CreateBackup', resource: '*', context: { 'aws:CurrentTime': date('2019-04-25T11:00:00Z') }, expect: 'allowed' }],
      }),
    ]);
    expect(members(iam.simulations()[0]!.params, 'ResourceArns')).toEqual(['*']);
    expect(byCase(r, 'backup')).toMatchObject({ actual: 'allowed', pass: true, agreement: 'agree', decidedBy: ['backup#0'] });
  });

  it('`*` cases of several actions share a call; with the engine in the current shape each is keyed by action, templates and all', async () => {
    const r = await run([
      makeSuite({
        policies: { s3: allowS3, all: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }] } },
        principals: { u: { arn: 'arn:aws:iam::123456789012:user/u', policies: ['s3', 'all'] } },
        cases: [{ name: 'star', principal: 'u', action: ['iam:GetUser', 's3:ListAllMyBuckets', 's3:GetObject'], resource: '*', expect: 'allowed' }],
      }),
    ]);
    expect(iam.simulations()).toHaveLength(1);
    expect(r.results.map((x) => [x.action, x.actual])).toEqual([
      ['iam:GetUser', 'allowed'],
      ['s3:ListAllMyBuckets', 'implicitDeny'],
      ['s3:GetObject', 'implicitDeny'],
    ]);
    expect(r.summary.errors).toBe(0);
  });

  it('top-level totals never reach a per-resource answer (spec §7.3)', () => {
    const stmt = { SourcePolicyId: 'PolicyInputList.1', StartPosition: { Line: 1, Column: 2 }, EndPosition: { Line: 1, Column: 9 } };
    const result: EvaluationResult = {
      EvalActionName: 's3:GetObject',
      EvalResourceName: 'arn:${Partition}:s3:::${BucketName}/${KeyName}',
      EvalDecision: 'implicitDeny',
      MatchedStatements: [stmt],
      MissingContextValues: ['aws:SourceIp'],
      OrganizationsDecisionDetail: { AllowedByOrganizations: false },
      PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: false },
      EvalDecisionDetails: { 'IAM Policy': 'implicitDeny' },
      ResourceSpecificResults: [
        { EvalResourceName: 'arn:aws:s3:::b/a', EvalResourceDecision: 'allowed', MatchedStatements: [stmt] },
        { EvalResourceName: 'arn:aws:s3:::b/b', EvalResourceDecision: 'implicitDeny', MissingContextValues: ['aws:SourceIp'], PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: false }, EvalDecisionDetails: { 'IAM Policy': 'implicitDeny' } },
      ],
    };
    const answers = normalizeResults([result], ['arn:aws:s3:::b/a', 'arn:aws:s3:::b/b']);
    expect(answers.get(answerKey('s3:GetObject', 'arn:aws:s3:::b/a'))).toEqual({
      decision: 'allowed',
      matchedStatements: [{ sourcePolicyId: 'PolicyInputList.1', start: { line: 1, column: 2 }, end: { line: 1, column: 9 } }],
      missingContextValues: [],
    });
    expect(answers.get(answerKey('s3:GetObject', 'arn:aws:s3:::b/b'))).toEqual({
      decision: 'implicitDeny',
      matchedStatements: [],
      missingContextValues: ['aws:SourceIp'],
      allowedByPermissionsBoundary: false,
      evalDecisionDetails: { 'IAM Policy': 'implicitDeny' },
    });
    expect(answers.size).toBe(2); // nothing keyed by the template
    // The same result for resource `*`: the top level is that one resource's answer, keyed by action.
    expect(normalizeResults([{ ...result, ResourceSpecificResults: undefined }], ['*']).get(answerKey('s3:getobject', '*'))).toMatchObject({
      decision: 'implicitDeny',
      allowedByOrganizations: false,
      missingContextValues: ['aws:SourceIp'],
    });
  });

  it('follows IsTruncated/Marker until the last page', async () => {
    iam.handler = engineHandler({ pageSize: 1 });
    const r = await run([makeSuite(gridSuite(1))]);
    const sims = iam.simulations();
    expect(sims.map((q) => q.params.get('Marker') ?? null)).toEqual([null, '1', '2']);
    expect(sims.every((q) => members(q.params, 'ActionNames').length === 3)).toBe(true);
    expect(r.results.map((x) => x.actual)).toEqual(['allowed', 'allowed', 'allowed']);
    expect(r.differential.calls).toBe(3);
  });

  it('limits concurrency (default 4, configurable)', async () => {
    // Each request is held until `target` requests are in flight (or 2 s pass): the peak is then
    // exactly the limit, however slow the machine, and never above it.
    let inFlight = 0;
    let peak = 0;
    let target = 0;
    let wake: (() => void)[] = [];
    const engine = engineHandler();
    iam.handler = async (req, k) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      if (inFlight >= target) for (const w of wake.splice(0)) w();
      else await new Promise<void>((r) => { wake.push(r); setTimeout(r, 2000); });
      inFlight--;
      return engine(req, k);
    };
    const def = gridSuite(12, ['s3:GetObject']);
    target = 2;
    await run([makeSuite(def)], { chunkSize: 1, concurrency: 2 });
    expect(iam.simulations()).toHaveLength(12);
    expect(peak).toBe(2);
    peak = 0;
    target = 4;
    wake = [];
    iam.requests.length = 0;
    await run([makeSuite(def)], { chunkSize: 1 });
    expect(peak).toBe(4);
  });

  it('reports progress as cases get answers', async () => {
    const seen: [number, number][] = [];
    await run([makeSuite(gridSuite(4, ['s3:GetObject']))], { chunkSize: 2, concurrency: 1, onProgress: (d, t) => seen.push([d, t]) });
    expect(seen).toEqual([
      [2, 4],
      [4, 4],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// retries and errors

describe('throttling and 5xx: exponential backoff with full jitter', () => {
  it('retries Throttling twice, then answers (3 attempts, fake clock)', async () => {
    const engine = engineHandler();
    let attempts = 0;
    iam.handler = (req, k) => (++attempts <= 2 ? ERRORS.throttling() : engine(req, k));
    const clock = fakeClock();
    const r = await runAgainst('aws', [makeSuite(gridSuite(1, ['s3:GetObject']))], {
      client: loopbackClient(iam.endpoint),
      retry: { sleep: clock.sleep, random: clock.random },
    });
    expect(attempts).toBe(3); // the SDK's own retries are off: every attempt is ours
    expect(clock.delays).toEqual([100, 200]); // random 0.5 × min(cap, 200 × 2^n)
    expect(r.results[0]).toMatchObject({ actual: 'allowed', pass: true });
  });

  it('retries 5xx ServiceFailure, not PolicyEvaluation', async () => {
    const engine = engineHandler();
    let attempts = 0;
    iam.handler = (req, k) => (++attempts === 1 ? ERRORS.serviceFailure() : engine(req, k));
    const r = await run([makeSuite(gridSuite(1, ['s3:GetObject']))]);
    expect(attempts).toBe(2);
    expect(r.results[0]!.actual).toBe('allowed');

    attempts = 0;
    iam.handler = () => (attempts++, ERRORS.policyEvaluation('Policy could not be evaluated: unsupported element'));
    const bad = await run([makeSuite(gridSuite(1, ['s3:GetObject']))]);
    expect(attempts).toBe(1);
    expect(bad.results[0]!.error).toMatch(/could not evaluate a policy \(PolicyEvaluation\): Policy could not be evaluated/);
  });

  it('gives up after maxAttempts with an error that says to lower --concurrency', async () => {
    iam.handler = () => ERRORS.throttling();
    const clock = fakeClock();
    const r = await runAgainst('aws', [makeSuite(gridSuite(1, ['s3:GetObject']))], {
      client: loopbackClient(iam.endpoint),
      retry: { maxAttempts: 4, sleep: clock.sleep, random: () => 0.999 },
    });
    expect(iam.simulations()).toHaveLength(4);
    expect(clock.delays).toEqual([199, 399, 799]);
    expect(r.results[0]!.error).toMatch(/throttled 4 times \(Throttling: Rate exceeded\) — lower --concurrency/);
  });

  it('caps each delay (full jitter over min(cap, base × 2^n))', async () => {
    const delays: number[] = [];
    let n = 0;
    await withRetry(
      async () => {
        if (++n < 8) throw Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
        return 'ok';
      },
      { maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 5000, sleep: async (ms) => void delays.push(ms), random: () => 1 - Number.EPSILON },
    );
    expect(delays).toEqual([999, 1999, 3999, 4999, 4999, 4999, 4999]);
  });
});

describe('error mapping', () => {
  it('InvalidInput on a single case → that case errors with the message', async () => {
    iam.handler = () => ERRORS.invalidInput('ResourcePolicy is not applicable to arn:aws:s3:::data/obj-0');
    const r = await run([makeSuite(gridSuite(1, ['s3:GetObject']))]);
    expect(r.results[0]).toMatchObject({ agreement: 'error', pass: false, actual: null });
    expect(r.results[0]!.error).toBe(
      'SimulateCustomPolicy rejected the request (InvalidInput): ResourcePolicy is not applicable to arn:aws:s3:::data/obj-0 — check the policy texts, context values and resource ARNs this case sends',
    );
  });

  it('InvalidInput on a batch → split until the case at fault is found; the others are answered', async () => {
    const engine = engineHandler();
    iam.handler = (req, k) =>
      members(req.params, 'ResourceArns').includes('arn:aws:s3:::data/obj-2') ? ERRORS.invalidInput('bad resource obj-2') : engine(req, k);
    const r = await run([makeSuite(gridSuite(4, ['s3:GetObject', 's3:PutObject']))]);
    const errors = r.results.filter((x) => x.error).map((x) => `${x.action} ${x.resource}`);
    expect(errors.sort()).toEqual(['s3:GetObject arn:aws:s3:::data/obj-2', 's3:PutObject arn:aws:s3:::data/obj-2']);
    expect(r.results.filter((x) => x.actual === 'allowed')).toHaveLength(6);
    expect(differentialOrder(r.results).slice(0, 2).every((x) => x.agreement === 'error')).toBe(true); // errors listed before agreements
  });

  it('a fault every case shares: halving stops after the first case fails alone (calls grow with log n, not n)', async () => {
    iam.handler = () => ERRORS.invalidInput('Invalid resource policy');
    const r = await run([makeSuite(gridSuite(16, ['s3:GetObject', 's3:PutObject']))], { chunkSize: 16 });
    expect(r.results).toHaveLength(32);
    expect(r.results.every((x) => x.agreement === 'error' && /InvalidInput\): Invalid resource policy/.test(x.error!))).toBe(true);
    // 32 cases: the call, 5 halvings down to one case, then the 5 pending halves once each
    expect(iam.simulations()).toHaveLength(11);
  });

  it('two cases asking the same pair are one pair: a rejection errors both, without halving', async () => {
    iam.handler = () => ERRORS.invalidInput('nope');
    const def = gridSuite(1, ['s3:GetObject']);
    def.cases.push({ name: 'again', principal: 'u', action: 's3:GetObject', resource: 'arn:aws:s3:::data/obj-0', expect: 'implicitDeny' });
    const r = await run([makeSuite(def)]);
    expect(iam.simulations()).toHaveLength(1);
    expect(r.results.map((x) => x.error)).toEqual([expect.stringMatching(/\(a call of 2 cases\)$/), expect.stringMatching(/\(a call of 2 cases\)$/)]);
  });

  it('AccessDenied stops the run as a usage error (exit 2) naming the permissions needed', async () => {
    iam.handler = () => ERRORS.accessDenied('User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:SimulateCustomPolicy');
    const p = run([makeSuite(gridSuite(1, ['s3:GetObject']))]);
    await expect(p).rejects.toBeInstanceOf(AwsUsageError);
    await expect(p).rejects.toThrow(/refused \(AccessDenied\).*\n[\s\S]*iam:SimulateCustomPolicy, iam:SimulatePrincipalPolicy and iam:GetContextKeysFor\*/);
  });

  it('a case with no identity policy sends the documented no-op document (PolicyInputList is required)', async () => {
    const r = await run([
      makeSuite({
        policies: { bucket: { Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:user/u' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*' }] } },
        principals: { u: { arn: 'arn:aws:iam::123456789012:user/u' } },
        resources: [{ arn: 'arn:aws:s3:::data/*', policy: 'bucket' }],
        cases: [{ name: 'rbp only', principal: 'u', action: 's3:GetObject', resource: 'arn:aws:s3:::data/x', expect: 'allowed', decidedBy: ['bucket#Read'] }],
      }),
    ]);
    expect(members(iam.simulations()[0]!.params, 'PolicyInputList')).toEqual([NO_IDENTITY_POLICY]);
    expect(r.results[0]).toMatchObject({ actual: 'allowed', pass: true, agreement: 'agree', decidedBy: ['bucket#Read'] });
  });
});

// ---------------------------------------------------------------------------------------------
// read-only guard and credentials

describe('read-only: only Simulate*, GetContextKeysFor*, Get* and List* leave the process', () => {
  it('refuses write commands before any request is sent', async () => {
    const client = loopbackClient(iam.endpoint);
    const guarded = readOnlyClient(client);
    await expect(guarded.send(new CreateUserCommand({ UserName: 'mallory' }))).rejects.toBeInstanceOf(ReadOnlyViolation);
    await expect(guarded.send(new PutUserPolicyCommand({ UserName: 'u', PolicyName: 'p', PolicyDocument: '{}' }))).rejects.toThrow(
      /refuses to send PutUserPolicyCommand/,
    );
    await expect(guarded.send(new DeleteRolePolicyCommand({ RoleName: 'r', PolicyName: 'p' }))).rejects.toBeInstanceOf(ReadOnlyViolation);
    expect(iam.requests).toHaveLength(0);
  });

  it('lets read and simulate calls through, and leaves the caller’s client unguarded', async () => {
    const client = loopbackClient(iam.endpoint);
    const guarded = readOnlyClient(client);
    iam.handler = () => ({ status: 200, xml: '<GetContextKeysForCustomPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetContextKeysForCustomPolicyResult><ContextKeyNames><member>aws:MultiFactorAuthPresent</member></ContextKeyNames></GetContextKeysForCustomPolicyResult><ResponseMetadata><RequestId>x</RequestId></ResponseMetadata></GetContextKeysForCustomPolicyResponse>' });
    const out = await guarded.send(new GetContextKeysForCustomPolicyCommand({ PolicyInputList: [TEAMBUCKET_POLICY] }));
    expect(out.ContextKeyNames).toEqual(['aws:MultiFactorAuthPresent']);
    expect(iam.requests.map((r) => r.action)).toEqual(['GetContextKeysForCustomPolicy']);
    expect(readOnlyClient(guarded)).toBe(guarded);
    expect(client.middlewareStack.identify().join(' ')).not.toMatch(/iamspecReadOnly/);
  });
});

describe('credentials', () => {
  it('missing credentials → a usage error (exit 2) saying how to provide them, before any call', async () => {
    const { IAMClient } = await import('@aws-sdk/client-iam');
    const client = new IAMClient({
      endpoint: iam.endpoint,
      region: 'us-east-1',
      credentials: async () => {
        throw Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
      },
    });
    const p = runAgainst('aws', [makeSuite(gridSuite(1, ['s3:GetObject']))], { client });
    await expect(p).rejects.toBeInstanceOf(AwsUsageError);
    const err = (await p.catch((e: unknown) => e)) as AwsUsageError;
    expect(err).toBeInstanceOf(UsageError); // the CLI prints the message and exits 2
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/needs AWS credentials, and none could be resolved \(Could not load credentials from any providers\)/);
    for (const hint of ['AWS_PROFILE', 'aws sso login', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', '--against recorded']) expect(err.message).toContain(hint);
    expect(iam.requests).toHaveLength(0);
  });

  it('rejects unknown modes and --record without --against aws as usage errors', async () => {
    await expect(runAgainst('local' as 'aws', [])).rejects.toBeInstanceOf(AwsUsageError);
    await expect(runAgainst('recorded', [], { record: true })).rejects.toThrow(/--record needs --against aws/);
  });
});
