// `iamspec synth [paths…]`: the CDKTF app of stacks/ run against the suites of the current
// directory (the deploy set, the verification gate, cdktf.out/stacks/<stack>/cdk.tf.json). The
// stack needs the optional CDKTF packages: checked before anything of stacks/ loads.

import { EXIT } from '../scenario/report.ts';
import { SuiteError } from '../scenario/model.ts';
import { parse } from './args.ts';
import { SYNTH_HELP } from './help.ts';
import type { IO } from './io.ts';
import { requirePackages, STACK_PACKAGES } from './peers.ts';

const OPTIONS = {
  outdir: { type: 'string' },
  stack: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function synthCommand(argv: string[], io: IO): Promise<number> {
  const { values: o, positionals } = parse(argv, OPTIONS, SYNTH_HELP);
  if (o.help) {
    io.stdout.write(SYNTH_HELP);
    return EXIT.ok;
  }
  requirePackages('synth', STACK_PACKAGES);
  const { optionsFromEnv, reportError, synthesize } = await import('../../stacks/main.ts');
  const opts = optionsFromEnv(io.env);
  if (positionals.length) opts.paths = positionals;
  const outdir = o.outdir ?? io.env.CDKTF_OUTDIR;
  if (outdir) opts.outdir = outdir;
  if (o.stack) opts.stackName = o.stack;
  try {
    await synthesize({ ...opts, root: io.cwd, log: (l) => io.stdout.write(`${l}\n`), warn: (l) => io.stderr.write(`${l}\n`) });
    return EXIT.ok;
  } catch (e) {
    if (e instanceof SuiteError) throw e; // printed by main like every command's input errors
    return reportError(e, (s) => io.stderr.write(s));
  }
}
