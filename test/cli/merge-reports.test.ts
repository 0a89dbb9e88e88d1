// `iamspec merge-reports` on the reports of a real --shard matrix (run in-process on a project on
// disk): the merged report is the whole run's, explained from the suites, with its exit code.

import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMain } from './in-process.ts';
import { FAILING, FAILING_CASE_LINE, PASSING, project } from './project.ts';

const red = project({ passing: PASSING, failing: FAILING });
afterAll(() => rmSync(red, { recursive: true, force: true }));

const shards = ['reports/shard-1.json', 'reports/shard-2.json', 'reports/shard-3.json'];
let whole: { summary: unknown; results: unknown[] };

beforeAll(async () => {
  for (const [i, file] of shards.entries()) await runMain(['test', '--shard', `${i + 1}/3`, '--reporter', 'json', '--output', file], red);
  whole = JSON.parse((await runMain(['test', '--reporter', 'json'], red)).stdout);
});

describe('iamspec merge-reports', () => {
  it('each shard report says which shard it is', () => {
    expect(JSON.parse(readFileSync(join(red, shards[1]!), 'utf8')).shard).toEqual({ index: 2, count: 3 });
    expect(whole).not.toHaveProperty('shard');
  });

  it('json: exactly the report of the unsharded run; exit 1 because a case failed', async () => {
    const r = await runMain(['merge-reports', ...shards, '--reporter', 'json'], red);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual(whole);
  });

  it('pretty: the failure explained from its suite (file:line), the summary of the whole run', async () => {
    const r = await runMain(['merge-reports', ...[...shards].reverse()], red);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`scenarios/failing.yaml:${FAILING_CASE_LINE}:`);
    expect(r.stdout).toContain('decided by');
    expect(r.stdout).toMatch(/1 failed, 4 passed \(5 cases, 2 suites, 3 reports merged/);
  });

  it('github annotations on stdout and a JUnit file beside them', async () => {
    const r = await runMain(['merge-reports', ...shards, '--reporter', 'github', '--junit-file', 'reports/merged.xml'], red);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^::error file=scenarios/failing\\.yaml,line=${FAILING_CASE_LINE},`, 'm'));
    const xml = readFileSync(join(red, 'reports/merged.xml'), 'utf8');
    expect(xml).toContain('<testsuites name="iamspec" tests="5" failures="1" errors="0" skipped="0"');
    expect(xml.match(/<testsuite /g)).toHaveLength(2);
  });

  it('all shards passing: exit 0', async () => {
    const dir = project({ passing: PASSING });
    try {
      for (const i of [1, 2]) await runMain(['test', '--shard', `${i}/2`, '--reporter', 'json', '--output', `s${i}.json`], dir);
      const r = await runMain(['merge-reports', 's1.json', 's2.json', '--output', 'merged.txt'], dir);
      expect(r.code).toBe(0);
      expect(readFileSync(join(dir, 'merged.txt'), 'utf8')).toMatch(/3 passed \(3 cases, 1 suite, 2 reports merged/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a missing shard, an unreadable file or no file at all: exit 2 with the reason', async () => {
    const missing = await runMain(['merge-reports', shards[0]!, shards[2]!], red);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing shard 2/3');
    const json = await runMain(['merge-reports', shards[0]!, '--reporter', 'json'], red);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).error.message).toMatch(/^missing shards 2\/3, 3\/3/);
    const unreadable = await runMain(['merge-reports', 'reports/shard-*.json'], red);
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toContain('cannot read report reports/shard-*.json: no such file');
    const none = await runMain(['merge-reports'], red);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage: iamspec merge-reports');
  });

  it('suites that cannot be loaded any more: the failures without explanations, and a note why', async () => {
    const moved = project({});
    try {
      const r = await runMain(['merge-reports', ...shards.map((s) => join(red, s))], moved);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^iamspec merge-reports: failures are shown without explanations: their suites cannot be loaded here/);
      expect(r.stdout).toContain('wrongly expects access without MFA');
    } finally {
      rmSync(moved, { recursive: true, force: true });
    }
  });
});
