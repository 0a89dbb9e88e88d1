// Builds Suite objects by hand (the model the loader produces), and IAM clients for the loopback server.

import { IAMClient } from '@aws-sdk/client-iam';
import type { ContextValue } from '../../src/engine/request.ts';
import { AUTO_POPULATED, planCase } from '../../src/aws/mapping.ts';
import type { Case, Expectation, SourceRef, Suite, SuitePolicy, SuitePrincipal } from '../../src/scenario/model.ts';
import { caseRequest, resolverFor } from '../../src/scenario/resolve.ts';

export const b = (v: boolean): ContextValue => ({ type: 'boolean', list: false, values: [String(v)] });
export const n = (v: number): ContextValue => ({ type: 'numeric', list: false, values: [String(v)] });
export const s = (v: string): ContextValue => ({ type: 'string', list: false, values: [v] });
export const sl = (...v: string[]): ContextValue => ({ type: 'string', list: true, values: v });
export const ip = (v: string): ContextValue => ({ type: 'ip', list: false, values: [v] });
export const date = (v: string): ContextValue => ({ type: 'date', list: false, values: [v] });

export interface CaseDef {
  name: string;
  principal: string;
  action: string | string[];
  resource: string | string[];
  context?: Record<string, ContextValue | null>;
  expect: Expectation;
  decidedBy?: string[];
}

export interface PrincipalDef {
  arn: string;
  groups?: string[];
  policies?: string[];
  boundary?: string;
  session?: string[];
  tags?: Record<string, string>;
  inAccount?: boolean;
}

export interface SuiteDef {
  name?: string;
  /** Absolute path of the (possibly imaginary) YAML file. */
  file?: string;
  /** name → document (serialised with JSON.stringify(doc, null, 2)) or exact text. */
  policies: Record<string, object | string>;
  groups?: Record<string, string[]>;
  principals: Record<string, PrincipalDef>;
  resources?: { arn: string; owner?: string; policy?: string; tags?: Record<string, string> }[];
  organization?: { scps?: string[][]; rcps?: string[][]; managementAccount?: string; accounts?: string[] };
  context?: Record<string, ContextValue | null>;
  cases: CaseDef[];
}

const at = (file: string, line = 1): SourceRef => ({ file, line, column: 1 });

/** A Suite as the loader would build it (matrix cases expanded, suite context merged). */
export function makeSuite(def: SuiteDef): Suite {
  const file = def.file ?? '/tmp/iamspec-test/suite.yaml';
  const policies = new Map<string, SuitePolicy>();
  for (const [name, doc] of Object.entries(def.policies)) {
    const text = typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2);
    policies.set(name, {
      name,
      document: typeof doc === 'string' ? JSON.parse(doc) : doc,
      text,
      // Give file-like policies a path so the engine compiles the exact text (positions match).
      path: `/tmp/iamspec-test/policies/${name}.json`,
      defined: at(file),
      usedAs: [],
      compiled: new Map(),
    });
  }
  const principals = new Map<string, SuitePrincipal>();
  for (const [name, p] of Object.entries(def.principals)) {
    principals.set(name, {
      name,
      arn: p.arn,
      groups: p.groups ?? [],
      policies: p.policies ?? [],
      ...(p.boundary ? { boundary: p.boundary } : {}),
      ...(p.session ? { session: p.session } : {}),
      tags: p.tags ?? {},
      inAccount: p.inAccount ?? false,
      defined: at(file),
    });
  }
  const cases: Case[] = [];
  def.cases.forEach((c, i) => {
    const actions = Array.isArray(c.action) ? c.action : [c.action];
    const resources = Array.isArray(c.resource) ? c.resource : [c.resource];
    const matrix = actions.length * resources.length > 1;
    for (const action of actions) {
      for (const resource of resources) {
        cases.push({
          name: matrix ? `${c.name} [${action} @ ${resource}]` : c.name,
          baseName: c.name,
          principal: c.principal,
          action,
          resource,
          context: { ...(def.context ?? {}), ...(c.context ?? {}) },
          expect: c.expect,
          ...(c.decidedBy ? { decidedBy: c.decidedBy } : {}),
          defined: at(file, 10 + i),
        });
      }
    }
  });
  return {
    file,
    name: def.name ?? 'test suite',
    policies,
    groups: new Map(Object.entries(def.groups ?? {}).map(([name, ps]) => [name, { name, policies: ps, defined: at(file) }])),
    principals,
    resources: (def.resources ?? []).map((r) => ({ arn: r.arn, ...(r.owner ? { owner: r.owner } : {}), ...(r.policy ? { policy: r.policy } : {}), tags: r.tags ?? {}, defined: at(file) })),
    ...(def.organization
      ? {
          organization: {
            scps: def.organization.scps ?? [],
            rcps: def.organization.rcps ?? [],
            ...(def.organization.managementAccount ? { managementAccount: def.organization.managementAccount } : {}),
            ...(def.organization.accounts ? { accounts: def.organization.accounts } : {}),
            defined: at(file),
          },
        }
      : {}),
    context: def.context ?? {},
    cases,
    properties: [],
  };
}

/** The real SDK client, pointed at the loopback server, with static test credentials. */
export function loopbackClient(endpoint: string): IAMClient {
  return new IAMClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
}

/** A fake clock for backoff: records the delays instead of waiting. */
export function fakeClock() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms), random: () => 0.5 };
}

/**
 * What the simulator would be missing for this case, that the local engine has:
 *  - `not sent: k` — a key of the engine's request context (the case's, the suite's, or derived from
 *    the principal and resource) that is neither sent nor filled by the simulator from CallerArn;
 *  - `k` — a key an applicable identity, boundary or resource-policy statement reads for this
 *    action that the request lacks, unless the case removes it on purpose (`null`). SCP statements
 *    are left out: the simulator never reports their keys missing (spec §7.3, §7.5).
 */
export function uncovered(suite: Suite, i: number): string[] {
  const c = suite.cases[i]!;
  const plan = planCase(suite, c);
  const sent = new Set(plan.inputs!.context.map((e) => e.name.toLowerCase()));
  const absent = new Set(Object.entries(c.context).filter(([, v]) => v === null).map(([k]) => k.toLowerCase()));
  const { request } = caseRequest(suite, c);
  const out = new Set<string>();
  for (const k of request.context.keys()) if (!sent.has(k) && !AUTO_POPULATED.has(k)) out.add(`not sent: ${k}`);
  const r = resolverFor(suite);
  const set = r.set(c.principal, r.resourceIndex(c.resource));
  for (const { type, policy } of set.policies) {
    if (type === 'rcp' || type === 'scp') continue;
    for (const st of policy.statements) {
      if (st.action.test(request.actionLower) === st.notAction) continue; // the statement is not about this action
      for (const k of st.keys) if (!sent.has(k) && !AUTO_POPULATED.has(k) && !absent.has(k)) out.add(k);
    }
  }
  return [...out];
}
