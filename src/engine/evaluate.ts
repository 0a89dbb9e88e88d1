// The public entry points of the evaluator: `evaluate` decides a request on the fast path and
// leaves the explanation, missing context and assumptions to be computed on first access;
// `explain` computes them all now. Kept apart from decide.ts, whose building blocks
// src/engine/assumptions.ts reuses, so neither of those two imports the other.

import type { AssumptionId } from './assumption-rules.ts';
import { assumptionsOf } from './assumptions.ts';
import type { CompiledStatement } from './compile.ts';
import { applicability, conclude, fastScan, missingContext, missingNames, tracedScan, type PolicySet } from './decide.ts';
import type { Request } from './request.ts';
import type { Decision, EvaluationResult, Explanation, StatementRef } from './types.ts';

/** The full explanation: every applicable statement, the gates, and missing context keys. */
export function explain(req: Request, set: PolicySet): Explanation {
  const app = applicability(req, set);
  const { scan, traces, missing } = tracedScan(req, set, app);
  const c = conclude(req, set, app, scan, []);
  return {
    decision: c.decision,
    reason: c.reason,
    decidedBy: c.decidedBy.map((s) => s.ref),
    gates: c.gates,
    statements: traces,
    missingContext: missingNames(missing),
    assumptions: assumptionsOf(req, set),
  };
}

/** Decides one request. The decision and decidedBy are computed now; the explanation on demand. */
export function evaluate(req: Request, set: PolicySet): EvaluationResult {
  const app = applicability(req, set);
  const c = conclude(req, set, app, fastScan(req, set, app), null);
  return new Result(req, set, c.decision, c.decidedBy.map(refOf));
}

function refOf(s: CompiledStatement): StatementRef {
  return s.ref;
}

class Result implements EvaluationResult {
  private cached: Explanation | undefined;
  constructor(
    private readonly req: Request,
    private readonly set: PolicySet,
    readonly decision: Decision,
    readonly decidedBy: StatementRef[],
  ) {}
  get explanation(): Explanation {
    return (this.cached ??= explain(this.req, this.set));
  }
  get missingContext(): string[] {
    return this.cached ? this.cached.missingContext : missingContext(this.req, this.set);
  }
  get assumptions(): AssumptionId[] {
    return this.cached ? this.cached.assumptions : assumptionsOf(this.req, this.set);
  }
}
