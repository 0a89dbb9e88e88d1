// A loopback stand-in for IAM's Query API (node:http on 127.0.0.1, ephemeral port), for tests of
// the simulator adapter through the real @aws-sdk/client-iam client. It parses form-encoded
// bodies (Action=SimulateCustomPolicy&Version=2010-05-08&PolicyInputList.member.1=…) and answers
// with IAM's XML: <SimulateCustomPolicyResponse><SimulateCustomPolicyResult>…, errors as
// <ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>…
//
// By default it answers simulations with the local engine (so batching, pagination and recording
// can be exercised on any suite); tests replace the handler to serve documented sample responses,
// throttle, or fail.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { compilePolicy, type CompiledPolicy } from '../../src/engine/compile.ts';
import { compilePolicySet, evaluate, explain } from '../../src/engine/decide.ts';
import { makeRequest, parsePrincipal, type ContextType, type ContextValue } from '../../src/engine/request.ts';
import type { Decision } from '../../src/engine/types.ts';

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
// an engine-backed simulator (the default handler)

export interface EngineOptions {
  /** 2026: one result per action with ResourceSpecificResults; legacy: one per action × resource. */
  shape?: '2026' | 'legacy';
  /** Force short pages (results per page), regardless of MaxItems. */
  pageSize?: number;
  /** SimulatePrincipalPolicy: the attached policy texts of each principal ARN, by policy name. */
  accountPolicies?: Record<string, Record<string, string>>;
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

/** Evaluates a Simulate* request with the local engine and returns its EvaluationResults. */
export function engineResults(action: string, p: Params, opts: EngineOptions = {}): XmlEvaluationResult[] {
  const identity: CompiledPolicy[] = [];
  if (action === 'SimulatePrincipalPolicy') {
    const source = p.get('PolicySourceArn')!;
    const attached = opts.accountPolicies?.[source];
    if (!attached) throw Object.assign(new Error(`The user with name ${source} cannot be found.`), { code: 'NoSuchEntity' });
    for (const [name, text] of Object.entries(attached)) identity.push(compilePolicy(text, { name, type: 'identity' }));
  }
  members(p, 'PolicyInputList').forEach((text, i) => identity.push(compilePolicy(text, { name: `PolicyInputList.${i + 1}`, type: 'identity' })));
  const boundaryText = members(p, 'PermissionsBoundaryPolicyInputList')[0];
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

  const one = (act: string, res: string) => {
    const req = makeRequest({ principal, action: act, resource: res, ...(ownerAccount ? { resourceAccount: ownerAccount } : {}), context });
    const r = evaluate(req, set);
    const x = explain(req, set);
    const decision = opts.tamper ? opts.tamper(act, res, r.decision) : r.decision;
    const matched: XmlStatement[] = r.decidedBy
      .filter((ref) => ref.policyType !== 'scp' && ref.policyType !== 'rcp')
      .map((ref) => ({
        SourcePolicyId: ref.policy,
        SourcePolicyType: TYPE_LABEL[ref.policyType] ?? ref.policyType,
        StartPosition: { Line: ref.span.start.line, Column: ref.span.start.column },
        EndPosition: { Line: ref.span.end.line, Column: ref.span.end.column },
      }));
    const boundaryGate = x.gates.find((g) => g.gate === 'boundary');
    const scpGate = x.gates.find((g) => g.gate === 'scp');
    return {
      decision,
      matched: decision === 'implicitDeny' ? [] : matched,
      missing: x.missingContext,
      boundary: boundaryText ? { AllowedByPermissionsBoundary: boundaryGate ? boundaryGate.outcome === 'pass' : decision !== 'implicitDeny' } : undefined,
      orgs: scps.length ? { AllowedByOrganizations: scpGate ? scpGate.outcome !== 'fail' : true } : undefined,
    };
  };

  const out: XmlEvaluationResult[] = [];
  for (const act of actions) {
    if (opts.shape === 'legacy' || (resources.length === 1 && resources[0] === '*')) {
      for (const res of resources) {
        const a = one(act, res);
        out.push({
          EvalActionName: act,
          EvalResourceName: res,
          EvalDecision: a.decision,
          MatchedStatements: a.matched,
          MissingContextValues: a.missing,
          ...(a.orgs ? { OrganizationsDecisionDetail: a.orgs } : {}),
          ...(a.boundary ? { PermissionsBoundaryDecisionDetail: a.boundary } : {}),
          ...(res !== '*' ? { EvalDecisionDetails: {} } : {}),
        });
      }
      continue;
    }
    const per = resources.map((res) => ({ res, a: one(act, res) }));
    const worst = per.reduce((w, x) => (RANK[x.a.decision] > RANK[w] ? x.a.decision : w), 'allowed' as Decision);
    out.push({
      EvalActionName: act,
      EvalResourceName: resources.length === 1 ? resources[0]! : '*',
      EvalDecision: worst,
      MatchedStatements: [],
      MissingContextValues: [],
      ...(per[0]!.a.orgs ? { OrganizationsDecisionDetail: per[0]!.a.orgs } : {}),
      EvalDecisionDetails: {},
      ResourceSpecificResults: per.map(({ res, a }) => ({
        EvalResourceName: res,
        EvalResourceDecision: a.decision,
        MatchedStatements: a.matched,
        MissingContextValues: a.missing,
        EvalDecisionDetails: {},
        ...(a.boundary ? { PermissionsBoundaryDecisionDetail: a.boundary } : {}),
      })),
    });
  }
  return out;
}

/** The default handler: engine answers, paginated by MaxItems (or opts.pageSize) with an offset Marker. */
export function engineHandler(opts: EngineOptions = {}): Handler {
  return (req) => {
    if (req.action !== 'SimulateCustomPolicy' && req.action !== 'SimulatePrincipalPolicy') {
      return ERRORS.invalidInput(`fake IAM does not implement ${req.action}`);
    }
    let results: XmlEvaluationResult[];
    try {
      results = engineResults(req.action, req.params, opts);
    } catch (e) {
      const err = e as Error & { code?: string };
      if (err.code === 'NoSuchEntity') return ERRORS.noSuchEntity(err.message);
      return ERRORS.invalidInput(err.message);
    }
    const max = Math.min(Number(req.params.get('MaxItems') ?? 100), opts.pageSize ?? Infinity);
    const offset = Number(req.params.get('Marker') ?? 0);
    const page = results.slice(offset, offset + max);
    const more = offset + max < results.length;
    return { status: 200, xml: simulateXml(req.action, page, more ? { isTruncated: true, marker: String(offset + max) } : {}) };
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
