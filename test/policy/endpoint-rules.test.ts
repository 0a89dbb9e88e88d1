// Validation of VPC endpoint policies (spec §1.8; AWS PrivateLink Guide, "Control access to VPC
// endpoints using endpoint policies", Considerations).
import { describe, expect, it } from 'vitest';
import { readPolicy } from '../../src/policy/index.ts';

const codes = (doc: unknown, type: 'endpoint' | 'resource' = 'endpoint') =>
  readPolicy(JSON.stringify(doc, null, 2), { name: 'e', type }).findings.filter((f) => f.severity === 'error').map((f) => f.code);

const statement = (extra: Record<string, unknown>) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*', ...extra }] });

describe('VPC endpoint policies (PrivateLink Guide: endpoint policy considerations)', () => {
  it('the default endpoint policy is valid', () => {
    expect(codes({ Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] })).toEqual([]);
  });

  it('Principal is required (an endpoint policy "must contain a Principal element")', () => {
    expect(codes({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] })).toEqual(['Missing principal']);
  });

  it('no wildcard with a key holding system-generated identifiers (aws:PrincipalAccount, aws:SourceVpc)', () => {
    expect(codes(statement({ Condition: { StringLike: { 'aws:SourceVpc': 'vpc-1a2b*' } } }))).toEqual(['Endpoint policy wildcard on system identifier']);
    expect(codes(statement({ Condition: { StringEquals: { 'aws:PrincipalAccount': '1111*' } } }))).toEqual(['Endpoint policy wildcard on system identifier']);
    expect(codes(statement({ Condition: { StringEquals: { 'aws:PrincipalAccount': '111111111111' } } }))).toEqual([]);
    // A resource-based policy is not bound by the endpoint rules.
    expect(codes(statement({ Condition: { StringLike: { 'aws:SourceVpc': 'vpc-1a2b*' } } }), 'resource')).toEqual([]);
  });

  it('no numeric operator with such a key', () => {
    expect(codes(statement({ Condition: { NumericEquals: { 'aws:PrincipalAccount': '111111111111' } } }))).toContain('Endpoint policy numeric operator on system identifier');
  });

  it('a string wildcard needs six consecutive characters before or after it', () => {
    expect(codes(statement({ Condition: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/ab*' } } }))).toEqual([]);
    expect(codes(statement({ Condition: { StringLike: { 's3:prefix': 'ab*' } } }))).toEqual(['Endpoint policy short wildcard']);
    expect(codes(statement({ Condition: { StringLike: { 's3:prefix': 'abcdef*' } } }))).toEqual([]);
    // ${*} is a literal asterisk, not a wildcard.
    expect(codes(statement({ Condition: { StringLike: { 's3:prefix': 'a${*}' } } }))).toEqual([]);
  });

  it('an ARN account holds an account id or a wildcard, not both', () => {
    expect(codes(statement({ Resource: 'arn:aws:sqs:us-east-1:1111*:queue' }))).toEqual(['Endpoint policy account wildcard']);
    expect(codes(statement({ Resource: 'arn:aws:sqs:us-east-1:*:queue' }))).toEqual([]);
    expect(codes(statement({ Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::11111111111?:role/admin' } } }))).toEqual(['Endpoint policy account wildcard']);
  });

  it('at most 20,480 characters, whitespace included', () => {
    const big = { Version: '2012-10-17', Statement: [{ Sid: 'Big', Effect: 'Allow', Principal: '*', Action: Array.from({ length: 1200 }, (_, i) => `s3:Get${i}x`), Resource: '*' }] };
    expect(codes(big)).toContain('Policy size exceeds VPC endpoint policy quota');
  });
});
