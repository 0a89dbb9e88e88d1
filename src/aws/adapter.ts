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
import { LIMITS, NO_IDENTITY_POLICY, type CasePlan, type RawStatement, type SimCall, type SimInputs } from './mapping.ts';

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
  'They need only iam:SimulateCustomPolicy, iam:SimulatePrincipalPolicy and iam:GetContextKeysFor*.',
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
    ...sharedInput(call, maxItems, marker),
  };
}

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
    CallerArn: i.callerArn,
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
  allowedByOrganizations?: boolean;
  allowedByPermissionsBoundary?: boolean;
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
  if (!d) return undefined;
  return Object.fromEntries(Object.keys(d).sort().map((k) => [k, String(d[k])]));
}

export function answerKey(action: string, resource: string): string {
  return `${action.toLowerCase()}\u0000${resource}`;
}

/**
 * One answer per (action, resource): from ResourceSpecificResults when a result has them (2026:
 * one EvaluationResult per action, EvalDecision the most restrictive across resources), else from
 * the result itself (older shape: one per action × resource; also single-resource answers).
 */
export function normalizeResults(results: readonly EvaluationResult[]): Map<string, AwsAnswer> {
  const out = new Map<string, AwsAnswer>();
  for (const r of results) {
    const action = r.EvalActionName ?? '';
    const orgs = r.OrganizationsDecisionDetail?.AllowedByOrganizations;
    const specific = r.ResourceSpecificResults ?? [];
    const add = (resource: string | undefined, a: Omit<AwsAnswer, 'allowedByOrganizations'>) => {
      const key = answerKey(action, resource ?? '*');
      if (!out.has(key)) out.set(key, { ...a, ...(orgs !== undefined ? { allowedByOrganizations: orgs } : {}) });
    };
    for (const rs of specific) {
      add(
        rs.EvalResourceName,
        answer(
          rs.EvalResourceDecision,
          rs.MatchedStatements,
          rs.MissingContextValues ?? r.MissingContextValues,
          rs.PermissionsBoundaryDecisionDetail ?? r.PermissionsBoundaryDecisionDetail,
          rs.EvalDecisionDetails ?? r.EvalDecisionDetails,
        ),
      );
    }
    // With per-resource results, the top level is the aggregate (most restrictive): not a per-resource answer.
    if (specific.length === 0) {
      add(r.EvalResourceName, answer(r.EvalDecision, r.MatchedStatements, r.MissingContextValues, r.PermissionsBoundaryDecisionDetail, r.EvalDecisionDetails));
    }
  }
  return out;
}

function answer(
  decision: string | undefined,
  statements: Statement[] | undefined,
  missing: string[] | undefined,
  boundaryDetail: { AllowedByPermissionsBoundary?: boolean } | undefined,
  decisionDetails: Record<string, unknown> | undefined,
): Omit<AwsAnswer, 'allowedByOrganizations'> {
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

/** What a case got: an answer, or an error message saying what to do. */
export type Outcome = { answer: AwsAnswer } | { error: string };

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

export class Simulator {
  readonly client: IAMClient;
  /** API calls completed or given up (pages; retries not counted). */
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

  /** Sends the calls (at most `concurrency` at once) and returns each planned case's outcome. */
  async run(calls: readonly SimCall[]): Promise<Map<CasePlan, Outcome>> {
    const outcomes = new Map<CasePlan, Outcome>();
    const total = calls.reduce((n, c) => n + c.plans.length, 0);
    let done = 0;
    let next = 0;
    let fatal: unknown;
    const worker = async () => {
      while (next < calls.length && fatal === undefined) {
        const call = calls[next++]!;
        try {
          for (const [plan, outcome] of await this.answer(call)) outcomes.set(plan, outcome);
        } catch (e) {
          fatal ??= e;
          return;
        }
        done += call.plans.length;
        this.onProgress?.(done, total);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, calls.length) }, worker));
    if (fatal !== undefined) throw fatal;
    return outcomes;
  }

  /** One call's cases: answered, or an error each; a rejected multi-case call is split to find the culprit. */
  private async answer(call: SimCall): Promise<Map<CasePlan, Outcome>> {
    const out = new Map<CasePlan, Outcome>();
    let results: Map<string, AwsAnswer>;
    try {
      results = normalizeResults(await this.send(call));
    } catch (e) {
      const code = errorCode(e);
      if (e instanceof ReadOnlyViolation) throw e;
      if (FATAL.has(code)) {
        throw new AwsUsageError(
          `${call.inputs.operation} was refused (${code}): ${e instanceof Error ? e.message : String(e)}\n${HOW_TO_CREDENTIALS}`,
        );
      }
      if (splittable(e) && call.actions.length * call.resources.length > 1) {
        for (const part of split(call)) for (const [p, o] of await this.answer(part)) out.set(p, o);
        return out;
      }
      const error = describeError(e, call) + (call.plans.length > 1 ? ` (a call of ${call.plans.length} cases)` : '');
      for (const p of call.plans) out.set(p, { error });
      return out;
    }
    for (const p of call.plans) {
      const a = results.get(answerKey(p.action, p.resource));
      out.set(
        p,
        a
          ? { answer: a }
          : { error: `${call.inputs.operation} returned no result for ${p.action} on ${p.resource} (${results.size} results for ${call.actions.length} actions × ${call.resources.length} resources)` },
      );
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
      const page: SimulatePolicyResponse = await withRetry(
        () =>
          call.inputs.operation === 'SimulatePrincipalPolicy'
            ? this.client.send(new SimulatePrincipalPolicyCommand(principalInput(call, this.maxItems, marker)))
            : this.client.send(new SimulateCustomPolicyCommand(customInput(call, this.maxItems, marker))),
        this.retry,
      );
      this.calls++;
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

/** Halves a call: by resources when it has several, else by actions. */
function split(call: SimCall): SimCall[] {
  const parts: SimCall[] = [];
  const make = (actions: string[], resources: string[]) => {
    const acts = new Set(actions.map((a) => a.toLowerCase()));
    const res = new Set(resources);
    const plans = call.plans.filter((p) => acts.has(p.action.toLowerCase()) && res.has(p.resource));
    if (plans.length) {
      parts.push({
        inputs: call.inputs,
        actions: actions.filter((a) => plans.some((p) => p.action.toLowerCase() === a.toLowerCase())),
        resources: resources.filter((r) => plans.some((p) => p.resource === r)),
        plans,
      });
    }
  };
  if (call.resources.length > 1) {
    const mid = Math.ceil(call.resources.length / 2);
    make(call.actions, call.resources.slice(0, mid));
    make(call.actions, call.resources.slice(mid));
  } else {
    const mid = Math.ceil(call.actions.length / 2);
    make(call.actions.slice(0, mid), call.resources);
    make(call.actions.slice(mid), call.resources);
  }
  return parts;
}
