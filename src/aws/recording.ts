// Recordings: what the IAM policy simulator answered, committed next to each suite so CI can
// replay the differential check offline (`--against recorded`) and reviewers can read, in a diff,
// what AWS said about a policy change.
//
// `scenarios/mfa/all-staff.yaml` → `scenarios/mfa/all-staff.recording.json`: pretty JSON, fixed
// key order, one entry per simulated case in suite order, each keyed by the sha256 of its
// canonical request (mapping.ts `requestHash`: the exact policy texts, boundary, resource policy,
// SCP levels, caller, context entries, action and resource; in Principal mode the fingerprint of
// the account's attached documents). Nothing time-dependent is written, so
// re-recording unchanged answers leaves the file byte-identical.

import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { parseJson } from '../policy/json.ts';
import { FileReadError, readTextFile } from '../read-file.ts';
import { SuiteError } from '../scenario/model.ts';
import type { AwsAnswer } from './adapter.ts';
import { nameStatement, requestHash, type CasePlan, type RawStatement, type SimInputs, type TextPosition } from './mapping.ts';

export const RECORDING_FORMAT = 'iamspec-recording/2';
/**
 * Formats of earlier iamspec versions: read, never matched (their request hash was computed
 * differently), so every case replays as stale, saying so (index.ts `olderFormat`).
 */
export const OLDER_FORMATS: readonly string[] = ['iamspec-recording/1'];

/** The request as a reviewer reads it (the hash, not this summary, is what replay matches). */
export interface RequestSummary {
  operation: string;
  policySource?: string;
  /** CallerArn (SimulateCustomPolicy; in Principal mode the caller is the policy source). */
  caller?: string;
  /**
   * Principal mode: fingerprint of the documents attached to the principal in the account when AWS
   * answered (mapping.ts `policyFingerprint`); a recording is keyed with it, so an account that
   * had drifted from the suite does not replay.
   */
  accountPolicies?: string;
  /** Identity policy names, in PolicyInputList order. */
  policies: string[];
  boundary?: string;
  resourcePolicy?: string;
  resourceOwner?: string;
  /** SCP names per organization level, root first. */
  organizationLevels?: string[][];
  /** key → [ContextKeyType, ...values] */
  context: Record<string, string[]>;
  action: string;
  resource: string;
}

export interface RecordedStatement {
  /** `policy#Sid` / `policy#N`, or null when the position maps to no suite statement. */
  statement: string | null;
  sourcePolicyId: string;
  sourcePolicyType?: string;
  /** `line:column`, 1-based, in the text that was sent. */
  start?: string;
  end?: string;
}

export interface RecordedAnswer {
  decision: AwsAnswer['decision'];
  matchedStatements: RecordedStatement[];
  missingContextValues: string[];
  allowedByOrganizations?: boolean;
  allowedByPermissionsBoundary?: boolean;
  evalDecisionDetails?: Record<string, string>;
}

export interface RecordingEntry {
  /** The case name (for the reader; lookup is by hash). */
  case: string;
  hash: string;
  request: RequestSummary;
  answer: RecordedAnswer;
}

export interface RecordingFile {
  /** RECORDING_FORMAT, or one of OLDER_FORMATS when read from an older file. */
  format: string;
  suite: string;
  /** The suite file, relative to this file. */
  suiteFile: string;
  about: string;
  entries: RecordingEntry[];
}

/** Where a suite's recording lives: next to it, `<name>.recording.json`. */
export function recordingPath(suiteFile: string): string {
  const ext = extname(suiteFile);
  return join(dirname(suiteFile), `${basename(suiteFile, ext)}.recording.json`);
}

/**
 * `a.yaml` and `a.yml` side by side would share `a.recording.json`: each run would overwrite the
 * other's answers. Throws SuiteError (exit 2) naming both.
 */
export function checkRecordingPath(suiteFile: string): void {
  const ext = extname(suiteFile);
  const twin = ext === '.yml' ? '.yaml' : ext === '.yaml' ? '.yml' : undefined;
  if (twin === undefined) return;
  const other = join(dirname(suiteFile), basename(suiteFile, ext) + twin);
  let exists = false;
  try {
    exists = statSync(other).isFile();
  } catch {
    exists = false;
  }
  if (exists) {
    throw new SuiteError(
      `${basename(suiteFile)} and ${basename(other)} would share the recording ${basename(recordingPath(suiteFile))}: rename one of the suites`,
      { file: suiteFile, line: 1, column: 1 },
    );
  }
}

export function summarize(inputs: SimInputs, action: string, resource: string): RequestSummary {
  const context: Record<string, string[]> = {};
  for (const e of inputs.context) context[e.name] = [e.type, ...e.values];
  return {
    operation: inputs.operation,
    ...(inputs.policySourceArn ? { policySource: inputs.policySourceArn } : {}),
    ...(inputs.callerArn ? { caller: inputs.callerArn } : {}),
    ...(inputs.accountPolicies ? { accountPolicies: inputs.accountPolicies } : {}),
    policies: inputs.policies.map((p) => p.name),
    ...(inputs.boundary ? { boundary: inputs.boundary.name } : {}),
    ...(inputs.resourcePolicy ? { resourcePolicy: inputs.resourcePolicy.name } : {}),
    ...(inputs.resourceOwner ? { resourceOwner: inputs.resourceOwner } : {}),
    ...(inputs.scps ? { organizationLevels: inputs.scps.map((l) => l.map((p) => p.name)) } : {}),
    context,
    action,
    resource,
  };
}

const pos = (p: TextPosition | undefined) => (p ? `${p.line}:${p.column}` : undefined);

function parsePos(s: string | undefined): TextPosition | undefined {
  const m = s ? /^(\d+):(\d+)$/.exec(s) : null;
  return m ? { line: Number(m[1]), column: Number(m[2]) } : undefined;
}

export function recordAnswer(inputs: SimInputs, a: AwsAnswer): RecordedAnswer {
  return {
    decision: a.decision,
    matchedStatements: a.matchedStatements.map((s) => {
      const start = pos(s.start);
      const end = pos(s.end);
      return {
        statement: nameStatement(inputs, s)?.ref ?? null,
        sourcePolicyId: s.sourcePolicyId,
        ...(s.sourcePolicyType ? { sourcePolicyType: s.sourcePolicyType } : {}),
        ...(start ? { start } : {}),
        ...(end ? { end } : {}),
      };
    }),
    missingContextValues: [...a.missingContextValues],
    ...(a.allowedByOrganizations !== undefined ? { allowedByOrganizations: a.allowedByOrganizations } : {}),
    ...(a.allowedByPermissionsBoundary !== undefined ? { allowedByPermissionsBoundary: a.allowedByPermissionsBoundary } : {}),
    ...(a.evalDecisionDetails ? { evalDecisionDetails: a.evalDecisionDetails } : {}),
  };
}

/** A recorded answer back in the adapter's form (statements are re-mapped against today's inputs). */
export function replayAnswer(r: RecordedAnswer): AwsAnswer {
  return {
    decision: r.decision,
    matchedStatements: r.matchedStatements.map((s): RawStatement => {
      const start = parsePos(s.start);
      const end = parsePos(s.end);
      return {
        sourcePolicyId: s.sourcePolicyId,
        ...(s.sourcePolicyType ? { sourcePolicyType: s.sourcePolicyType } : {}),
        ...(start ? { start } : {}),
        ...(end ? { end } : {}),
      };
    }),
    missingContextValues: [...r.missingContextValues],
    ...(r.allowedByOrganizations !== undefined ? { allowedByOrganizations: r.allowedByOrganizations } : {}),
    ...(r.allowedByPermissionsBoundary !== undefined ? { allowedByPermissionsBoundary: r.allowedByPermissionsBoundary } : {}),
    ...(r.evalDecisionDetails ? { evalDecisionDetails: r.evalDecisionDetails } : {}),
  };
}

export function buildRecording(suiteName: string, suiteFile: string, entries: RecordingEntry[]): RecordingFile {
  return {
    format: RECORDING_FORMAT,
    suite: suiteName,
    suiteFile: basename(suiteFile),
    about:
      'What the IAM policy simulator answered for each case of the suite, keyed by the sha256 of the canonical request. Written by `iamspec test --against aws --record`, replayed by `iamspec test --against recorded`. Review it like code: a changed decision here is AWS disagreeing with the previous recording.',
    entries,
  };
}

/**
 * The entry for what AWS answered. In Principal mode the request is keyed with the fingerprint of
 * the documents the account had (`accountPolicies`), not the suite's: when they differ, the entry
 * does not match the suite's request, and replay reports the case stale.
 */
export function entryFor(plan: CasePlan, answer: AwsAnswer, accountPolicies?: string): RecordingEntry {
  const inputs = accountPolicies && accountPolicies !== plan.inputs!.accountPolicies ? { ...plan.inputs!, accountPolicies } : plan.inputs!;
  return {
    case: plan.case.name,
    hash: inputs === plan.inputs ? plan.hash! : requestHash(inputs, plan.action, plan.resource),
    request: summarize(inputs, plan.action, plan.resource),
    answer: recordAnswer(inputs, answer),
  };
}

/**
 * Pretty JSON, two-space indent, trailing newline; key order is the construction order above.
 * Arrays of scalars that fit on a line stay on one line (`["boolean", "true"]`), so an entry
 * reads like the request it stands for and a changed value is a one-line diff.
 */
export function renderRecording(file: RecordingFile): string {
  return prettyJson(file, '') + '\n';
}

const INLINE_WIDTH = 100;

function prettyJson(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => v === null || typeof v !== 'object')) {
      const flat = `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
      if (flat.length + indent.length <= INLINE_WIDTH) return flat;
    }
    return `[\n${value.map((v) => inner + prettyJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${prettyJson(v, inner)}`).join(',\n')}\n${indent}}`;
}

/** Writes the recording atomically (a temporary file, then a rename): a failed write never leaves half a file. */
export function writeRecording(path: string, file: RecordingFile): void {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(tmp, renderRecording(file));
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Reads a recording; null when the file does not exist; SuiteError (exit 2) when it is not one. */
export function readRecording(path: string): RecordingFile | null {
  const where = { file: path, line: 1, column: 1 };
  const again = '; re-record with --against aws --record';
  let text: string;
  try {
    text = readTextFile(path);
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    if (e.problem === 'missing') return null;
    throw new SuiteError(`the recording ${e.message}`, { ...where, ...e.position });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new SuiteError(`the recording is not valid JSON (${(e as Error).message})${again}`, where);
  }
  const f = data as Partial<RecordingFile>;
  if (!f || typeof f !== 'object' || (f.format !== RECORDING_FORMAT && !OLDER_FORMATS.includes(f.format as string)) || !Array.isArray(f.entries)) {
    throw new SuiteError(`not an iamspec recording (expected "format": "${RECORDING_FORMAT}" and "entries": [...])${again}`, where);
  }
  for (const [i, e] of f.entries.entries()) {
    const problem = entryProblem(e);
    if (problem) {
      const name = typeof e?.case === 'string' ? ` (${JSON.stringify(e.case.slice(0, 200))})` : '';
      throw new SuiteError(`recording entry ${i}${name} is malformed: ${problem}${again}`, { file: path, ...entryPosition(text, i) });
    }
  }
  return f as RecordingFile;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalString = (v: unknown) => v === undefined || typeof v === 'string';

/** What is wrong with one entry (everything replay reads), or undefined. */
function entryProblem(e: unknown): string | undefined {
  if (!isObject(e)) return 'an entry is an object {case, hash, request, answer}';
  if (typeof e.case !== 'string') return '"case" is not text';
  if (typeof e.hash !== 'string') return '"hash" is not text';
  if (!isObject(e.request)) return '"request" is not an object';
  const a = e.answer;
  if (!isObject(a)) return '"answer" is not an object';
  if (a.decision !== 'allowed' && a.decision !== 'explicitDeny' && a.decision !== 'implicitDeny') {
    return 'answer.decision is not allowed, explicitDeny or implicitDeny';
  }
  if (!Array.isArray(a.matchedStatements)) return 'answer.matchedStatements is not a list';
  for (const [k, st] of a.matchedStatements.entries()) {
    const at = `answer.matchedStatements[${k}]`;
    if (!isObject(st)) return `${at} is not an object`;
    if (typeof st.sourcePolicyId !== 'string') return `${at}.sourcePolicyId is missing`;
    if (!optionalString(st.sourcePolicyType) || !optionalString(st.start) || !optionalString(st.end)) {
      return `${at}: sourcePolicyType, start and end are text`;
    }
  }
  if (!Array.isArray(a.missingContextValues) || !a.missingContextValues.every((v) => typeof v === 'string')) {
    return 'answer.missingContextValues is not a list of key names';
  }
  for (const k of ['allowedByOrganizations', 'allowedByPermissionsBoundary'] as const) {
    if (a[k] !== undefined && typeof a[k] !== 'boolean') return `answer.${k} is not true or false`;
  }
  const d = a.evalDecisionDetails;
  if (d !== undefined && !(isObject(d) && Object.values(d).every((v) => typeof v === 'string'))) {
    return 'answer.evalDecisionDetails is not a mapping of text';
  }
  return undefined;
}

/** Where entry `i` starts in the recording's text (read again with positions: errors only). */
function entryPosition(text: string, i: number): { line: number; column: number } {
  const { node } = parseJson(text);
  const entries = node?.kind === 'object' ? node.entries.find((e) => e.key === 'entries')?.value : undefined;
  const item = entries?.kind === 'array' ? entries.items[i] : undefined;
  return item ? item.span.start : { line: 1, column: 1 };
}

/** The recorded answers by request hash. */
export function answersByHash(file: RecordingFile | null): Map<string, RecordingEntry> {
  const m = new Map<string, RecordingEntry>();
  for (const e of file?.entries ?? []) if (!m.has(e.hash)) m.set(e.hash, e);
  return m;
}
