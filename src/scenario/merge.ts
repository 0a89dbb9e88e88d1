// One report from the JSON reports of a sharded run (`iamspec test --shard i/n --reporter json`,
// one per CI matrix job): the results of the whole run in its order, the summary of the whole, and
// the checks that make a merged report worth trusting — every shard 1…n exactly once (reports carry
// `shard` since iamspec writes it), one n for all, and no case reported twice.

import type { CaseResult, Report, ReportSummary } from './report.ts';
import { UsageError, type Shard } from './runner.ts';

export interface ReportInput {
  /** The file as named on the command line (messages use it). */
  name: string;
  text: string;
}

/** Reports of `--against aws|recorded` runs carry these besides the contract's fields. */
export interface MergedReport extends Report {
  against?: string;
  differential?: Record<string, number>;
}

interface Parsed {
  name: string;
  report: MergedReport;
}

export function mergeReports(inputs: readonly ReportInput[]): MergedReport {
  if (inputs.length === 0) throw new UsageError('no reports to merge');
  const parsed = inputs.map(parseReport);
  checkShards(parsed);
  const against = parsed[0]!.report.against;
  for (const p of parsed) {
    if (p.report.against !== against) {
      throw new UsageError(
        `${p.name} is a report ${p.report.against ? `against ${p.report.against}` : 'of the local engine'}, ${parsed[0]!.name} ${against ? `against ${against}` : 'of the local engine'}: merge the reports of one run`,
      );
    }
  }
  const ordered = parsed.every((p) => p.report.shard) ? [...parsed].sort((a, b) => a.report.shard!.index - b.report.shard!.index) : parsed;
  const results = groupBySuite(interleave(ordered.map((p) => p.report.results)));
  checkOverlap(ordered);

  const summary: ReportSummary = { suites: new Set(results.map((r) => `${r.file}\u0000${r.suite}`)).size, passed: 0, failed: 0, errors: 0, skipped: 0 };
  for (const { report } of parsed) {
    summary.passed += report.summary.passed;
    summary.failed += report.summary.failed;
    summary.errors += report.summary.errors;
    summary.skipped += report.summary.skipped;
  }
  const merged: MergedReport = { summary, results };
  if (against !== undefined) {
    merged.against = against;
    const differential: Record<string, number> = {};
    for (const { report } of parsed) {
      for (const [k, v] of Object.entries(report.differential ?? {})) differential[k] = (differential[k] ?? 0) + v;
    }
    merged.differential = differential;
  }
  return merged;
}

function parseReport(input: ReportInput): Parsed {
  const { name } = input;
  let v: unknown;
  try {
    v = JSON.parse(input.text);
  } catch (e) {
    throw new UsageError(`${name} is not JSON (${(e as Error).message}): merge-reports reads what \`iamspec test --reporter json\` writes`);
  }
  const o = (typeof v === 'object' && v !== null ? v : {}) as Record<string, unknown>;
  const err = o.error as { file?: unknown; line?: unknown; column?: unknown; message?: unknown } | undefined;
  if (err && typeof err.message === 'string') {
    const at = typeof err.file === 'string' && err.file ? `${err.file}:${String(err.line)}:${String(err.column)}: ` : '';
    throw new UsageError(`${name}: that run could not use its input, so it has no results to merge: ${at}${err.message}`);
  }
  const s = o.summary as Record<string, unknown> | undefined;
  const counts = ['suites', 'passed', 'failed', 'errors', 'skipped'];
  const wellFormed =
    typeof s === 'object' &&
    s !== null &&
    counts.every((k) => Number.isInteger(s[k])) &&
    Array.isArray(o.results) &&
    o.results.every(
      (r: Record<string, unknown>) =>
        typeof r === 'object' && r !== null && typeof r.file === 'string' && typeof r.suite === 'string' && typeof r.case === 'string' && typeof r.pass === 'boolean',
    );
  if (!wellFormed) throw new UsageError(`${name} is not a report of \`iamspec test --reporter json\` (it needs "summary" and "results")`);
  const shard = o.shard as Record<string, unknown> | undefined;
  if (shard !== undefined && !(Number.isInteger(shard.index) && Number.isInteger(shard.count) && (shard.index as number) >= 1 && (shard.index as number) <= (shard.count as number))) {
    throw new UsageError(`${name}: "shard" must be {"index": i, "count": n} with 1 ≤ i ≤ n`);
  }
  return { name, report: o as unknown as MergedReport };
}

const shardText = (s: Shard) => `${s.index}/${s.count}`;

/** All reports are shards of one n, each index once, none missing; or none is a shard. */
function checkShards(parsed: readonly Parsed[]): void {
  const sharded = parsed.filter((p) => p.report.shard);
  if (sharded.length === 0) return;
  const whole = parsed.find((p) => !p.report.shard);
  if (whole) {
    throw new UsageError(`${whole.name} is the report of a run without --shard, ${sharded[0]!.name} of shard ${shardText(sharded[0]!.report.shard!)}: merge the shards of one run`);
  }
  const n = parsed[0]!.report.shard!.count;
  const seen = new Map<number, string>();
  for (const p of parsed) {
    const s = p.report.shard!;
    if (s.count !== n) throw new UsageError(`${p.name} is shard ${shardText(s)}, ${parsed[0]!.name} shard ${shardText(parsed[0]!.report.shard!)}: the shards of one run share n`);
    const other = seen.get(s.index);
    if (other !== undefined) throw new UsageError(`shard ${shardText(s)} is given twice: ${other} and ${p.name}`);
    seen.set(s.index, p.name);
  }
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length) {
    throw new UsageError(
      `missing ${missing.length === 1 ? 'shard' : 'shards'} ${missing.map((i) => `${i}/${n}`).join(', ')}: the merged report would leave ${missing.length === 1 ? 'its' : 'their'} cases out (did a matrix job fail before writing its report?)`,
    );
  }
}

/** No case in two reports: overlapping shards, or reports of different runs. */
function checkOverlap(parsed: readonly Parsed[]): void {
  const where = new Map<string, string>();
  const overlaps: string[] = [];
  for (const p of parsed) {
    for (const r of p.report.results) {
      const key = `${r.file}\u0000${r.suite}\u0000${r.case}\u0000${r.property ? 'p' : 'c'}`;
      const first = where.get(key);
      if (first === undefined) where.set(key, p.name);
      else overlaps.push(`"${r.suite} › ${r.case}" (${r.file}) is in ${first} and ${p.name}`);
    }
  }
  if (overlaps.length) {
    const more = overlaps.length > 5 ? `\n  … and ${overlaps.length - 5} more` : '';
    throw new UsageError(`the reports overlap: a case is reported twice\n  ${overlaps.slice(0, 5).join('\n  ')}${more}`);
  }
}

/**
 * Shard i of n holds the run's items i, i+n, i+2n, … in order, so taking one from each shard in
 * turn restores the order of the whole run.
 */
function interleave(lists: readonly CaseResult[][]): CaseResult[] {
  const out: CaseResult[] = [];
  const longest = Math.max(0, ...lists.map((l) => l.length));
  for (let j = 0; j < longest; j++) for (const l of lists) if (j < l.length) out.push(l[j]!);
  return out;
}

/** Each suite's results together (reporters group consecutive results), suites in first-seen order. */
function groupBySuite(results: readonly CaseResult[]): CaseResult[] {
  const groups = new Map<string, CaseResult[]>();
  for (const r of results) {
    const key = `${r.file}\u0000${r.suite}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(r);
  }
  return [...groups.values()].flat();
}
