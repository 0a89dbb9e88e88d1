// The real `iamspec` command in child processes (`node bin/iamspec.js …`), as a user runs it:
// exit codes 0/1/2 through the launcher, parseable JSON on stdout, no stack trace for user
// mistakes. Each child costs a Node startup (and, after a source change, one esbuild bundling of
// the CLI), so there are few, started together in beforeAll (two at a time); everything else
// about the commands is tested in-process (commands.test.ts, main.test.ts).

import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batch, STACK, type Run } from './child.ts';
import { BROKEN, FAILING, PASSING, project } from './project.ts';

const dirs: string[] = [];
let r: Record<string, Run>;
let green: string;

beforeAll(async () => {
  green = project({ passing: PASSING });
  const red = project({ passing: PASSING, failing: FAILING });
  const broken = project({ broken: BROKEN });
  dirs.push(green, red, broken);
  r = await batch({
    pass: [['test'], green],
    passJson: [['test', '--reporter', 'json', '--junit-file', 'out/junit.xml'], green],
    fail: [['test', 'scenarios'], red],
    brokenPretty: [['test'], broken],
    brokenJson: [['test', '--reporter', 'json'], broken],
    badOption: [['test', '--bogus'], green],
  });
}, 180_000);

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function noStack(run: Run) {
  expect(run.stderr).not.toMatch(STACK);
  expect(run.stdout).not.toMatch(STACK);
}

describe('iamspec test (child process)', () => {
  it('exit 0 when every case passes', () => {
    expect(r.pass!.code, r.pass!.stderr).toBe(0);
    expect(r.pass!.stdout).toContain('✓ reads with MFA');
    expect(r.pass!.stdout.trimEnd().split('\n').at(-1)).toMatch(/^3 passed \(3 cases, 1 suite, [\d.]+ s\)$/);
  });

  it('--reporter json prints one JSON object and nothing on stderr; --junit-file writes JUnit', () => {
    expect(r.passJson!.code).toBe(0);
    const report = JSON.parse(r.passJson!.stdout);
    expect(report.summary).toEqual({ suites: 1, passed: 3, failed: 0, errors: 0, skipped: 0 });
    expect(report.results[0]).toMatchObject({ file: 'scenarios/passing.yaml', suite: 'Passing', case: 'reads with MFA', decidedBy: ['s3#Read'] });
    expect(r.passJson!.stderr).toBe('');
    expect(readFileSync(join(green, 'out/junit.xml'), 'utf8')).toContain('<testsuites name="iamspec" tests="3" failures="0"');
  });

  it('exit 1 when a case fails, with expected vs actual and the deciding statement', () => {
    expect(r.fail!.code).toBe(1);
    expect(r.fail!.stdout).toContain('✗ wrongly expects access without MFA');
    expect(r.fail!.stdout).toMatch(/expected\s+allowed\n\s+actual\s+explicitDeny/);
    expect(r.fail!.stdout).toMatch(/decided by\n\s+mfa#BlockMostAccessUnlessSignedInWithMFA \(Deny, identity\) policies\/mfa\.json:4/);
    expect(r.fail!.stdout.trimEnd().split('\n').at(-1)).toMatch(/^1 failed, 4 passed \(5 cases, 2 suites/);
  });

  it('a broken suite is exit 2 with file:line:column and no stack trace, in pretty and json', () => {
    expect(r.brokenPretty!.code).toBe(2);
    expect(r.brokenPretty!.stderr).toMatch(/^scenarios\/broken\.yaml:\d+:\d+: .*nosuchpolicy/m);
    noStack(r.brokenPretty!);
    expect(r.brokenJson!.code).toBe(2);
    const e = JSON.parse(r.brokenJson!.stdout).error;
    expect(e).toMatchObject({ file: 'scenarios/broken.yaml' });
    expect(e.line).toBeGreaterThan(0);
    expect(e.column).toBeGreaterThan(0);
    expect(e.message).toContain('nosuchpolicy');
    noStack(r.brokenJson!);
  });

  it('bad arguments are exit 2 with a usage message and no stack trace', () => {
    expect(r.badOption!.code).toBe(2);
    expect(r.badOption!.stderr).toMatch(/^iamspec: Unknown option '--bogus'$/m);
    expect(r.badOption!.stderr).toContain('Usage: iamspec test');
    noStack(r.badOption!);
  });
});
