// Turning lint findings off without comments in the policy (JSON has none): entries written in a
// suite (`lint: {disable: [...]}`) or in an ignore file name a rule, and optionally a policy and a
// statement (its Sid or index). A matched finding is kept, marked `suppressed`, so reports can
// still say what was silenced and why (SARIF suppressions).

import type { Finding, Policy } from '../model.ts';
import { NOTICE_CODES } from '../validate/index.ts';
import { ruleId, RULES } from './index.ts';

export interface DisableEntry {
  /** A rule code or its kebab-case id (`Missing qualifier`, `missing-qualifier`). */
  rule: string;
  /** A suite's policy name; absent: every policy the entry covers. */
  policy?: string;
  /** A Sid or a statement index (from 0); absent: the whole policy. */
  statement?: string | number;
  reason?: string;
  /** Where the entry is written (file:line:column), for reports. */
  by: string;
}

/** Every id a disable entry may name, kebab-case. */
export const RULE_IDS: ReadonlySet<string> = new Set([...RULES.map((r) => r.code), ...NOTICE_CODES].map(ruleId));

/** The statement index a finding's path points into, or undefined for policy-level findings. */
function statementIndex(path: string): number | undefined {
  const m = /^\/Statement(?:\/(\d+))?(?:\/|$)/.exec(path);
  if (!m) return undefined;
  return m[1] === undefined ? 0 : Number(m[1]);
}

function matches(e: DisableEntry, f: Finding, policy: Policy | undefined): boolean {
  if (ruleId(e.rule) !== ruleId(f.code)) return false;
  if (e.policy !== undefined && e.policy !== f.policy) return false;
  if (e.statement === undefined) return true;
  const k = statementIndex(f.path);
  if (k === undefined) return false;
  if (typeof e.statement === 'number') return e.statement === k;
  return policy?.statements[k]?.sid?.value === e.statement || String(k) === e.statement;
}

/** Marks the findings an entry covers as suppressed (the first matching entry wins). */
export function applyDisables(findings: Finding[], entries: readonly DisableEntry[], policy?: Policy): Finding[] {
  for (const f of findings) {
    const e = entries.find((x) => matches(x, f, policy));
    if (e) f.suppressed = e.reason === undefined ? { by: e.by } : { by: e.by, reason: e.reason };
  }
  return findings;
}
