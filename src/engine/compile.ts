// Compile once, evaluate many: a validated policy becomes statements of closures, indexed by the
// service prefix of their actions so a request only visits statements that could match it.

import type { Finding, JsonNode, Policy, PolicyType, Statement } from '../policy/model.ts';
import { parseTemplate, readPolicyOrThrow } from '../policy/index.ts';
import { compileActionMatcher, type ActionMatcher } from './action.ts';
import { compileCondition, type CompiledCondition } from './conditions.ts';
import { compilePrincipal, type PrincipalMatcher } from './principal.ts';
import { compileResourceMatcher, type ResourceMatcher } from './resource.ts';
import type { StatementRef } from './types.ts';

export interface CompiledStatement {
  ref: StatementRef;
  deny: boolean;
  action: ActionMatcher;
  notAction: boolean;
  /** null: no Resource element (a resource policy's statement applies to its own resource). */
  resource: ResourceMatcher | null;
  notResource: boolean;
  /** null: no Principal element (identity-style policies). */
  principal: PrincipalMatcher | null;
  notPrincipal: boolean;
  /** null: no Condition. */
  condition: CompiledCondition | null;
  /** Context keys the statement reads (conditions and variables), lower-cased, for MissingContextValues. */
  keys: string[];
  /** `keys` as the policy writes them (sts:ExternalId), for reports. */
  keyNames: string[];
}

export interface CompiledPolicy {
  name: string;
  type: PolicyType;
  policy: Policy;
  statements: CompiledStatement[];
  /** Warnings and suggestions (errors make compilePolicy throw). */
  findings: Finding[];
}

export interface CompileOptions {
  name: string;
  type: PolicyType;
  file?: string;
  /** SCP/RCP hierarchy level, for explanations. */
  level?: number;
}

/** Validates and compiles one policy document; throws PolicyError with every finding when one is an error. */
export function compilePolicy(doc: string | JsonNode | object, opts: CompileOptions): CompiledPolicy {
  const { policy, findings } = readPolicyOrThrow(doc, opts);
  return compileParsedPolicy(policy, findings, opts.level);
}

/** Compiles an already validated policy model. */
export function compileParsedPolicy(policy: Policy, findings: Finding[] = [], level?: number): CompiledPolicy {
  const variables = policy.version?.value === '2012-10-17';
  const statements = policy.statements.map((s) => compileStatement(policy, s, variables, level));
  return { name: policy.name, type: policy.type, policy, statements, findings };
}

function compileStatement(policy: Policy, s: Statement, variables: boolean, level?: number): CompiledStatement {
  const ref: StatementRef = {
    policy: policy.name,
    policyType: policy.type,
    index: s.index,
    effect: s.effect.value,
    span: s.span,
    ...(s.sid ? { sid: s.sid.value } : {}),
    ...(level !== undefined ? { level } : {}),
    ...(policy.file ? { file: policy.file } : {}),
  };
  const actions = s.action ?? s.notAction ?? [];
  const resources = s.resource ?? s.notResource;
  const principal = s.principal ?? s.notPrincipal;
  const action = compileActionMatcher(actions.map((a) => a.value));
  const resource = resources ? compileResourceMatcher(resources.map((r) => r.value), { variables }) : null;
  const condition = s.condition.length ? compileCondition(s.condition, { variables }) : null;
  const keys = [...new Set([...(condition?.keys ?? []), ...(resource?.keys ?? [])])];
  const written = keys.length ? writtenKeys(s, variables) : undefined;
  return {
    ref,
    deny: s.effect.value === 'Deny',
    action,
    notAction: !s.action && !!s.notAction,
    resource,
    notResource: !s.resource && !!s.notResource,
    principal: principal ? compilePrincipal(principal) : null,
    notPrincipal: !s.principal && !!s.notPrincipal,
    condition,
    keys,
    keyNames: written ? keys.map((k) => written.get(k) ?? k) : keys,
  };
}

/** Lower-cased key → the first spelling the statement uses (condition keys, then variables). */
function writtenKeys(s: Statement, variables: boolean): Map<string, string> {
  const out = new Map<string, string>();
  const add = (key: string) => {
    const lower = key.toLowerCase();
    if (!out.has(lower)) out.set(lower, key);
  };
  for (const e of s.condition) add(e.key.value);
  if (variables) {
    const texts = [...(s.resource ?? s.notResource ?? []), ...s.condition.flatMap((e) => e.values)];
    for (const t of texts) for (const part of parseTemplate(t.value).parts) if (part.kind === 'var') add(part.key);
  }
  return out;
}

// ---- statement index ----

const NONE: readonly CompiledStatement[] = [];
/** Distinct actions remembered per index before the memo starts over (bounds memory). */
const MEMO_LIMIT = 4096;

function push<K>(map: Map<K, CompiledStatement[]>, key: K, s: CompiledStatement): void {
  const list = map.get(key);
  if (list) list.push(s);
  else map.set(key, [s]);
}

/**
 * Statements of a group of policies, indexed so a request visits only statements that can match
 * its action: by exact lower-cased action (no action test needed), by service for wildcard names
 * (`s3:Get*`), and a list for statements any service can match (`*`, `*:List*`, NotAction).
 * A statement with both kinds of pattern for one service goes only to that service's wildcard
 * list, so no request visits a statement twice.
 */
export class StatementIndex {
  private readonly exact = new Map<string, CompiledStatement[]>();
  private readonly glob = new Map<string, CompiledStatement[]>();
  private readonly anyService: CompiledStatement[] = [];
  private readonly memo = new Map<string, CompiledStatement[]>();
  readonly all: CompiledStatement[];

  constructor(statements: CompiledStatement[]) {
    this.all = statements;
    for (const s of statements) {
      if (s.notAction || s.action.services === null) {
        this.anyService.push(s);
        continue;
      }
      const globServices = s.action.globServices;
      for (const svc of globServices) push(this.glob, svc, s);
      for (const action of s.action.exactActions) {
        if (!globServices.has(action.slice(0, action.indexOf(':')))) push(this.exact, action, s);
      }
    }
  }

  /**
   * Every statement whose Action/NotAction element matches this (lower-cased) action. Computed on
   * first use per action and remembered: a suite asks about few distinct actions, many times.
   */
  matching(actionLower: string, service: string): readonly CompiledStatement[] {
    let list = this.memo.get(actionLower);
    if (list === undefined) {
      list = [...(this.exact.get(actionLower) ?? NONE)];
      for (const s of this.forService(service)) if (s.action.test(actionLower)) list.push(s);
      for (const s of this.anyService) if (s.action.test(actionLower) !== s.notAction) list.push(s);
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
      this.memo.set(actionLower, list);
    }
    return list;
  }

  /** Statements with wildcard action names in this service: test their Action element. */
  forService(service: string): readonly CompiledStatement[] {
    return this.glob.get(service) ?? NONE;
  }

  /** Statements any service's action may match (`*`, wildcard service, NotAction). */
  get wildcard(): readonly CompiledStatement[] {
    return this.anyService;
  }
}
