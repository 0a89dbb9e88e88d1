// Decisions that rest on undocumented behaviour name it: `assumptions` lists a rule of
// src/engine/assumption-rules.ts exactly when reading it the other way changes the decision.
// Test names carry the spec § and status ([UNDOCUMENTED], [DOC-CONFLICT], [SECONDARY]).
import { describe, expect, it } from 'vitest';
import { compilePolicySet, evaluate, explain, makeRequest, type ContextValue, type PolicySetInput } from '../../src/engine/index.ts';
import { bool, boundary, id, ip, num, rbp, rcp, session, str, strList, date } from './helpers.ts';

const A = '111111111111';
const USER = `arn:aws:iam::${A}:user/alice`;
const ROLE = `arn:aws:iam::${A}:role/app`;
const SESSION = `arn:aws:sts::${A}:assumed-role/app/iamspec`;
const FED = `arn:aws:sts::${A}:federated-user/bob`;
const OBJ = 'arn:aws:s3:::bucket/key';

interface Ask {
  principal?: string;
  action?: string;
  resource?: string;
  resourceAccount?: string;
  context?: Record<string, ContextValue | null>;
}

/** Decides and returns the decision with its assumptions; the explanation must list the same. */
function assume(policies: PolicySetInput, ask: Ask = {}): { decision: string; assumptions: string[] } {
  const set = compilePolicySet(policies);
  const req = makeRequest({
    principal: { arn: ask.principal ?? USER },
    action: ask.action ?? 's3:GetObject',
    resource: ask.resource ?? OBJ,
    context: ask.context ?? {},
    ...(ask.resourceAccount ? { resourceAccount: ask.resourceAccount } : {}),
  });
  const r = evaluate(req, set);
  expect(explain(req, set).assumptions, 'explanation and result list the same assumptions').toEqual(r.assumptions);
  return { decision: r.decision, assumptions: r.assumptions };
}

const allowS3 = id('allow', { Effect: 'Allow', Action: 's3:*', Resource: '*' });
const admin = id('admin', { Effect: 'Allow', Action: '*', Resource: '*' });

describe('nothing to record', () => {
  it('an ordinary decision rests on no assumption', () => {
    expect(assume({ identity: [allowS3] })).toEqual({ decision: 'allowed', assumptions: [] });
    expect(assume({})).toEqual({ decision: 'implicitDeny', assumptions: [] });
  });
});

describe('decision flow', () => {
  it('refusal-decision-word: a refused request is explicitDeny by reading, and says so (§1.9 [UNDOCUMENTED])', () => {
    expect(assume({ identity: [admin] }, { action: 'iam:DeletePolicy', resource: 'arn:aws:iam::aws:policy/ReadOnlyAccess' })).toEqual({
      decision: 'explicitDeny',
      assumptions: ['refusal-decision-word'],
    });
    // With no Allow, the policies would deny as well (implicitly): the word still rests on the reading.
    expect(assume({}, { action: 'iam:DeletePolicy', resource: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }).assumptions).toEqual(['refusal-decision-word']);
    // A matching Deny decides on its own: nothing rests on the reading.
    const deny = id('deny', { Effect: 'Deny', Action: 'iam:*', Resource: '*' });
    expect(assume({ identity: [deny] }, { action: 'iam:DeletePolicy', resource: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }).assumptions).toEqual([]);
  });

  it('rbp-account-delegates: a same-account bucket policy naming the account needs an identity Allow (§1.3 [SECONDARY])', () => {
    const grant = rbp('bucket', { Effect: 'Allow', Principal: { AWS: A }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' });
    expect(assume({ resource: grant })).toEqual({ decision: 'implicitDeny', assumptions: ['rbp-account-delegates'] });
    expect(assume({ resource: grant, identity: [allowS3] })).toEqual({ decision: 'allowed', assumptions: [] });
  });

  it('rbp-session-arn-boundary: a grant to the session ARN passes the boundary (§1.3 [UNDOCUMENTED]); the session policy part is documented', () => {
    const grant = rbp('bucket', { Effect: 'Allow', Principal: { AWS: SESSION }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' });
    const ec2 = boundary('b', { Effect: 'Allow', Action: 'ec2:*', Resource: '*' });
    expect(assume({ resource: grant, boundary: ec2 }, { principal: ROLE })).toEqual({ decision: 'allowed', assumptions: ['rbp-session-arn-boundary'] });
    // Session policy only (IAM User Guide, session policies: such grants are not limited by it): nothing to record.
    const s = [session('s', { Effect: 'Allow', Action: 'ec2:*', Resource: '*' })];
    expect(assume({ resource: grant, session: s }, { principal: ROLE })).toEqual({ decision: 'allowed', assumptions: [] });
    // Principal "*" pierces the boundary by the documented table: nothing to record.
    const star = rbp('bucket', { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' });
    expect(assume({ resource: star, boundary: ec2 }, { principal: ROLE }).assumptions).toEqual([]);
  });

  it('notprincipal-every-link: NotPrincipal listing the role without its account does not exclude the session (§2.2 [UNDOCUMENTED])', () => {
    const deny = (values: string[]) => rbp('bucket', { Effect: 'Deny', NotPrincipal: { AWS: values }, Action: 's3:*', Resource: '*' });
    expect(assume({ identity: [allowS3], resource: deny([ROLE]) }, { principal: ROLE })).toEqual({ decision: 'explicitDeny', assumptions: ['notprincipal-every-link'] });
    expect(assume({ identity: [allowS3], resource: deny([ROLE, A]) }, { principal: ROLE })).toEqual({ decision: 'allowed', assumptions: [] });
    // Not naming the caller at all: denied under either reading.
    expect(assume({ identity: [allowS3], resource: deny([USER]) }, { principal: ROLE }).assumptions).toEqual([]);
  });

  it('federated-session-without-policy: no session policy, no permissions (§1.1 step 8 [DOC-CONFLICT])', () => {
    expect(assume({ identity: [allowS3] }, { principal: FED })).toEqual({ decision: 'implicitDeny', assumptions: ['federated-session-without-policy'] });
    expect(assume({}, { principal: FED }).assumptions).toEqual([]); // nothing allows it anyway
  });

  it('boundary-without-allow: a Deny-only boundary denies (§7.5, §11 E6a [DOC-CONFLICT])', () => {
    const denyOnly = boundary('b', { Effect: 'Deny', Action: 'ec2:*', Resource: '*' });
    expect(assume({ identity: [allowS3], boundary: denyOnly })).toEqual({ decision: 'implicitDeny', assumptions: ['boundary-without-allow'] });
    const allowEc2 = boundary('b', { Effect: 'Allow', Action: 'ec2:*', Resource: '*' });
    expect(assume({ identity: [allowS3], boundary: allowEc2 }).assumptions).toEqual([]);
  });

  it('anonymous-rcp: an RCP Deny stops an anonymous caller (§1.4 [SECONDARY])', () => {
    const bucket = rbp('bucket', { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' });
    const rcps = [[rcp('r', { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]];
    const ask = { principal: 'anonymous', resourceAccount: A, context: { 'aws:SecureTransport': bool(false) } };
    expect(assume({ resource: bucket, rcps, organization: { accounts: [A] } }, ask)).toEqual({ decision: 'explicitDeny', assumptions: ['anonymous-rcp'] });
    expect(assume({ resource: bucket, rcps, organization: { accounts: [A] } }, { ...ask, context: { 'aws:SecureTransport': bool(true) } }).assumptions).toEqual([]);
  });

  it('anonymous-principal-keys: a condition on aws:userid for an anonymous caller (§5 [UNDOCUMENTED])', () => {
    const bucket = rbp('bucket', { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'aws:userid': 'anonymous' } } });
    expect(assume({ resource: bucket }, { principal: 'anonymous' })).toEqual({ decision: 'allowed', assumptions: ['anonymous-principal-keys'] });
  });
});

describe('matching', () => {
  it('notresource-unresolved-variable: an unresolved NotResource entry excludes nothing (§3.2 [UNDOCUMENTED])', () => {
    const deny = id('deny', { Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::${aws:PrincipalTag/team}/*' });
    expect(assume({ identity: [allowS3, deny] })).toEqual({ decision: 'explicitDeny', assumptions: ['notresource-unresolved-variable'] });
  });

  it('short-arn-trailing-star: arn:aws:s3:* spans the rest of the ARN (§3.2, §10 [DOC-CONFLICT])', () => {
    const short = id('short', { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:*' });
    expect(assume({ identity: [short] })).toEqual({ decision: 'allowed', assumptions: ['short-arn-trailing-star'] });
    const both = id('both', { Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:*', 'arn:aws:s3:::bucket/*'] });
    expect(assume({ identity: [both] }).assumptions).toEqual([]);
  });

  it('wildcard-only-resource: a Deny on a specific ARN does not reach an action without resource types (§3.1 [SECONDARY])', () => {
    const deny = id('deny', { Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::secret/*' });
    expect(assume({ identity: [allowS3, deny] }, { action: 's3:ListAllMyBuckets', resource: '*' })).toEqual({ decision: 'allowed', assumptions: ['wildcard-only-resource'] });
  });

  it('substituted-values-literal: a * in a tag value is not a wildcard (§5 [UNDOCUMENTED])', () => {
    const own = id('own', { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/${aws:PrincipalTag/team}' });
    const set = compilePolicySet({ identity: [own] });
    const req = makeRequest({ principal: { arn: USER, tags: { team: '*' } }, action: 's3:GetObject', resource: OBJ });
    const r = evaluate(req, set);
    expect(r.decision).toBe('implicitDeny');
    expect(r.assumptions).toEqual(['substituted-values-literal']);
  });

  it('substituted-values-literal in a condition: StringLike with a tag value * (§5 [UNDOCUMENTED])', () => {
    const p = id('p', { Effect: 'Allow', Action: 's3:ListBucket', Resource: '*', Condition: { StringLike: { 's3:prefix': '${aws:PrincipalTag/team}/*' } } });
    const set = compilePolicySet({ identity: [p] });
    const ask = (team: string) => makeRequest({ principal: { arn: USER, tags: { team } }, action: 's3:ListBucket', resource: 'arn:aws:s3:::bucket', context: { 's3:prefix': str('alpha/x') } });
    const star = evaluate(ask('*'), set);
    expect([star.decision, star.assumptions]).toEqual(['implicitDeny', ['substituted-values-literal']]);
    const plain = evaluate(ask('alpha'), set);
    expect([plain.decision, plain.assumptions]).toEqual(['allowed', []]);
  });

  it('arn-prefix-case: ARN prefixes compare case-sensitively (§3.2 [SECONDARY])', () => {
    // The validator rejects an upper-case Region in a policy; a request ARN can carry one.
    const p = id('p', { Effect: 'Allow', Action: 'ec2:StartInstances', Resource: `arn:aws:ec2:us-east-1:${A}:instance/*` });
    expect(assume({ identity: [p] }, { action: 'ec2:StartInstances', resource: `arn:aws:ec2:US-EAST-1:${A}:instance/i-1` })).toEqual({
      decision: 'implicitDeny',
      assumptions: ['arn-prefix-case'],
    });
  });
});

describe('conditions', () => {
  const cond = (condition: unknown, effect = 'Allow') => id('c', { Effect: effect, Action: 's3:*', Resource: '*', Condition: condition });

  it('plain-operator-multivalued: StringEquals on a key with two values is false (§4.3 [SECONDARY])', () => {
    const p = cond({ StringEquals: { 'aws:TagKeys': 'env' } });
    expect(assume({ identity: [p] }, { context: { 'aws:TagKeys': strList('env', 'team') } })).toEqual({ decision: 'implicitDeny', assumptions: ['plain-operator-multivalued'] });
    expect(assume({ identity: [p] }, { context: { 'aws:TagKeys': strList('a', 'b') } }).assumptions).toEqual([]); // no value would match
  });

  it('empty-values-absent: a key with no values is absent for …IfExists (§4.2 [UNDOCUMENTED])', () => {
    const p = cond({ StringEqualsIfExists: { 'aws:RequestTag/env': 'prod' } });
    expect(assume({ identity: [p] }, { context: { 'aws:RequestTag/env': strList() } })).toEqual({ decision: 'allowed', assumptions: ['empty-values-absent'] });
  });

  it('unreadable-request-value: NumericNotEquals on a non-number is false (§4.5, §4.12 [UNDOCUMENTED])', () => {
    const p = cond({ NumericNotEquals: { 's3:max-keys': '10' } });
    expect(assume({ identity: [p] }, { context: { 's3:max-keys': str('ten') } })).toEqual({ decision: 'implicitDeny', assumptions: ['unreadable-request-value'] });
    expect(assume({ identity: [p] }, { context: { 's3:max-keys': num(5) } }).assumptions).toEqual([]);
  });

  it('string-operator-on-boolean: StringEquals "true" on a boolean key compares text (§4.12 [UNDOCUMENTED])', () => {
    const p = cond({ StringEquals: { 'aws:MultiFactorAuthPresent': 'true' } });
    expect(assume({ identity: [p] }, { context: { 'aws:MultiFactorAuthPresent': bool(true) } })).toEqual({ decision: 'allowed', assumptions: ['string-operator-on-boolean'] });
  });

  it('bool-case-insensitive: Bool "True" is true (§4.8 [UNDOCUMENTED])', () => {
    const p = cond({ Bool: { 'aws:SecureTransport': 'True' } });
    expect(assume({ identity: [p] }, { context: { 'aws:SecureTransport': bool(true) } })).toEqual({ decision: 'allowed', assumptions: ['bool-case-insensitive'] });
    const canonical = cond({ Bool: { 'aws:SecureTransport': 'true' } });
    expect(assume({ identity: [canonical] }, { context: { 'aws:SecureTransport': bool(true) } }).assumptions).toEqual([]);
  });

  it('date-forms: a date-only value is midnight UTC (§4.6 [UNDOCUMENTED])', () => {
    const p = cond({ DateGreaterThan: { 'aws:CurrentTime': '2026-01-01' } });
    expect(assume({ identity: [p] }, { context: { 'aws:CurrentTime': date('2026-06-01T00:00:00Z') } })).toEqual({ decision: 'allowed', assumptions: ['date-forms'] });
    const full = cond({ DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' } });
    expect(assume({ identity: [full] }, { context: { 'aws:CurrentTime': date('2026-06-01T00:00:00Z') } }).assumptions).toEqual([]);
  });

  it('ignorecase-latin1: StringEqualsIgnoreCase folds É to é (§4.4 [UNDOCUMENTED])', () => {
    const p = cond({ StringEqualsIgnoreCase: { 'aws:PrincipalTag/city': 'MÉXICO' } });
    const set = compilePolicySet({ identity: [p] });
    const r = evaluate(makeRequest({ principal: { arn: USER, tags: { city: 'méxico' } }, action: 's3:GetObject', resource: OBJ }), set);
    expect([r.decision, r.assumptions]).toEqual(['allowed', ['ignorecase-latin1']]);
  });

  it('numbers-exact-decimal: 1e3 is not a number (§4.5 [UNDOCUMENTED])', () => {
    const p = cond({ NumericEquals: { 's3:max-keys': '1000' } });
    expect(assume({ identity: [p] }, { context: { 's3:max-keys': str('1e3') } })).toEqual({ decision: 'implicitDeny', assumptions: ['numbers-exact-decimal'] });
  });

  it('ipv6-bare-128 and ipv4-mapped-ipv6 (§4.10 [UNDOCUMENTED])', () => {
    const bare = cond({ IpAddress: { 'aws:SourceIp': '2001:db8::1' } });
    expect(assume({ identity: [bare] }, { context: { 'aws:SourceIp': ip('2001:db8::1') } })).toEqual({ decision: 'allowed', assumptions: ['ipv6-bare-128'] });
    const v4 = cond({ NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }, 'Deny');
    expect(assume({ identity: [allowS3, v4] }, { context: { 'aws:SourceIp': ip('::ffff:10.0.0.5') } })).toEqual({ decision: 'explicitDeny', assumptions: ['ipv4-mapped-ipv6'] });
  });
});
