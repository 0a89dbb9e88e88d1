// Actions whose resource types none of the statement's resources can be (spec §3.1, §3.2):
// s3:ListBucket on `bucket/*`, s3:GetObject on a bucket ARN, an account-level action such as
// iam:GetAccountSummary (no resource types: evaluated against "*") on a user ARN. The statement
// then never applies to that action. A warning: the ARN formats are documentation, and a few
// services authorize other forms.
//
// "Can be" is decided by intersecting two patterns: the policy's resource (`*`, `?`, policy
// variables standing for any text) and the catalog's ARN format (each `${Placeholder}` standing
// for one or more characters). A small automaton product, linear in their lengths' product; no
// regular expression is built from policy text.

import { catalog, type ActionInfo } from '../../catalog/index.ts';
import type { Located, Statement } from '../model.ts';
import { parseTemplate } from '../variables.ts';
import type { FindingList } from './findings.ts';
import { pointer } from './findings.ts';
import { hasWildcard } from './text.ts';

/**
 * A pattern token: a literal character, or one character (`one`) or a run of any length (`run`)
 * of a class: any character, or a "segment" character (neither ":" nor "/").
 */
type Cls = 'any' | 'seg';
type Token = string | { one: Cls } | { run: Cls };
const ANY: Token = { one: 'any' };
const STAR: Token = { run: 'any' };

/** Placeholders that never hold ":" or "/" (an S3 bucket name, the partition, Region, account). */
const SEGMENT_PLACEHOLDERS = new Set(['Partition', 'Region', 'Account', 'BucketName']);

export function checkResourceTypes(st: Statement, variables: boolean, out: FindingList): void {
  if (!st.action || !st.resource || st.resource.some((r) => r.value === '*')) return;
  const resources = st.resource.map((r) => policyTokens(r.value, variables));
  st.action.forEach((a, k) => {
    // `*` and wildcard service prefixes (`*:List*`) would read every service's file: not judged.
    if (hasWildcard(a.value.slice(0, a.value.indexOf(':') + 1)) || a.value === '*') return;
    const actions = catalog.expand(a.value);
    if (actions.length === 0) return; // unknown: reported by known-actions
    if (actions.some((info) => canMatch(info, resources))) return;
    out.add('Resource type mismatch', 'warning', message(a, actions), a, pointer(st, 'Action', k));
  });
}

function canMatch(info: ActionInfo, resources: Token[][]): boolean {
  // No resource types: the request resource is "*", which only Resource "*" matches (spec §3.1).
  if (info.resourceTypes.length === 0) return false;
  return info.resourceTypes.some((rt) => {
    const format = catalog.resourceType(info.service, rt.name)?.arnFormat;
    if (!format) return true; // the catalog does not say: assume it can
    const t = templateTokens(format);
    return resources.some((r) => overlaps(r, t));
  });
}

function message(a: Located<string>, actions: ActionInfo[]): string {
  const one = actions.length === 1;
  const subject = one ? a.value : `the ${actions.length} actions ${JSON.stringify(a.value)} matches`;
  const it = one ? 'it' : 'them';
  if (actions.every((x) => x.resourceTypes.length === 0)) {
    return `${subject} ${one ? 'has' : 'have'} no resource-level permissions: IAM evaluates ${it} against "*", which only "Resource": "*" matches (spec §3.1), so this statement never applies to ${it}: move ${it} to a statement with "Resource": "*"`;
  }
  const types = [...new Set(actions.flatMap((x) => x.resourceTypes.map((rt) => rt.name)))];
  const formats = [...new Set(actions.flatMap((x) => x.resourceTypes.map((rt) => catalog.resourceType(x.service, rt.name)?.arnFormat ?? rt.name)))];
  const shown = formats.slice(0, 3).join(', ') + (formats.length > 3 ? `, … (${formats.length - 3} more)` : '');
  return `${subject} ${one ? 'acts' : 'act'} on ${listOr(types)} resources (${shown}); none of this statement's resources can be one, so the statement never applies to ${it}: add a matching ARN`;
}

function listOr(names: string[]): string {
  return names.length <= 3 ? names.join(' or ') : `${names.slice(0, 3).join(', ')} or ${names.length - 3} other types`;
}

/** A policy resource as tokens: `*` and `?` are wildcards, a variable stands for any text. */
function policyTokens(v: string, variables: boolean): Token[] {
  const out: Token[] = [];
  const glob = (text: string): void => {
    for (const ch of text) out.push(ch === '*' ? STAR : ch === '?' ? ANY : ch);
  };
  if (!variables || !v.includes('${')) {
    glob(v);
    return out;
  }
  for (const part of parseTemplate(v).parts) {
    if (part.kind === 'text') glob(part.text);
    else if (part.kind === 'literal') out.push(...part.text);
    else out.push(STAR);
  }
  return out;
}

const templateCache = new Map<string, Token[]>();

/** An ARN format as tokens: each `${Placeholder}` is one or more characters. */
function templateTokens(format: string): Token[] {
  let out = templateCache.get(format);
  if (out) return out;
  out = [];
  for (let i = 0; i < format.length; ) {
    const close = format.startsWith('${', i) ? format.indexOf('}', i) : -1;
    if (close > 0) {
      const cls: Cls = SEGMENT_PLACEHOLDERS.has(format.slice(i + 2, close)) ? 'seg' : 'any';
      out.push({ one: cls }, { run: cls });
      i = close + 1;
    } else out.push(format[i++]!);
  }
  templateCache.set(format, out);
  return out;
}

/** True when some string matches both patterns. */
function overlaps(a: Token[], b: Token[]): boolean {
  const width = b.length + 1;
  const seen = new Uint8Array((a.length + 1) * width);
  const stack: number[] = [0];
  seen[0] = 1;
  const push = (i: number, j: number): void => {
    const s = i * width + j;
    if (!seen[s]) {
      seen[s] = 1;
      stack.push(s);
    }
  };
  while (stack.length > 0) {
    const s = stack.pop()!;
    const i = Math.floor(s / width);
    const j = s % width;
    if (i === a.length && j === b.length) return true;
    const x = a[i];
    const y = b[j];
    const xRun = isRun(x);
    const yRun = isRun(y);
    if (xRun) push(i + 1, j); // a run may end here
    if (yRun) push(i, j + 1);
    if (x === undefined || y === undefined || (xRun && yRun) || !compatible(x, y)) continue;
    // Both produce one character; a run stays where it is to produce more.
    push(xRun ? i : i + 1, yRun ? j : j + 1);
  }
  return false;
}

function isRun(t: Token | undefined): boolean {
  return typeof t === 'object' && 'run' in t;
}

/** Some character satisfies both tokens. */
function compatible(x: Token, y: Token): boolean {
  if (typeof x === 'string') return typeof y === 'string' ? x === y : allows(y, x);
  if (typeof y === 'string') return allows(x, y);
  return true; // two classes always share a letter
}

function allows(t: Exclude<Token, string>, ch: string): boolean {
  const cls = 'one' in t ? t.one : t.run;
  return cls === 'any' || (ch !== ':' && ch !== '/');
}
