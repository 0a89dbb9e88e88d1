// Runs loaded suites through the local engine and builds the JSON report of scenario-format.md.
//
//  - selectSuites: --filter (suite/case/property names, substring, case-insensitive, also
//    `suite › case`) and --shard i/n (item k of the expanded list goes to shard k mod n + 1, so a
//    CI matrix of n jobs covers every case exactly once);
//  - runSuites: per case, evaluate (fast path), compare with `expect`, check `decidedBy`; the full
//    explanation is computed only for failures and kept beside the report (RunReport.details) for
//    the reporters, never in the JSON contract.

import { evaluate } from '../engine/evaluate.ts';
import { refName, type EvaluationResult, type Explanation, type StatementRef } from '../engine/types.ts';
import { displayPath } from '../display-path.ts';
import type { Case, PropertySpec, SourceRef, Suite } from './model.ts';
import { parseReference, referenceMatches, type StatementReference } from './refs.ts';
import type { CaseResult, Report, ReportSummary } from './report.ts';
import { EXIT } from './report.ts';
import { describeForAll, satisfies } from './expectation.ts';
import { resolverFor } from './resolve.ts';

/** A bad command-line request (unknown filter, bad shard): exit 2 with a usage message. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

export interface SelectOptions {
  filter?: string;
  shard?: Shard;
  /** Include property checks (default true). */
  properties?: boolean;
}

/** The signature of src/scenario/properties.ts `checkProperty`. */
export type CheckProperty = (suite: Suite, spec: PropertySpec, opts: { cwd: string; seed?: number }) => CaseResult;

export interface RunOptions extends SelectOptions {
  onProgress?: (done: number, total: number) => void;
  /** Paths in results are relative to this directory (default process.cwd()). */
  cwd?: string;
  /**
   * The property checker. When absent and properties are on, property results are reported as
   * skipped (never as passes); the CLI and test/scenarios.test.ts pass `await loadPropertyChecker()`.
   */
  checkProperty?: CheckProperty | null;
  /** fast-check seed for property checks (default: properties.ts's fixed seed, reproducible). */
  seed?: number;
  /** Fail cases whose outcome rests on an assumption (`iamspec test --strict`). */
  strict?: boolean;
}

/** What reporters need about a failed (or skipped) result beyond the JSON contract. */
export interface ResultDetail {
  /** Where the case or property is written in its suite. */
  defined: SourceRef;
  /** The local engine's full explanation (failures of cases). */
  explanation?: Explanation;
  /** Shown above the explanation (e.g. that it is the local engine's, for a live run). */
  note?: string;
}

export interface RunReport extends Report {
  /** Failed results → where they are written and why the engine decided so. */
  details: Map<CaseResult, ResultDetail>;
}

// ---------------------------------------------------------------------------------------------
// selection

/** Parses `i/n` (1 ≤ i ≤ n). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new UsageError(`--shard takes i/n, e.g. --shard 2/4 (got "${text}")`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard ${text}: need 1 ≤ i ≤ n`);
  }
  return { index, count };
}

function matcher(filter: string): (suite: string, name: string) => boolean {
  const f = filter.trim().toLowerCase().replace(/\s+>\s+/g, ' › ');
  return (suite, name) => {
    const s = suite.toLowerCase();
    const n = name.toLowerCase();
    return s.includes(f) || n.includes(f) || `${s} › ${n}`.includes(f);
  };
}

/**
 * The suites restricted to the selected cases and properties (shallow copies; suites with nothing
 * selected are dropped). Throws UsageError when a filter matches nothing.
 */
export function selectSuites(suites: Suite[], opts: SelectOptions = {}): Suite[] {
  if (opts.shard) {
    const { index, count } = opts.shard;
    if (!Number.isInteger(index) || !Number.isInteger(count) || count < 1 || index < 1 || index > count) {
      throw new UsageError(`--shard ${index}/${count}: need 1 ≤ i ≤ n`);
    }
  }
  const withProps = opts.properties !== false;
  const match = opts.filter !== undefined && opts.filter.trim() !== '' ? matcher(opts.filter) : null;
  if (!match && !opts.shard && withProps) return suites;
  const shard = opts.shard;
  let k = 0; // global item index, for sharding
  const take = (): boolean => {
    const mine = !shard || k % shard.count === shard.index - 1;
    k++;
    return mine;
  };
  const out: Suite[] = [];
  let matched = 0;
  for (const suite of suites) {
    const cases: Case[] = [];
    for (const c of suite.cases) {
      if (match && !match(suite.name, c.name)) continue;
      matched++;
      if (take()) cases.push(c);
    }
    const properties: PropertySpec[] = [];
    if (withProps) {
      for (const p of suite.properties) {
        if (match && !match(suite.name, p.name)) continue;
        matched++;
        if (take()) properties.push(p);
      }
    }
    if (cases.length || properties.length) out.push({ ...suite, cases, properties });
  }
  if (match && matched === 0) {
    throw new UsageError(`--filter "${opts.filter}" matches no suite, case or property`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// one case

/** The `decidedBy` references (`policy#Sid` or `policy#N`) not among the deciding statements. */
export function missingDecidedBy(listed: readonly string[], actual: readonly StatementRef[]): string[] {
  let out: string[] | undefined;
  const refs = parsedRefs(listed);
  for (let i = 0; i < refs.length; i++) {
    const want = refs[i]!;
    if (want === null || !actual.some((r) => referenceMatches(want, r))) (out ??= []).push(listed[i]!);
  }
  return out ?? NONE;
}

/** decidedBy lists parsed once (matrix cases share their list); the loader rejected malformed ones. */
const parsedLists = new WeakMap<readonly string[], (StatementReference | null)[]>();

function parsedRefs(listed: readonly string[]): (StatementReference | null)[] {
  let refs = parsedLists.get(listed);
  if (!refs) parsedLists.set(listed, (refs = listed.map(parseReference)));
  return refs;
}

/**
 * The shared empty list of results without deciding statements or missing keys (most of them):
 * frozen, so a consumer that tries to modify it fails loudly instead of corrupting other results.
 */
const NONE = Object.freeze([]) as unknown as string[];

const refNames = new WeakMap<StatementRef, string>();

/** refName, computed once per statement rather than once per case. */
function cachedRefName(ref: StatementRef): string {
  let n = refNames.get(ref);
  if (n === undefined) refNames.set(ref, (n = refName(ref)));
  return n;
}

export interface CaseOutcome {
  result: CaseResult;
  /** Present for failures. */
  explanation?: Explanation;
}

/** Decides one case: its decision meets `expect` (okDecision), and the `decidedBy` references it misses. */
export function checkCase(suite: Suite, c: Case): { r: EvaluationResult; okDecision: boolean; missingRefs: string[] } {
  const { request, set } = resolverFor(suite).resolve(c);
  const r = evaluate(request, set);
  const okDecision = satisfies(c.expect, r.decision);
  const missingRefs = okDecision && c.decidedBy && c.decidedBy.length ? missingDecidedBy(c.decidedBy, r.decidedBy) : NONE;
  return { r, okDecision, missingRefs };
}

/** Decides one case and compares it with its expectation; `strict`: an outcome resting on an assumption fails. */
export function runCase(suite: Suite, c: Case, cwd = process.cwd(), file = displayPath(suite.file, cwd), strict = false): CaseOutcome {
  const resolver = resolverFor(suite);
  const { r, okDecision, missingRefs } = checkCase(suite, c);
  const decidedBy = r.decidedBy.length === 0 ? NONE : r.decidedBy.map(cachedRefName);
  const assumptions = r.assumptions;
  const assumed = strict && assumptions.length > 0;
  const pass = okDecision && missingRefs.length === 0 && !assumed;
  const result: CaseResult = {
    file,
    suite: suite.name,
    case: c.name,
    principal: resolver.principalArn(c.principal),
    action: c.action,
    resource: c.resource,
    expected: c.expect,
    actual: r.decision,
    pass,
    decidedBy,
    missingContext: r.missingContext,
    assumptions,
  };
  if (pass) return { result };
  const explanation = r.explanation;
  result.reason = !okDecision
    ? `expected ${c.expect}, got ${r.decision}: ${explanation.reason}`
    : missingRefs.length > 0
      ? `decided ${r.decision} as expected, but not by ${missingRefs.join(', ')}${unknownRefs(suite, missingRefs)}: the deciding statements are ${decidedBy.length ? decidedBy.join(', ') : 'none'}`
      : `decided ${r.decision} as expected, but only under the assumption${assumptions.length === 1 ? '' : 's'} ${assumptions.join(', ')} (--strict; README "Known differences / assumptions")`;
  return { result, explanation };
}

/** A note for decidedBy references that name no statement of the suite at all (typos). */
function unknownRefs(suite: Suite, refs: string[]): string {
  const unknown = refs.filter((ref) => {
    const hash = ref.lastIndexOf('#');
    const p = suite.policies.get(hash < 0 ? ref : ref.slice(0, hash));
    if (!p) return true;
    const stmt = ref.slice(hash + 1);
    const compiled = p.compiled.values().next().value;
    if (!compiled) return false; // not compiled yet: cannot tell
    return !compiled.policy.statements.some((s) => s.sid?.value === stmt || String(s.index) === stmt);
  });
  return unknown.length ? ` (no such statement in the suite: ${unknown.join(', ')})` : '';
}

// ---------------------------------------------------------------------------------------------
// the run

const PROGRESS_EVERY = 1024;

/** Runs every (selected) case and property of the suites through the local engine. */
export function runSuites(suites: Suite[], opts: RunOptions = {}): RunReport {
  const cwd = opts.cwd ?? process.cwd();
  const selected = selectSuites(suites, opts); // without properties when opts.properties is false
  let total = 0;
  for (const s of selected) total += s.cases.length + s.properties.length;
  const results: CaseResult[] = new Array(total);
  const details = new Map<CaseResult, ResultDetail>();
  const summary: ReportSummary = { suites: selected.length, passed: 0, failed: 0, errors: 0, skipped: 0 };
  const progress = opts.onProgress;
  let done = 0;
  for (const suite of selected) {
    const file = displayPath(suite.file, cwd);
    for (const c of suite.cases) {
      const { result, explanation } = runCase(suite, c, cwd, file, opts.strict === true);
      results[done++] = result;
      if (result.pass) summary.passed++;
      else {
        summary.failed++;
        details.set(result, explanation ? { defined: c.defined, explanation } : { defined: c.defined });
      }
      if (progress && done % PROGRESS_EVERY === 0) progress(done, total);
    }
    for (const p of suite.properties) {
      const result = runProperty(suite, p, file, cwd, opts.checkProperty ?? null, opts.seed);
      results[done++] = result;
      if (result.skipped !== undefined) summary.skipped++;
      else if (result.pass) summary.passed++;
      else summary.failed++;
      if (!result.pass) details.set(result, { defined: p.defined });
      if (progress) progress(done, total);
    }
  }
  if (progress && total % PROGRESS_EVERY !== 0) progress(done, total);
  return { summary, results, details };
}

function runProperty(suite: Suite, p: PropertySpec, file: string, cwd: string, check: CheckProperty | null, seed?: number): CaseResult {
  if (!check) {
    // No checker given (runSuites without `checkProperty`): reported as skipped, never as passes.
    return {
      file,
      suite: suite.name,
      case: p.name,
      principal: resolverFor(suite).principalArn(p.principal),
      ...describeForAll(p),
      expected: p.expect,
      actual: null,
      pass: false,
      decidedBy: [],
      missingContext: [],
      property: true,
      skipped: 'property checker not available: runSuites was called without checkProperty (pass await loadPropertyChecker())',
    };
  }
  const r = check(suite, p, seed !== undefined ? { cwd, seed } : { cwd });
  if (r.property !== true) r.property = true;
  return r;
}

/**
 * The property checker of src/scenario/properties.ts. Imported lazily on purpose: it pulls in
 * fast-check, which runs without property checks do not need.
 */
export async function loadPropertyChecker(): Promise<CheckProperty> {
  return (await import('./properties.ts')).checkProperty;
}

/**
 * Adds reporter details to a report made elsewhere (the live simulator, a recording): for each
 * failed result, where its case is written and the local engine's explanation of the same request.
 */
export function describeResults(report: Report, suites: Suite[], cwd = process.cwd()): RunReport {
  const details = new Map<CaseResult, ResultDetail>();
  const index = new Map<string, { suite: Suite; c?: Case; p?: PropertySpec }>();
  for (const suite of suites) {
    const file = displayPath(suite.file, cwd);
    for (const c of suite.cases) index.set(`${file}\u0000${suite.name}\u0000${c.name}`, { suite, c });
    for (const p of suite.properties) index.set(`${file}\u0000${suite.name}\u0000${p.name}`, { suite, p });
  }
  for (const r of report.results) {
    if (r.pass || r.skipped !== undefined) continue;
    const hit = index.get(`${r.file}\u0000${r.suite}\u0000${r.case}`);
    if (!hit) continue;
    if (hit.p) {
      details.set(r, { defined: hit.p.defined });
      continue;
    }
    const c = hit.c!;
    try {
      const { request, set } = resolverFor(hit.suite).resolve(c);
      details.set(r, {
        defined: c.defined,
        explanation: evaluate(request, set).explanation,
        note: "the local engine's explanation of the same request:",
      });
    } catch {
      details.set(r, { defined: c.defined });
    }
  }
  return { ...report, details };
}

/**
 * The exit code of a finished run: 1 when a case failed or errored, or when every case was
 * skipped (nothing was checked: e.g. --against recorded without recordings — never a silent
 * pass); else 0. Skipped cases beside checked ones (the simulator cannot express session
 * policies …) are reported, not failed. An empty selection (a shard with no cases) is 0.
 */
export function exitCodeOf(report: Report): number {
  const s = report.summary;
  if (s.failed > 0 || s.errors > 0) return EXIT.failed;
  // Nothing checked (no case or property ran, or every one was skipped) is never a success.
  if (s.passed === 0) return EXIT.failed;
  return EXIT.ok;
}
