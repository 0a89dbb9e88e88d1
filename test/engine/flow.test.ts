// The decision flow of spec §1 beyond the worked examples: the §1.3 principal-form table, caller
// kinds, organization scoping and what explanations say.
import { describe, expect, it } from 'vitest';
import { bool, boundary, decide, id, rbp, rcp, scp, session, str } from './helpers.ts';

const A = '111111111111';
const B = '222222222222';
const USER = `arn:aws:iam::${A}:user/alice`;
const ROLE = `arn:aws:iam::${A}:role/team/app`; // a session of it is assumed-role/app/iamspec
const SESSION = `arn:aws:sts::${A}:assumed-role/app/iamspec`;
const FED = `arn:aws:sts::${A}:federated-user/bob`;
const OBJ = 'arn:aws:s3:::bucket/key';
const get = { action: 's3:GetObject', resource: OBJ, resourceAccount: A };

const allowS3 = (name: string) => ({ Sid: name, Effect: 'Allow', Action: 's3:*', Resource: '*' });
const bucketNaming = (principal: unknown) => rbp('bucket', { Sid: 'Grant', Effect: 'Allow', Principal: principal, Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' });
const ec2Boundary = boundary('b', { Effect: 'Allow', Action: 'ec2:*', Resource: '*' });
const ec2Session = [session('s', { Effect: 'Allow', Action: 'ec2:*', Resource: '*' })];

describe('§1.3 same-account resource policy: which principal form pierces which ceiling', () => {
  it('names the IAM user: no identity policy needed, not limited by the boundary', () => {
    const r = decide({ principal: USER, ...get }, { boundary: ec2Boundary, resource: bucketNaming({ AWS: USER }) });
    expect(r.decision).toBe('allowed');
  });
  it('names the role ARN: no identity policy needed, but the boundary must allow', () => {
    expect(decide({ principal: ROLE, ...get }, { resource: bucketNaming({ AWS: ROLE }) }).decision).toBe('allowed');
    expect(decide({ principal: ROLE, ...get }, { boundary: ec2Boundary, resource: bucketNaming({ AWS: ROLE }) }).decision).toBe('implicitDeny');
  });
  it('names the role ARN: the session policy must allow too (§1.6)', () => {
    expect(decide({ principal: ROLE, ...get }, { session: ec2Session, resource: bucketNaming({ AWS: ROLE }) }).decision).toBe('implicitDeny');
  });
  it('names the role session ARN: pierces boundary and session policy', () => {
    const r = decide({ principal: ROLE, ...get }, { boundary: ec2Boundary, session: ec2Session, resource: bucketNaming({ AWS: SESSION }) });
    expect(r.decision).toBe('allowed');
  });
  it('names the federated-user ARN: pierces the missing session policy', () => {
    expect(decide({ principal: FED, ...get }, { resource: bucketNaming({ AWS: FED }) }).decision).toBe('allowed');
  });
  it('names the IAM user behind a federated session: limited by the session policy', () => {
    const ask = { principal: FED, parentUserArn: USER, ...get };
    expect(decide(ask, { resource: bucketNaming({ AWS: USER }) }).decision).toBe('implicitDeny'); // no session policy: no permissions
    const s3Session = [session('s', allowS3('S'))];
    expect(decide(ask, { session: s3Session, resource: bucketNaming({ AWS: USER }) }).decision).toBe('allowed');
  });
  it('Principal "*": pierces identity, boundary and session', () => {
    expect(decide({ principal: ROLE, ...get }, { boundary: ec2Boundary, session: ec2Session, resource: bucketNaming('*') }).decision).toBe('allowed');
  });
  it('names the account: delegation, the identity policy must allow (§1.3 [SECONDARY])', () => {
    expect(decide({ principal: USER, ...get }, { resource: bucketNaming({ AWS: A }) }).decision).toBe('implicitDeny');
    expect(decide({ principal: USER, ...get }, { identity: [id('i', allowS3('I'))], resource: bucketNaming({ AWS: `arn:aws:iam::${A}:root` }) }).decision).toBe('allowed');
    expect(
      decide({ principal: USER, ...get }, { identity: [id('i', allowS3('I'))], boundary: ec2Boundary, resource: bucketNaming({ AWS: A }) }).decision,
    ).toBe('implicitDeny');
  });
});

describe('§1.1 sessions and caller kinds', () => {
  it('a role session without a session policy keeps the role permissions', () => {
    expect(decide({ principal: ROLE, ...get }, { identity: [id('i', allowS3('I'))] }).decision).toBe('allowed');
  });
  it('a role session with a session policy gets identity ∩ session', () => {
    expect(decide({ principal: ROLE, ...get }, { identity: [id('i', allowS3('I'))], session: ec2Session }).decision).toBe('implicitDeny');
  });
  it('an assumed-role ARN is the same caller as a role ARN', () => {
    expect(decide({ principal: SESSION, ...get }, { identity: [id('i', allowS3('I'))], session: ec2Session }).decision).toBe('implicitDeny');
  });
  it('a federated-user session without a session policy has no permissions (§1.1 step 8, STS reference)', () => {
    const r = decide({ principal: FED, ...get }, { identity: [id('i', allowS3('I'))] });
    expect(r.decision).toBe('implicitDeny');
    expect(r.explanation.gates.at(-1)).toMatchObject({ gate: 'session', outcome: 'fail' });
  });
  it('the root user is allowed by default in its own account, but explicit denies still apply (§1.1 step 1)', () => {
    const root = `arn:aws:iam::${A}:root`;
    expect(decide({ principal: root, ...get }, {}).decision).toBe('allowed');
    expect(decide({ principal: root, ...get }, { resource: rbp('bucket', { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' }) }).decision).toBe('explicitDeny');
  });
  it('the root user of a member account is still bound by SCPs (§9.17)', () => {
    const root = `arn:aws:iam::${A}:root`;
    const full = scp('FullAWSAccess', { Effect: 'Allow', Action: '*', Resource: '*' });
    const deny = scp('deny', { Effect: 'Deny', Action: 's3:GetObject', Resource: '*' });
    expect(decide({ principal: root, ...get }, { scps: [[full, deny]] }).decision).toBe('explicitDeny');
  });
  it('an anonymous caller is allowed only by a resource-policy Allow to "*"', () => {
    expect(decide({ principal: 'anonymous', ...get }, { resource: bucketNaming('*') }).decision).toBe('allowed');
    expect(decide({ principal: 'anonymous', ...get }, { resource: bucketNaming({ AWS: A }) }).decision).toBe('implicitDeny');
    expect(decide({ principal: 'anonymous', ...get }, {}).decision).toBe('implicitDeny');
  });
  it('an anonymous caller ignores SCPs but is subject to RCPs (§1.4 [SECONDARY])', () => {
    const scpDeny = scp('deny', { Effect: 'Deny', Action: '*', Resource: '*' });
    const rcpDeny = rcp('deny', { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' });
    expect(decide({ principal: 'anonymous', ...get }, { resource: bucketNaming('*'), scps: [[scpDeny]] }).decision).toBe('allowed');
    expect(decide({ principal: 'anonymous', ...get }, { resource: bucketNaming('*'), rcps: [[rcpDeny]] }).decision).toBe('explicitDeny');
  });
  it('a service principal is allowed by a resource policy naming its service', () => {
    const trail = rbp('bucket', { Sid: 'Trail', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::bucket/*' });
    const put = { action: 's3:PutObject', resource: OBJ, resourceAccount: A };
    expect(decide({ principal: 'service:cloudtrail.amazonaws.com', ...put }, { resource: trail }).decision).toBe('allowed');
    expect(decide({ principal: 'service:config.amazonaws.com', ...put }, { resource: trail }).decision).toBe('implicitDeny');
  });
});

describe('§1.2 resource policies required in the same account', () => {
  const key = `arn:aws:kms:us-east-1:${A}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const decrypt = { principal: USER, action: 'kms:Decrypt', resource: key };
  const allowKms = id('i', { Effect: 'Allow', Action: 'kms:*', Resource: '*' });
  it('KMS: an identity Allow alone never suffices', () => {
    expect(decide(decrypt, { identity: [allowKms] }).decision).toBe('implicitDeny');
  });
  it('KMS: a key policy naming the account delegates to IAM policies, which must allow too', () => {
    const keyPolicy = rbp('key', { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${A}:root` }, Action: 'kms:*', Resource: '*' });
    expect(decide(decrypt, { identity: [allowKms], resource: keyPolicy }).decision).toBe('allowed');
    expect(decide(decrypt, { resource: keyPolicy }).decision).toBe('implicitDeny');
  });
  it('sts:AssumeRole: the trust policy must allow the caller', () => {
    const assume = { principal: USER, action: 'sts:AssumeRole', resource: `arn:aws:iam::${A}:role/target` };
    const allowSts = id('i', { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' });
    expect(decide(assume, { identity: [allowSts] }).decision).toBe('implicitDeny');
    const trust = rbp('trust', { Effect: 'Allow', Principal: { AWS: USER }, Action: 'sts:AssumeRole' });
    expect(decide(assume, { identity: [allowSts], resource: trust }).decision).toBe('allowed');
  });
});

describe('§1.3, §2.2 NotPrincipal', () => {
  const denyAllBut = (...listed: string[]) => rbp('bucket', { Sid: 'OnlyListed', Effect: 'Deny', NotPrincipal: { AWS: listed }, Action: 's3:*', Resource: '*' });
  const identity = [id('i', allowS3('I'))];
  const ROOT_A = `arn:aws:iam::${A}:root`;
  const run = (principal: string, policy: ReturnType<typeof denyAllBut>) => decide({ principal, ...get }, { identity, resource: policy }).decision;

  it('a Deny with NotPrincipal denies everyone not listed, in the same account and outside it', () => {
    expect(run(`arn:aws:iam::${A}:user/mallory`, denyAllBut(USER, ROOT_A))).toBe('explicitDeny');
    expect(run(`arn:aws:iam::${B}:user/mallory`, denyAllBut(USER, ROOT_A))).toBe('explicitDeny');
    expect(run(USER, denyAllBut(USER, ROOT_A))).toBe('allowed');
  });
  it('§2.2 [UNDOCUMENTED which links] the account must be listed too: AWS may check the account first', () => {
    expect(run(USER, denyAllBut(USER))).toBe('explicitDeny');
    expect(run(`arn:aws:iam::${A}:root`, denyAllBut(ROOT_A))).toBe('allowed');
  });
  it('§2.2 [UNDOCUMENTED which links] a role session is excluded when its account and role are listed, not by its session ARN alone', () => {
    expect(run(ROLE, denyAllBut(ROLE, ROOT_A))).toBe('allowed');
    expect(run(ROLE, denyAllBut(ROLE, SESSION, ROOT_A))).toBe('allowed');
    expect(run(ROLE, denyAllBut(SESSION, ROOT_A))).toBe('explicitDeny');
  });
  it('always denies a principal with a permissions boundary, whatever it lists (the boundary trap)', () => {
    const r = decide({ principal: USER, ...get }, { identity, boundary: boundary('b', allowS3('B')), resource: denyAllBut(USER, ROOT_A) });
    expect(r.decision).toBe('explicitDeny');
    expect(r.decidedBy).toEqual(['bucket#OnlyListed']);
  });
});

describe('§1.4 cross-account', () => {
  const ask = { principal: USER, action: 's3:GetObject', resource: OBJ, resourceAccount: B };
  const grant = bucketNaming({ AWS: USER });
  it('the boundary still caps the principal side: no "pierce" across accounts', () => {
    expect(decide(ask, { identity: [id('i', allowS3('I'))], boundary: ec2Boundary, resource: grant }).decision).toBe('implicitDeny');
  });
  it('the principal account\'s SCPs apply; the resource account\'s RCPs apply', () => {
    const full = scp('FullAWSAccess', { Effect: 'Allow', Action: '*', Resource: '*' });
    const onlyEc2 = scp('OnlyEc2', { Effect: 'Allow', Action: 'ec2:*', Resource: '*' });
    const set = { identity: [id('i', allowS3('I'))], resource: grant };
    expect(decide(ask, { ...set, scps: [[full]] }).decision).toBe('allowed');
    expect(decide(ask, { ...set, scps: [[onlyEc2]] }).decision).toBe('implicitDeny');
    const denyExternal = rcp('rcp', {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: '*',
      Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-123' } },
    });
    expect(decide(ask, { ...set, rcps: [[denyExternal]] }).decision).toBe('explicitDeny');
    expect(decide({ ...ask, context: { 'aws:PrincipalOrgID': str('o-123') } }, { ...set, rcps: [[denyExternal]] }).decision).toBe('allowed');
  });
});

describe('§1.5 organization scoping', () => {
  const full = scp('FullAWSAccess', { Effect: 'Allow', Action: '*', Resource: '*' });
  const deny = scp('deny', { Effect: 'Deny', Action: 's3:*', Resource: '*' });
  const identity = [id('i', allowS3('I'))];
  it('SCPs never restrict the management account', () => {
    expect(decide({ principal: USER, ...get }, { identity, scps: [[full, deny]], organization: { managementAccount: A } }).decision).toBe('allowed');
  });
  it('SCPs never restrict service-linked roles', () => {
    const slr = `arn:aws:iam::${A}:role/aws-service-role/elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk`;
    expect(decide({ principal: slr, ...get }, { identity, scps: [[full, deny]] }).decision).toBe('allowed');
  });
  it('SCPs do not restrict accounts outside the organization', () => {
    expect(decide({ principal: USER, ...get }, { identity, scps: [[full, deny]], organization: { accounts: [B] } }).decision).toBe('allowed');
  });
  it('RCPs apply only to services that support them (data-driven list)', () => {
    const rcpDeny = rcp('deny', { Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' });
    const ec2 = { principal: USER, action: 'ec2:DescribeInstances', resource: '*' };
    const r = decide(ec2, { identity: [id('i', { Effect: 'Allow', Action: 'ec2:*', Resource: '*' })], rcps: [[rcpDeny]] });
    expect(r.decision).toBe('allowed');
    expect(decide({ principal: USER, ...get }, { identity, rcps: [[rcpDeny]] }).decision).toBe('explicitDeny');
  });
  it('an empty SCP level allows nothing', () => {
    expect(decide({ principal: USER, ...get }, { identity, scps: [[full], []] }).decision).toBe('implicitDeny');
  });
});

describe('explanations', () => {
  it('name the first element that failed for each statement that did not apply', () => {
    const p = id(
      'p',
      { Sid: 'WrongAction', Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
      { Sid: 'WrongResource', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::other/*' },
      { Sid: 'NeedsMfa', Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } },
    );
    const r = decide({ principal: USER, ...get, context: { 'aws:MultiFactorAuthPresent': bool(false) } }, { identity: [p] });
    expect(r.decision).toBe('implicitDeny');
    const misses = Object.fromEntries(r.explanation.statements.map((t) => [t.ref.sid, t.miss]));
    expect(misses.WrongAction).toMatchObject({ element: 'Action', action: 's3:GetObject', patterns: ['ec2:*'] });
    expect(misses.WrongResource).toMatchObject({ element: 'Resource', resource: OBJ, patterns: ['arn:aws:s3:::other/*'] });
    expect(misses.NeedsMfa).toMatchObject({
      element: 'Condition',
      failure: { operator: 'Bool', key: 'aws:MultiFactorAuthPresent', requestValues: ['false'], policyValues: ['true'] },
    });
    expect(r.explanation.statements[2]!.ref.span.start.line).toBeGreaterThan(1);
  });
  it('report context keys that matching statements needed and the request lacked', () => {
    const p = id('p', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' }, StringEquals: { 'aws:PrincipalTag/team': 'x' } } });
    const other = id('o', { Effect: 'Allow', Action: 'ec2:*', Resource: '*', Condition: { Bool: { 'aws:ViaAWSService': 'true' } } });
    const r = decide({ principal: USER, ...get }, { identity: [p, other] });
    expect(r.explanation.missingContext).toEqual(['aws:PrincipalTag/team', 'aws:SecureTransport']);
  });
  it('missing context keys keep the case the policy writes them in, variables too (issue 11 item 12)', () => {
    const p = id('p', { Effect: 'Allow', Action: 's3:GetObject', Resource: ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::b/${aws:userName}/*'], Condition: { StringEquals: { 'sts:ExternalId': 'x' } } });
    const r = decide({ principal: USER, ...get }, { identity: [p] });
    expect(r.explanation.missingContext).toEqual(['sts:ExternalId']);
    const role = decide({ principal: ROLE, action: 's3:GetObject', resource: 'arn:aws:s3:::b/x/k' }, { identity: [p] }); // a role session has no aws:username
    expect(role.explanation.missingContext).toEqual(['aws:userName']);
  });
  it('the decision never depends on the order of policies or statements', () => {
    const allow = { Sid: 'A', Effect: 'Allow', Action: 's3:*', Resource: '*' };
    const deny = { Sid: 'D', Effect: 'Deny', Action: 's3:GetObject', Resource: '*' };
    expect(decide({ principal: USER, ...get }, { identity: [id('p', allow, deny)] }).decision).toBe('explicitDeny');
    expect(decide({ principal: USER, ...get }, { identity: [id('p', deny, allow)] }).decision).toBe('explicitDeny');
  });
});
