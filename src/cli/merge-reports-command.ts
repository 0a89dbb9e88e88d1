// `iamspec merge-reports <report.json…>`: the JSON reports of a --shard matrix merged into one
// (src/scenario/merge.ts), printed by any reporter, with the exit code of the whole run.

import { resolve } from 'node:path';
import type { DifferentialReport } from '../aws/differential.ts';
import { useColor } from '../scenario/format-explanation.ts';
import { loadSuites } from '../scenario/loader.ts';
import { mergeReports, type MergedReport } from '../scenario/merge.ts';
import { EXIT } from '../scenario/report.ts';
import { formatJunit, REPORTER_NAMES, REPORTERS, toProblem, type ReporterContext } from '../scenario/reporters/index.ts';
import { describeResults, exitCodeOf, type RunReport } from '../scenario/runner.ts';
import { CliUsageError, oneOf, parse } from './args.ts';
import { MERGE_REPORTS_HELP } from './help.ts';
import { readFileArg, writeOut, type IO } from './io.ts';

const OPTIONS = {
  reporter: { type: 'string' },
  output: { type: 'string' },
  'junit-file': { type: 'string' },
  quiet: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function mergeReportsCommand(argv: string[], io: IO): Promise<number> {
  const { values: o, positionals } = parse(argv, OPTIONS, MERGE_REPORTS_HELP);
  if (o.help) {
    io.stdout.write(MERGE_REPORTS_HELP);
    return EXIT.ok;
  }
  const reporter = REPORTERS[oneOf(o.reporter ?? 'pretty', REPORTER_NAMES, '--reporter', MERGE_REPORTS_HELP)]!;
  if (positionals.length === 0) {
    throw new CliUsageError('merge-reports needs the JSON reports to merge, e.g. reports/shard-*.json', MERGE_REPORTS_HELP);
  }
  const inputs = positionals.map((name) => ({ name, text: readFileArg(io, name, 'report ').text }));
  const merged = mergeReports(inputs);
  const run = explained(merged, io);
  const outputFile = o.output ? resolve(io.cwd, o.output) : undefined;
  const ctx: ReporterContext = {
    cwd: io.cwd,
    color: reporter.name === 'pretty' && !outputFile && useColor(io.stdout, io.env),
    quiet: o.quiet === true,
    verbose: o.verbose === true,
    note: `${inputs.length} ${inputs.length === 1 ? 'report' : 'reports'} merged`,
  };
  // Reports of --against aws|recorded runs print as `iamspec test` prints them: the differential view.
  const text =
    merged.against !== undefined && (reporter.name === 'json' || reporter.name === 'pretty')
      ? (await import('../aws/differential.ts')).renderDifferential(merged as unknown as DifferentialReport, reporter.name)
      : reporter.report(run, ctx);
  if (outputFile) writeOut(outputFile, text);
  else io.stdout.write(text);
  if (o['junit-file']) writeOut(resolve(io.cwd, o['junit-file']), formatJunit(run, { ...ctx, color: false }));
  return exitCodeOf(merged);
}

/**
 * The failures' explanations (file:line, the engine's reasoning) come from the suites, loaded from
 * the working directory when they can be; otherwise the report's own fields are shown, and a note
 * says why.
 */
function explained(report: MergedReport, io: IO): RunReport {
  const files = [...new Set(report.results.filter((r) => !r.pass && r.skipped === undefined).map((r) => r.file))];
  if (files.length === 0) return { ...report, details: new Map() };
  try {
    return describeResults(report, loadSuites(files.map((f) => resolve(io.cwd, f)), { cwd: io.cwd }), io.cwd);
  } catch (e) {
    const problem = toProblem(e);
    if (!problem) throw e;
    io.stderr.write(`iamspec merge-reports: failures are shown without explanations: their suites cannot be loaded here (${problem.message})\n`);
    return { ...report, details: new Map() };
  }
}
