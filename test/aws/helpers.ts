// Builds Suite objects by hand (the model the loader produces), and IAM clients for the loopback server.

import { IAMClient } from '@aws-sdk/client-iam';
import type { ContextValue } from '../../src/engine/request.ts';
import { AUTO_POPULATED, planCase } from '../../src/aws/mapping.ts';
import type { Suite } from '../../src/scenario/model.ts';
import { buildSuite, type CaseSpec, type SuiteSpec } from '../scenario/build-suite.ts';
import { caseRequest, resolverFor } from '../../src/scenario/resolve.ts';

export { bool as b, date, ip, num as n, strList as sl } from '../engine/helpers.ts';
export const s = (v: string): ContextValue => ({ type: 'string', list: false, values: [v] });

export type CaseDef = CaseSpec;
export type PrincipalDef = SuiteSpec['principals'][string];
export type SuiteDef = Omit<SuiteSpec, 'policyFiles' | 'properties' | 'policies'> & { policies: Record<string, unknown> };

/** A Suite as the loader would build it, with file policies (the simulator gets their exact text). */
export function makeSuite(def: SuiteDef): Suite {
  return buildSuite({ file: '/tmp/iamspec-test/suite.yaml', ...def, policyFiles: true });
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
