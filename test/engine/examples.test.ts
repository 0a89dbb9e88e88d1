// Every worked example of spec §11 (E1–E19) with its stated outcome, through the whole engine.
import { describe, expect, it } from 'vitest';
import { bool, boundary, date, decide, id, ip, num, rbp, rcp, scp, str, strList } from './helpers.ts';

const S3_ALL = (arns: string[]) => ({ Effect: 'Allow', Action: 's3:*', Resource: arns });

describe('§11 E1 single account (Carlos)', () => {
  const identity = id(
    'carlos',
    {
      Sid: 'ListAll',
      Effect: 'Allow',
      Action: ['s3:GetBucketLocation', 's3:GetAccountPublicAccessBlock', 's3:ListAccessPoints', 's3:ListAllMyBuckets'],
      Resource: 'arn:aws:s3:::*',
    },
    { Sid: 'Own', ...S3_ALL(['arn:aws:s3:::carlossalazar', 'arn:aws:s3:::carlossalazar/*']) },
    { Sid: 'NoLogs', Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::*log*' },
  );
  const bucket = rbp('bucket', {
    Sid: 'Carlos',
    Effect: 'Allow',
    Principal: { AWS: 'arn:aws:iam::123456789012:user/carlossalazar' },
    Action: 's3:*',
    Resource: ['arn:aws:s3:::carlossalazar', 'arn:aws:s3:::carlossalazar/*'],
  });
  const carlos = 'arn:aws:iam::123456789012:user/carlossalazar';

  it('(a) PutObject into carlossalazar-logs is explicitDeny: *log* spans the "/" of the object ARN (§3.2)', () => {
    const r = decide({ principal: carlos, action: 's3:PutObject', resource: 'arn:aws:s3:::carlossalazar-logs/x.txt' }, { identity: [identity] });
    expect(r.decision).toBe('explicitDeny');
    expect(r.decidedBy).toEqual(['carlos#NoLogs']);
  });

  it('(b) PutObject into carlossalazar is allowed by both policies; either alone suffices', () => {
    const ask = { principal: carlos, action: 's3:PutObject', resource: 'arn:aws:s3:::carlossalazar/x.txt', resourceAccount: '123456789012' };
    const both = decide(ask, { identity: [identity], resource: bucket });
    expect(both.decision).toBe('allowed');
    expect(both.decidedBy).toEqual(['carlos#Own', 'bucket#Carlos']);
    expect(decide(ask, { identity: [identity] }).decision).toBe('allowed');
    expect(decide(ask, { identity: [], resource: bucket }).decision).toBe('allowed');
  });
});

describe('§11 E2 cross-account (Carlos, 111111111111 → 222222222222)', () => {
  const identity = id(
    'carlos',
    { Sid: 'List', Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
    { Sid: 'Objects', Effect: 'Allow', Action: 's3:*Object*', Resource: 'arn:aws:s3:::Production/*' },
    { Sid: 'NoLogs', Effect: 'Deny', Action: 's3:*', Resource: ['arn:aws:s3:::*log*', 'arn:aws:s3:::*log*/*'] },
  );
  const production = rbp('production', {
    Sid: 'Carlos',
    Effect: 'Allow',
    Principal: { AWS: 'arn:aws:iam::111111111111:user/carlossalazar' },
    Action: ['s3:GetObject*', 's3:PutObject*', 's3:ReplicateObject', 's3:RestoreObject'],
    Resource: 'arn:aws:s3:::Production/*',
  });
  const carlos = 'arn:aws:iam::111111111111:user/carlossalazar';
  const ask = (action: string, resource: string) => ({ principal: carlos, action, resource, resourceAccount: '222222222222' });

  it('(a) PutObject to Production-logs (no bucket policy) is explicitDeny in the trusted account', () => {
    expect(decide(ask('s3:PutObject', 'arn:aws:s3:::Production-logs/a'), { identity: [identity] }).decision).toBe('explicitDeny');
  });
  it('(b) PutObject to Production/… is allowed: both accounts allow (§1.4)', () => {
    const r = decide(ask('s3:PutObject', 'arn:aws:s3:::Production/a'), { identity: [identity], resource: production });
    expect(r.decision).toBe('allowed');
    expect(r.decidedBy).toEqual(['carlos#Objects', 'production#Carlos']);
  });
  it('(implied) DeleteObject on Production/… is implicitDeny: the resource side does not allow', () => {
    const r = decide(ask('s3:DeleteObject', 'arn:aws:s3:::Production/a'), { identity: [identity], resource: production });
    expect(r.decision).toBe('implicitDeny');
    expect(r.explanation.gates.at(-1)).toMatchObject({ gate: 'resource-policy', outcome: 'fail' });
  });
  it('(implied) without the bucket policy, an identity Allow alone is not enough cross-account', () => {
    expect(decide(ask('s3:PutObject', 'arn:aws:s3:::Production/a'), { identity: [identity] }).decision).toBe('implicitDeny');
  });
});

describe('§11 E3 explicit vs implicit deny', () => {
  const p = id(
    'p',
    { Sid: 'Read', Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' },
    { Sid: 'NoReports', Effect: 'Deny', Action: 'iam:*Report', Resource: '*' },
  );
  const other = id('other', { Effect: 'Allow', Action: 'iam:GenerateCredentialReport', Resource: '*' });
  const user = 'arn:aws:iam::123456789012:user/u';
  it.each([
    ['iam:GetUser', 'allowed'],
    ['iam:CreatePolicy', 'implicitDeny'],
    ['iam:GetOrganizationsAccessReport', 'explicitDeny'],
  ])('%s → %s', (action, want) => {
    expect(decide({ principal: user, action, resource: '*' }, { identity: [p] }).decision).toBe(want);
  });
  it('iam:GenerateCredentialReport is explicitDeny even though another policy allows it', () => {
    expect(decide({ principal: user, action: 'iam:GenerateCredentialReport', resource: '*' }, { identity: [p, other] }).decision).toBe('explicitDeny');
  });
});

describe('§11 E4 permissions boundary (Shirley)', () => {
  const b = boundary('b', { Effect: 'Allow', Action: ['s3:*', 'cloudwatch:*', 'ec2:*'], Resource: '*' });
  const identity = id('shirley', { Effect: 'Allow', Action: 'iam:CreateUser', Resource: '*' });
  const shirley = 'arn:aws:iam::123456789012:user/shirley';
  it('iam:CreateUser is implicitDeny: the boundary does not allow it', () => {
    const r = decide({ principal: shirley, action: 'iam:CreateUser', resource: '*' }, { identity: [identity], boundary: b });
    expect(r.decision).toBe('implicitDeny');
    expect(r.explanation.gates.at(-1)).toMatchObject({ gate: 'boundary', outcome: 'fail' });
  });
  it.each(['s3:GetObject', 'ec2:RunInstances', 'cloudwatch:PutMetricData'])('%s is implicitDeny: identity ∩ boundary is empty', (action) => {
    expect(decide({ principal: shirley, action, resource: '*' }, { identity: [identity], boundary: b }).decision).toBe('implicitDeny');
  });
});

describe('§11 E5 delegation (Nikhil, Zhang)', () => {
  const xcompany = boundary(
    'XCompanyBoundaries',
    { Sid: 'ServiceBoundaries', Effect: 'Allow', Action: ['s3:*', 'cloudwatch:*', 'ec2:*', 'dynamodb:*'], Resource: '*' },
    { Sid: 'AllowIAMConsoleForCredentials', Effect: 'Allow', Action: ['iam:ListUsers', 'iam:GetAccountPasswordPolicy'], Resource: '*' },
    {
      Sid: 'AllowManageOwnPasswordAndAccessKeys',
      Effect: 'Allow',
      Action: ['iam:*AccessKey*', 'iam:ChangePassword', 'iam:GetUser', 'iam:*ServiceSpecificCredential*', 'iam:*SigningCertificate*'],
      Resource: ['arn:aws:iam::*:user/${aws:username}'],
    },
    { Sid: 'DenyS3Logs', Effect: 'Deny', Action: 's3:*', Resource: ['arn:aws:s3:::logs', 'arn:aws:s3:::logs/*'] },
    { Sid: 'DenyEC2Production', Effect: 'Deny', Action: 'ec2:*', Resource: 'arn:aws:ec2:*:*:instance/i-1234567890abcdef0' },
  );
  const iamFull = id('IAMFullAccess', { Effect: 'Allow', Action: ['iam:*', 'organizations:DescribeAccount'], Resource: '*' });
  const s3Read = id('AmazonS3ReadOnlyAccess', { Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' });
  const nikhil = 'arn:aws:iam::123456789012:user/Nikhil';
  const nikhilSet = { identity: [iamFull, s3Read], boundary: xcompany };

  it('a bucket policy allowing Nikhil s3:PutObject on logs is still explicitDeny (boundary Deny)', () => {
    const logs = rbp('logs-bucket', { Sid: 'Nikhil', Effect: 'Allow', Principal: { AWS: nikhil }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::logs/*' });
    const r = decide({ principal: nikhil, action: 's3:PutObject', resource: 'arn:aws:s3:::logs/a.log' }, { ...nikhilSet, resource: logs });
    expect(r.decision).toBe('explicitDeny');
    expect(r.decidedBy).toEqual(['XCompanyBoundaries#DenyS3Logs']);
  });
  it('a secret whose resource policy names Nikhil is allowed: the boundary implicit deny does not limit it (§1.3)', () => {
    const secret = rbp('secret-policy', { Sid: 'Nikhil', Effect: 'Allow', Principal: { AWS: nikhil }, Action: 'secretsmanager:GetSecretValue', Resource: '*' });
    const r = decide(
      { principal: nikhil, action: 'secretsmanager:GetSecretValue', resource: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf' },
      { ...nikhilSet, resource: secret },
    );
    expect(r.decision).toBe('allowed');
    expect(r.decidedBy).toEqual(['secret-policy#Nikhil']);
  });
  it('iam:CreateUser is implicitDeny: IAMFullAccess allows it, the boundary does not', () => {
    expect(decide({ principal: nikhil, action: 'iam:CreateUser', resource: 'arn:aws:iam::123456789012:user/new' }, nikhilSet).decision).toBe('implicitDeny');
  });
  it('Nikhil changing his own password is allowed (${aws:username} in the boundary, §5)', () => {
    expect(decide({ principal: nikhil, action: 'iam:ChangePassword', resource: 'arn:aws:iam::123456789012:user/Nikhil' }, nikhilSet).decision).toBe('allowed');
    expect(decide({ principal: nikhil, action: 'iam:ChangePassword', resource: 'arn:aws:iam::123456789012:user/Maria' }, nikhilSet).decision).toBe('implicitDeny');
  });

  const withBoundary = { StringEquals: { 'iam:PermissionsBoundary': 'arn:aws:iam::123456789012:policy/XCompanyBoundaries' } };
  const zhangPerms = id(
    'DelegatedUserPermissions',
    {
      Sid: 'CreateOrChangeOnlyWithBoundary',
      Effect: 'Allow',
      Action: ['iam:CreateUser', 'iam:DeleteUserPolicy', 'iam:AttachUserPolicy', 'iam:DetachUserPolicy', 'iam:PutUserPermissionsBoundary', 'iam:PutUserPolicy'],
      Resource: '*',
      Condition: withBoundary,
    },
    {
      Sid: 'CloudWatchAndOtherIAMTasks',
      Effect: 'Allow',
      Action: ['cloudwatch:*', 'iam:GetUser', 'iam:ListUsers', 'iam:DeleteUser', 'iam:UpdateUser', 'iam:CreateAccessKey', 'iam:CreateLoginProfile'],
      NotResource: 'arn:aws:iam::123456789012:user/Maria',
    },
    { Sid: 'AllowListBucket', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::ZhangBucket' },
    { Sid: 'NoBoundaryUserDelete', Effect: 'Deny', Action: 'iam:DeleteUserPermissionsBoundary', Resource: '*' },
  );
  const zhangBoundary = boundary(
    'DelegatedUserBoundary',
    {
      Sid: 'CreateOrChangeOnlyWithBoundary',
      Effect: 'Allow',
      Action: ['iam:CreateUser', 'iam:DeleteUserPolicy', 'iam:AttachUserPolicy', 'iam:DetachUserPolicy', 'iam:PutUserPermissionsBoundary', 'iam:PutUserPolicy'],
      Resource: '*',
      Condition: withBoundary,
    },
    {
      Sid: 'CloudWatchAndOtherIAMTasks',
      Effect: 'Allow',
      Action: ['cloudwatch:*', 'iam:GetUser', 'iam:ListUsers', 'iam:DeleteUser', 'iam:UpdateUser', 'iam:CreateAccessKey', 'iam:CreateLoginProfile'],
      Resource: '*',
    },
    { Sid: 'NoBoundaryUserDelete', Effect: 'Deny', Action: 'iam:DeleteUserPermissionsBoundary', Resource: '*' },
  );
  const zhang = 'arn:aws:iam::123456789012:user/Zhang';
  const zhangSet = { identity: [zhangPerms], boundary: zhangBoundary };

  it('Zhang s3:ListBucket on ZhangBucket is implicitDeny: the boundary has no S3', () => {
    expect(decide({ principal: zhang, action: 's3:ListBucket', resource: 'arn:aws:s3:::ZhangBucket' }, zhangSet).decision).toBe('implicitDeny');
  });
  it('Zhang iam:CreateUser is allowed only with iam:PermissionsBoundary = XCompanyBoundaries', () => {
    const ask = (pb: string) => ({
      principal: zhang,
      action: 'iam:CreateUser',
      resource: 'arn:aws:iam::123456789012:user/new',
      context: { 'iam:PermissionsBoundary': str(pb) },
    });
    expect(decide(ask('arn:aws:iam::123456789012:policy/XCompanyBoundaries'), zhangSet).decision).toBe('allowed');
    expect(decide(ask('arn:aws:iam::123456789012:policy/Other'), zhangSet).decision).toBe('implicitDeny');
  });
  it('Zhang iam:DeleteUserPermissionsBoundary is explicitDeny', () => {
    expect(decide({ principal: zhang, action: 'iam:DeleteUserPermissionsBoundary', resource: 'arn:aws:iam::123456789012:user/x' }, zhangSet).decision).toBe('explicitDeny');
  });
  it('Zhang iam:CreateAccessKey on Maria is implicitDeny (NotResource), on others allowed', () => {
    expect(decide({ principal: zhang, action: 'iam:CreateAccessKey', resource: 'arn:aws:iam::123456789012:user/Maria' }, zhangSet).decision).toBe('implicitDeny');
    expect(decide({ principal: zhang, action: 'iam:CreateAccessKey', resource: 'arn:aws:iam::123456789012:user/Bob' }, zhangSet).decision).toBe('allowed');
  });
});

describe('§11 E6 IAM API reference examples', () => {
  it('(a) Bool MFA context key: allowed with MFA true; the sample\'s Deny-only boundary is [DOC-CONFLICT], we follow the documented boundary logic (implicitDeny)', () => {
    const p = id('PolicyInputList.1', { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::teambucket', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } });
    const ask = { principal: 'arn:aws:iam::123456789012:user/u', action: 's3:ListBucket', resource: 'arn:aws:s3:::teambucket', context: { 'aws:MultiFactorAuthPresent': bool(true) } };
    const r = decide(ask, { identity: [p] });
    expect(r.decision).toBe('allowed');
    expect(r.decidedBy).toEqual(['PolicyInputList.1#0']);
    const denyOnly = boundary('PermissionsBoundaryPolicyInputList.1', { Effect: 'Deny', Action: 's3:DeleteBucket', Resource: '*' });
    expect(decide(ask, { identity: [p], boundary: denyOnly }).decision).toBe('implicitDeny');
  });
  it('(b) same-account resource policy naming mateo is allowed although the boundary does not allow S3', () => {
    const all = { Effect: 'Allow', Action: 'iam:*', Resource: '*' };
    const r = decide(
      { principal: 'arn:aws:iam::111122223333:user/mateo', action: 's3:PutObject', resource: 'arn:aws:s3:::production/Test', resourceAccount: '111122223333' },
      {
        identity: [id('identity', all)],
        boundary: boundary('boundary', all),
        resource: rbp('ResourcePolicy', { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:user/mateo' }, Action: ['s3:List*', 's3:Put*'], Resource: 'arn:aws:s3:::production/*' }),
      },
    );
    expect(r.decision).toBe('allowed');
    expect(r.decidedBy).toEqual(['ResourcePolicy#0']);
    // AllowedByPermissionsBoundary = false in the sample: the boundary matched nothing.
    expect(r.explanation.statements.filter((t) => t.ref.policyType === 'boundary' && t.matched)).toEqual([]);
  });
  it('(c) Jill: PutObject and GetObject allowed, DeleteObject implicitDeny with no matched statements', () => {
    const set = {
      identity: [
        id('AmazonS3ReadOnlyAccess', { Effect: 'Allow', Action: ['s3:Get*', 's3:List*'], Resource: '*' }),
        id('PolicyInputList.1', { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::my-test-bucket' }),
      ],
    };
    const ask = (action: string) => ({ principal: 'arn:aws:iam::123456789012:user/Jill', action, resource: 'arn:aws:s3:::my-test-bucket' });
    expect(decide(ask('s3:PutObject'), set).decidedBy).toEqual(['PolicyInputList.1#0']);
    expect(decide(ask('s3:GetObject'), set).decidedBy).toEqual(['AmazonS3ReadOnlyAccess#0']);
    const del = decide(ask('s3:DeleteObject'), set);
    expect(del.decision).toBe('implicitDeny');
    expect(del.decidedBy).toEqual([]);
  });
  it('(d) mateo iam:GetRole is allowed and the boundary allows it', () => {
    const r = decide(
      { principal: 'arn:aws:iam::111122223333:user/mateo', action: 'iam:GetRole', resource: 'arn:aws:iam::111122223333:role/pol-sim-test' },
      { identity: [id('id', { Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' })], boundary: boundary('b', { Effect: 'Allow', Action: ['iam:*', 's3:*'], Resource: '*' }) },
    );
    expect(r.decision).toBe('allowed');
    expect(r.explanation.gates).toContainEqual(expect.objectContaining({ gate: 'boundary', outcome: 'pass' }));
  });
  it('(e) cross-account: the resource policy names arnav, but identity and boundary do not allow S3 → implicitDeny (§1.4)', () => {
    const r = decide(
      { principal: 'arn:aws:iam::444455556666:user/arnav', action: 's3:PutObject', resource: 'arn:aws:s3:::mary/Test', resourceAccount: '123456789012' },
      {
        identity: [],
        boundary: boundary('b', { Effect: 'Allow', Action: 'iam:*', Resource: '*' }),
        resource: rbp('ResourcePolicy', { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:user/arnav' }, Action: ['s3:List*', 's3:Put*'], Resource: 'arn:aws:s3:::mary/*' }),
      },
    );
    expect(r.decision).toBe('implicitDeny');
    expect(r.explanation.statements.find((t) => t.ref.policy === 'ResourcePolicy')?.matched).toBe(true);
  });
});

describe('§11 E7 multivalued aws:TagKeys', () => {
  const denyUnless = (...prefixes: string[]) =>
    id('p', { Effect: 'Allow', Action: 'iam:*', Resource: '*' }, { Sid: 'D', Effect: 'Deny', Action: ['iam:Tag*', 'iam:UnTag*'], Resource: '*', Condition: { 'ForAllValues:StringNotLike': { 'aws:TagKeys': prefixes } } });
  const ask = (keys: string[] | null) => ({
    principal: 'arn:aws:iam::123456789012:user/u',
    action: 'iam:TagUser',
    resource: 'arn:aws:iam::123456789012:user/x',
    context: keys ? { 'aws:TagKeys': strList(...keys) } : {},
  });
  it.each([
    [['key1:legal'], 'allowed'],
    [['key1:hr', 'key1:personnel'], 'allowed'],
    [['key2:audit'], 'explicitDeny'],
    [null, 'explicitDeny'],
  ] as const)('ForAllValues:StringNotLike "key1*", TagKeys %j → %s', (keys, want) => {
    expect(decide(ask(keys as string[] | null), { identity: [denyUnless('key1*')] }).decision).toBe(want);
  });
  it.each([
    [['key1:legal'], 'allowed'],
    [['key1:hr', 'key1:personnel'], 'allowed'],
    [['key1:hr', 'key2:audit'], 'allowed'],
    [['key3:legal'], 'explicitDeny'],
    [null, 'explicitDeny'],
  ] as const)('ForAllValues:StringNotLike ["key1*","key2*"], TagKeys %j → %s', (keys, want) => {
    expect(decide(ask(keys as string[] | null), { identity: [denyUnless('key1*', 'key2*')] }).decision).toBe(want);
  });
  const snap = id(
    'p',
    { Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
    { Sid: 'D', Effect: 'Deny', Action: ['ec2:CreateSnapshot', 'ec2:CreateSnapshots'], Resource: 'arn:aws:ec2:us-west-2::snapshot/*', Condition: { 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'webserver' } } },
  );
  it.each([
    [['webserver'], 'explicitDeny'],
    [['environment', 'webserver', 'test'], 'explicitDeny'],
    [['environment', 'test'], 'allowed'],
    [null, 'allowed'],
  ] as const)('ForAnyValue:StringEquals "webserver", TagKeys %j → %s', (keys, want) => {
    const r = decide(
      { principal: 'arn:aws:iam::123456789012:user/u', action: 'ec2:CreateSnapshot', resource: 'arn:aws:ec2:us-west-2::snapshot/snap-1', context: keys ? { 'aws:TagKeys': strList(...keys) } : {} },
      { identity: [snap] },
    );
    expect(r.decision).toBe(want);
  });
});

describe('§11 E8 several keys and values (bucket policy naming account 222222222222)', () => {
  const identity = id('id', { Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' });
  const bucket = (op: 'ArnLike' | 'ArnNotLike') =>
    rbp('bucket', {
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::222222222222:root' },
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::amzn-s3-demo-bucket',
      Condition: {
        StringEquals: { 'aws:PrincipalTag/department': ['finance', 'hr', 'legal'], 'aws:PrincipalTag/role': ['audit', 'security'] },
        [op]: { 'aws:PrincipalArn': ['arn:aws:iam::222222222222:user/Ana', 'arn:aws:iam::222222222222:user/Mary'] },
      },
    });
  const ask = (user: string, tags: Record<string, string>) => ({
    principal: `arn:aws:iam::222222222222:user/${user}`,
    tags,
    action: 's3:ListBucket',
    resource: 'arn:aws:s3:::amzn-s3-demo-bucket',
    resourceAccount: '111111111111',
  });
  it.each([
    ['Mary', { department: 'legal', role: 'audit' }, 'allowed'],
    ['Nikki', { department: 'hr', role: 'audit' }, 'implicitDeny'],
    ['Mary', { department: 'hr', role: 'payroll' }, 'implicitDeny'],
    ['Mary', { department: 'hr' }, 'implicitDeny'],
    ['Mary', {}, 'implicitDeny'],
  ])('ArnLike: %s %j → %s', (user, tags, want) => {
    expect(decide(ask(user, tags), { identity: [identity], resource: bucket('ArnLike') }).decision).toBe(want);
  });
  it.each([
    ['Nikki', { department: 'legal', role: 'audit' }, 'allowed'],
    ['Mary', { department: 'hr', role: 'audit' }, 'implicitDeny'],
    ['Nikki', { department: 'hr', role: 'payroll' }, 'implicitDeny'],
    ['Nikki', { department: 'hr' }, 'implicitDeny'],
    ['Nikki', {}, 'implicitDeny'],
  ])('ArnNotLike: %s %j → %s', (user, tags, want) => {
    expect(decide(ask(user, tags), { identity: [identity], resource: bucket('ArnNotLike') }).decision).toBe(want);
  });
});

describe('§11 E9 DynamoDB attributes (set operators)', () => {
  const get = (attrs: string[]) =>
    id('p', { Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: 'arn:aws:dynamodb:*:*:table/Thread', Condition: { 'ForAllValues:StringEquals': { 'dynamodb:Attributes': attrs } } });
  const ask = (action: string, attrs: string[]) => ({
    principal: 'arn:aws:iam::123456789012:user/u',
    action,
    resource: 'arn:aws:dynamodb:us-east-1:123456789012:table/Thread',
    context: { 'dynamodb:Attributes': strList(...attrs) },
  });
  it.each([
    [['PostDateTime', 'Message', 'Tags'], ['PostDateTime', 'UserName'], 'implicitDeny'],
    [['PostDateTime', 'Message', 'Tags'], ['Message', 'Tags'], 'allowed'],
    [['ID', 'Message', 'Tags'], ['ID', 'Message', 'Tags'], 'allowed'],
    [['ID', 'Message', 'Tags'], ['ID', 'Message', 'Tags', 'UserName'], 'implicitDeny'],
  ])('ForAllValues:StringEquals %j, request %j → %s', (allowed, req, want) => {
    expect(decide(ask('dynamodb:GetItem', req), { identity: [get(allowed)] }).decision).toBe(want);
  });
  const put = id(
    'p',
    { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: '*' },
    { Sid: 'D', Effect: 'Deny', Action: 'dynamodb:PutItem', Resource: 'arn:aws:dynamodb:*:*:table/Thread', Condition: { 'ForAnyValue:StringEquals': { 'dynamodb:Attributes': ['ID', 'PostDateTime'] } } },
  );
  it('ForAnyValue:StringEquals [ID, PostDateTime]: [UserName, Message, PostDateTime] is denied, [UserName] is not', () => {
    expect(decide(ask('dynamodb:PutItem', ['UserName', 'Message', 'PostDateTime']), { identity: [put] }).decision).toBe('explicitDeny');
    expect(decide(ask('dynamodb:PutItem', ['UserName']), { identity: [put] }).decision).toBe('allowed');
  });
});

describe('§11 E10 S3 object wildcards through a whole decision (§3.2)', () => {
  const p = id('p', { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::DOC-EXAMPLE-BUCKET/*/test/*' });
  const get = (key: string) =>
    decide({ principal: 'arn:aws:iam::123456789012:user/u', action: 's3:GetObject', resource: `arn:aws:s3:::DOC-EXAMPLE-BUCKET/${key}` }, { identity: [p] }).decision;
  it.each(['1/test/object.jpg', '1/2/test/object.jpg', '1/2/test/3/object.jpg', '1/2/3/test/4/object.jpg', '1///test///object.jpg', '1/test/.jpg', '/test/object.jpg', '1/test/'])(
    'matches %s',
    (key) => expect(get(key)).toBe('allowed'),
  );
  it.each(['1-test/object.jpg', 'test/object.jpg', '1/2/test.jpg'])('does not match %s', (key) => expect(get(key)).toBe('implicitDeny'));
});

describe('§11 E11 StringLike vs ArnLike (§4.7)', () => {
  const value = 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt';
  const pattern = 'arn:aws:someservice:*:111122223333:finance/*';
  const run = (op: string) =>
    decide(
      { principal: 'arn:aws:iam::123456789012:user/u', action: 's3:GetObject', resource: '*', context: { 'aws:SourceArn': str(value) } },
      { identity: [id('p', { Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { [op]: { 'aws:SourceArn': pattern } } })] },
    ).decision;
  it('StringLike matches: its * swallows colons', () => expect(run('StringLike')).toBe('allowed'));
  it('ArnLike does not: each ARN component is matched separately', () => expect(run('ArnLike')).toBe('implicitDeny'));
});

describe('§11 E12 condition element examples', () => {
  const user = (name: string) => `arn:aws:iam::123456789012:user/${name}`;
  it('StringEquals aws:username "johndoe" does not match JohnDoe; StringEqualsIgnoreCase does', () => {
    const p = (op: string) => id('p', { Effect: 'Allow', Action: 's3:ListBucket', Resource: '*', Condition: { [op]: { 'aws:username': 'johndoe' } } });
    const ask = { principal: user('JohnDoe'), action: 's3:ListBucket', resource: '*' };
    expect(decide(ask, { identity: [p('StringEquals')] }).decision).toBe('implicitDeny');
    expect(decide(ask, { identity: [p('StringEqualsIgnoreCase')] }).decision).toBe('allowed');
    expect(decide({ ...ask, principal: user('johndoe') }, { identity: [p('StringEquals')] }).decision).toBe('allowed');
  });
  it('aws:ResourceTag/TagKey1 matches a tag named TagKey1 or tagkey1 (key names are case-insensitive, §4.1)', () => {
    const p = id('p', { Effect: 'Allow', Action: 'ec2:StartInstances', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/TagKey1': 'Value1' } } });
    for (const tag of ['TagKey1', 'tagkey1']) {
      const r = decide({ principal: user('u'), action: 'ec2:StartInstances', resource: 'arn:aws:ec2:us-east-1:123456789012:instance/i-1', resourceTags: { [tag]: 'Value1' } }, { identity: [p] });
      expect(r.decision).toBe('allowed');
    }
    const wrongValue = decide({ principal: user('u'), action: 'ec2:StartInstances', resource: 'arn:aws:ec2:us-east-1:123456789012:instance/i-1', resourceTags: { TagKey1: 'value1' } }, { identity: [p] });
    expect(wrongValue.decision).toBe('implicitDeny');
  });
  it('NumericLessThanEquals aws:MultiFactorAuthAge 3600 on own user: ≤1h allowed, >1h not, access keys (absent) not', () => {
    const p = id('p', { Effect: 'Allow', Action: 'iam:DeactivateMFADevice', Resource: 'arn:aws:iam::*:user/${aws:username}', Condition: { NumericLessThanEquals: { 'aws:MultiFactorAuthAge': '3600' } } });
    const ask = (age: number | null) => ({
      principal: user('johndoe'),
      action: 'iam:DeactivateMFADevice',
      resource: user('johndoe'),
      context: age === null ? {} : { 'aws:MultiFactorAuthAge': num(age) },
    });
    expect(decide(ask(3600), { identity: [p] }).decision).toBe('allowed');
    expect(decide(ask(3601), { identity: [p] }).decision).toBe('implicitDeny');
    const keys = decide(ask(null), { identity: [p] });
    expect(keys.decision).toBe('implicitDeny');
    expect(keys.explanation.missingContext).toEqual(['aws:MultiFactorAuthAge']);
  });
});

describe('§11 E13 …IfExists (ec2:InstanceType)', () => {
  const p = (op: string) => id('p', { Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*', Condition: { [op]: { 'ec2:InstanceType': ['t1.*', 't2.*', 'm3.*'] } } });
  const run = (op: string, resource: string, type: string | null) =>
    decide(
      { principal: 'arn:aws:iam::123456789012:user/u', action: 'ec2:RunInstances', resource, context: type ? { 'ec2:InstanceType': str(type) } : {} },
      { identity: [p(op)] },
    ).decision;
  const instance = 'arn:aws:ec2:us-east-1:123456789012:instance/*';
  const image = 'arn:aws:ec2:us-east-1::image/ami-1';
  it('StringLike never allows a launch: the image resource lacks the key', () => {
    expect(run('StringLike', instance, 't2.micro')).toBe('allowed');
    expect(run('StringLike', image, null)).toBe('implicitDeny');
  });
  it('StringLikeIfExists allows t1/t2/m3 launches (every resource) and rejects c5', () => {
    expect(run('StringLikeIfExists', instance, 't2.micro')).toBe('allowed');
    expect(run('StringLikeIfExists', image, null)).toBe('allowed');
    expect(run('StringLikeIfExists', instance, 'c5.large')).toBe('implicitDeny');
  });
});

describe('§11 E14 / §6.1 MFA patterns', () => {
  const user = 'arn:aws:iam::123456789012:user/u';
  const base = id('base', { Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' });
  const ask = (mfa: boolean | null) => ({
    principal: user,
    action: 's3:ListBucket',
    resource: 'arn:aws:s3:::b',
    context: mfa === null ? {} : { 'aws:MultiFactorAuthPresent': bool(mfa) },
  });
  const cols = [null, false, true] as const; // long-term keys (absent), temp creds without MFA, with MFA
  const denyRow = (op: string) => id('row', { Sid: 'Row', Effect: 'Deny', Action: '*', Resource: '*', Condition: { [op]: { 'aws:MultiFactorAuthPresent': 'false' } } });
  it('Deny + Bool false: not denied / denied / not denied (ignores long-term keys)', () => {
    expect(cols.map((m) => decide(ask(m), { identity: [base, denyRow('Bool')] }).decision)).toEqual(['allowed', 'explicitDeny', 'allowed']);
  });
  it('Deny + BoolIfExists false: denied / denied / not denied (the recommended require-MFA)', () => {
    expect(cols.map((m) => decide(ask(m), { identity: [base, denyRow('BoolIfExists')] }).decision)).toEqual(['explicitDeny', 'explicitDeny', 'allowed']);
  });
  const allowRow = (cond: object) => id('row', { Effect: 'Allow', Action: 's3:ListBucket', Resource: '*', Condition: cond });
  it('Allow + BoolIfExists true: allowed / not / allowed', () => {
    expect(cols.map((m) => decide(ask(m), { identity: [allowRow({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } })] }).decision)).toEqual(['allowed', 'implicitDeny', 'allowed']);
  });
  it('Allow + Bool true: not / not / allowed', () => {
    expect(cols.map((m) => decide(ask(m), { identity: [allowRow({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } })] }).decision)).toEqual(['implicitDeny', 'implicitDeny', 'allowed']);
  });
  it('Allow + Null false: not / allowed / allowed', () => {
    expect(cols.map((m) => decide(ask(m), { identity: [allowRow({ Null: { 'aws:MultiFactorAuthPresent': 'false' } })] }).decision)).toEqual(['implicitDeny', 'allowed', 'allowed']);
  });
  it('the canonical BlockMostAccessUnlessSignedInWithMFA: access keys and no-MFA sessions denied, MFA not, ListMFADevices never', () => {
    const block = id('mfa', {
      Sid: 'BlockMostAccessUnlessSignedInWithMFA',
      Effect: 'Deny',
      NotAction: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices', 'iam:ListUsers', 'iam:ListVirtualMFADevices', 'iam:ResyncMFADevice'],
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    });
    const all = id('all', { Effect: 'Allow', Action: '*', Resource: '*' });
    expect(cols.map((m) => decide(ask(m), { identity: [all, block] }).decision)).toEqual(['explicitDeny', 'explicitDeny', 'allowed']);
    for (const m of cols) {
      expect(decide({ ...ask(m), action: 'iam:ListMFADevices', resource: '*' }, { identity: [all, block] }).decision).toBe('allowed');
    }
  });
});

describe('§11 E15 NotAction', () => {
  const user = 'arn:aws:iam::123456789012:user/u';
  const p = id('p', { Effect: 'Allow', NotAction: 's3:DeleteBucket', Resource: 'arn:aws:s3:::*' });
  it.each([
    ['s3:GetObject', 'arn:aws:s3:::b/k', 'allowed'],
    ['s3:PutBucketPolicy', 'arn:aws:s3:::b', 'allowed'],
    ['s3:DeleteBucket', 'arn:aws:s3:::b', 'implicitDeny'],
    ['s3:ListAllMyBuckets', '*', 'implicitDeny'],
    ['ec2:RunInstances', 'arn:aws:ec2:us-east-1:123456789012:instance/i-1', 'implicitDeny'],
  ])('Allow NotAction s3:DeleteBucket on arn:aws:s3:::*: %s on %s → %s', (action, resource, want) => {
    expect(decide({ principal: user, action, resource }, { identity: [p] }).decision).toBe(want);
  });
  it('Deny NotAction iam:* with BoolIfExists MFA false denies non-IAM actions without MFA and allows nothing by itself', () => {
    const deny = id('d', { Effect: 'Deny', NotAction: 'iam:*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } });
    const all = id('all', { Effect: 'Allow', Action: '*', Resource: '*' });
    expect(decide({ principal: user, action: 'ec2:DescribeInstances', resource: '*' }, { identity: [all, deny] }).decision).toBe('explicitDeny');
    expect(decide({ principal: user, action: 'iam:ListUsers', resource: '*' }, { identity: [all, deny] }).decision).toBe('allowed');
    expect(decide({ principal: user, action: 'ec2:DescribeInstances', resource: '*', context: { 'aws:MultiFactorAuthPresent': bool(true) } }, { identity: [deny] }).decision).toBe('implicitDeny');
  });
});

describe('§11 E16 policy variables', () => {
  const p = id('p', { Effect: 'Allow', Action: 's3:*', Resource: "arn:aws:s3:::DOC-EXAMPLE-BUCKET-${aws:PrincipalTag/team, 'company-wide'}" });
  const get = (tags: Record<string, string>, bucket: string) =>
    decide({ principal: 'arn:aws:iam::123456789012:user/u', tags, action: 's3:ListBucket', resource: `arn:aws:s3:::DOC-EXAMPLE-BUCKET-${bucket}` }, { identity: [p] }).decision;
  it('team=yellow reaches only …-yellow', () => {
    expect(get({ team: 'yellow' }, 'yellow')).toBe('allowed');
    expect(get({ team: 'yellow' }, 'company-wide')).toBe('implicitDeny');
  });
  it('an untagged principal reaches only …-company-wide (the default)', () => {
    expect(get({}, 'company-wide')).toBe('allowed');
    expect(get({}, 'yellow')).toBe('implicitDeny');
  });
  const keys = id('keys', { Effect: 'Allow', Action: 'iam:*AccessKey*', Resource: 'arn:aws:iam::123456789012:user/${aws:username}' });
  it('iam:*AccessKey* on user/${aws:username}: David reaches his own user only', () => {
    const david = 'arn:aws:iam::123456789012:user/David';
    expect(decide({ principal: david, action: 'iam:CreateAccessKey', resource: david }, { identity: [keys] }).decision).toBe('allowed');
    expect(decide({ principal: david, action: 'iam:CreateAccessKey', resource: 'arn:aws:iam::123456789012:user/Eve' }, { identity: [keys] }).decision).toBe('implicitDeny');
  });
  it('a role session has no aws:username, so the resource matches nothing (§5)', () => {
    const r = decide({ principal: 'arn:aws:iam::123456789012:role/Admin', action: 'iam:CreateAccessKey', resource: 'arn:aws:iam::123456789012:user/Admin' }, { identity: [keys] });
    expect(r.decision).toBe('implicitDeny');
    expect(r.explanation.missingContext).toEqual(['aws:username']);
  });
});

describe('§11 E17 NotResource (HRPayroll)', () => {
  const deny = id('hr', { Sid: 'OnlyPayroll', Effect: 'Deny', Action: 's3:*', NotResource: ['arn:aws:s3:::HRBucket/Payroll', 'arn:aws:s3:::HRBucket/Payroll/*'] });
  const all = id('all', { Effect: 'Allow', Action: '*', Resource: '*' });
  const user = 'arn:aws:iam::123456789012:user/u';
  it('any other S3 resource is explicitly denied', () => {
    expect(decide({ principal: user, action: 's3:GetObject', resource: 'arn:aws:s3:::HRBucket/Other/x' }, { identity: [all, deny] }).decision).toBe('explicitDeny');
    expect(decide({ principal: user, action: 's3:GetObject', resource: 'arn:aws:s3:::HRBucket/Payroll/x' }, { identity: [all, deny] }).decision).toBe('allowed');
  });
  it('EC2 actions are unaffected, and the Deny grants nothing', () => {
    expect(decide({ principal: user, action: 'ec2:DescribeInstances', resource: '*' }, { identity: [all, deny] }).decision).toBe('allowed');
    expect(decide({ principal: user, action: 's3:GetObject', resource: 'arn:aws:s3:::HRBucket/Payroll/x' }, { identity: [deny] }).decision).toBe('implicitDeny');
  });
});

describe('§11 E18 guard conditions', () => {
  const user = 'arn:aws:iam::123456789012:user/u';
  const all = id('all', { Effect: 'Allow', Action: '*', Resource: '*' });
  it('source IP: calls from outside the ranges are denied unless a service makes them on the caller\'s behalf', () => {
    const guard = id('ip', {
      Effect: 'Deny',
      Action: '*',
      Resource: '*',
      Condition: { NotIpAddress: { 'aws:SourceIp': ['192.0.2.0/24', '203.0.113.0/24'] }, Bool: { 'aws:ViaAWSService': 'false' } },
    });
    const run = (src: string, via: boolean) =>
      decide({ principal: user, action: 's3:ListBucket', resource: '*', context: { 'aws:SourceIp': ip(src), 'aws:ViaAWSService': bool(via) } }, { identity: [all, guard] }).decision;
    expect(run('192.0.2.17', false)).toBe('allowed');
    expect(run('198.51.100.1', false)).toBe('explicitDeny');
    expect(run('198.51.100.1', true)).toBe('allowed');
    expect(run('2001:db8::1', false)).toBe('explicitDeny'); // an IPv6 caller is outside IPv4 ranges (§4.10)
  });
  it('requested Region: NotAction global services, StringNotEquals the EU Regions', () => {
    const guard = id('region', {
      Effect: 'Deny',
      NotAction: ['cloudfront:*', 'iam:*', 'route53:*', 'support:*'],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3'] } },
    });
    const run = (action: string, region: string) =>
      decide({ principal: user, action, resource: '*', context: { 'aws:RequestedRegion': str(region) } }, { identity: [all, guard] }).decision;
    expect(run('ec2:RunInstances', 'eu-west-1')).toBe('allowed');
    expect(run('ec2:RunInstances', 'us-east-1')).toBe('explicitDeny');
    expect(run('iam:CreateUser', 'us-east-1')).toBe('allowed');
  });
  it('date and time window: DateGreaterThan and DateLessThan on aws:CurrentTime', () => {
    const window = id('window', {
      Effect: 'Allow',
      Action: 'ec2:*',
      Resource: '*',
      Condition: { DateGreaterThan: { 'aws:CurrentTime': '2020-04-01T00:00:00Z' }, DateLessThan: { 'aws:CurrentTime': '2020-06-30T23:59:59Z' } },
    });
    const run = (t: string) => decide({ principal: user, action: 'ec2:RunInstances', resource: '*', context: { 'aws:CurrentTime': date(t) } }, { identity: [window] }).decision;
    expect(run('2020-05-15T12:00:00Z')).toBe('allowed');
    expect(run('2020-03-31T23:59:59Z')).toBe('implicitDeny');
    expect(run('2020-07-01T00:00:00Z')).toBe('implicitDeny');
  });
});

describe('§11 E19 organization policies', () => {
  const admin = id('AdministratorAccess', { Effect: 'Allow', Action: '*', Resource: '*' });
  const full = scp('FullAWSAccess', { Effect: 'Allow', Action: '*', Resource: '*' });
  const rcpFull = rcp('RCPFullAWSAccess', { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' });
  const noExternal = rcp('ProductionOUDeny', {
    Sid: 'DenyS3Delete',
    Effect: 'Deny',
    Principal: '*',
    Action: 's3:DeleteObject',
    Resource: '*',
  });
  it('an RCP Deny on the Production OU denies for both member accounts under it', () => {
    for (const account of ['111111111111', '222222222222']) {
      const r = decide(
        { principal: `arn:aws:iam::${account}:user/u`, action: 's3:DeleteObject', resource: 'arn:aws:s3:::b/k', resourceAccount: account },
        { identity: [admin], rcps: [[rcpFull], [rcpFull, noExternal], [rcpFull]] },
      );
      expect(r.decision).toBe('explicitDeny');
      expect(r.decidedBy).toEqual(['ProductionOUDeny#DenyS3Delete']);
    }
  });
  it('a permission not allowed at a level above the account cannot be used even with AdministratorAccess', () => {
    const onlyS3 = scp('OnlyS3', { Effect: 'Allow', Action: 's3:*', Resource: '*' });
    const ask = (action: string) => ({ principal: 'arn:aws:iam::111111111111:user/admin', action, resource: '*' });
    const set = { identity: [admin], scps: [[full], [onlyS3], [full]] };
    const r = decide(ask('ec2:RunInstances'), set);
    expect(r.decision).toBe('implicitDeny');
    expect(r.explanation.gates.at(-1)).toMatchObject({ gate: 'scp', outcome: 'fail' });
    expect(decide(ask('s3:ListAllMyBuckets'), set).decision).toBe('allowed');
  });
  it('an SCP Deny at any level is explicitDeny', () => {
    const deny = scp('DenyEC2', { Effect: 'Deny', Action: 'ec2:*', Resource: '*' });
    const r = decide({ principal: 'arn:aws:iam::111111111111:user/admin', action: 'ec2:RunInstances', resource: '*' }, { identity: [admin], scps: [[full], [full, deny]] });
    expect(r.decision).toBe('explicitDeny');
  });
});
