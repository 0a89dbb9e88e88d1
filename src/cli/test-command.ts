// `iamspec test [paths…]`: load suites, select (--filter, --shard), run locally or against the
// simulator / a recording, report. Wiring only: the logic lives in src/scenario.

import { resolve } from 'node:path';
import { useColor } from '../scenario/format-explanation.ts';
import {
  REPORTERS,
  REPORTER_NAMES,
  formatJunit,
  formatPolicyWarnings,
  formatSuiteWarnings,
  toProblem,
  type Reporter,
  type ReporterContext,
} from '../scenario/reporters/index.ts';
import {
  describeResults,
  exitCodeOf,
  loadPropertyChecker,
  parseShard,
  runSuites,
  selectSuites,
  type RunReport,
  type SelectOptions,
} from '../scenario/runner.ts';
import { loadSuites } from '../scenario/loader.ts';
import type { Suite } from '../scenario/model.ts';
import { EXIT } from '../scenario/report.ts';
import { CliUsageError, oneOf, parse, reporterArg } from './args.ts';
import { TEST_HELP } from './help.ts';
import { progressLine, writeOut, type IO } from './io.ts';
import { loadRunAgainst } from './load.ts';

const OPTIONS = {
  reporter: { type: 'string' },
  output: { type: 'string' },
  'junit-file': { type: 'string' },
  filter: { type: 'string' },
  shard: { type: 'string' },
  against: { type: 'string' },
  record: { type: 'boolean' },
  strict: { type: 'boolean' },
  coverage: { type: 'boolean' },
  'coverage-min': { type: 'string' },
  'coverage-file': { type: 'string' },
  'coverage-format': { type: 'string' },
  'no-properties': { type: 'boolean' },
  'allow-outside': { type: 'boolean' },
  seed: { type: 'string' },
  quiet: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const AGAINST = ['local', 'aws', 'recorded'] as const;
const COVERAGE_FORMATS = ['lcov', 'cobertura', 'json'] as const;
type CoverageFormat = (typeof COVERAGE_FORMATS)[number];

/** --coverage-format, else from the file's extension (.info/.lcov, .xml, .json). */
function coverageFormat(file: string, format: string | undefined): CoverageFormat {
  if (format !== undefined) return oneOf(format, COVERAGE_FORMATS, '--coverage-format', TEST_HELP);
  const ext = /\.([^./\\]+)$/.exec(file)?.[1]?.toLowerCase();
  if (ext === 'info' || ext === 'lcov') return 'lcov';
  if (ext === 'xml') return 'cobertura';
  if (ext === 'json') return 'json';
  throw new CliUsageError(`--coverage-file ${file}: say which format with --coverage-format lcov|cobertura|json (or name the file .info, .xml or .json)`, TEST_HELP);
}

/** --coverage-min: a percentage of statements, 0–100. */
function coverageMin(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const n = m ? Number(m[1]) : NaN;
  if (!(n >= 0 && n <= 100)) throw new CliUsageError(`--coverage-min takes a percentage of statements from 0 to 100 (got "${text}")`, TEST_HELP);
  return n;
}

/** The reporter named on the command line, found before full parsing so usage errors use it too. */
function peekReporter(argv: string[]): Reporter {
  return REPORTERS[reporterArg(argv) ?? 'pretty'] ?? REPORTERS.pretty!;
}

export async function testCommand(argv: string[], io: IO): Promise<number> {
  let reporter = peekReporter(argv);
  let outputFile: string | undefined;
  const ctx: ReporterContext = { cwd: io.cwd, color: false };
  const emit = (text: string) => {
    if (outputFile) writeOut(outputFile, text);
    else if (text) io.stdout.write(text);
  };
  let progressDone = () => {};
  try {
    const { values: o, positionals } = parse(argv, OPTIONS, TEST_HELP);
    if (o.help) {
      io.stdout.write(TEST_HELP);
      return EXIT.ok;
    }
    const name = o.reporter ?? 'pretty';
    if (name.includes(',')) {
      throw new CliUsageError('--reporter takes one reporter (stdout); add --junit-file FILE for a JUnit file beside it', TEST_HELP);
    }
    reporter = REPORTERS[oneOf(name, REPORTER_NAMES, '--reporter', TEST_HELP)]!;
    outputFile = o.output ? resolve(io.cwd, o.output) : undefined;
    ctx.color = reporter.name === 'pretty' && !outputFile && useColor(io.stdout, io.env);
    ctx.quiet = o.quiet === true;
    ctx.verbose = o.verbose === true;
    const against = oneOf(o.against ?? 'local', AGAINST, '--against', TEST_HELP);
    if (o.record && against !== 'aws') throw new CliUsageError('--record needs --against aws', TEST_HELP);
    if (o.strict && against !== 'local') throw new CliUsageError('--strict checks the local engine\'s decisions: use it with --against local', TEST_HELP);
    const shard = o.shard !== undefined ? parseShard(o.shard) : undefined;
    const withProps = o['no-properties'] !== true;
    const selection: SelectOptions = { ...(o.filter !== undefined ? { filter: o.filter } : {}), ...(shard ? { shard } : {}), properties: withProps };
    if (o.seed !== undefined && !/^-?\d+$/.test(o.seed)) throw new CliUsageError(`--seed takes an integer (got "${o.seed}")`, TEST_HELP);
    const seed = o.seed !== undefined ? Number(o.seed) : undefined;
    const minCoverage = o['coverage-min'] !== undefined ? coverageMin(o['coverage-min']) : undefined;
    if (o['coverage-format'] !== undefined && o['coverage-file'] === undefined) throw new CliUsageError('--coverage-format needs --coverage-file FILE', TEST_HELP);
    const coverageOut = o['coverage-file'] !== undefined ? { file: resolve(io.cwd, o['coverage-file']), format: coverageFormat(o['coverage-file'], o['coverage-format']) } : undefined;
    const wantCoverage = o.coverage === true || minCoverage !== undefined || coverageOut !== undefined;
    const notes = [shard ? `shard ${shard.index}/${shard.count}` : '', against !== 'local' ? `against ${against}` : ''];
    const note = notes.filter(Boolean).join(', ');
    if (note) ctx.note = note;

    // The live/recorded adapter loads only when asked (live runs load the AWS SDK).
    const runAgainst = against === 'local' ? null : await loadRunAgainst(against);
    const started = performance.now();
    const suites = loadSuites(positionals.length ? positionals : ['scenarios/'], { cwd: io.cwd, allowOutside: o['allow-outside'] === true });
    const loaded = performance.now();
    // Never in json mode on a non-TTY stderr, unless the JSON goes to a file.
    const progress = progressLine(io, ctx.quiet === true || (io.stderr.isTTY !== true && reporter.name === 'json' && !outputFile), 'cases');
    progressDone = progress.done;
    let run: RunReport;
    // --against aws|recorded: pretty and json print the differential report (local vs AWS per
    // case, disagreements first); junit and github report AWS's decisions like a local run.
    let differential: string | null = null;
    let unwritten: { file: string; message: string }[] = [];
    if (runAgainst) {
      const selected = selectSuites(suites, selection);
      const partial = selection.filter !== undefined || selection.shard !== undefined;
      const report = await runAgainst(against as 'aws' | 'recorded', selected, {
        record: o.record === true,
        cwd: io.cwd,
        onProgress: progress.update,
        ...(partial ? { wholeSuites: suites } : {}),
      });
      if (shard) report.shard = shard;
      unwritten = report.unwritten ?? [];
      run = describeResults(report, selected, io.cwd);
      if (reporter.name === 'json' || reporter.name === 'pretty') {
        const { renderDifferential } = await import('../aws/differential.ts');
        differential = renderDifferential(report, reporter.name);
      }
    } else {
      const wantProps = withProps && suites.some((s) => s.properties.length > 0);
      run = runSuites(suites, {
        ...selection,
        onProgress: progress.update,
        cwd: io.cwd,
        checkProperty: wantProps ? await loadPropertyChecker() : null,
        strict: o.strict === true,
        ...(seed !== undefined ? { seed } : {}),
      });
    }
    progress.done();
    if (shard) run.shard = shard; // the JSON report says which slice it is (merge-reports checks)
    // Coverage is a second, traced pass over the selected cases: runs without it pay nothing.
    const coverage = wantCoverage ? (await import('../analysis/coverage.ts')).computeCoverage(selectSuites(suites, selection), { cwd: io.cwd }) : undefined;
    const ran = performance.now();
    ctx.durationMs = ran - started;
    let text = differential ?? reporter.report(run, ctx);
    const formats = coverage ? await import('../analysis/coverage-formats.ts') : undefined;
    if (coverage && formats && o.coverage) {
      // pretty and json carry coverage in their output; junit and github output is XML / workflow commands, so it goes to stderr.
      if (reporter.name === 'pretty') text += formats.formatCoveragePretty(coverage, { color: ctx.color });
      else if (reporter.name === 'json') text = text.replace(/\}\n?$/, `,"coverage":${JSON.stringify(coverage)}}\n`);
      else io.stderr.write(formats.formatCoveragePretty(coverage, { color: useColor(io.stderr, io.env) }));
    }
    const formatted = performance.now();
    emit(text);
    if (coverage && formats && coverageOut) {
      const { file, format } = coverageOut;
      writeOut(file, format === 'lcov' ? formats.formatLcov(coverage) : format === 'cobertura' ? formats.formatCobertura(coverage) : `${JSON.stringify(coverage, null, 2)}\n`);
    }
    if (reporter.name === 'pretty' && !ctx.quiet) {
      const ran = new Set(run.results.map((r) => r.suite)); // the suites --filter / --shard kept
      const used = suites.filter((s) => ran.has(s.name));
      io.stderr.write(formatPolicyWarnings(used, io.cwd) + formatSuiteWarnings(used, io.cwd));
    }
    if (o['junit-file']) writeOut(resolve(io.cwd, o['junit-file']), formatJunit(run, { ...ctx, color: false }));
    if (io.env.IAMSPEC_PROFILE) {
      // One line for bench/scale.ts: where the time went (ms since process start for `startup`).
      const ms = (x: number) => Math.round(x);
      const profile = {
        startup: ms(started),
        load: ms(loaded - started),
        run: ms(ran - loaded),
        format: ms(formatted - ran),
        write: ms(performance.now() - formatted),
        cases: run.results.length,
        outputBytes: Buffer.byteLength(text),
        maxRssKB: process.resourceUsage().maxRSS,
      };
      io.stderr.write(`iamspec-profile ${JSON.stringify(profile)}\n`);
      // When the process really ends (after stdout drained): ms since process start.
      if (io.stderr === process.stderr) {
        process.once('exit', () => process.stderr.write(`iamspec-profile-exit ${Math.round(performance.now())}\n`));
      }
    }
    if (unwritten.length) {
      for (const u of unwritten) io.stderr.write(`iamspec: cannot write the recording ${u.file}: ${u.message} (the report above is complete; nothing was recorded for that suite)\n`);
      return EXIT.usage;
    }
    const code = exitCodeOf(run);
    const s = run.summary;
    if (s.passed + s.failed + s.errors === 0) io.stderr.write(`iamspec: ${nothingChecked(run, suites, selection)}\n`);
    if (coverage && formats && minCoverage !== undefined) {
      const { decided, statements, percent } = coverage.summary;
      if (decided * 100 < minCoverage * statements) {
        io.stderr.write(`iamspec: coverage ${percent}% of statements (${decided}/${statements} decided a case) is below --coverage-min ${minCoverage}%\n`);
        return code === EXIT.ok ? EXIT.failed : code;
      }
      if (!ctx.quiet && !o.coverage) io.stderr.write(`${formats.coverageSummaryLine(coverage)}\n`);
    }
    return code;
  } catch (e) {
    progressDone();
    const problem = toProblem(e);
    if (!problem) throw e;
    if (e instanceof CliUsageError) problem.usage = e.usage;
    const out = reporter.error(problem, { ...ctx, color: useColor(io.stderr, io.env) && reporter.name === 'pretty' });
    try {
      emit(out.stdout);
    } catch {
      io.stdout.write(out.stdout);
    }
    if (out.stderr) io.stderr.write(out.stderr);
    return EXIT.usage;
  }
}

/** Why a run checked nothing (exit 1), in one sentence. */
function nothingChecked(run: RunReport, suites: Suite[], selection: SelectOptions): string {
  if (run.results.length > 0) return `nothing was checked: all ${run.results.length} cases and properties were skipped (the reasons are in the report)`;
  const items = suites.reduce((n, s) => n + s.cases.length + (selection.properties === false ? 0 : s.properties.length), 0);
  const why =
    items === 0
      ? 'the suites hold only properties, and --no-properties skips them'
      : selection.shard
        ? `--shard ${selection.shard.index}/${selection.shard.count} leaves this slice empty (the selection holds ${items} case${items === 1 ? '' : 's'} and properties in all)`
        : 'no case or property was selected';
  return `nothing was checked: ${why}; a run that checks nothing fails (exit 1)`;
}

