// `iamspec validate policy.json…`: every finding of the policy validator, as file:line:column.

import { formatFinding, guessPolicyType, readPolicy, POLICY_TYPES, type Finding } from '../policy/index.ts';
import { palette, useColor } from '../scenario/format-explanation.ts';
import { EXIT } from '../scenario/report.ts';
import { displayPath } from '../display-path.ts';
import { CliUsageError, oneOf, parse } from './args.ts';
import { VALIDATE_HELP } from './help.ts';
import { readPolicyArg, type IO } from './io.ts';

const OPTIONS = {
  type: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function validateCommand(argv: string[], io: IO): number {
  const { values: o, positionals } = parse(argv, OPTIONS, VALIDATE_HELP);
  if (o.help) {
    io.stdout.write(VALIDATE_HELP);
    return EXIT.ok;
  }
  if (positionals.length === 0) throw new CliUsageError('validate needs at least one policy file', VALIDATE_HELP);
  const forced = o.type ? oneOf(o.type, POLICY_TYPES, '--type', VALIDATE_HELP) : undefined;
  const p = palette(!o.json && useColor(io.stdout, io.env));
  const all: (Finding & { file: string })[] = [];
  const lines: string[] = [];
  let errors = 0;
  for (const file of positionals) {
    const { path, text, name } = readPolicyArg(io, file, '');
    const type = forced ?? guessPolicyType(text);
    const shown = displayPath(path, io.cwd);
    const { findings } = readPolicy(text, { name, type, file: shown, catalog: true });
    const n = findings.filter((f) => f.severity === 'error').length;
    errors += n;
    for (const f of findings) all.push({ ...f, file: shown });
    if (!o.json) {
      const status = n ? p.red(`${n} error${n === 1 ? '' : 's'}`) : p.green('valid');
      lines.push(`${p.bold(shown)} ${p.dim(`(${type} policy${forced ? '' : ', --type to change'})`)}: ${status}`);
      for (const f of findings) lines.push(`  ${formatFinding({ ...f, file: shown })}`);
    }
  }
  io.stdout.write(o.json ? JSON.stringify(all, null, 2) + '\n' : lines.join('\n') + '\n');
  return errors ? EXIT.failed : EXIT.ok;
}
