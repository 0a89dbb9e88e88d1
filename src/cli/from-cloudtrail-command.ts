// `iamspec from-cloudtrail [EVENT.json… | -]`: CloudTrail events → cases to paste into a suite.
// Wiring only: the conversion is src/scenario/cloudtrail.ts.

import { CloudTrailError, convertEvent, eventsOf, formatConverted, isDecision, type ConvertedEvent } from '../scenario/cloudtrail.ts';
import { loadSuites } from '../scenario/loader.ts';
import { EXIT } from '../scenario/report.ts';
import { CliUsageError, parse } from './args.ts';
import { FROM_CLOUDTRAIL_HELP } from './help.ts';
import { readFileArg, type IO } from './io.ts';

const OPTIONS = {
  suite: { type: 'string', multiple: true },
  action: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `file: message` for a JSON syntax error, with line:column when the parser gives an offset. */
function parseJsonInput(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /position (\d+)/.exec(message);
    let where = source;
    if (at) {
      const before = text.slice(0, Number(at[1]));
      where += `:${before.split('\n').length}:${before.length - before.lastIndexOf('\n')}`;
    }
    throw new CliUsageError(`${where}: not JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`, '');
  }
}

export function fromCloudtrailCommand(argv: string[], io: IO): number {
  const { values: o, positionals } = parse(argv, OPTIONS, FROM_CLOUDTRAIL_HELP);
  if (o.help) {
    io.stdout.write(FROM_CLOUDTRAIL_HELP);
    return EXIT.ok;
  }
  const inputs = positionals.length ? positionals : io.stdin && io.stdin.isTTY !== true ? ['-'] : [];
  if (inputs.length === 0) throw new CliUsageError('from-cloudtrail needs an event file, or - (or a pipe) for standard input', FROM_CLOUDTRAIL_HELP);
  const suites = o.suite?.length ? loadSuites(o.suite, { cwd: io.cwd }) : [];
  const converted: ConvertedEvent[] = [];
  let skipped = 0;
  for (const input of inputs) {
    const source = input === '-' ? '<stdin>' : input;
    const text = input === '-' ? (io.stdin?.read() ?? '') : readFileArg(io, input, '').text;
    try {
      const events = eventsOf(parseJsonInput(text, source));
      events.forEach((event, i) => {
        const where = events.length > 1 ? `record ${i + 1}` : '';
        try {
          // In a log file, events that failed for other reasons (throttling, validation) are skipped; a lone one is an error.
          if (events.length > 1 && !isDecision(event)) {
            skipped++;
            return;
          }
          converted.push(convertEvent(event, { ...(o.action ? { action: o.action } : {}), suites }));
        } catch (e) {
          if (e instanceof CloudTrailError && where) throw new CloudTrailError(`${where} (eventID ${String(event.eventID ?? '?')}): ${e.message}`);
          throw e;
        }
      });
    } catch (e) {
      if (e instanceof CloudTrailError) throw new CliUsageError(`${source}: ${e.message}`, '');
      throw e;
    }
  }
  if (converted.length === 0) throw new CliUsageError(`no access denial or allowed request among the events (${skipped} failed for other reasons)`, '');
  io.stdout.write(formatConverted(converted));
  if (skipped) io.stderr.write(`iamspec: skipped ${skipped} event(s) whose errorCode is not an access denial (they tell nothing about IAM)\n`);
  return EXIT.ok;
}
