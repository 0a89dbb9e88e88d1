// Good policies read into the right model with no errors (spec §2, §6.1), plus the input forms of
// readPolicy (text, JsonNode, plain object), formatting and PolicyError.
import { describe, expect, it } from 'vitest';
import {
  formatFinding,
  parseJson,
  PolicyError,
  readPolicy,
  readPolicyOrThrow,
  validatePolicy,
  type Finding,
  type JsonNode,
  type Policy,
  type PolicyType,
} from '../../src/policy/index.ts';

function read(text: string | object, type: PolicyType, name = 'p'): { policy: Policy; findings: Finding[] } {
  const r = readPolicy(text, { name, type, file: `policies/${name}.json` });
  expect(r.findings.filter((f) => f.severity === 'error').map(formatFinding)).toEqual([]);
  expect(r.policy).toBeDefined();
  return { policy: r.policy!, findings: r.findings };
}

// AWS example "IAM: Allows IAM users to self-manage an MFA device" (spec §6.1).
const MFA_SELF_MANAGE = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AllowViewAccountInfo",
      "Effect": "Allow",
      "Action": "iam:ListVirtualMFADevices",
      "Resource": "*"
    },
    {
      "Sid": "AllowManageOwnVirtualMFADevice",
      "Effect": "Allow",
      "Action": ["iam:CreateVirtualMFADevice"],
      "Resource": "arn:aws:iam::*:mfa/*"
    },
    {
      "Sid": "AllowManageOwnUserMFA",
      "Effect": "Allow",
      "Action": [
        "iam:DeactivateMFADevice",
        "iam:EnableMFADevice",
        "iam:GetUser",
        "iam:GetMFADevice",
        "iam:ListMFADevices",
        "iam:ResyncMFADevice"
      ],
      "Resource": "arn:aws:iam::*:user/\${aws:username}"
    },
    {
      "Sid": "DenyAllExceptListedIfNoMFA",
      "Effect": "Deny",
      "NotAction": [
        "iam:CreateVirtualMFADevice",
        "iam:EnableMFADevice",
        "iam:GetUser",
        "iam:ListMFADevices",
        "iam:ListVirtualMFADevices",
        "iam:ResyncMFADevice",
        "sts:GetSessionToken"
      ],
      "Resource": "*",
      "Condition": {
        "BoolIfExists": {
          "aws:MultiFactorAuthPresent": false
        }
      }
    }
  ]
}`;

describe('good policies', () => {
  it('§6.1 the MFA self-manage policy has no findings and reads into the model', () => {
    const { policy, findings } = read(MFA_SELF_MANAGE, 'identity', 'mfa');
    expect(findings).toEqual([]);
    expect(policy.name).toBe('mfa');
    expect(policy.type).toBe('identity');
    expect(policy.file).toBe('policies/mfa.json');
    expect(policy.version).toEqual({ value: '2012-10-17', span: { start: { line: 2, column: 14 }, end: { line: 2, column: 26 } } });
    expect(policy.statements).toHaveLength(4);
    const [s0, s1, s2, s3] = policy.statements;
    expect(s0!.index).toBe(0);
    expect(s0!.sid).toEqual({ value: 'AllowViewAccountInfo', span: { start: { line: 5, column: 14 }, end: { line: 5, column: 36 } } });
    // A single string Action is a one-element list.
    expect(s0!.action).toEqual([{ value: 'iam:ListVirtualMFADevices', span: { start: { line: 7, column: 17 }, end: { line: 7, column: 44 } } }]);
    expect(s1!.resource!.map((r) => r.value)).toEqual(['arn:aws:iam::*:mfa/*']);
    expect(s2!.action!.map((a) => a.value)).toHaveLength(6);
    expect(s2!.resource![0]!.value).toBe('arn:aws:iam::*:user/${aws:username}');
    expect(s3!.effect.value).toBe('Deny');
    expect(s3!.action).toBeUndefined();
    expect(s3!.notAction).toHaveLength(7);
    expect(s3!.principal).toBeUndefined();
    // §2.1: the JSON boolean false is normalised to the text "false"; spans point at source.
    expect(s3!.condition).toEqual([
      {
        operator: { value: 'BoolIfExists', span: { start: { line: 43, column: 9 }, end: { line: 43, column: 23 } } },
        key: { value: 'aws:MultiFactorAuthPresent', span: { start: { line: 44, column: 11 }, end: { line: 44, column: 39 } } },
        values: [{ value: 'false', span: { start: { line: 44, column: 41 }, end: { line: 44, column: 46 } } }],
      },
    ]);
    expect(s3!.span.start).toEqual({ line: 29, column: 5 });
    expect(s3!.span.end).toEqual({ line: 47, column: 6 });
  });

  it('§2.1 an SCP (deny outside EU regions, with NotAction) is valid', () => {
    const { policy, findings } = read(
      {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'FullAWSAccess', Effect: 'Allow', Action: '*', Resource: '*' },
          {
            Sid: 'DenyOutsideEU',
            Effect: 'Deny',
            NotAction: ['iam:*', 'organizations:*', 'route53:*', 'sts:*', 'support:*'],
            Resource: '*',
            Condition: {
              StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1'] },
              ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::*:role/OrgAdmin'] },
            },
          },
        ],
      },
      'scp',
    );
    expect(findings).toEqual([]);
    expect(policy.statements[1]!.condition.map((c) => [c.operator.value, c.key.value, c.values.map((v) => v.value)])).toEqual([
      ['StringNotEquals', 'aws:RequestedRegion', ['eu-west-1', 'eu-central-1']],
      ['ArnNotLike', 'aws:PrincipalArn', ['arn:aws:iam::*:role/OrgAdmin']],
    ]);
  });

  it('§2.2 a bucket policy normalises a numeric account principal and keeps Id', () => {
    const text = `{
  "Version": "2012-10-17",
  "Id": "BucketPolicy",
  "Statement": [
    {
      "Sid": "DenyInsecureTransport",
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": ["arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/*"],
      "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    },
    {
      "Sid": "Cross account read",
      "Effect": "Allow",
      "Principal": {"AWS": [111122223333, "arn:aws:iam::444455556666:role/path/Reader", "AROAEXAMPLEID12345678"]},
      "Action": ["s3:GetObject", "s3:ListBucket"],
      "Resource": ["arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/*"],
      "Condition": {"NumericLessThanEquals": {"s3:max-keys": 10}, "IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}}
    }
  ]
}`;
    const { policy, findings } = read(text, 'resource', 'bucket');
    // Sids with spaces are fine in resource policies (spec §2.1).
    expect(findings).toEqual([]);
    expect(policy.id?.value).toBe('BucketPolicy');
    expect(policy.statements[0]!.principal).toEqual({ kind: 'wildcard', span: { start: { line: 8, column: 20 }, end: { line: 8, column: 23 } } });
    const p = policy.statements[1]!.principal!;
    expect(p.kind).toBe('map');
    if (p.kind !== 'map') throw new Error('unreachable');
    expect(p.values.map((v) => [v.key, v.value.value])).toEqual([
      ['AWS', '111122223333'],
      ['AWS', 'arn:aws:iam::444455556666:role/path/Reader'],
      ['AWS', 'AROAEXAMPLEID12345678'],
    ]);
    expect(p.values[0]!.value.span.start).toEqual({ line: 16, column: 29 });
    expect(policy.statements[1]!.condition[0]!.values).toEqual([{ value: '10', span: { start: { line: 19, column: 62 }, end: { line: 19, column: 64 } } }]);
  });

  it('§2.2 a GitHub OIDC trust policy with a single-object Statement', () => {
    const text = `{
  "Version": "2012-10-17",
  "Statement": {
    "Effect": "Allow",
    "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
    "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {
      "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"},
      "StringLike": {"token.actions.githubusercontent.com:sub": "repo:example/app:ref:refs/heads/*"}
    }
  }
}`;
    const { policy, findings } = read(text, 'trust', 'gha');
    expect(findings).toEqual([]);
    expect(policy.statements).toHaveLength(1);
    const st = policy.statements[0]!;
    expect(st.index).toBe(0);
    expect(st.span.start).toEqual({ line: 3, column: 16 });
    expect(st.resource).toBeUndefined();
    expect(st.principal).toMatchObject({ kind: 'map', values: [{ key: 'Federated' }] });
    expect(st.condition.map((c) => c.operator.value)).toEqual(['StringEquals', 'StringLike']);
  });

  it('§2.2 trust policy for a service and an account', () => {
    const { findings } = read(
      {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com', 'states.amazonaws.com.cn'] }, Action: 'sts:AssumeRole' },
          { Effect: 'Allow', Principal: { AWS: '123456789012' }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { Bool: { 'aws:MultiFactorAuthPresent': true } } },
        ],
      },
      'trust',
    );
    expect(findings).toEqual([]);
  });

  it('§9.12 RCPFullAWSAccess and a Deny RCP are valid RCPs', () => {
    read({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] }, 'rcp');
    const { findings } = read(
      {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'EnforceOrgIdentities',
            Effect: 'Deny',
            Principal: '*',
            Action: ['s3:*', 'sqs:*', 'kms:*'],
            Resource: '*',
            Condition: {
              StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abc123' },
              BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
            },
          },
        ],
      },
      'rcp',
    );
    expect(findings).toEqual([]);
  });

  it('§5 a permissions boundary and a session policy with variables and set operators are valid', () => {
    const boundary = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:*', 'ec2:Describe*'], Resource: '*' },
        {
          Effect: 'Allow',
          Action: 's3:*',
          Resource: "arn:aws:s3:::home/${aws:PrincipalTag/team, 'shared'}/${aws:username}/*",
          Condition: {
            'ForAllValues:StringLike': { 'aws:TagKeys': ['team', 'cost-*'] },
            DateGreaterThan: { 'aws:CurrentTime': '2024-01-01T00:00:00Z' },
            StringLike: { 's3:prefix': ['${aws:username}/${*}'] },
          },
        },
      ],
    };
    expect(read(boundary, 'boundary').findings).toEqual([]);
    expect(read(boundary, 'session').findings).toEqual([]);
  });
});

describe('input forms', () => {
  it('a plain object is read from its pretty-printed JSON, so positions are meaningful', () => {
    const r = readPolicy({ Version: '2012-10-17', Statement: [{ Effect: 'allow', Action: '*', Resource: '*' }] }, { name: 'obj', type: 'identity' });
    expect(r.policy).toBeUndefined();
    expect(r.findings.map((f) => [f.code, f.position, f.path])).toEqual([['Invalid effect', { line: 5, column: 17 }, '/Statement/0/Effect']]);
    expect(r.findings[0]!.file).toBeUndefined();
    expect(r.findings[0]!.policy).toBe('obj');
  });

  it('a value JSON cannot represent is a finding, not an exception', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const bad of [cyclic, { n: 10n }]) {
      const r = readPolicy(bad, { name: 'bad', type: 'identity' });
      expect(r.policy).toBeUndefined();
      expect(r.findings.map((f) => f.code)).toEqual(['Json syntax error']);
    }
  });

  it('a JsonNode (as the YAML loader makes) is used as is, with its own positions', () => {
    const at = (line: number, column: number, len: number) => ({ start: { line, column }, end: { line, column: column + len } });
    const str = (value: string, line: number, column: number): JsonNode => ({ kind: 'string', value, span: at(line, column, value.length) });
    // Plain YAML scalars: the span is the text itself, no quotes.
    const node: JsonNode = {
      kind: 'object',
      span: at(10, 5, 1),
      entries: [
        { key: 'Version', keySpan: at(10, 5, 7), value: str('2012-10-17', 10, 14) },
        {
          key: 'Statement',
          keySpan: at(11, 5, 9),
          value: {
            kind: 'array',
            span: at(12, 7, 1),
            items: [
              {
                kind: 'object',
                span: at(12, 9, 1),
                entries: [
                  { key: 'Effect', keySpan: at(12, 9, 6), value: str('Allow', 12, 17) },
                  { key: 'Action', keySpan: at(13, 9, 6), value: str('s3:GetObject', 13, 17) },
                  { key: 'Resource', keySpan: at(14, 9, 8), value: str('arn:aws:S3:::b\u2019', 14, 19) },
                ],
              },
            ],
          },
        },
      ],
    };
    const r = readPolicy(node, { name: 'inline', type: 'identity', file: 'scenarios/s.yaml' });
    expect(r.findings.map((f) => [f.code, f.position, f.file])).toEqual([
      ['Invalid character', { line: 14, column: 19 }, 'scenarios/s.yaml'],
      // Exact column inside an unquoted scalar: "S" is the 9th character.
      ['Invalid ARN service case', { line: 14, column: 27 }, 'scenarios/s.yaml'],
    ]);
    const fixed = JSON.parse(JSON.stringify(node)) as JsonNode;
    (((fixed as any).entries[1].value.items[0].entries[2].value) as { value: string }).value = 'arn:aws:s3:::b';
    const ok = readPolicy(fixed, { name: 'inline', type: 'identity' });
    expect(ok.findings).toEqual([]);
    expect(ok.policy!.statements[0]!.action![0]!.span).toEqual(at(13, 17, 12));
  });

  it('CRLF line ends count as one line break', () => {
    const text = '{\r\n  "Version": "2012-10-17",\r\n  "Statement": {"Effect": "Alow", "Action": "*", "Resource": "*"}\r\n}';
    const r = readPolicy(text, { name: 'crlf', type: 'identity' });
    expect(r.findings.map((f) => [f.code, f.position])).toEqual([['Invalid effect', { line: 3, column: 27 }]]);
  });

  it('validatePolicy can be called on its own and tags findings', () => {
    const { node } = parseJson('{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}');
    const f = validatePolicy(node!, { type: 'identity', name: 'v', file: 'v.json' });
    expect(f.map((x) => [x.code, x.policy, x.file])).toEqual([['Missing version', 'v', 'v.json']]);
  });

  it('an unknown policy type is a finding', () => {
    const r = readPolicy('{"Version": "2012-10-17", "Statement": []}', { name: 'x', type: 'acl' as PolicyType });
    expect(r.findings.map((f) => f.code)).toEqual(['Invalid policy type']);
  });
});

describe('formatting and errors', () => {
  it('formatFinding prints file:line:column: severity Code: message', () => {
    const r = readPolicy('{"Version": "2012-10-17", "Statement": []}', { name: 'x', type: 'identity', file: 'policies/x.json' });
    expect(formatFinding(r.findings[0]!)).toBe('policies/x.json:1:40: error Missing statement: "Statement" is an empty array: add at least one statement');
    const noFile = readPolicy('{"Version": "2012-10-17", "Statement": []}', { name: 'x', type: 'identity' });
    expect(formatFinding(noFile.findings[0]!)).toMatch(/^x:1:40: error Missing statement: /);
  });

  it('PolicyError carries the findings and names them in its message', () => {
    expect(() => readPolicyOrThrow('{"Statement": [{"Effect": "Allow"}]}', { name: 'bad', type: 'identity', file: 'b.json' })).toThrow(PolicyError);
    try {
      readPolicyOrThrow('{"Statement": [{"Effect": "Allow"}]}', { name: 'bad', type: 'identity', file: 'b.json' });
    } catch (e) {
      const err = e as PolicyError;
      expect(err.name).toBe('PolicyError');
      expect(err.findings.map((f) => f.code)).toEqual(['Missing version', 'Missing action', 'Missing resource']);
      expect(err.message).toContain('b.json:1:16: error Missing action');
      expect(err.message).not.toContain('Missing version');
    }
    expect(readPolicyOrThrow(MFA_SELF_MANAGE, { name: 'mfa', type: 'identity' }).policy.statements).toHaveLength(4);
  });
});

describe('a full-size policy', () => {
  it('a 6 KB policy with variables, wildcards and IP conditions validates without findings', () => {
    const statements = Array.from({ length: 16 }, (_, k) => ({
      Sid: `S${k}`,
      Effect: k % 2 ? 'Allow' : 'Deny',
      Action: ['s3:GetObject', 's3:PutObject', 'ec2:Describe*'],
      Resource: [`arn:aws:s3:::bucket-${k}/\${aws:username}/*`, 'arn:aws:ec2:us-east-1:123456789012:instance/*'],
      Condition: { StringEquals: { 'aws:PrincipalTag/team': ['dev', 'ops'] }, IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] } },
    }));
    const text = JSON.stringify({ Version: '2012-10-17', Statement: statements });
    expect(text.length).toBeGreaterThan(5000);
    expect(text.length).toBeLessThan(6144);
    const node = parseJson(text).node!;
    expect(validatePolicy(node, { type: 'identity', text })).toEqual([]);
  });
});

describe('value checks agree with the engine (src/policy/values.ts)', () => {
  // A warning says a value "never matches": it must never say so of a value the engine matches.
  it.each([
    ['NumericEquals', '.5'],
    ['NumericEquals', '+5'],
    ['DateEquals', '1700000000.5'],
    ['BinaryEquals', 'aGVsbG8'],
    ['BinaryEquals', '_-8'],
    ['IpAddress', '2001:db8::1'],
    ['Bool', 'TRUE'],
  ])('%s %s: no type-mismatch warning', (operator, value) => {
    const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { [operator]: { 'aws:x': value } } }] };
    const { findings } = readPolicy(doc, { name: 'p', type: 'identity' });
    expect(findings.filter((f) => f.code.startsWith('Type mismatch'))).toEqual([]);
  });
  it.each([
    ['NumericEquals', '1e3'],
    ['DateEquals', '2024-13-01'],
    ['BinaryEquals', 'not base64!'],
    ['IpAddress', '10.0.0.256'],
    ['Bool', 'yes'],
  ])('%s %s: warned, as the engine never matches it', (operator, value) => {
    const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { [operator]: { 'aws:x': value } } }] };
    const { findings } = readPolicy(doc, { name: 'p', type: 'identity' });
    expect(findings.some((f) => f.code.startsWith('Type mismatch') || f.code === 'Invalid date value')).toBe(true);
  });
});
