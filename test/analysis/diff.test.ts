// `iamspec diff` (src/analysis/diff.ts, enumerate.ts, versions.ts): the access a change adds and
// removes, over the cases and the catalog enumeration, with example cases that pin it.

import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decideProbe, diffSuite, diffVersions, differences, type ExampleCase } from '../../src/analysis/diff.ts';
import { openVersion, versionSuites } from '../../src/analysis/versions.ts';
import { contextValueFromYaml } from '../../src/scenario/context.ts';
import type { Suite } from '../../src/scenario/model.ts';
import { runMain } from '../cli/in-process.ts';
import { ACCOUNT, PASSING, project } from '../cli/project.ts';

const repo = resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'iamspec-diff-test-'));
  dirs.push(d);
  return d;
}

/** The example case decided in a suite, as pasting it under `cases:` would. */
function decideExample(suite: Suite, c: ExampleCase) {
  const context = { ...suite.context };
  for (const [k, v] of Object.entries(c.context ?? {})) context[k] = contextValueFromYaml(k, v);
  return decideProbe(suite, { principal: c.principal, action: c.action, resource: c.resource, context, overrides: {}, actions: [c.action] }).decision;
}

describe('the seed blog policy against a corrected version', () => {
  // The correction follows AWS's own example policy "Allows MFA-authenticated IAM users to manage
  // their own credentials" (IAM User Guide, reference_policies_examples_aws_my-sec-creds-self-manage):
  // its Deny applies to Resource "*" with BoolIfExists aws:MultiFactorAuthPresent false, and
  // AllowViewAccountInfo names Resource "*". The seed suite's comments name the flaws it fixes.
  const head = tmp();
  cpSync(join(repo, 'scenarios'), join(head, 'scenarios'), { recursive: true });
  cpSync(join(repo, 'policies'), join(head, 'policies'), { recursive: true });
  cpSync(join(repo, 'test/fixtures/diff/force-mfa-corrected.json'), join(head, 'policies/mfa-blog/force-mfa.json'));
  const base = openVersion(undefined, repo);
  const corrected = openVersion(head, repo);
  const path = ['scenarios/mfa-blog-policy.yaml'];
  const report = diffVersions(base, corrected, path);
  const suite = report.suites[0]!;
  const baseSuite = versionSuites(base, path).get(path[0]!)!;
  const headSuite = versionSuites(corrected, path).get(path[0]!)!;

  it('lists the access the correction removes, by principal and the Deny that now applies', () => {
    const removed = suite.changes.filter((c) => c.change === 'removed');
    expect(removed.map((c) => [c.principal, c.cause, c.statements.map((s) => s.ref)])).toEqual([
      ['dev', 'denied', ['force-mfa#BlockMostAccessUnlessSignedInWithMFA']],
    ]);
    const r = removed[0]!;
    // S3 through the other group policy without MFA, and the own-credential actions the Deny missed
    expect(r.actions).toEqual(expect.arrayContaining(['s3:GetObject', 's3:ListAllMyBuckets', 'iam:CreateAccessKey', 'iam:DeactivateMFADevice']));
    expect(r.statements[0]).toMatchObject({ file: 'policies/mfa-blog/force-mfa.json', line: 104 });
    expect(report.summary.removed).toBe(r.requests);
    // the principal whose policies did not change is not enumerated at all
    expect(suite.stats.unchanged).toEqual(['pasted']);
  });

  it('lists the access it adds: the account views AllowViewAccountInfo never granted before (spec §3.1)', () => {
    const added = suite.changes.filter((c) => c.change === 'added');
    expect(added.map((c) => c.principal).sort()).toEqual(['dev', 'role-session']);
    for (const c of added) {
      expect(c.statements.map((s) => s.ref)).toEqual(['force-mfa#AllowViewAccountInfo']);
      expect(c.actions).toEqual(['iam:GetAccountPasswordPolicy', 'iam:GetAccountSummary', 'iam:ListVirtualMFADevices']);
      expect(c.resources).toEqual(['*']);
    }
  });

  it('finds the long-term access key hole among the enumerated requests (MFA key absent, Bool → BoolIfExists)', () => {
    const hits = [...differences(baseSuite, headSuite)].filter(
      (d) =>
        d.probe.principal === 'dev' &&
        d.probe.actions.includes('iam:CreateAccessKey') &&
        d.probe.resource === `arn:aws:iam::${ACCOUNT}:user/jane.dev` &&
        d.probe.context['aws:MultiFactorAuthPresent'] === null,
    );
    expect(hits.length).toBeGreaterThan(0);
    for (const d of hits) expect([d.base.decision, d.head.decision]).toEqual(['allowed', 'explicitDeny']);
  });

  it('every example, pasted as a case, decides as HEAD says and differently from BASE', () => {
    expect(suite.changes.length).toBe(3);
    for (const c of suite.changes) {
      expect(decideExample(headSuite, c.example), c.example.name).toBe(c.example.expect);
      expect(decideExample(baseSuite, c.example), c.example.name).toBe(c.base);
      expect(c.base === 'allowed').not.toBe(c.example.expect === 'allowed');
    }
  });
});

describe('versions and the command', () => {
  /** A git repository holding PASSING, committed; the working tree then widens s3.json. */
  function repoWithChange(): string {
    const dir = project({ passing: PASSING });
    dirs.push(dir);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' } });
    git('init', '-q');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'base');
    writeFileSync(
      join(dir, 'policies/s3.json'),
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::team/*' }] }, null, 2),
    );
    return dir;
  }

  it('a git ref against the working tree: markdown for the PR comment, --fail-on added exits 1', async () => {
    const dir = repoWithChange();
    const r = await runMain(['diff', 'HEAD', '--fail-on', 'added'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe('<!-- iamspec-diff -->');
    expect(r.stdout).toMatch(/### iamspec diff: `HEAD \([0-9a-f]{12}\)` → `working tree`/);
    expect(r.stdout).toContain('**➕ added** for **john** — granted by `s3#Read` (policies/s3.json:');
    expect(r.stdout).toContain('action: s3:PutObject');
    expect((await runMain(['diff', 'HEAD', '--fail-on', 'removed'], dir)).code).toBe(0);
    expect((await runMain(['diff', 'HEAD'], dir)).code).toBe(0);
  });

  it('--format json is the DiffReport', async () => {
    const dir = repoWithChange();
    const r = await runMain(['diff', 'HEAD', '--format', 'json'], dir);
    const json = JSON.parse(r.stdout);
    expect(json.summary).toMatchObject({ suites: 1, changed: 1, removed: 0 });
    expect(json.summary.added).toBeGreaterThan(0);
    const change = json.suites[0].changes[0];
    expect(change).toMatchObject({ change: 'added', principal: 'john', cause: 'granted', base: 'implicitDeny', head: 'allowed' });
    expect(change.actions).toContain('s3:PutObject');
    expect(change.example).toMatchObject({ principal: 'john', action: 's3:PutObject', expect: 'allowed' });
    // the case's object and the one filled in for the policy's arn:aws:s3:::team/*
    expect(change.resources).toEqual(['arn:aws:s3:::team/a.csv', 'arn:aws:s3:::team/example']);
  });

  it('no change: says so and exits 0 even with --fail-on any', async () => {
    const dir = repoWithChange();
    const r = await runMain(['diff', 'HEAD', '.', '--fail-on', 'any'], dir);
    expect(r.code).toBe(1);
    const same = await runMain(['diff', '.', '.', '--fail-on', 'any'], dir);
    expect(same.code).toBe(0);
    expect(same.stdout).toMatch(/No access added or removed \([\d,]+ requests compared in 1 suite\)/);
  });

  it('an unknown ref or a missing BASE is a usage error (exit 2), never a stack trace', async () => {
    const dir = repoWithChange();
    const r = await runMain(['diff', 'no-such-branch'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no-such-branch is neither a folder nor a git commit, branch or tag');
    expect((await runMain(['diff'], dir)).code).toBe(2);
    expect((await runMain(['diff', '.', '--fail-on', 'sometimes'], dir)).stderr).toContain('--fail-on must be one of added, removed, any');
  });

  it('a suite only HEAD has: everything it allows is added', () => {
    const before = tmp();
    const after = project({ passing: PASSING });
    dirs.push(after);
    const r = diffVersions(openVersion(before, before), openVersion(after, after), ['scenarios']);
    expect(r.suites.map((s) => s.file)).toEqual(['scenarios/passing.yaml']);
    expect(r.summary.removed).toBe(0);
    const added = r.suites[0]!.changes;
    expect(added.every((c) => c.change === 'added' && c.principal === 'john')).toBe(true);
    // s3#Read's grant, and what needs no permission (spec §1.9)
    expect(added.map((c) => [c.statements.map((s) => s.ref), c.actions])).toEqual([
      [[], ['sts:GetCallerIdentity', 'sts:GetSessionToken']],
      [['s3#Read'], ['s3:GetObject']],
    ]);
  });

  it('an identity policy change is not enumerated for principals that do not reach it', () => {
    const suite = (policy: string) => `suite: Two principals
policies:
  s3: ../policies/s3.json
  other: ${policy}
principals:
  john: {arn: "arn:aws:iam::${ACCOUNT}:user/john", policies: [s3]}
  jane: {arn: "arn:aws:iam::${ACCOUNT}:user/jane", policies: [other]}
cases:
  - {name: reads, principal: john, action: s3:GetObject, resource: "arn:aws:s3:::team/a", expect: allowed}
`;
    const grant = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
    const a = project({ two: suite(grant('sqs:ListQueues')) });
    const b = project({ two: suite(grant('sqs:ListQueueTags')) });
    dirs.push(a, b);
    const r = diffSuite('two', { suite: versionSuites(openVersion(a, a), ['scenarios']).get('scenarios/two.yaml')!, root: a }, {
      suite: versionSuites(openVersion(b, b), ['scenarios']).get('scenarios/two.yaml')!,
      root: b,
    });
    expect(r.stats.unchanged).toEqual(['john']);
    expect(r.changes.map((c) => [c.change, c.principal, c.actions])).toEqual([
      ['added', 'jane', ['sqs:ListQueueTags']],
      ['removed', 'jane', ['sqs:ListQueues']],
    ]);
  });
});
