// Small builders for decision tests: inline policy documents, requests and typed context values.
import {
  compilePolicy,
  compilePolicySet,
  evaluate,
  explain,
  makeRequest,
  type CompiledPolicy,
  type ContextValue,
  type PolicySetInput,
  type RequestInput,
} from '../../src/engine/index.ts';
import type { PolicyType } from '../../src/policy/model.ts';

export type Doc = { Version?: string; Statement: unknown };

export function pol(name: string, type: PolicyType, doc: Doc | Doc['Statement'][]): CompiledPolicy {
  const full = Array.isArray(doc) ? { Version: '2012-10-17', Statement: doc } : doc;
  return compilePolicy(full, { name, type });
}

/** A statement-list shorthand: identity policy, Version 2012-10-17. */
export const id = (name: string, ...statements: unknown[]) => pol(name, 'identity', statements);
export const boundary = (name: string, ...statements: unknown[]) => pol(name, 'boundary', statements);
export const rbp = (name: string, ...statements: unknown[]) => pol(name, 'resource', statements);
export const scp = (name: string, ...statements: unknown[]) => pol(name, 'scp', statements);
export const rcp = (name: string, ...statements: unknown[]) => pol(name, 'rcp', statements);
export const session = (name: string, ...statements: unknown[]) => pol(name, 'session', statements);

export const str = (...values: string[]): ContextValue => ({ type: 'string', list: values.length !== 1, values });
export const strList = (...values: string[]): ContextValue => ({ type: 'string', list: true, values });
export const bool = (v: boolean): ContextValue => ({ type: 'boolean', list: false, values: [String(v)] });
export const num = (v: number): ContextValue => ({ type: 'numeric', list: false, values: [String(v)] });
export const ip = (v: string): ContextValue => ({ type: 'ip', list: false, values: [v] });
export const date = (v: string): ContextValue => ({ type: 'date', list: false, values: [v] });

export interface Ask extends Omit<RequestInput, 'principal' | 'context'> {
  principal: string;
  context?: Record<string, ContextValue | null | undefined>;
  tags?: Record<string, string>;
  parentUserArn?: string;
}

function request(ask: Ask) {
  const { principal, tags, parentUserArn, context, ...rest } = ask;
  const defined = Object.entries(context ?? {}).filter((e): e is [string, ContextValue | null] => e[1] !== undefined);
  return makeRequest({
    ...rest,
    context: Object.fromEntries(defined),
    principal: { arn: principal, ...(tags ? { tags } : {}), ...(parentUserArn ? { parentUserArn } : {}) },
  });
}

/** Decides and cross-checks: the traced explanation must agree with the fast path. */
export function decide(ask: Ask, policies: PolicySetInput) {
  const set = compilePolicySet(policies);
  const req = request(ask);
  const result = evaluate(req, set);
  const traced = explain(req, set);
  if (traced.decision !== result.decision) {
    throw new Error(`fast path said ${result.decision}, traced path ${traced.decision}`);
  }
  return { decision: result.decision, decidedBy: result.decidedBy.map((r) => `${r.policy}#${r.sid ?? r.index}`), explanation: traced };
}
