// Compile once, evaluate many: a validated policy becomes statements of closures, indexed by the
// service prefix of their actions so a request only visits statements that could match it.

import type { Finding, JsonNode, Policy, PolicyType, Statement } from '../policy/model.ts';
import { parseTemplate, readPolicyOrThrow } from '../policy/index.ts';
import { compileActionMatcher, type ActionMatcher } from './action.ts';
import { compileCondition, type CompiledCondition } from './conditions.ts';
import { compilePrincipal, type PrincipalMatcher } from './principal.ts';
import { compileResourceMatcher, type ResourceMatcher } from './resource.ts';
import type { Request } from './request.ts';
import type { StatementRef } from './types.ts';

export interface CompiledStatement {
  ref: StatementRef;
  deny: boolean;
  action: ActionMatcher;
  notAction: boolean;
  /** null: no Resource element (a resource policy's statement applies to its own resource). */
  resource: ResourceMatcher | null;
  notResource: boolean;
  /** Whether Resource/NotResource matches depends on the request's context (policy variables): tested per request, never remembered. */
  resourceReadsContext: boolean;
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
    resourceReadsContext: resource !== null && !resource.contextFree,
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

/** Does the statement's Resource (or NotResource) element match the request's resource? */
export function resourceMatches(s: CompiledStatement, req: Request): boolean {
  return s.resource === null || s.resource.test(req) !== s.notResource;
}

/** The statements whose Resource element may match the request: all that read the context, and the others that match. */
function resourceFilter(statements: readonly CompiledStatement[], req: Request): readonly CompiledStatement[] {
  let kept: CompiledStatement[] | null = null;
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i]!;
    if (s.resourceReadsContext || resourceMatches(s, req)) kept?.push(s);
    else kept ??= statements.slice(0, i);
  }
  return kept ?? statements;
}

// ---- statement index ----

const NONE: readonly CompiledStatement[] = [];
/** Distinct actions remembered per index before the memo starts over (bounds memory). */
const MEMO_LIMIT = 4096;
/** Distinct resources remembered per action before that action's memo starts over. */
const RESOURCE_MEMO_LIMIT = 1024;

/**
 * One action's statements and, per resource, those whose Resource element can match it: the first
 * resource in a slot of its own, a map once a second one is asked about. Remembering pays only when
 * resources repeat; when an action's requests keep naming new resources (a suite with an object key
 * per case) the memo turns itself off for that action and callers test every Resource element.
 */
interface ActionMemo {
  statements: readonly CompiledStatement[];
  /** null until a resource is asked about. */
  resource: string | null;
  list: readonly CompiledStatement[];
  byResource: Map<string, readonly CompiledStatement[]> | null;
  hits: number;
  misses: number;
  /** Resources rarely repeat for this action: remember nothing more. */
  off: boolean;
}

/** Misses before the memo judges whether resources repeat, and the hit share it needs to stay on. */
const MEMO_TRIAL = 64;
const MEMO_MIN_HITS = 0.25;

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
  private readonly memo = new Map<string, ActionMemo>();
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
    return this.actionMemo(actionLower, service).statements;
  }

  private actionMemo(actionLower: string, service: string): ActionMemo {
    let memo = this.memo.get(actionLower);
    if (memo === undefined) {
      const list = [...(this.exact.get(actionLower) ?? NONE)];
      for (const s of this.forService(service)) if (s.action.test(actionLower)) list.push(s);
      for (const s of this.anyService) if (s.action.test(actionLower) !== s.notAction) list.push(s);
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
      memo = { statements: list, resource: null, list, byResource: null, hits: 0, misses: 0, off: false };
      this.memo.set(actionLower, memo);
    }
    return memo;
  }

  /**
   * The statements `matching` the request's action, less those whose Resource element cannot
   * match its resource. Resource elements without policy variables are tested once per (action,
   * resource) and remembered, since suites ask about few resources many times (with different
   * contexts, principals, properties' samples); statements with variables stay in the list, marked
   * `resourceReadsContext`, for the caller to test against this request's context. null: the memo
   * is off for this action (see ActionMemo): use `matching` and test every Resource element.
   */
  forRequest(req: Request): readonly CompiledStatement[] | null {
    const memo = this.actionMemo(req.actionLower, req.service);
    if (memo.off) return null;
    const resource = req.resource;
    if (memo.resource === resource || memo.statements.length === 0) return memo.list;
    if (memo.resource === null) {
      memo.resource = resource;
      return (memo.list = resourceFilter(memo.statements, req));
    }
    let list = memo.byResource?.get(resource);
    if (list !== undefined) {
      memo.hits++;
      return list;
    }
    if (++memo.misses >= MEMO_TRIAL && memo.hits < memo.misses * MEMO_MIN_HITS) {
      memo.off = true;
      memo.byResource = null;
      return null;
    }
    list = resourceFilter(memo.statements, req);
    memo.byResource ??= new Map();
    if (memo.byResource.size >= RESOURCE_MEMO_LIMIT) memo.byResource.clear();
    memo.byResource.set(resource, list);
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
