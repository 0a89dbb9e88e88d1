import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/engine/evaluate.ts';
import { SuiteError, type Suite } from '../../src/scenario/model.ts';
import { caseRequest, resolverFor } from '../../src/scenario/resolve.ts';
import {
  missingDecidedBy,
  parseShard,
  runSuites,
  selectSuites,
  UsageError,
  type CheckProperty,
} from '../../src/scenario/runner.ts';
import { ACCOUNT, OTHER, bool, buildSuite, mfaSuite, num } from './build-suite.ts';

const CWD = '/work/project';
const run = (suites: Suite[], opts: Parameters<typeof runSuites>[1] = {}) => runSuites(suites, { cwd: CWD, ...opts });

const allowAll = (sid = 'All') => ({ Version: '2012-10-17', Statement: [{ Sid: sid, Effect: 'Allow', Action: '*', Resource: '*' }] });

describe('runSuites: results per the JSON contract', () => {
  it('passes the format page example and fills every field', () => {
    const report = run([mfaSuite()]);
    expect(report.summary).toEqual({ suites: 1, passed: 4, failed: 0, errors: 0, skipped: 0 });
    const [first, second] = report.results;
    expect(first).toEqual({
      file: 'scenarios/test.yaml',
      suite: 'All-Staff MFA enforcement',
      case: 'with MFA, Dev-Team reads the bucket',
      principal: `arn:aws:iam::${ACCOUNT}:user/john.doe`,
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::your-bucket-name/report.csv',
      expected: 'allowed',
      actual: 'allowed',
      pass: true,
      decidedBy: ['dev-team-s3#AllowS3BucketAccessWithMFA'],
      missingContext: [],
      assumptions: [],
    });
    expect(Object.keys(first!)).toEqual([
      'file', 'suite', 'case', 'principal', 'action', 'resource', 'expected', 'actual', 'pass', 'decidedBy', 'missingContext', 'assumptions',
    ]);
    expect(second!.case).toBe('without MFA, only MFA self-service [s3:GetObject @ *]');
    expect(second!.actual).toBe('explicitDeny');
    expect(second!.decidedBy).toEqual(['mfa-enforcement#BlockMostAccessUnlessSignedInWithMFA']);
    expect(report.details.size).toBe(0);
  });

  it('`denied` accepts either deny; a mismatch fails with a reason and an explanation', () => {
    const suite = mfaSuite({
      cases: [
        { name: 'implicit', principal: 'john', action: 'ec2:RunInstances', resource: '*', expect: 'denied' },
        { name: 'explicit', principal: 'john', action: 'ec2:RunInstances', resource: '*', context: { 'aws:MultiFactorAuthPresent': bool(false) }, expect: 'denied' },
        { name: 'wrong', principal: 'john', action: 'ec2:RunInstances', resource: '*', expect: 'allowed' },
        { name: 'wrong deny', principal: 'john', action: 'ec2:RunInstances', resource: '*', expect: 'explicitDeny' },
      ],
    });
    const report = run([suite]);
    expect(report.results.map((r) => [r.case, r.actual, r.pass])).toEqual([
      ['implicit', 'implicitDeny', true],
      ['explicit', 'explicitDeny', true],
      ['wrong', 'implicitDeny', false],
      ['wrong deny', 'implicitDeny', false],
    ]);
    expect(report.summary).toMatchObject({ passed: 2, failed: 2 });
    const wrong = report.results[2]!;
    expect(wrong.reason).toBe('expected allowed, got implicitDeny: no identity policy allows the request');
    const detail = report.details.get(wrong)!;
    expect(detail.defined).toEqual(suite.cases[2]!.defined);
    expect(detail.explanation!.decision).toBe('implicitDeny');
    expect(report.results[0]!.reason).toBeUndefined();
  });

  it('decidedBy: contains every listed statement, by Sid or by index', () => {
    const suite = mfaSuite({
      cases: [
        { name: 'by sid', principal: 'john', action: 'ec2:RunInstances', resource: '*', context: { 'aws:MultiFactorAuthPresent': bool(false) }, expect: 'explicitDeny', decidedBy: ['mfa-enforcement#BlockMostAccessUnlessSignedInWithMFA'] },
        { name: 'by index', principal: 'john', action: 'ec2:RunInstances', resource: '*', context: { 'aws:MultiFactorAuthPresent': bool(false) }, expect: 'explicitDeny', decidedBy: ['mfa-enforcement#2'] },
        { name: 'wrong statement', principal: 'john', action: 'ec2:RunInstances', resource: '*', context: { 'aws:MultiFactorAuthPresent': bool(false) }, expect: 'explicitDeny', decidedBy: ['mfa-enforcement#0'] },
        { name: 'typo', principal: 'john', action: 'ec2:RunInstances', resource: '*', context: { 'aws:MultiFactorAuthPresent': bool(false) }, expect: 'explicitDeny', decidedBy: ['mfa-enforcment#BlockMostAccessUnlessSignedInWithMFA'] },
      ],
    });
    const report = run([suite]);
    expect(report.results.map((r) => r.pass)).toEqual([true, true, false, false]);
    expect(report.results[2]!.reason).toBe(
      'decided explicitDeny as expected, but not by mfa-enforcement#0: the deciding statements are mfa-enforcement#BlockMostAccessUnlessSignedInWithMFA',
    );
    expect(report.results[3]!.reason).toContain('no such statement in the suite: mfa-enforcment#BlockMostAccessUnlessSignedInWithMFA');
  });

  it('missingDecidedBy: a numeric Sid matches by Sid; an index needs its canonical form', () => {
    const ref = { policy: 'p', policyType: 'identity' as const, index: 2, sid: '5', effect: 'Allow' as const, span: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } } };
    expect(missingDecidedBy(['p#5', 'p#2'], [ref])).toEqual([]);
    expect(missingDecidedBy(['p#02', 'p#'], [ref])).toEqual(['p#02', 'p#']);
  });

  it('missingDecidedBy matches policy#Sid and policy#N', () => {
    const ref = { policy: 'p', policyType: 'identity' as const, index: 3, sid: 'S', effect: 'Allow' as const, span: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } } };
    expect(missingDecidedBy(['p#S', 'p#3'], [ref])).toEqual([]);
    expect(missingDecidedBy(['p#4', 'q#S', 'p#s'], [ref])).toEqual(['p#4', 'q#S', 'p#s']);
  });

  it('reports missing context keys, as the traced explanation does', () => {
    const suite = mfaSuite();
    const report = run([suite]);
    const noKeys = report.results.find((r) => r.case.startsWith('long-term'))!;
    expect(noKeys.missingContext).toEqual(['aws:MultiFactorAuthPresent']);
    // The fast path (skip the explanation when every key is present) agrees with explain().
    const r = resolverFor(suite);
    for (const c of suite.cases) {
      const { request, set } = r.resolve(c);
      const got = report.results.find((x) => x.case === c.name)!.missingContext;
      expect(got).toEqual(evaluate(request, set).explanation.missingContext);
    }
  });

  it('reports the keys of a statement naming the exact action (not only wildcard ones)', () => {
    const tls = { Version: '2012-10-17', Statement: [{ Sid: 'Tls', Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'true' } } }] };
    const suite = buildSuite({
      policies: { tls },
      principals: { u: { arn: 'arn:aws:iam::123456789012:user/u', policies: ['tls'] } },
      cases: [{ name: 'no transport key', principal: 'u', action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'implicitDeny' }],
    });
    expect(run([suite]).results[0]!.missingContext).toEqual(['aws:SecureTransport']);
  });

  it('names files relative to cwd and principals by ARN', () => {
    const report = runSuites([mfaSuite()], { cwd: '/work' });
    expect(report.results[0]!.file).toBe('project/scenarios/test.yaml');
    const anon = run([mfaSuite({ cases: [{ name: 'anon', principal: 'anyone', action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'implicitDeny' }] })]);
    expect(anon.results[0]).toMatchObject({ principal: 'anonymous', actual: 'implicitDeny', pass: true });
  });

  it('reports progress, ending with done = total', () => {
    const calls: [number, number][] = [];
    run([mfaSuite()], { onProgress: (d, t) => calls.push([d, t]) });
    expect(calls.at(-1)).toEqual([4, 4]);
  });
});

describe('selection: --filter and --shard', () => {
  const suites = () => [
    mfaSuite(),
    buildSuite({
      name: 'Admins',
      file: '/work/project/scenarios/admins.yaml',
      policies: { admin: allowAll() },
      principals: { alice: { arn: `arn:aws:iam::${ACCOUNT}:user/alice`, policies: ['admin'] } },
      cases: [
        { name: 'admin does anything', principal: 'alice', action: ['s3:GetObject', 'iam:CreateUser', 'ec2:RunInstances'], resource: ['*', 'arn:aws:s3:::b/k'], expect: 'allowed' },
      ],
    }),
  ];

  it('filters by suite, case, or "suite › case", case-insensitively', () => {
    const names = (filter: string) => run(suites(), { filter }).results.map((r) => `${r.suite} › ${r.case}`);
    expect(names('admins')).toHaveLength(6);
    expect(names('LONG-TERM')).toEqual(['All-Staff MFA enforcement › long-term access keys carry no MFA key at all']);
    expect(names('all-staff mfa enforcement › with mfa')).toEqual(['All-Staff MFA enforcement › with MFA, Dev-Team reads the bucket']);
    expect(names('Admins > admin does anything [iam:CreateUser')).toHaveLength(2);
    expect(run(suites(), { filter: 'admins' }).summary.suites).toBe(1);
  });

  it('a filter matching nothing is a usage error', () => {
    expect(() => run(suites(), { filter: 'no such thing' })).toThrow(UsageError);
  });

  it('shards cover every case exactly once, for any n', () => {
    const all = run(suites()).results.map((r) => `${r.suite} › ${r.case}`);
    expect(all).toHaveLength(10);
    for (let n = 1; n <= 12; n++) {
      const seen: string[] = [];
      for (let i = 1; i <= n; i++) {
        const part = run(suites(), { shard: { index: i, count: n } }).results.map((r) => `${r.suite} › ${r.case}`);
        if (n <= 10) expect(part.length).toBeGreaterThan(0);
        seen.push(...part);
      }
      expect(seen.sort()).toEqual([...all].sort());
    }
    // Deterministic: the same shard twice is the same cases.
    const a = run(suites(), { shard: { index: 2, count: 3 } }).results.map((r) => r.case);
    const b = run(suites(), { shard: { index: 2, count: 3 } }).results.map((r) => r.case);
    expect(a).toEqual(b);
  });

  it('shards compose with a filter', () => {
    const filtered = run(suites(), { filter: 'admin' }).results.length;
    const parts = [1, 2].map((i) => run(suites(), { filter: 'admin', shard: { index: i, count: 2 } }).results.length);
    expect(parts[0]! + parts[1]!).toBe(filtered);
  });

  it('validates i/n', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/3', '4/3', '1/0', 'a/b', '2', '-1/2', '1.5/2']) expect(() => parseShard(bad), bad).toThrow(UsageError);
    expect(() => selectSuites(suites(), { shard: { index: 3, count: 2 } })).toThrow(UsageError);
  });
});

describe('resolution: resources, owners, organizations', () => {
  const alice = { arn: `arn:aws:iam::${ACCOUNT}:user/alice`, policies: ['s3-read'] };
  const s3Read = { Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
  const denyAll = (sid: string) => ({
    Version: '2012-10-17',
    Statement: [{ Sid: sid, Effect: 'Deny', Principal: '*', Action: 's3:GetObject', Resource: '*' }],
  });

  it('exact entry first, then the unique matching pattern, then the bucket of an object', () => {
    const suite = buildSuite({
      policies: { 's3-read': s3Read, exact: denyAll('Exact'), pattern: denyAll('Pattern'), bucket: denyAll('Bucket') },
      principals: { alice },
      resources: [
        { arn: 'arn:aws:s3:::logs/*', policy: 'pattern' },
        { arn: 'arn:aws:s3:::logs/special.txt', policy: 'exact' },
        { arn: 'arn:aws:s3:::data', policy: 'bucket' },
      ],
      cases: [
        { name: 'exact', principal: 'alice', action: 's3:GetObject', resource: 'arn:aws:s3:::logs/special.txt', expect: 'explicitDeny', decidedBy: ['exact#Exact'] },
        { name: 'pattern', principal: 'alice', action: 's3:GetObject', resource: 'arn:aws:s3:::logs/other.txt', expect: 'explicitDeny', decidedBy: ['pattern#Pattern'] },
        { name: 'bucket', principal: 'alice', action: 's3:GetObject', resource: 'arn:aws:s3:::data/x/y.csv', expect: 'explicitDeny', decidedBy: ['bucket#Bucket'] },
        { name: 'none', principal: 'alice', action: 's3:GetObject', resource: 'arn:aws:s3:::elsewhere/k', expect: 'allowed' },
      ],
    });
    const report = run([suite]);
    expect(report.results.map((r) => [r.case, r.pass])).toEqual([
      ['exact', true],
      ['pattern', true],
      ['bucket', true],
      ['none', true],
    ]);
  });

  it('two patterns matching one resource is a SuiteError naming both', () => {
    const suite = buildSuite({
      policies: { 's3-read': s3Read, a: denyAll('A'), b: denyAll('B') },
      principals: { alice },
      resources: [
        { arn: 'arn:aws:s3:::logs/*', policy: 'a' },
        { arn: 'arn:aws:s3:::*/x.txt', policy: 'b' },
      ],
      cases: [{ name: 'ambiguous', principal: 'alice', action: 's3:GetObject', resource: 'arn:aws:s3:::logs/x.txt', expect: 'denied' }],
    });
    let err: unknown;
    try {
      run([suite]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SuiteError);
    const e = err as SuiteError;
    expect(e.message).toContain('arn:aws:s3:::logs/*');
    expect(e.message).toContain('arn:aws:s3:::*/x.txt');
    expect(e.where).toEqual(suite.cases[0]!.defined);
    expect(e.details).toHaveLength(2);
  });

  it('owner makes a request cross-account: both sides must allow', () => {
    const bucketPolicy = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'TrustAccount', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared/*' }],
    };
    const suite = buildSuite({
      policies: { 's3-read': s3Read, 'bucket-policy': bucketPolicy },
      principals: { alice, bob: { arn: `arn:aws:iam::${ACCOUNT}:user/bob` } },
      resources: [
        { arn: 'arn:aws:s3:::shared', owner: OTHER, policy: 'bucket-policy' },
        { arn: 'arn:aws:s3:::private', owner: OTHER },
      ],
      cases: [
        { name: 'both allow', principal: 'alice', action: 's3:GetObject', resource: 'arn:aws:s3:::shared/k', expect: 'allowed', decidedBy: ['s3-read#Read', 'bucket-policy#TrustAccount'] },
        { name: 'no identity allow', principal: 'bob', action: 's3:GetObject', resource: 'arn:aws:s3:::shared/k', expect: 'implicitDeny' },
        { name: 'no bucket policy', principal: 'alice', action: 's3:GetObject', resource: 'arn:aws:s3:::private/k', expect: 'implicitDeny' },
      ],
    });
    const report = run([suite]);
    expect(report.results.map((r) => [r.case, r.actual, r.pass])).toEqual([
      ['both allow', 'allowed', true],
      ['no identity allow', 'implicitDeny', true],
      ['no bucket policy', 'implicitDeny', true],
    ]);
    const { request } = caseRequest(suite, suite.cases[2]!);
    expect(request.resourceAccount).toBe(OTHER);
  });

  it('resource tags and principal tags reach the context', () => {
    const tagged = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'SameTeam',
          Effect: 'Allow',
          Action: 'ec2:StartInstances',
          Resource: '*',
          Condition: { StringEquals: { 'aws:ResourceTag/team': '${aws:PrincipalTag/team}' } },
        },
      ],
    };
    const suite = buildSuite({
      policies: { tagged },
      principals: { dev: { arn: `arn:aws:iam::${ACCOUNT}:user/dev`, policies: ['tagged'], tags: { team: 'dev' } } },
      resources: [
        { arn: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-dev*`, tags: { team: 'dev' } },
        { arn: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-ops*`, tags: { team: 'ops' } },
      ],
      cases: [
        { name: 'own team', principal: 'dev', action: 'ec2:StartInstances', resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-dev1`, expect: 'allowed' },
        { name: 'other team', principal: 'dev', action: 'ec2:StartInstances', resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-ops1`, expect: 'implicitDeny' },
      ],
    });
    expect(run([suite]).results.map((r) => r.pass)).toEqual([true, true]);
  });

  it('a role ARN resource compiles its policy as a trust policy', () => {
    const trust = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'Alice', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:user/alice` }, Action: 'sts:AssumeRole' }],
    };
    const suite = buildSuite({
      policies: { 's3-read': s3Read, trust, assume: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] } },
      principals: { alice: { arn: `arn:aws:iam::${ACCOUNT}:user/alice`, policies: ['assume'] }, bob: { arn: `arn:aws:iam::${ACCOUNT}:user/bob`, policies: ['assume'] } },
      resources: [{ arn: `arn:aws:iam::${ACCOUNT}:role/deployer`, policy: 'trust' }],
      cases: [
        { name: 'trusted', principal: 'alice', action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCOUNT}:role/deployer`, expect: 'allowed' },
        { name: 'not trusted', principal: 'bob', action: 'sts:AssumeRole', resource: `arn:aws:iam::${ACCOUNT}:role/deployer`, expect: 'implicitDeny' },
      ],
    });
    const report = run([suite]);
    expect(report.results.map((r) => [r.case, r.actual])).toEqual([
      ['trusted', 'allowed'],
      ['not trusted', 'implicitDeny'],
    ]);
    const { set } = caseRequest(suite, suite.cases[0]!);
    expect(set.policies.find((p) => p.type === 'resource')!.policy.type).toBe('trust');
  });

  it('organization levels: every SCP level must allow; the management account is exempt', () => {
    const scpDenyEc2 = { Version: '2012-10-17', Statement: [{ Sid: 'NoEc2', Effect: 'Deny', Action: 'ec2:*', Resource: '*' }] };
    const scpS3Only = { Version: '2012-10-17', Statement: [{ Sid: 'S3Only', Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
    const suite = buildSuite({
      policies: { admin: allowAll(), full: allowAll('FullAWSAccess'), 'deny-ec2': scpDenyEc2, 's3-only': scpS3Only },
      principals: {
        member: { arn: `arn:aws:iam::${ACCOUNT}:user/m`, policies: ['admin'] },
        manager: { arn: `arn:aws:iam::${OTHER}:user/boss`, policies: ['admin'] },
      },
      organization: { scps: [['full', 'deny-ec2'], ['s3-only']], managementAccount: OTHER },
      cases: [
        { name: 's3 allowed at both levels', principal: 'member', action: 's3:GetObject', resource: '*', expect: 'allowed' },
        { name: 'ec2 denied at root', principal: 'member', action: 'ec2:RunInstances', resource: '*', expect: 'explicitDeny', decidedBy: ['deny-ec2#NoEc2'] },
        { name: 'iam not allowed at level 1', principal: 'member', action: 'iam:CreateUser', resource: '*', expect: 'implicitDeny' },
        { name: 'management account exempt', principal: 'manager', action: 'ec2:RunInstances', resource: '*', expect: 'allowed' },
      ],
    });
    const report = run([suite]);
    expect(report.results.map((r) => [r.case, r.actual, r.pass])).toEqual([
      ['s3 allowed at both levels', 'allowed', true],
      ['ec2 denied at root', 'explicitDeny', true],
      ['iam not allowed at level 1', 'implicitDeny', true],
      ['management account exempt', 'allowed', true],
    ]);
  });

  it('builds one policy set per principal and resource entry', () => {
    const suite = mfaSuite();
    const sets = new Set(suite.cases.map((c) => caseRequest(suite, c).set));
    expect(sets.size).toBe(1);
    const other = caseRequest(suite, { principal: 'anyone', action: 's3:GetObject', resource: '*', context: {} }).set;
    expect(sets.has(other)).toBe(false);
  });

  it('an unknown principal or an invalid policy is a SuiteError', () => {
    const suite = mfaSuite();
    expect(() => caseRequest(suite, { principal: 'nobody', action: 's3:GetObject', resource: '*', context: {} })).toThrow(SuiteError);
    const bad = buildSuite({
      policies: { broken: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject' }] } },
      principals: { a: { arn: `arn:aws:iam::${ACCOUNT}:user/a`, policies: ['broken'] } },
      cases: [{ name: 'x', principal: 'a', action: 's3:GetObject', resource: '*', expect: 'allowed' }],
    });
    expect(() => run([bad])).toThrow(SuiteError);
  });
});

describe('properties', () => {
  const withProperty = () =>
    mfaSuite({
      properties: [
        {
          name: 'without MFA nothing is allowed',
          principal: 'john',
          context: { 'aws:MultiFactorAuthPresent': bool(false) },
          forAll: { action: { service: '*', except: [] }, resource: 'any' },
          expect: 'denied',
          runs: 10,
        },
      ],
    });

  it('without a checker, properties are skipped (never passed)', () => {
    const report = run([withProperty()]);
    const p = report.results.at(-1)!;
    expect(p).toMatchObject({ property: true, pass: false, actual: null });
    expect(p.skipped).toMatch(/not available/);
    expect(report.summary).toMatchObject({ passed: 4, failed: 0, skipped: 1 });
  });

  it('calls the checker per property; --no-properties leaves them out', () => {
    const seen: string[] = [];
    const check: CheckProperty = (suite, spec) => {
      seen.push(spec.name);
      return {
        file: 'scenarios/test.yaml', suite: suite.name, case: spec.name, principal: 'x', action: '*', resource: '*',
        expected: spec.expect, actual: 'explicitDeny', pass: true, decidedBy: [], missingContext: [],
      };
    };
    const report = run([withProperty()], { checkProperty: check });
    expect(seen).toEqual(['without MFA nothing is allowed']);
    expect(report.results.at(-1)!.property).toBe(true);
    expect(report.summary).toMatchObject({ passed: 5, skipped: 0 });
    expect(run([withProperty()], { properties: false, checkProperty: check }).results).toHaveLength(4);
    expect(run([withProperty()], { filter: 'nothing is allowed', checkProperty: check }).results).toHaveLength(1);
  });
});

describe('missing context is cheap but exact', () => {
  it('agrees with explain() over a context matrix', () => {
    const suite = mfaSuite({
      cases: [true, false, null].flatMap((mfa) =>
        [600, null].map((age) => ({
          name: `mfa=${mfa} age=${age}`,
          principal: 'john',
          action: ['s3:GetObject', 'iam:ListMFADevices', 'iam:EnableMFADevice'],
          resource: ['arn:aws:s3:::your-bucket-name/k', `arn:aws:iam::${ACCOUNT}:user/john.doe`],
          context: { 'aws:MultiFactorAuthPresent': mfa === null ? null : bool(mfa), 'aws:MultiFactorAuthAge': age === null ? null : num(age) },
          expect: 'denied' as const,
        })),
      ),
    });
    const report = run([suite]);
    const r = resolverFor(suite);
    suite.cases.forEach((c, i) => {
      const { request, set } = r.resolve(c);
      expect(report.results[i]!.missingContext, c.name).toEqual(evaluate(request, set).explanation.missingContext);
    });
  });
});
