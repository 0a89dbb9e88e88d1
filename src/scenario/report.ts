// The JSON report of scenario-format.md ("The report and exit codes"): a contract other tools read.

import type { Decision } from '../engine/types.ts';
import type { Expectation } from './model.ts';
import type { Shard } from './runner.ts';

export interface CaseResult {
  file: string;
  suite: string;
  case: string;
  principal: string;
  action: string;
  resource: string;
  expected: Expectation;
  /** null when the case could not be decided (skipped by the live simulator, stale recording). */
  actual: Decision | null;
  pass: boolean;
  decidedBy: string[];
  missingContext: string[];
  /**
   * Cases decided locally: ids of the rules in README "Known differences / assumptions" whose other
   * reading would change the decision (src/engine/assumption-rules.ts). Absent for property checks.
   */
  assumptions?: string[];
  /** Set for property checks. */
  property?: true;
  /** A failing property's shrunk counterexample, as a ready-to-paste case. */
  counterexample?: Record<string, unknown>;
  /** Why a case was not run (e.g. the simulator cannot express session policies). */
  skipped?: string;
  /** Failures only: why the engine decided as it did, in one sentence. */
  reason?: string;
}

export interface ReportSummary {
  suites: number;
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
}

export interface Report {
  summary: ReportSummary;
  /** Set when the run was one shard of several (`iamspec merge-reports` checks none is missing). */
  shard?: Shard;
  results: CaseResult[];
}

/** What `--reporter json` prints when the input could not be used (exit 2). */
export interface ErrorReport {
  error: { file: string; line: number; column: number; message: string };
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
