// A loopback stand-in for IAM's Query API (node:http on 127.0.0.1, ephemeral port), for tests of
// the simulator adapter through the real @aws-sdk/client-iam client. It parses form-encoded
// bodies (Action=SimulateCustomPolicy&Version=2010-05-08&PolicyInputList.member.1=…) and answers
// with IAM's XML: <SimulateCustomPolicyResponse><SimulateCustomPolicyResult>…, errors as
// <ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>…
//
// By default it answers simulations with the local engine, in the response shape of the current
// API reference (spec §7.3), and the read APIs (Get*, List*) from a modelled account, so batching,
// pagination, recording and drift can be exercised on any suite; tests replace the handler to
// serve documented sample responses, throttle, or fail.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { compilePolicy, type CompiledPolicy } from '../../src/engine/compile.ts';
import { compilePolicySet } from '../../src/engine/decide.ts';
import { evaluate, explain } from '../../src/engine/evaluate.ts';
import { makeRequest, parsePrincipal, type ContextType, type ContextValue } from '../../src/engine/request.ts';
import type { Decision } from '../../src/engine/types.ts';
import { catalog } from '../../src/catalog/index.ts';
import { compileTemplate, globMatches } from '../../src/catalog/glob.ts';

export type Params = Map<string, string>;

export interface ReceivedRequest {
  action: string;
  params: Params;
  body: string;
  headers: http.IncomingHttpHeaders;
}

export interface Reply {
  status: number;
  xml: string;
}

export type Handler = (req: ReceivedRequest, n: number) => Reply | Promise<Reply>;

// ---------------------------------------------------------------------------------------------
// Query protocol: reading parameters

export function parseForm(body: string): Params {
  const m = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(body)) m.set(k, v);
  return m;
}

/** `Prefix.member.1`, `Prefix.member.2`, … in order. */
export function members(p: Params, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; p.has(`${prefix}.member.${i}`); i++) out.push(p.get(`${prefix}.member.${i}`)!);
  return out;
}

export interface ParsedContextEntry {
  ContextKeyName: string;
  ContextKeyType: string;
  ContextKeyValues: string[];
}

export function contextEntries(p: Params): ParsedContextEntry[] {
  const out: ParsedContextEntry[] = [];
  for (let i = 1; p.has(`ContextEntries.member.${i}.ContextKeyName`); i++) {
    const pre = `ContextEntries.member.${i}`;
    out.push({
      ContextKeyName: p.get(`${pre}.ContextKeyName`)!,
      ContextKeyType: p.get(`${pre}.ContextKeyType`) ?? 'string',
      ContextKeyValues: members(p, `${pre}.ContextKeyValues`),
    });
  }
  return out;
}

export function organizationLevels(p: Params): string[][] {
  const out: string[][] = [];
  for (let i = 1; ; i++) {
    const level = members(p, `OrderedOrganizationPolicyInputList.member.${i}.ServiceControlPolicyInputList`);
    if (level.length === 0) break;
    out.push(level);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// XML

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

export interface XmlStatement {
  SourcePolicyId: string;
  SourcePolicyType?: string;
  StartPosition?: { Line: number; Column: number };
  EndPosition?: { Line: number; Column: number };
}

export interface XmlResourceResult {
  EvalResourceName: string;
  EvalResourceDecision: Decision;
  MatchedStatements?: XmlStatement[];
  MissingContextValues?: string[];
  EvalDecisionDetails?: Record<string, string>;
  PermissionsBoundaryDecisionDetail?: { AllowedByPermissionsBoundary: boolean };
}

export interface XmlEvaluationResult {
  EvalActionName: string;
  EvalResourceName?: string;
  EvalDecision: Decision;
  MatchedStatements?: XmlStatement[];
  MissingContextValues?: string[];
  OrganizationsDecisionDetail?: { AllowedByOrganizations: boolean };
  PermissionsBoundaryDecisionDetail?: { AllowedByPermissionsBoundary: boolean };
  EvalDecisionDetails?: Record<string, string>;
  ResourceSpecificResults?: XmlResourceResult[];
}

function statementsXml(list: XmlStatement[] | undefined): string {
  if (!list) return '';
  const items = list.map((s) => {
    const pos = (tag: string, p?: { Line: number; Column: number }) =>
      p ? `<${tag}><Line>${p.Line}</Line><Column>${p.Column}</Column></${tag}>` : '';
    return (
      `<member><SourcePolicyId>${esc(s.SourcePolicyId)}</SourcePolicyId>` +
      (s.SourcePolicyType ? `<SourcePolicyType>${esc(s.SourcePolicyType)}</SourcePolicyType>` : '') +
      pos('StartPosition', s.StartPosition) +
      pos('EndPosition', s.EndPosition) +
      `</member>`
    );
  });
  return `<MatchedStatements>${items.join('')}</MatchedStatements>`;
}

function missingXml(list: string[] | undefined): string {
  if (!list) return '';
  return list.length ? `<MissingContextValues>${list.map((k) => `<member>${esc(k)}</member>`).join('')}</MissingContextValues>` : '<MissingContextValues/>';
}

function detailsXml(d: Record<string, string> | undefined): string {
  if (!d) return '';
  const entries = Object.entries(d);
  return entries.length
    ? `<EvalDecisionDetails>${entries.map(([k, v]) => `<entry><key>${esc(k)}</key><value>${esc(v)}</value></entry>`).join('')}</EvalDecisionDetails>`
    : '<EvalDecisionDetails/>';
}

function boundaryXml(b: { AllowedByPermissionsBoundary: boolean } | undefined): string {
  return b ? `<PermissionsBoundaryDecisionDetail><AllowedByPermissionsBoundary>${b.AllowedByPermissionsBoundary}</AllowedByPermissionsBoundary></PermissionsBoundaryDecisionDetail>` : '';
}

export function evaluationResultXml(r: XmlEvaluationResult): string {
  const rsr = r.ResourceSpecificResults
    ? `<ResourceSpecificResults>${r.ResourceSpecificResults.map(
        (x) =>
          `<member><EvalResourceName>${esc(x.EvalResourceName)}</EvalResourceName><EvalResourceDecision>${x.EvalResourceDecision}</EvalResourceDecision>` +
          statementsXml(x.MatchedStatements) +
          missingXml(x.MissingContextValues) +
          detailsXml(x.EvalDecisionDetails) +
          boundaryXml(x.PermissionsBoundaryDecisionDetail) +
          `</member>`,
      ).join('')}</ResourceSpecificResults>`
    : '';
  return (
    `<member>` +
    detailsXml(r.EvalDecisionDetails) +
    statementsXml(r.MatchedStatements) +
    missingXml(r.MissingContextValues) +
    (r.EvalResourceName !== undefined ? `<EvalResourceName>${esc(r.EvalResourceName)}</EvalResourceName>` : '') +
    `<EvalDecision>${r.EvalDecision}</EvalDecision>` +
    (r.OrganizationsDecisionDetail
      ? `<OrganizationsDecisionDetail><AllowedByOrganizations>${r.OrganizationsDecisionDetail.AllowedByOrganizations}</AllowedByOrganizations></OrganizationsDecisionDetail>`
      : '') +
    boundaryXml(r.PermissionsBoundaryDecisionDetail) +
    rsr +
    `<EvalActionName>${esc(r.EvalActionName)}</EvalActionName>` +
    `</member>`
  );
}

let requestCounter = 0;
function requestId(): string {
  requestCounter++;
  return `00000000-0000-4000-8000-${requestCounter.toString(16).padStart(12, '0')}`;
}

export function simulateXml(action: string, results: XmlEvaluationResult[], page: { isTruncated?: boolean; marker?: string } = {}): string {
  return (
    `<${action}Response xmlns="${NS}">\n  <${action}Result>\n` +
    `    <IsTruncated>${page.isTruncated ? 'true' : 'false'}</IsTruncated>\n` +
    (page.marker ? `    <Marker>${esc(page.marker)}</Marker>\n` : '') +
    `    <EvaluationResults>${results.map(evaluationResultXml).join('')}</EvaluationResults>\n` +
    `  </${action}Result>\n  <ResponseMetadata>\n    <RequestId>${requestId()}</RequestId>\n  </ResponseMetadata>\n</${action}Response>\n`
  );
}

export function errorXml(code: string, message: string, type: 'Sender' | 'Receiver' = 'Sender'): string {
  return `<ErrorResponse xmlns="${NS}">\n  <Error>\n    <Type>${type}</Type>\n    <Code>${esc(code)}</Code>\n    <Message>${esc(message)}</Message>\n  </Error>\n  <RequestId>${requestId()}</RequestId>\n</ErrorResponse>\n`;
}

export const ERRORS = {
  throttling: (): Reply => ({ status: 400, xml: errorXml('Throttling', 'Rate exceeded') }),
  invalidInput: (m: string): Reply => ({ status: 400, xml: errorXml('InvalidInput', m) }),
  policyEvaluation: (m: string): Reply => ({ status: 500, xml: errorXml('PolicyEvaluation', m, 'Receiver') }),
  noSuchEntity: (m: string): Reply => ({ status: 404, xml: errorXml('NoSuchEntity', m) }),
  serviceFailure: (): Reply => ({ status: 500, xml: errorXml('ServiceFailure', 'Internal failure', 'Receiver') }),
  accessDenied: (m: string): Reply => ({ status: 403, xml: errorXml('AccessDenied', m) }),
};

// ---------------------------------------------------------------------------------------------
// the account: what SimulatePrincipalPolicy simulates and the read APIs return

/** A user's, group's or role's policies: inline (name → document), managed (ARNs), boundary (ARN). */
export interface FakeEntity {
  inline?: Record<string, string>;
  managed?: string[];
  boundary?: string;
}

export interface FakeAccount {
  /** Managed policies: ARN → the default version's document. */
  policies?: Record<string, string>;
  users?: Record<string, FakeEntity & { groups?: string[] }>;
  groups?: Record<string, Omit<FakeEntity, 'boundary'>>;
  roles?: Record<string, FakeEntity>;
}

class NoSuchEntity extends Error {
  readonly code = 'NoSuchEntity';
}

const lastSegment = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

function entityOf(account: FakeAccount, arn: string): { kind: 'user' | 'role'; name: string; entity: FakeEntity & { groups?: string[] } } {
  const kind = /:user\//.test(arn) ? 'user' : /:role\//.test(arn) ? 'role' : undefined;
  const name = lastSegment(arn);
  const entity = kind === 'user' ? account.users?.[name] : kind === 'role' ? account.roles?.[name] : undefined;
  if (!kind || !entity) throw new NoSuchEntity(`The ${kind ?? 'entity'} with name ${name} cannot be found.`);
  return { kind, name, entity };
}

function managedText(account: FakeAccount, arn: string): string {
  const text = account.policies?.[arn];
  if (text === undefined) throw new NoSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
  return text;
}

/** The documents SimulatePrincipalPolicy evaluates for a principal, named as AWS names them (policy names). */
export function attachedPolicies(account: FakeAccount, arn: string): { identity: [string, string][]; boundary?: string } {
  const { entity } = entityOf(account, arn);
  const own = (e: Omit<FakeEntity, 'boundary'>): [string, string][] => [
    ...Object.entries(e.inline ?? {}),
    ...(e.managed ?? []).map((m): [string, string] => [lastSegment(m), managedText(account, m)]),
  ];
  const identity = own(entity);
  for (const g of entity.groups ?? []) identity.push(...own(account.groups?.[g] ?? {}));
  return { identity, ...(entity.boundary ? { boundary: managedText(account, entity.boundary) } : {}) };
}

export function readXml(action: string, inner: string): string {
  return `<${action}Response xmlns="${NS}"><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>${requestId()}</RequestId></ResponseMetadata></${action}Response>\n`;
}

const DATE = '2026-01-01T00:00:00Z';
const el = (tag: string, value: string) => `<${tag}>${esc(value)}</${tag}>`;
const boundaryEl = (arn: string | undefined) =>
  arn ? `<PermissionsBoundary>${el('PermissionsBoundaryType', 'Policy')}${el('PermissionsBoundaryArn', arn)}</PermissionsBoundary>` : '';

/** The IAM read APIs the adapter may call (Get*, List*), answered from the account; List* paginated by `pageSize`. */
export function readResult(account: FakeAccount, req: ReceivedRequest, pageSize = Infinity): string {
  const p = req.params;
  const list = (tag: string, items: string[]) => {
    const offset = Number(p.get('Marker') ?? 0);
    const page = items.slice(offset, offset + pageSize);
    const more = offset + pageSize < items.length;
    return `<${tag}>${page.map((i) => `<member>${i}</member>`).join('')}</${tag}><IsTruncated>${more}</IsTruncated>${more ? el('Marker', String(offset + pageSize)) : ''}`;
  };
  const attached = (arns: string[] = []) => list('AttachedPolicies', arns.map((a) => el('PolicyName', lastSegment(a)) + el('PolicyArn', a)));
  const names = (inline: Record<string, string> = {}) => list('PolicyNames', Object.keys(inline).map(esc));
  const doc = (inline: Record<string, string> | undefined, name: string) => {
    const text = inline?.[name];
    if (text === undefined) throw new NoSuchEntity(`The policy with name ${name} cannot be found.`);
    return el('PolicyName', name) + el('PolicyDocument', encodeURIComponent(text));
  };
  const user = (n = p.get('UserName')!) => entityOf(account, `:user/${n}`).entity;
  const role = (n = p.get('RoleName')!) => entityOf(account, `:role/${n}`).entity;
  const group = (n = p.get('GroupName')!) => {
    const g = account.groups?.[n];
    if (!g) throw new NoSuchEntity(`The group with name ${n} cannot be found.`);
    return g;
  };
  const entity = (kind: string, name: string, e: FakeEntity) =>
    el('Path', '/') + el(`${kind}Name`, name) + el(`${kind}Id`, `AIDA${name.toUpperCase().padEnd(17, 'X').slice(0, 17)}`) + el('Arn', `arn:aws:iam::123456789012:${kind.toLowerCase()}/${name}`) + el('CreateDate', DATE) + boundaryEl(e.boundary);
  switch (req.action) {
    case 'GetUser':
      return `<User>${entity('User', p.get('UserName')!, user())}</User>`;
    case 'GetRole':
      return `<Role>${entity('Role', p.get('RoleName')!, role())}</Role>`;
    case 'ListGroupsForUser':
      return list('Groups', (user().groups ?? []).map((g) => entity('Group', g, {})));
    case 'ListUserPolicies':
      return names(user().inline);
    case 'GetUserPolicy':
      return el('UserName', p.get('UserName')!) + doc(user().inline, p.get('PolicyName')!);
    case 'ListAttachedUserPolicies':
      return attached(user().managed);
    case 'ListRolePolicies':
      return names(role().inline);
    case 'GetRolePolicy':
      return el('RoleName', p.get('RoleName')!) + doc(role().inline, p.get('PolicyName')!);
    case 'ListAttachedRolePolicies':
      return attached(role().managed);
    case 'ListGroupPolicies':
      return names(group().inline);
    case 'GetGroupPolicy':
      return el('GroupName', p.get('GroupName')!) + doc(group().inline, p.get('PolicyName')!);
    case 'ListAttachedGroupPolicies':
      return attached(group().managed);
    case 'GetPolicy': {
      const arn = p.get('PolicyArn')!;
      managedText(account, arn);
      return `<Policy>${el('PolicyName', lastSegment(arn))}${el('Arn', arn)}${el('DefaultVersionId', 'v1')}${el('CreateDate', DATE)}</Policy>`;
    }
    case 'GetPolicyVersion':
      return `<PolicyVersion>${el('Document', encodeURIComponent(managedText(account, p.get('PolicyArn')!)))}${el('VersionId', 'v1')}<IsDefaultVersion>true</IsDefaultVersion>${el('CreateDate', DATE)}</PolicyVersion>`;
    default:
      throw new Error(`fake IAM does not implement ${req.action}`);
  }
}

// ---------------------------------------------------------------------------------------------
// an engine-backed simulator (the default handler)

export interface EngineOptions {
  /**
   * 2026 (the API reference today): one result per action, EvalResourceName the ARN template of
   * the resource type, per-resource answers in ResourceSpecificResults, top-level fields totals
   * over the call's resources. legacy: one result per action × resource, each repeating the
   * totals, without ResourceSpecificResults (the reference's note on the earlier shape).
   */
  shape?: '2026' | 'legacy';
  /** Force short pages (results or list items per page), regardless of MaxItems. */
  pageSize?: number;
  /** SimulatePrincipalPolicy and the read APIs: the account's users, groups, roles and policies. */
  account?: FakeAccount;
  /** Override a decision: (action, resource) → decision. */
  tamper?: (action: string, resource: string, d: Decision) => Decision;
}

const TYPE_LABEL: Record<string, string> = {
  identity: 'IAM Policy',
  boundary: 'Permissions Boundary Policy',
  resource: 'Resource Policy',
};

function ctxValue(e: ParsedContextEntry): ContextValue {
  const list = e.ContextKeyType.endsWith('List');
  const type = (list ? e.ContextKeyType.slice(0, -4) : e.ContextKeyType) as ContextType;
  return { type, list, values: e.ContextKeyValues };
}

const RANK: Record<Decision, number> = { allowed: 0, implicitDeny: 1, explicitDeny: 2 };
const worst = (ds: Decision[]) => ds.reduce((w, d) => (RANK[d] > RANK[w] ? d : w), 'allowed' as Decision);

/** The ARN template of the action's resource type that fits the resource (else its first), or `*` (spec §7.3). */
export function arnTemplate(action: string, resource: string): string {
  const info = catalog.action(action);
  const formats = (info?.resourceTypes ?? []).flatMap((t) => catalog.resourceType(info!.service, t.name)?.arnFormat ?? []);
  return formats.find((f) => resource !== '*' && globMatches(compileTemplate(f), resource)) ?? formats[0] ?? '*';
}

interface OneAnswer {
  decision: Decision;
  matched: XmlStatement[];
  missing: string[];
  boundary?: { AllowedByPermissionsBoundary: boolean };
  orgs?: { AllowedByOrganizations: boolean };
  /** Cross-account only. */
  details?: Record<string, Decision>;
}

/** Evaluates a Simulate* request with the local engine and returns its EvaluationResults. */
export function engineResults(action: string, p: Params, opts: EngineOptions = {}): XmlEvaluationResult[] {
  const identity: CompiledPolicy[] = [];
  let boundaryText = members(p, 'PermissionsBoundaryPolicyInputList')[0];
  if (action === 'SimulatePrincipalPolicy') {
    const attached = attachedPolicies(opts.account ?? {}, p.get('PolicySourceArn')!);
    for (const [name, text] of attached.identity) identity.push(compilePolicy(text, { name, type: 'identity' }));
    boundaryText ??= attached.boundary;
  }
  members(p, 'PolicyInputList').forEach((text, i) => identity.push(compilePolicy(text, { name: `PolicyInputList.${i + 1}`, type: 'identity' })));
  const rp = p.get('ResourcePolicy');
  const scps = organizationLevels(p).map((level, l) =>
    level.map((text, m) => compilePolicy(text, { name: `OrderedOrganizationPolicyInputList.${l + 1}.ServiceControlPolicyInputList.${m + 1}`, type: 'scp', level: l })),
  );
  const set = compilePolicySet({
    identity,
    boundary: boundaryText ? compilePolicy(boundaryText, { name: 'PermissionsBoundaryPolicyInputList.1', type: 'boundary' }) : null,
    resource: rp ? compilePolicy(rp, { name: 'ResourcePolicy', type: 'resource' }) : null,
    scps,
  });
  const caller = p.get('CallerArn') ?? p.get('PolicySourceArn')!;
  const principal = parsePrincipal({ arn: caller });
  const owner = p.get('ResourceOwner');
  const ownerAccount = owner ? (/:(\d{12}):root$/.exec(owner)?.[1] ?? owner) : undefined;
  const context: Record<string, ContextValue> = {};
  for (const e of contextEntries(p)) context[e.ContextKeyName] = ctxValue(e);
  const actions = members(p, 'ActionNames');
  const resources = members(p, 'ResourceArns');
  if (resources.length === 0) resources.push('*');

  const one = (act: string, res: string): OneAnswer => {
    const req = makeRequest({ principal, action: act, resource: res, ...(ownerAccount ? { resourceAccount: ownerAccount } : {}), context });
    const r = evaluate(req, set);
    const x = explain(req, set);
    const decision = opts.tamper ? opts.tamper(act, res, r.decision) : r.decision;
    // MatchedStatements: identity- and resource-policy statements only (spec §7.3).
    const matched: XmlStatement[] = r.decidedBy
      .filter((ref) => ref.policyType === 'identity' || ref.policyType === 'resource')
      .map((ref) => ({
        SourcePolicyId: ref.policy,
        SourcePolicyType: TYPE_LABEL[ref.policyType]!,
        StartPosition: { Line: ref.span.start.line, Column: ref.span.start.column },
        EndPosition: { Line: ref.span.end.line, Column: ref.span.end.column },
      }));
    const boundaryGate = x.gates.find((g) => g.gate === 'boundary');
    const scpGate = x.gates.find((g) => g.gate === 'scp');
    let details: Record<string, Decision> | undefined;
    if (req.resourceAccount !== principal.account) {
      details = {};
      for (const type of ['identity', 'resource', 'boundary']) {
        const traces = x.statements.filter((t) => t.ref.policyType === type);
        if (type !== 'identity' && traces.length === 0) continue;
        details[TYPE_LABEL[type]!] = traces.some((t) => t.matched && t.ref.effect === 'Deny')
          ? 'explicitDeny'
          : traces.some((t) => t.matched && t.ref.effect === 'Allow')
            ? 'allowed'
            : 'implicitDeny';
      }
    }
    return {
      decision,
      matched: decision === 'implicitDeny' ? [] : matched,
      missing: x.missingContext,
      ...(boundaryText ? { boundary: { AllowedByPermissionsBoundary: boundaryGate ? boundaryGate.outcome === 'pass' : decision !== 'implicitDeny' } } : {}),
      ...(scps.length ? { orgs: { AllowedByOrganizations: scpGate ? scpGate.outcome !== 'fail' : true } } : {}),
      ...(details ? { details } : {}),
    };
  };

  const out: XmlEvaluationResult[] = [];
  for (const act of actions) {
    const per = resources.map((res) => ({ res, a: one(act, res) }));
    const top = totals(per.map((x) => x.a), resources[0] === '*');
    if (opts.shape === 'legacy') {
      for (const { res } of per) out.push({ EvalActionName: act, EvalResourceName: res, ...top });
      continue;
    }
    out.push({
      EvalActionName: act,
      EvalResourceName: arnTemplate(act, resources[0]!),
      ...top,
      ...(resources[0] === '*'
        ? {}
        : {
            ResourceSpecificResults: per.map(({ res, a }) => ({
              EvalResourceName: res,
              EvalResourceDecision: a.decision,
              MatchedStatements: a.matched,
              MissingContextValues: a.missing,
              ...(a.details ? { EvalDecisionDetails: a.details } : {}),
              ...(a.boundary ? { PermissionsBoundaryDecisionDetail: a.boundary } : {}),
            })),
          }),
    });
  }
  return out;
}

/**
 * The top-level fields: totals over the call's resources (spec §7.3) — the most restrictive
 * decision, the statements behind it, every missing key, each detail false/most restrictive if it
 * is so for any resource. EvalDecisionDetails: per type for cross-account calls; same account,
 * present but empty with resource ARNs, absent with `*`.
 */
function totals(answers: OneAnswer[], star: boolean): Omit<XmlEvaluationResult, 'EvalActionName'> {
  const decision = worst(answers.map((a) => a.decision));
  const seen = new Set<string>();
  const matched = answers
    .filter((a) => a.decision === decision)
    .flatMap((a) => a.matched)
    .filter((m) => {
      const k = `${m.SourcePolicyId}@${m.StartPosition?.Line}:${m.StartPosition?.Column}`;
      return !seen.has(k) && (seen.add(k), true);
    });
  const missing = [...new Set(answers.flatMap((a) => a.missing))].sort();
  const all = (f: (a: OneAnswer) => boolean | undefined) => (answers.some((a) => f(a) === undefined) ? undefined : answers.every((a) => f(a)));
  const orgs = all((a) => a.orgs?.AllowedByOrganizations);
  const boundary = all((a) => a.boundary?.AllowedByPermissionsBoundary);
  const details: Record<string, Decision> = {};
  for (const a of answers) for (const [k, d] of Object.entries(a.details ?? {})) details[k] = worst([details[k] ?? 'allowed', d]);
  const cross = answers.some((a) => a.details);
  return {
    EvalDecision: decision,
    MatchedStatements: matched,
    MissingContextValues: missing,
    ...(orgs !== undefined ? { OrganizationsDecisionDetail: { AllowedByOrganizations: orgs } } : {}),
    ...(boundary !== undefined ? { PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: boundary } } : {}),
    ...(cross ? { EvalDecisionDetails: details } : star ? {} : { EvalDecisionDetails: {} }),
  };
}

/**
 * The default handler: engine answers, paginated by MaxItems (or opts.pageSize) with an offset
 * Marker; the read APIs from opts.account.
 */
export function engineHandler(opts: EngineOptions = {}): Handler {
  return (req) => {
    const simulate = req.action === 'SimulateCustomPolicy' || req.action === 'SimulatePrincipalPolicy';
    try {
      if (!simulate) return { status: 200, xml: readXml(req.action, readResult(opts.account ?? {}, req, opts.pageSize)) };
      const results = engineResults(req.action, req.params, opts);
      const max = Math.min(Number(req.params.get('MaxItems') ?? 100), opts.pageSize ?? Infinity);
      const offset = Number(req.params.get('Marker') ?? 0);
      const page = results.slice(offset, offset + max);
      const more = offset + max < results.length;
      return { status: 200, xml: simulateXml(req.action, page, more ? { isTruncated: true, marker: String(offset + max) } : {}) };
    } catch (e) {
      if (e instanceof NoSuchEntity) return ERRORS.noSuchEntity(e.message);
      return ERRORS.invalidInput((e as Error).message);
    }
  };
}

// ---------------------------------------------------------------------------------------------
// the server

export class FakeIam {
  readonly requests: ReceivedRequest[] = [];
  handler: Handler;
  private constructor(
    private readonly server: http.Server,
    readonly port: number,
    handler: Handler,
  ) {
    this.handler = handler;
  }

  static async start(handler: Handler = engineHandler()): Promise<FakeIam> {
    let self: FakeIam | undefined;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const params = parseForm(body);
        const received: ReceivedRequest = { action: params.get('Action') ?? '', params, body, headers: req.headers };
        self!.requests.push(received);
        Promise.resolve(self!.handler(received, self!.requests.length))
          .then((reply) => {
            res.writeHead(reply.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId() });
            res.end(reply.xml);
          })
          .catch((e: unknown) => {
            res.writeHead(500, { 'content-type': 'text/xml' });
            res.end(errorXml('ServiceFailure', String(e), 'Receiver'));
          });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    self = new FakeIam(server, (server.address() as AddressInfo).port, handler);
    return self;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Simulate* requests received so far. */
  simulations(): ReceivedRequest[] {
    return this.requests.filter((r) => r.action.startsWith('Simulate'));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.closeAllConnections?.();
      this.server.close(() => resolve());
    });
  }
}
