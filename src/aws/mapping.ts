// Suite cases → IAM policy simulator requests (spec §7.2), and back: which suite statement a
// simulator `MatchedStatements` entry names (spec §7.3). Pure: no SDK calls, no files.
//
// Resolution (who has which policies, which resource entry applies, the organization levels) is
// src/scenario/resolve.ts's job: a case is resolved with `resolverFor(suite)` and the names are
// read back from the PolicySet it builds, so the local engine and the simulator always see the
// same policies for the same case.
//
// Mapping decisions (README "Differential runs"):
// - principals marked `inAccount: true` → SimulatePrincipalPolicy (PolicySourceArn = the ARN; the
//   account's attached policies, boundary and organization are used, the suite's are not sent; no
//   CallerArn: it defaults to PolicySourceArn); all others → SimulateCustomPolicy with the suite's
//   policy texts.
// - PolicyInputList = the principal's groups' policies then its own (resolve.ts order); a
//   principal with none gets one no-op document (Deny NotAction "*": matches no action), because
//   the parameter is required.
// - CallerArn (Custom mode) = the principal's user or role ARN (it is what fills aws:username & co.).
// - ResourceOwner only with a resource policy or when the resource's account is not the caller's:
//   `arn:<partition>:iam::<account>:root` in Custom mode, the account id in Principal mode (each
//   operation's reference writes it so); otherwise it defaults to the caller's account anyway.
// - ContextEntries = the engine's request context (the case's keys, principal tags, resource tags,
//   aws:PrincipalArn, aws:ResourceAccount, aws:PrincipalIsAWSService) minus the keys the simulator
//   fills itself from the caller (aws:username, aws:userid, aws:PrincipalType, aws:PrincipalAccount,
//   aws:PrincipalOrgID …) unless the case sets them explicitly. A case whose policies condition on
//   such a key while iamspec's value for it is made up is skipped (`syntheticFilled`).
// - OrderedOrganizationPolicyInputList = the suite's SCP levels, root first, only when SCPs apply
//   to the principal (its account is a member account, not the management account; not a
//   service-linked role) — the same rule the engine uses; never an empty level (such a case is
//   skipped).
// - ResourceHandlingOption is never sent: a case is one (action, resource) pair, and the option
//   only makes the simulator insist on the full EC2 resource set of a RunInstances scenario.
// - Principal mode carries `accountPolicies`, the fingerprint of the identity policies and boundary
//   the suite gives the principal: the documents actually attached in the account must match it
//   (src/aws/account.ts reads them), else the account has drifted from the suite.

import { createHash } from 'node:crypto';
import { applicability, type Applicability, type PolicySet } from '../engine/decide.ts';
import type { ContextValue, Request } from '../engine/request.ts';
import { canonicalJson, isAllowedPolicyChar, parseJson } from '../policy/json.ts';
import type { JsonNode } from '../policy/model.ts';
import { resolverFor, resourcePolicyType, sourceVpce } from '../scenario/resolve.ts';
import type { Case, Suite, SuitePrincipal, SuiteResource } from '../scenario/model.ts';

/** The API's limits (spec §7.2). */
export const LIMITS = {
  policyText: 131_072,
  organizationLevels: 7,
  boundaries: 1,
  actionName: { min: 3, max: 128 },
  resourceArn: { min: 1, max: 2048 },
  contextKeyName: { min: 5, max: 256 },
  maxItems: 1000,
} as const;

/** Sent when a principal has no identity policy: PolicyInputList is required; this matches nothing. */
export const NO_IDENTITY_POLICY =
  '{"Version":"2012-10-17","Statement":[{"Sid":"IamspecNoIdentityPolicy","Effect":"Deny","NotAction":"*","Resource":"*"}]}';

/** Keys the simulator fills itself from the caller (spec §7.4), lower case. */
export const AUTO_POPULATED = new Set([
  'aws:principalaccount',
  'aws:principalid',
  'aws:principaltype',
  'aws:type',
  'aws:userid',
  'aws:username',
  'aws:principalorgid',
  'aws:principalorgmasteraccountid',
  'aws:principalorgpaths',
]);

export type Operation = 'SimulateCustomPolicy' | 'SimulatePrincipalPolicy';

/** A policy as sent: its suite name and its exact text. */
export interface PolicyText {
  name: string;
  text: string;
}

export interface SimContextEntry {
  /** As the suite spells it (the case's own spelling, else the canonical one). */
  name: string;
  /** The simulator's ContextKeyType: string, stringList, numeric, … */
  type: string;
  values: string[];
}

/** What a group of cases shares: everything but the action and the resource (the batch key). */
export interface SimInputs {
  operation: Operation;
  /** SimulatePrincipalPolicy only: whose attached policies AWS reads; also the simulated caller. */
  policySourceArn?: string;
  /** SimulateCustomPolicy only (in Principal mode the caller defaults to PolicySourceArn). */
  callerArn?: string;
  /** Identity policies, in order (sent in Custom mode; in Principal mode kept to map names back). */
  policies: PolicyText[];
  boundary?: PolicyText;
  resourcePolicy?: PolicyText;
  /** As the operation takes it: `arn:…:iam::ACCOUNT:root` (Custom) or the account id (Principal). */
  resourceOwner?: string;
  /** SCP levels, root first (Custom mode, when SCPs apply to the principal). */
  scps?: PolicyText[][];
  context: SimContextEntry[];
  /**
   * SimulatePrincipalPolicy only: `policyFingerprint` of the identity policies and boundary the
   * suite gives the principal — what the documents attached in the account should hash to.
   */
  accountPolicies?: string;
}

/** One case, planned: either a reason it is skipped, or what to send. */
export interface CasePlan {
  suite: Suite;
  case: Case;
  /** The principal's ARN as the suite writes it (`anonymous` for the unsigned caller). */
  principalArn: string;
  /** Why the simulator cannot decide this case (spec §7.4–7.5); set → never sent. */
  skip?: string;
  inputs?: SimInputs;
  action: string;
  resource: string;
  /** sha256 of the inputs (what batches are grouped by). */
  inputsKey?: string;
  /** sha256 of the canonical request (inputs + action + resource): the recording key. */
  hash?: string;
}

// ---------------------------------------------------------------------------------------------
// analysis: one resolution per case, shared by `unsupported` and `planCase`

interface Analysis {
  suite: Suite;
  c: Case;
  sp: SuitePrincipal;
  request: Request;
  set: PolicySet;
  /** Which policy groups apply: exactly the engine's rule, so both sides see the same policies. */
  applies: Applicability;
  entry: SuiteResource | undefined;
  names: {
    identity: string[];
    boundary: string[];
    session: string[];
    resource: string | undefined;
    scps: string[][];
    rcps: string[][];
  };
}

function analyse(suite: Suite, c: Case): Analysis {
  const resolver = resolverFor(suite);
  const { request, set } = resolver.resolve(c);
  const idx = resolver.resourceIndex(c.resource, c.defined);
  const sp = suite.principals.get(c.principal)!;
  const byType = (t: string) => set.policies.filter((p) => p.type === t).map((p) => p.policy.name);
  const levels = (t: 'scp' | 'rcp', count: number) => {
    const out: string[][] = Array.from({ length: count }, () => []);
    for (const p of set.policies) if (p.type === t && p.level !== undefined) out[p.level]?.push(p.policy.name);
    return out;
  };
  return {
    suite,
    c,
    sp,
    request,
    set,
    applies: applicability(request, set),
    entry: idx >= 0 ? suite.resources[idx] : undefined,
    names: {
      identity: byType('identity'),
      boundary: byType('boundary'),
      session: byType('session'),
      resource: byType('resource')[0],
      scps: levels('scp', set.scps.length),
      rcps: levels('rcp', set.rcps.length),
    },
  };
}

const CALLER_ARN = /^arn:[a-z-]+:iam::\d{12}:(user|role)\/./;

function textProblem(name: string, text: string, what: string): string | null {
  if (text.length > LIMITS.policyText) {
    return `${what} "${name}" is ${text.length.toLocaleString('en-US')} characters; the simulator takes at most 131,072 per document (spec §7.2)`;
  }
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (!isAllowedPolicyChar(code)) {
      return `${what} "${name}" contains U+${code.toString(16).toUpperCase().padStart(4, '0')}; the simulator accepts only TAB, LF, CR and U+0020–U+00FF in policy text (spec §7.2)`;
    }
  }
  return null;
}

/** Keys the simulator fills from CallerArn for this kind of caller (so a case cannot remove them). */
function autoFilledFor(a: Analysis): string[] {
  const kind = a.request.principal.kind;
  if (kind === 'user') return ['aws:username', 'aws:userid', 'aws:principaltype', 'aws:principalaccount'];
  if (kind === 'role') return ['aws:userid', 'aws:principaltype', 'aws:principalaccount'];
  return [];
}

/**
 * Keys the simulator fills itself (spec §7.4) for which iamspec's local value is made up, with what
 * it is: comparing a decision that rests on one would compare two different values. A key the case
 * sets itself is sent, so it is not listed.
 */
function syntheticFilled(a: Analysis): [string, string][] {
  const p = a.request.principal;
  const out: [string, string][] = [];
  if (p.kind === 'user' && !p.uniqueId) out.push(['aws:userid', 'a synthetic AIDA… id (give the principal its `uniqueId`)']);
  if (p.kind === 'role') {
    out.push(['aws:userid', `"<role id>:${p.sessionName}", the id of a session, while the simulator simulates the role itself`]);
    out.push(['aws:principaltype', '"AssumedRole" (a session), while the simulator simulates the role itself']);
  }
  if (!a.request.context.has('aws:principalorgid')) {
    out.push(['aws:principalorgid', "absent, while the simulator fills in the account's real organization (set `organization.id`)"]);
  }
  const explicit = new Set(Object.keys(a.c.context).map((k) => k.toLowerCase()));
  return out.filter(([k]) => !explicit.has(k));
}

/** Whether a statement about the case's action in a policy the simulator sees reads `key` (lower case). */
function readsKey(a: Analysis, key: string): boolean {
  for (const { type, policy } of a.set.policies) {
    if (type === 'rcp' || type === 'session' || type === 'endpoint') continue; // never simulated: such cases are skipped before
    for (const st of policy.statements) {
      if (st.action.test(a.request.actionLower) !== st.notAction && st.keys.includes(key)) return true;
    }
  }
  return false;
}

/**
 * Checks that need no compiled policy: the caller, the boundary count, the policy texts. Run before
 * the policies are compiled, so a text the API would refuse is reported as a reason, not a crash.
 */
function precheck(suite: Suite, c: Case): string | null {
  const resolver = resolverFor(suite);
  const p = resolver.principal(c.principal, c.defined);
  const sp = suite.principals.get(c.principal)!;
  // 1. callers the simulator does not accept (CallerArn: IAM user, group or role ARNs only)
  switch (p.kind) {
    case 'anonymous':
      return `the simulator cannot simulate anonymous (unsigned) requests: CallerArn must be an IAM user, group or role ARN (spec §7.2)`;
    case 'service':
      return `the simulator cannot simulate a service principal (${sp.arn}) as the caller: CallerArn must be an IAM user, group or role ARN (spec §7.2)`;
    case 'root':
      return `the simulator cannot simulate the account root user (${sp.arn}): CallerArn must be an IAM user, group or role ARN (spec §7.2)`;
    case 'federated-user':
      return `the simulator cannot simulate an STS federated-user session (${sp.arn}): CallerArn must be an IAM user, group or role ARN, and session policies are not simulated (spec §7.2, §7.4)`;
    default:
      break;
  }
  if (!CALLER_ARN.test(sp.arn)) {
    return `the simulator cannot simulate an assumed-role session (${sp.arn}): CallerArn must be an IAM user, group or role ARN; write the principal as its role ARN (arn:aws:iam::ACCOUNT:role/NAME) to simulate the role (spec §7.2)`;
  }
  // 2. more than one boundary (the model holds one name; a list is refused, never half-sent)
  const boundary = (sp as { boundary?: unknown }).boundary;
  if (Array.isArray(boundary) && boundary.length > LIMITS.boundaries) {
    return `the simulator takes one permissions boundary, and principal "${sp.name}" has ${boundary.length} (spec §7.2)`;
  }
  // 3. policy texts over the API's limits (the names the model gives; resolve.ts orders them)
  const texts: [string, string][] = [];
  for (const g of sp.groups) for (const n of suite.groups.get(g)?.policies ?? []) texts.push([n, 'identity policy']);
  for (const n of sp.policies) texts.push([n, 'identity policy']);
  if (typeof boundary === 'string') texts.push([boundary, 'permissions boundary']);
  const idx = resolver.resourceIndex(c.resource, c.defined);
  const rp = idx >= 0 ? suite.resources[idx]?.policy : undefined;
  if (rp) texts.push([rp, 'resource policy']);
  if (!sp.inAccount) for (const n of (suite.organization?.scps ?? []).flat()) texts.push([n, 'SCP']);
  for (const [name, what] of texts) {
    const problem = textProblem(name, suite.policies.get(name)?.text ?? '', what);
    if (problem) return problem;
  }
  return null;
}

/** Checks on the resolved case (the policy set the engine uses). */
function reasonFor(a: Analysis): string | null {
  const { sp, c, request, names } = a;
  const who = `principal "${sp.name}"`;
  // requests AWS decides whatever the policies say (spec §1.9): the simulator evaluates policies only
  if (request.ruling) {
    return `the simulator evaluates policies only, and AWS decides this request whatever the policies say: ${request.ruling.reason} (${request.ruling.rule.source.title}; spec §1.9)`;
  }
  // 4. policy types the simulator does not evaluate
  if (a.set.endpoint) {
    return `the simulator does not evaluate VPC endpoint policies, and the request comes through ${sourceVpce(c.context)} (spec §1.8, §7.4)`;
  }
  if (names.session.length > 0) {
    return `the simulator does not evaluate session policies, and ${who} has session policies (${names.session.join(', ')}) (spec §7.4)`;
  }
  if (a.applies.rcp) {
    return `the simulator does not evaluate RCPs, and organization.rcps apply to this request (${request.service} resources of member account ${request.resourceAccount}) (spec §7.4)`;
  }
  if (names.resource && a.entry && resourcePolicyType(c.resource) === 'trust') {
    return `the simulator does not support resource-based policies for IAM roles ("simulation of resource-based policies isn't supported for IAM roles"): the trust policy "${names.resource}" of ${c.resource} cannot be sent (spec §7.4)`;
  }
  if (sp.inAccount && names.resource && request.principal.kind === 'role') {
    return `SimulatePrincipalPolicy takes a resource policy for IAM users only, and ${who} is a role marked inAccount: true, with the resource policy "${names.resource}" of ${c.resource}; drop inAccount to simulate the suite's policies for the role with SimulateCustomPolicy (spec §7.2)`;
  }
  if (!sp.inAccount && a.applies.scp) {
    if (names.scps.length > LIMITS.organizationLevels) {
      return `the simulator takes at most 7 organization levels (root first, account last), and organization.scps has ${names.scps.length} (spec §7.2)`;
    }
    const empty = names.scps.findIndex((level) => level.length === 0);
    if (empty >= 0) {
      return `organization.scps level ${empty + 1} (root first) has no SCPs, which locally allows nothing there (FullAWSAccess is not implied); iamspec never sends an empty level (AWS keeps at least one SCP attached at every level, and the simulator's reading of none is undocumented) (spec §1.1, §7.2)`;
    }
  }
  // 5. action and resource the API does not take
  if (/[*?]/.test(c.action)) return `the simulator takes no wildcards in action names ("${c.action}") (spec §7.2)`;
  if (c.action.length < LIMITS.actionName.min || c.action.length > LIMITS.actionName.max) {
    return `action names must be 3–128 characters for the simulator ("${c.action}") (spec §7.2)`;
  }
  if (c.resource.length > LIMITS.resourceArn.max) return `resource ARNs must be at most 2,048 characters for the simulator (spec §7.2)`;
  // 6. context the simulator cannot express
  for (const [key, local] of syntheticFilled(a)) {
    if (readsKey(a, key)) {
      return `a policy conditions on ${CANONICAL[key] ?? key}, which the simulator fills itself from the caller, while iamspec's value is ${local}: the two sides would decide on different values (spec §7.4)`;
    }
  }
  const auto = autoFilledFor(a);
  for (const [key, value] of Object.entries(c.context)) {
    if (value === null && auto.includes(key.toLowerCase())) {
      return `the case removes ${key} (null), but the simulator always fills it from the caller ARN (spec §7.4)`;
    }
    if (value !== null && (key.length < LIMITS.contextKeyName.min || key.length > LIMITS.contextKeyName.max)) {
      return `context key "${key}" must be 5–256 characters for the simulator (spec §7.2)`;
    }
  }
  return null;
}

/**
 * Why the IAM policy simulator cannot decide this case (spec §7.4–7.5), or null when it can.
 * A case with a reason is reported `skipped` with it — never passed.
 */
export function unsupported(suite: Suite, c: Case): string | null {
  return precheck(suite, c) ?? reasonFor(analyse(suite, c));
}

// ---------------------------------------------------------------------------------------------
// context entries

const CANONICAL: Record<string, string> = {
  'aws:principalarn': 'aws:PrincipalArn',
  'aws:principalisawsservice': 'aws:PrincipalIsAWSService',
  'aws:resourceaccount': 'aws:ResourceAccount',
  'aws:principalaccount': 'aws:PrincipalAccount',
  'aws:principaltype': 'aws:PrincipalType',
  'aws:userid': 'aws:userid',
  'aws:username': 'aws:username',
  'aws:principalservicename': 'aws:PrincipalServiceName',
  'aws:principalorgid': 'aws:PrincipalOrgID',
};

function contextType(v: ContextValue): string {
  return v.list ? `${v.type}List` : v.type;
}

function contextEntries(a: Analysis): SimContextEntry[] {
  const spelled = new Map<string, string>(Object.entries(CANONICAL));
  for (const k of Object.keys(a.sp.tags)) spelled.set(`aws:principaltag/${k.toLowerCase()}`, `aws:PrincipalTag/${k}`);
  for (const k of Object.keys(a.entry?.tags ?? {})) spelled.set(`aws:resourcetag/${k.toLowerCase()}`, `aws:ResourceTag/${k}`);
  const explicit = new Set<string>();
  for (const [k, v] of Object.entries(a.c.context)) {
    spelled.set(k.toLowerCase(), k);
    if (v !== null) explicit.add(k.toLowerCase());
  }
  const out: SimContextEntry[] = [];
  for (const [key, value] of a.request.context) {
    if (AUTO_POPULATED.has(key) && !explicit.has(key)) continue;
    out.push({ name: spelled.get(key) ?? key, type: contextType(value), values: [...value.values] });
  }
  return out.sort((x, y) => cmp(x.name.toLowerCase(), y.name.toLowerCase()));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// planning

function policyText(suite: Suite, name: string): PolicyText {
  return { name, text: suite.policies.get(name)?.text ?? '' };
}

function inputsFor(a: Analysis): SimInputs {
  const { suite, sp, request, names } = a;
  const partition = /^arn:([^:]+):/.exec(sp.arn)?.[1] ?? 'aws';
  const policies = names.identity.map((n) => policyText(suite, n));
  const boundary = names.boundary[0] ? policyText(suite, names.boundary[0]) : undefined;
  const inputs: SimInputs = sp.inAccount
    ? {
        operation: 'SimulatePrincipalPolicy',
        policySourceArn: sp.arn,
        policies,
        context: contextEntries(a),
        accountPolicies: policyFingerprint(policies.map((p) => p.text), boundary?.text),
      }
    : { operation: 'SimulateCustomPolicy', callerArn: sp.arn, policies, context: contextEntries(a) };
  if (boundary) inputs.boundary = boundary;
  if (names.resource) inputs.resourcePolicy = policyText(suite, names.resource);
  const owner = request.resource !== '*' ? request.resourceAccount : undefined;
  if (owner && (names.resource || owner !== request.principal.account)) {
    inputs.resourceOwner = sp.inAccount ? owner : `arn:${partition}:iam::${owner}:root`;
  }
  if (!sp.inAccount && a.applies.scp) inputs.scps = names.scps.map((level) => level.map((n) => policyText(suite, n)));
  return inputs;
}

/** Plans one case: the reason it is skipped, or the inputs, batch key and recording hash. */
export function planCase(suite: Suite, c: Case): CasePlan {
  const base = { suite, case: c, principalArn: resolverFor(suite).principalArn(c.principal), action: c.action, resource: c.resource };
  const early = precheck(suite, c);
  if (early) return { ...base, skip: early };
  const a = analyse(suite, c);
  const skip = reasonFor(a);
  if (skip) return { ...base, skip };
  const inputs = inputsFor(a);
  const canonical = canonicalInputs(inputs);
  return {
    ...base,
    inputs,
    inputsKey: sha256(canonicalJson(canonical)),
    hash: hashOf(canonical, c.action, c.resource),
  };
}

/** Plans every case of the suites, in suite order. */
export function planSuites(suites: readonly Suite[]): CasePlan[] {
  return suites.flatMap((s) => s.cases.map((c) => planCase(s, c)));
}

// ---------------------------------------------------------------------------------------------
// canonical request and its hash

const digests = new Map<string, string>();

/** sha256 of a policy text, computed once per text (suites reuse a handful of texts across many cases). */
function digest(text: string): string {
  let d = digests.get(text);
  if (d === undefined) {
    if (digests.size > 10_000) digests.clear();
    digests.set(text, (d = sha256(text)));
  }
  return d;
}

/**
 * What AWS sees (plus, in Principal mode, the suite's texts: editing them makes a recording
 * stale; and the fingerprint of the account's documents). Policy texts enter as their sha256, so
 * hashing a case costs the same whatever the size of its policies; the exact text (whitespace
 * included: the simulator's positions depend on it) still decides the hash.
 */
function canonicalInputs(i: SimInputs): Record<string, unknown> {
  return {
    operation: i.operation,
    policySourceArn: i.policySourceArn,
    accountPolicies: i.accountPolicies,
    callerArn: i.callerArn,
    policies: i.policies.map((p) => digest(p.text)),
    boundary: i.boundary && digest(i.boundary.text),
    resourcePolicy: i.resourcePolicy && digest(i.resourcePolicy.text),
    resourceOwner: i.resourceOwner,
    scps: i.scps?.map((l) => l.map((p) => digest(p.text))),
    context: i.context.map((e) => ({ name: e.name.toLowerCase(), type: e.type, values: e.values })),
  };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The recording key of one case: sha256 of the canonical request. Version 2 (recording format
 * iamspec-recording/2): no CallerArn in Principal mode, ResourceOwner only where it is sent, the
 * account's policy fingerprint.
 */
export function requestHash(inputs: SimInputs, action: string, resource: string): string {
  return hashOf(canonicalInputs(inputs), action, resource);
}

function hashOf(canonical: Record<string, unknown>, action: string, resource: string): string {
  return sha256(canonicalJson({ v: 2, ...canonical, action, resource }));
}

/**
 * The fingerprint of a principal's policy documents (identity policies and boundary): sha256 of
 * each document's canonical JSON (key order and whitespace do not count), the identity documents
 * as a sorted set (inline, managed or a group's, attached once or twice: the decision is the same).
 * The suite's texts and the documents read from the account hash alike when they say the same.
 */
export function policyFingerprint(identity: readonly string[], boundary: string | undefined): string {
  const canon = (text: string): string => {
    try {
      return canonicalJson(JSON.parse(text));
    } catch {
      return text;
    }
  };
  const documents = [...new Set(identity.map(canon))].sort();
  return sha256(canonicalJson({ identity: documents, boundary: boundary === undefined ? null : canon(boundary) }));
}

// ---------------------------------------------------------------------------------------------
// batching

export interface BatchOptions {
  /** Resources per call (default 20, as community tools do against throttling). */
  chunkSize?: number;
  /** Actions per call (default: all the group's; 1 with chunkSize 1 sends one case per call). */
  actionsPerCall?: number;
}

/** One API call (before pagination): shared inputs, a set of actions × a set of resources. */
export interface SimCall {
  inputs: SimInputs;
  actions: string[];
  resources: string[];
  /** The cases this call answers. */
  plans: CasePlan[];
}

/** The call that answers these plans (same inputs): exactly their actions and resources, in plan order. */
export function callFor(plans: readonly CasePlan[]): SimCall {
  return {
    inputs: plans[0]!.inputs!,
    actions: unique(plans.map((p) => p.action), (a) => a.toLowerCase()),
    resources: unique(plans.map((p) => p.resource), (r) => r),
    plans: [...plans],
  };
}

/**
 * Groups simulated cases that share every input but the action and resource, then splits each
 * group's resources (and, with actionsPerCall, its actions) into chunks: one call per chunk that
 * has cases. `*` gets calls of its own (the simulator reports it at the top level, ARNs per
 * resource).
 */
export function batchPlans(plans: readonly CasePlan[], opts: BatchOptions = {}): SimCall[] {
  const chunkSize = Math.max(1, opts.chunkSize ?? 20);
  const groups = new Map<string, CasePlan[]>();
  for (const p of plans) {
    if (p.skip || !p.inputs || !p.inputsKey) continue;
    const key = `${p.inputsKey}\u0000${p.resource === '*' ? '*' : 'arn'}`;
    const g = groups.get(key);
    if (g) g.push(p);
    else groups.set(key, [p]);
  }
  const calls: SimCall[] = [];
  for (const group of groups.values()) {
    const { actions, resources } = callFor(group);
    const perCall = Math.max(1, opts.actionsPerCall ?? actions.length);
    for (let i = 0; i < resources.length; i += chunkSize) {
      const inChunk = new Set(resources.slice(i, i + chunkSize));
      for (let j = 0; j < actions.length; j += perCall) {
        const acts = new Set(actions.slice(j, j + perCall).map((a) => a.toLowerCase()));
        const mine = group.filter((p) => inChunk.has(p.resource) && acts.has(p.action.toLowerCase()));
        if (mine.length) calls.push(callFor(mine));
      }
    }
  }
  return calls;
}

function unique<T>(items: T[], key: (t: T) => string): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const t of items) {
    const k = key(t);
    if (!seen.has(k)) {
      seen.add(k);
      out.push(t);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// cost: how many calls a run makes, without making any

export interface CallPlanOptions extends BatchOptions {
  /** MaxItems per page (default and maximum 1000). */
  maxItems?: number;
}

export interface SuiteCallPlan {
  suite: string;
  file: string;
  cases: number;
  simulated: number;
  skipped: number;
  /** Distinct input sets (principal, policies, resource policy, context). */
  batches: number;
  /** Calls before pagination (batches × resource chunks). */
  chunks: number;
  /** API calls: Σ chunks × pages, pages = ⌈actions / MaxItems⌉ (2026 shape: one result per action). */
  calls: number;
  /** The same with the older one-result-per-(action, resource) shape: ⌈actions × resources / MaxItems⌉. */
  callsLegacyShape: number;
}

export interface CallPlan {
  cases: number;
  simulated: number;
  skipped: number;
  batches: number;
  chunks: number;
  calls: number;
  callsLegacyShape: number;
  suites: SuiteCallPlan[];
  /** Skipped cases with their reasons. */
  skips: { suite: string; case: string; reason: string }[];
}

/** Counts the API calls `--against aws` would make, without making any. */
export function planCalls(suites: readonly Suite[], opts: CallPlanOptions = {}): CallPlan {
  const maxItems = Math.min(LIMITS.maxItems, Math.max(1, opts.maxItems ?? LIMITS.maxItems));
  const total: CallPlan = { cases: 0, simulated: 0, skipped: 0, batches: 0, chunks: 0, calls: 0, callsLegacyShape: 0, suites: [], skips: [] };
  for (const suite of suites) {
    const plans = suite.cases.map((c) => planCase(suite, c));
    const calls = batchPlans(plans, opts);
    const batches = new Set(calls.map((c) => c.plans[0]!.inputsKey! + (c.resources[0] === '*' ? '*' : ''))).size;
    const s: SuiteCallPlan = {
      suite: suite.name,
      file: suite.file,
      cases: plans.length,
      simulated: plans.filter((p) => !p.skip).length,
      skipped: plans.filter((p) => p.skip).length,
      batches,
      chunks: calls.length,
      calls: calls.reduce((n, c) => n + Math.ceil(c.actions.length / maxItems), 0),
      callsLegacyShape: calls.reduce((n, c) => n + Math.ceil((c.actions.length * c.resources.length) / maxItems), 0),
    };
    total.suites.push(s);
    for (const k of ['cases', 'simulated', 'skipped', 'batches', 'chunks', 'calls', 'callsLegacyShape'] as const) total[k] += s[k];
    for (const p of plans) if (p.skip) total.skips.push({ suite: suite.name, case: p.case.name, reason: p.skip });
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// MatchedStatements → suite statements

export interface TextPosition {
  line: number;
  column: number;
}

/** A simulator MatchedStatements entry, as received (or recorded). */
export interface RawStatement {
  sourcePolicyId: string;
  sourcePolicyType?: string;
  start?: TextPosition;
  end?: TextPosition;
}

/** A matched statement named the way suites do: `policy#Sid` or `policy#N`. */
export interface StatementName {
  policy: string;
  index: number;
  sid?: string;
  /** `policy#Sid` (or `policy#N` when the statement has no Sid). */
  ref: string;
}

interface StatementSpan {
  index: number;
  sid?: string;
  start: TextPosition;
  end: TextPosition;
}

const spanCache = new Map<string, StatementSpan[] | null>();

/** The statements of a policy text with their spans (start inclusive, end exclusive). */
export function statementSpans(text: string): StatementSpan[] | null {
  const cached = spanCache.get(text);
  if (cached !== undefined) return cached;
  const { node } = parseJson(text);
  let result: StatementSpan[] | null = null;
  if (node && node.kind === 'object') {
    const st = node.entries.find((e) => e.key === 'Statement')?.value;
    const items: JsonNode[] = !st ? [] : st.kind === 'array' ? st.items : [st];
    result = items.map((item, index) => {
      let sid: string | undefined;
      if (item.kind === 'object') {
        const v = item.entries.find((e) => e.key === 'Sid')?.value;
        if (v && v.kind === 'string') sid = v.value;
      }
      return { index, ...(sid !== undefined ? { sid } : {}), start: item.span.start, end: item.span.end };
    });
  }
  if (spanCache.size > 500) spanCache.clear();
  spanCache.set(text, result);
  return result;
}

function before(a: TextPosition, b: TextPosition): boolean {
  return a.line < b.line || (a.line === b.line && a.column < b.column);
}

/** The statement of `text` that a simulator StartPosition points into (1-based line/column). */
export function statementAt(text: string, pos: TextPosition): StatementSpan | null {
  const spans = statementSpans(text);
  if (!spans) return null;
  const inside = spans.find((s) => !before(pos, s.start) && before(pos, s.end));
  if (inside) return inside;
  // Not inside any statement's braces: accept the statement that starts on that line.
  return spans.find((s) => s.start.line === pos.line) ?? null;
}

/** Which suite policy a SourcePolicyId names, for these inputs. */
export function policyForSource(inputs: SimInputs, sourcePolicyId: string): PolicyText | null {
  const id = sourcePolicyId.trim();
  let m = /^PolicyInputList\.(\d+)$/i.exec(id);
  if (m) return inputs.operation === 'SimulateCustomPolicy' ? (inputs.policies[Number(m[1]) - 1] ?? null) : null;
  m = /^PermissionsBoundaryPolicyInputList\.(\d+)$/i.exec(id);
  if (m) return Number(m[1]) === 1 ? (inputs.boundary ?? null) : null;
  if (/^ResourcePolicy$/i.test(id)) return inputs.resourcePolicy ?? null;
  m = /OrderedOrganizationPolicyInputList\.(\d+)\.ServiceControlPolicyInputList\.(\d+)$/i.exec(id);
  if (m) return inputs.scps?.[Number(m[1]) - 1]?.[Number(m[2]) - 1] ?? null;
  // Principal mode: managed and inline policies are named; iamspec deploys suite policies under their suite names.
  const all = [...inputs.policies, ...(inputs.boundary ? [inputs.boundary] : [])];
  return all.find((p) => p.name === id) ?? null;
}

/** Maps one MatchedStatements entry back to `policy#Sid` / `policy#N`; null when it cannot. */
export function nameStatement(inputs: SimInputs, s: RawStatement): StatementName | null {
  const policy = policyForSource(inputs, s.sourcePolicyId);
  if (!policy || !s.start) return null;
  const st = statementAt(policy.text, s.start);
  if (!st) return null;
  return {
    policy: policy.name,
    index: st.index,
    ...(st.sid !== undefined ? { sid: st.sid } : {}),
    ref: `${policy.name}#${st.sid ?? st.index}`,
  };
}
