// The suite loader on the fixture suites of test/fixtures/suites/ (every feature of the format),
// the two YAML readers (which must agree), context typing, and the committed JSON Schema.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { JsonNode } from '../../src/policy/model.ts';
import { ContextValueError, contextKeyTypeWord, typeContextValue } from '../../src/scenario/context.ts';
import { loadSuite, loadSuites } from '../../src/scenario/loader.ts';
import { SuiteError, type Suite } from '../../src/scenario/model.ts';
import { CaseSchema, isPlainCase, suiteJsonSchemaText, SuiteFileSchema } from '../../src/scenario/schema.ts';
import { parseYaml, parseYamlFast, parseYamlFull } from '../../src/scenario/yaml.ts';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const fixtures = join(repo, 'test', 'fixtures', 'suites');
const rel = (p: string): string => `test/fixtures/suites/${p}`;
const at = (file: string, line: number, column: number) => ({ file: rel(file), line, column });

const tmp = mkdtempSync(join(tmpdir(), 'iamspec-loader-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function write(dir: string, files: Record<string, string>): string {
  const d = join(tmp, dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(d, name)), { recursive: true });
    writeFileSync(join(d, name), content);
  }
  return d;
}

const bool = (v: boolean) => ({ type: 'boolean', list: false, values: [String(v)] });
const str = (v: string) => ({ type: 'string', list: false, values: [v] });

describe('the full fixture suite (main.yaml)', () => {
  const suites = loadSuites([join(fixtures, 'main.yaml')], { cwd: repo });
  const s = suites[0]!;

  it('loads one suite with its name and description', () => {
    expect(suites).toHaveLength(1);
    expect(s.file).toBe(join(fixtures, 'main.yaml'));
    expect(s.name).toBe('All-Staff MFA enforcement');
    expect(s.about).toBe('Group-based MFA enforcement from "IAM MFA Enforcement Setup".');
  });

  it('merges policies from includes (depth first, a diamond merged once) and its own', () => {
    expect([...s.policies.keys()]).toEqual([
      'full-aws-access', // shared/common.yaml, included by shared/people.yaml
      'mfa-enforcement', // shared/people.yaml (main.yaml names the same file again: identical)
      'dev-team-s3',
      'bucket-policy',
      'deny-outside-eu',
      'deny-external-s3',
      'deploy-trust',
      'session-s3-read',
      'dev-boundary',
      'not-yet-attached',
    ]);
  });

  it('reads a policy file: its text, document, path and first definition', () => {
    const p = s.policies.get('mfa-enforcement')!;
    const path = join(fixtures, 'policies', 'mfa-enforcement.json');
    expect(p.path).toBe(path);
    expect(p.text).toBe(readFileSync(path, 'utf8'));
    expect(p.document).toEqual(JSON.parse(readFileSync(path, 'utf8')));
    expect(p.defined).toEqual(at('shared/people.yaml', 5, 3));
    expect(p.usedAs).toEqual(['identity']);
    const c = p.compiled.get('identity')!;
    expect(c.policy.file).toBe(rel('policies/mfa-enforcement.json'));
    expect(c.policy.statements.map((st) => st.sid?.value)).toEqual([
      'AllowViewAccountInfo',
      'AllowManageOwnVirtualMFADevice',
      'AllowManageOwnUserMFA',
      'BlockMostAccessUnlessSignedInWithMFA',
    ]);
    // Positions of a file policy are in the JSON file.
    expect(c.policy.statements[3]!.span.start).toEqual({ line: 22, column: 5 });
  });

  it('reads an inline policy with positions in the YAML', () => {
    const p = s.policies.get('dev-team-s3')!;
    expect(p.path).toBeUndefined();
    expect(p.defined).toEqual(at('main.yaml', 11, 3));
    expect(p.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'AllowS3BucketAccessWithMFA',
          Effect: 'Allow',
          Action: ['s3:ListBucket', 's3:GetObject', 's3:PutObject'],
          Resource: ['arn:aws:s3:::your-bucket-name', 'arn:aws:s3:::your-bucket-name/*'],
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        },
      ],
    });
    expect(p.text).toBe(JSON.stringify(p.document, null, 2));
    const c = p.compiled.get('identity')!;
    expect(c.policy.file).toBe(rel('main.yaml'));
    const st = c.policy.statements[0]!;
    expect(st.span.start).toEqual({ line: 14, column: 9 });
    expect(st.sid!.span.start).toEqual({ line: 14, column: 14 });
    expect(st.effect.span.start).toEqual({ line: 15, column: 17 });
    expect(st.action!.map((a) => a.span.start)).toEqual([
      { line: 16, column: 18 },
      { line: 16, column: 33 },
      { line: 16, column: 47 },
    ]);
    expect(st.condition[0]!.operator.span.start).toEqual({ line: 18, column: 21 });
    expect(st.condition[0]!.key.span.start).toEqual({ line: 18, column: 28 });
    expect(st.condition[0]!.values[0]!.span).toEqual({ start: { line: 18, column: 56 }, end: { line: 18, column: 62 } });
    expect(c.statements[0]!.ref).toMatchObject({ policy: 'dev-team-s3', policyType: 'identity', index: 0, file: rel('main.yaml') });
  });

  it('gives an inline policy of an included fragment positions in that fragment', () => {
    const c = s.policies.get('full-aws-access')!.compiled.get('scp')!;
    expect(c.policy.file).toBe(rel('shared/common.yaml'));
    expect(c.policy.statements[0]!.span.start).toEqual({ line: 6, column: 9 });
  });

  it('compiles each policy once for each type it is used as', () => {
    const usage = Object.fromEntries([...s.policies.values()].map((p) => [p.name, p.usedAs]));
    expect(usage).toEqual({
      'full-aws-access': ['scp'],
      'mfa-enforcement': ['identity'],
      'dev-team-s3': ['identity'], // group Dev-Team and principal deployer: identity once
      'bucket-policy': ['resource'],
      'deny-outside-eu': ['scp'],
      'deny-external-s3': ['rcp'],
      'deploy-trust': ['trust'], // the resource is an IAM role ARN
      'session-s3-read': ['session'],
      'dev-boundary': ['boundary'],
      'not-yet-attached': [], // allowed: the deploy stack may use it
    });
    for (const p of s.policies.values()) {
      expect([...p.compiled.keys()]).toEqual(p.usedAs);
      for (const [type, c] of p.compiled) expect(c).toMatchObject({ name: p.name, type });
    }
  });

  it('resolves groups', () => {
    expect([...s.groups.values()]).toEqual([
      { name: 'All-Staff', policies: ['mfa-enforcement'], defined: at('shared/people.yaml', 8, 3) },
      { name: 'Dev-Team', policies: ['dev-team-s3'], defined: at('main.yaml', 66, 3) },
    ]);
  });

  it('resolves principals of every kind', () => {
    expect([...s.principals.keys()]).toEqual(['john', 'anyone', 'deployer', 'visitor']);
    expect(s.principals.get('john')).toEqual({
      name: 'john',
      arn: 'arn:aws:iam::123456789012:user/john.doe',
      groups: ['All-Staff', 'Dev-Team'],
      policies: [],
      tags: { team: 'dev', level: '3' },
      uniqueId: 'AIDAEXAMPLEJOHN0000001',
      inAccount: true,
      defined: at('shared/people.yaml', 11, 3),
    });
    expect(s.principals.get('anyone')).toEqual({
      name: 'anyone',
      arn: 'anonymous',
      groups: [],
      policies: [],
      tags: {},
      inAccount: false,
      defined: at('shared/people.yaml', 20, 3),
    });
    expect(s.principals.get('deployer')).toEqual({
      name: 'deployer',
      arn: 'arn:aws:iam::123456789012:role/ops/deployer',
      groups: [],
      policies: ['dev-team-s3'],
      boundary: 'dev-boundary',
      session: ['session-s3-read'],
      sessionName: 'ci-run',
      tags: {},
      inAccount: false,
      defined: at('main.yaml', 69, 3),
    });
    expect(s.principals.get('visitor')).toEqual({
      name: 'visitor',
      arn: 'arn:aws:sts::123456789012:federated-user/visitor',
      groups: [],
      policies: [],
      session: ['session-s3-read'],
      parentUserArn: 'arn:aws:iam::123456789012:user/john.doe',
      tags: {},
      inAccount: false,
      defined: at('main.yaml', 75, 3),
    });
  });

  it('resolves resources, ARN patterns included', () => {
    expect(s.resources).toEqual([
      {
        arn: 'arn:aws:s3:::your-bucket-name',
        owner: '123456789012',
        policy: 'bucket-policy',
        tags: { classification: 'internal' },
        defined: at('main.yaml', 81, 3),
      },
      { arn: 'arn:aws:s3:::your-bucket-name/*', policy: 'bucket-policy', tags: {}, defined: at('main.yaml', 85, 3) },
      { arn: 'arn:aws:iam::123456789012:role/ops/deployer', policy: 'deploy-trust', tags: {}, defined: at('main.yaml', 87, 3) },
    ]);
  });

  it('resolves the organization', () => {
    expect(s.organization).toEqual({
      scps: [['full-aws-access'], ['deny-outside-eu']],
      rcps: [['deny-external-s3']],
      managementAccount: '999999999999',
      accounts: ['123456789012'],
      defined: at('main.yaml', 90, 1),
    });
  });

  it('types the context defaults; its own override those of included files', () => {
    expect(s.context).toEqual({
      'aws:SecureTransport': bool(true), // shared/common.yaml
      'aws:RequestedRegion': str('eu-central-1'), // shared/people.yaml says eu-west-1
      'aws:MultiFactorAuthPresent': bool(true),
      'aws:MultiFactorAuthAge': { type: 'numeric', list: false, values: ['600'] },
      'aws:CurrentTime': { type: 'date', list: false, values: ['2024-06-01T12:00:00Z'] },
      'aws:SourceIp': { type: 'ip', list: false, values: ['203.0.113.5'] },
      'aws:TagKeys': { type: 'string', list: true, values: ['team', 'project'] },
    });
  });

  it('expands action × resource lists into one case per pair', () => {
    expect(s.cases.map((c) => c.name)).toEqual([
      'with MFA, Dev-Team reads the bucket',
      'without MFA, only MFA self-service [s3:GetObject @ *]',
      'without MFA, only MFA self-service [s3:GetObject @ arn:aws:s3:::your-bucket-name/x]',
      'without MFA, only MFA self-service [ec2:DescribeInstances @ *]',
      'without MFA, only MFA self-service [ec2:DescribeInstances @ arn:aws:s3:::your-bucket-name/x]',
      'long-term access keys carry no MFA key at all',
      'anonymous callers get nothing',
    ]);
    const m = s.cases.slice(1, 5);
    expect(m.map((c) => [c.action, c.resource])).toEqual([
      ['s3:GetObject', '*'],
      ['s3:GetObject', 'arn:aws:s3:::your-bucket-name/x'],
      ['ec2:DescribeInstances', '*'],
      ['ec2:DescribeInstances', 'arn:aws:s3:::your-bucket-name/x'],
    ]);
    for (const c of m) {
      expect(c.baseName).toBe('without MFA, only MFA self-service');
      expect(c.defined).toEqual(at('main.yaml', 114, 5));
      expect(c.expect).toBe('explicitDeny');
      expect(c.decidedBy).toEqual(['mfa-enforcement#BlockMostAccessUnlessSignedInWithMFA', 'mfa-enforcement#3']);
    }
  });

  it('keeps every field of a plain case', () => {
    expect(s.cases[0]).toEqual({
      name: 'with MFA, Dev-Team reads the bucket',
      baseName: 'with MFA, Dev-Team reads the bucket',
      principal: 'john',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::your-bucket-name/report.csv',
      context: s.context,
      expect: 'allowed',
      decidedBy: ['dev-team-s3#AllowS3BucketAccessWithMFA'],
      defined: at('main.yaml', 107, 5),
    });
    expect(s.cases[6]).toMatchObject({ principal: 'anyone', expect: 'implicitDeny', defined: at('main.yaml', 137, 5) });
    expect(s.cases[6]!.decidedBy).toBeUndefined();
  });

  it('overrides defaults per key, case-insensitively', () => {
    const ctx = s.cases[1]!.context;
    expect(ctx['aws:multifactorauthpresent']).toEqual(bool(false));
    expect(Object.hasOwn(ctx, 'aws:MultiFactorAuthPresent')).toBe(false);
    expect(ctx['aws:MultiFactorAuthAge']).toEqual(s.context['aws:MultiFactorAuthAge']);
  });

  it('types case context values: null, explicit types, catalog types, lists', () => {
    const ctx = s.cases[5]!.context;
    expect(ctx).toEqual({
      'aws:SecureTransport': bool(false), // the text "false" for a Bool key
      'aws:RequestedRegion': str('eu-central-1'),
      'aws:MultiFactorAuthPresent': null, // null = key absent
      'aws:MultiFactorAuthAge': null,
      'aws:CurrentTime': { type: 'date', list: false, values: ['2024-06-01T12:00:00Z'] },
      'aws:SourceIp': { type: 'ip', list: false, values: ['10.0.0.1'] }, // {type, value}
      'aws:TagKeys': { type: 'string', list: true, values: ['team', 'project'] },
      'aws:EpochTime': { type: 'date', list: false, values: ['1717243200'] }, // a number for a date key
      's3:prefix': { type: 'string', list: true, values: ['reports/', '2024'] },
      'aws:PrincipalTag/team': { type: 'string', list: true, values: ['dev', 'ops'] },
    });
  });

  it('resolves properties', () => {
    expect(s.properties).toEqual([
      {
        name: 'without MFA nothing is allowed but MFA self-service',
        principal: 'john',
        context: { ...s.context, 'aws:MultiFactorAuthPresent': bool(false) },
        forAll: {
          action: {
            service: '*',
            except: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices', 'iam:ResyncMFADevice', 'sts:GetSessionToken', 'iam:*MFA*'],
          },
          resource: 'any',
        },
        expect: 'denied',
        runs: 300,
        defined: at('main.yaml', 144, 5),
      },
      {
        name: 'Dev-Team reads only its bucket',
        principal: 'john',
        context: s.context,
        forAll: {
          action: { oneOf: ['s3:GetObject', 's3:PutObject'] },
          resource: 'arn:aws:s3:::other-*/*',
          context: { 'aws:MultiFactorAuthAge': { range: [0, 3600] }, 'aws:SourceIp': { oneOf: ['10.0.0.1', '203.0.113.5'] } },
        },
        expect: 'implicitDeny',
        runs: 100, // the default
        defined: at('main.yaml', 153, 5),
      },
    ]);
  });
});

describe('finding suites', () => {
  it('searches directories recursively in sorted order and skips fragments', () => {
    const suites = loadSuites([fixtures], { cwd: repo });
    expect(suites.map((s) => s.file)).toEqual([join(fixtures, 'main.yaml'), join(fixtures, 'more', 's3-matrix.yaml')]);
  });

  it('loads a file named twice once, and loadSuite loads one file', () => {
    const file = join(fixtures, 'more', 's3-matrix.yaml');
    expect(loadSuites([file, join(fixtures, 'more')], { cwd: repo })).toHaveLength(1);
    const s: Suite = loadSuite('test/fixtures/suites/more/s3-matrix.yaml', { cwd: repo });
    expect(s.name).toBe('S3 matrix and other principals');
  });

  it('reads the fast-reader fixture: matrices, other principal kinds, resource policies', () => {
    const s = loadSuite(join(fixtures, 'more', 's3-matrix.yaml'), { cwd: repo });
    expect(s.cases).toHaveLength(2 * 3 + 2);
    expect(s.cases[5]).toMatchObject({
      name: 'admin reads and writes [s3:PutObject @ arn:aws:s3:::c/3]',
      action: 's3:PutObject',
      resource: 'arn:aws:s3:::c/3',
      decidedBy: ['admin#All'],
      defined: at('more/s3-matrix.yaml', 32, 5),
    });
    expect(s.cases[6]!.context).toEqual({
      'aws:SourceAccount': str('123456789012'),
      'aws:SourceArn': str('arn:aws:cloudtrail:eu-west-1:123456789012:trail/main'),
    });
    expect(s.policies.get('admin')!.compiled.get('identity')!.policy.statements[0]!.span.start).toEqual({ line: 17, column: 9 });
    expect(s.policies.get('trail-bucket')!.usedAs).toEqual(['resource']);
    expect(s.principals.get('trail')!.arn).toBe('service:cloudtrail.amazonaws.com');
    expect(s.context).toEqual({});
  });

  it('shares the defaults object between cases without their own context', () => {
    const s = loadSuite(join(fixtures, 'more', 's3-matrix.yaml'), { cwd: repo });
    expect(s.cases[0]!.context).toBe(s.context);
    expect(Object.isFrozen(s.context)).toBe(true);
  });

  it('accepts identical re-definitions from includes, and a single include name', () => {
    const dir = write('same-defs', {
      'suite.yaml':
        'suite: s\ninclude: a.yaml\npolicies:\n  p: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}\n' +
        'principals:\n  u: {arn: "arn:aws:iam::123456789012:user/u", policies: [p]}\n' +
        'cases:\n  - {name: c, principal: u, action: s3:GetObject, resource: "*", expect: allowed}\n',
      'a.yaml': 'policies:\n  p:\n    Version: "2012-10-17"\n    Statement:\n      - {Effect: Allow, Action: "s3:*", Resource: "*"}\n',
    });
    const [s] = loadSuites(['suite.yaml'], { cwd: dir });
    expect(s!.policies.get('p')!.defined).toEqual({ file: 'a.yaml', line: 2, column: 3 });
  });

  it('reports where.file relative to cwd', () => {
    const dir = write('relative', { 'sub/s.yaml': 'suite: s\ncases: []\n' });
    try {
      loadSuites(['sub'], { cwd: dir });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SuiteError);
      expect((e as SuiteError).where).toEqual({ file: 'sub/s.yaml', line: 1, column: 1 });
    }
  });
});

describe('context typing', () => {
  it('uses the catalog type, the YAML type, or the stated type', () => {
    expect(typeContextValue('aws:MultiFactorAuthPresent', 'TRUE')).toEqual(bool(true));
    expect(typeContextValue('aws:MultiFactorAuthAge', '30')).toEqual({ type: 'numeric', list: false, values: ['30'] });
    expect(typeContextValue('aws:SourceIp', '2001:db8::1')).toEqual({ type: 'ip', list: false, values: ['2001:db8::1'] });
    expect(typeContextValue('aws:TagKeys', 'team')).toEqual({ type: 'string', list: true, values: ['team'] });
    expect(typeContextValue('aws:username', 42)).toEqual(str('42'));
    expect(typeContextValue('custom:flag', true)).toEqual(bool(true));
    expect(typeContextValue('custom:n', 1.5)).toEqual({ type: 'numeric', list: false, values: ['1.5'] });
    expect(typeContextValue('custom:ns', [1, 2])).toEqual({ type: 'numeric', list: true, values: ['1', '2'] });
    expect(typeContextValue('custom:empty', [])).toEqual({ type: 'string', list: true, values: [] });
    expect(typeContextValue('custom:b', { type: 'binary', value: 'aGVsbG8=' })).toEqual({ type: 'binary', list: false, values: ['aGVsbG8='] });
    expect(typeContextValue('custom:d', { type: 'dateList', value: '2024-01-01' })).toEqual({ type: 'date', list: true, values: ['2024-01-01'] });
    expect(typeContextValue('aws:SourceIp', null)).toBeNull();
    expect(contextKeyTypeWord({ type: 'ip', list: true })).toBe('ipList');
  });

  it('rejects values that do not fit, saying where in the value', () => {
    const err = (key: string, v: Parameters<typeof typeContextValue>[1]) => {
      try {
        typeContextValue(key, v);
      } catch (e) {
        expect(e).toBeInstanceOf(ContextValueError);
        return [(e as ContextValueError).path, (e as ContextValueError).message];
      }
      return undefined;
    };
    expect(err('aws:MultiFactorAuthAge', 'soon')).toEqual([[], expect.stringMatching(/numeric key: "soon"/)]);
    expect(err('aws:SourceIp', ['10.0.0.1', '10.0.0.300'])).toEqual([[1], expect.stringMatching(/"10\.0\.0\.300" is not an IP/)]);
    expect(err('aws:CurrentTime', '2024-13-01')).toEqual([[], expect.stringMatching(/ISO 8601/)]);
    expect(err('custom:b', { type: 'binary', value: '***' })).toEqual([['value'], expect.stringMatching(/base64/)]);
    expect(err('aws:MultiFactorAuthPresent', 1)).toEqual([[], expect.stringMatching(/true or false/)]);
    expect(err('custom:x', { type: 'boolean', value: [true] })).toEqual([['value'], expect.stringMatching(/booleanList/)]);
    expect(err('aws:Sourceip ', 'x')).toEqual([[], expect.stringMatching(/prefix:name/)]);
    expect(err('s3:prefx', 'a')).toEqual([[], expect.stringMatching(/unknown condition key "s3:prefx" for service s3: did you mean "s3:prefix"\?/)]);
  });

  it('accepts a key the catalog does not list when its type is stated', () => {
    expect(typeContextValue('aws:BrandNewKey', { type: 'string', value: 'x' })).toEqual(str('x'));
    expect(typeContextValue('token.actions.githubusercontent.com:sub', 'repo:o/r:ref:refs/heads/main')).toEqual(
      str('repo:o/r:ref:refs/heads/main'),
    );
  });
});

// ---- the YAML readers ----

/** A JsonNode with every span, as plain data (so two trees compare with toEqual). */
function plainNode(n: JsonNode): unknown {
  const span = [n.span.start.line, n.span.start.column, n.span.end.line, n.span.end.column];
  switch (n.kind) {
    case 'object':
      return { span, entries: n.entries.map((e) => [e.key, e.keySpan.start, e.keySpan.end, plainNode(e.value)]) };
    case 'array':
      return { span, items: n.items.map(plainNode) };
    case 'null':
      return { span, null: true };
    case 'number':
      return { span, value: Number.isNaN(n.value) ? 'NaN' : n.value, raw: n.raw };
    default:
      return { span, value: n.value };
  }
}

/** The fast reader either declines or agrees exactly with the yaml package (values and positions). */
function agree(text: string): 'fast' | 'declined' {
  const fast = parseYamlFast(text);
  if (!fast) return 'declined';
  const full = parseYamlFull(text);
  expect(full.errors, `the fast reader accepted what the yaml package rejects:\n${text}`).toEqual([]);
  expect(plainNode(fast.node([])), text).toEqual(plainNode(full.doc!.node([])));
  return 'fast';
}

describe('YAML readers', () => {
  it('agree on the fixture files', () => {
    const files = ['main.yaml', 'more/s3-matrix.yaml', 'shared/common.yaml', 'shared/people.yaml'];
    const used = files.map((f) => agree(readFileSync(join(fixtures, f), 'utf8')));
    expect(used).toEqual(['declined', 'fast', 'fast', 'fast']); // main.yaml has a multi-line flow collection
    // With that collection on one line, the fast reader takes main.yaml too.
    const oneLine = readFileSync(join(fixtures, 'main.yaml'), 'utf8')
      .replace(/,\n\s+iam:ListMFADevices/, ', iam:ListMFADevices')
      .replace(/^# yaml-language.*\n/, '');
    expect(agree(oneLine)).toBe('fast');
  });

  it('agree on scalars of the YAML 1.2 core schema', () => {
    const lines = [
      'a: ~', 'a: null', 'a: Null', 'a: NULL', 'a: nULL', 'a: true', 'a: True', 'a: TRUE', 'a: tRUE', 'a: yes', 'a: off',
      'a: 0', 'a: -0', 'a: +12', 'a: 012', 'a: 0o17', 'a: 0o8', 'a: 0x1F', 'a: 0X1F', 'a: 1.5', 'a: 1.', 'a: .5', 'a: -.5',
      'a: 1e3', 'a: 1E-3', 'a: 1.5e+3', 'a: .inf', 'a: -.Inf', 'a: +.INF', 'a: .nan', 'a: .NaN', 'a: 2024-06-01',
      'a: 2024-06-01T12:00:00Z', 'a: 1_000', 'a: 123456789012', 'a: 0123456789012', 'a: "1"', "a: '1'", 'a: "a\\tb\\u00e9\\x41\\U0001F600"',
      "a: 'it''s'", 'a: a:b', 'a: a#b', 'a: a #b', 'a: [a, "b", 1, true, null, ~]', 'a: {b: 1, "c": 2, d: [e]}', 'a: []', 'a: {}',
      'a: [a, b, ]', 'a: {"k":v}', 'a:', 'a:   ', 'a: # c', 'arn:aws:s3:::b/*: x', '"q k": 1', "'s k': 2", '-5: neg', '1: one',
    ];
    let fast = 0;
    for (const l of lines) if (agree(l + '\n') === 'fast') fast++;
    expect(fast).toBeGreaterThan(lines.length - 5);
  });

  it('agree on YAML the yaml package writes, in every style', () => {
    const scalar = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('true', 'null', '~', '1.0', '0x10', '-', ':', '#', 'a: b', 'a #b', "it's", '"q"', '[x]', '{x}', '*', '&a', '- x', ''),
      fc.integer(),
      fc.double({ noNaN: true }),
      fc.boolean(),
      fc.constant(null),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('arr'), tie('obj')),
      arr: fc.array(tie('node'), { maxLength: 4 }),
      obj: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tie('node'), { maxKeys: 4 }),
    })).node;
    let fast = 0;
    fc.assert(
      fc.property(value, fc.constantFrom('any', 'block', 'flow'), fc.boolean(), (v, collectionStyle, quote) => {
        const text = stringify({ root: v }, { collectionStyle, defaultStringType: quote ? 'QUOTE_DOUBLE' : 'PLAIN', lineWidth: 0 });
        if (agree(text) === 'fast') fast++;
        const full = parseYamlFull(text);
        expect(full.errors).toEqual([]);
      }),
      { numRuns: 300, seed: 20260926 },
    );
    expect(fast).toBeGreaterThan(100); // the comparison is not vacuous
  });

  it('the fast reader declines whatever it is not sure of (random lines)', () => {
    const atom = fc.constantFrom('a', 'key', 'x y', '1', '-2', '0.5', '"q"', "'s'", 'a:b', 'a#b', '*', '&a', '!t', '|', '>', '-', '- x', '?', ':',
      ',', '[a, b]', '{a: 1}', '[]', '{}', '[a, [b]]', '{"x":1}', '[a: b]', '{a}', '@x', '%x', '""', '', 'a: b', 'x #c', '---', '...');
    const key = fc.constantFrom('a', 'b', 'key', '"q"', "'s'", 'aws:Key', 'arn:aws:s3:::b', '1', 'null', '-x', '? x', '- a', 'x y');
    const line = fc.oneof(
      fc.tuple(fc.nat(4), key, fc.constantFrom(': ', ':', ':  '), atom).map(([i, k, c, a]) => ' '.repeat(i) + k + c + a),
      fc.tuple(fc.nat(4), fc.constantFrom('- ', '-', '-  '), atom).map(([i, d, a]) => ' '.repeat(i) + d + a),
      fc.tuple(fc.nat(4), atom).map(([i, a]) => ' '.repeat(i) + a),
      fc.constantFrom('', '# comment', '  # c', '\t- a'),
    );
    let fast = 0;
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 7 }), fc.constantFrom('\n', '\r\n'), (lines, eol) => {
        if (agree(lines.join(eol) + eol) === 'fast') fast++;
      }),
      { numRuns: 1000, seed: 20260926 },
    );
    expect(fast).toBeGreaterThan(50);
  });

  it('anchors, aliases and tabs outside indentation stay on the fast reader, which agrees (issue 11 performance cliff)', () => {
    // One anchor or one tab used to send a whole 100,000-case suite to the slow reader.
    const fastOnes = [
      'ctx: &no-mfa {aws:MultiFactorAuthPresent: null}\ncases:\n  - context: *no-mfa\n  - context: *no-mfa # again\n',
      'a: &x\n  k: [1, 2]\nb: *x\nc: [*x, y]\nd:\n  - &y v\n  - *y\n',
      'a: 1\t# a tab before a comment\nb: "tab\tinside"\nc: x \t\n\t# a comment line after a tab\n',
    ];
    for (const text of fastOnes) expect(agree(text), text).toBe('fast');
    const atom = fc.constantFrom('a', 'x y', '1', '"q"', '&a x', '&a', '*a', '*b', '&b [1, *a]', '[*a, x]', '{k: *a}', '&a {k: 1}', 'x\t# c',
      '"a\tb"', 'x\t', '\ty', "'\t'", '&a\tfoo', '*a # c', '*a\t', '&a:b x', '<<', '[a,\tb]', '- x', '{<<: 1}');
    const key = fc.constantFrom('a', 'b', 'key', '"q"', '<<', '"<<"', '&a k', 'x\ty', 'k\t');
    const line = fc.oneof(
      fc.tuple(fc.nat(4), key, fc.constantFrom(': ', ':', ':\t'), atom).map(([i, k, c, a]) => ' '.repeat(i) + k + c + a),
      fc.tuple(fc.nat(4), fc.constantFrom('- ', '-', '-\t'), atom).map(([i, d, a]) => ' '.repeat(i) + d + a),
      fc.tuple(fc.nat(4), atom).map(([i, a]) => ' '.repeat(i) + a),
      fc.constantFrom('', '# comment', '\t- a', '\t# c', ' \t '),
    );
    let aliases = 0;
    let tabs = 0;
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 7 }), (lines) => {
        const text = lines.join('\n') + '\n';
        if (agree(text) !== 'fast') return;
        if (text.includes('*a')) aliases++;
        if (text.includes('\t')) tabs++;
      }),
      { numRuns: 3000, seed: 20261101 },
    );
    expect(aliases).toBeGreaterThan(5); // the comparison covers what it is about
    expect(tabs).toBeGreaterThan(50);
  });

  it('keys are compared as the text they are in both readers: 1 and 01, true and True are two keys (issue 11 item 9)', () => {
    for (const text of ['t: {1: a, 01: b}\n', 't:\n  true: a\n  True: b\n']) {
      expect(agree(text)).toBe('fast');
      expect(Object.keys((parseYamlFull(text).doc!.value as { t: object }).t)).toHaveLength(2);
      // The same text with a tab in it (the full reader) keeps both keys too.
      expect(parseYamlFull(text.replace('\n', ' \t\n')).errors).toEqual([]);
    }
    expect(parseYamlFull('a: 1\n"a": 2\n').errors[0]).toMatchObject({ line: 2, column: 1 });
  });

  it('reports syntax errors, duplicate keys and extra documents with positions', () => {
    expect(parseYaml('a: [1, 2\nb: 1\n').errors[0]).toMatchObject({ line: 1, column: 4, message: expect.stringMatching(/never closed/) });
    expect(parseYaml('a: 1\nb: 2\na: 3\n').errors[0]).toMatchObject({ line: 3, column: 1, message: expect.stringMatching(/unique/) });
    expect(parseYaml('a: 1\n---\nb: 2\n').errors[0]).toMatchObject({ line: 2, column: 1, message: expect.stringMatching(/second one/) });
    expect(parseYaml('a: "x\n').errors).not.toEqual([]);
  });

  it('resolves anchors and aliases through the yaml package', () => {
    const { doc } = parseYaml('base: &b [s3:GetObject]\ncopy: *b\n');
    expect(doc!.value).toEqual({ base: ['s3:GetObject'], copy: ['s3:GetObject'] });
  });

  it('keeps integer-like keys in document order for positions', () => {
    for (const text of ['b: 1\n2: two\na: 3\n', 'm: {b: 1, 2: two, a: 3}\n']) {
      const doc = parseYamlFast(text)!;
      const node = doc.node([]);
      const obj = node.kind === 'object' && text.startsWith('m') ? node.entries[0]!.value : node;
      expect(obj.kind === 'object' && obj.entries.map((e) => e.key)).toEqual(['b', '2', 'a']);
      agree(text);
    }
  });

  it('maps paths to positions, and missing paths to the nearest existing value', () => {
    const { doc } = parseYaml('cases:\n  - name: x\n    context: {aws:SourceIp: 1.2.3.4}\n');
    expect(doc!.span(['cases', 0, 'context', 'aws:SourceIp']).start).toEqual({ line: 3, column: 29 });
    expect(doc!.keySpan(['cases', 0, 'context', 'aws:SourceIp']).start).toEqual({ line: 3, column: 15 });
    expect(doc!.span(['cases', 0, 'expect']).start).toEqual({ line: 2, column: 5 });
    expect(doc!.itemStart(['cases'], 0)).toEqual({ line: 2, column: 5 });
  });
});

describe('the schema', () => {
  it('scenarios/schema.json is what scripts/gen-schema.ts writes now', () => {
    const committed = readFileSync(join(repo, 'scenarios', 'schema.json'), 'utf8');
    expect(committed, 'run: node bin/run-ts.js scripts/gen-schema.ts').toBe(suiteJsonSchemaText());
  });

  it('describes every field for editor hover', () => {
    const schema = JSON.parse(suiteJsonSchemaText()) as { properties: Record<string, { description?: string }> };
    for (const [k, v] of Object.entries(schema.properties)) expect(v.description, k).toBeTruthy();
    const caseProps = (schema.properties['cases'] as unknown as { items: { properties: Record<string, { description?: string }> } }).items.properties;
    for (const [k, v] of Object.entries(caseProps)) expect(v.description, k).toBeTruthy();
  });

  it('accepts the fixture suite as is', () => {
    const { doc } = parseYaml(readFileSync(join(fixtures, 'main.yaml'), 'utf8'));
    expect(SuiteFileSchema.safeParse(doc!.value).success).toBe(true);
  });

  it('isPlainCase accepts exactly what CaseSchema accepts', () => {
    const junk = fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer(), fc.double(), fc.string({ maxLength: 3 }), fc.boolean(), fc.constant([]), fc.constant({}));
    const text = fc.oneof(fc.constantFrom('x', 's3:GetObject', ''), junk);
    const texts = fc.oneof(text, fc.array(text, { maxLength: 3 }));
    const ctxValue = fc.oneof(
      junk,
      fc.array(fc.oneof(fc.string({ maxLength: 2 }), fc.integer(), fc.boolean(), fc.constant(Infinity), fc.constant(null)), { maxLength: 2 }),
      fc.record({ type: fc.constantFrom('ip', 'stringList', 'nope', 5), value: fc.oneof(junk, fc.array(fc.string({ maxLength: 2 }), { maxLength: 2 })) }, { requiredKeys: [] }),
      fc.record({ type: fc.constant('string'), value: fc.constant('v'), extra: fc.constant(1) }),
    );
    const candidate = fc.record(
      {
        name: text,
        about: text,
        principal: text,
        action: texts,
        resource: texts,
        context: fc.oneof(junk, fc.dictionary(fc.constantFrom('aws:SourceIp', 'k', ''), ctxValue, { maxKeys: 2 })),
        expect: fc.oneof(fc.constantFrom('allowed', 'explicitDeny', 'implicitDeny', 'denied', 'allow'), junk),
        decidedBy: texts,
        extra: fc.constant(1),
      },
      { requiredKeys: [] },
    );
    const valid = fc.record({
      name: fc.constant('n'),
      principal: fc.constant('p'),
      action: fc.constant(['s3:GetObject']),
      resource: fc.constant('*'),
      expect: fc.constant('allowed'),
      context: fc.dictionary(fc.constantFrom('aws:SourceIp', 'k'), ctxValue, { maxKeys: 2 }),
    });
    fc.assert(
      fc.property(fc.oneof(candidate, valid), (c) => {
        expect(isPlainCase(c)).toBe(CaseSchema.safeParse(c).success);
      }),
      { numRuns: 2000 },
    );
  });
});
