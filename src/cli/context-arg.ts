// `--context KEY=VALUE` for `iamspec explain --policy …`, typed exactly as a suite's YAML context
// (src/scenario/context.ts, scenario-format.md "Context"): VALUE is read as a YAML scalar would be
// (true/false → boolean, a decimal → number, `null` removes the key, else text), or as JSON for a
// list (`[…]`) or a stated type (`{"type": "ip", "value": "10.0.0.1"}`); then the IAM catalog's
// type applies to keys it knows (aws:CurrentTime → date, aws:SourceIp → ip …).

import type { ContextValue } from '../engine/request.ts';
import { ContextValueError, typeContextValue } from '../scenario/context.ts';
import type { ContextValueInput } from '../scenario/schema.ts';
import { CliUsageError } from './args.ts';

function yamlish(raw: string, key: string, usage: string): unknown {
  if (raw.startsWith('{') || raw.startsWith('[')) {
    try {
      return JSON.parse(raw);
    } catch {
      throw new CliUsageError(`--context ${key}: ${raw} is not valid JSON (lists: ["a","b"]; types: {"type":"ip","value":"10.0.0.1"})`, usage);
    }
  }
  if (raw === 'null' || raw === '~') return null;
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^-?(0|[1-9]\d*)(\.\d+)?$/.test(raw)) return Number(raw);
  return raw;
}

/** KEY=VALUE typed; a number keeps its digits as written; `warn` receives what looks wrong (epoch milliseconds). */
export function parseContextArg(item: string, usage: string, warn?: (message: string) => void): [string, ContextValue | null] {
  const eq = item.indexOf('=');
  if (eq <= 0) throw new CliUsageError(`--context takes KEY=VALUE (got "${item}")`, usage);
  const key = item.slice(0, eq).trim();
  const raw = item.slice(eq + 1).trim();
  const value = yamlish(raw, key, usage);
  try {
    return [key, typeContextValue(key, value as ContextValueInput, { numberText: (path) => (path.length === 0 ? raw : undefined), ...(warn ? { warn } : {}) })];
  } catch (e) {
    if (e instanceof ContextValueError) throw new CliUsageError(`--context ${key}: ${e.message}`, usage);
    throw e;
  }
}
