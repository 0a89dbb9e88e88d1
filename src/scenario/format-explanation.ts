// Explanations as text a reader understands without opening the policy: the decision and why,
// the deciding statements with file:line, the gates of the decision flow, and for each statement
// that did not match, the first element that failed (action, resource, principal, or the condition
// key, operator, request values and policy values). Used by the pretty, JUnit and GitHub
// reporters, by the vitest integration and by `iamspec explain`.

import { stringify } from 'yaml';
import { refName, type Explanation, type Gate, type StatementMiss, type StatementRef, type StatementTrace } from '../engine/types.ts';
import { ASSUMPTION_RULES, type AssumptionId } from '../engine/assumption-rules.ts';
import type { ResultDetail } from './runner.ts';
import { displayPath } from '../display-path.ts';
import type { CaseResult } from './report.ts';

export interface Palette {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
  cyan(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const id = (s: string) => s;

export const PLAIN: Palette = { red: id, green: id, yellow: id, dim: id, bold: id, cyan: id };
export const ANSI: Palette = {
  red: wrap(31, 39),
  green: wrap(32, 39),
  yellow: wrap(33, 39),
  dim: wrap(2, 22),
  bold: wrap(1, 22),
  cyan: wrap(36, 39),
};

export function palette(color: boolean): Palette {
  return color ? ANSI : PLAIN;
}

/** Colours for a stream: only on a TTY, never when NO_COLOR is set; FORCE_COLOR forces them. */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export interface FormatOptions {
  color?: boolean;
  /** Policy file paths are shown relative to this directory. */
  cwd?: string;
  /**
   * How many statements that failed only on their Action (usually just irrelevant to the request)
   * to list; the rest are counted. Default 8; `iamspec explain` lists all.
   */
  maxActionMisses?: number;
  /** Prefix of every line. */
  indent?: string;
}

const MAX_LIST = 8;

function list(values: readonly string[] | null, max = MAX_LIST): string {
  if (values === null) return '(absent)';
  if (values.length === 0) return '[]';
  const shown = values.slice(0, max).map((v) => JSON.stringify(v));
  const more = values.length > max ? `, … ${values.length - max} more` : '';
  return `[${shown.join(', ')}${more}]`;
}

/** `policy#Sid (Deny, identity) policies/x.json:12` */
export function formatRef(ref: StatementRef, opts: FormatOptions = {}): string {
  const p = palette(opts.color === true);
  const type = ref.level !== undefined ? `${ref.policyType} level ${ref.level}` : ref.policyType;
  const where = ref.file ? `${displayPath(ref.file, opts.cwd ?? process.cwd())}:${ref.span.start.line}` : `statement ${ref.index}`;
  return `${p.bold(refName(ref))} (${ref.effect}, ${type}) ${p.dim(where)}`;
}

/** The first element that failed, in one or two lines. */
export function formatMiss(miss: StatementMiss, opts: FormatOptions = {}): string {
  const p = palette(opts.color === true);
  switch (miss.element) {
    case 'Action':
      return `Action: ${miss.action} is not matched by ${list(miss.patterns)}`;
    case 'NotAction':
      return `NotAction: ${miss.action} is excluded by ${list(miss.patterns)}`;
    case 'Resource':
      return `Resource: ${miss.resource} is not matched by ${list(miss.patterns)}${miss.note ? ` (${miss.note})` : ''}`;
    case 'NotResource':
      return `NotResource: ${miss.resource} is excluded by ${list(miss.patterns)}${miss.note ? ` (${miss.note})` : ''}`;
    case 'Principal':
      return `Principal: the caller ${miss.principal} is not among ${list(miss.values)}${miss.note ? ` (${miss.note})` : ''}`;
    case 'NotPrincipal':
      return `NotPrincipal: the caller ${miss.principal} is excluded by ${list(miss.values)}${miss.note ? ` (${miss.note})` : ''}`;
    case 'Condition': {
      const f = miss.failure;
      const req = f.requestValues === null ? p.yellow('(absent)') : list(f.requestValues);
      const where = f.span ? ` ${p.dim(`(line ${f.span.start.line})`)}` : '';
      return `Condition ${p.bold(f.operator)} ${p.bold(f.key)}: request ${req}, policy ${list(f.policyValues)}${f.note ? ` — ${f.note}` : ''}${where}`;
    }
  }
}

function gateLine(g: Gate, p: ReturnType<typeof palette>): string {
  const mark = g.outcome === 'pass' ? p.green('✓') : g.outcome === 'fail' ? p.red('✗') : p.dim('–');
  return `${mark} ${g.gate.padEnd(15)} ${g.detail}`;
}

/** The explanation as indented lines (no trailing newline). */
export function formatExplanation(e: Explanation, opts: FormatOptions = {}): string {
  const p = palette(opts.color === true);
  const ind = opts.indent ?? '';
  const out: string[] = [];
  const line = (depth: number, text: string) => out.push(`${ind}${'  '.repeat(depth)}${text}`);

  line(0, `${p.bold('decision')}  ${decisionWord(e.decision, p)} — ${e.reason}`);
  if (e.decidedBy.length) {
    line(0, `${p.bold('decided by')}`);
    for (const r of e.decidedBy) line(1, formatRef(r, opts));
  }
  const statementKey = (r: StatementRef) => `${r.policy}\u0000${r.policyType}\u0000${r.level ?? ''}\u0000${r.index}`;
  const deciding = new Set(e.decidedBy.map(statementKey));
  const matchedOthers = e.statements.filter((t) => t.matched && !deciding.has(statementKey(t.ref)));
  if (matchedOthers.length) {
    line(0, p.bold('also matched'));
    for (const t of matchedOthers) line(1, formatRef(t.ref, opts));
  }
  if (e.gates.length) {
    line(0, p.bold('gates'));
    for (const g of e.gates) line(1, gateLine(g, p));
  }
  const misses = e.statements.filter((t): t is StatementTrace & { miss: StatementMiss } => !t.matched && t.miss !== undefined);
  const telling = misses.filter((t) => t.miss.element !== 'Action' && t.miss.element !== 'NotAction');
  const actionOnly = misses.filter((t) => t.miss.element === 'Action' || t.miss.element === 'NotAction');
  const maxAction = opts.maxActionMisses ?? 8;
  if (misses.length) {
    line(0, p.bold('did not match'));
    for (const t of telling) {
      line(1, formatRef(t.ref, opts));
      line(2, formatMiss(t.miss, opts));
    }
    for (const t of actionOnly.slice(0, maxAction)) {
      line(1, formatRef(t.ref, opts));
      line(2, formatMiss(t.miss, opts));
    }
    if (actionOnly.length > maxAction) {
      line(1, p.dim(`… ${actionOnly.length - maxAction} more statements whose Action does not match (iamspec explain lists them)`));
    }
  }
  if (e.missingContext.length) line(0, `${p.bold('missing context')} ${e.missingContext.join(', ')}`);
  if (e.assumptions.length) {
    line(0, `${p.bold('assumes')} ${p.dim('(README "Known differences / assumptions"; read the other way, the decision would differ)')}`);
    for (const id of e.assumptions) line(1, formatAssumption(id, p));
  }
  return out.join('\n');
}

/** `date-forms (§4.6 [UNDOCUMENTED]): date-only values are midnight UTC, …` */
export function formatAssumption(id: AssumptionId, p: Palette = PLAIN): string {
  const rule = ASSUMPTION_RULES[id];
  return `${p.yellow(id)} (${rule.section} [${rule.status}]): ${rule.reading}`;
}

function decisionWord(d: string, p: Palette): string {
  return d === 'allowed' ? p.green(d) : p.red(d);
}

/**
 * A failed (or skipped) result as a reader needs it: where the case is, expected vs actual, the
 * request, the reason and the explanation. No trailing newline.
 */
export function formatFailure(r: CaseResult, detail: ResultDetail | undefined, opts: FormatOptions = {}): string {
  const p = palette(opts.color === true);
  const ind = opts.indent ?? '';
  const out: string[] = [];
  const at = detail ? `${displayPath(detail.defined.file, opts.cwd ?? process.cwd())}:${detail.defined.line}:${detail.defined.column}` : r.file;
  out.push(`${ind}${p.dim(at)}`);
  if (r.skipped !== undefined) {
    out.push(`${ind}skipped: ${r.skipped}`);
    return out.join('\n');
  }
  out.push(`${ind}${p.bold('expected')}  ${p.green(r.expected)}`);
  out.push(`${ind}${p.bold('actual')}    ${r.actual === null ? p.yellow('undecided') : p.red(r.actual)}`);
  out.push(`${ind}${p.bold('request')}   ${r.principal} → ${r.action} on ${r.resource}`);
  const redundant = detail?.explanation !== undefined && r.reason === `expected ${r.expected}, got ${r.actual}: ${detail.explanation.reason}`;
  if (r.reason && !redundant) out.push(`${ind}${p.bold('reason')}    ${r.reason}`);
  if (r.counterexample) {
    out.push(`${ind}${p.bold('counterexample')} (paste under cases:):`);
    for (const l of stringify([r.counterexample], { lineWidth: 0 }).trimEnd().split('\n')) out.push(`${ind}  ${l}`);
  }
  if (detail?.explanation) {
    if (detail.note) out.push(`${ind}${p.dim(detail.note)}`);
    out.push(formatExplanation(detail.explanation, opts));
  } else if (r.missingContext.length) {
    out.push(`${ind}${p.bold('missing context')} ${r.missingContext.join(', ')}`);
  }
  return out.join('\n');
}
