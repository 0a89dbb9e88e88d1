// The `iamspec` command: argument parsing and wiring only (architecture.md). bin/iamspec.js calls
// main(argv) and uses the result as the exit code.
//
// Exit codes: 0 passed · 1 a case failed · 2 the input could not be used (file:line:column, no
// stack trace) · 3 an internal error (one line plus "please report"; IAMSPEC_DEBUG=1 prints the
// stack).

import { useColor } from '../scenario/format-explanation.ts';
import { errorJson, formatProblem, toProblem } from '../scenario/reporters/index.ts';
import { EXIT } from '../scenario/report.ts';
import { CliUsageError, formatArg, reporterArg } from './args.ts';
import { MAIN_HELP } from './help.ts';
import { processIO, type IO } from './io.ts';
import { packageJson } from './package.ts';

export const EXIT_INTERNAL = 3;

export async function main(argv: string[], io: IO = processIO()): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      // Each command loads only its own modules (startup time is paid on every run).
      case 'test':
        return await (await import('./test-command.ts')).testCommand(rest, io);
      case 'explain':
        return await (await import('./explain-command.ts')).explainCommand(rest, io);
      case 'mutate':
        return await (await import('./mutate-command.ts')).mutateCommand(rest, io);
      case 'diff':
        return (await import('./diff-command.ts')).diffCommand(rest, io);
      case 'validate':
        return (await import('./validate-command.ts')).validateCommand(rest, io);
      case 'merge-reports':
        return await (await import('./merge-reports-command.ts')).mergeReportsCommand(rest, io);
      case 'init':
        return (await import('./init-command.ts')).initCommand(rest, io);
      case 'synth':
        return await (await import('./synth-command.ts')).synthCommand(rest, io);
      case 'validate-stack':
        return await (await import('./validate-stack-command.ts')).validateStackCommand(rest, io);
      case 'from-cloudtrail':
        return (await import('./from-cloudtrail-command.ts')).fromCloudtrailCommand(rest, io);
      case 'lint':
        return (await import('./lint-command.ts')).lintCommand(rest, io);
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(MAIN_HELP);
        return EXIT.ok;
      case '--version':
      case '-v':
        io.stdout.write(`iamspec ${packageJson().version}\n`);
        return EXIT.ok;
      case undefined:
        io.stderr.write(MAIN_HELP);
        return EXIT.usage;
      default:
        throw new CliUsageError(
          command.startsWith('-') ? `unknown option ${command}` : `unknown command "${command}"`,
          MAIN_HELP,
        );
    }
  } catch (e) {
    const problem = toProblem(e);
    const json = rest.includes('--json') || reporterArg(rest) === 'json' || formatArg(rest) === 'json';
    if (problem) {
      if (e instanceof CliUsageError && e.usage) problem.usage = e.usage;
      if (json) io.stdout.write(JSON.stringify(errorJson(problem, io.cwd)) + '\n');
      else io.stderr.write(formatProblem(problem, { cwd: io.cwd, color: useColor(io.stderr, io.env) }));
      return EXIT.usage;
    }
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    if (json) {
      io.stdout.write(JSON.stringify({ error: { file: '', line: 0, column: 0, message: `internal error: ${message}` } }) + '\n');
    }
    io.stderr.write(
      `iamspec: internal error: ${message.split('\n')[0]}\n` +
        `  This is a bug in iamspec, not in your policies: please report it with the command you ran.\n` +
        (io.env.IAMSPEC_DEBUG ? `${(e as Error)?.stack ?? ''}\n` : `  (IAMSPEC_DEBUG=1 prints the stack trace)\n`),
    );
    return EXIT_INTERNAL;
  }
}
