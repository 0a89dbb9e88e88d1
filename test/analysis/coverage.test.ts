// Statement coverage (src/analysis/coverage.ts) on suites read by the real loader, and its lcov /
// Cobertura forms.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { computeCoverage } from '../../src/analysis/coverage.ts';
import { formatCobertura, formatCoveragePretty, formatLcov, missingOutcomes } from '../../src/analysis/coverage-formats.ts';
import { loadSuites } from '../../src/scenario/loader.ts';

const dir = mkdtempSync(join(tmpdir(), 'iamspec-coverage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Written by hand so the statement lines are known: S0 line 4, S1 line 11, S2 line 12, S3 line 13.
const TEAM = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadWithMFA",
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::team/*",
      "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    },
    {"Sid": "Write", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::team/*"},
    {"Sid": "Locked", "Effect": "Deny", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::team/locked/*"},
    {"Sid": "Ec2", "Effect": "Allow", "Action": "ec2:*", "Resource": "*"}
  ]
}
`;

const suite = (name: string, cases: string) => `suite: ${name}
policies:
  team: ../policies/team.json
  spare: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "s3:ListBucket", Resource: "*"}]}
principals:
  jo:
    arn: arn:aws:iam::123456789012:user/jo
    policies: [team]
cases:
${cases}`;

const A = suite(
  'A',
  `  - name: read with MFA
    principal: jo
    action: s3:GetObject
    resource: arn:aws:s3:::team/a
    context: {aws:MultiFactorAuthPresent: true}
    expect: allowed
  - name: read without MFA
    principal: jo
    action: s3:GetObject
    resource: arn:aws:s3:::team/a
    context: {AWS:multifactorauthpresent: false}
    expect: implicitDeny
  - name: locked write
    principal: jo
    action: s3:PutObject
    resource: arn:aws:s3:::team/locked/a
    expect: explicitDeny
`,
);

const B = suite(
  'B',
  `  - name: read with long-term keys (no MFA key at all)
    principal: jo
    action: s3:GetObject
    resource: arn:aws:s3:::team/a
    expect: implicitDeny
`,
);

for (const [path, text] of Object.entries({ 'policies/team.json': TEAM, 'scenarios/a.yaml': A, 'scenarios/b.yaml': B })) {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
}

const load = (...files: string[]) => loadSuites(files.map((f) => join(dir, 'scenarios', f)), { cwd: dir });

describe('computeCoverage', () => {
  const cov = computeCoverage(load('a.yaml', 'b.yaml'), { cwd: dir });
  const team = cov.policies.find((p) => p.policy === 'team')!;

  it('classifies statements: decided a case, matched but never decided, never matched', () => {
    expect(team.file).toBe('policies/team.json');
    expect(team.statements.map((s) => [s.sid, s.status, s.decided, s.matched, s.line])).toEqual([
      ['ReadWithMFA', 'decided', 1, 1, 4],
      // the Allow matched the locked write, but the Deny decided it
      ['Write', 'matched', 0, 1, 11],
      ['Locked', 'decided', 1, 1, 12],
      ['Ec2', 'unmatched', 0, 0, 13],
    ]);
  });

  it('counts each condition key present-true, present-false and absent over the cases that reached it (keys case-insensitive)', () => {
    expect(team.statements[0]!.conditions).toEqual([
      { operator: 'Bool', key: 'aws:MultiFactorAuthPresent', line: 9, column: 30, presentTrue: 1, presentFalse: 1, absent: 1 },
    ]);
    expect(missingOutcomes(team.statements[0]!.conditions[0]!)).toEqual([]);
  });

  it('merges one policy file used by several suites; an inline policy used by nothing is listed, not counted', () => {
    expect(team.suites).toEqual(['A', 'B']);
    expect(cov.policies.map((p) => p.policy)).toEqual(['team']);
    expect(cov.unused.map((u) => [u.policy, u.file])).toEqual([
      ['spare', 'scenarios/a.yaml'],
      ['spare', 'scenarios/b.yaml'],
    ]);
    expect(cov.summary).toEqual({ cases: 4, policies: 1, statements: 4, decided: 2, matched: 1, unmatched: 1, percent: 50 });
  });

  it('a condition a suite never reaches is reported as such', () => {
    const only = computeCoverage(load('b.yaml'), { cwd: dir });
    const c = only.policies[0]!.statements[0]!.conditions[0]!;
    expect([c.presentTrue, c.presentFalse, c.absent]).toEqual([0, 0, 1]);
    expect(missingOutcomes(c)).toEqual(['present-true', 'present-false']);
    expect(only.policies[0]!.statements[0]!.status).toBe('unmatched'); // the condition failed: reached, not matched
    expect(formatCoveragePretty(only)).toMatch(/Bool aws:MultiFactorAuthPresent \(line 9\): present-true 0 · present-false 0 · absent 1 {2}never present-true, present-false/);
  });

  it('pretty: one line per fully covered policy, every statement of the others, and the summary', () => {
    const text = formatCoveragePretty(cov);
    expect(text).toContain('    policies/team.json  2/4 decided');
    expect(text).toContain('~ #1 Write (Allow) line 11  matched 1 case, never decided one');
    expect(text).toContain('✗ #3 Ec2 (Allow) line 13  never matched');
    expect(text).toMatch(/coverage: 2\/4 statements decided a case \(50%\); 1 matched but never decided; 1 never matched \(1 policy, 4 cases\)\n$/);
  });

  it('lcov: a DA line per statement (hits = cases decided), three BRDA branches per condition entry', () => {
    expect(formatLcov(cov)).toBe(
      [
        'TN:',
        'SF:policies/team.json',
        'BRDA:9,0,0,1',
        'BRDA:9,0,1,1',
        'BRDA:9,0,2,1',
        'DA:4,1',
        'DA:11,0',
        'DA:12,1',
        'DA:13,0',
        'BRF:3',
        'BRH:3',
        'LF:4',
        'LH:2',
        'end_of_record',
        '',
      ].join('\n'),
    );
  });

  it('lcov marks the branches of a condition no case reached as not taken ("-")', () => {
    const write = computeCoverage(load('a.yaml').map((s) => ({ ...s, cases: s.cases.filter((c) => c.name === 'locked write') })), { cwd: dir });
    expect(formatLcov(write)).toContain('BRDA:9,0,0,-\nBRDA:9,0,1,-\nBRDA:9,0,2,-\n');
  });

  it('Cobertura: a class per policy file, statement lines with their condition outcomes as branches', () => {
    const xml = formatCobertura(cov, { timestamp: 1_700_000_000_000 });
    expect(xml).toContain('<coverage line-rate="0.5" branch-rate="1" lines-covered="2" lines-valid="4" branches-covered="3" branches-valid="3" complexity="0" version="iamspec" timestamp="1700000000">');
    expect(xml).toContain('<package name="policies" line-rate="0.5" branch-rate="1" complexity="0">');
    expect(xml).toContain('<class name="team" filename="policies/team.json" line-rate="0.5" branch-rate="1" complexity="0">');
    expect(xml).toContain('<line number="4" hits="1" branch="true" condition-coverage="100% (3/3)"/>');
    expect(xml).toContain('<line number="13" hits="0" branch="false"/>');
  });
});
