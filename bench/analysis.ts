// The analyses on the seed project, through the real CLI (`node bin/iamspec.js`, a child process
// as a user runs it; wall time includes Node's start-up, about 0.5 s):
//   - `iamspec mutate` on the seed suites (scenarios/): every mutant compiled once and the suites
//     run in-process against it (target < 10 s);
//   - `iamspec diff` with full catalog enumeration on the seed policies (target < 5 s): the blog
//     policy against its corrected version (test/fixtures/diff/force-mfa-corrected.json), and
//     every seed policy changed (a trailing newline: new text, same meaning), so that every
//     principal of every suite is enumerated, none skipped as unchanged.
//
//   node bin/run-ts.js bench/analysis.ts [--runs 5]

import { cpSync, appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measure, median, table, type Measure } from './scale.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin/iamspec.js');

interface Row {
  what: string;
  runs: Measure[];
  /** What the last run reported, in a few words. */
  reported: string;
  target: string;
}

function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  } catch {
    return 'n/a';
  }
}

/** Runs the CLI `runs` times with `--output out`; returns the measures and the last JSON report. */
function runCli(args: string[], out: string, runs: number): { runs: Measure[]; report: { summary: Record<string, number> } } {
  const measures: Measure[] = [];
  for (let i = 0; i < runs; i++) {
    const m = measure(process.execPath, [CLI, ...args, '--format', 'json', '--output', out], ROOT);
    if (m.code !== 0) throw new Error(`iamspec ${args.join(' ')} exited ${m.code}`);
    measures.push(m);
  }
  return { runs: measures, report: JSON.parse(readFileSync(out, 'utf8')) as { summary: Record<string, number> } };
}

/** A copy of the seed project (scenarios/ and policies/) in dir. */
function copySeed(dir: string): string {
  for (const d of ['scenarios', 'policies']) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
  return dir;
}

function policyFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(dir, f));
}

export function analysisBench(runs: number): void {
  const tmp = mkdtempSync(join(tmpdir(), 'iamspec-bench-analysis-'));
  try {
    const rows: Row[] = [];
    const loadBefore = loadAverage();

    const mutate = runCli(['mutate', '--quiet', 'scenarios/'], join(tmp, 'mutate.json'), runs);
    const ms = mutate.report.summary;
    rows.push({ what: 'iamspec mutate scenarios/', runs: mutate.runs, reported: `${ms.mutants} mutants of ${ms.targets} policies, score ${ms.score}%`, target: '< 10 s' });

    const base = copySeed(join(tmp, 'base'));
    const corrected = copySeed(join(tmp, 'corrected'));
    cpSync(join(ROOT, 'test/fixtures/diff/force-mfa-corrected.json'), join(corrected, 'policies/mfa-blog/force-mfa.json'));
    const blog = runCli(['diff', base, corrected, '--path', 'scenarios/mfa-blog-policy.yaml'], join(tmp, 'diff-blog.json'), runs);
    rows.push({ what: 'iamspec diff: blog policy → corrected', runs: blog.runs, reported: requests(blog.report.summary), target: '< 5 s' });

    const all = copySeed(join(tmp, 'all'));
    cpSync(join(ROOT, 'test/fixtures/diff/force-mfa-corrected.json'), join(all, 'policies/mfa-blog/force-mfa.json'));
    for (const f of policyFiles(join(all, 'policies'))) appendFileSync(f, '\n');
    const every = runCli(['diff', base, all], join(tmp, 'diff-all.json'), runs);
    rows.push({ what: 'iamspec diff: every seed policy changed', runs: every.runs, reported: requests(every.report.summary), target: '< 5 s' });

    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    console.log(
      table([
        [`node bin/iamspec.js … (median of ${runs} runs)`, 'wall', 'CPU', 'peak RSS', 'target', 'reported'],
        ...rows.map((r) => [
          r.what,
          s(median(r.runs.map((m) => m.wallMs))),
          s(median(r.runs.map((m) => m.cpuMs))),
          `${Math.round(Math.max(...r.runs.map((m) => m.rssMB)))} MB`,
          r.target,
          r.reported,
        ]),
      ]),
    );
    console.log(`\nload average before / after: ${loadBefore} / ${loadAverage()} (2 shared cores: wall time grows with load, CPU time much less)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function requests(summary: Record<string, number>): string {
  return `${summary.requests!.toLocaleString('en-US')} requests of ${summary.probes!.toLocaleString('en-US')} probes, ${summary.added} added / ${summary.removed} removed`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
  analysisBench(Number(values.runs));
}
