// The decision flow of spec §1.7 over every policy type. Two phases:
//   1. scan: every applicable policy group is matched against the request, collecting matching
//      Deny and Allow statements (fast path: only statements whose Action matches, less those whose
//      variable-free Resource cannot, remembered per action and resource by StatementIndex;
//      traced path: every statement, recording why each did not match);
//   2. conclude: a pure function of the scan that walks the gates in AWS's order.
// Both paths share `conclude`, so the explanation can never disagree with the decision. The entry
// points `evaluate` and `explain` are in evaluate.ts.

import { catalog } from '../catalog/index.ts';
import type { CompiledPolicy, CompiledStatement } from './compile.ts';
import { resourceMatches, StatementIndex } from './compile.ts';
import { stronger, type PrincipalMatch } from './principal.ts';
import type { AwsRuling } from './aws-rules.ts';
import type { Principal, Request } from './request.ts';
import type { Decision, Gate, StatementMiss, StatementTrace } from './types.ts';

export interface PolicySetInput {
  /** Identity policies: the user's own and its groups', or the role's. */
  identity?: CompiledPolicy[];
  boundary?: CompiledPolicy | null;
  /** Session policies passed when the session was created; undefined/null: none passed. */
  session?: CompiledPolicy[] | null;
  /** The resource-based policy of the requested resource (a bucket policy, key policy, trust policy …). */
  resource?: CompiledPolicy | null;
  /** The policy of the VPC endpoint the request comes through (spec §1.8); null: not through an endpoint. */
  endpoint?: CompiledPolicy | null;
  /** SCPs per organization level, root first, account last (spec §1.1 step 4). */
  scps?: CompiledPolicy[][];
  /** RCPs per organization level, root first (spec §1.1 step 3). */
  rcps?: CompiledPolicy[][];
  organization?: {
    /** Principals and resources of the management account are never restricted by SCPs/RCPs (§1.4). */
    managementAccount?: string;
    /** Member accounts; when given, other accounts are outside the organization. */
    accounts?: string[];
  };
}

/** A compiled set of policies that apply to one principal (and one resource policy). */
export class PolicySet {
  readonly identity: StatementIndex;
  readonly boundary: StatementIndex | null;
  readonly session: StatementIndex | null;
  readonly resource: StatementIndex | null;
  readonly endpoint: StatementIndex | null;
  readonly scps: StatementIndex[];
  readonly rcps: StatementIndex[];
  readonly managementAccount: string | undefined;
  readonly memberAccounts: ReadonlySet<string> | null;
  /** The boundary holds an Allow statement (boundary-without-allow). */
  readonly boundaryHasAllow: boolean;
  /** Policies in the order they were given, per type, for traces. */
  readonly policies: { type: string; level?: number; policy: CompiledPolicy }[] = [];
  private readonly order = new Map<CompiledStatement, number>();

  constructor(input: PolicySetInput) {
    const identity = input.identity ?? [];
    this.identity = this.index(identity, 'identity');
    this.boundary = input.boundary ? this.index([input.boundary], 'boundary') : null;
    this.boundaryHasAllow = input.boundary?.statements.some((s) => !s.deny) ?? false;
    this.session = input.session ? this.index(input.session, 'session') : null;
    this.resource = input.resource ? this.index([input.resource], 'resource') : null;
    this.endpoint = input.endpoint ? this.index([input.endpoint], 'endpoint') : null;
    this.scps = (input.scps ?? []).map((level, i) => this.index(level, 'scp', i));
    this.rcps = (input.rcps ?? []).map((level, i) => this.index(level, 'rcp', i));
    this.managementAccount = input.organization?.managementAccount;
    this.memberAccounts = input.organization?.accounts ? new Set(input.organization.accounts) : null;
  }

  private index(policies: CompiledPolicy[], type: string, level?: number): StatementIndex {
    const statements: CompiledStatement[] = [];
    for (const policy of policies) {
      this.policies.push(level === undefined ? { type, policy } : { type, level, policy });
      for (const s of policy.statements) {
        if (!this.order.has(s)) this.order.set(s, this.order.size);
        statements.push(s);
      }
    }
    return new StatementIndex(statements);
  }

  private readonly byOrder = (a: CompiledStatement, b: CompiledStatement): number => this.order.get(a)! - this.order.get(b)!;

  /** Sorts statement lists into the order the policies were given (for stable explanations). */
  sort(list: CompiledStatement[]): CompiledStatement[] {
    if (list.length > 1) list.sort(this.byOrder);
    return list;
  }

  inOrganization(account: string | undefined): boolean {
    if (!account || account === this.managementAccount) return false;
    return this.memberAccounts === null || this.memberAccounts.has(account);
  }
}

export function compilePolicySet(input: PolicySetInput): PolicySet {
  return new PolicySet(input);
}

// ---------------------------------------------------------------------------------------------
// phase 1: scanning

/** What a scan found; the same shape from the fast, the traced and the assumption path. */
export interface Scan {
  denies: CompiledStatement[];
  identityAllows: CompiledStatement[];
  boundaryAllows: CompiledStatement[];
  sessionAllows: CompiledStatement[];
  resourceAllows: CompiledStatement[];
  /** null unless the request comes through a VPC endpoint (no list to allocate on every decision). */
  endpointAllows: CompiledStatement[] | null;
  /** Strongest way a matching resource-policy Allow named the caller. */
  rbp: PrincipalMatch;
  /** Per level: the matching Allow statements. */
  scpAllows: CompiledStatement[][];
  rcpAllows: CompiledStatement[][];
}

/** Which policy groups apply to this request (spec §1.1, §1.4, §1.5); the simulator adapter reuses it. */
export interface Applicability {
  identity: boolean;
  boundary: boolean;
  session: boolean;
  scp: boolean;
  rcp: boolean;
  /** The request comes through a VPC endpoint with a policy (spec §1.8): it applies to every caller. */
  endpoint: boolean;
  crossAccount: boolean;
}

export function applicability(req: Request, set: PolicySet): Applicability {
  const p = req.principal;
  const signed = p.kind !== 'anonymous' && p.kind !== 'service';
  const identity = p.kind === 'user' || p.kind === 'role' || p.kind === 'federated-user';
  return {
    identity,
    boundary: identity && set.boundary !== null,
    session: p.kind === 'role' || p.kind === 'federated-user',
    // SCPs restrict principals of member accounts, never anonymous callers, service principals,
    // the management account or service-linked roles (spec §1.4, §1.5).
    scp: set.scps.length > 0 && signed && !p.serviceLinked && set.inOrganization(p.account),
    // RCPs restrict resources of member accounts, for the services that support them (§1.5).
    rcp:
      set.rcps.length > 0 &&
      !p.serviceLinked &&
      set.inOrganization(req.resourceAccount) &&
      catalog.rcpServices().has(req.service) &&
      req.actionLower !== 'kms:retiregrant',
    endpoint: set.endpoint !== null,
    crossAccount: signed && req.resourceAccount !== undefined && req.resourceAccount !== p.account,
  };
}

function actionMatches(s: CompiledStatement, req: Request): boolean {
  return s.action.test(req.actionLower) !== s.notAction;
}

/**
 * How a resource-policy statement applies to the caller. For Allow: the strength of the match.
 * For Deny with NotPrincipal: it applies unless the caller is excluded — and always applies to a
 * principal with a permissions boundary (spec §1.3 NotPrincipal trap).
 */
export function principalMatch(s: CompiledStatement, p: Principal, hasBoundary: boolean): PrincipalMatch {
  if (s.principal === null) return 'none'; // a resource-policy statement without Principal never matches (§3.3)
  if (!s.notPrincipal) return s.principal.match(p);
  if (hasBoundary) return 'direct';
  return s.principal.excludes(p) ? 'none' : 'direct';
}

// The fast path allocates no closures (tsx wraps every closure creation in a naming helper, and
// the evaluator's inner loop runs millions of times): plain functions over a fresh Scan.

/** Stands for the list of a policy group the request does not meet (frozen: a push would throw). */
const UNUSED = Object.freeze([]) as unknown as CompiledStatement[];
const NO_LEVELS = Object.freeze([]) as unknown as CompiledStatement[][];

/**
 * A fresh Scan. Given the request's applicability, the groups that cannot add to it share one
 * frozen empty list, so the fast path allocates only the lists it may fill.
 */
export function newScan(app?: Applicability, set?: PolicySet): Scan {
  const every = app === undefined;
  return {
    denies: [],
    identityAllows: every || app.identity ? [] : UNUSED,
    boundaryAllows: every || app.boundary ? [] : UNUSED,
    sessionAllows: every || (app.session && set!.session !== null) ? [] : UNUSED,
    resourceAllows: every || set!.resource !== null ? [] : UNUSED,
    endpointAllows: null,
    rbp: 'none',
    scpAllows: every || app.scp ? [] : NO_LEVELS,
    rcpAllows: every || app.rcp ? [] : NO_LEVELS,
  };
}

/** Visits statements whose Action element is known to match (StatementIndex.matching). */
function visit(list: readonly CompiledStatement[], req: Request, denies: CompiledStatement[], allows: CompiledStatement[]): void {
  const ctx = req.context;
  for (let i = 0; i < list.length; i++) {
    const s = list[i]!;
    if (resourceMatches(s, req) && (s.condition === null || s.condition.test(ctx))) (s.deny ? denies : allows).push(s);
  }
}

/** Visits statements whose Action is known to match and whose Resource does unless it reads the context (StatementIndex.forRequest). */
function visitFiltered(list: readonly CompiledStatement[], req: Request, denies: CompiledStatement[], allows: CompiledStatement[]): void {
  const ctx = req.context;
  for (let i = 0; i < list.length; i++) {
    const s = list[i]!;
    if (s.resourceReadsContext && !resourceMatches(s, req)) continue;
    if (s.condition === null || s.condition.test(ctx)) (s.deny ? denies : allows).push(s);
  }
}

function visitGroup(idx: StatementIndex, req: Request, denies: CompiledStatement[], allows: CompiledStatement[]): void {
  const filtered = idx.forRequest(req);
  if (filtered !== null) visitFiltered(filtered, req, denies, allows);
  else visit(idx.matching(req.actionLower, req.service), req, denies, allows);
}

/** SCP/RCP levels: denies are swept together, Allows are kept per level (every level must allow). */
function visitLevels(levels: readonly StatementIndex[], req: Request, denies: CompiledStatement[], allowsPerLevel: CompiledStatement[][]): void {
  for (let i = 0; i < levels.length; i++) {
    const allows: CompiledStatement[] = [];
    visitGroup(levels[i]!, req, denies, allows);
    allowsPerLevel.push(allows);
  }
}

function visitResource(list: readonly CompiledStatement[], req: Request, scan: Scan, hasBoundary: boolean): void {
  const ctx = req.context;
  for (let i = 0; i < list.length; i++) {
    const s = list[i]!;
    if (!resourceMatches(s, req)) continue;
    const m = principalMatch(s, req.principal, hasBoundary);
    if (m === 'none') continue;
    if (s.condition !== null && !s.condition.test(ctx)) continue;
    if (s.deny) scan.denies.push(s);
    else {
      scan.resourceAllows.push(s);
      scan.rbp = stronger(scan.rbp, m);
    }
  }
}

/** VPC endpoint policy statements: Principal-shaped like a resource policy, but a ceiling (spec §1.8). */
function visitEndpoint(list: readonly CompiledStatement[], req: Request, scan: Scan, hasBoundary: boolean): void {
  const ctx = req.context;
  for (let i = 0; i < list.length; i++) {
    const s = list[i]!;
    if (!resourceMatches(s, req) || principalMatch(s, req.principal, hasBoundary) === 'none') continue;
    if (s.condition !== null && !s.condition.test(ctx)) continue;
    if (s.deny) scan.denies.push(s);
    else (scan.endpointAllows ??= []).push(s);
  }
}

export function fastScan(req: Request, set: PolicySet, app: Applicability): Scan {
  const scan = newScan(app, set);
  if (app.identity) visitGroup(set.identity, req, scan.denies, scan.identityAllows);
  if (app.boundary) visitGroup(set.boundary!, req, scan.denies, scan.boundaryAllows);
  if (app.session && set.session) visitGroup(set.session, req, scan.denies, scan.sessionAllows);
  if (set.resource) visitResource(set.resource.matching(req.actionLower, req.service), req, scan, app.boundary);
  if (set.endpoint) visitEndpoint(set.endpoint.matching(req.actionLower, req.service), req, scan, app.boundary);
  if (app.scp) visitLevels(set.scps, req, scan.denies, scan.scpAllows);
  if (app.rcp) visitLevels(set.rcps, req, scan.denies, scan.rcpAllows);
  return scan;
}

// ---------------------------------------------------------------------------------------------
// phase 2: the gates, in AWS's order (spec §1.1, §1.7)

export interface Conclusion {
  decision: Decision;
  decidedBy: CompiledStatement[];
  reason: string;
  gates: Gate[];
}

/** Services whose resource policy must itself allow, even in the same account (spec §1.2). */
export function resourcePolicyRequired(req: Request): string | null {
  if (req.service === 'kms' && req.arn && req.arn.service === 'kms' && req.arn.resource.startsWith('key/')) {
    return 'a KMS key policy must allow the caller (spec §1.2)';
  }
  if (req.actionLower.startsWith('sts:assumerole') && req.arn && req.arn.service === 'iam' && req.arn.resource.startsWith('role/')) {
    return "the role's trust policy must allow the caller (spec §1.2)";
  }
  return null;
}

const RBP_WORDS: Record<PrincipalMatch, string> = {
  none: 'no resource-policy Allow names the caller',
  account: "a resource-policy Allow names the caller's account",
  roleArn: "a resource-policy Allow names the caller's role",
  viaFedUserParent: 'a resource-policy Allow names the IAM user behind the federated session',
  direct: 'a resource-policy Allow names the caller directly',
};

/**
 * The other readings of recorded assumptions (src/engine/assumption-rules.ts), for
 * src/engine/assumptions.ts to ask "would the outcome differ?". The fast path passes none; each
 * flag is read only on the branch it concerns.
 */
export interface Alternatives {
  /** refusal-decision-word: the policies decide a request AWS refuses. */
  refusalIgnored?: boolean;
  /** federated-session-without-policy: a federated-user session without a session policy keeps its permissions. */
  federatedSessionAllows?: boolean;
  /** rbp-account-delegates: a same-account grant naming the account grants like one naming the role. */
  accountGrants?: boolean;
  /** rbp-session-arn-boundary: set only when the direct grant names the session ARN, not the caller otherwise. */
  sessionGrantBounded?: boolean;
  /** boundary-without-allow: set only when the boundary holds no Allow statement. */
  boundaryPasses?: boolean;
}

const NO_ALTERNATIVES: Alternatives = Object.freeze({});

/** Records a gate outcome; `gates` is null on the fast path, which keeps no record. */
function note(gates: Gate[] | null, gate: Gate['gate'], outcome: Gate['outcome'], detail: string): void {
  if (gates) gates.push({ gate, outcome, detail });
}

function implicitDeny(gates: Gate[] | null, gate: Gate['gate'], reason: string): Conclusion {
  note(gates, gate, 'fail', reason);
  return { decision: 'implicitDeny', decidedBy: [], reason, gates: gates ?? [] };
}

/** Every matching Allow that took part, in the order the policies were given. */
function allowed(set: PolicySet, scan: Scan, gates: Gate[] | null, reason: string): Conclusion {
  let decidedBy = scan.identityAllows;
  const others =
    scan.resourceAllows.length +
    scan.boundaryAllows.length +
    scan.sessionAllows.length +
    (scan.endpointAllows?.length ?? 0) +
    scan.scpAllows.length +
    scan.rcpAllows.length;
  if (others > 0) {
    decidedBy = decidedBy.concat(scan.resourceAllows, scan.boundaryAllows, scan.sessionAllows, scan.endpointAllows ?? []);
    for (const level of scan.scpAllows) decidedBy = decidedBy.concat(level);
    for (const level of scan.rcpAllows) decidedBy = decidedBy.concat(level);
  }
  return { decision: 'allowed', decidedBy: set.sort(decidedBy), reason, gates: gates ?? [] };
}

function firstEmptyLevel(levels: CompiledStatement[][]): number {
  for (let i = 0; i < levels.length; i++) if (levels[i]!.length === 0) return i;
  return -1;
}

/** The session-policy ceiling (spec §1.1 step 8): null when it passes, else why not. */
function sessionFailure(set: PolicySet, app: Applicability, scan: Scan, p: Principal, alt: Alternatives): string | null {
  if (!app.session) return null;
  if (set.session === null) {
    // GetFederationToken without a session policy grants nothing; role sessions keep the role's permissions.
    if (p.kind === 'role' || alt.federatedSessionAllows === true) return null;
    return 'a federated-user session created without a session policy has no permissions (spec §1.1 step 8)';
  }
  return scan.sessionAllows.length > 0 ? null : 'no session policy allows the request';
}

/** Boundary and session ceilings; null when both pass. */
function ceilings(set: PolicySet, app: Applicability, scan: Scan, p: Principal, gates: Gate[] | null, alt: Alternatives): Conclusion | null {
  if (app.boundary) {
    if (scan.boundaryAllows.length === 0 && alt.boundaryPasses !== true) {
      return implicitDeny(gates, 'boundary', 'the permissions boundary does not allow the request');
    }
    note(gates, 'boundary', 'pass', 'the permissions boundary allows the request');
  }
  const session = sessionFailure(set, app, scan, p, alt);
  if (session !== null) return implicitDeny(gates, 'session', session);
  if (app.session) {
    note(gates, 'session', 'pass', set.session ? 'a session policy allows the request' : 'a role session without session policy keeps the role permissions');
  }
  return null;
}

/** A request AWS decides whatever the policies say (spec §1.9): the rule and its source are the reason. */
function ruled(ruling: AwsRuling, gates: Gate[] | null): Conclusion {
  if (ruling.outcome === 'allowed') {
    note(gates, 'no-permission', 'pass', ruling.cited);
    return { decision: 'allowed', decidedBy: [], reason: ruling.verdict, gates: gates ?? [] };
  }
  note(gates, 'protected', 'fail', ruling.cited);
  return { decision: 'explicitDeny', decidedBy: [], reason: ruling.verdict, gates: gates ?? [] };
}

export function conclude(req: Request, set: PolicySet, app: Applicability, scan: Scan, gates: Gate[] | null, alt: Alternatives = NO_ALTERNATIVES): Conclusion {
  const ruling = req.ruling;
  // No permission is required: not even an explicit Deny stops the call (spec §1.9).
  if (ruling !== null && ruling.outcome === 'allowed') return ruled(ruling, gates);
  if (scan.denies.length > 0) {
    const n = scan.denies.length;
    const reason = `explicitly denied by ${n === 1 ? 'a matching Deny statement' : `${n} matching Deny statements`}`;
    note(gates, 'explicit-deny', 'fail', reason);
    return { decision: 'explicitDeny', decidedBy: set.sort(scan.denies), reason, gates: gates ?? [] };
  }
  note(gates, 'explicit-deny', 'pass', 'no Deny statement matches');
  // A refusal outranks every Allow; matching Deny statements above still name themselves (spec §1.9).
  if (ruling !== null && alt.refusalIgnored !== true) return ruled(ruling, gates);

  // RCPFullAWSAccess is attached to every level and cannot be detached, so the RCP Allow gate
  // always passes; only an RCP Deny (swept above) restricts (spec §1.1 step 3, §9.12).
  if (app.rcp) note(gates, 'rcp', 'pass', 'no RCP denies; RCPFullAWSAccess allows at every level');
  else if (set.rcps.length) note(gates, 'rcp', 'skip', 'RCPs do not apply to this resource or service (spec §1.5)');

  if (app.scp) {
    const missing = firstEmptyLevel(scan.scpAllows);
    if (missing >= 0) return implicitDeny(gates, 'scp', `no SCP at organization level ${missing} allows the request (spec §1.1 step 4)`);
    note(gates, 'scp', 'pass', 'every organization level has an SCP Allow');
  } else if (set.scps.length) note(gates, 'scp', 'skip', 'SCPs do not apply to this principal (spec §1.4, §1.5)');

  // The VPC endpoint's policy is a ceiling on every request through it, whoever the caller (§1.8).
  if (app.endpoint) {
    if (scan.endpointAllows === null || scan.endpointAllows.length === 0) return implicitDeny(gates, 'endpoint', 'the VPC endpoint policy does not allow the request (spec §1.8)');
    note(gates, 'endpoint', 'pass', 'the VPC endpoint policy allows the request');
  }

  const p = req.principal;
  if (p.kind === 'anonymous' || p.kind === 'service') {
    // Only a resource-policy Allow can grant an unsigned caller or a service principal (§1.7).
    const who = p.kind === 'anonymous' ? 'the anonymous caller' : 'the service principal';
    if (scan.rbp === 'direct') {
      note(gates, 'resource-policy', 'pass', RBP_WORDS.direct);
      return allowed(set, scan, gates, `${who} is allowed by the resource policy`);
    }
    return implicitDeny(gates, 'anonymous', `no resource-policy Allow names ${who}${p.kind === 'anonymous' ? ' ("*")' : ''}`);
  }

  const idAllow = p.kind === 'root' || scan.identityAllows.length > 0;
  const identityWhy = p.kind === 'root' ? 'the root user has full access to its own account' : 'an identity policy allows the request';

  if (app.crossAccount) {
    // Both accounts must allow; the resource policy pierces no ceiling across accounts (§1.4).
    note(gates, 'cross-account', 'pass', `principal account ${p.account} ≠ resource account ${req.resourceAccount}: both sides must allow`);
    if (scan.rbp === 'none') return implicitDeny(gates, 'resource-policy', "cross-account: the resource owner's policy does not allow the caller");
    note(gates, 'resource-policy', 'pass', RBP_WORDS[scan.rbp]);
    if (!idAllow) return implicitDeny(gates, 'identity', "cross-account: no identity policy in the caller's account allows the request");
    note(gates, 'identity', 'pass', identityWhy);
    return ceilings(set, app, scan, p, gates, alt) ?? allowed(set, scan, gates, 'allowed in both accounts: identity policy and resource policy');
  }

  if (scan.rbp === 'direct') {
    if (alt.sessionGrantBounded === true && app.boundary && scan.boundaryAllows.length === 0) {
      return implicitDeny(gates, 'boundary', 'the permissions boundary does not allow the request');
    }
    note(gates, 'resource-policy', 'pass', RBP_WORDS.direct + '; same account, so no identity, boundary or session policy is needed (§1.3)');
    return allowed(set, scan, gates, 'a same-account resource policy names the caller directly');
  }
  const mustHaveRbp = resourcePolicyRequired(req);
  if (mustHaveRbp !== null && scan.rbp === 'none') return implicitDeny(gates, 'resource-policy', mustHaveRbp);
  if (scan.rbp !== 'none') note(gates, 'resource-policy', 'pass', RBP_WORDS[scan.rbp]);
  else if (set.resource) note(gates, 'resource-policy', 'skip', RBP_WORDS.none);

  const rbpGrants = scan.rbp === 'roleArn' || scan.rbp === 'viaFedUserParent' || (scan.rbp === 'account' && alt.accountGrants === true);
  if (!idAllow && !rbpGrants) {
    return implicitDeny(
      gates,
      'identity',
      scan.rbp === 'account'
        ? 'the resource policy delegates to the account, and no identity policy allows the request (spec §1.3)'
        : 'no identity policy allows the request',
    );
  }
  note(gates, 'identity', 'pass', idAllow ? identityWhy : RBP_WORDS[scan.rbp]);
  return (
    ceilings(set, app, scan, p, gates, alt) ??
    allowed(set, scan, gates, idAllow ? 'allowed by identity policy' : 'allowed by the resource policy, within the boundary and session ceilings')
  );
}

// ---------------------------------------------------------------------------------------------
// traced scan and the public entry points

function missOf(s: CompiledStatement, req: Request): StatementMiss | null {
  if (!actionMatches(s, req)) {
    return { element: s.notAction ? 'NotAction' : 'Action', action: req.action, patterns: s.action.patterns };
  }
  if (!resourceMatches(s, req)) {
    const note = s.notResource ? `NotResource lists ${req.resource}` : s.resource!.note(req);
    return {
      element: s.notResource ? 'NotResource' : 'Resource',
      resource: req.resource,
      patterns: s.resource!.patterns,
      ...(note ? { note } : {}),
    };
  }
  return null;
}

export interface Traced {
  scan: Scan;
  traces: StatementTrace[];
  missing: MissingKeys;
}

/** Missing context keys: lower-cased key → as the policy wrote it. */
export type MissingKeys = Map<string, string>;

/** The missing keys as written, in the order of their lower-cased forms (stable for reports). */
export function missingNames(missing: MissingKeys): string[] {
  return [...missing.keys()].sort().map((k) => missing.get(k)!);
}

/**
 * The simulator's MissingContextValues, for one statement whose Action matched: the keys it reads
 * (conditions and variables) that the request lacks, once its Resource and Principal matched; and
 * when its Resource failed, the keys of the Resource's variables (an unresolved `${…}` is why).
 */
function addMissing(s: CompiledStatement, req: Request, resourceMatched: boolean, missing: MissingKeys): void {
  const keys = resourceMatched ? s.keys : (s.resource?.keys ?? []);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (!req.context.has(k) && !missing.has(k)) missing.set(k, resourceMatched ? s.keyNames[i]! : (s.keyNames[s.keys.indexOf(k)] ?? k));
  }
}

function missingIn(idx: StatementIndex, req: Request, rbp: boolean, hasBoundary: boolean, missing: MissingKeys): void {
  const list = idx.matching(req.actionLower, req.service);
  for (let i = 0; i < list.length; i++) {
    const s = list[i]!;
    if (!resourceMatches(s, req)) addMissing(s, req, false, missing);
    else if (!rbp || principalMatch(s, req.principal, hasBoundary) !== 'none') addMissing(s, req, true, missing);
  }
}

/**
 * The context keys that statements matching the request needed and the request lacked, without
 * the full trace: what `explain` reports as missingContext, at the cost of one pass over the
 * statements whose Action matches.
 */
export function missingContext(req: Request, set: PolicySet): string[] {
  const app = applicability(req, set);
  const missing: MissingKeys = new Map();
  if (app.identity) missingIn(set.identity, req, false, false, missing);
  if (app.boundary) missingIn(set.boundary!, req, false, false, missing);
  if (app.session && set.session) missingIn(set.session, req, false, false, missing);
  if (set.resource) missingIn(set.resource, req, true, app.boundary, missing);
  if (set.endpoint) missingIn(set.endpoint, req, true, app.boundary, missing);
  if (app.scp) for (const level of set.scps) missingIn(level, req, false, false, missing);
  if (app.rcp) for (const level of set.rcps) missingIn(level, req, false, false, missing);
  return missing.size === 0 ? NO_KEYS : missingNames(missing);
}

const NO_KEYS: string[] = Object.freeze([]) as unknown as string[];

export function tracedScan(req: Request, set: PolicySet, app: Applicability): Traced {
  const scan = newScan();
  const traces: StatementTrace[] = [];
  const missing: MissingKeys = new Map();
  const ctx = req.context;
  /** `principal`: the statements name principals (resource and endpoint policies); `rbp`: they are the resource policy. */
  const trace = (idx: StatementIndex, allows: CompiledStatement[], rbp: boolean, principal = rbp): void => {
    for (const s of idx.all) {
      let miss = missOf(s, req);
      if (miss && (miss.element === 'Resource' || miss.element === 'NotResource')) addMissing(s, req, false, missing);
      let m: PrincipalMatch = 'direct';
      if (!miss && principal) {
        m = principalMatch(s, req.principal, app.boundary);
        if (m === 'none') {
          miss = {
            element: s.notPrincipal ? 'NotPrincipal' : 'Principal',
            principal: req.principal.arn,
            values: s.principal?.values ?? [],
            ...(s.principal === null ? { note: 'a resource-policy statement without Principal never matches (spec §3.3)' } : {}),
          };
        }
      }
      if (!miss) {
        addMissing(s, req, true, missing);
        const failure = s.condition?.firstFailure(ctx) ?? null;
        if (failure) miss = { element: 'Condition', failure };
      }
      if (miss) {
        traces.push({ ref: s.ref, matched: false, miss });
        continue;
      }
      traces.push({ ref: s.ref, matched: true });
      if (s.deny) scan.denies.push(s);
      else {
        allows.push(s);
        if (rbp) scan.rbp = stronger(scan.rbp, m);
      }
    }
  };
  const traceLevels = (levels: readonly StatementIndex[], allowsPerLevel: CompiledStatement[][]): void => {
    for (const level of levels) {
      const allows: CompiledStatement[] = [];
      trace(level, allows, false);
      allowsPerLevel.push(allows);
    }
  };
  if (app.identity) trace(set.identity, scan.identityAllows, false);
  if (app.boundary) trace(set.boundary!, scan.boundaryAllows, false);
  if (app.session && set.session) trace(set.session, scan.sessionAllows, false);
  if (set.resource) trace(set.resource, scan.resourceAllows, true);
  if (set.endpoint) trace(set.endpoint, (scan.endpointAllows = []), false, true);
  if (app.scp) traceLevels(set.scps, scan.scpAllows);
  if (app.rcp) traceLevels(set.rcps, scan.rcpAllows);
  return { scan, traces, missing };
}
