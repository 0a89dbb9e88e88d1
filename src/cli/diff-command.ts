// `iamspec diff BASE [HEAD]`: the access a change adds and removes. Wiring only: the analysis is
// src/analysis/diff.ts, the versions src/analysis/versions.ts.

import { resolve } from 'node:path';
import { diffVersions } from '../analysis/diff.ts';
import { formatDiffJson, formatDiffMarkdown } from '../analysis/diff-format.ts';
import { openVersion, type Version } from '../analysis/versions.ts';
import { EXIT } from '../scenario/report.ts';
import { CliUsageError, oneOf, parse } from './args.ts';
import { DIFF_HELP } from './help.ts';
import { writeOut, type IO } from './io.ts';

const OPTIONS = {
  path: { type: 'string', multiple: true },
  format: { type: 'string' },
  output: { type: 'string' },
  'fail-on': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const FORMATS = ['markdown', 'json'] as const;
const FAIL_ON = ['added', 'removed', 'any'] as const;

export function diffCommand(argv: string[], io: IO): number {
  const { values: o, positionals } = parse(argv, OPTIONS, DIFF_HELP);
  if (o.help) {
    io.stdout.write(DIFF_HELP);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new CliUsageError('diff needs the version to compare with: iamspec diff BASE [HEAD] (a git ref or a folder)', DIFF_HELP);
  if (positionals.length > 2) throw new CliUsageError(`diff compares two versions, BASE and HEAD (got ${positionals.length}); name suite paths with --path`, DIFF_HELP);
  const format = oneOf(o.format ?? 'markdown', FORMATS, '--format', DIFF_HELP);
  const failOn = o['fail-on'] !== undefined ? oneOf(o['fail-on'], FAIL_ON, '--fail-on', DIFF_HELP) : undefined;
  const versions: Version[] = [];
  try {
    versions.push(openVersion(positionals[0], io.cwd));
    versions.push(openVersion(positionals[1], io.cwd));
    const report = diffVersions(versions[0]!, versions[1]!, o.path ?? ['scenarios/']);
    const text = format === 'json' ? formatDiffJson(report) : formatDiffMarkdown(report);
    if (o.output) writeOut(resolve(io.cwd, o.output), text);
    else io.stdout.write(text);
    const { added, removed } = report.summary;
    const fails = failOn === 'any' ? added + removed > 0 : failOn === 'added' ? added > 0 : failOn === 'removed' ? removed > 0 : false;
    return fails ? EXIT.failed : EXIT.ok;
  } finally {
    for (const v of versions) v.close();
  }
}
