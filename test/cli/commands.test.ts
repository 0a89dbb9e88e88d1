// The commands through main(argv, io), in-process (no tsx startup per run), on a project on disk
// loaded by the real loader: reporters, filters, shards, explain, validate, --against.

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { IO } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { STACK } from './child.ts';
import { ACCOUNT, BROKEN, FAILING, FAILING_CASE_LINE, PASSING, project } from './project.ts';

const green = project({ passing: PASSING });
const red = project({ passing: PASSING, failing: FAILING });
const broken = project({ broken: BROKEN });
afterAll(() => {
  for (const d of [green, red, broken]) rmSync(d, { recursive: true, force: true });
});

async function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, tty = false) {
  const out = { code: 0, stdout: '', stderr: '' };
  const io: IO = {
    stdout: { write: (s: string) => ((out.stdout += s), true), isTTY: tty },
    stderr: { write: (s: string) => ((out.stderr += s), true), isTTY: tty },
    cwd,
    env,
  };
  out.code = await main(args, io);
  expect(out.stdout + out.stderr).not.toMatch(STACK);
  return out;
}

describe('iamspec test', () => {
  it('--help, and no command', async () => {
    const help = await run(['test', '--help'], green);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--reporter NAME');
    const none = await run([], green);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage:');
  });

  it('bad arguments: exit 2 with usage (json mode: the error object)', async () => {
    const bad = await run(['test', '--reporter', 'xml'], green);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--reporter must be one of pretty, json, junit, github (got "xml")');
    expect(bad.stderr).toContain('Usage: iamspec test');
    const two = await run(['test', '--reporter', 'json,junit'], green);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('--junit-file');
    const shard = await run(['test', '--reporter', 'json', '--shard', '0/2'], green);
    expect(shard.code).toBe(2);
    expect(JSON.parse(shard.stdout)).toEqual({ error: { file: '', line: 0, column: 0, message: '--shard 0/2: need 1 ≤ i ≤ n' } });
    const record = await run(['test', '--record'], green);
    expect(record.code).toBe(2);
    expect(record.stderr).toContain('--record needs --against aws');
    const seed = await run(['test', '--seed', 'x'], green);
    expect(seed.code).toBe(2);
  });

  it('a filter matching nothing is exit 2; a filter selects cases', async () => {
    const none = await run(['test', '--filter', 'no such case'], green);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--filter "no such case" matches no suite, case or property');
    const some = await run(['test', '--filter', 'passing > denied', '--reporter', 'json'], green);
    expect(some.code).toBe(0);
    expect(JSON.parse(some.stdout).results.map((r: { case: string }) => r.case)).toEqual([
      'denied without MFA [s3:GetObject @ *]',
      'denied without MFA [ec2:DescribeInstances @ *]',
    ]);
  });

  it('shards partition the cases', async () => {
    const parts = await Promise.all([1, 2, 3].map((i) => run(['test', '--reporter', 'json', '--shard', `${i}/3`], red)));
    const cases = parts.flatMap((p) => JSON.parse(p.stdout).results.map((r: { suite: string; case: string }) => `${r.suite} › ${r.case}`));
    expect(cases).toHaveLength(5);
    expect(new Set(cases).size).toBe(5);
    expect(parts.map((p) => p.code).sort()).toEqual([0, 0, 1]);
  });

  it('github: an annotation at the failing case line, then the summary', async () => {
    const gh = await run(['test', '--reporter', 'github'], red);
    expect(gh.code).toBe(1);
    const lines = gh.stdout.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('::error '))).toEqual([
      expect.stringMatching(new RegExp(`^::error file=scenarios/failing\\.yaml,line=${FAILING_CASE_LINE},col=\\d+,title=iamspec%3A Failing › wrongly expects access without MFA::expected allowed, got explicitDeny`)),
    ]);
    expect(lines.at(-1)).toMatch(/^iamspec: 1 failed, 4 passed \(5 cases, 2 suites/);
  });

  it('junit on stdout, and --output writes the report to a file', async () => {
    const junit = await run(['test', '--reporter', 'junit'], red);
    expect(junit.code).toBe(1);
    expect(junit.stdout).toMatch(/^<\?xml/);
    expect(junit.stdout).toContain('<testsuites name="iamspec" tests="5" failures="1" errors="0" skipped="0"');
    const out = await run(['test', '--reporter', 'json', '--output', 'reports/r.json'], red);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(JSON.parse(readFileSync(join(red, 'reports/r.json'), 'utf8')).summary.failed).toBe(1);
  });

  it('input errors: every reporter points at file:line:column', async () => {
    const gh = await run(['test', '--reporter', 'github'], broken);
    expect(gh.code).toBe(2);
    expect(gh.stdout).toMatch(/^::error file=scenarios\/broken\.yaml,line=\d+,col=\d+,title=iamspec%3A input error::scenarios\/broken\.yaml:\d+:\d+: /);
    const junit = await run(['test', '--reporter', 'junit'], broken);
    expect(junit.code).toBe(2);
    expect(junit.stdout).toContain('<error message=');
    expect(junit.stderr).toMatch(/^scenarios\/broken\.yaml:\d+:\d+: /);
    const missing = await run(['test', 'nowhere/'], green);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nowhere/);
  });

  it('progress and colours only on a TTY; NO_COLOR wins', async () => {
    const tty = await run(['test'], green, {}, true);
    expect(tty.stderr).toContain('\r\u001b[K  running 3 / 3 cases');
    expect(tty.stderr.endsWith('\r\u001b[K')).toBe(true);
    expect(tty.stdout).toContain('\u001b[32m✓\u001b[39m reads with MFA');
    const noColor = await run(['test'], green, { NO_COLOR: '1' }, true);
    expect(noColor.stdout).not.toContain('\u001b[');
    const pipe = await run(['test', '--reporter', 'json'], green);
    expect(pipe.stderr).toBe('');
    const quiet = await run(['test', '--quiet'], green, {}, true);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).not.toContain('reads with MFA');
  });

  it('policy validation warnings are listed after the summary (pretty only), and do not fail the run', async () => {
    const dir = project({
      versionless: `suite: Versionless
policies:
  legacy:
    Statement:
      - {Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::b/\${aws:username}"}
principals:
  john: {arn: "arn:aws:iam::${ACCOUNT}:user/john", policies: [legacy]}
cases:
  - {name: the variable is literal text without Version, principal: john, action: s3:GetObject, resource: "arn:aws:s3:::b/john", expect: implicitDeny}
`,
    });
    try {
      const pretty = await run(['test'], dir);
      expect(pretty.code).toBe(0);
      expect(pretty.stderr).toContain('2 policy warnings (not failures):');
      expect(pretty.stderr).toMatch(/scenarios\/versionless\.yaml:4:5: warning Missing version/);
      expect(pretty.stderr).toMatch(/scenarios\/versionless\.yaml:5:\d+: warning Variable unsupported in version/);
      const json = await run(['test', '--reporter', 'json'], dir);
      expect(json.stderr).toBe('');
      expect(JSON.parse(json.stdout).summary.passed).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('IAMSPEC_PROFILE prints where the time went', async () => {
    const p = await run(['test', '--quiet'], green, { IAMSPEC_PROFILE: '1' });
    expect(p.code).toBe(0);
    const line = /^iamspec-profile (.*)$/m.exec(p.stderr);
    expect(JSON.parse(line![1]!)).toMatchObject({ cases: 3 });
  });

  it('--against recorded without recordings: every case skipped, which is not a pass (exit 1)', async () => {
    const rec = await run(['test', '--against', 'recorded', '--reporter', 'json'], green);
    expect(rec.code).toBe(1);
    const report = JSON.parse(rec.stdout);
    expect(report.summary).toMatchObject({ passed: 0, skipped: 3 });
    for (const r of report.results) expect(r.skipped).toMatch(/recording/);
  });
});

describe('iamspec test: decisions that rest on an assumption (README "Known differences / assumptions")', () => {
  // §4.12 [UNDOCUMENTED]: StringEquals "true" on a boolean key compares text; read the other way, it never matches.
  const assumed = project({
    assumed: `suite: Assumed
policies:
  text-mfa:
    Version: "2012-10-17"
    Statement: [{Sid: TextMfa, Effect: Allow, Action: s3:GetObject, Resource: "*", Condition: {StringEquals: {aws:MultiFactorAuthPresent: "true"}}}]
principals:
  john: {arn: arn:aws:iam::${ACCOUNT}:user/john, policies: [text-mfa]}
cases:
  - name: StringEquals true matches an MFA session
    principal: john
    action: s3:GetObject
    resource: arn:aws:s3:::team/a.csv
    context: {aws:MultiFactorAuthPresent: true}
    expect: allowed
  - name: plain deny
    principal: john
    action: s3:PutObject
    resource: arn:aws:s3:::team/a.csv
    expect: implicitDeny
`,
  });
  afterAll(() => rmSync(assumed, { recursive: true, force: true }));

  it('the JSON report lists the assumption per case; the case passes', async () => {
    const r = await run(['test', '--reporter', 'json'], assumed);
    expect(r.code).toBe(0);
    const results = JSON.parse(r.stdout).results;
    expect(results.map((x: { assumptions: string[] }) => x.assumptions)).toEqual([['string-operator-on-boolean'], []]);
  });

  it('pretty notes it beside the case and in the summary', async () => {
    const r = await run(['test'], assumed);
    expect(r.stdout).toContain('✓ StringEquals true matches an MFA session (assumes string-operator-on-boolean)');
    expect(r.stdout).toContain('1 passing case rests on an assumption');
  });

  it('--strict fails the case that rests on one (exit 1), and explains which', async () => {
    const r = await run(['test', '--strict'], assumed);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('decided allowed, but only under an assumption (--strict)');
    expect(r.stdout).toContain('string-operator-on-boolean (§4.12 [UNDOCUMENTED]): a String operator on a boolean key compares the text');
    expect(r.stdout).toContain('1 failed, 1 passed');
    const against = await run(['test', '--strict', '--against', 'recorded'], assumed);
    expect(against.code).toBe(2);
  });

  it('explain shows the assumption', async () => {
    const r = await run(['explain', 'scenarios/assumed.yaml', '--case', 'StringEquals true matches an MFA session'], assumed);
    expect(r.stdout).toContain('assumes');
    const j = await run(['explain', 'scenarios/assumed.yaml', '--case', 'StringEquals true matches an MFA session', '--json'], assumed);
    expect(JSON.parse(j.stdout).explanation.assumptions).toEqual(['string-operator-on-boolean']);
  });
});

describe('iamspec explain', () => {
  it('--case explains one case, exit 1 when it fails its expectation', async () => {
    const e = await run(['explain', 'scenarios/failing.yaml', '--case', 'wrongly expects access without MFA'], red);
    expect(e.code).toBe(1);
    expect(e.stdout).toContain('Failing › wrongly expects access without MFA');
    expect(e.stdout).toMatch(/expected\s+allowed\s+✗ not as expected/);
    expect(e.stdout).toContain('aws:MultiFactorAuthPresent = false (boolean)');
    const ok = await run(['explain', 'scenarios/passing.yaml', '--case', 'denied without MFA'], red);
    expect(ok.code).toBe(0);
    expect(ok.stdout.match(/✓ as expected/g)).toHaveLength(2); // both matrix expansions
    const json = await run(['explain', 'scenarios/passing.yaml', '--case', 'reads with MFA', '--json'], red);
    expect(JSON.parse(json.stdout)).toMatchObject({ case: 'reads with MFA', pass: true, explanation: { decision: 'allowed' } });
  });

  it('an unknown case name is exit 2 with suggestions', async () => {
    const e = await run(['explain', 'scenarios/failing.yaml', '--case', 'wrongly expect access'], red);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain('no case named "wrongly expect access" in scenarios/failing.yaml');
    expect(e.stderr).toContain('did you mean:\n  wrongly expects access without MFA');
    const noCase = await run(['explain', 'scenarios/failing.yaml'], red);
    expect(noCase.code).toBe(2);
    expect(noCase.stderr).toContain('needs --case NAME');
  });

  it('--policy: an ad-hoc request with typed context', async () => {
    const e = await run(
      ['explain', '--policy', 'policies/mfa.json', '--policy', 'policies/s3.json', '--principal', `arn:aws:iam::${ACCOUNT}:user/john`,
        '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::team/a.csv', '--context', 'aws:MultiFactorAuthPresent=false', '--expect', 'explicitDeny'],
      green,
    );
    expect(e.code).toBe(0);
    expect(e.stdout).toContain('aws:MultiFactorAuthPresent = false (boolean)');
    expect(e.stdout).toMatch(/decision\s+explicitDeny/);
    expect(e.stdout).toMatch(/mfa#BlockMostAccessUnlessSignedInWithMFA \(Deny, identity\) policies\/mfa\.json:4/);
  });

  it('--endpoint-policy: the request comes through a VPC endpoint whose policy caps it (spec §1.8)', async () => {
    const dir = project({ passing: PASSING });
    writeFileSync(join(dir, 'vpce.json'), JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::other/*' }] }));
    const ask = ['explain', '--policy', 'policies/s3.json', '--principal', `arn:aws:iam::${ACCOUNT}:user/john`, '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::team/a.csv'];
    expect((await run([...ask, '--expect', 'allowed'], dir)).code).toBe(0);
    const capped = await run([...ask, '--endpoint-policy', 'vpce.json', '--expect', 'implicitDeny'], dir);
    expect(capped.code).toBe(0);
    expect(capped.stdout).toContain('the VPC endpoint policy does not allow the request (spec §1.8)');
    const wrongType = await run([...ask, '--endpoint-policy', 'policies/s3.json'], dir);
    expect(wrongType.code).toBe(2); // an endpoint policy needs Principal
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('iamspec validate', () => {
  it('prints findings; a missing file is exit 2', async () => {
    const ok = await run(['validate', 'policies/mfa.json', 'policies/s3.json'], green);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('policies/mfa.json (identity policy, --type to change): valid');
    const missing = await run(['validate', 'policies/none.json'], green);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read policies/none.json: no such file');
  });
});
