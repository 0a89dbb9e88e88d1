// `iamspec lint` and the lint findings `iamspec test` reports, through main(argv, io) on projects
// written to a temporary folder: exit codes, reporters, --fail-on, ignore files, suite lint.disable.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { IO } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const doc = (Action: string, Resource = '*') => JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'S', Effect: 'Allow', Action, Resource }] }, null, 2);
const TYPO = doc('s3:GetObjects'); // error at line 7
const WARN = doc('s3:GetObject', 'arn:aws:s3:::bucket'); // resource type mismatch (warning)
const GOOD = doc('s3:GetObject', 'arn:aws:s3:::bucket/*');

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'iamspec-lint-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

async function run(args: string[], cwd: string) {
  const out = { stdout: '', stderr: '' };
  const io: IO = { stdout: { write: (s: string) => ((out.stdout += s), true) }, stderr: { write: (s: string) => ((out.stderr += s), true) }, cwd, env: {} };
  return { code: await main(args, io), ...out };
}

const suite = (lint = '') => `suite: s
policies:
  typo: ../policies/typo.json
principals:
  u: {arn: "arn:aws:iam::210987654321:user/u", policies: [typo]}
${lint}cases:
  - name: c
    principal: u
    action: s3:GetObject
    resource: "*"
    expect: implicitDeny
`;

describe('iamspec lint', () => {
  it('a policy folder: errors exit 1 and are named at file:line; a clean folder exits 0', async () => {
    const dir = project({ 'policies/typo.json': TYPO, 'policies/good.json': GOOD, 'policies/notes.json': '{"not": "a policy"}' });
    const r = await run(['lint'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('policies/typo.json:7:17: error Invalid action [invalid-action]: s3 has no action "GetObjects"');
    expect(r.stdout).toMatch(/1 error, 0 warnings, 0 suggestions \(2 policies\)\n$/);
    const clean = await run(['lint', 'policies/good.json'], dir);
    expect(clean.code).toBe(0);
  });

  it('--fail-on warning makes warnings fail; --reporter json and --output', async () => {
    const dir = project({ 'p/warn.json': WARN });
    expect((await run(['lint', 'p'], dir)).code).toBe(0);
    expect((await run(['lint', 'p', '--fail-on', 'warning'], dir)).code).toBe(1);
    const j = await run(['lint', 'p', '--reporter', 'json', '--output', 'out/lint.json'], dir);
    expect(j.stdout).toBe('');
    const report = JSON.parse(readFileSync(join(dir, 'out/lint.json'), 'utf8')) as { summary: { warning: number }; findings: { rule: string; line: number }[] };
    expect(report.summary.warning).toBe(1);
    expect(report.findings[0]).toMatchObject({ rule: 'resource-type-mismatch', line: 7 });
  });

  it('an ignore file disables a rule for a file (kept as "disabled" in the count); an unknown rule in it is exit 2 at its line', async () => {
    const dir = project({
      'policies/typo.json': TYPO,
      'policies/.iamspec-lint.yaml': 'disable:\n  - rule: invalid-action\n    file: typo.json\n    reason: a new action the catalog lacks\n',
    });
    const r = await run(['lint'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 disabled');
    writeFileSync(join(dir, 'policies/.iamspec-lint.yaml'), 'disable:\n  - invalid-actoin\n');
    const bad = await run(['lint'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('policies/.iamspec-lint.yaml:2:5');
    expect(bad.stderr).toContain('did you mean "invalid-action"?');
  });

  it('nothing to lint, or a missing path, is exit 2', async () => {
    const dir = project({ 'empty/readme.json': '{}' });
    expect((await run(['lint', 'empty'], dir)).code).toBe(2);
    expect((await run(['lint', 'nope'], dir)).code).toBe(2);
  });
});

describe('iamspec test: lint findings of the policies a suite uses', () => {
  it('a lint error stops the run with exit 2 at the policy line; lint.disable for that policy lets it run', async () => {
    const dir = project({ 'policies/typo.json': TYPO, 'scenarios/s.yaml': suite() });
    const r = await run(['test'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('policies/typo.json:7:17');
    expect(r.stderr).toContain('Invalid action');
    writeFileSync(join(dir, 'scenarios/s.yaml'), suite('lint:\n  disable:\n    - {rule: invalid-action, policy: typo, reason: new action}\n'));
    const ok = await run(['test'], dir);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    // The same policy through `iamspec lint` of the suite: the finding is there, disabled.
    const lint = await run(['lint', 'scenarios', '--reporter', 'json'], dir);
    expect(JSON.parse(lint.stdout).findings[0]).toMatchObject({ rule: 'invalid-action', suppressed: { reason: 'new action' } });
  });

  it('lint warnings are printed as warnings and do not fail the run', async () => {
    const dir = project({ 'policies/typo.json': WARN, 'scenarios/s.yaml': suite() });
    const r = await run(['test'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('policies/typo.json:7:17: warning Resource type mismatch');
  });

  it('lint.disable naming an unknown rule or policy is exit 2 at the entry', async () => {
    const dir = project({ 'policies/typo.json': GOOD, 'scenarios/s.yaml': suite('lint:\n  disable: [no-such-rule]\n') });
    const r = await run(['test'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/scenarios\/s\.yaml:7:\d+: lint\.disable: unknown rule "no-such-rule"/);
    writeFileSync(join(dir, 'scenarios/s.yaml'), suite('lint:\n  disable:\n    - {rule: invalid-action, policy: tpyo}\n'));
    const p = await run(['test'], dir);
    expect(p.code).toBe(2);
    expect(p.stderr).toContain('lint.disable: unknown policy "tpyo"; did you mean "typo"?');
  });
});

describe('iamspec explain --policy: the same lint as a suite\'s policies', () => {
  const args = ['--principal', 'arn:aws:iam::210987654321:user/u', '--action', 's3:GetObject', '--resource', 'arn:aws:s3:::bucket'];
  it('a lint error is exit 2 at the line; a warning goes to stderr and the explanation still runs; an ignore file applies', async () => {
    const dir = project({ 'p/typo.json': TYPO, 'p/warn.json': WARN });
    const bad = await run(['explain', '--policy', 'p/typo.json', ...args], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('p/typo.json:7:17');
    expect(bad.stderr).toContain('Invalid action');
    const warn = await run(['explain', '--policy', 'p/warn.json', ...args], dir);
    expect(warn.code).toBe(0);
    expect(warn.stderr).toContain('p/warn.json:7:17: warning Resource type mismatch');
    expect(warn.stdout).toContain('decision');
    writeFileSync(join(dir, 'p/.iamspec-lint.yaml'), 'disable: [invalid-action]\n');
    expect((await run(['explain', '--policy', 'p/typo.json', ...args], dir)).code).toBe(0);
  });
});

