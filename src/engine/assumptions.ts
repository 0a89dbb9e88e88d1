// Which recorded assumptions (src/engine/assumption-rules.ts) a decision rests on: a rule is listed
// when reading it the other way would change the decision. Never on the fast path: `evaluate`
// computes this on first access of `result.assumptions`, and a policy set whose statements can
// exercise no rule, for a request that triggers no gate-level rule, answers at once.
//
// The check is counterfactual: every statement whose Action matches is matched under our readings;
// for each rule a statement's Resource, Principal or Condition exercised, the statement is matched
// under the rule's alternative, and when that flips it, the decision is concluded again with the
// flipped statement (src/engine/decide.ts `conclude`). Gate-level rules are concluded again with
// the gate read the other way (`Alternatives`).

import type { AssumptionId } from './assumption-rules.ts';
import { resourceMatches, type CompiledStatement } from './compile.ts';
import {
  applicability,
  conclude,
  newScan,
  principalMatch,
  resourcePolicyRequired,
  type Alternatives,
  type Applicability,
  type PolicySet,
  type Scan,
} from './decide.ts';
import { stronger, type PrincipalMatch } from './principal.ts';
import type { Request } from './request.ts';
import type { Decision } from './types.ts';

type Group = 'identity' | 'boundary' | 'session' | 'resource' | 'endpoint' | 'scp' | 'rcp';

/** A statement whose Action matches the request, where it sits, and how it matched ('none': not). */
interface Item {
  s: CompiledStatement;
  group: Group;
  level: number;
  match: PrincipalMatch;
}

const NONE: AssumptionId[] = Object.freeze([]) as unknown as AssumptionId[];

function items(req: Request, set: PolicySet, app: Applicability): Item[] {
  const out: Item[] = [];
  const p = req.principal;
  const add = (list: readonly CompiledStatement[], group: Group, level = 0): void => {
    for (const s of list) {
      let match: PrincipalMatch = 'none';
      if (resourceMatches(s, req)) {
        const m = group === 'resource' || group === 'endpoint' ? principalMatch(s, p, app.boundary) : 'direct';
        if (m !== 'none' && (s.condition === null || s.condition.test(req.context))) match = m;
      }
      out.push({ s, group, level, match });
    }
  };
  const m = (idx: { matching(a: string, svc: string): readonly CompiledStatement[] }) => idx.matching(req.actionLower, req.service);
  if (app.identity) add(m(set.identity), 'identity');
  if (app.boundary) add(m(set.boundary!), 'boundary');
  if (app.session && set.session) add(m(set.session), 'session');
  if (set.resource) add(m(set.resource), 'resource');
  if (set.endpoint) add(m(set.endpoint), 'endpoint');
  if (app.scp) set.scps.forEach((l, i) => add(m(l), 'scp', i));
  if (app.rcp) set.rcps.forEach((l, i) => add(m(l), 'rcp', i));
  return out;
}

/** The scan of src/engine/decide.ts, built from matched items (with one item's match replaced). */
function scanOf(list: readonly Item[], set: PolicySet, app: Applicability, flip?: { item: Item; match: PrincipalMatch }): Scan {
  const scan = newScan();
  if (app.scp) for (let i = 0; i < set.scps.length; i++) scan.scpAllows.push([]);
  if (app.rcp) for (let i = 0; i < set.rcps.length; i++) scan.rcpAllows.push([]);
  for (const it of list) {
    const match = flip && flip.item === it ? flip.match : it.match;
    if (match === 'none') continue;
    if (it.s.deny) {
      scan.denies.push(it.s);
      continue;
    }
    switch (it.group) {
      case 'identity':
        scan.identityAllows.push(it.s);
        break;
      case 'boundary':
        scan.boundaryAllows.push(it.s);
        break;
      case 'session':
        scan.sessionAllows.push(it.s);
        break;
      case 'resource':
        scan.resourceAllows.push(it.s);
        scan.rbp = stronger(scan.rbp, match);
        break;
      case 'endpoint':
        (scan.endpointAllows ??= []).push(it.s);
        break;
      case 'scp':
        scan.scpAllows[it.level]!.push(it.s);
        break;
      case 'rcp':
        scan.rcpAllows[it.level]!.push(it.s);
        break;
    }
  }
  return scan;
}

/** The statement's match under each rule's alternative that changes it. */
function statementAlternatives(it: Item, req: Request, app: Applicability): [AssumptionId, PrincipalMatch][] {
  const { s } = it;
  const p = req.principal;
  const out: [AssumptionId, PrincipalMatch][] = [];
  const anonymous = p.kind === 'anonymous';
  const resOk = resourceMatches(s, req);
  const pm = it.group === 'resource' || it.group === 'endpoint' ? principalMatch(s, p, app.boundary) : 'direct';
  const condOk = s.condition === null || s.condition.test(req.context);
  const combine = (r: boolean, m: PrincipalMatch, c: boolean): PrincipalMatch => (r && c ? m : 'none');
  if (s.resource !== null) {
    if (s.notResource && it.match !== 'none' && s.resource.unresolved(req)) out.push(['notresource-unresolved-variable', 'none']);
    if (s.resource.mayAssume(req)) {
      for (const [id, raw] of s.resource.alternatives(req, s.notResource)) out.push([id, combine(raw !== s.notResource, pm, condOk)]);
    }
  }
  // An endpoint policy naming the account: for gateway endpoints AWS documents the root user only.
  if (it.group === 'endpoint' && it.match === 'account' && p.kind !== 'root') out.push(['vpce-account-principal', 'none']);
  // NotPrincipal: listing the caller itself would be enough to exclude it (not the boundary trap).
  if (s.notPrincipal && s.principal !== null && !app.boundary && pm !== 'none' && s.principal.namesCaller(p)) {
    out.push(['notprincipal-every-link', 'none']);
  }
  if (s.condition !== null && s.condition.mayAssume(req.context, anonymous)) {
    for (const [id, holds] of s.condition.alternatives(req.context, anonymous)) out.push([id, combine(resOk, pm, holds)]);
  }
  return out;
}

/** Could a statement of `list` exercise a recorded rule for this request? Allocates nothing. */
function statementsMayAssume(list: readonly CompiledStatement[], req: Request): boolean {
  const anonymous = req.principal.kind === 'anonymous';
  for (let i = 0; i < list.length; i++) {
    const s = list[i]!;
    if (s.resource !== null && s.resource.mayAssume(req)) return true;
    if (s.condition !== null && s.condition.mayAssume(req.context, anonymous)) return true;
  }
  return false;
}

/** Could anything be recorded for this request? The quick answer for most decisions. */
function mayAssume(req: Request, set: PolicySet, app: Applicability): boolean {
  const p = req.principal;
  if (req.ruling !== null && req.ruling.outcome === 'refused') return true;
  if (p.kind === 'federated-user' && set.session === null) return true;
  if (p.kind === 'anonymous' && app.rcp) return true;
  if (app.boundary && !set.boundaryHasAllow) return true;
  const a = req.actionLower;
  const svc = req.service;
  if (app.identity && statementsMayAssume(set.identity.matching(a, svc), req)) return true;
  if (app.boundary && statementsMayAssume(set.boundary!.matching(a, svc), req)) return true;
  if (app.session && set.session && statementsMayAssume(set.session.matching(a, svc), req)) return true;
  // Resource and endpoint policies: account grants, NotPrincipal links and session grants are checked whenever one applies.
  if (set.resource && set.resource.matching(a, svc).length > 0) return true;
  if (set.endpoint && set.endpoint.matching(a, svc).length > 0) return true;
  if (app.scp && set.scps.some((l) => statementsMayAssume(l.matching(a, svc), req))) return true;
  return app.rcp && set.rcps.some((l) => statementsMayAssume(l.matching(a, svc), req));
}

/** The recorded assumptions the decision of `req` under `set` rests on, sorted by id. */
export function assumptionsOf(req: Request, set: PolicySet): AssumptionId[] {
  const app = applicability(req, set);
  if (!mayAssume(req, set, app)) return NONE;
  const list = items(req, set, app);
  const base = scanOf(list, set, app);
  const ours: Decision = conclude(req, set, app, base, null).decision;
  const found = new Set<AssumptionId>();
  const differs = (scan: Scan, alt: Alternatives = {}, a: Applicability = app): boolean => conclude(req, set, a, scan, null, alt).decision !== ours;

  // gate-level readings
  const p = req.principal;
  if (req.ruling !== null && req.ruling.outcome === 'refused' && differs(base, { refusalIgnored: true })) found.add('refusal-decision-word');
  if (p.kind === 'federated-user' && set.session === null && differs(base, { federatedSessionAllows: true })) found.add('federated-session-without-policy');
  if (app.boundary && !set.boundaryHasAllow && differs(base, { boundaryPasses: true })) found.add('boundary-without-allow');
  if (base.rbp === 'account' && resourcePolicyRequired(req) === null && differs(base, { accountGrants: true })) found.add('rbp-account-delegates');
  if (base.rbp === 'direct' && app.boundary && sessionGrantOnly(list, req) && differs(base, { sessionGrantBounded: true })) {
    found.add('rbp-session-arn-boundary');
  }
  if (p.kind === 'anonymous' && app.rcp) {
    const withoutRcps = { ...app, rcp: false };
    if (differs(scanOf(list.filter((it) => it.group !== 'rcp'), set, withoutRcps), {}, withoutRcps)) found.add('anonymous-rcp');
  }
  // statement-level readings
  for (const it of list) {
    for (const [id, match] of statementAlternatives(it, req, app)) {
      if (found.has(id) || (match === 'none') === (it.match === 'none')) continue;
      if (differs(scanOf(list, set, app, { item: it, match }))) found.add(id);
    }
  }
  return found.size === 0 ? NONE : [...found].sort();
}

/** Every direct resource-policy grant names the caller's session ARN (not "*", not otherwise). */
function sessionGrantOnly(list: readonly Item[], req: Request): boolean {
  const p = req.principal;
  const direct = list.filter((it) => it.group === 'resource' && !it.s.deny && it.match === 'direct');
  return direct.length > 0 && direct.every((it) => it.s.principal !== null && !it.s.notPrincipal && it.s.principal.namesSession(p) && it.s.principal.values.every((v) => v !== 'AWS:*' && v !== '*'));
}
