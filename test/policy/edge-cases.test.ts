// Edge cases of the validator that are easiest to state as whole statements: which codes (if any)
// a statement produces. Positions are covered in bad-inputs.test.ts.
import { describe, expect, it } from 'vitest';
import { OUR_CODES, readPolicy, type PolicyType } from '../../src/policy/index.ts';

type Stmt = Record<string, unknown>;
const policy = (...Statement: Stmt[]) => ({ Version: '2012-10-17', Statement });
const codes = (doc: unknown, type: PolicyType = 'identity'): string[] =>
  readPolicy(doc as object, { name: 'p', type }).findings.map((f) => `${f.severity} ${f.code}`);

const idStmt = (extra: Stmt): Stmt => ({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', ...extra });
const rpStmt = (principal: unknown): Stmt => ({ Effect: 'Allow', Principal: principal, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' });

const cases: [string, unknown, PolicyType, string[]][] = [
  // Principal forms that are valid (spec §2.2)
  ['§2.2 {"AWS": "*"} is everyone', policy(rpStmt({ AWS: '*' })), 'resource', []],
  ['§2.2 role session and federated-user ARNs', policy(rpStmt({ AWS: ['arn:aws:sts::123456789012:assumed-role/R/s@x.com', 'arn:aws:sts::123456789012:federated-user/Bob'] })), 'resource', []],
  ['§2.2 bare unique ids read back from IAM', policy(rpStmt({ AWS: ['AIDACKCEVSQ6C2EXAMPLE', 'AROADBQP57FF2AEXAMPLE'] })), 'resource', []],
  ['§2.2 S3 canonical user', policy(rpStmt({ CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' })), 'resource', []],
  ['§2.2 GovCloud and China partitions', policy(rpStmt({ AWS: ['arn:aws-us-gov:iam::123456789012:root', 'arn:aws-cn:iam::123456789012:user/u'] })), 'resource', []],
  ['§2.2 role session ARN with a role path is invalid', policy(rpStmt({ AWS: 'arn:aws:sts::123456789012:assumed-role/path/R/s' })), 'resource', ['error Invalid principal format']],
  ['§2.2 identity provider under the AWS key', policy(rpStmt({ AWS: 'arn:aws:iam::123456789012:saml-provider/ADFS' })), 'resource', ['error Invalid principal format']],
  ['§2.2 unknown partition in a principal', policy(rpStmt({ AWS: 'arn:aws-moon:iam::123456789012:root' })), 'resource', ['error Invalid partition']],
  ['§2.2 service principal with another domain is only a warning', policy(rpStmt({ Service: 'ec2.example.internal' })), 'resource', ['warning Invalid service principal format']],
  ['§2.2 empty principal object', policy(rpStmt({})), 'resource', ['suggestion Empty object principal']],
  ['§2.2 empty principal array', policy(rpStmt({ AWS: [] })), 'resource', ['suggestion Empty array principal']],
  ['§2.2 repeated principal key', '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012","AWS":"210987654321"},"Action":"s3:GetObject"}}', 'resource', ['error Repeated element']],
  ['§2.2 SAML trust with a SAML: condition key', policy({ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::123456789012:saml-provider/ADFS' }, Action: 'sts:AssumeRoleWithSAML', Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } } }), 'trust', []],
  ['§2.2 unknown federation provider', policy({ Effect: 'Allow', Principal: { Federated: 'login.example.com' }, Action: 'sts:AssumeRoleWithWebIdentity' }), 'trust', ['error Invalid principal format']],

  // Resource forms (spec §3.2)
  ['§3.2 AWS-managed policy ARN with account "aws"', policy(idStmt({ Resource: 'arn:aws:iam::aws:policy/ReadOnlyAccess' })), 'identity', []],
  ['§3.2 wildcards in partition, Region and account', policy(idStmt({ Resource: ['arn:*:ec2:*:*:instance/*', 'arn:aws:ec2:us-gov-west-1:???????????5:volume/*', 'arn:aws:s3:::*'] })), 'identity', []],
  ['§3.2 NotResource with a variable in the resource part', policy({ Effect: 'Deny', Action: 's3:*', NotResource: 'arn:aws:s3:::home/${aws:userid}/*' }), 'identity', []],
  ['§3.2 uppercase ARN prefix', policy(idStmt({ Resource: 'ARN:aws:s3:::b' })), 'identity', ['error Invalid ARN prefix']],
  ['§3.2 empty resource component', policy(idStmt({ Resource: 'arn:aws:sns:us-east-1:123456789012:' })), 'identity', ['error Missing ARN field']],
  ['§8.2 empty Resource array', policy(idStmt({ Resource: [] })), 'identity', ['suggestion Empty array resource']],

  // Conditions (spec §4)
  ['§4.1 tag keys in condition keys may contain spaces', policy(idStmt({ Condition: { StringEquals: { 'aws:ResourceTag/Cost Center': '42' } } })), 'identity', []],
  ['§4.1 OIDC provider keys carry a path in the prefix', policy({ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'oidc.eks.us-west-2.amazonaws.com/id/ABC:sub': 'system:serviceaccount:ns:sa' } } }), 'trust', []],
  ['§4.6 every W3C date form and epoch seconds', policy(idStmt({ Condition: { DateGreaterThan: { 'aws:CurrentTime': ['2025', '2025-02', '2025-02-28', '2025-02-28T10:30Z', '2025-02-28T10:30:15+05:30', '2025-02-28T10:30:15.123Z', '1735689600'] } } })), 'identity', []],
  ['§4.6 a time without a time zone', policy(idStmt({ Condition: { DateGreaterThan: { 'aws:CurrentTime': '2025-02-28T10:30:00' } } })), 'identity', ['warning Type mismatch date']],
  ['§4.10 IPv4 and IPv6 forms', policy(idStmt({ Condition: { NotIpAddress: { 'aws:SourceIp': ['0.0.0.0/0', '10.1.2.3', '::/0', '::1', '2001:DB8:1234:5678::/64', '::ffff:192.0.2.1', '2001:db8:0:0:0:0:2:1/128'] } } })), 'identity', []],
  ['§4.10 IPv6 with two "::"', policy(idStmt({ Condition: { IpAddress: { 'aws:SourceIp': '2001::db8::1' } } })), 'identity', ['warning Type mismatch IP range']],
  ['§4.10 prefix too long for IPv4', policy(idStmt({ Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/33' } } })), 'identity', ['warning Type mismatch IP range']],
  ['§4.4 ${*} is a literal star, not a wildcard', policy(idStmt({ Condition: { StringEquals: { 's3:prefix': 'a${*}b' } } })), 'identity', []],
  ['§4.4 ? in StringNotEqualsIgnoreCase', policy(idStmt({ Condition: { StringNotEqualsIgnoreCase: { 's3:prefix': 'a?' } } })), 'identity', ['warning Wildcard without like operator']],
  ['§4.7 Arn operator on a value that is not an ARN', policy(idStmt({ Condition: { ArnEquals: { 'aws:SourceArn': 'my-function' } } })), 'identity', ['warning Type mismatch ARN']],
  ['§4.8 Bool accepts JSON booleans and any case', policy(idStmt({ Condition: { Bool: { 'aws:SecureTransport': true }, BoolIfExists: { 'aws:ViaAWSService': 'False' } } })), 'identity', []],
  ['§4.8 Bool with a variable', policy(idStmt({ Condition: { Bool: { 'aws:SecureTransport': '${aws:ViaAWSService}' } } })), 'identity', ['error Invalid variable for operator']],
  ['§4.9 BinaryEquals with base64', policy(idStmt({ Condition: { BinaryEquals: { 'kms:x': 'QmluYXJ5VmFsdWU=' } } })), 'identity', []],
  ['§4.11 Null takes true or false', policy(idStmt({ Condition: { Null: { 'aws:TagKeys': 'maybe' } } })), 'identity', ['warning Type mismatch Boolean']],
  ['§4.3 ForAnyValue:StringLikeIfExists is one operator', policy(idStmt({ Condition: { 'ForAnyValue:StringLikeIfExists': { 'aws:TagKeys': 'team*' } } })), 'identity', []],
  ['§4.1 qualifier misspelt', policy(idStmt({ Condition: { 'ForAllValue:StringEquals': { 'aws:TagKeys': 'a' } } })), 'identity', ['error Invalid condition operator']],
  ['§4.1 the same operator in two spellings', policy(idStmt({ Condition: { StringEquals: { 'aws:username': 'a' }, stringequals: { 'aws:userid': 'b' } } })), 'identity', ['error Duplicate keys with different case', 'warning Condition operator case']],
  ['§8.2 empty Condition object', policy(idStmt({ Condition: {} })), 'identity', ['suggestion Empty object condition']],
  ['§8.2 empty operator block', policy(idStmt({ Condition: { StringEquals: {} } })), 'identity', ['suggestion Empty object condition']],
  ['§5 variable in a condition value without Version', { Statement: idStmt({ Condition: { StringEquals: { 's3:prefix': '${aws:username}' } } }) }, 'identity', ['warning Missing version', 'warning Variable unsupported in version']],

  // Statement-level odds and ends
  ['§2.1 a statement that is not an object', policy('Allow' as unknown as Stmt), 'identity', ['error Invalid policy element']],
  ['§2.1 Sid that is not a string', policy(idStmt({ Sid: 1 })), 'identity', ['error Unsupported Sid']],
  ['§8.2 empty Sid', policy(idStmt({ Sid: '' })), 'identity', ['suggestion Empty Sid value']],
  ['§2.1 Sid with spaces is fine in a resource policy', policy({ ...rpStmt('*'), Sid: 'Allow public read' }), 'resource', []],
  ['§2.1 Id in an SCP is not flagged', { Version: '2012-10-17', Id: 'x', Statement: idStmt({}) }, 'scp', []],
  ['§2.1 Version that is not a string', { Version: 2012, Statement: idStmt({}) }, 'identity', ['error Invalid version']],
  ['§9.12 RCPFullAWSAccess with a Condition is not the managed shape', policy({ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }), 'rcp', ['error RCP syntax error allow']],
  ['§3.1 action with two colons', policy(idStmt({ Action: 's3:Get:Object' })), 'identity', ['error Invalid action']],
  ['§3.1 action with a space', policy(idStmt({ Action: 's3: GetObject' })), 'identity', ['error Invalid action']],
  ['§3.1 action names and service prefixes in any case, with wildcards', policy(idStmt({ Action: ['IAM:listaccesskeys', 's3:Get*', 'ec2:Describe?nstances', 'execute-api:Invoke'] })), 'identity', []],
];

describe('edge cases', () => {
  it.each(cases)('%s', (_name, doc, type, expected) => {
    expect(codes(doc, type)).toEqual(expected);
  });

  it('hints stop after a budget, so thousands of unknown operators stay fast', () => {
    const Condition = Object.fromEntries(Array.from({ length: 3000 }, (_, k) => [`StringEqualsX${k}`, { 'aws:username': 'a' }]));
    const t0 = performance.now();
    const r = readPolicy(policy(idStmt({ Condition })), { name: 'p', type: 'identity' });
    expect(r.findings.filter((f) => f.code === 'Invalid condition operator')).toHaveLength(3000);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('every code is Access Analyzer-spelled (spec §8.2) or listed in OUR_CODES', () => {
    const accessAnalyzer = new Set([
      'Json syntax error', 'Missing statement', 'Missing effect', 'Missing action', 'Missing resource', 'Missing principal',
      'Invalid effect', 'Invalid version', 'Invalid policy element', 'Unsupported element combination', 'Invalid action',
      'Invalid service in action', 'Invalid ARN prefix', 'Invalid ARN account', 'Invalid ARN Region', 'Invalid ARN service case',
      'Missing ARN field', 'Invalid partition', 'Invalid condition operator', 'Invalid condition key format',
      'Invalid condition data type', 'Invalid condition multiple Boolean', 'Null with if exists', 'Invalid variable for operator',
      'Variable unsupported in element', 'Variable unsupported in version', 'Missing brace', 'Missing quote',
      'Unsupported space in variable', 'Empty variable', 'Duplicate keys with different case', 'Unsupported Sid',
      'Unique Sids required', 'Unique Sids recommended', 'Invalid principal format', 'Invalid principal key',
      'Unsupported wildcard in principal', 'Unsupported principal', 'SCP syntax error principal',
      'Role trust policy syntax error resource', 'Role trust policy syntax error notprincipal', 'Policy size exceeds SCP quota',
      'Missing version', 'Type mismatch Boolean', 'Type mismatch date', 'Type mismatch number', 'Type mismatch IP range',
      'Invalid date value', 'Wildcard without like operator', 'Policy size exceeds identity policy quota',
      'Policy size exceeds resource policy quota', 'Policy size exceeds role trust policy quota', 'Allow with NotPrincipal',
      'Empty array action', 'Empty array resource', 'Empty array principal', 'Empty array condition', 'Empty object condition',
      'Empty object principal', 'Empty Sid value', 'Null with qualifier', 'Wildcard in service name', 'Invalid service principal format',
    ]);
    const known = new Set<string>([...accessAnalyzer, ...OUR_CODES]);
    for (const [, doc, type] of cases) {
      for (const f of readPolicy(doc as object, { name: 'p', type }).findings) expect(known).toContain(f.code);
    }
  });
});

describe('variables.ts', () => {
  it('§5 ${toString} is a variable, not an Object.prototype member taken for a fixed literal', async () => {
    const { parseTemplate } = await import('../../src/policy/index.ts');
    expect(parseTemplate('${toString}').parts).toEqual([{ kind: 'var', key: 'toString', keyLower: 'tostring' }]);
    expect(parseTemplate('a${*}b').parts).toEqual([
      { kind: 'text', text: 'a' },
      { kind: 'literal', text: '*' },
      { kind: 'text', text: 'b' },
    ]);
  });
});

describe('robustness', () => {
  it('readPolicy never throws, whatever it is given', async () => {
    const fc = (await import('fast-check')).default;
    const types = ['identity', 'resource', 'boundary', 'session', 'scp', 'rcp', 'trust'] as const;
    const field = fc.constantFrom('Version', 'Id', 'Statement', 'Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal', 'Condition', 'AWS', 'Service', 'StringEquals', 'Bool', 'NullIfExists', 'aws:SourceIp');
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.constantFrom('*', 'Allow', 'Deny', '2012-10-17', 'arn:aws:s3:::b/${aws:username}', 's3:Get*', '${', 'arn:', '10.0.0.0/8', 'true', '', 'arn:aws:iam::123456789012:root'),
        fc.string(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(field, tie('v'), { maxKeys: 5 }),
      ),
    })).v;
    fc.assert(
      fc.property(value, fc.constantFrom(...types), fc.boolean(), (doc, type, asText) => {
        const r = readPolicy(asText ? JSON.stringify(doc) ?? '' : (doc as object), { name: 'fuzz', type });
        expect(Array.isArray(r.findings)).toBe(true);
        if (r.policy) expect(r.findings.some((f) => f.severity === 'error')).toBe(false);
      }),
      { numRuns: 1500 },
    );
  });
});
