// `iamspec mutate [paths…]`: mutation testing of the policies the suites use. Wiring only: the
// analysis is src/analysis/mutate.ts, the output src/analysis/mutate-format.ts.

import { resolve } from 'node:path';
import { OPERATORS, runMutants } from '../analysis/mutate.ts';
import { formatMutateJson, formatMutatePretty } from '../analysis/mutate-format.ts';
import { useColor } from '../scenario/format-explanation.ts';
import { loadSuites } from '../scenario/loader.ts';
import { EXIT } from '../scenario/report.ts';
import { loadPropertyChecker } from '../scenario/runner.ts';
import { CliUsageError, oneOf, parse } from './args.ts';
import { MUTATE_HELP } from './help.ts';
import { progressLine, writeOut, type IO } from './io.ts';

const OPTIONS = {
  format: { type: 'string' },
  output: { type: 'string' },
  'min-score': { type: 'string' },
  operator: { type: 'string', multiple: true },
  'no-properties': { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

const FORMATS = ['pretty', 'json'] as const;

function minScore(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const n = m ? Number(m[1]) : NaN;
  if (!(n >= 0 && n <= 100)) throw new CliUsageError(`--min-score takes a percentage from 0 to 100 (got "${text}")`, MUTATE_HELP);
  return n;
}

export async function mutateCommand(argv: string[], io: IO): Promise<number> {
  const { values: o, positionals } = parse(argv, OPTIONS, MUTATE_HELP);
  if (o.help) {
    io.stdout.write(MUTATE_HELP);
    return EXIT.ok;
  }
  const format = oneOf(o.format ?? 'pretty', FORMATS, '--format', MUTATE_HELP);
  const min = o['min-score'] !== undefined ? minScore(o['min-score']) : undefined;
  const operators = o.operator?.map((x) => oneOf(x, OPERATORS, '--operator', MUTATE_HELP));
  const suites = loadSuites(positionals.length ? positionals : ['scenarios/'], { cwd: io.cwd });
  const withProps = o['no-properties'] !== true && suites.some((s) => s.properties.length > 0);
  const progress = progressLine(io, o.quiet === true, 'mutants');
  let report;
  try {
    report = runMutants(suites, {
      cwd: io.cwd,
      checkProperty: withProps ? await loadPropertyChecker() : null,
      ...(progress.update ? { onProgress: progress.update } : {}),
      ...(operators ? { operators } : {}),
    });
  } finally {
    progress.done();
  }
  const text = format === 'json' ? formatMutateJson(report) : formatMutatePretty(report, { color: !o.output && useColor(io.stdout, io.env) });
  if (o.output) writeOut(resolve(io.cwd, o.output), text);
  else io.stdout.write(text);
  const s = report.summary;
  if (s.killed + s.survived === 0) {
    // A score over no mutant would read as 100 %: like a test run that checks nothing, it fails.
    const why =
      s.targets === 0
        ? 'the suites use no policy of their own (AWS managed policies are not mutated)'
        : s.mutants === 0
          ? `no ${operators ? 'selected ' : ''}operator applies to the ${s.targets} ${s.targets === 1 ? 'policy' : 'policies'}`
          : `all ${s.mutants} mutants were invalid`;
    io.stderr.write(`iamspec: nothing was mutated: ${why}; a run that checks nothing fails (exit 1)\n`);
    return EXIT.failed;
  }
  if (min !== undefined && s.score < min) {
    io.stderr.write(`iamspec: mutation score ${s.score}% is below --min-score ${min}%\n`);
    return EXIT.failed;
  }
  return EXIT.ok;
}
