// The differential report: per case, what the local engine decided and what the IAM policy
// simulator decided (live or recorded), with the statements each said matched. The CaseResult's
// `actual`/`pass` are the simulator's (that is what `--against aws` tests); `local` and `aws` carry
// the detail, and disagreements are listed first.

import { evaluate } from '../engine/evaluate.ts';
import { refName, type Decision } from '../engine/types.ts';
import type { CaseResult, Report } from '../scenario/report.ts';
import { SuiteError, type Case, type Suite } from '../scenario/model.ts';
import { parseReference, referenceMatches } from '../scenario/refs.ts';
import { caseRequest } from '../scenario/resolve.ts';
import { displayPath } from '../display-path.ts';
import { satisfies } from '../scenario/expectation.ts';
import type { AwsAnswer, Outcome } from './adapter.ts';
import { nameStatement, type CasePlan } from './mapping.ts';

export type Mode = 'aws' | 'recorded';

export interface LocalSide {
  decision: Decision | null;
  decidedBy: string[];
  missingContext: string[];
  error?: string;
}

export interface AwsStatement {
  /** `policy#Sid` / `policy#N`; null when the simulator's position maps to no suite statement. */
  statement: string | null;
  /** The suite policy and statement index (from 0) it maps to. */
  policy?: string;
  index?: number;
  sourcePolicyId: string;
  sourcePolicyType?: string;
  start?: { line: number; column: number };
  end?: { line: number; column: number };
}

export interface AwsSide {
  source: 'aws' | 'recording';
  operation: string;
  /** The recording key (sha256 of the canonical request). */
  requestHash: string;
  decision: Decision;
  matchedStatements: AwsStatement[];
  missingContextValues: string[];
  allowedByOrganizations?: boolean;
  allowedByPermissionsBoundary?: boolean;
  evalDecisionDetails?: Record<string, string>;
  /**
   * The case's `decidedBy` entries naming a boundary or SCP statement: MatchedStatements lists
   * identity- and resource-policy statements only (spec §7.3), so these are not checked against AWS.
   */
  decidedByNotListed?: string[];
  /**
   * Principal mode: fingerprint of the documents attached to the principal in the account, and
   * whether it matches the suite's policies for it (false: the account has drifted from the suite).
   */
  accountPolicies?: { fingerprint: string; matchesSuite: boolean };
}

export type Agreement = 'agree' | 'disagree' | 'skipped' | 'error';

export interface DifferentialResult extends CaseResult {
  agreement: Agreement;
  local?: LocalSide;
  aws?: AwsSide;
  /** Set when the simulator call for this case failed. */
  error?: string;
}

export interface DifferentialSummary {
  agree: number;
  disagree: number;
  skipped: number;
  errors: number;
  /** API calls made (pages; retries not counted); 0 when replayed. */
  calls: number;
}

/** A recording `--record` could not write (the run's report is still printed; exit 2). */
export interface UnwrittenRecording {
  file: string;
  message: string;
}

export interface DifferentialReport extends Report {
  against: Mode;
  differential: DifferentialSummary;
  results: DifferentialResult[];
  /** `--record`: recordings that could not be written. */
  unwritten?: UnwrittenRecording[];
}

/** The local engine's decision for a case (via the shared resolver, so it sees the same policies). */
export function localSide(suite: Suite, c: Case): LocalSide {
  try {
    const { request, set } = caseRequest(suite, c);
    const r = evaluate(request, set);
    return { decision: r.decision, decidedBy: r.decidedBy.map(refName), missingContext: [...r.missingContext] };
  } catch (e) {
    if (e instanceof SuiteError) throw e;
    return { decision: null, decidedBy: [], missingContext: [], error: e instanceof Error ? e.message : String(e) };
  }
}

function awsSide(plan: CasePlan, a: AwsAnswer, source: AwsSide['source'], accountPolicies: string | undefined): AwsSide {
  const notListed = decidedByNotListed(plan);
  return {
    source,
    operation: plan.inputs!.operation,
    requestHash: plan.hash!,
    decision: a.decision,
    matchedStatements: a.matchedStatements.map((s) => {
      const n = nameStatement(plan.inputs!, s);
      return {
        statement: n?.ref ?? null,
        ...(n ? { policy: n.policy, index: n.index } : {}),
        sourcePolicyId: s.sourcePolicyId,
        ...(s.sourcePolicyType ? { sourcePolicyType: s.sourcePolicyType } : {}),
        ...(s.start ? { start: s.start } : {}),
        ...(s.end ? { end: s.end } : {}),
      };
    }),
    missingContextValues: [...a.missingContextValues],
    ...(a.allowedByOrganizations !== undefined ? { allowedByOrganizations: a.allowedByOrganizations } : {}),
    ...(a.allowedByPermissionsBoundary !== undefined ? { allowedByPermissionsBoundary: a.allowedByPermissionsBoundary } : {}),
    ...(a.evalDecisionDetails ? { evalDecisionDetails: a.evalDecisionDetails } : {}),
    ...(notListed.length ? { decidedByNotListed: notListed } : {}),
    ...(accountPolicies ? { accountPolicies: { fingerprint: accountPolicies, matchesSuite: accountPolicies === plan.inputs!.accountPolicies } } : {}),
  };
}

/**
 * The case's `decidedBy` entries that name the boundary or an SCP of this request and no identity
 * or resource policy of it: the simulator never lists those statements (spec §7.3). In Principal
 * mode the real organization's SCPs apply; the suite's SCP names stand for them.
 */
function decidedByNotListed(plan: CasePlan): string[] {
  const i = plan.inputs!;
  const listed = new Set([...i.policies.map((p) => p.name), ...(i.resourcePolicy ? [i.resourcePolicy.name] : [])]);
  const scps = i.scps?.flat().map((p) => p.name) ?? (i.operation === 'SimulatePrincipalPolicy' ? (plan.suite.organization?.scps ?? []).flat() : []);
  const unlisted = new Set([...(i.boundary ? [i.boundary.name] : []), ...scps].filter((n) => !listed.has(n)));
  return (plan.case.decidedBy ?? []).filter((text) => {
    const ref = parseReference(text);
    return ref !== null && unlisted.has(ref.policy);
  });
}

/** `decidedBy` entries the simulator's matched statements lack (those it never lists are not checked). */
function unmetDecidedBy(c: Case, aws: AwsSide): string[] {
  const notListed = new Set(aws.decidedByNotListed);
  return (c.decidedBy ?? []).filter((text) => {
    if (notListed.has(text)) return false;
    const ref = parseReference(text);
    if (ref === null) return true;
    return !aws.matchedStatements.some(
      (s) => s.policy !== undefined && referenceMatches(ref, { policy: s.policy, sid: s.statement?.slice(s.policy.length + 1), index: s.index }),
    );
  });
}

/** Why a Principal-mode answer is not compared: the account's documents are not the suite's. */
export function driftReason(plan: CasePlan): string {
  return `the policies attached to ${plan.inputs!.policySourceArn} in the account differ from the suite's policies for it (drift): AWS answered about the account's, the local engine about the suite's — deploy the suite's policies or update the suite, then re-record`;
}

export interface ResultContext {
  plan: CasePlan;
  outcome: Outcome | undefined;
  source: AwsSide['source'];
  /** Why there is no answer when the plan was not skipped (e.g. no recording). */
  missing?: string;
  cwd: string;
}

/** One case's row of the report. */
export function caseResult(ctx: ResultContext): DifferentialResult {
  const { plan, outcome } = ctx;
  const { suite, case: c } = plan;
  const local = localSide(suite, c);
  const base = {
    file: displayPath(suite.file, ctx.cwd),
    suite: suite.name,
    case: c.name,
    principal: plan.principalArn,
    action: c.action,
    resource: c.resource,
    expected: c.expect,
    local,
  };
  const skippedRow = (skipped: string): DifferentialResult => ({
    ...base,
    actual: null,
    pass: false,
    decidedBy: [],
    missingContext: [],
    skipped,
    agreement: 'skipped',
  });
  if (plan.skip) return skippedRow(plan.skip);
  if (!outcome) return skippedRow(ctx.missing ?? 'the simulator was not asked about this case');
  if ('error' in outcome) {
    return {
      ...base,
      actual: null,
      pass: false,
      decidedBy: [],
      missingContext: [],
      error: outcome.error,
      reason: outcome.error,
      agreement: 'error',
    };
  }
  const aws = awsSide(plan, outcome.answer, ctx.source, outcome.accountPolicies);
  if (aws.accountPolicies && !aws.accountPolicies.matchesSuite) return { ...skippedRow(driftReason(plan)), aws };
  const unmet = unmetDecidedBy(c, aws);
  const decisionOk = satisfies(c.expect, aws.decision);
  const pass = decisionOk && unmet.length === 0;
  const decidedBy = aws.matchedStatements.map(
    (s) => s.statement ?? `${s.sourcePolicyId}${s.start ? `@${s.start.line}:${s.start.column}` : ''}`,
  );
  const result: DifferentialResult = {
    ...base,
    actual: aws.decision,
    pass,
    decidedBy,
    missingContext: [...aws.missingContextValues],
    aws,
    agreement: local.decision === aws.decision ? 'agree' : 'disagree',
  };
  if (!pass) {
    result.reason = !decisionOk
      ? `the IAM policy simulator decided ${aws.decision}, expected ${c.expect}${aws.missingContextValues.length ? ` (missing context: ${aws.missingContextValues.join(', ')})` : ''}`
      : `the simulator's matched statements (${decidedBy.join(', ') || 'none'}) do not include ${unmet.join(', ')}`;
  }
  return result;
}

const ORDER: Record<Agreement, number> = { disagree: 0, error: 1, agree: 2, skipped: 3 };

/** Disagreements first, then errors, agreements, skipped (run order within each). */
export function differentialOrder<T extends { agreement?: Agreement }>(results: readonly T[]): T[] {
  return results
    .map((r, i) => ({ r, i }))
    .sort((a, b) => ORDER[a.r.agreement ?? 'skipped'] - ORDER[b.r.agreement ?? 'skipped'] || a.i - b.i)
    .map((x) => x.r);
}

/**
 * Assembles the report. `results` stay in run order (grouped by suite, as the CLI's reporters
 * expect); `renderDifferential` lists disagreements first.
 */
export function buildReport(against: Mode, suites: number, results: DifferentialResult[], calls: number): DifferentialReport {
  const count = (f: (r: DifferentialResult) => boolean) => results.filter(f).length;
  return {
    against,
    summary: {
      suites,
      passed: count((r) => r.pass),
      failed: count((r) => !r.pass && r.skipped === undefined && r.error === undefined),
      errors: count((r) => r.error !== undefined),
      skipped: count((r) => r.skipped !== undefined),
    },
    differential: {
      agree: count((r) => r.agreement === 'agree'),
      disagree: count((r) => r.agreement === 'disagree'),
      skipped: count((r) => r.agreement === 'skipped'),
      errors: count((r) => r.agreement === 'error'),
      calls,
    },
    results,
  };
}

// ---------------------------------------------------------------------------------------------
// rendering

/**
 * The differential report for people (`pretty`) or tools (`json`: the Report with `against`,
 * `differential` and each result's `agreement`, `local`, `aws`), disagreements first.
 */
export function renderDifferential(report: DifferentialReport, format: 'pretty' | 'json' = 'pretty'): string {
  const ordered = differentialOrder(report.results);
  if (format === 'json') {
    const { against, summary, shard, differential } = report;
    return JSON.stringify({ against, summary, ...(shard ? { shard } : {}), differential, results: ordered }, null, 2) + '\n';
  }
  const d = report.differential;
  const s = report.summary;
  const lines: string[] = [];
  const source = report.against === 'aws' ? `the IAM policy simulator (live, ${d.calls} API call${d.calls === 1 ? '' : 's'})` : 'the IAM policy simulator (replayed recordings)';
  lines.push(`iamspec differential: local engine vs ${source}`);
  lines.push(
    `${report.results.length} cases in ${s.suites} suite${s.suites === 1 ? '' : 's'}: ${d.agree} agree · ${d.disagree} disagree · ${d.skipped} skipped · ${d.errors} error${d.errors === 1 ? '' : 's'}`,
  );
  lines.push(`against expectations (AWS decision): ${s.passed} passed · ${s.failed} failed`);
  lines.push('');
  const by = (s: string[]) => (s.length ? s.join(', ') : '—');
  for (const r of ordered) {
    const title = `${r.suite} › ${r.case}`;
    const where = `${r.action} on ${r.resource} as ${r.principal}  (${r.file})`;
    const localText = r.local
      ? r.local.decision
        ? `${r.local.decision.padEnd(12)} by ${by(r.local.decidedBy)}${r.local.missingContext.length ? `   missing: ${r.local.missingContext.join(', ')}` : ''}`
        : `error: ${r.local.error}`
      : '—';
    switch (r.agreement) {
      case 'disagree':
      case 'agree': {
        const mark = r.agreement === 'disagree' ? 'DISAGREE' : 'agree   ';
        const pass = r.pass ? 'pass' : 'FAIL';
        if (r.agreement === 'agree' && r.pass) {
          lines.push(`${mark} ${pass}  ${title}  [${r.actual}]`);
          break;
        }
        lines.push(`${mark} ${pass}  ${title}`);
        lines.push(`    ${where}`);
        lines.push(`    expected  ${r.expected}`);
        lines.push(`    local     ${localText}`);
        const a = r.aws!;
        lines.push(
          `    aws       ${a.decision.padEnd(12)} by ${by(r.decidedBy)}${a.missingContextValues.length ? `   missing: ${a.missingContextValues.join(', ')}` : ''}${a.source === 'recording' ? '   (recorded)' : ''}`,
        );
        const extra: string[] = [];
        if (a.allowedByPermissionsBoundary !== undefined) extra.push(`boundary allows: ${a.allowedByPermissionsBoundary}`);
        if (a.allowedByOrganizations !== undefined) extra.push(`organizations allow: ${a.allowedByOrganizations}`);
        if (a.evalDecisionDetails && Object.keys(a.evalDecisionDetails).length) {
          extra.push(Object.entries(a.evalDecisionDetails).map(([k, v]) => `${k}=${v}`).join(', '));
        }
        if (extra.length) lines.push(`              ${extra.join(' · ')}`);
        if (a.decidedByNotListed) lines.push(`              not checked (the simulator lists no boundary or SCP statements): ${a.decidedByNotListed.join(', ')}`);
        if (r.reason) lines.push(`    why       ${r.reason}`);
        break;
      }
      case 'error':
        lines.push(`ERROR         ${title}`);
        lines.push(`    ${where}`);
        lines.push(`    local     ${localText}`);
        lines.push(`    aws       ${r.error}`);
        break;
      case 'skipped':
        lines.push(`skipped       ${title}`);
        lines.push(`    ${r.skipped}`);
        if (r.aws) lines.push(`    aws       ${r.aws.decision} for the account's policies${r.aws.source === 'recording' ? '   (recorded)' : ''}`);
        break;
    }
  }
  return lines.join('\n') + '\n';
}
