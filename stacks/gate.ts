// The verification gate: the stack deploys a policy or group only when the suites prove that a case
// depends on it, and only what AWS would accept.
//
// The gate evaluates nothing itself: the report comes from src/scenario/runner.ts (runSuites), and
// what a case involves and depends on comes from src/analysis/dependence.ts (the engine):
//   - a case involves an IAM policy when its principal has it through a group, directly, or as its
//     permissions boundary; a group when its principal is a member; an SCP / RCP when the suite's
//     organization lists it — each only where the engine applies that policy type to the request
//     (SCPs never to the management account, service-linked roles …). A property involves what its
//     principal and the organization name (no single request to ask the engine about);
//   - a passing case proves an item when its deciding statements (decidedBy) include one of the
//     item's statements, or, failing that, when removing the item changes its decision (ablation).
// A deployable is
//   rejected     when AWS would refuse to create it (stacks/aws-limits.ts: no "Version", too big …);
//   failing      when a case involving it failed, or has no result in the report;
//   verified     when a passing case proves it (the proofs are reported per item);
//   unproven     when passing cases involve it but none depends on it (deploying it changes nothing
//                any case checks: e.g. a policy whose statements match no case's request);
//   unexercised  when no passing case involves it (none exists, or all were skipped).
// Synthesis goes on only when every deployable is verified, or (not rejected, and) named in the
// escape hatch (IAMSPEC_ALLOW_UNVERIFIED), and no failing or missing case is left that the hatch
// does not cover: a failing case that involves nothing deployed still stops the synthesis (the
// suites are the specification; a red suite deploys nothing). Skipped results (e.g. a property
// check run without a checker, or a case the simulator cannot express in a differential report)
// neither exercise nor block; they are listed.

import type { Case, PropertySpec, SourceRef, Suite, SuitePrincipal } from '../src/scenario/model.ts';
import type { CaseResult, Report } from '../src/scenario/report.ts';
import type { Decision } from '../src/engine/types.ts';
import { displayPath } from '../src/display-path.ts';
import { ablationChange, caseItems, decidingItems, itemKey } from '../src/analysis/dependence.ts';
import { awsRejections } from './aws-limits.ts';
import { deployables, type DeployableKind, type DeployModel } from './model.ts';

export type GateStatus = 'verified' | 'failing' | 'unproven' | 'unexercised' | 'rejected';

/** A passing case that depends on a deployed item. */
export interface Proof {
  suite: string;
  file: string;
  case: string;
  defined?: SourceRef;
  decision: Decision;
  /** `decidedBy`: the item's statements are among the deciding ones; `ablation`: without the item the decision differs. */
  by: 'decidedBy' | 'ablation';
  /** decidedBy: the item's deciding statements (`policy#Sid`). */
  statements?: string[];
  /** ablation: the decision without the item. */
  without?: Decision;
}

export interface CaseRef {
  suite: string;
  file: string;
  case: string;
  property?: boolean;
  defined?: SourceRef;
  /** For failing cases: expected/actual and the runner's reason; for skipped ones: why. */
  reason?: string;
  /** Deployable keys (`policy:name`, `group:name`, `scp:name`, `rcp:name`) the case involves. */
  involves: string[];
}

export interface GateEntry {
  kind: DeployableKind;
  name: string;
  key: string;
  status: GateStatus;
  /** Passing cases that involve it. */
  passed: number;
  failing: CaseRef[];
  /** The passing cases that depend on it (empty unless verified). */
  proofs: Proof[];
  /** Why AWS would refuse to create it (status rejected). */
  rejected: string[];
  /** Deployed anyway because IAMSPEC_ALLOW_UNVERIFIED names it. */
  allowedUnverified: boolean;
}

export interface GateResult {
  ok: boolean;
  entries: GateEntry[];
  /** Failed or missing cases that block the synthesis. */
  blocking: CaseRef[];
  /** Every failed case / every case without a result. */
  failing: CaseRef[];
  missing: CaseRef[];
  skipped: CaseRef[];
  /** Entries deployed without verification (escape hatch). */
  unverified: GateEntry[];
  /** Why the gate is closed, one line each (besides blocking cases and entries). */
  problems: string[];
  warnings: string[];
  cases: { total: number; passed: number };
}

export interface GateInput {
  suites: readonly Suite[];
  report: Report;
  model: DeployModel;
  /** Suite names of policies or groups to deploy even if unverified (the escape hatch). */
  allowUnverified?: readonly string[];
  /** The directory the report's paths are relative to (the runner's cwd). Default process.cwd(). */
  root?: string;
}

export const keyOf: (kind: DeployableKind, name: string) => string = itemKey;

/** The deployable keys a principal's property checks involve in a suite (structure only, no evaluation). */
export function involvedKeys(suite: Suite, principal: SuitePrincipal | undefined): string[] {
  const keys = new Set<string>();
  if (principal) {
    for (const g of principal.groups) {
      keys.add(keyOf('group', g));
      for (const p of suite.groups.get(g)?.policies ?? []) keys.add(keyOf('policy', p));
    }
    for (const p of principal.policies) keys.add(keyOf('policy', p));
    if (principal.boundary) keys.add(keyOf('policy', principal.boundary));
  }
  const org = suite.organization;
  if (org) {
    for (const p of org.scps.flat()) keys.add(keyOf('scp', p));
    for (const p of org.rcps.flat()) keys.add(keyOf('rcp', p));
  }
  return [...keys];
}

export function runGate(input: GateInput): GateResult {
  const root = input.root ?? process.cwd();
  const model = input.model;
  const allow = new Set((input.allowUnverified ?? []).map((s) => s.trim()).filter(Boolean));
  const problems: string[] = [];
  const warnings: string[] = [];

  const results = new Map<string, CaseResult>();
  for (const r of input.report.results) results.set(`${r.file}\u0000${r.suite}\u0000${r.case}`, r);
  const used = new Set<CaseResult>();

  const failing: CaseRef[] = [];
  const missing: CaseRef[] = [];
  const skipped: CaseRef[] = [];
  const passedBy = new Map<string, { suite: Suite; c: Case; ref: CaseRef }[]>();
  const failingBy = new Map<string, CaseRef[]>();
  const proofsBy = new Map<string, Proof[]>();
  let total = 0;
  let passed = 0;

  for (const suite of input.suites) {
    // The runner's own display path, so the keys below are the report's.
    const file = displayPath(suite.file, root);
    const involvesCache = new Map<string, string[]>();
    const involves = (principal: string) => {
      let k = involvesCache.get(principal);
      if (!k) involvesCache.set(principal, (k = involvedKeys(suite, suite.principals.get(principal))));
      return k;
    };
    const items: { name: string; principal: string; defined: SourceRef; c?: Case }[] = [
      ...suite.cases.map((c: Case) => ({ name: c.name, principal: c.principal, defined: c.defined, c })),
      ...suite.properties.map((p: PropertySpec) => ({ name: p.name, principal: p.principal, defined: p.defined })),
    ];
    for (const item of items) {
      total++;
      const ref: CaseRef = {
        suite: suite.name,
        file,
        case: item.name,
        defined: item.defined,
        involves: item.c ? caseItems(suite, item.c) : involves(item.principal),
        ...(item.c ? {} : { property: true }),
      };
      const r = results.get(`${file}\u0000${suite.name}\u0000${item.name}`);
      if (!r) {
        ref.reason = 'no result in the report (the case was not run)';
        missing.push(ref);
        for (const k of ref.involves) push(failingBy, k, ref);
        continue;
      }
      used.add(r);
      if (r.skipped !== undefined) {
        ref.reason = r.skipped;
        skipped.push(ref);
        continue;
      }
      if (r.pass) {
        passed++;
        if (item.c) {
          for (const k of ref.involves) push(passedBy, k, { suite, c: item.c, ref });
          for (const [k, statements] of decidingItems(suite, item.c)) {
            push(proofsBy, k, { ...proofRef(ref), decision: r.actual!, by: 'decidedBy', statements });
          }
        }
        continue;
      }
      ref.reason = r.reason ?? `expected ${r.expected}, got ${r.actual ?? 'no decision'}`;
      failing.push(ref);
      for (const k of ref.involves) push(failingBy, k, ref);
    }
  }

  for (const r of input.report.results) {
    if (!used.has(r)) warnings.push(`the report has a result for "${r.suite} › ${r.case}" (${r.file}) that matches no case of the suites`);
  }
  if (input.report.summary.errors > 0) problems.push(`the run reported ${input.report.summary.errors} error(s)`);

  const rejections = awsRejections(model);
  const entries: GateEntry[] = deployables(model).map(({ kind, name }) => {
    const key = keyOf(kind, name);
    const f = failingBy.get(key) ?? [];
    const passing = passedBy.get(key) ?? [];
    const rejected = rejections.get(key) ?? [];
    let proofs = proofsBy.get(key) ?? [];
    // Ablation only where no deciding statement proves the item: one evaluation per passing case involving it.
    if (!proofs.length && !f.length && !rejected.length) proofs = passing.flatMap(({ suite, c, ref }) => ablationProof(suite, c, ref, key));
    const status: GateStatus = rejected.length
      ? 'rejected'
      : f.length
        ? 'failing'
        : proofs.length
          ? 'verified'
          : passing.length
            ? 'unproven'
            : 'unexercised';
    return {
      kind,
      name,
      key,
      status,
      passed: passing.length,
      failing: f,
      proofs: status === 'verified' ? proofs : [],
      rejected,
      allowedUnverified: status !== 'verified' && status !== 'rejected' && allow.has(name),
    };
  });

  const known = new Set(entries.map((e) => e.name));
  for (const name of allow) {
    if (!known.has(name)) {
      problems.push(`IAMSPEC_ALLOW_UNVERIFIED names "${name}", which is no policy or group the stack deploys`);
    } else if (entries.some((e) => e.name === name && e.status === 'rejected')) {
      warnings.push(`IAMSPEC_ALLOW_UNVERIFIED names "${name}", which AWS would refuse to create: the escape hatch cannot deploy it`);
    } else if (entries.filter((e) => e.name === name).every((e) => e.status === 'verified')) {
      warnings.push(`IAMSPEC_ALLOW_UNVERIFIED names "${name}", which is verified: remove it from the list`);
    }
  }

  const allowedKeys = new Set(entries.filter((e) => e.allowedUnverified).map((e) => e.key));
  const deployedKeys = new Set(entries.map((e) => e.key));
  // A failing/missing case is covered by the hatch only if everything deployed it involves is allowed.
  const blocking = [...failing, ...missing].filter((c) => {
    const deployedInvolved = c.involves.filter((k) => deployedKeys.has(k));
    return deployedInvolved.length === 0 || deployedInvolved.some((k) => !allowedKeys.has(k));
  });
  const closedEntries = entries.filter((e) => e.status !== 'verified' && !e.allowedUnverified);
  const unverified = entries.filter((e) => e.allowedUnverified);

  return {
    ok: problems.length === 0 && blocking.length === 0 && closedEntries.length === 0,
    entries,
    blocking,
    failing,
    missing,
    skipped,
    unverified,
    problems,
    warnings,
    cases: { total, passed },
  };
}

function proofRef(ref: CaseRef): Pick<Proof, 'suite' | 'file' | 'case' | 'defined'> {
  return { suite: ref.suite, file: ref.file, case: ref.case, ...(ref.defined ? { defined: ref.defined } : {}) };
}

function ablationProof(suite: Suite, c: Case, ref: CaseRef, key: string): Proof[] {
  const change = ablationChange(suite, c, key);
  return change ? [{ ...proofRef(ref), decision: change.with, by: 'ablation', without: change.without }] : [];
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

const KIND_LABEL: Record<DeployableKind, string> = { policy: 'policy', group: 'group', scp: 'SCP', rcp: 'RCP' };

export function describeKey(key: string): string {
  const i = key.indexOf(':');
  return `${KIND_LABEL[key.slice(0, i) as DeployableKind] ?? key.slice(0, i)} ${key.slice(i + 1)}`;
}

function caseLine(c: CaseRef): string {
  const at = c.defined ? `${c.file}:${c.defined.line}:${c.defined.column}` : c.file;
  return `${c.suite} › ${c.case}${c.property ? ' (property)' : ''}  (${at})`;
}

function proofLine(p: Proof): string {
  const how = p.by === 'decidedBy' ? `${p.decision} by ${p.statements!.join(', ')}` : `${p.decision}; ${p.without} without it`;
  return `"${p.case}" (${how})`;
}

const CLOSED_WHY: Record<Exclude<GateStatus, 'verified'>, (e: GateEntry) => string> = {
  rejected: (e) => `AWS would refuse to create it: ${e.rejected.join('; ')}`,
  failing: (e) => `${e.failing.length} failing or missing case(s): ${e.failing.map((c) => `${c.suite} › ${c.case}`).join('; ')}`,
  unproven: (e) =>
    `no case depends on it — ${e.passed} passing case(s) involve it, but none has its statements among the deciding ones and removing it changes no decision (add a case whose outcome it decides, or keep it out of the deployment)`,
  unexercised: () => 'unexercised — no passing case involves it (add a case whose principal uses it)',
};

/** The gate's verdict for people: what passed, which cases prove each deployed item, and for a closed gate, every reason. */
export function formatGate(g: GateResult): string {
  const lines: string[] = [];
  const v = g.entries.filter((e) => e.status === 'verified').length;
  lines.push(
    `iamspec gate: ${g.cases.passed}/${g.cases.total} cases passed; ${v}/${g.entries.length} deployable policies and groups verified${g.ok ? '' : ' — SYNTHESIS REFUSED'}`,
  );
  for (const p of g.problems) lines.push(`  ✗ ${p}`);
  if (g.blocking.length) {
    lines.push('  ✗ failing or missing cases:');
    for (const c of g.blocking) {
      lines.push(`      ${caseLine(c)}`);
      if (c.reason) lines.push(`        ${c.reason}`);
      const inv = c.involves.map(describeKey);
      lines.push(`        involves: ${inv.length ? inv.join(', ') : 'nothing the stack deploys (the suite must pass all the same)'}`);
    }
  }
  const closed = g.entries.filter((e) => e.status !== 'verified' && !e.allowedUnverified);
  if (closed.length) {
    lines.push('  ✗ not deployable:');
    for (const e of closed) lines.push(`      ${describeKey(e.key)}: ${CLOSED_WHY[e.status as Exclude<GateStatus, 'verified'>](e)}`);
  }
  const proven = g.entries.filter((e) => e.status === 'verified');
  if (!g.ok) lines.push(`  - ${proven.length} verified item(s): iamspec-gate.json lists the cases that prove each`);
  else if (proven.length) {
    lines.push('  ✓ proved by (a passing case whose deciding statements include the item\'s, or whose decision changes without it; iamspec-gate.json lists every one):');
    for (const e of proven) {
      const n = e.proofs.length;
      lines.push(`      ${describeKey(e.key)}: ${n} case${n === 1 ? '' : 's'}, e.g. ${proofLine(e.proofs[0]!)}`);
    }
  }
  for (const e of g.unverified) {
    lines.push(`  ! ${describeKey(e.key)} is deployed UNVERIFIED (${e.status}) because IAMSPEC_ALLOW_UNVERIFIED names it`);
  }
  if (g.skipped.length) {
    lines.push(`  - ${g.skipped.length} skipped result(s), which neither verify nor block:`);
    for (const c of g.skipped.slice(0, 20)) lines.push(`      ${caseLine(c)}: ${c.reason ?? 'skipped'}`);
    if (g.skipped.length > 20) lines.push(`      … and ${g.skipped.length - 20} more`);
  }
  for (const w of g.warnings) lines.push(`  ! ${w}`);
  return lines.join('\n');
}

/** The gate report written beside the synthesized stack (iamspec-gate.json): every item with its status, proofs or reasons. */
export function gateJson(g: GateResult): unknown {
  const ref = (c: CaseRef) => ({ suite: c.suite, file: c.file, case: c.case, ...(c.defined ? { line: c.defined.line, column: c.defined.column } : {}), ...(c.reason ? { reason: c.reason } : {}) });
  return {
    ok: g.ok,
    cases: g.cases,
    items: g.entries.map((e) => ({
      key: e.key,
      status: e.status,
      passed: e.passed,
      allowedUnverified: e.allowedUnverified,
      proofs: e.proofs.map(({ defined, ...p }) => ({ ...p, ...(defined ? { line: defined.line, column: defined.column } : {}) })),
      failing: e.failing.map(ref),
      rejected: e.rejected,
    })),
    blocking: g.blocking.map(ref),
    skipped: g.skipped.map(ref),
    problems: g.problems,
    warnings: g.warnings,
  };
}

/** The loud banner printed on every synthesis that uses the escape hatch. */
export function unverifiedBanner(g: GateResult): string {
  if (!g.unverified.length) return '';
  const bar = '!'.repeat(78);
  return [
    bar,
    '!! WARNING: IAMSPEC_ALLOW_UNVERIFIED is set. The stack deploys policies or groups that the',
    '!! scenario suites do NOT prove. They are tagged iamspec:unverified=true (policies) or put',
    '!! under the IAM path .../unverified/ (groups), and listed in the iamspec_unverified output:',
    ...g.unverified.map((e) => `!!   - ${describeKey(e.key)} (${e.status === 'failing' ? `${e.failing.length} failing case(s)` : e.status})`),
    bar,
  ].join('\n');
}

export class GateError extends Error {
  override readonly name = 'GateError';
  constructor(readonly result: GateResult) {
    super(formatGate(result));
  }
}

/** Parses IAMSPEC_ALLOW_UNVERIFIED (comma-separated names). */
export function parseAllowList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
