// `iamspec test --against aws|recorded [--record]`: the suites' cases sent to the IAM policy
// simulator (or replayed from recordings), compared with the local engine.

import type { IAMClient } from '@aws-sdk/client-iam';
import type { Suite } from '../scenario/model.ts';
import { resolverFor } from '../scenario/resolve.ts';
import { displayPath } from '../display-path.ts';
import { AwsUsageError, checkCredentials, Simulator, type Outcome, type RetryOptions } from './adapter.ts';
import { buildReport, caseResult, driftReason, type DifferentialReport, type DifferentialResult, type Mode, type UnwrittenRecording } from './differential.ts';
import { batchPlans, planSuites, type CasePlan } from './mapping.ts';
import {
  answersByHash,
  buildRecording,
  checkRecordingPath,
  entryFor,
  readRecording,
  RECORDING_FORMAT,
  recordingPath,
  replayAnswer,
  writeRecording,
  type RecordingEntry,
  type RecordingFile,
} from './recording.ts';

export interface RunAgainstOptions {
  /** `--record`: write what AWS answered next to each suite (aws mode only). */
  record?: boolean;
  /** The IAM client (default: the standard SDK credential chain, region AWS_REGION or us-east-1). */
  client?: IAMClient;
  /** Calls in flight at once (default 4). */
  concurrency?: number;
  /** Resources per call (default 20). */
  chunkSize?: number;
  /** Actions per call (default: all of a batch's). */
  actionsPerCall?: number;
  /** MaxItems per page (default 1000). */
  maxItems?: number;
  retry?: RetryOptions;
  onProgress?: (done: number, total: number) => void;
  /** Paths in the report are relative to this (default process.cwd()). */
  cwd?: string;
  /**
   * With `record`, when `suites` hold only some cases (--filter, --shard): the whole suites. The
   * recordings then keep the entries of the cases not run, in suite order (never dropped).
   */
  wholeSuites?: Suite[];
}


export const STALE =
  'no recording for the current request (the policies or context changed since it was recorded): re-record with --against aws --record';

/** Replaying a recording an earlier iamspec wrote (OLDER_FORMATS): its keys are computed differently. */
export function olderFormat(format: string): string {
  return `the recording is in the format ${format} of an earlier iamspec, whose request keys ${RECORDING_FORMAT} computes differently: re-record with --against aws --record`;
}

/**
 * The client used when none is given: the standard credential chain; IAM is global (us-east-1).
 * The SDK loads here, for live runs only: replaying recordings needs none of it.
 */
export async function defaultClient(): Promise<IAMClient> {
  const { IAMClient } = await import('@aws-sdk/client-iam');
  return new IAMClient({
    region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    // A hung connection becomes a retryable TimeoutError rather than a run that never ends.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
  });
}

/**
 * Runs the suites' cases against the live simulator (`aws`) or the committed recordings
 * (`recorded`), and returns the differential report. Cases the simulator cannot express, and
 * cases without a recording for their current request, are `skipped` with the reason — never
 * passed. Throws AwsUsageError (a UsageError: exit 2) when credentials are missing or refused, and
 * SuiteError (exit 2) when a recording file is not one.
 */
export async function runAgainst(mode: Mode, suites: Suite[], opts: RunAgainstOptions = {}): Promise<DifferentialReport> {
  if (mode !== 'aws' && mode !== 'recorded') {
    throw new AwsUsageError(`--against takes local, aws or recorded (got "${String(mode)}")`);
  }
  if (opts.record && mode !== 'aws') throw new AwsUsageError('--record needs --against aws (recordings are what AWS answered)');
  const cwd = opts.cwd ?? process.cwd();
  for (const suite of suites) checkRecordingPath(suite.file);
  // A partial run merges into the recordings: read them first, so a broken one stops the run before any call.
  const previous = opts.record && opts.wholeSuites ? new Map(suites.map((s) => [s.file, readRecording(recordingPath(s.file))])) : undefined;
  const plans = planSuites(suites);
  const outcomes = new Map<CasePlan, Outcome>();
  const missing = new Map<CasePlan, string>();
  let calls = 0;
  let unwritten: UnwrittenRecording[] = [];

  if (mode === 'aws') {
    const client = opts.client ?? (await defaultClient());
    await checkCredentials(client);
    const sim = new Simulator(client, {
      ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
      ...(opts.maxItems !== undefined ? { maxItems: opts.maxItems } : {}),
      ...(opts.retry ? { retry: opts.retry } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    const batches = batchPlans(plans, {
      ...(opts.chunkSize !== undefined ? { chunkSize: opts.chunkSize } : {}),
      ...(opts.actionsPerCall !== undefined ? { actionsPerCall: opts.actionsPerCall } : {}),
    });
    for (const [p, o] of await sim.run(batches)) outcomes.set(p, o);
    calls = sim.calls;
    if (opts.record) unwritten = record(suites, plans, outcomes, { cwd, ...(opts.wholeSuites && previous ? { wholeSuites: opts.wholeSuites, previous } : {}) });
  } else {
    const simulated = plans.filter((p) => !p.skip);
    for (const suite of suites) {
      const path = recordingPath(suite.file);
      const file = readRecording(path);
      const byHash = answersByHash(file);
      const byCase = new Map((file?.entries ?? []).map((e) => [e.case, e]));
      for (const p of simulated) {
        if (p.suite !== suite) continue;
        const entry = byHash.get(p.hash!);
        if (entry) {
          outcomes.set(p, { answer: replayAnswer(entry.answer), ...(entry.request.accountPolicies ? { accountPolicies: entry.request.accountPolicies } : {}) });
          continue;
        }
        const drifted = byCase.get(p.case.name)?.request?.accountPolicies;
        missing.set(
          p,
          !file
            ? `no recording file ${displayPath(path, cwd)}: record with --against aws --record`
            : file.format !== RECORDING_FORMAT
              ? olderFormat(file.format)
              : drifted && p.inputs!.accountPolicies && drifted !== p.inputs!.accountPolicies
                ? `${driftReason(p)}; recorded so, it does not replay`
                : STALE,
        );
      }
    }
    opts.onProgress?.(simulated.length, simulated.length);
  }

  const results: DifferentialResult[] = plans.map((plan) =>
    caseResult({
      plan,
      outcome: outcomes.get(plan),
      source: mode === 'aws' ? 'aws' : 'recording',
      ...(missing.has(plan) ? { missing: missing.get(plan)! } : {}),
      cwd,
    }),
  );
  for (const suite of suites) {
    for (const prop of suite.properties) {
      results.push({
        file: displayPath(suite.file, cwd),
        suite: suite.name,
        case: prop.name,
        principal: resolverFor(suite).principalArn(prop.principal),
        action: '*',
        resource: '*',
        expected: prop.expect,
        actual: null,
        pass: false,
        decidedBy: [],
        missingContext: [],
        property: true,
        skipped: 'property checks run against the local engine only (each sample would be a simulator call); run them with --against local',
        agreement: 'skipped',
      });
    }
  }
  const report = buildReport(mode, suites.length, results, calls);
  return unwritten.length ? { ...report, unwritten } : report;
}

interface RecordOptions {
  cwd: string;
  /** A partial run: the whole suites and their recordings as read before the run. */
  wholeSuites?: Suite[];
  previous?: Map<string, RecordingFile | null>;
}

/**
 * Writes each suite's recording: this run's answers, plus earlier entries for cases whose call
 * failed this time and, in a partial run, for the cases not run. Returns the files it could not write.
 */
function record(suites: Suite[], plans: CasePlan[], outcomes: Map<CasePlan, Outcome>, opts: RecordOptions): UnwrittenRecording[] {
  const unwritten: UnwrittenRecording[] = [];
  for (const suite of suites) {
    const mine = plans.filter((p) => p.suite === suite && !p.skip);
    if (mine.length === 0) continue;
    const path = recordingPath(suite.file);
    const old = opts.previous ? opts.previous.get(suite.file) ?? null : safeRead(path);
    const oldByHash = answersByHash(old);
    const fresh = new Map<string, RecordingEntry>();
    for (const p of mine) {
      const o = outcomes.get(p);
      if (o && 'answer' in o) fresh.set(p.case.name, entryFor(p, o.answer, o.accountPolicies));
      else {
        const kept = oldByHash.get(p.hash!);
        if (kept) fresh.set(p.case.name, { ...kept, case: p.case.name });
      }
    }
    const whole = opts.wholeSuites?.find((s) => s.file === suite.file);
    const entries = whole ? mergeEntries(whole, fresh, old) : [...fresh.values()];
    if (entries.length === 0) continue;
    try {
      writeRecording(path, buildRecording(suite.name, suite.file, entries));
    } catch (e) {
      unwritten.push({ file: displayPath(path, opts.cwd), message: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
    }
  }
  return unwritten;
}

/**
 * In the whole suite's case order: this run's entry for a case, else the one recorded before
 * (unless that recording is of an older format: its entries can never replay).
 */
function mergeEntries(whole: Suite, fresh: Map<string, RecordingEntry>, old: RecordingFile | null): RecordingEntry[] {
  const oldByCase = new Map<string, RecordingEntry>();
  if (old?.format === RECORDING_FORMAT) for (const e of old.entries) if (!oldByCase.has(e.case)) oldByCase.set(e.case, e);
  const out: RecordingEntry[] = [];
  for (const c of whole.cases) {
    const e = fresh.get(c.name) ?? oldByCase.get(c.name);
    if (e) out.push(e);
  }
  return out;
}

function safeRead(path: string): RecordingFile | null {
  try {
    return readRecording(path);
  } catch {
    return null;
  }
}

export { AwsUsageError, ReadOnlyViolation, readOnlyClient, checkCredentials, isAllowedOperation, Simulator, withRetry, normalizeResults } from './adapter.ts';
export type { AwsAnswer, Outcome, RetryOptions, SimulatorOptions } from './adapter.ts';
export { renderDifferential, differentialOrder, localSide } from './differential.ts';
export type { UnwrittenRecording, DifferentialReport, DifferentialResult, DifferentialSummary, LocalSide, AwsSide, AwsStatement, Agreement, Mode } from './differential.ts';
export { unsupported, planCase, planSuites, planCalls, batchPlans, requestHash, nameStatement, statementAt, LIMITS } from './mapping.ts';
export type { CasePlan, SimInputs, SimCall, CallPlan, SuiteCallPlan, StatementName, RawStatement } from './mapping.ts';
export { checkRecordingPath, recordingPath, readRecording, renderRecording, RECORDING_FORMAT, OLDER_FORMATS } from './recording.ts';
export type { RecordingFile, RecordingEntry, RequestSummary, RecordedAnswer } from './recording.ts';
