// Does a case depend on a policy or group? What the deploy gate (stacks/gate.ts) asks before it
// deploys one: being attached to a principal some case uses proves nothing; a case depends on an
// item when
//   - its deciding statements (decidedBy: the matching Deny statements of an explicit deny, the
//     matching Allow statements of an allow) include a statement of the item, or
//   - removing the item from the suite (ablation) changes the case's decision.
// Both are worked out by the engine, so SCPs and RCPs count only where the engine applies them
// (never to the management account, service-linked roles, accounts outside the organization,
// anonymous callers, or services RCPs do not cover: decide.ts `applicability`).
//
// Items are the deployable kinds of stacks/model.ts, keyed `kind:name`: `policy` (an identity
// policy or permissions boundary), `group`, `scp`, `rcp`.

import { applicability } from '../engine/decide.ts';
import { evaluate } from '../engine/evaluate.ts';
import { refName, type Decision } from '../engine/types.ts';
import type { Case, Suite, SuiteOrganization } from '../scenario/model.ts';
import { resolverFor } from '../scenario/resolve.ts';

export type ItemKind = 'policy' | 'group' | 'scp' | 'rcp';

export const itemKey = (kind: ItemKind, name: string): string => `${kind}:${name}`;

function parseKey(key: string): { kind: ItemKind; name: string } {
  const i = key.indexOf(':');
  return { kind: key.slice(0, i) as ItemKind, name: key.slice(i + 1) };
}

/**
 * The items a case involves: the principal's groups and their policies, its own policies and its
 * boundary where the engine applies identity policies and boundaries to the request, and the
 * suite's SCPs / RCPs where it applies those.
 */
export function caseItems(suite: Suite, c: Case): string[] {
  const { request, set } = resolverFor(suite).resolve(c);
  const app = applicability(request, set);
  const keys = new Set<string>();
  const p = suite.principals.get(c.principal);
  if (p && app.identity) {
    for (const g of p.groups) {
      keys.add(itemKey('group', g));
      for (const name of suite.groups.get(g)?.policies ?? []) keys.add(itemKey('policy', name));
    }
    for (const name of p.policies) keys.add(itemKey('policy', name));
  }
  if (p?.boundary && app.boundary) keys.add(itemKey('policy', p.boundary));
  const org = suite.organization;
  if (org && app.scp) for (const name of org.scps.flat()) keys.add(itemKey('scp', name));
  if (org && app.rcp) for (const name of org.rcps.flat()) keys.add(itemKey('rcp', name));
  return [...keys];
}

/**
 * The items whose statements are among the case's deciding statements, each with those statements
 * (`policy#Sid`). An identity policy's statement also names the principal's groups that hold it.
 */
export function decidingItems(suite: Suite, c: Case): Map<string, string[]> {
  const { request, set } = resolverFor(suite).resolve(c);
  const out = new Map<string, string[]>();
  const add = (key: string, ref: string) => {
    const list = out.get(key);
    if (!list) out.set(key, [ref]);
    else if (!list.includes(ref)) list.push(ref);
  };
  const p = suite.principals.get(c.principal);
  for (const ref of evaluate(request, set).decidedBy) {
    const name = refName(ref);
    switch (ref.policyType) {
      case 'identity':
        add(itemKey('policy', ref.policy), name);
        for (const g of p?.groups ?? []) if (suite.groups.get(g)?.policies.includes(ref.policy)) add(itemKey('group', g), name);
        break;
      case 'boundary':
        add(itemKey('policy', ref.policy), name);
        break;
      case 'scp':
      case 'rcp':
        add(itemKey(ref.policyType, ref.policy), name);
        break;
      default: // resource, trust, session and endpoint policies are not deployed items
    }
  }
  return out;
}

/** The case's decision with the item removed from the suite, when it differs from the decision with it; else null. */
export function ablationChange(suite: Suite, c: Case, key: string): { with: Decision; without: Decision } | null {
  const { request, set } = resolverFor(suite).resolve(c);
  const before = evaluate(request, set).decision;
  const without = withoutItem(suite, key);
  const r = resolverFor(without).resolve(c);
  const after = evaluate(r.request, r.set).decision;
  return after === before ? null : { with: before, without: after };
}

// Suites with one item removed, built once per (suite, item): the resolver caches its policy sets
// per suite object, and the policies stay compiled (SuitePolicy.compiled is shared).
const ablated = new WeakMap<Suite, Map<string, Suite>>();

/** The suite as if the item did not exist: a policy leaves every group, principal and boundary; a group every principal; an SCP or RCP every level. */
export function withoutItem(suite: Suite, key: string): Suite {
  let bySuite = ablated.get(suite);
  if (!bySuite) ablated.set(suite, (bySuite = new Map()));
  let s = bySuite.get(key);
  if (s) return s;
  const { kind, name } = parseKey(key);
  const drop = (list: string[]) => list.filter((x) => x !== name);
  s = { ...suite };
  if (kind === 'policy') {
    s.groups = new Map([...suite.groups].map(([k, g]) => [k, { ...g, policies: drop(g.policies) }]));
    s.principals = new Map(
      [...suite.principals].map(([k, p]) => {
        const copy = { ...p, policies: drop(p.policies) };
        if (copy.boundary === name) delete copy.boundary;
        return [k, copy];
      }),
    );
  } else if (kind === 'group') {
    s.principals = new Map([...suite.principals].map(([k, p]) => [k, { ...p, groups: drop(p.groups) }]));
  } else if (suite.organization) {
    const org: SuiteOrganization = { ...suite.organization };
    if (kind === 'scp') org.scps = org.scps.map(drop);
    else org.rcps = org.rcps.map(drop);
    s.organization = org;
  }
  bySuite.set(key, s);
  return s;
}
