// What access a change to the policies (or suites) adds and removes (`iamspec diff`): both
// versions of each suite decide the same requests — every case and the catalog enumeration of
// src/analysis/enumerate.ts — and the requests whose decision changes between allowed and denied
// are grouped by principal and by the statements responsible, each group with one example
// request written as a ready-to-paste case.
//
// Principals whose decisions cannot differ are skipped: same definition, same policy texts
// reachable from it, and nothing suite-wide changed (resources and their policies, organization,
// VPC endpoints, default context).

import { evaluate } from '../engine/evaluate.ts';
import { refName, type Decision, type StatementRef } from '../engine/types.ts';
import type { ContextValue } from '../engine/request.ts';
import { contextValueToYaml, type YamlContextValue } from '../scenario/context.ts';
import type { Suite } from '../scenario/model.ts';
import { resolverFor } from '../scenario/resolve.ts';
import { displayPath } from '../display-path.ts';
import { UsageError } from '../scenario/runner.ts';
import { probes, type Probe } from './enumerate.ts';
import { versionSuites, type Version } from './versions.ts';

export interface Decided {
  decision: Decision;
  decidedBy: readonly StatementRef[];
}

/** A request both versions decided differently (decision, or the statements that decided it). */
export interface Difference {
  probe: Probe;
  base: Decided;
  head: Decided;
}

const NO_PRINCIPAL: Decided = Object.freeze({ decision: 'implicitDeny', decidedBy: Object.freeze([]) as readonly StatementRef[] });

/** Decides a probe in one version of a suite; a principal the version does not define has no access. */
export function decideProbe(suite: Suite | null, p: Probe): Decided {
  if (suite === null || !suite.principals.has(p.principal)) return NO_PRINCIPAL;
  const { request, set } = resolverFor(suite).resolve(p);
  const r = evaluate(request, set);
  return { decision: r.decision, decidedBy: r.decidedBy };
}

export interface CompareStats {
  /** Probes decided in both versions, and the requests they stand for (a probe decides for its action class). */
  probes: number;
  requests: number;
  /** Principals skipped because nothing that decides their requests changed. */
  unchanged: string[];
}

/**
 * Every probe whose decision or deciding statements differ between the versions, in probe order
 * (cases first). `stats` is filled as the generator runs.
 */
export function* differences(base: Suite | null, head: Suite | null, stats: CompareStats = { probes: 0, requests: 0, unchanged: [] }): Generator<Difference> {
  const versions = [head, base].filter((s): s is Suite => s !== null);
  const same = base !== null && head !== null ? unchangedPrincipals(base, head) : new Set<string>();
  stats.unchanged.push(...same);
  for (const probe of probes(versions)) {
    if (same.has(probe.principal)) continue;
    stats.probes++;
    stats.requests += probe.actions.length;
    const b = decideProbe(base, probe);
    const h = decideProbe(head, probe);
    if (b.decision !== h.decision || !sameRefs(b.decidedBy, h.decidedBy)) yield { probe, base: b, head: h };
  }
}

function sameRefs(a: readonly StatementRef[], b: readonly StatementRef[]): boolean {
  return a.length === b.length && a.every((r, i) => refName(r) === refName(b[i]!));
}

// ---------------------------------------------------------------------------------------------
// what cannot change

function unchangedPrincipals(base: Suite, head: Suite): Set<string> {
  const out = new Set<string>();
  if (suiteWide(base) !== suiteWide(head)) return out;
  for (const name of head.principals.keys()) {
    if (base.principals.has(name) && principalPart(base, name) === principalPart(head, name)) out.add(name);
  }
  return out;
}

function policyText(suite: Suite, name: string | undefined): string | null {
  if (name === undefined) return null;
  return suite.policies.get(name)?.text ?? null;
}

/** Everything outside principals that decides requests, as one comparable string. */
function suiteWide(suite: Suite): string {
  const o = suite.organization;
  const text = (n: string) => policyText(suite, n);
  return JSON.stringify({
    resources: suite.resources.map((r) => [r.arn, r.owner, r.policy, text(r.policy ?? ''), r.tags]),
    organization: o ? [o.id, o.managementAccount, o.accounts, o.scps.map((l) => l.map(text)), o.rcps.map((l) => l.map(text))] : null,
    endpoints: [...(suite.vpcEndpoints?.values() ?? [])].map((e) => [e.id, e.vpc, text(e.policy)]),
    context: Object.entries(suite.context).sort(([a], [b]) => a.localeCompare(b)),
  });
}

/** A principal's definition and the texts of the policies it reaches. */
function principalPart(suite: Suite, name: string): string {
  const p = suite.principals.get(name)!;
  const groups = p.groups.map((g) => [g, (suite.groups.get(g)?.policies ?? []).map((n) => [n, policyText(suite, n)])]);
  return JSON.stringify({
    arn: p.arn,
    groups,
    policies: p.policies.map((n) => [n, policyText(suite, n)]),
    boundary: [p.boundary, policyText(suite, p.boundary)],
    session: (p.session ?? []).map((n) => [n, policyText(suite, n)]),
    tags: p.tags,
    ids: [p.uniqueId, p.sessionName, p.parentUserArn],
  });
}

// ---------------------------------------------------------------------------------------------
// access changes

export type ChangeKind = 'added' | 'removed';

/**
 * Why: `granted` — HEAD's Allow statements grant it (added); `denied` — HEAD's Deny statements
 * deny it (removed); `ungranted` — BASE's Allow statements no longer grant it (removed).
 */
export type ChangeCause = 'granted' | 'denied' | 'ungranted';

/** A ready-to-paste case (scenario-format.md), deciding as HEAD does. */
export interface ExampleCase {
  name: string;
  principal: string;
  action: string;
  resource: string;
  context?: Record<string, YamlContextValue>;
  expect: Decision;
  /** When the decision alone does not tell the versions apart: statements that must decide it. */
  decidedBy?: string[];
}

export interface StatementId {
  ref: string;
  policy: string;
  sid?: string;
  index: number;
  file?: string;
  line: number;
}

export interface AccessChange {
  change: ChangeKind;
  principal: string;
  cause: ChangeCause;
  statements: StatementId[];
  /** Requests in this group (a probe counts once per action of its class). */
  requests: number;
  actions: string[];
  resources: string[];
  base: Decision;
  head: Decision;
  example: ExampleCase;
}

export interface SuiteDiff {
  /** The suite file, relative to its version's root. */
  file: string;
  suite: string;
  stats: CompareStats;
  changes: AccessChange[];
  /** Requests whose decision changed between explicitDeny and implicitDeny (denied either way). */
  denialChanges: number;
}

/** One version of a suite, and the directory its file names are shown relative to. */
export interface Side {
  suite: Suite;
  root: string;
}

/** The access changes of one suite between two versions (either may be absent: a suite added or removed). */
export function diffSuite(file: string, baseSide: Side | null, headSide: Side | null): SuiteDiff {
  const base = baseSide?.suite ?? null;
  const head = headSide?.suite ?? null;
  const stats: CompareStats = { probes: 0, requests: 0, unchanged: [] };
  const groups = new Map<string, AccessChange & { actionSet: Set<string>; resourceSet: Set<string> }>();
  let denialChanges = 0;
  for (const d of differences(base, head, stats)) {
    const was = d.base.decision === 'allowed';
    const now = d.head.decision === 'allowed';
    if (was === now) {
      if (d.base.decision !== d.head.decision) denialChanges += d.probe.actions.length;
      continue;
    }
    const change: ChangeKind = now ? 'added' : 'removed';
    const cause: ChangeCause = now ? 'granted' : d.head.decision === 'explicitDeny' ? 'denied' : 'ungranted';
    const refs = cause === 'ungranted' ? d.base.decidedBy : d.head.decidedBy;
    const key = `${change}\u0000${d.probe.principal}\u0000${cause}\u0000${refs.map(refName).join(',')}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        change,
        principal: d.probe.principal,
        cause,
        statements: refs.map((r) => statementId(r, (cause === 'ungranted' ? baseSide : headSide)!.root)),
        requests: 0,
        actions: [],
        resources: [],
        base: d.base.decision,
        head: d.head.decision,
        example: exampleCase(d.probe, d.head.decision, `access ${change}`),
        actionSet: new Set(),
        resourceSet: new Set(),
      };
      groups.set(key, g);
    }
    g.requests += d.probe.actions.length;
    for (const a of d.probe.actions) g.actionSet.add(a);
    g.resourceSet.add(d.probe.resource);
  }
  const changes = [...groups.values()].map(({ actionSet, resourceSet, ...g }) => ({ ...g, actions: [...actionSet].sort(), resources: [...resourceSet].sort() }));
  changes.sort((a, b) => a.change.localeCompare(b.change) || a.principal.localeCompare(b.principal) || b.requests - a.requests);
  return { file, suite: (head ?? base)!.name, stats, changes, denialChanges };
}

function statementId(r: StatementRef, root: string): StatementId {
  return {
    ref: refName(r),
    policy: r.policy,
    ...(r.sid ? { sid: r.sid } : {}),
    index: r.index,
    ...(r.file ? { file: displayPath(r.file, root) } : {}),
    line: r.span.start.line,
  };
}

// ---------------------------------------------------------------------------------------------
// two versions

export interface DiffSummary {
  suites: number;
  /** Suites with at least one access change. */
  changed: number;
  probes: number;
  requests: number;
  /** Requests whose access was added / removed. */
  added: number;
  removed: number;
}

/** The JSON report of `iamspec diff` (docs/scenario-format.md "Access diff"). */
export interface DiffReport {
  base: string;
  head: string;
  summary: DiffSummary;
  suites: SuiteDiff[];
}

/** Compares the suites under `paths` in two versions, pairing them by file. */
export function diffVersions(base: Version, head: Version, paths: readonly string[]): DiffReport {
  const before = versionSuites(base, paths);
  const after = versionSuites(head, paths);
  if (before.size === 0 && after.size === 0) {
    throw new UsageError(`no suites under ${paths.join(', ')} in either version (${base.label}, ${head.label})`);
  }
  const files = [...new Set([...after.keys(), ...before.keys()])].sort();
  const suites = files.map((f) => {
    const b = before.get(f);
    const h = after.get(f);
    return diffSuite(f, b ? { suite: b, root: base.root } : null, h ? { suite: h, root: head.root } : null);
  });
  const summary: DiffSummary = { suites: suites.length, changed: 0, probes: 0, requests: 0, added: 0, removed: 0 };
  for (const s of suites) {
    if (s.changes.length) summary.changed++;
    summary.probes += s.stats.probes;
    summary.requests += s.stats.requests;
    for (const c of s.changes) summary[c.change] += c.requests;
  }
  return { base: base.label, head: head.label, summary, suites };
}

/** The probe as a case a user pastes under `cases:`: context only where it differs from the suite's default. */
export function exampleCase(p: Probe, expect: Decision, what: string): ExampleCase {
  const context: Record<string, YamlContextValue> = {};
  for (const [k, v] of Object.entries(p.overrides)) context[k] = contextValueToYaml(k, v as ContextValue | null);
  return {
    name: `${p.principal}: ${p.action} on ${p.resource} (${what})`,
    principal: p.principal,
    action: p.action,
    resource: p.resource,
    ...(Object.keys(context).length ? { context } : {}),
    expect,
  };
}
