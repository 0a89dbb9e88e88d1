// `iamspec validate-stack`: terraform init + validate in the stack `iamspec synth` wrote
// (stacks/validate.ts). Needs terraform, not the CDKTF packages.

import { EXIT } from '../scenario/report.ts';
import { parse } from './args.ts';
import { VALIDATE_STACK_HELP } from './help.ts';
import type { IO } from './io.ts';

const OPTIONS = {
  outdir: { type: 'string' },
  stack: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function validateStackCommand(argv: string[], io: IO): Promise<number> {
  const { values: o } = parse(argv, OPTIONS, VALIDATE_STACK_HELP, false);
  if (o.help) {
    io.stdout.write(VALIDATE_STACK_HELP);
    return EXIT.ok;
  }
  const { validateStack } = await import('../../stacks/validate.ts');
  const outdir = o.outdir ?? io.env.CDKTF_OUTDIR;
  const stackName = o.stack ?? io.env.IAMSPEC_STACK;
  return validateStack({
    root: io.cwd,
    ...(outdir ? { outdir } : {}),
    ...(stackName ? { stackName } : {}),
    out: (s) => io.stdout.write(s),
    err: (s) => io.stderr.write(s),
  });
}
