// node:util parseArgs with user-facing errors: an unknown or malformed option is a UsageError
// (exit 2, message plus the command's usage), never a stack trace.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../scenario/runner.ts';
import { editDistance } from '../policy/names.ts';

export class CliUsageError extends UsageError {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;
/** parseArgs' result, named so the type declarations of the build can refer to it. */
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: boolean; strict: true }>>;

export function parse<O extends Options>(argv: string[], options: O, usage: string, positionals = true): Parsed<O> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: positionals, strict: true });
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      const msg = (e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, '').replace(/\. To specify a positional argument.*$/s, '');
      throw new CliUsageError(msg, usage);
    }
    throw e;
  }
}

/** One of the allowed words, or a usage error listing them. */
export function oneOf<T extends string>(value: string, allowed: readonly T[], option: string, usage: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new CliUsageError(`${option} must be one of ${allowed.join(', ')} (got "${value}")`, usage);
}

/** `key=value` pairs (tags); any key is kept as written, `__proto__` and `constructor` too. */
export function keyValues(items: string[] | undefined, option: string, usage: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const item of items ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new CliUsageError(`${option} takes KEY=VALUE (got "${item}")`, usage);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** Closest names first: those containing the query, then most shared words, then by edit distance. */
export function suggestions(query: string, names: Iterable<string>, max = 5): string[] {
  const q = query.toLowerCase();
  const words = (s: string) => s.toLowerCase().split(/[^a-z0-9:*@/.-]+/).filter(Boolean);
  const qw = words(query);
  const scored: { name: string; score: number }[] = [];
  for (const name of names) {
    const n = name.toLowerCase();
    if (n.includes(q) || q.includes(n)) {
      scored.push({ name, score: Math.abs(n.length - q.length) / 1000 });
      continue;
    }
    const nw = new Set(words(name));
    const shared = qw.length ? qw.filter((w) => nw.has(w)).length / qw.length : 0;
    if (shared >= 0.5) {
      scored.push({ name, score: 1 + (1 - shared) });
      continue;
    }
    const limit = Math.max(3, Math.floor(q.length / 3));
    const d = editDistance(q, n, limit);
    if (d <= limit) scored.push({ name, score: 2 + d });
  }
  return [...new Set(scored.sort((a, b) => a.score - b.score).map((s) => s.name))].slice(0, max);
}

/**
 * The value of `--reporter` (or `--reporter=…`) before full parsing, so even an argument error can
 * be reported in the format asked for.
 */
export function reporterArg(argv: readonly string[]): string | undefined {
  return optionArg(argv, 'reporter');
}

/** The value of `--format` before full parsing (diff, mutate), for the same reason. */
export function formatArg(argv: readonly string[]): string | undefined {
  return optionArg(argv, 'format');
}

function optionArg(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === `--${name}`) return argv[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}
