// Table-driven bad inputs: each case lists every finding it must produce — code, severity and
// exact 1-based line/column — and nothing else (spec §2.3, §4, §5, §8).
import { describe, expect, it } from 'vitest';
import { readPolicy, type PolicyType, type Severity } from '../../src/policy/index.ts';

type Expect = [code: string, severity: Severity, line: number, column: number];

interface Case {
  name: string;
  type?: PolicyType;
  text: string;
  expect: Expect[];
  /** Optional JSON pointer of the first expected finding. */
  path?: string;
}

/**
 * One statement, in this layout (so positions are easy to read off):
 *   line 1  {
 *   line 2    "Version": "2012-10-17",
 *   line 3    "Statement": [{          <- the statement object starts at 3:17
 *   line 4+       <lines[i]>           <- each statement line starts at column 5
 */
function doc(lines: string[], version = '2012-10-17'): string {
  return ['{', `  "Version": "${version}",`, '  "Statement": [{', ...lines.map((l) => '    ' + l), '  }]', '}'].join('\n');
}

const allow = '"Effect": "Allow",';
const deny = '"Effect": "Deny",';
const s3all = '"Action": "s3:*",';
const anyRes = '"Resource": "*"';

/** Resource value on line 6, its opening quote at column 17. */
const resource = (arn: string): string => doc([allow, s3all, `"Resource": "${arn}"`]);
/** Principal value on line 5, starting at column 18 (resource policy). */
const principal = (json: string, effect = allow): string =>
  doc([effect, `"Principal": ${json},`, '"Action": "s3:GetObject",', '"Resource": "arn:aws:s3:::b/*"']);
/** Condition object on line 7: "{" at column 18, the first operator key at column 19. */
const condition = (json: string, version?: string): string => doc([allow, s3all, anyRes + ',', `"Condition": ${json}`], version);

const cases: Case[] = [
  // ---- §2.3 not JSON ----
  { name: '§2.3 empty input is a JSON syntax error', text: '', expect: [['Json syntax error', 'error', 1, 1]] },
  { name: '§2.3 whitespace-only input is a JSON syntax error', text: '  \n ', expect: [['Json syntax error', 'error', 1, 1]] },
  {
    name: '§2.3 trailing comma in an array points at the comma',
    text: '{\n  "Statement": [\n    {"Effect": "Allow"},\n  ]\n}',
    expect: [['Json syntax error', 'error', 3, 24]],
  },
  {
    name: '§2.3 trailing comma in an object points at the comma',
    text: '{\n  "Version": "2012-10-17",\n}',
    expect: [['Json syntax error', 'error', 2, 26]],
  },
  {
    name: '§2.3 unterminated string points at its opening quote',
    text: '{\n  "Version": "2012-10-17\n}',
    expect: [['Json syntax error', 'error', 2, 14]],
  },
  { name: '§2.3 bad escape points at the backslash', text: '{"Version": "2012\\-10-17"}', expect: [['Json syntax error', 'error', 1, 18]] },
  { name: '§2.3 trailing garbage after the document', text: '{"Statement": []}\n}', expect: [['Json syntax error', 'error', 2, 1]] },
  { name: '§2.3 unquoted key', text: '{\n  Version: "2012-10-17"\n}', expect: [['Json syntax error', 'error', 2, 3]] },
  { name: '§2.3 single-quoted string', text: "{\"Version\": '2012-10-17'}", expect: [['Json syntax error', 'error', 1, 13]] },
  { name: '§2.3 missing comma between members', text: '{"Version": "2012-10-17" "Statement": []}', expect: [['Json syntax error', 'error', 1, 26]] },
  { name: '§2.3 capitalised literal True', text: '{"Statement": True}', expect: [['Json syntax error', 'error', 1, 15]] },
  { name: '§2.3 number with a leading zero', text: '{"Statement": 012}', expect: [['Json syntax error', 'error', 1, 15]] },
  { name: '§2.3 unterminated object at end of input', text: '{"Version": "2012-10-17"', expect: [['Json syntax error', 'error', 1, 25]] },
  {
    name: '§2.3 nesting deeper than 64 levels is rejected at the 65th container',
    text: '{"Statement": ' + '['.repeat(100_000),
    expect: [['Json syntax error', 'error', 1, 78]],
  },
  { name: '§2.3 raw TAB inside a string must be escaped', text: '{"Version": "2012-10-17\t"}', expect: [['Json syntax error', 'error', 1, 24]] },
  {
    name: '§8.1 character outside U+00FF (curly quote) is reported where it is',
    text: doc(['"Sid": "Don\u2019tDoThis",', allow, s3all, anyRes]),
    expect: [
      ['Invalid character', 'error', 4, 16],
      ['Unsupported Sid', 'error', 4, 16],
    ],
  },
  {
    name: '§8.1 control character inside a string is one finding, not two',
    text: '{"Version": "2012\u0001-10-17"}',
    expect: [['Invalid character', 'error', 1, 18]],
  },

  // ---- §2.1 / §2.3 structure ----
  { name: '§2.1 a policy must be an object', text: '[]', expect: [['Invalid policy element', 'error', 1, 1]] },
  { name: '§2.3 no Statement', text: '{"Version": "2012-10-17"}', expect: [['Missing statement', 'error', 1, 1]] },
  { name: '§2.3 empty Statement array', text: '{"Version": "2012-10-17", "Statement": []}', expect: [['Missing statement', 'error', 1, 40]] },
  { name: '§2.1 Statement of the wrong type', text: '{"Version": "2012-10-17", "Statement": "Allow"}', expect: [['Invalid policy element', 'error', 1, 40]] },
  {
    name: '§2.3 unknown top-level element',
    text: '{\n  "Version": "2012-10-17",\n  "Comment": "x",\n  "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}\n}',
    expect: [['Invalid policy element', 'error', 3, 3]],
    path: '/Comment',
  },
  {
    name: '§2.3 repeated top-level element (duplicate JSON key)',
    text: '{"Version": "2012-10-17", "Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}',
    expect: [['Repeated element', 'error', 1, 27]],
  },
  {
    name: '§2.3 unknown statement element (plural Actions) also leaves the statement without Action',
    text: doc([allow, '"Actions": "s3:GetObject",', anyRes]),
    expect: [
      ['Missing action', 'error', 3, 17],
      ['Invalid policy element', 'error', 5, 5],
    ],
  },
  { name: '§2.3 misspelt Condition element', text: doc([allow, s3all, anyRes + ',', '"Condtion": {}']), expect: [['Invalid policy element', 'error', 7, 5]] },
  {
    name: '§2.3 element repeated in a statement',
    text: doc([allow, '"Action": "s3:GetObject",', '"Action": "s3:PutObject",', anyRes]),
    expect: [['Repeated element', 'error', 6, 5]],
    path: '/Statement/0/Action',
  },
  { name: '§2.3 missing Effect', text: doc(['"Action": "s3:GetObject",', anyRes]), expect: [['Missing effect', 'error', 3, 17]] },
  { name: '§2.1 Effect is case-sensitive', text: doc(['"Effect": "allow",', s3all, anyRes]), expect: [['Invalid effect', 'error', 4, 15]] },
  { name: '§2.3 Effect other than Allow/Deny', text: doc(['"Effect": "Permit",', s3all, anyRes]), expect: [['Invalid effect', 'error', 4, 15]] },
  {
    name: '§2.3 Action and NotAction together',
    text: doc([allow, '"Action": "s3:GetObject",', '"NotAction": "s3:PutObject",', anyRes]),
    expect: [['Unsupported element combination', 'error', 6, 5]],
  },
  { name: '§2.3 neither Action nor NotAction', text: doc([allow, anyRes]), expect: [['Missing action', 'error', 3, 17]] },
  {
    name: '§2.3 Resource and NotResource together',
    text: doc([allow, s3all, anyRes + ',', '"NotResource": "arn:aws:s3:::b"']),
    expect: [['Unsupported element combination', 'error', 7, 5]],
  },

  // ---- §2.1 / §2.2 per policy type ----
  { name: '§2.1 Principal in an identity policy', text: doc([allow, '"Principal": "*",', s3all, anyRes]), expect: [['Unsupported principal', 'error', 5, 5]] },
  {
    name: '§2.1 NotPrincipal in a permissions boundary',
    type: 'boundary',
    text: doc([deny, '"NotPrincipal": {"AWS": "123456789012"},', s3all, anyRes]),
    expect: [['Unsupported principal', 'error', 5, 5]],
  },
  { name: '§2.1 session policy without Resource', type: 'session', text: doc([allow, '"Action": "s3:*"']), expect: [['Missing resource', 'error', 3, 17]] },
  { name: '§2.1 identity policy without Resource', text: doc([allow, '"Action": "s3:*"']), expect: [['Missing resource', 'error', 3, 17]] },
  { name: '§2.1 Principal in an SCP', type: 'scp', text: doc([deny, '"Principal": "*",', s3all, anyRes]), expect: [['SCP syntax error principal', 'error', 5, 5]] },
  {
    name: '§2.1 SCP must use Version 2012-10-17',
    type: 'scp',
    text: '{\n  "Version": "2008-10-17",\n  "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]\n}',
    expect: [['Invalid version', 'error', 2, 14]],
  },
  {
    name: '§2.1 RCP without Version is an error',
    type: 'rcp',
    text: '{"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}',
    expect: [['Missing version', 'error', 1, 1]],
  },
  {
    name: '§9.12 Allow in a customer RCP is an error',
    type: 'rcp',
    text: doc([allow, '"Principal": "*",', '"Action": "s3:GetObject",', anyRes]),
    expect: [['RCP syntax error allow', 'error', 4, 15]],
  },
  {
    name: '§2.2 NotPrincipal in an RCP',
    type: 'rcp',
    text: doc([deny, '"NotPrincipal": {"AWS": "123456789012"},', s3all, anyRes]),
    expect: [['RCP syntax error notprincipal', 'error', 5, 5]],
  },
  { name: '§2.1 RCP without Principal', type: 'rcp', text: doc([deny, s3all, anyRes]), expect: [['Missing principal', 'error', 3, 17]] },
  {
    name: '§2.1 an RCP Principal other than "*" (RCPs scope callers with conditions)',
    type: 'rcp',
    text: doc([deny, '"Principal": {"AWS": "123456789012"},', s3all, anyRes]),
    expect: [['RCP syntax error principal', 'error', 5, 18]],
  },
  {
    name: '§2.1 Resource in a role trust policy',
    type: 'trust',
    text: doc([allow, '"Principal": {"Service": "ec2.amazonaws.com"},', '"Action": "sts:AssumeRole",', anyRes]),
    expect: [['Role trust policy syntax error resource', 'error', 7, 5]],
  },
  {
    name: '§2.2 NotPrincipal in a role trust policy',
    type: 'trust',
    text: doc([deny, '"NotPrincipal": {"AWS": "123456789012"},', '"Action": "sts:AssumeRole"']),
    expect: [['Role trust policy syntax error notprincipal', 'error', 5, 5]],
  },
  { name: '§2.1 trust policy without Principal', type: 'trust', text: doc([allow, '"Action": "sts:AssumeRole"']), expect: [['Missing principal', 'error', 3, 17]] },
  {
    name: '§2.1 resource policy without Principal',
    type: 'resource',
    text: doc([allow, '"Action": "s3:GetObject",', '"Resource": "arn:aws:s3:::b/*"']),
    expect: [['Missing principal', 'error', 3, 17]],
  },
  {
    name: '§2.3 NotPrincipal with Allow is an error',
    type: 'resource',
    text: principal('{"AWS": "arn:aws:iam::123456789012:root"}').replace('"Principal"', '"NotPrincipal"'),
    expect: [['Allow with NotPrincipal', 'error', 5, 5]],
  },
  {
    name: '§1.3 NotPrincipal with Deny in a resource policy gets the boundary-trap suggestion',
    type: 'resource',
    text: principal('{"AWS": "arn:aws:iam::123456789012:root"}', deny).replace('"Principal"', '"NotPrincipal"'),
    expect: [['Deny with NotPrincipal', 'suggestion', 5, 5]],
  },

  // ---- Version, Id, Sid ----
  {
    name: '§2.1 Version other than the two literals',
    text: '{\n  "Version": "2012-10-18",\n  "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}\n}',
    expect: [['Invalid version', 'error', 2, 14]],
  },
  {
    name: '§2.1 missing Version is a warning in an identity policy',
    text: '{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}',
    expect: [['Missing version', 'warning', 1, 1]],
  },
  {
    name: '§2.1 Id in an identity policy is a warning',
    text: '{\n  "Version": "2012-10-17",\n  "Id": "x",\n  "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}\n}',
    expect: [['Unsupported Id', 'warning', 3, 3]],
  },
  { name: '§2.1 Sid with a dash in an identity policy', text: doc(['"Sid": "Allow-Read",', allow, s3all, anyRes]), expect: [['Unsupported Sid', 'error', 4, 18]] },
  {
    name: '§2.1 duplicate Sids in an identity policy are an error',
    text: [
      '{',
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      '    {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},',
      '    {"Sid": "Read", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}',
      '  ]',
      '}',
    ].join('\n'),
    expect: [['Unique Sids required', 'error', 5, 13]],
    path: '/Statement/1/Sid',
  },
  {
    name: '§2.1 duplicate Sids in a resource policy are a warning',
    type: 'resource',
    text: [
      '{',
      '  "Version": "2012-10-17",',
      '  "Statement": [',
      '    {"Sid": "Read", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},',
      '    {"Sid": "Read", "Effect": "Allow", "Principal": "*", "Action": "s3:ListBucket", "Resource": "*"}',
      '  ]',
      '}',
    ].join('\n'),
    expect: [['Unique Sids recommended', 'warning', 5, 13]],
  },

  // ---- Action (§2.1, §3.1) ----
  { name: '§2.1 comma-joined actions', text: doc([allow, '"Action": "s3:GetObject,s3:PutObject",', anyRes]), expect: [['Invalid action', 'error', 5, 15]] },
  { name: '§2.3 action without a service prefix', text: doc([allow, '"Action": "GetObject",', anyRes]), expect: [['Invalid action', 'error', 5, 15]] },
  { name: '§2.3 empty action string', text: doc([allow, '"Action": "",', anyRes]), expect: [['Invalid action', 'error', 5, 15]] },
  {
    name: '§2.1 non-string item in an Action array',
    text: doc([allow, '"Action": ["s3:GetObject", 42],', anyRes]),
    expect: [['Invalid policy element', 'error', 5, 32]],
    path: '/Statement/0/Action/1',
  },
  { name: '§3.1 wildcard in the service prefix is a suggestion', text: doc([allow, '"Action": "s3*:GetObject",', anyRes]), expect: [['Wildcard in service name', 'suggestion', 5, 15]] },
  { name: '§2.3 bad character in the service prefix', text: doc([allow, '"Action": "s_3:GetObject",', anyRes]), expect: [['Invalid service in action', 'error', 5, 17]] },
  { name: '§5 variable in Action', text: doc([allow, '"Action": "s3:${aws:username}",', anyRes]), expect: [['Variable unsupported in element', 'error', 5, 19]] },
  { name: '§8.2 empty Action array is a suggestion', text: doc([allow, '"Action": [],', anyRes]), expect: [['Empty array action', 'suggestion', 5, 15]] },

  // ---- Resource (§3.2) ----
  { name: '§2.3 resource that is neither * nor an ARN', text: resource('my-bucket'), expect: [['Invalid ARN prefix', 'error', 6, 17]] },
  { name: '§3.2 wildcard in the ARN service component', text: resource('arn:aws:s*:::b'), expect: [['Invalid ARN service', 'error', 6, 27]] },
  { name: '§3.2 uppercase ARN service', text: resource('arn:aws:S3:::b'), expect: [['Invalid ARN service case', 'error', 6, 26]] },
  { name: '§3.2 unknown partition', text: resource('arn:awz:s3:::b'), expect: [['Invalid partition', 'error', 6, 22]] },
  { name: '§3.2 account that is not 12 digits', text: resource('arn:aws:iam::12345:user/bob'), expect: [['Invalid ARN account', 'error', 6, 31]] },
  { name: '§3.2 malformed Region', text: resource('arn:aws:ec2:useast1:123456789012:instance/*'), expect: [['Invalid ARN Region', 'error', 6, 30]] },
  { name: '§3.2 short ARN ending in * is a warning', text: resource('arn:aws:s3:*'), expect: [['Missing ARN field', 'warning', 6, 17]] },
  { name: '§3.2 short ARN without trailing * is an error', text: resource('arn:aws:s3:bucket'), expect: [['Missing ARN field', 'error', 6, 17]] },
  {
    name: '§5 variable before the fifth colon of a Resource',
    text: resource('arn:aws:iam::${aws:PrincipalAccount}:user/x'),
    expect: [['Variable unsupported in element', 'error', 6, 31]],
  },
  { name: '§5 variable without closing brace', text: resource('arn:aws:s3:::b/${aws:username'), expect: [['Missing brace', 'error', 6, 33]] },
  { name: '§5 empty variable', text: resource('arn:aws:s3:::b/${}'), expect: [['Empty variable', 'error', 6, 33]] },
  {
    name: '§5 variable in a 2008-10-17 policy is literal text (warning)',
    text: doc([allow, s3all, '"Resource": "arn:aws:s3:::b/${aws:username}"'], '2008-10-17'),
    expect: [['Variable unsupported in version', 'warning', 6, 33]],
  },

  // ---- Principal (§2.2) ----
  { name: '§2.2 string Principal other than *', type: 'resource', text: principal('"arn:aws:iam::123456789012:root"'), expect: [['Invalid principal format', 'error', 5, 18]] },
  { name: '§2.2 principal key in the wrong case', type: 'resource', text: principal('{"aws": "123456789012"}'), expect: [['Invalid principal key', 'error', 5, 19]] },
  {
    name: '§2.2 partial wildcard in a principal',
    type: 'resource',
    text: principal('{"AWS": "arn:aws:iam::123456789012:user/*"}'),
    expect: [['Unsupported wildcard in principal', 'error', 5, 58]],
  },
  {
    name: '§2.2 IAM group as a principal',
    type: 'resource',
    text: principal('{"AWS": "arn:aws:iam::123456789012:group/admins"}'),
    expect: [['Invalid principal format', 'error', 5, 26]],
  },
  {
    name: '§5 variable in a principal',
    type: 'resource',
    text: principal('{"AWS": "arn:aws:iam::123456789012:user/${aws:username}"}'),
    expect: [['Variable unsupported in element', 'error', 5, 58]],
  },
  { name: '§2.2 malformed service principal', type: 'resource', text: principal('{"Service": "Lambda"}'), expect: [['Invalid service principal format', 'error', 5, 30]] },
  { name: '§2.2 11-digit account id', type: 'resource', text: principal('{"AWS": "12345678901"}'), expect: [['Invalid principal format', 'error', 5, 26]] },
  {
    name: '§2.2 IAM principal ARN with a Region',
    type: 'resource',
    text: principal('{"AWS": "arn:aws:iam:us-east-1:123456789012:root"}'),
    expect: [['Invalid ARN Region', 'error', 5, 39]],
  },

  // ---- Condition (§4) ----
  {
    name: '§4.1 unknown condition operator is an error, never a silent no-match',
    text: condition('{"StringEqualz": {"aws:username": "bob"}}'),
    expect: [['Invalid condition operator', 'error', 7, 19]],
    path: '/Statement/0/Condition/StringEqualz',
  },
  { name: '§4.2 Null cannot take IfExists', text: condition('{"NullIfExists": {"aws:TagKeys": "true"}}'), expect: [['Null with if exists', 'error', 7, 19]] },
  { name: '§4.2 ForAllValues:Null is a suggestion', text: condition('{"ForAllValues:Null": {"aws:TagKeys": "true"}}'), expect: [['Null with qualifier', 'suggestion', 7, 19]] },
  { name: '§4.1 operator written in another case is a warning', text: condition('{"stringEquals": {"aws:username": "bob"}}'), expect: [['Condition operator case', 'warning', 7, 19]] },
  { name: '§4.1 condition key without a prefix', text: condition('{"StringEquals": {"username": "bob"}}'), expect: [['Invalid condition key format', 'error', 7, 36]] },
  {
    name: '§2.3 condition key twice with different case',
    text: condition('{"StringEquals": {"aws:username": "a", "AWS:UserName": "b"}}'),
    expect: [['Duplicate keys with different case', 'error', 7, 57]],
  },
  {
    name: '§2.1 operator block repeated (duplicate JSON key)',
    text: condition('{"StringEquals": {"aws:username": "a"}, "StringEquals": {"aws:userid": "b"}}'),
    expect: [['Repeated element', 'error', 7, 58]],
  },
  { name: '§2.1 Condition that is not an object', text: condition('"aws:SecureTransport"'), expect: [['Invalid policy element', 'error', 7, 18]] },
  { name: '§4.1 operator block that is not an object', text: condition('{"StringEquals": "bob"}'), expect: [['Invalid policy element', 'error', 7, 35]] },
  { name: '§2.1 null condition value', text: condition('{"StringEquals": {"aws:username": null}}'), expect: [['Invalid condition data type', 'error', 7, 52]] },
  { name: '§2.1 object condition value', text: condition('{"StringEquals": {"aws:username": {"a": 1}}}'), expect: [['Invalid condition data type', 'error', 7, 52]] },
  { name: '§4.12 mixed JSON types in one value list', text: condition('{"StringEquals": {"aws:username": ["a", 1]}}'), expect: [['Invalid condition data type', 'error', 7, 58]] },
  {
    name: '§4.8 Bool with two values',
    text: condition('{"Bool": {"aws:SecureTransport": ["true", "false"]}}'),
    expect: [['Invalid condition multiple Boolean', 'error', 7, 60]],
  },
  { name: '§4.8 Bool value that is not true/false', text: condition('{"Bool": {"aws:SecureTransport": "yes"}}'), expect: [['Type mismatch Boolean', 'warning', 7, 51]] },
  { name: '§4.5 numeric value that is not a number', text: condition('{"NumericLessThan": {"s3:max-keys": "ten"}}'), expect: [['Type mismatch number', 'warning', 7, 54]] },
  { name: '§4.6 date value that is not a date', text: condition('{"DateLessThan": {"aws:CurrentTime": "yesterday"}}'), expect: [['Type mismatch date', 'warning', 7, 55]] },
  { name: '§4.6 date value that does not exist', text: condition('{"DateLessThan": {"aws:CurrentTime": "2024-02-30"}}'), expect: [['Invalid date value', 'warning', 7, 55]] },
  { name: '§4.10 IP value that is not an address or CIDR', text: condition('{"IpAddress": {"aws:SourceIp": "10.0.0.256/8"}}'), expect: [['Type mismatch IP range', 'warning', 7, 49]] },
  { name: '§4.9 BinaryEquals value that is not base64', text: condition('{"BinaryEquals": {"s3:x": "not base64!"}}'), expect: [['Type mismatch binary', 'warning', 7, 44]] },
  {
    name: '§4.4 * in StringEquals is literal (warning at the *)',
    text: condition('{"StringEquals": {"aws:PrincipalArn": "arn:aws:iam::*:role/x"}}'),
    expect: [['Wildcard without like operator', 'warning', 7, 70]],
  },
  {
    name: '§4.13 variable in a Numeric operator',
    text: condition('{"NumericLessThan": {"s3:max-keys": "${aws:username}"}}'),
    expect: [['Invalid variable for operator', 'error', 7, 55]],
  },
  {
    name: '§5 default value without quotes',
    text: condition('{"StringEquals": {"aws:PrincipalTag/team": "${aws:username, default}"}}'),
    expect: [['Missing quote', 'error', 7, 62]],
    path: '/Statement/0/Condition/StringEquals/aws:PrincipalTag~1team',
  },
  { name: '§5 space inside a variable', text: condition('{"StringEquals": {"aws:username": "${aws:user name}"}}'), expect: [['Unsupported space in variable', 'error', 7, 53]] },
  {
    name: '§5 variable in a condition under 2008-10-17 is literal (warning)',
    text: condition('{"StringEquals": {"aws:username": "${aws:username}"}}', '2008-10-17'),
    expect: [['Variable unsupported in version', 'warning', 7, 53]],
  },
  { name: '§5 variable in a condition key', text: condition('{"StringEquals": {"${aws:username}:x": "a"}}'), expect: [['Variable unsupported in element', 'error', 7, 37]] },
  { name: '§8.2 empty condition value array is a suggestion', text: condition('{"StringEquals": {"aws:username": []}}'), expect: [['Empty array condition', 'suggestion', 7, 52]] },
];

// ---- size (§8.1) ----
const manyActions = (n: number): string[] => Array.from({ length: n }, (_, k) => `s3:GetObject${k}`);
const sized = (actions: string[], indent?: number): string =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: actions, Resource: '*' }] }, null, indent);
cases.push(
  {
    name: '§8.1 identity policy over 6,144 characters is a warning',
    text: sized(manyActions(400)),
    expect: [['Policy size exceeds identity policy quota', 'warning', 1, 1]],
  },
  { name: '§8.1 SCP over 5,120 characters is an error', type: 'scp', text: sized(manyActions(400)), expect: [['Policy size exceeds SCP quota', 'error', 1, 1]] },
  { name: '§8.1 RCP over 5,120 characters is an error', type: 'rcp', text: sized(manyActions(400)).replace('"Effect":"Deny",', '"Effect":"Deny","Principal":"*",'), expect: [['Policy size exceeds RCP quota', 'error', 1, 1]] },
  { name: '§8.1 trust policy over 2,048 characters is a warning', type: 'trust', text: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: Array.from({ length: 80 }, (_, k) => `arn:aws:iam::123456789012:role/r${k}`) }, Action: 'sts:AssumeRole' }] }), expect: [['Policy size exceeds role trust policy quota', 'warning', 1, 1]] },
  {
    name: '§8.1 policy text over 131,072 characters is an error (with the quota warning)',
    text: sized(manyActions(7000)),
    expect: [
      ['Policy size exceeds API limit', 'error', 1, 1],
      ['Policy size exceeds identity policy quota', 'warning', 1, 1],
    ],
  },
);

describe('bad inputs give exact findings', () => {
  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { policy, findings } = readPolicy(c.text, { name: 'p', type: c.type ?? 'identity', file: 'p.json' });
    const got = findings.map((f) => [f.code, f.severity, f.position.line, f.position.column]);
    expect(got).toEqual(c.expect);
    for (const f of findings) {
      expect(f.policy).toBe('p');
      expect(f.file).toBe('p.json');
      expect(f.message.length).toBeGreaterThan(10);
    }
    if (c.path !== undefined) expect(findings[0]!.path).toBe(c.path);
    // A policy comes back exactly when there is no error.
    expect(policy === undefined).toBe(c.expect.some((e) => e[1] === 'error'));
  });
});

describe('§8.1 size quotas do not count whitespace', () => {
  it('a 5,000-character identity policy indented to 20,000 characters gets no size finding', () => {
    const text = sized(manyActions(300), 40);
    expect(text.length).toBeGreaterThan(6144);
    const { findings } = readPolicy(text, { name: 'p', type: 'identity' });
    expect(findings).toEqual([]);
  });
});
