// Statement coverage of the policies by a run's cases (`iamspec test --coverage`).
//
// A separate pass over the cases through the engine's traced path (`explain`), so runs that do not
// ask for coverage pay nothing: the fast evaluator is untouched. Per case, every statement of every
// policy that applies is classified:
//   decided    it is among the deciding statements (decidedBy) of at least one case;
//   matched    it matched some case (action, resource, principal and condition) but never decided
//              one (e.g. an Allow capped by a boundary, or a Deny in a case decided otherwise);
//   unmatched  it matched no case.
// Condition entries are counted only in cases that reached them (the statement's Action, Resource
// and Principal matched): per entry, how often its key was present and the entry true, present and
// false, or absent (an empty value list counts as absent, spec §4.2). Property checks sample
// random requests and are not counted: coverage is what the example cases pin down.

import { explain } from '../engine/evaluate.ts';
import type { CompiledPolicy, CompiledStatement } from '../engine/compile.ts';
import type { PolicySet } from '../engine/decide.ts';
import type { StatementRef } from '../engine/types.ts';
import type { Effect, Statement } from '../policy/model.ts';
import { displayPath } from '../display-path.ts';
import type { Suite, SuitePolicy } from '../scenario/model.ts';
import { resolverFor } from '../scenario/resolve.ts';

export type StatementStatus = 'decided' | 'matched' | 'unmatched';

export interface ConditionCoverage {
  operator: string;
  key: string;
  line: number;
  column: number;
  /** Cases that reached the entry with the key present and the entry true / false, or the key absent. */
  presentTrue: number;
  presentFalse: number;
  absent: number;
}

export interface StatementCoverage {
  index: number;
  sid?: string;
  effect: Effect;
  line: number;
  column: number;
  status: StatementStatus;
  /** Cases this statement decided. */
  decided: number;
  /** Cases this statement matched (deciding or not). */
  matched: number;
  conditions: ConditionCoverage[];
}

export interface PolicyCoverage {
  policy: string;
  /** The file the lines refer to (display path: the policy JSON, or the YAML of an inline policy), or the ARN of an AWS managed policy read from the package. */
  file: string;
  /** False for AWS managed policies named by ARN: their lines refer to no file of the project. */
  onDisk: boolean;
  suites: string[];
  statements: StatementCoverage[];
}

export interface CoverageSummary {
  cases: number;
  policies: number;
  statements: number;
  decided: number;
  matched: number;
  unmatched: number;
  /** decided / statements × 100, one decimal; 100 when there are no statements. */
  percent: number;
}

export interface Coverage {
  summary: CoverageSummary;
  policies: PolicyCoverage[];
  /** Policies a suite defines but no principal, group, resource, endpoint or organization uses. */
  unused: { policy: string; file: string; suite: string }[];
}

interface Acc {
  policy: string;
  file: string;
  onDisk: boolean;
  suites: Set<string>;
  statements: Statement[];
  decided: number[];
  matched: number[];
  /** Per statement, per condition entry: [presentTrue, presentFalse, absent]. */
  conditions: [number, number, number][][];
}

/** Computes coverage over every case of the (already selected) suites. */
export function computeCoverage(suites: readonly Suite[], opts: { cwd?: string } = {}): Coverage {
  const cwd = opts.cwd ?? process.cwd();
  const accs = new Map<string, Acc>();
  const unused: Coverage['unused'] = [];
  let cases = 0;

  for (const suite of suites) {
    const resolver = resolverFor(suite);
    // Compiled statement → its policy's accumulator, per policy set (sets are cached by the resolver).
    const bySet = new WeakMap<PolicySet, Map<StatementRef, { acc: Acc; s: CompiledStatement }>>();
    const statementsOf = (set: PolicySet) => {
      let m = bySet.get(set);
      if (!m) {
        m = new Map();
        for (const { policy } of set.policies) {
          const acc = accumulator(accs, suite, policy, cwd);
          for (const s of policy.statements) m.set(s.ref, { acc, s });
        }
        bySet.set(set, m);
      }
      return m;
    };

    for (const c of suite.cases) {
      cases++;
      const { request, set } = resolver.resolve(c);
      const x = explain(request, set);
      const statements = statementsOf(set);
      // A policy may appear twice in a set (e.g. as identity and as boundary): count each statement once per case.
      const decided = new Set<string>();
      const matched = new Set<string>();
      for (const ref of x.decidedBy) {
        const hit = statements.get(ref);
        if (hit && once(decided, hit.acc, ref.index)) hit.acc.decided[ref.index]!++;
      }
      const reached = new Set<string>();
      for (const t of x.statements) {
        const hit = statements.get(t.ref);
        if (!hit) continue;
        const { acc, s } = hit;
        if (t.matched && once(matched, acc, t.ref.index)) acc.matched[t.ref.index]!++;
        if (s.condition && (t.matched || t.miss?.element === 'Condition') && once(reached, acc, t.ref.index)) {
          const outcomes = s.condition.outcomes(request.context);
          const entries = acc.statements[t.ref.index]!.condition;
          outcomes.forEach((ok, i) => {
            const v = request.context.get(entries[i]!.key.value.toLowerCase());
            const counts = acc.conditions[t.ref.index]![i]!;
            counts[v === undefined || v.values.length === 0 ? 2 : ok ? 0 : 1]++;
          });
        }
      }
    }

    for (const sp of suite.policies.values()) {
      const key = policyKey(sp);
      if (accs.has(key)) {
        accs.get(key)!.suites.add(suite.name);
        continue;
      }
      const compiled = sp.compiled.values().next().value as CompiledPolicy | undefined;
      if (compiled) accs.set(key, newAcc(suite, sp, compiled, cwd));
      else unused.push({ policy: sp.name, file: policyFile(sp, cwd), suite: suite.name });
    }
  }

  const policies = [...accs.values()].map(finish).sort((a, b) => a.file.localeCompare(b.file) || a.policy.localeCompare(b.policy));
  const all = policies.flatMap((p) => p.statements);
  const count = (s: StatementStatus) => all.filter((x) => x.status === s).length;
  const decided = count('decided');
  return {
    summary: {
      cases,
      policies: policies.length,
      statements: all.length,
      decided,
      matched: count('matched'),
      unmatched: count('unmatched'),
      percent: all.length === 0 ? 100 : Math.floor((decided / all.length) * 1000) / 10,
    },
    policies,
    unused,
  };
}

function once(seen: Set<string>, acc: Acc, index: number): boolean {
  const k = `${acc.file}\u0000${acc.policy}\u0000${index}`;
  if (seen.has(k)) return false;
  seen.add(k);
  return true;
}

/** One policy document is one entry, whichever suites and names use it: keyed by its file, its ARN, or (inline) where it is written. */
function policyKey(sp: SuitePolicy): string {
  if (sp.path !== undefined) return `file:${sp.path}`;
  if (sp.awsManaged) return `arn:${sp.awsManaged.arn}`;
  return `inline:${sp.defined.file}:${sp.defined.line}:${sp.defined.column}`;
}

function policyFile(sp: SuitePolicy, cwd: string): string {
  if (sp.path !== undefined) return displayPath(sp.path, cwd);
  if (sp.awsManaged) return sp.awsManaged.arn;
  return displayPath(sp.defined.file, cwd);
}

function accumulator(accs: Map<string, Acc>, suite: Suite, policy: CompiledPolicy, cwd: string): Acc {
  const sp = suite.policies.get(policy.name)!;
  const key = policyKey(sp);
  let acc = accs.get(key);
  if (!acc) accs.set(key, (acc = newAcc(suite, sp, policy, cwd)));
  return acc;
}

function newAcc(suite: Suite, sp: SuitePolicy, policy: CompiledPolicy, cwd: string): Acc {
  const statements = policy.policy.statements;
  return {
    policy: sp.name,
    file: policyFile(sp, cwd),
    onDisk: sp.path !== undefined || !sp.awsManaged,
    suites: new Set([suite.name]),
    statements,
    decided: statements.map(() => 0),
    matched: statements.map(() => 0),
    conditions: statements.map((s) => s.condition.map(() => [0, 0, 0] as [number, number, number])),
  };
}

function finish(acc: Acc): PolicyCoverage {
  return {
    policy: acc.policy,
    file: acc.file,
    onDisk: acc.onDisk,
    suites: [...acc.suites],
    statements: acc.statements.map((s, i) => {
      const decided = acc.decided[i]!;
      const matched = acc.matched[i]!;
      return {
        index: s.index,
        ...(s.sid ? { sid: s.sid.value } : {}),
        effect: s.effect.value,
        line: s.span.start.line,
        column: s.span.start.column,
        status: decided > 0 ? 'decided' : matched > 0 ? 'matched' : 'unmatched',
        decided,
        matched,
        conditions: s.condition.map((e, k) => {
          const [presentTrue, presentFalse, absent] = acc.conditions[i]![k]!;
          return {
            operator: e.operator.value,
            key: e.key.value,
            line: e.key.span.start.line,
            column: e.key.span.start.column,
            presentTrue,
            presentFalse,
            absent,
          };
        }),
      };
    }),
  };
}
