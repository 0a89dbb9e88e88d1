// The IAM policy simulator through @aws-sdk/client-iam: read-only client, commands from planned
// calls, pagination, retries with backoff, a concurrency limit, and the responses normalised to
// one answer per (action, resource) — the 2026 per-action shape with ResourceSpecificResults and
// the older per-(action, resource) shape alike (spec §7.3).

// Types only: the SDK (an optional peer of the package) loads with the first call, so replaying
// recordings needs none of it.
import type {
  EvaluationResult,
  IAMClient,
  SimulateCustomPolicyCommandInput,
  SimulatePolicyResponse,
  SimulatePrincipalPolicyCommandInput,
  Statement,
} from '@aws-sdk/client-iam';
import type { Decision } from '../engine/types.ts';
import { UsageError } from '../scenario/runner.ts';
import { READ_PERMISSIONS, readAttachedPolicies, type Call } from './account.ts';
import { callFor, LIMITS, NO_IDENTITY_POLICY, policyFingerprint, type CasePlan, type RawStatement, type SimCall, type SimInputs } from './mapping.ts';

// ---------------------------------------------------------------------------------------------
// errors

/**
 * A problem with how iamspec was asked to reach AWS (no credentials, credentials refused, a bad
 * mode): a usage error, exit code 2 — a UsageError, so the CLI prints the message (no file
 * position) and exits 2.
 */
export class AwsUsageError extends UsageError {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    Object.defineProperty(this, 'name', { value: 'AwsUsageError' });
  }
}

/** A command outside the read-only allow-list was sent through a guarded client. */
export class ReadOnlyViolation extends Error {
  override readonly name = 'ReadOnlyViolation';
  constructor(readonly commandName: string) {
    super(
      `iamspec refuses to send ${commandName}: src/aws may only call Simulate*, GetContextKeysFor* and read APIs (Get*, List*)`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// the read-only client

/** Operations the adapter may call (by operation name, without the `Command` suffix). */
export function isAllowedOperation(operation: string): boolean {
  const op = operation.replace(/Command$/, '');
  return /^(SimulateCustomPolicy|SimulatePrincipalPolicy|GetContextKeysForCustomPolicy|GetContextKeysForPrincipalPolicy|Get[A-Z][A-Za-z]*|List[A-Z][A-Za-z]*)$/.test(op);
}

const GUARDED = Symbol.for('iamspec.readOnlyClient');

/**
 * A view of `client` that sends only allow-listed operations (checked in an `initialize`
 * middleware, before serialisation, so a refused command never reaches the network) and leaves
 * retrying to iamspec (the SDK's retry middleware is replaced by a pass-through, so backoff is one
 * policy with one count). The caller's client object is not modified: the view has its own
 * middleware stack and shares the configuration and connection pool.
 */
export function readOnlyClient(client: IAMClient): IAMClient {
  if ((client as unknown as Record<symbol, unknown>)[GUARDED]) return client;
  const view = Object.create(client) as IAMClient;
  const stack = client.middlewareStack.clone();
  stack.add(
    (next, context) => async (args) => {
      const name = context.commandName ?? 'an unnamed command';
      if (!isAllowedOperation(name)) throw new ReadOnlyViolation(name);
      return next(args);
    },
    { step: 'initialize', name: 'iamspecReadOnly', priority: 'high' },
  );
  // Replaces the SDK's retry middleware (same name, `override`) by a pass-through.
  (stack as unknown as { add(mw: unknown, opts: Record<string, unknown>): void }).add(
    (next: (args: unknown) => unknown) => (args: unknown) => next(args),
    { step: 'finalizeRequest', name: 'retryMiddleware', override: true, priority: 'high', tags: ['RETRY'] },
  );
  Object.defineProperties(view, {
    middlewareStack: { value: stack, writable: false, enumerable: true },
    handlers: { value: undefined, writable: true, configurable: true },
    [GUARDED]: { value: true },
  });
  return view;
}

const HOW_TO_CREDENTIALS = [
  'Provide credentials the standard AWS SDK way, e.g.:',
  '  AWS_PROFILE=<profile> npx iamspec test --against aws        (after `aws sso login --profile <profile>` for IAM Identity Center)',
  '  AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… [AWS_SESSION_TOKEN=…] npx iamspec test --against aws',
  '  in CI: aws-actions/configure-aws-credentials with an OIDC role (see .github/workflows/differential.yml)',
  'They need only iam:SimulateCustomPolicy, iam:SimulatePrincipalPolicy and iam:GetContextKeysFor*, and for principals marked',
  'inAccount: true the read-only calls that list their attached policies (README "Differential runs").',
  'To run without AWS, replay the committed recordings: npx iamspec test --against recorded',
].join('\n');

/** Resolves the client's credentials before any call; throws AwsUsageError (exit 2) saying how to provide them. */
export async function checkCredentials(client: IAMClient): Promise<void> {
  const provider = (client.config as { credentials?: unknown }).credentials;
  let cause = '';
  try {
    const creds = typeof provider === 'function' ? await (provider as () => Promise<unknown>)() : provider;
    const id = (creds as { accessKeyId?: unknown } | undefined)?.accessKeyId;
    if (typeof id === 'string' && id.length > 0) return;
    cause = 'the credential chain returned no access key';
  } catch (e) {
    cause = e instanceof Error ? e.message.split('\n')[0]! : String(e);
  }
  throw new AwsUsageError(`--against aws needs AWS credentials, and none could be resolved (${cause}).\n${HOW_TO_CREDENTIALS}`);
}

// ---------------------------------------------------------------------------------------------
// retries

export interface RetryOptions {
  /** Attempts per call, the first included (default 6). */
  maxAttempts?: number;
  /** Backoff base (default 200 ms): attempt n waits random() × min(cap, base × 2^n) ("full jitter"). */
  baseDelayMs?: number;
  /** Backoff cap (default 20 s). */
  maxDelayMs?: number;
  /** Injectable clock for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable randomness for tests, in [0, 1). */
  random?: () => number;
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
]);
const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED', 'TimeoutError', 'RequestTimeout']);
/** 5xx answers that will not change on retry. */
const PERMANENT_SERVER = new Set(['PolicyEvaluation', 'PolicyEvaluationException']);
/** Answers that no retry and no other case can fix: stop the run. */
const FATAL = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidAccessKeyId',
  'MissingAuthenticationToken',
  'CredentialsProviderError',
]);

function errorCode(e: unknown): string {
  if (!e || typeof e !== 'object') return String(e);
  const o = e as { name?: string; Code?: string; code?: string };
  return o.Code ?? o.name ?? o.code ?? 'Error';
}

function httpStatus(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

export function isRetryable(e: unknown): boolean {
  const code = errorCode(e);
  if (THROTTLING.has(code)) return true;
  if (PERMANENT_SERVER.has(code)) return false;
  const status = httpStatus(e);
  if (status !== undefined && status >= 500) return true;
  if (status === 429) return true;
  const sys = (e as { code?: string } | undefined)?.code;
  return TRANSIENT_NETWORK.has(code) || (sys !== undefined && TRANSIENT_NETWORK.has(sys));
}

/** Runs `fn`, retrying throttling, 5xx and transient network errors with exponential backoff + full jitter. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const max = Math.max(1, opts.maxAttempts ?? 6);
  const base = opts.baseDelayMs ?? 200;
  const cap = opts.maxDelayMs ?? 20_000;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = opts.random ?? Math.random;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt + 1 >= max || !isRetryable(e)) {
        if (attempt > 0 && e && typeof e === 'object') (e as { attempts?: number }).attempts = attempt + 1;
        throw e;
      }
      await sleep(Math.floor(random() * Math.min(cap, base * 2 ** attempt)));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// commands

export function customInput(call: Pick<SimCall, 'inputs' | 'actions' | 'resources'>, maxItems: number, marker?: string): SimulateCustomPolicyCommandInput {
  const i = call.inputs;
  return {
    PolicyInputList: i.policies.length ? i.policies.map((p) => p.text) : [NO_IDENTITY_POLICY],
    ...(i.boundary ? { PermissionsBoundaryPolicyInputList: [i.boundary.text] } : {}),
    ...(i.scps ? { OrderedOrganizationPolicyInputList: i.scps.map((l) => ({ ServiceControlPolicyInputList: l.map((p) => p.text) })) } : {}),
    ...(i.callerArn ? { CallerArn: i.callerArn } : {}),
    ...sharedInput(call, maxItems, marker),
  };
}

/** No CallerArn: it defaults to PolicySourceArn, the principal itself (spec §7.2). */
export function principalInput(call: Pick<SimCall, 'inputs' | 'actions' | 'resources'>, maxItems: number, marker?: string): SimulatePrincipalPolicyCommandInput {
  return { PolicySourceArn: call.inputs.policySourceArn!, ...sharedInput(call, maxItems, marker) };
}

/** The parameters both operations take the same way. */
function sharedInput(call: Pick<SimCall, 'inputs' | 'actions' | 'resources'>, maxItems: number, marker: string | undefined) {
  const i = call.inputs;
  return {
    ActionNames: call.actions,
    ResourceArns: call.resources,
    ...(i.resourcePolicy ? { ResourcePolicy: i.resourcePolicy.text } : {}),
    ...(i.resourceOwner ? { ResourceOwner: i.resourceOwner } : {}),
    ...(i.context.length ? { ContextEntries: contextEntriesOf(i) } : {}),
    MaxItems: maxItems,
    ...(marker ? { Marker: marker } : {}),
  };
}

function contextEntriesOf(i: SimInputs) {
  return i.context.map((e) => ({
    ContextKeyName: e.name,
    ContextKeyValues: e.values,
    ContextKeyType: e.type as NonNullable<NonNullable<SimulateCustomPolicyCommandInput['ContextEntries']>[number]['ContextKeyType']>,
  }));
}

// ---------------------------------------------------------------------------------------------
// responses

/** The simulator's answer for one (action, resource). */
export interface AwsAnswer {
  decision: Decision;
  matchedStatements: RawStatement[];
  missingContextValues: string[];
  /** For resource `*` only: for resource ARNs AWS reports it as a total over the call's resources (spec §7.3). */
  allowedByOrganizations?: boolean;
  allowedByPermissionsBoundary?: boolean;
  /** Per policy type, cross-account only (an empty map says nothing and is dropped). */
  evalDecisionDetails?: Record<string, string>;
}

const DECISIONS = new Set(['allowed', 'explicitDeny', 'implicitDeny']);

function decisionOf(s: string | undefined): Decision {
  if (s && DECISIONS.has(s)) return s as Decision;
  // Lenient: other casings seen in hand-written samples.
  const lower = (s ?? '').toLowerCase();
  for (const d of DECISIONS) if (d.toLowerCase() === lower) return d as Decision;
  throw new Error(`the simulator returned an unknown decision "${s}"`);
}

function rawStatements(list: Statement[] | undefined): RawStatement[] {
  return (list ?? []).map((s) => ({
    sourcePolicyId: s.SourcePolicyId ?? '',
    ...(s.SourcePolicyType ? { sourcePolicyType: String(s.SourcePolicyType) } : {}),
    ...(s.StartPosition?.Line !== undefined ? { start: { line: s.StartPosition.Line, column: s.StartPosition.Column ?? 1 } } : {}),
    ...(s.EndPosition?.Line !== undefined ? { end: { line: s.EndPosition.Line, column: s.EndPosition.Column ?? 1 } } : {}),
  }));
}

function details(d: Record<string, string> | undefined): Record<string, string> | undefined {
  const keys = Object.keys(d ?? {}).sort();
  return keys.length ? Object.fromEntries(keys.map((k) => [k, String(d![k])])) : undefined;
}

export function answerKey(action: string, resource: string): string {
  return `${action.toLowerCase()}\u0000${resource}`;
}

/**
 * One answer per (action, resource) of a call whose resources were `resources` (spec §7.3). The
 * top-level fields of an EvaluationResult are totals over all the call's resources (EvalDecision
 * the most restrictive, MatchedStatements and MissingContextValues unions, the details
 * aggregated) and its EvalResourceName is an ARN template, so:
 * - resource `*` (always alone in its call): the top level is that one resource's answer, keyed by
 *   action whatever EvalResourceName says;
 * - resource ARNs: the ResourceSpecificResults entries, field by field, never completed from the
 *   top level; a single-ARN call answered without them takes the top level (its totals are that
 *   ARN's) but not AllowedByOrganizations, which a per-resource answer never has;
 * - a multi-ARN result without them (the older shape: one result per resource, each repeating
 *   the aggregate) answers nothing: the caller asks again per resource.
 * So an answer never depends on which other resources shared its call, and neither do recordings.
 */
export function normalizeResults(results: readonly EvaluationResult[], resources: readonly string[]): Map<string, AwsAnswer> {
  const out = new Map<string, AwsAnswer>();
  const put = (action: string, resource: string, a: AwsAnswer) => {
    const key = answerKey(action, resource);
    if (!out.has(key)) out.set(key, a);
  };
  const only = resources.length === 1 ? resources[0]! : undefined;
  for (const r of results) {
    const action = r.EvalActionName ?? '';
    const top = () => answer(r.EvalDecision, r.MatchedStatements, r.MissingContextValues, r.PermissionsBoundaryDecisionDetail, r.EvalDecisionDetails);
    if (only === '*') {
      const orgs = r.OrganizationsDecisionDetail?.AllowedByOrganizations;
      put(action, '*', { ...top(), ...(orgs !== undefined ? { allowedByOrganizations: orgs } : {}) });
      continue;
    }
    const specific = r.ResourceSpecificResults ?? [];
    for (const rs of specific) {
      if (rs.EvalResourceName === undefined) continue;
      put(action, rs.EvalResourceName, answer(rs.EvalResourceDecision, rs.MatchedStatements, rs.MissingContextValues, rs.PermissionsBoundaryDecisionDetail, rs.EvalDecisionDetails));
    }
    if (specific.length === 0 && only !== undefined) put(action, only, top());
  }
  return out;
}

function answer(
  decision: string | undefined,
  statements: Statement[] | undefined,
  missing: string[] | undefined,
  boundaryDetail: { AllowedByPermissionsBoundary?: boolean } | undefined,
  decisionDetails: Record<string, unknown> | undefined,
): AwsAnswer {
  const boundary = boundaryDetail?.AllowedByPermissionsBoundary;
  const dd = details(decisionDetails as Record<string, string> | undefined);
  return {
    decision: decisionOf(decision),
    matchedStatements: rawStatements(statements),
    missingContextValues: [...(missing ?? [])],
    ...(boundary !== undefined ? { allowedByPermissionsBoundary: boundary } : {}),
    ...(dd ? { evalDecisionDetails: dd } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// the simulator

export interface SimulatorOptions {
  /** Calls in flight at once (default 4). */
  concurrency?: number;
  /** MaxItems per page (default 1000). */
  maxItems?: number;
  retry?: RetryOptions;
  /** Called as cases get answers: (cases answered, cases to answer). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * What a case got: an answer (in Principal mode with `accountPolicies`, the fingerprint of the
 * documents attached to the principal when AWS answered), or an error message saying what to do.
 */
export type Outcome = { answer: AwsAnswer; accountPolicies?: string } | { error: string };

/** Why a call failed, per error code (spec §7.1). */
export function describeError(e: unknown, call: Pick<SimCall, 'inputs'>): string {
  const code = errorCode(e);
  const msg = e instanceof Error ? e.message : String(e);
  const op = call.inputs.operation;
  const attempts = (e as { attempts?: number } | undefined)?.attempts;
  switch (code) {
    case 'InvalidInput':
    case 'InvalidInputException':
      return `${op} rejected the request (InvalidInput): ${msg} — check the policy texts, context values and resource ARNs this case sends`;
    case 'PolicyEvaluation':
    case 'PolicyEvaluationException':
      return `${op} could not evaluate a policy (PolicyEvaluation): ${msg}`;
    case 'NoSuchEntity':
    case 'NoSuchEntityException':
      return `${op}: ${call.inputs.policySourceArn ?? call.inputs.callerArn} does not exist in the account (NoSuchEntity: ${msg}) — deploy it, or drop \`inAccount: true\` to simulate the suite's own policies`;
    default:
      if (THROTTLING.has(code)) return `${op} was throttled${attempts ? ` ${attempts} times` : ''} (${code}: ${msg}) — lower --concurrency or retry later`;
      return `${op} failed (${code}${httpStatus(e) ? `, HTTP ${httpStatus(e)}` : ''}): ${msg}${attempts ? ` after ${attempts} attempts` : ''}`;
  }
}

/** Errors a smaller request may avoid: worth splitting a multi-case call to find the case at fault. */
function splittable(e: unknown): boolean {
  const code = errorCode(e);
  return code === 'InvalidInput' || code === 'InvalidInputException' || code === 'PolicyEvaluation' || code === 'PolicyEvaluationException';
}

/** Distinct (action, resource) pairs among a call's cases (two cases may ask the same). */
function pairs(call: SimCall): number {
  return new Set(call.plans.map((p) => answerKey(p.action, p.resource))).size;
}

/** Runs `fn` on each item, at most `limit` at once; stops taking items after the first throw, and rethrows it. */
async function inPool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed) {
      try {
        await fn(items[next++]!);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export class Simulator {
  readonly client: IAMClient;
  /** API calls completed or given up (pages, reads included; retries not counted). */
  calls = 0;
  private readonly concurrency: number;
  private readonly maxItems: number;
  private readonly retry: RetryOptions;
  private readonly onProgress: ((done: number, total: number) => void) | undefined;

  constructor(client: IAMClient, opts: SimulatorOptions = {}) {
    this.client = readOnlyClient(client);
    this.concurrency = Math.max(1, Math.floor(opts.concurrency ?? 4));
    this.maxItems = Math.min(LIMITS.maxItems, Math.max(1, opts.maxItems ?? LIMITS.maxItems));
    this.retry = opts.retry ?? {};
    this.onProgress = opts.onProgress;
  }

  /** One API call through the retry policy, counted. */
  private readonly call: Call = async (fn) => {
    try {
      return await withRetry(fn, this.retry);
    } finally {
      this.calls++;
    }
  };

  /**
   * Sends the calls (at most `concurrency` at once) and returns each planned case's outcome. The
   * documents attached to each Principal-mode principal are read first; a principal whose
   * documents cannot be read is not simulated (its cases get the reason).
   */
  async run(calls: readonly SimCall[]): Promise<Map<CasePlan, Outcome>> {
    const outcomes = new Map<CasePlan, Outcome>();
    const accounts = await this.readAccounts(calls);
    const total = calls.reduce((n, c) => n + c.plans.length, 0);
    let done = 0;
    await inPool(calls, this.concurrency, async (call) => {
      const account = call.inputs.policySourceArn ? accounts.get(call.inputs.policySourceArn) : undefined;
      if (account && 'error' in account) for (const p of call.plans) outcomes.set(p, account);
      else {
        for (const [plan, outcome] of await this.answer(call)) {
          outcomes.set(plan, account && 'answer' in outcome ? { ...outcome, accountPolicies: account.fingerprint } : outcome);
        }
      }
      done += call.plans.length;
      this.onProgress?.(done, total);
    });
    return outcomes;
  }

  /** The fingerprint of the documents attached to each Principal-mode principal, or why it could not be read. */
  private async readAccounts(calls: readonly SimCall[]): Promise<Map<string, { fingerprint: string } | { error: string }>> {
    const out = new Map<string, { fingerprint: string } | { error: string }>();
    const arns = [...new Set(calls.flatMap((c) => (c.inputs.policySourceArn ? [c.inputs.policySourceArn] : [])))];
    const managed = new Map<string, Promise<string>>();
    await inPool(arns, this.concurrency, async (arn) => {
      try {
        const docs = await readAttachedPolicies(this.client, arn, this.call, managed);
        out.set(arn, { fingerprint: policyFingerprint(docs.identity, docs.boundary) });
      } catch (e) {
        const code = errorCode(e);
        if (e instanceof ReadOnlyViolation) throw e;
        if (FATAL.has(code) && code !== 'AccessDenied' && code !== 'AccessDeniedException') throw refused(`reading ${arn}`, e);
        const msg = e instanceof Error ? e.message : String(e);
        const fix =
          code === 'NoSuchEntity' || code === 'NoSuchEntityException'
            ? "deploy it, or drop `inAccount: true` to simulate the suite's own policies"
            : `iamspec reads them (${READ_PERMISSIONS.join(', ')}) so that a recording shows an account drifted from the suite as stale`;
        out.set(arn, { error: `could not read the policies attached to ${arn} (${code}: ${msg}) — ${fix}` });
      }
    });
    return out;
  }

  /**
   * One call's cases: answered, or an error each. A call rejected with InvalidInput or
   * PolicyEvaluation is halved until the case at fault is found; once one case has failed on its
   * own, the parts still pending are sent as they are (a fault in the inputs all the cases share
   * fails every part, and halving on would cost a call per case). Cases a multi-resource answer
   * leaves without a per-resource result are asked again one resource per call.
   */
  private async answer(call: SimCall): Promise<Map<CasePlan, Outcome>> {
    const out = new Map<CasePlan, Outcome>();
    const pending: SimCall[] = [call];
    let halve = true;
    for (let part = pending.shift(); part; part = pending.shift()) {
      let results: Map<string, AwsAnswer>;
      try {
        results = normalizeResults(await this.send(part), part.resources);
      } catch (e) {
        if (e instanceof ReadOnlyViolation) throw e;
        if (FATAL.has(errorCode(e))) throw refused(part.inputs.operation, e);
        const several = pairs(part) > 1;
        if (splittable(e) && several && halve) {
          pending.unshift(...split(part));
          continue;
        }
        if (splittable(e) && !several) halve = false;
        const error = describeError(e, part) + (part.plans.length > 1 ? ` (a call of ${part.plans.length} cases)` : '');
        for (const p of part.plans) out.set(p, { error });
        continue;
      }
      const unanswered: CasePlan[] = [];
      for (const p of part.plans) {
        const a = results.get(answerKey(p.action, p.resource));
        if (a) out.set(p, { answer: a });
        else unanswered.push(p);
      }
      if (unanswered.length === 0) continue;
      if (part.resources.length > 1) {
        const byResource = new Map<string, CasePlan[]>();
        for (const p of unanswered) byResource.set(p.resource, [...(byResource.get(p.resource) ?? []), p]);
        pending.unshift(...[...byResource.values()].map(callFor));
        continue;
      }
      for (const p of unanswered) {
        out.set(p, { error: `${part.inputs.operation} returned no result for ${p.action} on ${p.resource} (${results.size} results for ${part.actions.length} actions × ${part.resources.length} resources)` });
      }
    }
    return out;
  }

  /** Every page of one call (following IsTruncated/Marker), each page retried on its own. */
  async send(call: Pick<SimCall, 'inputs' | 'actions' | 'resources'>): Promise<EvaluationResult[]> {
    const { SimulateCustomPolicyCommand, SimulatePrincipalPolicyCommand } = await import('@aws-sdk/client-iam');
    const all: EvaluationResult[] = [];
    let marker: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const page: SimulatePolicyResponse = await this.call(() =>
        call.inputs.operation === 'SimulatePrincipalPolicy'
          ? this.client.send(new SimulatePrincipalPolicyCommand(principalInput(call, this.maxItems, marker)))
          : this.client.send(new SimulateCustomPolicyCommand(customInput(call, this.maxItems, marker))),
      );
      all.push(...(page.EvaluationResults ?? []));
      if (!page.IsTruncated) return all;
      if (!page.Marker || seen.has(page.Marker)) {
        throw new Error(`${call.inputs.operation} said IsTruncated but gave ${page.Marker ? 'a repeated' : 'no'} Marker`);
      }
      seen.add(page.Marker);
      marker = page.Marker;
    }
  }
}

/** Credentials AWS refused: no retry and no other case can fix it, so the run stops (exit 2). */
function refused(what: string, e: unknown): AwsUsageError {
  return new AwsUsageError(`${what} was refused (${errorCode(e)}): ${e instanceof Error ? e.message : String(e)}\n${HOW_TO_CREDENTIALS}`);
}

/** Halves a call: by resources when its cases have several, else by actions. */
function split(call: SimCall): SimCall[] {
  const half = <T>(items: T[]) => {
    const mid = Math.ceil(items.length / 2);
    return [new Set(items.slice(0, mid)), new Set(items.slice(mid))];
  };
  const parts =
    call.resources.length > 1
      ? half(call.resources).map((rs) => call.plans.filter((p) => rs.has(p.resource)))
      : half(call.actions.map((a) => a.toLowerCase())).map((as) => call.plans.filter((p) => as.has(p.action.toLowerCase())));
  return parts.filter((plans) => plans.length > 0).map(callFor);
}
