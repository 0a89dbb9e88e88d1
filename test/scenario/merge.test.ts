// mergeReports: the JSON reports of a --shard matrix become the report of the whole run, and a set
// of reports that cannot be the whole run (a shard missing or twice, different n, a case twice, a
// run that never started) is refused rather than merged into a report that silently covers less.

import { describe, expect, it } from 'vitest';
import { mergeReports, type ReportInput } from '../../src/scenario/merge.ts';
import { UsageError } from '../../src/scenario/runner.ts';

interface R {
  suite: string;
  case: string;
  pass?: boolean;
  skipped?: string;
}

function report(results: R[], shard?: [number, number], extra: Record<string, unknown> = {}): string {
  const rs = results.map((r) => ({
    file: `scenarios/${r.suite.toLowerCase()}.yaml`,
    suite: r.suite,
    case: r.case,
    principal: 'arn:aws:iam::123456789012:user/a',
    action: 's3:GetObject',
    resource: '*',
    expected: 'allowed',
    actual: r.skipped ? null : r.pass === false ? 'implicitDeny' : 'allowed',
    pass: r.pass !== false && !r.skipped,
    decidedBy: [],
    missingContext: [],
    ...(r.skipped ? { skipped: r.skipped } : {}),
  }));
  const summary = {
    suites: new Set(results.map((r) => r.suite)).size,
    passed: rs.filter((r) => r.pass).length,
    failed: rs.filter((r) => !r.pass && !r.skipped).length,
    errors: 0,
    skipped: rs.filter((r) => r.skipped).length,
  };
  return JSON.stringify({ ...extra, summary, ...(shard ? { shard: { index: shard[0], count: shard[1] } } : {}), results: rs });
}

const input = (name: string, text: string): ReportInput => ({ name, text });

// The whole run: A1 A2 A3 B1 B2 (items 0…4); shard i of 2 holds items i-1, i+1, …
const shard1 = report([{ suite: 'A', case: 'a1' }, { suite: 'A', case: 'a3', pass: false }, { suite: 'B', case: 'b2' }], [1, 2]);
const shard2 = report([{ suite: 'A', case: 'a2' }, { suite: 'B', case: 'b1', skipped: 'no recording' }], [2, 2]);

function refused(inputs: ReportInput[]): string {
  try {
    mergeReports(inputs);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error('merged');
}

describe('mergeReports', () => {
  it('restores the order of the whole run and sums the summary; the suites are counted once', () => {
    const m = mergeReports([input('s2.json', shard2), input('s1.json', shard1)]);
    expect(m.results.map((r) => r.case)).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
    expect(m.summary).toEqual({ suites: 2, passed: 3, failed: 1, errors: 0, skipped: 1 });
    expect(m.shard).toBeUndefined();
  });

  it('reports without shards (e.g. of different directories) are concatenated, each suite together', () => {
    const a = report([{ suite: 'A', case: 'a1' }]);
    const b = report([{ suite: 'B', case: 'b1' }]);
    const m = mergeReports([input('a.json', a), input('b.json', b)]);
    expect(m.results.map((r) => `${r.suite} › ${r.case}`)).toEqual(['A › a1', 'B › b1']);
    expect(m.summary.suites).toBe(2);
  });

  it('a missing shard is an error naming it', () => {
    expect(refused([input('s1.json', shard1)])).toMatch(/^missing shard 2\/2: the merged report would leave its cases out/);
    const three = [1, 2, 3, 4].map((i) => input(`s${i}.json`, report([{ suite: 'A', case: `c${i}` }], [i, 4])));
    expect(refused([three[0]!, three[3]!])).toMatch(/^missing shards 2\/4, 3\/4:/);
  });

  it('the same shard twice, shards of different n, and a whole run among shards are errors', () => {
    expect(refused([input('s1.json', shard1), input('again.json', shard1), input('s2.json', shard2)])).toBe('shard 1/2 is given twice: s1.json and again.json');
    expect(refused([input('s1.json', shard1), input('t.json', report([{ suite: 'C', case: 'c' }], [2, 3]))])).toMatch(/t\.json is shard 2\/3, s1\.json shard 1\/2/);
    expect(refused([input('s1.json', shard1), input('all.json', report([{ suite: 'C', case: 'c' }]))])).toMatch(/all\.json is the report of a run without --shard/);
  });

  it('a case in two reports is an error naming both files', () => {
    const a = report([{ suite: 'A', case: 'a1' }]);
    const msg = refused([input('a.json', a), input('b.json', a)]);
    expect(msg).toBe('the reports overlap: a case is reported twice\n  "A › a1" (scenarios/a.yaml) is in a.json and b.json');
  });

  it('a run that could not start, a file that is not JSON or not a report: errors saying which file', () => {
    const err = JSON.stringify({ error: { file: 'scenarios/x.yaml', line: 3, column: 5, message: 'unknown principal "jon"' } });
    expect(refused([input('s1.json', shard1), input('s2.json', err)])).toBe(
      's2.json: that run could not use its input, so it has no results to merge: scenarios/x.yaml:3:5: unknown principal "jon"',
    );
    expect(refused([input('x.json', '<?xml version="1.0"?>')])).toMatch(/^x\.json is not JSON/);
    expect(refused([input('x.json', '{"results": []}')])).toMatch(/^x\.json is not a report of `iamspec test --reporter json`/);
    expect(refused([input('x.json', report([], [3, 2]))])).toMatch(/"shard" must be/);
    expect(refused([])).toBe('no reports to merge');
  });

  it('differential reports: the same `against` required, the differential counts summed', () => {
    const d = (cases: R[], shard: [number, number], agree: number) =>
      report(cases, shard, { against: 'recorded', differential: { agree, disagree: 0, skipped: 0, errors: 0, calls: 0 } });
    const m = mergeReports([input('1.json', d([{ suite: 'A', case: 'a' }], [1, 2], 1)), input('2.json', d([{ suite: 'A', case: 'b' }], [2, 2], 1))]);
    expect(m.against).toBe('recorded');
    expect(m.differential).toEqual({ agree: 2, disagree: 0, skipped: 0, errors: 0, calls: 0 });
    expect(refused([input('1.json', d([{ suite: 'A', case: 'a' }], [1, 2], 1)), input('2.json', shard2)])).toMatch(/2\.json is a report of the local engine, 1\.json against recorded/);
  });
});
