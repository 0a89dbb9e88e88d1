// `iamspec lint [paths…]`: wiring only; the run is src/lint/run.ts, the reports src/lint/format.ts.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { counts, formatLintJson, formatLintPretty, formatLintSarif } from '../lint/format.ts';
import { lintPaths } from '../lint/run.ts';
import { POLICY_TYPES } from '../policy/index.ts';
import { palette, useColor } from '../scenario/format-explanation.ts';
import { EXIT } from '../scenario/report.ts';
import { oneOf, parse } from './args.ts';
import { LINT_HELP } from './help.ts';
import { packageJson } from './package.ts';
import type { IO } from './io.ts';

const OPTIONS = {
  reporter: { type: 'string' },
  output: { type: 'string' },
  type: { type: 'string' },
  'fail-on': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function lintCommand(argv: string[], io: IO): number {
  const { values: o, positionals } = parse(argv, OPTIONS, LINT_HELP);
  if (o.help) {
    io.stdout.write(LINT_HELP);
    return EXIT.ok;
  }
  const reporter = oneOf(o.reporter ?? 'pretty', ['pretty', 'json', 'sarif'] as const, '--reporter', LINT_HELP);
  const failOn = oneOf(o['fail-on'] ?? 'error', ['error', 'warning'] as const, '--fail-on', LINT_HELP);
  const type = o.type !== undefined ? oneOf(o.type, POLICY_TYPES, '--type', LINT_HELP) : undefined;
  const defaults = ['policies', 'scenarios'].filter((d) => existsSync(resolve(io.cwd, d)));
  const paths = positionals.length ? positionals : defaults.length ? defaults : ['.'];
  const report = lintPaths(paths, { cwd: io.cwd, ...(type ? { type } : {}) });
  const output = o.output !== undefined ? resolve(io.cwd, o.output) : undefined;
  const text =
    reporter === 'json'
      ? formatLintJson(report)
      : reporter === 'sarif'
        ? formatLintSarif(report, { version: packageJson().version, root: io.cwd })
        : formatLintPretty(report, palette(!output && useColor(io.stdout, io.env)));
  if (output) {
    mkdirSync(dirname(output), { recursive: true });
    writeFileSync(output, text);
  } else io.stdout.write(text);
  const c = counts(report.findings);
  return c.error > 0 || (failOn === 'warning' && c.warning > 0) ? EXIT.failed : EXIT.ok;
}
