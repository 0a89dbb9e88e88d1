// Decisions and explanations: what `evaluate` returns and what reporters print.

import type { Effect, PolicyType, Span } from '../policy/model.ts';
import type { AssumptionId } from './assumption-rules.ts';

/** The simulator's own three words (spec §0). */
export type Decision = 'allowed' | 'explicitDeny' | 'implicitDeny';

export const DECISIONS: readonly Decision[] = ['allowed', 'explicitDeny', 'implicitDeny'];

/** Names one statement of one policy, with where it is written. */
export interface StatementRef {
  policy: string;
  policyType: PolicyType;
  /** SCP/RCP hierarchy level (0 = root) for organization policies. */
  level?: number;
  index: number;
  sid?: string;
  effect: Effect;
  span: Span;
  file?: string;
}

/** Why a statement did not apply: the first element that failed, in evaluation order. */
export type StatementMiss =
  | { element: 'Action' | 'NotAction'; action: string; patterns: string[] }
  | { element: 'Resource' | 'NotResource'; resource: string; patterns: string[]; note?: string }
  | { element: 'Principal' | 'NotPrincipal'; principal: string; values: string[]; note?: string }
  | { element: 'Condition'; failure: ConditionFailure };

export interface ConditionFailure {
  operator: string; // canonical spelling
  key: string; // as written in the policy
  /** The request's values for the key; null when the request lacks it. */
  requestValues: string[] | null;
  policyValues: string[];
  span: Span;
  note?: string;
}

export interface StatementTrace {
  ref: StatementRef;
  matched: boolean;
  miss?: StatementMiss;
}

/** One step of the decision flow (spec §1.7) and what it concluded. */
export interface Gate {
  gate:
    | 'no-permission'
    | 'protected'
    | 'explicit-deny'
    | 'rcp'
    | 'scp'
    | 'resource-policy'
    | 'endpoint'
    | 'identity'
    | 'boundary'
    | 'session'
    | 'anonymous'
    | 'root'
    | 'cross-account';
  outcome: 'pass' | 'fail' | 'skip';
  detail: string;
}

export interface Explanation {
  decision: Decision;
  /** One sentence: why this decision. */
  reason: string;
  /** The matching Deny statements (explicitDeny) or the matching Allow statements (allowed). */
  decidedBy: StatementRef[];
  gates: Gate[];
  /** Every statement of every applicable policy, with whether it matched and if not, why. */
  statements: StatementTrace[];
  /** Context keys that matching statements referenced and the request lacked (the simulator's MissingContextValues). */
  missingContext: string[];
  /** Rules of README "Known differences / assumptions" whose other reading would change the decision (src/engine/assumption-rules.ts). */
  assumptions: AssumptionId[];
}

export interface EvaluationResult {
  decision: Decision;
  decidedBy: StatementRef[];
  /** Computed on first access: the full per-statement trace costs more than the decision. */
  readonly explanation: Explanation;
  readonly missingContext: string[];
  /** Computed on first access: the ids of the assumptions the decision rests on (none on most decisions). */
  readonly assumptions: AssumptionId[];
}

/** Formats a statement reference the way `decidedBy` in suites writes it: `policy#Sid` or `policy#N`. */
export function refName(ref: StatementRef): string {
  return `${ref.policy}#${ref.sid ?? ref.index}`;
}
