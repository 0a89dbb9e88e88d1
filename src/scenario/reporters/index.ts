// The reporters by name, and how a thrown user mistake becomes a reportable Problem.

import { PolicyError } from '../../policy/index.ts';
import { RequestError } from '../../engine/request.ts';
import { SuiteError } from '../model.ts';
import { UsageError } from '../runner.ts';
import { github } from './github.ts';
import { json } from './json.ts';
import { junit } from './junit.ts';
import { pretty } from './pretty.ts';
import type { Problem, Reporter } from './types.ts';

export type { Output, Problem, Reporter, ReporterContext } from './types.ts';
export { formatPolicyWarnings, formatSuiteWarnings, formatPretty, formatProblem, summaryLine } from './pretty.ts';
export { formatJson, resultJson, errorJson } from './json.ts';
export { formatJunit, xmlEscape } from './junit.ts';
export { formatGithub, escapeData, escapeProperty } from './github.ts';

export const REPORTERS: Record<string, Reporter> = { pretty, json, junit, github };
export const REPORTER_NAMES = Object.keys(REPORTERS);

/**
 * A user mistake as a Problem (printed, exit 2); null for anything else (an internal error).
 * Recognised: SuiteError (file:line:column), PolicyError (its findings), UsageError, RequestError,
 * and any error carrying `where: {file, line, column}`. Bounded (see `bounded`).
 */
export function toProblem(e: unknown): Problem | null {
  const p = recognise(e);
  return p ? bounded(p) : null;
}

function recognise(e: unknown): Problem | null {
  if (e instanceof SuiteError) {
    return { message: e.message, where: e.where, details: e.details.map((d) => ({ message: d.message, where: d.where })) };
  }
  if (e instanceof PolicyError) {
    const errors = e.findings.filter((f) => f.severity === 'error');
    const first = errors[0] ?? e.findings[0];
    const head = `policy ${e.policyName ? JSON.stringify(e.policyName) + ' ' : ''}is not valid`;
    return {
      message: first ? `${head}: ${first.code}: ${first.message}` : head,
      ...(first?.file ? { where: { file: first.file, line: first.position.line, column: first.position.column } } : {}),
      details: errors.slice(1).map((f) => ({
        message: `${f.severity} ${f.code}: ${f.message}`,
        ...(f.file ? { where: { file: f.file, line: f.position.line, column: f.position.column } } : {}),
      })),
    };
  }
  if (e instanceof UsageError || e instanceof RequestError) return { message: e.message, details: [] };
  if (e instanceof Error && isWhere((e as { where?: unknown }).where)) {
    const d = (e as { details?: unknown }).details;
    return {
      message: e.message,
      where: (e as unknown as { where: Problem['where'] }).where!,
      details: Array.isArray(d) ? d.filter((x) => x && typeof x.message === 'string') : [],
    };
  }
  return null;
}

/** At most this many problems are listed after the first, then how many more there are. */
export const MAX_DETAILS = 50;
/** Quoted input longer than this is cut (a 100 KB name would otherwise be printed whole). */
const MAX_QUOTE = 200;
const MAX_MESSAGE = 1000;

/** A Problem that prints in a few screens whatever the input: long quotes cut, at most MAX_DETAILS details. */
export function bounded(p: Problem): Problem {
  const details = p.details.slice(0, MAX_DETAILS).map((d) => ({ ...d, message: clip(d.message) }));
  if (p.details.length > MAX_DETAILS) details.push({ message: `… and ${p.details.length - MAX_DETAILS} more problems` });
  return { ...p, message: clip(p.message), details };
}

function clip(message: string): string {
  const quotesCut = message.replace(/"(?:[^"\\]|\\.)*"/g, (q) =>
    q.length <= MAX_QUOTE ? q : `${q.slice(0, MAX_QUOTE - 50)}…" (${q.length - 2} characters)`,
  );
  return quotesCut.length <= MAX_MESSAGE ? quotesCut : `${quotesCut.slice(0, MAX_MESSAGE)}… (${quotesCut.length - MAX_MESSAGE} more characters)`;
}

function isWhere(w: unknown): boolean {
  if (typeof w !== 'object' || w === null) return false;
  const o = w as Record<string, unknown>;
  return typeof o.file === 'string' && typeof o.line === 'number' && typeof o.column === 'number';
}
