// The verification gate: a policy or group is deployed only when a case exercises it and every case
// involving it passes; the escape hatch is loud and recorded in the stack.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CaseResult, Report } from '../../src/scenario/report.ts';
import { GateError, involvedKeys, parseAllowList, runGate, unverifiedBanner } from '../../stacks/gate.ts';
import { synthesize, type TerraformJson } from '../../stacks/main.ts';
import { buildDeployModel } from '../../stacks/model.ts';
import { UNVERIFIED_TAG } from '../../stacks/stack.ts';
import { ACCOUNT, buildFixture, deploySuite, deploySuiteSpec, FULL_ACCESS } from './fixture.ts';
import { tempDir } from './helpers.ts';

const root = '/work/project';
const tmp = tempDir('gate');
afterAll(() => tmp.remove());
let n = 0;

/** Synthesizes into a fresh output dir, collecting what is printed. */
async function synth(suites = [deploySuite()], extra: { allowUnverified?: string[]; outdir?: string } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const outdir = extra.outdir ?? join(tmp.dir, `out${n++}`);
  const run = synthesize({
    suites,
    root,
    outdir,
    log: (l) => out.push(l),
    warn: (l) => err.push(l),
    ...(extra.allowUnverified ? { allowUnverified: extra.allowUnverified } : {}),
  });
  return { run, out, err, outdir };
}

async function refusal(p: Promise<unknown>): Promise<GateError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GateError) return e;
    throw e;
  }
  throw new Error('expected the gate to refuse');
}

function withUnusedGroup() {
  return buildFixture({
    ...deploySuiteSpec(),
    policies: { ...deploySuiteSpec().policies, 'unused-policy': FULL_ACCESS },
    groups: { ...deploySuiteSpec().groups, 'Unused-Group': ['unused-policy'] },
  });
}

describe('the gate in synthesis (cases run by src/scenario/runner.ts)', () => {
  it('passes the fixture: every policy and group exercised, every case passing', async () => {
    const { run, out } = await synth();
    const r = await run;
    expect(r.gate.ok).toBe(true);
    expect(r.gate.entries.map((e) => [e.key, e.status])).toEqual([
      ['policy:AdministratorAccess', 'verified'],
      ['policy:dev-boundary', 'verified'],
      ['policy:dev-team-s3', 'verified'],
      ['policy:mfa-enforcement', 'verified'],
      ['group:Admins', 'verified'],
      ['group:All-Staff', 'verified'],
      ['group:Dev-Team', 'verified'],
    ]);
    expect(r.report.summary).toMatchObject({ failed: 0, errors: 0 });
    expect(out[0]!.split('\n')[0]).toBe('iamspec gate: 8/8 cases passed; 7/7 deployable policies and groups verified');
  });

  it('reports per deployed item the cases that prove it, in the output and in iamspec-gate.json beside the stack', async () => {
    const { run, out } = await synth();
    const r = await run;
    const text = out[0]!;
    expect(text).toContain(
      '      policy mfa-enforcement: 3 cases, e.g. "without MFA everything but MFA self-service is denied [s3:GetObject @ *]" (explicitDeny by mfa-enforcement#BlockMostAccessUnlessSignedInWithMFA)',
    );
    // the boundary's Allow is among the deciding statements of every allowed case of john's
    expect(text).toContain('      policy dev-boundary: 4 cases, e.g. "with MFA, john writes his own prefix" (allowed by dev-boundary#Ceiling)');
    const report = JSON.parse(readFileSync(join(r.stackDir, 'iamspec-gate.json'), 'utf8'));
    expect(report.ok).toBe(true);
    const boundary = report.items.find((i: { key: string }) => i.key === 'policy:dev-boundary');
    expect(boundary.status).toBe('verified');
    expect(boundary.proofs.map((p: { case: string }) => p.case)).toEqual([
      'with MFA, john writes his own prefix',
      'with MFA, john reads his team prefix',
      'the odd prefix "a+b c" is listed',
      'without MFA john still enables his MFA device',
    ]);
    expect(boundary.proofs[0]).toMatchObject({ suite: 'Deploy fixture: MFA and team prefixes', file: 'scenarios/deploy-fixture.yaml', decision: 'allowed', by: 'decidedBy', statements: ['dev-boundary#Ceiling'] });
  });

  it('refuses when a case fails, naming suite › case and where it is written, and removes an older cdk.tf.json', async () => {
    const ok = await synth();
    const good = await ok.run;
    expect(existsSync(good.file)).toBe(true);
    const spec = deploySuiteSpec();
    spec.cases = spec.cases.map((c) => (c.name === 'the boundary caps the groups' ? { ...c, expect: 'allowed' as const } : c));
    const bad = await synth([buildFixture(spec)], { outdir: ok.outdir });
    const e = await refusal(bad.run);
    expect(e.message).toMatch(/SYNTHESIS REFUSED/);
    expect(e.message).toMatch(/Deploy fixture: MFA and team prefixes › the boundary caps the groups {2}\(scenarios\/deploy-fixture\.yaml:\d+:3\)/);
    expect(e.message).toMatch(/expected allowed, got implicitDeny/);
    expect(e.message).toMatch(/policy dev-boundary: 1 failing or missing case\(s\)/);
    expect(e.result.blocking.map((c) => c.case)).toEqual(['the boundary caps the groups']);
    expect(existsSync(good.file)).toBe(false);
    expect(bad.err.join('\n')).toMatch(/removed .*cdk\.tf\.json: the current suites do not verify it/);
  });

  it('refuses an unexercised policy and group, naming them', async () => {
    const e = await refusal((await synth([withUnusedGroup()])).run);
    expect(e.message).toMatch(/policy unused-policy: unexercised/);
    expect(e.message).toMatch(/group Unused-Group: unexercised/);
    expect(e.result.entries.filter((x) => x.status === 'unexercised').map((x) => x.key)).toEqual(['policy:unused-policy', 'group:Unused-Group']);
  });

  it('refuses a failing case that involves nothing the stack deploys', async () => {
    const spec = deploySuiteSpec();
    spec.principals = { ...spec.principals, anyone: { arn: 'anonymous' } };
    spec.cases = [...spec.cases, { name: 'anonymous reads', principal: 'anyone', action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', expect: 'allowed' }];
    const e = await refusal((await synth([buildFixture(spec)])).run);
    expect(e.message).toMatch(/anonymous reads/);
    expect(e.message).toMatch(/involves: nothing the stack deploys/);
  });

  it('escape hatch: deploys the named unverified things, warns loudly, tags them and lists them in an output', async () => {
    const s = await synth([withUnusedGroup()], { allowUnverified: ['unused-policy', 'Unused-Group'] });
    const r = await s.run;
    expect(s.err.join('\n')).toMatch(/WARNING: IAMSPEC_ALLOW_UNVERIFIED is set/);
    expect(s.err.join('\n')).toMatch(/policy unused-policy \(unexercised\)/);
    const cfg = JSON.parse(readFileSync(r.file, 'utf8')) as TerraformJson;
    const policies = cfg.resource!.aws_iam_policy!;
    expect((policies['policy_unused-policy'] as { tags: Record<string, string> }).tags[UNVERIFIED_TAG]).toBe('true');
    expect((policies['policy_dev-team-s3'] as { tags: Record<string, string> }).tags[UNVERIFIED_TAG]).toBeUndefined();
    expect((cfg.resource!.aws_iam_group!['group_Unused-Group'] as { path: string }).path).toBe('/iamspec/unverified/');
    expect((cfg.resource!.aws_iam_group!['group_Dev-Team'] as { path: string }).path).toBe('/iamspec/');
    expect(cfg.output!.iamspec_unverified!.value).toEqual(['policy:unused-policy', 'group:Unused-Group']);
    // on every synthesis, not once
    const again = await synth([withUnusedGroup()], { allowUnverified: ['unused-policy', 'Unused-Group'] });
    await again.run;
    expect(again.err.join('\n')).toMatch(/WARNING/);
  });

  it('escape hatch: naming only part of what a failing case involves does not open the gate', async () => {
    const spec = deploySuiteSpec();
    spec.cases = spec.cases.map((c) => (c.name === 'the boundary caps the groups' ? { ...c, expect: 'allowed' as const } : c));
    const e = await refusal((await synth([buildFixture(spec)], { allowUnverified: ['dev-boundary'] })).run);
    expect(e.result.blocking).toHaveLength(1);
    const all = ['dev-boundary', 'dev-team-s3', 'mfa-enforcement', 'All-Staff', 'Dev-Team'];
    const s = await synth([buildFixture(spec)], { allowUnverified: all });
    const r = await s.run;
    expect(r.gate.unverified.map((x) => x.key).sort()).toEqual(all.map((x) => (/^[A-Z]/.test(x) ? `group:${x}` : `policy:${x}`)).sort());
  });

  it('escape hatch: an unknown name is an error, a verified one a warning', async () => {
    const e = await refusal((await synth([deploySuite()], { allowUnverified: ['nope'] })).run);
    expect(e.message).toMatch(/IAMSPEC_ALLOW_UNVERIFIED names "nope", which is no policy or group the stack deploys/);
    const s = await synth([deploySuite()], { allowUnverified: ['dev-boundary'] });
    const r = await s.run;
    expect(r.gate.unverified).toEqual([]);
    expect(s.out.join('\n')).toMatch(/names "dev-boundary", which is verified: remove it/);
    expect(s.err.join('\n')).not.toMatch(/WARNING/);
  });

  it('a suite file written to a temp dir synthesizes there too (paths relative to root)', async () => {
    const dir = join(tmp.dir, 'proj');
    mkdirSync(join(dir, 'scenarios'), { recursive: true });
    writeFileSync(join(dir, 'scenarios', 'x.yaml'), '# placeholder: the suite object is hand-built\n');
    const suite = buildFixture({ ...deploySuiteSpec(), file: join(dir, 'scenarios', 'x.yaml') });
    const out: string[] = [];
    const r = await synthesize({ suites: [suite], root: dir, log: (l) => out.push(l), warn: () => undefined });
    expect(r.file).toBe(join(dir, 'cdktf.out', 'stacks', 'iamspec', 'cdk.tf.json'));
    expect(r.model.policies[0]!.suites[0]!.file).toBe('scenarios/x.yaml');
  });
});

// ---------------------------------------------------------------------------------------------
// what "verified" means: a passing case depends on the item (src/analysis/dependence.ts)

const OTHER_ACCOUNT = '111122223333';
const ONLY_S3 = { Version: '2012-10-17', Statement: [{ Sid: 'S3Only', Effect: 'Allow', Action: 's3:*', Resource: '*' }] };

describe('a case must depend on what is deployed', () => {
  it('refuses a policy attached to a principal whose cases never depend on it', async () => {
    const spec = deploySuiteSpec();
    const spare = { Version: '2012-10-17', Statement: [{ Sid: 'Elsewhere', Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::elsewhere' }] };
    spec.policies = { ...spec.policies, spare };
    spec.principals.john = { ...spec.principals.john!, policies: ['spare'] };
    const e = await refusal((await synth([buildFixture(spec)])).run);
    const entry = e.result.entries.find((x) => x.key === 'policy:spare')!;
    expect(entry.status).toBe('unproven');
    expect(entry.passed).toBe(7);
    expect(entry.proofs).toEqual([]);
    expect(e.message).toMatch(
      /policy spare: no case depends on it — 7 passing case\(s\) involve it, but none has its statements among the deciding ones and removing it changes no decision/,
    );
    // everything else is still verified: only the unproven policy closes the gate
    expect(e.result.entries.filter((x) => x.status !== 'verified').map((x) => x.key)).toEqual(['policy:spare']);
  });

  it('proves by ablation a boundary whose statements decide nothing: without it the decision changes', async () => {
    const spec = deploySuiteSpec();
    spec.policies = { ...spec.policies, 'only-s3': ONLY_S3 };
    spec.principals = { ...spec.principals, capped: { arn: `arn:aws:iam::${ACCOUNT}:user/capped`, policies: ['AdministratorAccess'], boundary: 'only-s3' } };
    spec.cases = [...spec.cases, { name: 'the boundary keeps the admin out of EC2', principal: 'capped', action: 'ec2:RunInstances', resource: '*', expect: 'implicitDeny' }];
    const r = await (await synth([buildFixture(spec)])).run;
    const entry = r.gate.entries.find((x) => x.key === 'policy:only-s3')!;
    expect(entry.status).toBe('verified');
    expect(entry.proofs).toEqual([
      expect.objectContaining({ case: 'the boundary keeps the admin out of EC2', by: 'ablation', decision: 'implicitDeny', without: 'allowed' }),
    ]);
  });

  it('counts SCPs only where the engine applies them: never to the management account (spec §1.4)', async () => {
    const deny = { Version: '2012-10-17', Statement: [{ Sid: 'NoLeaving', Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }] };
    const orgSpec = (withMember: boolean) => {
      const spec = deploySuiteSpec();
      spec.policies = { ...spec.policies, 'full-aws-access': FULL_ACCESS, 'deny-leave': deny };
      spec.organization = { scps: [['full-aws-access', 'deny-leave']], managementAccount: ACCOUNT, accounts: [OTHER_ACCOUNT] };
      spec.principals = { ...spec.principals, member: { arn: `arn:aws:iam::${OTHER_ACCOUNT}:user/m`, groups: ['Admins'] } };
      spec.cases = [
        ...spec.cases,
        // the SCP would deny it, but SCPs never restrict the management account
        { name: 'the management account may leave', principal: 'admin', action: 'organizations:LeaveOrganization', resource: '*', expect: 'allowed' },
        { name: 'a member admin describes instances', principal: 'member', action: 'ec2:DescribeInstances', resource: '*', expect: 'allowed' },
        ...(withMember ? [{ name: 'a member may not leave', principal: 'member', action: 'organizations:LeaveOrganization', resource: '*', expect: 'explicitDeny' as const }] : []),
      ];
      return buildFixture(spec);
    };
    const run = (withMember: boolean) =>
      synthesize({ suites: [orgSpec(withMember)], root, outdir: join(tmp.dir, `out${n++}`), organization: true, log: () => undefined, warn: () => undefined });
    const e = await refusal(run(false));
    const scp = e.result.entries.find((x) => x.key === 'scp:deny-leave')!;
    // only the member's case involves it: the management account's LeaveOrganization is not its case
    expect(scp.status).toBe('unproven');
    expect(scp.passed).toBe(1);
    expect(e.message).toMatch(/SCP deny-leave: no case depends on it — 1 passing case\(s\) involve it/);
    const full = e.result.entries.find((x) => x.key === 'scp:full-aws-access')!;
    expect(full.proofs.map((p) => p.case)).toEqual(['a member admin describes instances']);
    const r = await run(true);
    expect(r.gate.entries.find((x) => x.key === 'scp:deny-leave')!.proofs).toEqual([
      expect.objectContaining({ case: 'a member may not leave', by: 'decidedBy', statements: ['deny-leave#NoLeaving'] }),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// what AWS would refuse to create (stacks/aws-limits.ts)

describe('the gate refuses what AWS would reject at create time', () => {
  /** The fixture with `extra` policies attached to a group `Extra` of john's, each decided by a case. */
  function withGroupPolicies(extra: Record<string, unknown>) {
    const spec = deploySuiteSpec();
    spec.policies = { ...spec.policies, ...extra };
    spec.groups = { ...spec.groups, Extra: Object.keys(extra) };
    spec.principals.john = { ...spec.principals.john!, groups: [...(spec.principals.john!.groups ?? []), 'Extra'] };
    return buildFixture(spec);
  }
  const readTeam = (version?: string) => ({
    ...(version ? { Version: version } : {}),
    Statement: [{ Sid: 'ReadTeam', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::team-bucket/teams/*' }],
  });

  it('a managed policy without "Version" (IAM: MalformedPolicyDocument), even though cases depend on it; the escape hatch cannot open it', async () => {
    const suite = withGroupPolicies({ 'no-version': readTeam() });
    const e = await refusal((await synth([suite], { allowUnverified: ['no-version'] })).run);
    const entry = e.result.entries.find((x) => x.key === 'policy:no-version')!;
    expect(entry.status).toBe('rejected');
    expect(entry.allowedUnverified).toBe(false);
    expect(e.message).toContain(
      'policy no-version: AWS would refuse to create it: no "Version": IAM refuses to create a managed policy without "Version": "2012-10-17" (MalformedPolicyDocument)',
    );
    expect(e.message).toMatch(/IAMSPEC_ALLOW_UNVERIFIED names "no-version", which AWS would refuse to create: the escape hatch cannot deploy it/);
  });

  it('"Version": "2008-10-17" [SECONDARY: "Policy document must be version 2012-10-17 or greater"]', async () => {
    const e = await refusal((await synth([withGroupPolicies({ old: readTeam('2008-10-17') })])).run);
    expect(e.message).toContain('policy old: AWS would refuse to create it: "Version": "2008-10-17": IAM creates managed policies only with "Version": "2012-10-17"');
  });

  it('a managed policy over 6,144 characters (whitespace not counted) and a group with more than 10 policies (spec §8.1)', async () => {
    const big = { Version: '2012-10-17', Statement: [{ Sid: 'Big', Effect: 'Allow', Action: ['s3:GetObject', ...Array.from({ length: 600 }, (_, i) => `s3:Action${i}`)], Resource: '*' }] };
    const many = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`p${i}`, readTeam('2012-10-17')]));
    const e = await refusal((await synth([withGroupPolicies({ big, ...many })])).run);
    expect(e.message).toMatch(/policy big: AWS would refuse to create it: \d{4,} characters \(whitespace not counted\), over IAM's managed-policy limit of 6144 \(LimitExceeded\)/);
    expect(e.message).toContain("group Extra: AWS would refuse to create it: 11 managed policies attached, over IAM's limit of 10 per group (LimitExceeded)");
  });
});

// ---------------------------------------------------------------------------------------------
// runGate on hand-made reports (the cases the runner never produces on its own)

function resultFor(suiteName: string, file: string, c: string, pass: boolean, extra: Partial<CaseResult> = {}): CaseResult {
  return {
    file,
    suite: suiteName,
    case: c,
    principal: `arn:aws:iam::${ACCOUNT}:user/john.doe`,
    action: 's3:GetObject',
    resource: '*',
    expected: 'allowed',
    actual: pass ? 'allowed' : 'implicitDeny',
    pass,
    decidedBy: [],
    missingContext: [],
    ...extra,
  };
}

function reportOf(results: CaseResult[], errors = 0): Report {
  return {
    summary: { suites: 1, passed: results.filter((r) => r.pass).length, failed: results.filter((r) => !r.pass && !r.skipped).length, errors, skipped: results.filter((r) => r.skipped).length },
    results,
  };
}

describe('runGate', () => {
  const suite = deploySuite();
  const model = buildDeployModel([suite], { root });
  const file = 'scenarios/deploy-fixture.yaml';
  const all = suite.cases.map((c) => resultFor(suite.name, file, c.name, true));

  it('verifies from passing results', () => {
    expect(runGate({ suites: [suite], report: reportOf(all), model, root }).ok).toBe(true);
  });

  it('a case without a result is missing, and blocks', () => {
    const g = runGate({ suites: [suite], report: reportOf(all.slice(1)), model, root });
    expect(g.ok).toBe(false);
    expect(g.missing.map((c) => c.case)).toEqual([suite.cases[0]!.name]);
    expect(g.missing[0]!.reason).toMatch(/not run/);
  });

  it('skipped results neither verify nor block', () => {
    const only = suite.cases.map((c) => resultFor(suite.name, file, c.name, false, { skipped: 'simulator cannot', actual: null }));
    const g = runGate({ suites: [suite], report: reportOf(only), model, root });
    expect(g.ok).toBe(false);
    expect(g.blocking).toEqual([]);
    expect(g.entries.every((e) => e.status === 'unexercised')).toBe(true);
    expect(g.skipped).toHaveLength(suite.cases.length);
  });

  it('errors in the report close the gate; stray results are warnings', () => {
    const g = runGate({ suites: [suite], report: reportOf([...all, resultFor('other', 'x.yaml', 'stray', true)], 1), model, root });
    expect(g.ok).toBe(false);
    expect(g.problems).toEqual(['the run reported 1 error(s)']);
    expect(g.warnings[0]).toMatch(/"other › stray"/);
  });

  it('involvement follows groups, direct policies, the boundary and the org levels', () => {
    const s = buildFixture({
      ...deploySuiteSpec(),
      policies: { ...deploySuiteSpec().policies, direct: FULL_ACCESS, scp: FULL_ACCESS },
      principals: { john: { arn: `arn:aws:iam::${ACCOUNT}:user/j`, groups: ['Dev-Team'], policies: ['direct'], boundary: 'dev-boundary' } },
      organization: { scps: [['scp']] },
    });
    expect(involvedKeys(s, s.principals.get('john')).sort()).toEqual(
      ['group:Dev-Team', 'policy:dev-team-s3', 'policy:direct', 'policy:dev-boundary', 'scp:scp'].sort(),
    );
    expect(involvedKeys(s, undefined)).toEqual(['scp:scp']);
  });

  it('parses the allow list and prints nothing when unused', () => {
    expect(parseAllowList(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
    expect(parseAllowList(undefined)).toEqual([]);
    expect(unverifiedBanner(runGate({ suites: [suite], report: reportOf(all), model, root }))).toBe('');
  });
});

// ---------------------------------------------------------------------------------------------
// `iamspec synth` (npm run synth, cdktf.json's app) itself: YAML suites through the real loader and runner

describe('the app entry (iamspec synth) on YAML suites', () => {
  const repo = join(import.meta.dirname, '..', '..');
  const project = join(tmp.dir, 'yaml-project');

  function write(expectMfaRead: 'allowed' | 'explicitDeny', extraGroup = false): void {
    mkdirSync(join(project, 'scenarios'), { recursive: true });
    mkdirSync(join(project, 'policies'), { recursive: true });
    writeFileSync(
      join(project, 'policies', 'read-own.json'),
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Sid: 'ReadOwn', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::team/${aws:username}/*' }],
      }),
    );
    writeFileSync(
      join(project, 'scenarios', 'team.yaml'),
      [
        'suite: Team bucket',
        'policies:',
        '  read-own: ../policies/read-own.json',
        '  spare:',
        '    Version: "2012-10-17"',
        '    Statement: [{Effect: Allow, Action: "s3:ListBucket", Resource: "*"}]',
        'groups:',
        '  Team: [read-own]',
        ...(extraGroup ? ['  Spare: [spare]'] : []),
        'principals:',
        '  jo:',
        '    arn: arn:aws:iam::123456789012:user/jo',
        '    groups: [Team]',
        'cases:',
        '  - name: jo reads her own prefix',
        '    principal: jo',
        '    action: s3:GetObject',
        '    resource: arn:aws:s3:::team/jo/a.txt',
        `    expect: ${expectMfaRead}`,
        '',
      ].join('\n'),
    );
  }

  async function app(env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    const { spawn } = await import('node:child_process');
    return new Promise((done) => {
      const child = spawn(process.execPath, [join(repo, 'bin/iamspec.js'), 'synth'], {
        cwd: project,
        env: { ...process.env, CDKTF_OUTDIR: '', IAMSPEC_SCENARIOS: '', IAMSPEC_ALLOW_UNVERIFIED: '', ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.on('close', (code) => done({ code: code ?? 1, stdout, stderr }));
    });
  }

  it('exits 0 and writes cdktf.out/stacks/iamspec/cdk.tf.json when the suites verify everything', async () => {
    write('allowed');
    const r = await app();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/iamspec gate: 1\/1 cases passed; 2\/2 deployable policies and groups verified/);
    const cfg = JSON.parse(readFileSync(join(project, 'cdktf.out/stacks/iamspec/cdk.tf.json'), 'utf8')) as TerraformJson;
    expect((cfg.resource!.aws_iam_policy!['policy_read-own'] as { policy: string }).policy).toContain('team/$${aws:username}/*');
  }, 60_000);

  it('exits 1 naming the failing case, and removes the stale configuration', async () => {
    write('explicitDeny');
    const r = await app();
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Team bucket › jo reads her own prefix {2}\(scenarios\/team\.yaml:\d+:\d+\)/);
    expect(existsSync(join(project, 'cdktf.out/stacks/iamspec/cdk.tf.json'))).toBe(false);
  }, 60_000);

  it('exits 1 for an unexercised group; IAMSPEC_ALLOW_UNVERIFIED lets it through with a loud warning', async () => {
    write('allowed', true);
    const refused = await app();
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/group Spare: unexercised/);
    const allowed = await app({ IAMSPEC_ALLOW_UNVERIFIED: 'Spare,spare' });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stderr).toMatch(/WARNING: IAMSPEC_ALLOW_UNVERIFIED is set/);
    const cfg = JSON.parse(readFileSync(join(project, 'cdktf.out/stacks/iamspec/cdk.tf.json'), 'utf8')) as TerraformJson;
    expect(cfg.output!.iamspec_unverified!.value).toEqual(['policy:spare', 'group:Spare']);
  }, 60_000);

  it('cdktf.json context["iamspec:notDeployed"] keeps named items out, with their reason; a malformed entry exits 2', async () => {
    write('allowed', true);
    const config = (notDeployed: unknown) => writeFileSync(join(project, 'cdktf.json'), JSON.stringify({ context: { 'iamspec:notDeployed': notDeployed } }));
    try {
      config({ Spare: 'a spare group no case uses', spare: 'only Spare attaches it', Sprae: 'a typo' });
      const r = await app();
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('  - not deployed (cdktf.json iamspec:notDeployed): Spare — a spare group no case uses');
      expect(r.stderr).toContain('cdktf.json context["iamspec:notDeployed"] names "Sprae", which no policy or group of the deployed suites has; did you mean "Spare"?');
      const cfg = JSON.parse(readFileSync(join(project, 'cdktf.out/stacks/iamspec/cdk.tf.json'), 'utf8')) as TerraformJson;
      expect(Object.keys(cfg.resource!.aws_iam_group!)).toEqual(['group_Team']);
      config(['Spare']);
      const bad = await app();
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('cdktf.json: context["iamspec:notDeployed"] must map each policy or group name to the reason it is not deployed (a non-empty string)');
    } finally {
      rmSync(join(project, 'cdktf.json'));
    }
  }, 60_000);
});
