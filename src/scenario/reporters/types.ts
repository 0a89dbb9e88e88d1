// What every reporter receives and produces.

import type { SourceRef } from '../model.ts';
import type { RunReport } from '../runner.ts';

export interface ReporterContext {
  /** Paths are shown relative to this directory. */
  cwd: string;
  /** ANSI colours (pretty only; decided by the caller from the TTY and NO_COLOR). */
  color: boolean;
  /** Pretty: list only failures and the summary. */
  quiet?: boolean;
  /** Pretty: list every passing case, however many. */
  verbose?: boolean;
  /** Wall time of the run, shown in the summary when given. */
  durationMs?: number;
  /** E.g. `shard 2/4` or `against aws`, shown in the summary. */
  note?: string;
}

/** An input that could not be used (exit 2): where, what, and further findings. */
export interface Problem {
  message: string;
  where?: SourceRef;
  details: { message: string; where?: SourceRef }[];
  /** Usage text to print after the message (bad arguments). */
  usage?: string;
}

/** What a reporter writes: stdout is the reporter's output proper; stderr is for humans. */
export interface Output {
  stdout: string;
  stderr: string;
}

export interface Reporter {
  name: string;
  report(run: RunReport, ctx: ReporterContext): string;
  error(problem: Problem, ctx: ReporterContext): Output;
}
