// `iamspec test --coverage`, `--coverage-min`, `--coverage-file` through main(argv, io), in-process.

import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runMain } from './in-process.ts';
import { PASSING, project } from './project.ts';

const repo = resolve(import.meta.dirname, '../..');
const dir = project({ passing: PASSING });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], cwd = dir) => runMain(args, cwd);

// PASSING: mfa.json (1 Deny, decides the no-MFA cases) and s3.json (1 Allow, decides the read).
const SUMMARY = 'coverage: 2/2 statements decided a case (100%); 0 matched but never decided; 0 never matched (2 policies, 3 cases)';

describe('iamspec test --coverage', () => {
  it('pretty: the coverage section after the results', async () => {
    const r = await run(['test', '--coverage']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/3 passed[^\n]*\n\nCoverage \(statements that decided a case/);
    // every statement decided, but no case lacks the MFA key: the policy is listed in full
    expect(r.stdout).toContain('    policies/mfa.json  1/1 decided');
    expect(r.stdout).toContain('BoolIfExists aws:MultiFactorAuthPresent (line 17): present-true 2 · present-false 1 · absent 0  never absent');
    expect(r.stdout).toContain('  ✓ policies/s3.json  1/1 decided');
    expect(r.stdout).toContain(SUMMARY);
  });

  it('json: the report gains a "coverage" object; without --coverage it has none', async () => {
    const r = await run(['test', '--coverage', '--reporter', 'json']);
    const report = JSON.parse(r.stdout);
    expect(report.summary.passed).toBe(3);
    expect(report.coverage.summary).toEqual({ cases: 3, policies: 2, statements: 2, decided: 2, matched: 0, unmatched: 0, percent: 100 });
    expect(report.coverage.policies[0].statements[0]).toMatchObject({ sid: 'BlockMostAccessUnlessSignedInWithMFA', status: 'decided', decided: 2 });
    expect(JSON.parse((await run(['test', '--reporter', 'json'])).stdout).coverage).toBeUndefined();
  });

  it('junit keeps stdout XML: coverage goes to stderr', async () => {
    const r = await run(['test', '--coverage', '--reporter', 'junit']);
    expect(r.stdout.startsWith('<?xml')).toBe(true);
    expect(r.stdout).not.toContain('coverage:');
    expect(r.stderr).toContain(SUMMARY);
  });

  it('--coverage-min: exit 1 with a message below it, 0 at or above it', async () => {
    // --filter keeps only the read case: the MFA Deny decides nothing → 1/2 = 50%.
    const low = await run(['test', '--filter', 'reads with MFA', '--coverage-min', '75']);
    expect(low.code).toBe(1);
    expect(low.stderr).toContain('iamspec: coverage 50% of statements (1/2 decided a case) is below --coverage-min 75%');
    const ok = await run(['test', '--filter', 'reads with MFA', '--coverage-min', '50%']);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('coverage: 1/2 statements decided a case (50%)');
  });

  it('--coverage-file writes lcov, Cobertura or JSON (from --coverage-format or the extension)', async () => {
    expect((await run(['test', '--coverage-file', 'out/cov.info'])).code).toBe(0);
    expect(readFileSync(join(dir, 'out/cov.info'), 'utf8')).toMatch(/^TN:\nSF:policies\/mfa\.json\n/);
    await run(['test', '--coverage-file', 'out/cov.xml']);
    expect(readFileSync(join(dir, 'out/cov.xml'), 'utf8')).toMatch(/<class name="s3" filename="policies\/s3\.json" line-rate="1"/);
    await run(['test', '--coverage-file', 'out/cov.txt', '--coverage-format', 'json']);
    expect(JSON.parse(readFileSync(join(dir, 'out/cov.txt'), 'utf8')).summary.percent).toBe(100);
  });

  it('bad coverage arguments exit 2 with a clear message', async () => {
    for (const [args, message] of [
      [['--coverage-min', 'lots'], '--coverage-min takes a percentage of statements from 0 to 100 (got "lots")'],
      [['--coverage-min', '101'], '--coverage-min takes a percentage of statements from 0 to 100 (got "101")'],
      [['--coverage-file', 'cov.dat'], '--coverage-file cov.dat: say which format with --coverage-format lcov|cobertura|json'],
      [['--coverage-format', 'lcov'], '--coverage-format needs --coverage-file FILE'],
      [['--coverage-file', 'c.info', '--coverage-format', 'html'], '--coverage-format must be one of lcov, cobertura, json (got "html")'],
    ] as const) {
      const r = await run(['test', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
    }
  });

  it('prints the coverage of the seed suites', async () => {
    const r = await run(['test', '--coverage', '--quiet'], repo);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\ncoverage: \d+\/\d+ statements decided a case \(\d+(\.\d)?%\); \d+ matched but never decided; \d+ never matched \(\d+ policies, \d+ cases\)\n$/);
    expect(r.stdout).toContain('policies/mfa-blog/force-mfa.json');
  });
});
