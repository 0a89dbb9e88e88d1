// Compile once, evaluate many: a validated policy becomes statements of closures, indexed by the
// service prefix of their actions so a request only visits statements that could match it.

import type { Finding, JsonNode, Policy, PolicyType, Statement } from '../policy/model.ts';
import { PolicyError, readPolicy } from '../policy/index.ts';
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
  /** Context keys the statement reads (conditions and variables), for MissingContextValues. */
  keys: string[];
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

/** Validates and compiles one policy document; throws PolicyError listing every error finding. */
export function compilePolicy(doc: string | JsonNode | object, opts: CompileOptions): CompiledPolicy {
  const { policy, findings } = readPolicy(doc, opts);
  if (!policy) {
    throw new PolicyError(
      findings.filter((f) => f.severity === 'error'),
      opts.name,
    );
  }
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
  };
}

// ---- statement index ----

const NONE: readonly CompiledStatement[] = [];

/** Statements of a group of policies, indexed by lower-cased service prefix. */
export class StatementIndex {
  private readonly byService = new Map<string, CompiledStatement[]>();
  private readonly anyService: CompiledStatement[] = [];
  readonly all: CompiledStatement[];

  constructor(statements: CompiledStatement[]) {
    this.all = statements;
    for (const s of statements) {
      const services = s.notAction ? null : s.action.services;
      if (services === null) {
        this.anyService.push(s);
        continue;
      }
      for (const svc of services) {
        let list = this.byService.get(svc);
        if (!list) this.byService.set(svc, (list = []));
        list.push(s);
      }
    }
  }

  /** Statements for the service, then those that may match any service. */
  forService(service: string): readonly CompiledStatement[] {
    return this.byService.get(service) ?? NONE;
  }

  get wildcard(): readonly CompiledStatement[] {
    return this.anyService;
  }

  get size(): number {
    return this.all.length;
  }
}
