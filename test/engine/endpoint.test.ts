// VPC endpoint policies (spec §1.8; AWS PrivateLink Guide, "Control access to VPC endpoints using
// endpoint policies"): a Principal-shaped ceiling on every request through the endpoint.
import { describe, expect, it } from 'vitest';
import { compilePolicySet, evaluate, makeRequest } from '../../src/engine/index.ts';
import { boundary, decide, id, pol, rbp, str } from './helpers.ts';

const A = '111111111111';
const USER = `arn:aws:iam::${A}:user/alice`;
const OBJ = 'arn:aws:s3:::bucket/key';
const get = { action: 's3:GetObject', resource: OBJ, resourceAccount: A, context: { 'aws:SourceVpce': str('vpce-1a2b3c4d') } };
const endpoint = (...statements: unknown[]) => pol('vpce', 'endpoint', statements);
const allowS3 = id('allow', { Effect: 'Allow', Action: 's3:*', Resource: '*' });

describe('§1.8 VPC endpoint policies', () => {
  it('the default endpoint policy (Allow * to *) changes nothing (PrivateLink Guide: default endpoint policy)', () => {
    const full = endpoint({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' });
    expect(decide({ principal: USER, ...get }, { identity: [allowS3], endpoint: full }).decision).toBe('allowed');
    expect(decide({ principal: USER, ...get }, { endpoint: full }).decision).toBe('implicitDeny');
  });

  it('does not replace identity or resource policies: both must allow (PrivateLink Guide: "does not override or replace")', () => {
    const onlyBucket = endpoint({ Sid: 'OnlyBucket', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' });
    const r = decide({ principal: USER, ...get }, { identity: [allowS3], endpoint: onlyBucket });
    expect(r.decision).toBe('allowed');
    expect(r.decidedBy).toEqual(['allow#0', 'vpce#OnlyBucket']);
    const other = decide({ principal: USER, ...get, resource: 'arn:aws:s3:::other/key' }, { identity: [allowS3], endpoint: onlyBucket });
    expect(other.decision).toBe('implicitDeny');
    expect(other.explanation.reason).toBe('the VPC endpoint policy does not allow the request (spec §1.8)');
    expect(other.explanation.gates.at(-1)).toMatchObject({ gate: 'endpoint', outcome: 'fail' });
  });

  it('a Deny in the endpoint policy is an explicit deny, swept with all others (spec §1.1 step 2)', () => {
    const deny = endpoint(
      { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
      { Sid: 'NoDeletes', Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: '*' },
    );
    const r = decide({ principal: USER, ...get, action: 's3:DeleteObject' }, { identity: [allowS3], endpoint: deny });
    expect(r.decision).toBe('explicitDeny');
    expect(r.decidedBy).toEqual(['vpce#NoDeletes']);
  });

  it('it caps a same-account resource-policy grant too, and applies to anonymous callers through Principal "*"', () => {
    const bucket = rbp('bucket', { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: '*' });
    const onlyAlice = endpoint({ Effect: 'Allow', Principal: { AWS: USER }, Action: '*', Resource: '*' });
    expect(decide({ principal: 'anonymous', ...get }, { resource: bucket }).decision).toBe('allowed');
    expect(decide({ principal: 'anonymous', ...get }, { resource: bucket, endpoint: onlyAlice }).decision).toBe('implicitDeny');
    expect(decide({ principal: USER, ...get }, { resource: bucket, endpoint: onlyAlice }).decision).toBe('allowed');
  });

  it('the Principal element is matched like a resource policy\'s: a NotPrincipal Deny always denies a principal with a boundary (§1.3)', () => {
    const np = endpoint({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }, { Effect: 'Deny', NotPrincipal: { AWS: [A, USER] }, Action: '*', Resource: '*' });
    expect(decide({ principal: USER, ...get }, { identity: [allowS3], endpoint: np }).decision).toBe('allowed');
    const b = boundary('b', { Effect: 'Allow', Action: 's3:*', Resource: '*' });
    expect(decide({ principal: USER, ...get }, { identity: [allowS3], boundary: b, endpoint: np }).decision).toBe('explicitDeny');
  });

  it('an account Principal matches the account\'s users, recorded as vpce-account-principal (§1.8 [UNDOCUMENTED]: gateway endpoints grant the root user only)', () => {
    const account = endpoint({ Effect: 'Allow', Principal: { AWS: A }, Action: '*', Resource: '*' });
    const set = compilePolicySet({ identity: [allowS3], endpoint: account });
    const r = evaluate(makeRequest({ principal: { arn: USER }, ...get }), set);
    expect([r.decision, r.assumptions]).toEqual(['allowed', ['vpce-account-principal']]);
    const root = evaluate(makeRequest({ principal: { arn: `arn:aws:iam::${A}:root` }, ...get }), set);
    expect([root.decision, root.assumptions]).toEqual(['allowed', []]);
  });

  it('missing context keys of endpoint statements are reported', () => {
    const scoped = endpoint({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } });
    const r = decide({ principal: USER, ...get }, { identity: [allowS3], endpoint: scoped });
    expect(r.decision).toBe('implicitDeny');
    expect(r.explanation.missingContext).toEqual(['aws:PrincipalOrgID']);
  });
});
