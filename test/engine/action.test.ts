import { describe, expect, it } from 'vitest';
import { compileActionMatcher } from '../../src/engine/action.ts';

const lower = (a: string): string => a.toLowerCase();

describe('action matching (spec §3.1)', () => {
  it('§3.1 "*" alone matches every action of every service; services is null', () => {
    const m = compileActionMatcher(['*']);
    expect(m.test('s3:getobject')).toBe(true);
    expect(m.test('iam:createuser')).toBe(true);
    expect(m.services).toBeNull();
  });

  it('§3.1 both parts are case-insensitive (iam:ListAccessKeys ≡ IAM:listaccesskeys)', () => {
    const m = compileActionMatcher(['IAM:listaccesskeys']);
    expect(m.test(lower('iam:ListAccessKeys'))).toBe(true);
    expect(m.test(lower('IAM:LISTACCESSKEYS'))).toBe(true);
    expect(m.test(lower('iam:ListAccessKey'))).toBe(false);
    const w = compileActionMatcher(['S3:Get*']);
    expect(w.test(lower('s3:GetObject'))).toBe(true);
    expect(w.services).toEqual(new Set(['s3']));
  });

  it('§3.1 `*` in the action name matches any run; the service must still match exactly', () => {
    const m = compileActionMatcher(['s3:Get*']);
    expect(m.test('s3:getobject')).toBe(true);
    expect(m.test('s3:get')).toBe(true);
    expect(m.test('s3:putobject')).toBe(false);
    expect(m.test('s3x:getobject')).toBe(false);
    expect(m.test('ec2:getconsoleoutput')).toBe(false);
  });

  it('§3.1 "s3:*" is every S3 action and nothing in s3control or s3-object-lambda', () => {
    const m = compileActionMatcher(['s3:*']);
    expect(m.test('s3:deletebucket')).toBe(true);
    expect(m.test('s3control:getjob')).toBe(false);
    expect(m.test('s3-object-lambda:getobject')).toBe(false);
    expect(m.services).toEqual(new Set(['s3']));
  });

  it('§3.1 `?` matches exactly one character of the name', () => {
    const m = compileActionMatcher(['iam:Get?ser']);
    expect(m.test('iam:getuser')).toBe(true);
    expect(m.test('iam:getser')).toBe(false);
    expect(m.test('iam:getuuser')).toBe(false);
  });

  it('§3.1 middle and leading wildcards in the name (E3: iam:*Report)', () => {
    const m = compileActionMatcher(['iam:*Report']);
    expect(m.test(lower('iam:GetOrganizationsAccessReport'))).toBe(true);
    expect(m.test(lower('iam:GenerateCredentialReport'))).toBe(true);
    expect(m.test(lower('iam:GetUser'))).toBe(false);
    expect(m.test(lower('iam:GetReports'))).toBe(false);
  });

  it('§3.1 a wildcard in the service prefix matches across services; services is null', () => {
    const m = compileActionMatcher(['*:Get*']);
    expect(m.test('ec2:getconsoleoutput')).toBe(true);
    expect(m.test('s3:getobject')).toBe(true);
    expect(m.test('s3:putobject')).toBe(false);
    expect(m.services).toBeNull();
    const q = compileActionMatcher(['s?:ListBuckets']);
    expect(q.test('s3:listbuckets')).toBe(true);
    expect(q.test('sqs:listbuckets')).toBe(false);
  });

  it('§3.1 services lists the lower-cased prefixes of exact and wildcard patterns', () => {
    const m = compileActionMatcher(['s3:GetObject', 'S3:Put*', 'IAM:*', 'kms:Decrypt']);
    expect(m.services).toEqual(new Set(['s3', 'iam', 'kms']));
    expect(m.patterns).toEqual(['s3:GetObject', 'S3:Put*', 'IAM:*', 'kms:Decrypt']);
  });

  it('§3.1 exact patterns match only the same action', () => {
    const m = compileActionMatcher(['s3:GetObject', 'kms:Decrypt']);
    expect(m.test('s3:getobject')).toBe(true);
    expect(m.test('kms:decrypt')).toBe(true);
    expect(m.test('s3:getobjectacl')).toBe(false);
    expect(m.test('kms:encrypt')).toBe(false);
  });

  it('§2.3 a pattern without `service:` (other than "*") never matches (validator guard)', () => {
    const m = compileActionMatcher(['GetObject', 'Get*']);
    expect(m.test('s3:getobject')).toBe(false);
    expect(m.test('getobject')).toBe(false);
    expect(m.services).toEqual(new Set());
  });

  it('§2.1 a comma-joined string is one action that never matches', () => {
    const m = compileActionMatcher(['s3:GetObject,s3:PutObject']);
    expect(m.test('s3:getobject')).toBe(false);
    expect(m.test('s3:putobject')).toBe(false);
  });

  it('§3.1 NotAction: the matcher reports what is listed; the caller negates (E15)', () => {
    // Allow NotAction s3:DeleteBucket: the statement applies where test() is false.
    const m = compileActionMatcher(['s3:DeleteBucket']);
    expect(m.test('s3:deletebucket')).toBe(true);
    expect(m.test('s3:listallmybuckets')).toBe(false);
    expect(m.test('ec2:runinstances')).toBe(false);
    // Deny NotAction iam:* — matching is the same wildcard matching as for Action.
    const n = compileActionMatcher(['iam:*']);
    expect(n.test('iam:createuser')).toBe(true);
    expect(n.test('s3:getobject')).toBe(false);
  });

  it('§3.1 an empty pattern list matches nothing', () => {
    const m = compileActionMatcher([]);
    expect(m.test('s3:getobject')).toBe(false);
    expect(m.services).toEqual(new Set());
  });
});
