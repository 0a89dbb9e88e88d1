// `iamspec mutate` (src/analysis/mutate.ts, mutate-format.ts): the mutants of a policy, the suites
// run against each, and for a survivor a case that kills it.

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { mutantsOf, mutationTargets, runMutants, type MutationTarget } from '../../src/analysis/mutate.ts';
import { lineDiff } from '../../src/analysis/mutate-format.ts';
import type { IO } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { loadSuites } from '../../src/scenario/loader.ts';
import { loadPropertyChecker } from '../../src/scenario/runner.ts';
import { runMain } from '../cli/in-process.ts';
import { ACCOUNT, project } from '../cli/project.ts';

const repo = join(import.meta.dirname, '../..');

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const POLICY = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Read",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:ListBucket"],
      "Resource": "arn:aws:s3:::team/*",
      "Condition": {
        "BoolIfExists": {"aws:MultiFactorAuthPresent": "true"},
        "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
        "StringEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}
      }
    },
    {
      "Sid": "Guard",
      "Effect": "Deny",
      "NotAction": ["iam:ListMFADevices", "sts:GetCallerIdentity"],
      "Resource": "*",
      "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}
    }
  ]
}
`;

function target(text = POLICY): MutationTarget {
  return { file: 'p.json', onDisk: true, text, uses: [] };
}

describe('mutants of a policy', () => {
  const mutants = mutantsOf(target());

  it('one edit each, every operator where it applies, in document order', () => {
    expect(mutants.map((m) => `${m.operator} ${m.statement}: ${m.description}`)).toEqual([
      'flip-effect #0 Read: Effect Allow → Deny',
      'drop-statement #0 Read: statement removed',
      'widen-action #0 Read: Action s3:GetObject → *',
      'widen-action #0 Read: Action s3:ListBucket → *',
      'widen-resource #0 Read: Resource arn:aws:s3:::team/* → *',
      'drop-condition #0 Read: Condition removed',
      'drop-if-exists #0 Read: BoolIfExists → Bool',
      'drop-condition-key #0 Read: BoolIfExists aws:MultiFactorAuthPresent removed',
      'drop-condition-key #0 Read: NumericLessThan aws:MultiFactorAuthAge removed',
      'change-number #0 Read: NumericLessThan aws:MultiFactorAuthAge 3600 → 3601',
      'swap-string-operator #0 Read: StringEquals → StringLike',
      'drop-condition-key #0 Read: StringEquals aws:RequestedRegion removed',
      'drop-condition-value #0 Read: StringEquals aws:RequestedRegion value eu-west-1 removed',
      'drop-condition-value #0 Read: StringEquals aws:RequestedRegion value us-east-1 removed',
      'flip-effect #1 Guard: Effect Deny → Allow',
      'drop-statement #1 Guard: statement removed',
      'drop-not-action #1 Guard: NotAction iam:ListMFADevices removed',
      'drop-not-action #1 Guard: NotAction sts:GetCallerIdentity removed',
      'drop-condition #1 Guard: Condition removed',
      'change-date #1 Guard: DateGreaterThan aws:CurrentTime 2030-01-01T00:00:00Z → 2030-01-02T00:00:00Z',
    ]);
  });

  it('every mutant is well-formed JSON that differs from the original where it says', () => {
    const original = JSON.parse(POLICY);
    for (const m of mutants) {
      const doc = JSON.parse(m.text); // removals take their comma with them
      expect(doc, m.description).not.toEqual(original);
    }
    const drop = mutants.find((m) => m.description === 'StringEquals aws:RequestedRegion value us-east-1 removed')!;
    expect(JSON.parse(drop.text).Statement[0].Condition.StringEquals).toEqual({ 'aws:RequestedRegion': ['eu-west-1'] });
    const last = mutants.find((m) => m.operator === 'drop-statement' && m.statement === '#1 Guard')!;
    expect(JSON.parse(last.text).Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['Read']);
    expect(drop.line).toBe(12);
  });

  it('reads as a line diff of the file', () => {
    const m = mutants.find((x) => x.operator === 'drop-if-exists')!;
    expect(lineDiff(POLICY, m.text)).toBe(
      [
        '@@ line 8 @@',
        '        "Resource": "arn:aws:s3:::team/*",',
        '        "Condition": {',
        '-         "BoolIfExists": {"aws:MultiFactorAuthPresent": "true"},',
        '+         "Bool": {"aws:MultiFactorAuthPresent": "true"},',
        '          "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},',
        '          "StringEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}',
      ].join('\n'),
    );
  });
});

// ---------------------------------------------------------------------------------------------

const S3 = { Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::team/*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }] };

function suiteText(extraCases = ''): string {
  return `suite: Weak
policies:
  read: ../policies/read.json
principals:
  ann: {arn: "arn:aws:iam::${ACCOUNT}:user/ann", policies: [read]}
context:
  aws:MultiFactorAuthPresent: true
cases:
  - {name: reads with MFA, principal: ann, action: s3:GetObject, resource: "arn:aws:s3:::team/a", expect: allowed}
${extraCases}`;
}

function weakProject(extraCases = ''): string {
  const dir = project({ weak: suiteText(extraCases) });
  dirs.push(dir);
  writeFileSync(join(dir, 'policies/read.json'), JSON.stringify(S3, null, 2));
  return dir;
}

describe('running the suites against the mutants', () => {
  it('one case kills flip-effect and drop-statement; the rest survive, each with a case that would kill it', () => {
    const dir = weakProject();
    const r = runMutants(loadSuites(['scenarios'], { cwd: dir }), { cwd: dir, checkProperty: null });
    const status = Object.fromEntries(r.results.map((x) => [x.mutant.operator, x.status]));
    expect(status).toEqual({
      'flip-effect': 'killed',
      'drop-statement': 'invalid', // an empty Statement list does not validate: not counted
      'widen-action': 'survived',
      'widen-resource': 'survived',
      'drop-condition': 'survived',
    });
    expect(r.results.find((x) => x.status === 'killed')!.killedBy).toBe('Weak › reads with MFA');
    expect(r.results.find((x) => x.status === 'invalid')!.invalid).toMatch(/Statement/);
    expect(r.summary).toMatchObject({ targets: 1, mutants: 5, killed: 1, survived: 3, invalid: 1, score: 25 });
  });

  it('pasting the suggested cases into the suite kills every survivor', () => {
    const dir = weakProject();
    const first = runMutants(loadSuites(['scenarios'], { cwd: dir }), { cwd: dir, checkProperty: null });
    const cases = first.results.filter((x) => x.status === 'survived').map((x) => x.killingCase!.case);
    expect(cases.length).toBe(3);
    expect(first.results.find((x) => x.mutant.operator === 'drop-condition')!.killingCase!.case).toMatchObject({
      principal: 'ann',
      action: 's3:GetObject',
      context: { 'aws:MultiFactorAuthPresent': null }, // long-term access keys carry no MFA key
      expect: 'implicitDeny',
    });
    const pasted = stringify(cases, { lineWidth: 0 }).replace(/^/gm, '  '); // as a user pastes them under cases:
    writeFileSync(join(dir, 'scenarios/weak.yaml'), suiteText(pasted));
    const again = runMutants(loadSuites(['scenarios'], { cwd: dir }), { cwd: dir, checkProperty: null });
    expect(again.summary).toMatchObject({ killed: 4, survived: 0, score: 100 });
  });

  it('a policy used by two suites is one target; either suite may kill its mutants', () => {
    const dir = weakProject();
    writeFileSync(join(dir, 'scenarios/other.yaml'), suiteText().replace('suite: Weak', 'suite: Other'));
    const targets = mutationTargets(loadSuites(['scenarios'], { cwd: dir }), dir);
    expect(targets.map((t) => [t.file, t.uses.map((u) => u.suite.name).sort()])).toEqual([['policies/read.json', ['Other', 'Weak']]]);
  });

  it('suites that fail unmutated are a usage error, not a score', () => {
    const dir = weakProject('  - {name: wrong, principal: ann, action: s3:PutObject, resource: "arn:aws:s3:::team/a", expect: allowed}\n');
    expect(() => runMutants(loadSuites(['scenarios'], { cwd: dir }), { cwd: dir, checkProperty: null })).toThrow(/needs passing suites, and Weak › wrong fails/);
  });
});

describe('the command', () => {
  it('pretty: every survivor as a diff with its killing case, then the score; --min-score fails below it', async () => {
    const dir = weakProject();
    const r = await runMain(['mutate', '--min-score', '50'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Surviving mutants (3): the suites pass with these mistakes in the policies');
    expect(r.stdout).toContain('policies/read.json:9  drop-condition  #0 Read: Condition removed');
    expect(r.stdout).toContain('  a case that kills it (paste under cases: of scenarios/weak.yaml):');
    expect(r.stdout).toContain('mutation score 25% (1 killed, 3 survived of 4); 5 mutants of 1 policy, 1 invalid');
    expect(r.stderr).toContain('iamspec: mutation score 25% is below --min-score 50%');
    expect((await runMain(['mutate', '--min-score', '25'], dir)).code).toBe(0);
  });

  it('--format json and --operator', async () => {
    const dir = weakProject();
    const r = await runMain(['mutate', '--format', 'json', '--operator', 'widen-action', '--operator', 'flip-effect'], dir);
    const json = JSON.parse(r.stdout);
    expect(json.summary).toMatchObject({ mutants: 2, killed: 1, survived: 1, score: 50 });
    const survivor = json.mutants.find((m: { status: string }) => m.status === 'survived');
    expect(survivor).toMatchObject({ file: 'policies/read.json', operator: 'widen-action', description: 'Action s3:GetObject → *', line: 7 });
    expect(survivor.diff).toContain('+       "Action": "*",');
    expect(survivor.killingCase.suite).toBe('scenarios/weak.yaml');
    expect((await runMain(['mutate', '--operator', 'nope'], dir)).code).toBe(2);
    expect(readFileSync(join(dir, 'policies/read.json'), 'utf8')).toBe(JSON.stringify(S3, null, 2)); // never written
  });
});

describe('the command: user mistakes and progress', () => {
  it('suites that fail unmutated, a bad --min-score or path: exit 2 with one clear line', async () => {
    const failing = weakProject('  - {name: wrong, principal: ann, action: s3:PutObject, resource: "arn:aws:s3:::team/a", expect: allowed}\n');
    const r = await runMain(['mutate'], failing);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('mutation testing needs passing suites, and Weak › wrong fails on the policies as they are: run iamspec test and fix it first');
    expect(r.stdout).toBe('');
    const dir = weakProject();
    expect(await runMain(['mutate', '--min-score', 'ninety'], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('--min-score takes a percentage from 0 to 100 (got "ninety")') });
    expect(await runMain(['mutate', 'nowhere/'], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('nowhere/: no such file or directory') });
  });

  it('nothing to mutate is exit 1 with the reason, never a 100 % score', async () => {
    const dir = weakProject();
    const r = await runMain(['mutate', '--operator', 'change-date'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('no mutation score (no mutant counted); 0 mutants of 1 policy');
    expect(r.stderr).toContain('iamspec: nothing was mutated: no selected operator applies to the 1 policy; a run that checks nothing fails (exit 1)');
    const managed = project({
      admin: `suite: Managed
policies: {admin: "arn:aws:iam::aws:policy/AdministratorAccess"}
principals: {ann: {arn: "arn:aws:iam::${ACCOUNT}:user/ann", policies: [admin]}}
cases:
  - {name: admin reads, principal: ann, action: s3:GetObject, resource: "arn:aws:s3:::team/a", expect: allowed}
`,
    });
    dirs.push(managed);
    expect(await runMain(['mutate'], managed)).toMatchObject({ code: 1, stderr: expect.stringContaining('the suites use no policy of their own (AWS managed policies are not mutated)') });
  });

  it('progress goes to stderr (a live line on a terminal, cleared at the end), never to stdout; --quiet drops it', async () => {
    const dir = weakProject();
    const run = async (args: string[]) => {
      const out = { stdout: '', stderr: '' };
      const io: IO = { stdout: { write: (t: string) => ((out.stdout += t), true) }, stderr: { isTTY: true, write: (t: string) => ((out.stderr += t), true) }, cwd: dir, env: {} };
      return { code: await main(args, io), ...out };
    };
    const r = await run(['mutate', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^\r\u001b\[K {2}running 1 \/ 5 mutants/);
    expect(r.stderr.endsWith('\r\u001b[K')).toBe(true);
    expect(JSON.parse(r.stdout).summary.mutants).toBe(5);
    expect((await run(['mutate', '--quiet'])).stderr).toBe('');
  });
});

// The seed suites (README "Mutation testing", the seed table): every mutant the suites let
// survive is one of the equivalent mutants README explains, and no enumerated request tells it
// apart from the original. A new survivor needs a case (or an entry here and in README).
describe('the seed suites', () => {
  it('kill every mutant but the 19 equivalent ones README explains (cases, then properties)', async () => {
    const r = runMutants(loadSuites(['scenarios'], { cwd: repo }), { cwd: repo, checkProperty: await loadPropertyChecker() });
    const survivors = r.results.filter((x) => x.status === 'survived');
    expect(survivors.map((x) => `${x.mutant.target.file.split('/').pop()}: ${x.mutant.description}`).sort()).toEqual(
      [
        'gotcha1-common-mistake.json: Effect Allow → Deny',
        'pettracker-shared-bucket-policy.json: Resource arn:aws:s3:::pettracker-shared/* → *',
        'policy-a-developers.json: Action s3:* → *',
        'force-mfa-pasted-verbatim.json: Effect Allow → Deny',
        'force-mfa-pasted-verbatim.json: statement removed',
        'force-mfa-pasted-verbatim.json: Condition removed',
        'force-mfa-pasted-verbatim.json: NotAction iam:ListMFADevices removed',
        'force-mfa-pasted-verbatim.json: NotAction iam:ListVirtualMFADevices removed',
        'force-mfa-pasted-verbatim.json: NotAction sts:GetSessionToken removed',
        'force-mfa.json: Effect Allow → Deny',
        'force-mfa.json: statement removed',
        'force-mfa.json: Condition removed',
        'force-mfa.json: NotAction iam:ListMFADevices removed',
        'force-mfa.json: NotAction iam:ListVirtualMFADevices removed',
        'force-mfa.json: NotAction sts:GetSessionToken removed',
        'mfa-enforcement.json: NotAction sts:GetSessionToken removed',
        'sensitive-bucket-string-equals.json: StringEquals → StringLike',
        'enforce-mfa-policy.json: Resource arn:aws:iam::*:mfa/* → *',
        'enforce-mfa-policy.json: NotAction sts:GetSessionToken removed',
      ].sort(),
    );
    expect(survivors.filter((x) => x.killingCase !== undefined)).toEqual([]);
    // the flipped or removed statement is AllowViewAccountInfo, the condition the MFA-only Deactivate's
    expect(new Set(survivors.filter((x) => /Effect|statement removed/.test(x.mutant.description) && x.mutant.target.file.includes('force-mfa')).map((x) => x.mutant.statement))).toEqual(new Set(['#0 AllowViewAccountInfo']));
    expect(new Set(survivors.filter((x) => x.mutant.operator === 'drop-condition').map((x) => x.mutant.statement))).toEqual(new Set(['#8 AllowUserToDeactivateTheirOwnMFAOnlyWhenUsingMFA']));
    expect(r.summary).toMatchObject({ mutants: 305, killed: 265, survived: 19, invalid: 21, score: 93.3 });
  });
});
