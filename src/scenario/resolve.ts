// From a suite's names to what the engine decides: a case (principal name, action, resource,
// context) becomes a Request and the PolicySet that applies to it. Shared by the runner, the
// property checks (src/scenario/properties.ts) and the live simulator adapter (src/aws), so all
// three see the same policies for the same case.
//
// Resolution rules:
//   identity  = the principal's groups' policies (group order, then each group's order), then its
//               own; a policy reached twice counts once;
//   boundary  = the principal's boundary; session = its session policies (none when absent/empty);
//   resource  = the `resources` entry whose `arn` equals the case resource, else the unique
//               pattern entry (`*`/`?`) that glob-matches it (two → SuiteError naming both), else,
//               for an S3 object ARN, the entry of its bucket (a bucket policy governs its objects);
//               its `owner` → resourceAccount, `tags` → aws:ResourceTag/*; compiled as `trust`
//               for IAM role ARNs, else `resource`;
//   org       = SCP/RCP levels, managementAccount, accounts; organization.id → aws:PrincipalOrgID
//               and aws:ResourceOrgID for accounts in the organization (unless the case sets them);
//   endpoint  = the `vpcEndpoints` entry the case's aws:SourceVpce names (spec §1.8); its `vpc`
//               → aws:SourceVpc unless the case sets it.
// PolicySets are cached per (suite, principal, resource entry, endpoint): a suite of 100,000 cases over a
// handful of principals builds a handful of sets.

import { compilePolicy, type CompiledPolicy } from '../engine/compile.ts';
import { compilePolicySet, type PolicySet, type PolicySetInput } from '../engine/decide.ts';
import { hasWildcard, compileGlob } from '../engine/glob.ts';
import { makeRequest, parsePrincipal, RequestError, type ContextValue, type Principal, type Request, type RequestInput } from '../engine/request.ts';
import type { PolicyType } from '../policy/model.ts';
import { PolicyError } from '../policy/index.ts';
import { SuiteError, type Case, type SourceRef, type Suite, type SuiteOrganization, type SuitePrincipal, type SuiteResource, type SuiteVpcEndpoint } from './model.ts';

/** Accounts of the organization: the management account and the members (every account when none are listed). */
function inOrganization(org: SuiteOrganization, account: string | undefined): boolean {
  if (account === undefined) return false;
  return account === org.managementAccount || org.accounts === undefined || org.accounts.includes(account);
}

/** What a case needs to be decided: who, what, on which resource, in which context. */
export interface CaseLike {
  principal: string;
  action: string;
  resource: string;
  context: Record<string, ContextValue | null>;
  /** Where the case is written (errors point here when given). */
  defined?: SourceRef;
}

export interface ResolvedCase {
  request: Request;
  set: PolicySet;
}

/** Resolves one case of a suite to the engine's request and policy set (cached per suite). */
export function caseRequest(suite: Suite, c: Case | CaseLike): ResolvedCase {
  return resolverFor(suite).resolve(c);
}

/** The resolver of a suite (created on first use, then cached for the suite object's lifetime). */
export function resolverFor(suite: Suite): SuiteResolver {
  let r = resolvers.get(suite);
  if (!r) resolvers.set(suite, (r = new SuiteResolver(suite)));
  return r;
}

const resolvers = new WeakMap<Suite, SuiteResolver>();

/** The policy type a resource policy is compiled as for this resource ARN (or ARN pattern). */
/** The request's aws:SourceVpce (keys are case-insensitive), or undefined: the endpoint it comes through. */
export function sourceVpce(context: Record<string, ContextValue | null>): string | undefined {
  for (const [k, v] of Object.entries(context)) if (v && k.toLowerCase() === 'aws:sourcevpce' && !v.list) return v.values[0];
  return undefined;
}

export function resourcePolicyType(arn: string): 'trust' | 'resource' {
  return /^arn:[^:]*:iam::[^:]*:role\//.test(arn) ? 'trust' : 'resource';
}

interface PatternEntry {
  entry: SuiteResource;
  index: number;
  test: (s: string) => boolean;
}

export class SuiteResolver {
  private readonly principals = new Map<string, Principal>();
  private readonly exact = new Map<string, number>();
  private readonly patterns: PatternEntry[] = [];
  /** S3 bucket entries by bucket ARN, for object ARNs without an entry of their own. */
  private readonly buckets = new Map<string, number>();
  /**
   * Resource string → entry index (-1: none), only when there are many patterns to try; bounded so
   * distinct resources cannot grow it forever.
   */
  private readonly lookups = new Map<string, number>();
  private readonly sets = new Map<string, PolicySet>();
  private readonly compiled = new Map<string, CompiledPolicy>();
  private orgInput: Pick<PolicySetInput, 'scps' | 'rcps' | 'organization'> | undefined;

  constructor(readonly suite: Suite) {
    suite.resources.forEach((entry, index) => {
      if (hasWildcard(entry.arn)) {
        this.patterns.push({ entry, index, test: compileGlob(entry.arn) });
      } else {
        if (!this.exact.has(entry.arn)) this.exact.set(entry.arn, index);
        const bucket = /^arn:[^:]*:s3:::[^/]+$/.test(entry.arn);
        if (bucket && !this.buckets.has(entry.arn)) this.buckets.set(entry.arn, index);
      }
    });
  }

  resolve(c: CaseLike): ResolvedCase {
    const principal = this.principal(c.principal, c.defined);
    const idx = this.resourceIndex(c.resource, c.defined);
    const entry = idx >= 0 ? this.suite.resources[idx]! : undefined;
    const endpoint = this.suite.vpcEndpoints === undefined ? undefined : this.suite.vpcEndpoints.get(sourceVpce(c.context) ?? '');
    const set = this.set(c.principal, idx, c.defined, endpoint);
    const input: RequestInput = { principal, action: c.action, resource: c.resource, context: c.context };
    if (endpoint?.vpc && !Object.keys(c.context).some((k) => k.toLowerCase() === 'aws:sourcevpc')) {
      input.context = { ...c.context, 'aws:SourceVpc': { type: 'string', list: false, values: [endpoint.vpc] } };
    }
    const org = this.suite.organization;
    if (org?.id !== undefined) {
      if (inOrganization(org, principal.account)) input.principalOrgId = org.id;
      const owner = entry?.owner ?? (/^arn:[^:]*:[^:]*:[^:]*:(\d{12}):/.exec(c.resource)?.[1] ?? principal.account);
      if (inOrganization(org, owner)) input.resourceOrgId = org.id;
    }
    if (entry) {
      if (entry.owner) input.resourceAccount = entry.owner;
      for (const _ in entry.tags) {
        input.resourceTags = entry.tags;
        break;
      }
    }
    return { request: makeRequest(input), set };
  }

  /** The suite principal, parsed once. */
  principal(name: string, where?: SourceRef): Principal {
    let p = this.principals.get(name);
    if (p) return p;
    const sp = this.suitePrincipal(name, where);
    try {
      p = parsePrincipal({
        arn: sp.arn,
        tags: sp.tags,
        ...(sp.uniqueId ? { uniqueId: sp.uniqueId } : {}),
        ...(sp.sessionName ? { sessionName: sp.sessionName } : {}),
        ...(sp.parentUserArn ? { parentUserArn: sp.parentUserArn } : {}),
      });
    } catch (e) {
      if (e instanceof RequestError) throw new SuiteError(`principal "${name}": ${e.message}`, sp.defined);
      throw e;
    }
    this.principals.set(name, p);
    return p;
  }

  /** The ARN reported for a principal name (`anonymous` for the unsigned caller). */
  principalArn(name: string): string {
    return this.suite.principals.get(name)?.arn ?? name;
  }

  private suitePrincipal(name: string, where?: SourceRef): SuitePrincipal {
    const sp = this.suite.principals.get(name);
    if (!sp) throw new SuiteError(`unknown principal "${name}"`, where ?? this.suiteRef());
    return sp;
  }

  /** The index into suite.resources of the entry that applies to the resource, or -1. */
  resourceIndex(resource: string, where?: SourceRef): number {
    let idx = this.exact.get(resource);
    if (idx !== undefined) return idx;
    const cache = this.patterns.length > 4;
    if (cache) {
      const cached = this.lookups.get(resource);
      if (cached !== undefined) return cached;
    }
    let found: PatternEntry | undefined;
    for (const p of this.patterns) {
      if (!p.test(resource)) continue;
      if (found) {
        throw new SuiteError(
          `resource ${resource} matches two resource patterns: "${found.entry.arn}" (line ${found.entry.defined.line}) and "${p.entry.arn}" (line ${p.entry.defined.line}); list the resource itself or make the patterns disjoint`,
          where ?? p.entry.defined,
          [
            { message: `pattern "${found.entry.arn}"`, where: found.entry.defined },
            { message: `pattern "${p.entry.arn}"`, where: p.entry.defined },
          ],
        );
      }
      found = p;
    }
    idx = found?.index;
    if (idx === undefined && this.buckets.size > 0) {
      const m = /^(arn:[^:]*:s3:::[^/]+)\//.exec(resource);
      idx = (m && this.buckets.get(m[1]!)) ?? undefined;
    }
    idx ??= -1;
    if (cache) {
      if (this.lookups.size >= 10_000) this.lookups.clear();
      this.lookups.set(resource, idx);
    }
    return idx;
  }

  /** The policy set for a principal, resource entry (-1: none) and VPC endpoint, built once. */
  set(principalName: string, resourceIndex: number, where?: SourceRef, endpoint?: SuiteVpcEndpoint): PolicySet {
    const key = `${resourceIndex}\u0000${principalName}\u0000${endpoint?.id ?? ''}`;
    let set = this.sets.get(key);
    if (set) return set;
    const sp = this.suitePrincipal(principalName, where);
    const identity: CompiledPolicy[] = [];
    const seen = new Set<string>();
    const add = (name: string, ref: SourceRef) => {
      if (seen.has(name)) return;
      seen.add(name);
      identity.push(this.policy(name, 'identity', ref));
    };
    for (const g of sp.groups) {
      const group = this.suite.groups.get(g);
      if (!group) throw new SuiteError(`principal "${principalName}": unknown group "${g}"`, sp.defined);
      for (const name of group.policies) add(name, group.defined);
    }
    for (const name of sp.policies) add(name, sp.defined);
    const entry = resourceIndex >= 0 ? this.suite.resources[resourceIndex] : undefined;
    set = compilePolicySet({
      identity,
      boundary: sp.boundary ? this.policy(sp.boundary, 'boundary', sp.defined) : null,
      session: sp.session && sp.session.length ? sp.session.map((n) => this.policy(n, 'session', sp.defined)) : null,
      resource: entry?.policy ? this.policy(entry.policy, resourcePolicyType(entry.arn), entry.defined) : null,
      endpoint: endpoint ? this.policy(endpoint.policy, 'endpoint', endpoint.defined) : null,
      ...this.org(),
    });
    this.sets.set(key, set);
    return set;
  }

  private org(): Pick<PolicySetInput, 'scps' | 'rcps' | 'organization'> {
    if (this.orgInput) return this.orgInput;
    const o = this.suite.organization;
    if (!o) return (this.orgInput = {});
    const levels = (ls: string[][], type: 'scp' | 'rcp') => ls.map((l) => l.map((n) => this.policy(n, type, o.defined)));
    return (this.orgInput = {
      scps: levels(o.scps, 'scp'),
      rcps: levels(o.rcps, 'rcp'),
      organization: {
        ...(o.managementAccount ? { managementAccount: o.managementAccount } : {}),
        ...(o.accounts ? { accounts: o.accounts } : {}),
      },
    });
  }

  /**
   * A suite policy compiled as `type`: the loader's compiled form when it made one, else compiled
   * here from the document (hand-built suites, or a type the loader did not foresee).
   */
  policy(name: string, type: PolicyType, where: SourceRef): CompiledPolicy {
    const sp = this.suite.policies.get(name);
    if (!sp) throw new SuiteError(`unknown policy "${name}"`, where);
    const done = sp.compiled.get(type);
    if (done) return done;
    const key = `${type}\u0000${name}`;
    let c = this.compiled.get(key);
    if (c) return c;
    try {
      c = compilePolicy(sp.path || sp.awsManaged ? sp.text : (sp.document as object), { name, type, file: sp.path ?? sp.awsManaged?.arn ?? this.suite.file });
    } catch (e) {
      if (e instanceof PolicyError) {
        const errors = e.findings.filter((f) => f.severity === 'error');
        const first = errors[0];
        throw new SuiteError(
          `policy "${name}" is not a valid ${type} policy${first ? `: ${first.message}` : ''}`,
          first && sp.path ? { file: sp.path, line: first.position.line, column: first.position.column } : sp.defined,
          errors.map((f) => ({
            message: `${f.severity} ${f.code}: ${f.message}`,
            where: sp.path ? { file: sp.path, line: f.position.line, column: f.position.column } : sp.defined,
          })),
        );
      }
      throw e;
    }
    this.compiled.set(key, c);
    return c;
  }

  private suiteRef(): SourceRef {
    return { file: this.suite.file, line: 1, column: 1 };
  }
}
