// The invariants of the evaluator, each a fast-check property over an `Engine` (the real one, or a
// mutated copy in mutations.test.ts). invariants.test.ts asserts them on the real engine;
// mutations.test.ts asserts each one finds a counterexample against the engine variants it targets.

import fc from 'fast-check';
import type { ContextValue, Decision, Request } from '../../src/engine/index.ts';
import { BASE_OPERATORS, type BaseOperator } from '../../src/policy/operators.ts';
import {
  A,
  KEYS,
  condEntryArb,
  endpointScenarioArb,
  mapWorld,
  prng,
  recase,
  requestArb,
  scenarioArb,
  shuffle,
  statementArb,
  statementsOf,
  uniqueSids,
  valuePool,
  worldArb,
  type DocType,
  type Json,
  type KeySpec,
  type Req,
  type Scenario,
} from './arbitraries.ts';
import { compileWorld, decide, denied, realEngine, stats, type Engine, type Outcome } from './harness.ts';
import { applicability, awsRule, refGlob, refGlobString, referenceDecide, type PChar, type PolicyDoc, type World } from './reference.ts';

export interface Invariant<T = unknown> {
  id: string;
  /** One line for the report. */
  title: string;
  /** Runs in `npm test`; `IAMSPEC_PROPS_RUNS` scales it. */
  runs: number;
  property(engine: Engine): fc.IProperty<[T]>;
}

const BATCH = 16;

/** Requests are built with the real makeRequest, whatever the engine, so the reference sees the same. */
function realRequest(req: Req): Request {
  return realEngine.api.makeRequest(req);
}

/** Asserts with a message fast-check prints next to the counterexample. */
function check(ok: boolean, message: () => string): void {
  if (!ok) throw new Error(message());
}

const show = (o: Outcome): string => `${o.decision} [${o.decidedBy.join(', ')}]`;

// ---------------------------------------------------------------------------------------------
// Adding statements and policies

const TYPES: readonly DocType[] = ['identity', 'boundary', 'session', 'resource', 'scp', 'rcp'];

interface Placement {
  type: DocType;
  /** Which existing policy (or level) to put it in. */
  pick: number;
  /** Where among the policy's statements. */
  position: number;
  /** In a new policy of that type instead (a new level for SCPs/RCPs when `pick` is odd). */
  fresh: boolean;
}

const placementArb = (types: readonly DocType[] = TYPES): fc.Arbitrary<Placement> =>
  fc.record({ type: fc.constantFrom(...types), pick: fc.nat(), position: fc.nat(), fresh: fc.boolean() });

function insertInto(p: PolicyDoc, stmt: Json, position: number): { policy: PolicyDoc; index: number } {
  const st = statementsOf(p.doc);
  const index = position % (st.length + 1);
  const next = uniqueSids([...st.slice(0, index), stmt, ...st.slice(index)]);
  return { policy: { ...p, doc: { ...p.doc, Statement: next } }, index };
}

function freshPolicy(name: string, type: DocType, stmt: Json): PolicyDoc {
  return { name, type, doc: { Version: '2012-10-17', Statement: [stmt] } };
}

/** The world with `stmt` added where the placement says; returns the statement's `policy#index`. */
export function addStatement(w: World, at: Placement, stmt: Json): { world: World; id: string } {
  const out: World = { ...w, identity: [...w.identity], session: w.session ? [...w.session] : null, scps: w.scps.map((l) => [...l]), rcps: w.rcps.map((l) => [...l]) };
  const put = (list: PolicyDoc[], name: string): string => {
    if (at.fresh || list.length === 0) {
      list.push(freshPolicy(name, at.type, stmt));
      return `${name}#0`;
    }
    const k = at.pick % list.length;
    const r = insertInto(list[k]!, stmt, at.position);
    list[k] = r.policy;
    return `${r.policy.name}#${r.index}`;
  };
  let id: string;
  switch (at.type) {
    case 'identity':
      id = put(out.identity, 'added');
      break;
    case 'session':
      out.session ??= [];
      id = put(out.session, 'added_session');
      break;
    case 'boundary':
    case 'resource':
    case 'endpoint': {
      const field = at.type;
      const cur = out[field];
      if (!cur) {
        out[field] = freshPolicy(field === 'boundary' ? 'boundary' : field === 'resource' ? 'rbp' : 'vpce', at.type, stmt);
        id = `${out[field]!.name}#0`;
      } else {
        const r = insertInto(cur, stmt, at.position);
        out[field] = r.policy;
        id = `${r.policy.name}#${r.index}`;
      }
      break;
    }
    case 'scp':
    case 'rcp': {
      const levels = at.type === 'scp' ? out.scps : out.rcps;
      if (levels.length === 0 || (at.fresh && at.pick % 2 === 1)) {
        // A new level holding only this statement's policy: for SCPs that level then needs an
        // Allow of its own, so a Deny-only level is exactly "one more restriction".
        const name = `added_${at.type}${levels.length}`;
        levels.push([freshPolicy(name, at.type, stmt)]);
        id = `${name}#0`;
      } else {
        const l = at.pick % levels.length;
        id = put(levels[l]!, `added_${at.type}${l}_${levels[l]!.length}`);
      }
      break;
    }
  }
  return { world: out, id };
}

/** Decides every request of a batch in two worlds (each compiled once). */
function pairs(engine: Engine, before: World, after: World, requests: Req[]): [Req, Outcome, Outcome][] {
  const a = compileWorld(engine, before);
  const b = compileWorld(engine, after);
  return requests.map((r) => [r, decide(engine, a, r), decide(engine, b, r)]);
}

/** A statement that matches the request, valid for the policy type, written in one of several ways. */
function matchingStatementArb(effect: 'Allow' | 'Deny', type: DocType, req: Req): fc.Arbitrary<Json> {
  // The only Allow an RCP may hold is RCPFullAWSAccess (spec §1.1 step 3); it matches everything.
  if (type === 'rcp' && effect === 'Allow') return statementArb('rcp', { effect: 'Allow' });
  const service = req.action.split(':')[0]!;
  return fc
    .record({
      action: fc.constantFrom<unknown>(req.action, req.action.toUpperCase(), '*', `${service}:*`, [`${service}:NoSuchAction`, req.action]),
      notAction: fc.boolean(),
      resource: fc.constantFrom<unknown>('*', req.resource, ['arn:aws:s3:::elsewhere', req.resource]),
      notResource: fc.boolean(),
      condition: fc.constantFrom('none', 'null', 'like'),
      sid: fc.boolean(),
    })
    .map((r) => {
      const s: Json = r.sid ? { Sid: `Added${effect}`, Effect: effect } : { Effect: effect };
      if (type === 'resource' || type === 'rcp') s.Principal = '*';
      // NotAction of an action that is not the request's matches it (spec §3.1).
      if (r.notAction) s.NotAction = `${service === 'zz' ? 'yy' : 'zz'}:Other`;
      else s.Action = r.action;
      if (r.notResource) s.NotResource = 'arn:aws:s3:::elsewhere/*';
      else s.Resource = r.resource;
      // A condition that holds for this request: a key that is absent (Null true), or present
      // with any single value (StringLikeIfExists "*" is true when absent too).
      if (r.condition === 'null') s.Condition = { Null: { 'iamspec:NoSuchKey': 'true' } };
      if (r.condition === 'like') s.Condition = { StringLikeIfExists: { 'aws:RequestTag/env': '*' } };
      return s;
    });
}

export const denyWins: Invariant<{ world: World; req: Req; at: Placement; stmt: Json }> = {
  id: 'deny-wins',
  title: 'a matching Deny in a policy of any type gives explicitDeny (and is among decidedBy) — except for an action that needs no permission, which AWS allows whatever the policies say (§1.9)',
  runs: 150,
  property: (engine) =>
    fc.property(
      fc
        .record({ world: worldArb(), req: requestArb(), at: placementArb(), typePick: fc.nat() })
        .chain(({ world, req, at, typePick }) => {
          // Only policy types that apply to this caller and resource (spec §1.1, §1.4, §1.5).
          const r = realRequest(req);
          const withLevels: World = { ...world, scps: world.scps.length ? world.scps : [[]], rcps: world.rcps.length ? world.rcps : [[]] };
          const app = applicability(withLevels, r);
          // A resource policy applies to everyone (Principal "*"); a boundary to every IAM caller
          // (one is created when the world has none).
          const applies: Record<DocType, boolean> = { identity: app.identity, boundary: app.identity, session: app.session, resource: true, endpoint: false, scp: app.scp, rcp: app.rcp };
          const types = TYPES.filter((t) => applies[t]);
          const type = types[typePick % types.length]!;
          return matchingStatementArb('Deny', type, req).map((stmt) => ({ world, req, at: { ...at, type }, stmt }));
        }),
      ({ world, req, at, stmt }) => {
        const { world: after, id } = addStatement(world, at, stmt);
        const o = decide(engine, compileWorld(engine, after), req);
        if (awsRule(realRequest(req)) === 'allowed') {
          check(o.decision === 'allowed', () => `${req.action} needs no permission (§1.9): expected allowed despite ${id}, got ${show(o)}`);
          return;
        }
        check(o.decision === 'explicitDeny' && o.decidedBy.includes(id), () => `expected explicitDeny by ${id}, got ${show(o)}`);
      },
    ),
};

export const denyNeverAllows: Invariant<{ sc: Scenario; at: Placement; stmt: Json }> = {
  id: 'deny-monotone',
  title: 'adding any Deny statement never turns a denied request into allowed (and keeps explicitDeny)',
  runs: 60,
  property: (engine) =>
    fc.property(
      fc
        .record({ sc: scenarioArb(BATCH), at: placementArb() })
        .chain(({ sc, at }) => statementArb(at.type, { effect: 'Deny' }).map((stmt) => ({ sc, at, stmt }))),
      ({ sc, at, stmt }) => {
        const after = addStatement(sc.world, at, stmt).world;
        for (const [req, a, b] of pairs(engine, sc.world, after, sc.requests)) {
          check(!(denied(a.decision) && b.decision === 'allowed'), () => `${req.action}: ${show(a)} became ${show(b)}`);
          check(a.decision !== 'explicitDeny' || b.decision === 'explicitDeny', () => `${req.action}: explicitDeny became ${show(b)}`);
        }
      },
    ),
};

export const allowKeepsExplicitDeny: Invariant<{ sc: Scenario; at: Placement; stmt: Json }> = {
  id: 'allow-keeps-deny',
  title: 'adding any Allow statement (random, or one that matches a request) never removes an explicitDeny',
  runs: 60,
  property: (engine) =>
    fc.property(
      fc
        .record({ sc: scenarioArb(BATCH), at: placementArb(), pick: fc.nat(), matching: fc.boolean() })
        // Random Allows rarely match the requests; half the time the Allow matches one of them, so
        // an engine where a matching Allow can hide a matching Deny is caught.
        .chain(({ sc, at, pick, matching }) =>
          (matching ? matchingStatementArb('Allow', at.type, sc.requests[pick % sc.requests.length]!) : statementArb(at.type, { effect: 'Allow' })).map((stmt) => ({ sc, at, stmt })),
        ),
      ({ sc, at, stmt }) => {
        const after = addStatement(sc.world, at, stmt).world;
        for (const [req, a, b] of pairs(engine, sc.world, after, sc.requests)) {
          check(a.decision !== 'explicitDeny' || b.decision === 'explicitDeny', () => `${req.action}: explicitDeny became ${show(b)}`);
        }
      },
    ),
};

export const identityAllowMonotone: Invariant<{ sc: Scenario; at: Placement; stmts: Json[] }> = {
  id: 'identity-allow-monotone',
  title: 'adding Allow statements to identity policies never turns allowed into a deny',
  runs: 60,
  property: (engine) =>
    fc.property(
      fc
        .record({ sc: scenarioArb(BATCH), at: placementArb(['identity']) })
        .chain(({ sc, at }) => fc.array(statementArb('identity', { effect: 'Allow' }), { minLength: 1, maxLength: 3 }).map((stmts) => ({ sc, at, stmts }))),
      ({ sc, at, stmts }) => {
        let after = sc.world;
        for (const s of stmts) after = addStatement(after, at, s).world;
        for (const [req, a, b] of pairs(engine, sc.world, after, sc.requests)) {
          check(a.decision !== 'allowed' || b.decision === 'allowed', () => `${req.action}: allowed became ${show(b)}`);
        }
      },
    ),
};

// ---------------------------------------------------------------------------------------------
// Ceilings

type Ceiling = 'boundary' | 'session' | 'scp-level' | 'rcp-level' | 'rcp-policy';

/** The world without one of its ceilings, when it has that ceiling. */
function withoutCeiling(w: World, c: Ceiling, pick: number): World | null {
  switch (c) {
    case 'boundary':
      return w.boundary ? { ...w, boundary: null } : null;
    case 'session':
      return w.session ? { ...w, session: null } : null;
    case 'scp-level':
    case 'rcp-level': {
      const key = c === 'scp-level' ? 'scps' : 'rcps';
      if (w[key].length === 0) return null;
      const k = pick % w[key].length;
      return { ...w, [key]: w[key].filter((_, i) => i !== k) };
    }
    case 'rcp-policy': {
      // RCPs: every level implicitly holds RCPFullAWSAccess, so even one more policy in an
      // existing level can only add Denies (spec §1.1 step 3).
      const levels = w.rcps.map((l, i) => [i, l] as const).filter(([, l]) => l.length > 1);
      if (levels.length === 0) return null;
      const [i, l] = levels[pick % levels.length]!;
      const rcps = w.rcps.map((x) => [...x]);
      rcps[i] = l.filter((_, k) => k !== pick % l.length);
      return { ...w, rcps };
    }
  }
}

export const ceilingsRestrict: Invariant<{ sc: Scenario; ceiling: Ceiling; pick: number }> = {
  id: 'ceilings-restrict',
  title: 'a boundary, a session policy (role sessions), an SCP level or an RCP only restrict: adding one never turns denied into allowed',
  runs: 80,
  property: (engine) =>
    fc.property(
      fc.record({ sc: scenarioArb(BATCH), ceiling: fc.constantFrom<Ceiling>('boundary', 'session', 'scp-level', 'rcp-level', 'rcp-policy'), pick: fc.nat() }),
      ({ sc, ceiling, pick }) => {
        const before = withoutCeiling(sc.world, ceiling, pick);
        fc.pre(before !== null); // a world without this ceiling checks nothing: draw another
        // A federated-user session without any session policy has no permissions (spec §1.1
        // step 8), so for it "no session policy" is not the unrestricted baseline.
        const requests = ceiling === 'session' ? sc.requests.filter((r) => !r.principal.arn.includes(':federated-user/')) : sc.requests;
        for (const [req, a, b] of pairs(engine, before, sc.world, requests)) {
          check(!(denied(a.decision) && b.decision === 'allowed'), () => `${ceiling}: ${req.principal.arn} ${req.action}: ${show(a)} became ${show(b)}`);
        }
      },
    ),
};

const ALLOW_ALL_SESSION: PolicyDoc = { name: 'allow_all_session', type: 'session', doc: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } };

export const boundaryIsIntersection: Invariant<Scenario> = {
  id: 'boundary-intersection',
  title: 'same account, no resource policy: allowed with a boundary ⇔ allowed without it ∧ the boundary allows',
  runs: 80,
  property: (engine) =>
    fc.property(scenarioArb(BATCH, { resourcePolicy: 'never', boundary: 'always' }, { kinds: ['user', 'role', 'federated-user'], sameAccount: true }), (sc) => {
      const b = sc.world.boundary!;
      const withB = compileWorld(engine, sc.world);
      const withoutB = compileWorld(engine, { ...sc.world, boundary: null });
      // "The boundary allows": the boundary read as the caller's only identity policy.
      const alone = compileWorld(engine, { identity: [{ ...b, type: 'identity' }], boundary: null, session: [ALLOW_ALL_SESSION], resource: null, scps: [], rcps: [] });
      for (const req of sc.requests) {
        const x = decide(engine, withB, req).decision === 'allowed';
        const y = decide(engine, withoutB, req).decision === 'allowed';
        const z = decide(engine, alone, req).decision === 'allowed';
        check(x === (y && z), () => `${req.principal.arn} ${req.action} ${req.resource}: with boundary ${x}, without ${y}, boundary alone ${z}`);
      }
    }),
};

// ---------------------------------------------------------------------------------------------
// Order and case

/** Every statement gets a unique Sid, so deciding statements can be compared across rewrites. */
function stampSids(w: World): World {
  return mapWorld(w, (doc) => {
    const st = statementsOf(doc).map((s, i) => ({ ...s, Sid: `S${i}` }));
    return { ...doc, Statement: Array.isArray(doc.Statement) ? st : st[0] };
  });
}

function shuffleValue(v: unknown, rnd: () => number): unknown {
  return Array.isArray(v) ? shuffle(v, rnd) : v;
}

function shuffleObject(o: Json, rnd: () => number, inner: (v: unknown) => unknown): Json {
  return Object.fromEntries(shuffle(Object.entries(o), rnd).map(([k, v]) => [k, inner(v)]));
}

/** Reorders statements, policies, levels, values, principals, condition blocks and keys. */
function permuteWorld(w: World, rnd: () => number): World {
  const docs = mapWorld(w, (doc) => {
    const st = statementsOf(doc).map((s) => {
      const out = shuffleObject(s, rnd, (v) => shuffleValue(v, rnd));
      if (out.Principal && typeof out.Principal === 'object') out.Principal = shuffleObject(out.Principal as Json, rnd, (v) => shuffleValue(v, rnd));
      if (out.NotPrincipal) out.NotPrincipal = shuffleObject(out.NotPrincipal as Json, rnd, (v) => shuffleValue(v, rnd));
      if (out.Condition) out.Condition = shuffleObject(out.Condition as Json, rnd, (block) => shuffleObject(block as Json, rnd, (v) => shuffleValue(v, rnd)));
      return out;
    });
    return { ...doc, Statement: Array.isArray(doc.Statement) ? shuffle(st, rnd) : st[0] };
  });
  return {
    ...docs,
    identity: shuffle(docs.identity, rnd),
    session: docs.session ? shuffle(docs.session, rnd) : null,
    scps: shuffle(docs.scps.map((l) => shuffle(l, rnd)), rnd),
    rcps: shuffle(docs.rcps.map((l) => shuffle(l, rnd)), rnd),
  };
}

function permuteRequest(r: Req, rnd: () => number): Req {
  const context = Object.fromEntries(
    shuffle(Object.entries(r.context ?? {}), rnd).map(([k, v]) => [k, v && v.list ? { ...v, values: shuffle(v.values, rnd) } : v]),
  );
  return { ...r, context };
}

/** Checks that a rewrite of the world and requests changes neither the decision nor decidedBy. */
function sameDecisions(engine: Engine, sc: Scenario, seed: number, rewrite: (w: World, rnd: () => number) => World, rewriteReq: (r: Req, rnd: () => number) => Req, what: string): void {
  const rnd = prng(seed);
  const world = stampSids(sc.world);
  const before = compileWorld(engine, world);
  const after = compileWorld(engine, rewrite(world, rnd));
  for (const req of sc.requests) {
    const a = decide(engine, before, req);
    const r2 = rewriteReq(req, rnd);
    const b = decide(engine, after, r2);
    check(a.decision === b.decision && a.decidedBySid.join() === b.decidedBySid.join(), () => `${what}: ${req.action} → ${r2.action}: ${a.decision} [${a.decidedBySid}] vs ${b.decision} [${b.decidedBySid}]`);
  }
}

export const orderIrrelevant: Invariant<{ sc: Scenario; seed: number }> = {
  id: 'order-irrelevant',
  title: 'the order of statements, policies, SCP/RCP levels, values, principals and condition keys never changes the decision or decidedBy',
  runs: 80,
  property: (engine) =>
    fc.property(fc.record({ sc: scenarioArb(BATCH), seed: fc.nat() }), ({ sc, seed }) => sameDecisions(engine, sc, seed, permuteWorld, permuteRequest, 'reordered')),
};

function recaseActions(w: World, rnd: () => number): World {
  const re = (v: unknown): unknown => (Array.isArray(v) ? v.map((x) => recase(String(x), rnd)) : recase(String(v), rnd));
  return mapWorld(w, (doc) => {
    const st = statementsOf(doc).map((s) => {
      const out = { ...s };
      if (out.Action !== undefined) out.Action = re(out.Action);
      if (out.NotAction !== undefined) out.NotAction = re(out.NotAction);
      return out;
    });
    return { ...doc, Statement: Array.isArray(doc.Statement) ? st : st[0] };
  });
}

export const actionCaseIrrelevant: Invariant<{ sc: Scenario; seed: number }> = {
  id: 'action-case',
  title: 'the case of actions (in policies and requests) never changes the decision',
  runs: 80,
  property: (engine) =>
    fc.property(fc.record({ sc: scenarioArb(BATCH), seed: fc.nat() }), ({ sc, seed }) =>
      sameDecisions(engine, sc, seed, recaseActions, (r, rnd) => ({ ...r, action: recase(r.action, rnd) }), 'action case'),
    ),
};

/** Recases the key of every `${key}` / `${key, 'default'}` (not the default, not `${*}`). */
function recaseVariables(s: string, rnd: () => number): string {
  return s.replace(/\$\{([^},']+)/g, (_, key: string) => '${' + recase(key, rnd));
}

function recaseKeys(w: World, rnd: () => number): World {
  const vars = (v: unknown): unknown => (Array.isArray(v) ? v.map((x) => vars(x)) : typeof v === 'string' ? recaseVariables(v, rnd) : v);
  return mapWorld(w, (doc) => {
    const st = statementsOf(doc).map((s) => {
      const out = { ...s };
      if (out.Resource !== undefined) out.Resource = vars(out.Resource);
      if (out.NotResource !== undefined) out.NotResource = vars(out.NotResource);
      if (out.Condition) {
        out.Condition = Object.fromEntries(
          Object.entries(out.Condition as Json).map(([op, block]) => [op, Object.fromEntries(Object.entries(block as Json).map(([k, v]) => [recase(k, rnd), vars(v)]))]),
        );
      }
      return out;
    });
    return { ...doc, Statement: Array.isArray(doc.Statement) ? st : st[0] };
  });
}

export const keyCaseIrrelevant: Invariant<{ sc: Scenario; seed: number }> = {
  id: 'key-case',
  title: 'the case of condition keys and variable names (in policies and request contexts) never changes the decision',
  runs: 80,
  property: (engine) =>
    fc.property(fc.record({ sc: scenarioArb(BATCH), seed: fc.nat() }), ({ sc, seed }) =>
      sameDecisions(
        engine,
        sc,
        seed,
        recaseKeys,
        (r, rnd) => ({ ...r, context: Object.fromEntries(Object.entries(r.context ?? {}).map(([k, v]) => [recase(k, rnd), v])) }),
        'key case',
      ),
    ),
};

/** Recases the resource component (after the fifth colon) of an ARN. */
export function recaseResource(arn: string, rnd: () => number): string {
  let cut = -1;
  for (let i = 0; i < 5 && (cut = arn.indexOf(':', cut + 1)) >= 0; i++);
  return cut < 0 ? arn : arn.slice(0, cut + 1) + recase(arn.slice(cut + 1), rnd);
}

/**
 * Stated as "resource case never matters", which must be FALSE: the test asserts fast-check finds
 * a witness (resource ids are case-sensitive, spec §3.2, §9.5).
 */
export const resourceCaseMatters: Invariant<{ sc: Scenario; seed: number }> = {
  id: 'resource-case',
  title: 'the case of the resource id DOES matter: fast-check must find a witness where recasing it changes the decision',
  runs: 200,
  property: (engine) =>
    fc.property(fc.record({ sc: scenarioArb(BATCH), seed: fc.nat() }), ({ sc, seed }) => {
      const rnd = prng(seed);
      const set = compileWorld(engine, sc.world);
      for (const req of sc.requests) {
        const a = decide(engine, set, req);
        const r2 = { ...req, resource: recaseResource(req.resource, rnd) };
        const b = decide(engine, set, r2);
        check(a.decision === b.decision, () => `${req.resource} → ${r2.resource}: ${a.decision} vs ${b.decision}`);
      }
    }),
};

// ---------------------------------------------------------------------------------------------
// Operators

const ALICE = `arn:aws:iam::${A}:user/alice`;

/** Decides "Allow * on * if <condition>" for alice with the given context: is the condition true? */
function conditionTrue(engine: Engine, condition: Json, context: Record<string, ContextValue | null>, version: string | undefined, name: string): boolean {
  const doc: Json = { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: condition }] };
  if (version) doc.Version = version;
  const set = engine.api.compilePolicySet({ identity: [engine.api.compilePolicy(doc, { name, type: 'identity' })] });
  stats.engine++;
  const r = engine.api.evaluate(engine.api.makeRequest({ principal: { arn: ALICE, tags: { team: 'dev' } }, action: 's3:GetObject', resource: '*', context }), set);
  return r.decision === 'allowed';
}

/** Request values each operator family can read (spec §4.12: unreadable values fail both ways). */
const READABLE: Record<BaseOperator['family'], readonly string[]> = {
  String: ['dev', 'prod', 'Dev', 'alice', 'alice/', 'x*y', '', 'DEV'],
  Numeric: ['30', '3600', '100', '-1', '2.5', '0', '99999999999999999999'],
  Date: ['2025-01-15T00:00:00Z', '2026-06-01T12:00:00Z', '2025-01-01', '1767225600', '2025-06-01T00:00:00+02:00'],
  Bool: ['true', 'false', 'TRUE'],
  Binary: ['aGVsbG8=', 'd29ybGQ=', 'aGVsbG8'],
  Ip: ['10.0.0.5', '192.168.1.10', '2001:db8::1', '8.8.8.8', '::1'],
  Arn: ['arn:aws:s3:::b1', `arn:aws:sns:us-east-1:${A}:topic`, ALICE, `arn:aws:iam::${A}:role/team/app`, 'arn:aws:s3:::b1/x:y'],
  Null: [],
};

const NEGATION_PAIRS: readonly [BaseOperator, BaseOperator][] = BASE_OPERATORS.filter((op) => op.negated).map((neg) => {
  const pos = BASE_OPERATORS.find((op) => op.name === neg.name.replace('Not', ''));
  if (!pos) throw new Error(`no positive form of ${neg.name}`);
  return [pos, neg];
});

interface OperatorCase {
  pair: [BaseOperator, BaseOperator];
  key: KeySpec;
  values: string[];
  request: string[];
  setForm: boolean;
  version: string | undefined;
}

const operatorCaseArb: fc.Arbitrary<OperatorCase> = fc
  .record({
    pair: fc.constantFrom(...NEGATION_PAIRS),
    key: fc.constantFrom(...KEYS),
    valuePicks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
    requestPicks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
    setForm: fc.boolean(),
    version: fc.constantFrom<string | undefined>('2012-10-17', '2012-10-17', '2008-10-17', undefined),
  })
  .map((r) => {
    const pool = valuePool(r.key, r.pair[0]);
    const readable = [...READABLE[r.pair[0].family], ...(r.pair[0].family === 'String' ? r.key.values : [])];
    const values = [...new Set(r.valuePicks.map((i) => pool[i % pool.length]!))];
    const request = r.requestPicks.map((i) => readable[i % readable.length]!);
    return { pair: r.pair, key: r.key, values, request: r.setForm ? request : request.slice(0, 1), setForm: r.setForm, version: r.version };
  });

export const negationIsComplement: Invariant<OperatorCase> = {
  id: 'negation-complement',
  title: 'for a present single-valued key, a negated operator is the complement of its positive form; ForAnyValue:Op ⇔ ¬ForAllValues:NotOp on a present set',
  runs: 400,
  property: (engine) =>
    fc.property(operatorCaseArb, (c) => {
      const [pos, neg] = c.pair;
      const ctx = { [c.key.key]: { type: c.key.type, list: c.setForm, values: c.request } };
      const p = c.setForm ? `ForAnyValue:${pos.name}` : pos.name;
      const n = c.setForm ? `ForAllValues:${neg.name}` : neg.name;
      const a = conditionTrue(engine, { [p]: { [c.key.key]: c.values } }, ctx, c.version, 'pos');
      const b = conditionTrue(engine, { [n]: { [c.key.key]: c.values } }, ctx, c.version, 'neg');
      check(a !== b, () => `${p} is ${a} and ${n} is ${b} for ${c.key.key}=${JSON.stringify(c.request)} against ${JSON.stringify(c.values)}`);
    }),
};

interface IfExistsCase {
  entry: { op: string; key: string; values: unknown };
  present: string[] | null;
  list: boolean;
}

export const ifExistsSemantics: Invariant<IfExistsCase> = {
  id: 'if-exists',
  title: '…IfExists equals the base operator when the key is present and is true when it is absent (any qualifier, negated or not)',
  runs: 400,
  property: (engine) =>
    fc.property(
      fc.record({
        entry: condEntryArb().filter((e) => !e.op.includes('Null')),
        present: fc.option(fc.array(fc.constantFrom(...Object.values(READABLE).flat(), 'not-readable'), { minLength: 1, maxLength: 3 }), { freq: 3, nil: null }),
        list: fc.boolean(),
      }),
      ({ entry, present, list }) => {
        const base = entry.op.replace(/IfExists$/, '');
        const ctx: Record<string, ContextValue | null> = { [entry.key]: present === null ? null : { type: 'string', list, values: list ? present : present.slice(0, 1) } };
        const withIf = conditionTrue(engine, { [`${base}IfExists`]: { [entry.key]: entry.values } }, ctx, '2012-10-17', 'ifexists');
        if (present === null) check(withIf, () => `${base}IfExists on absent ${entry.key} is false`);
        else {
          const plain = conditionTrue(engine, { [base]: { [entry.key]: entry.values } }, ctx, '2012-10-17', 'plain');
          check(withIf === plain, () => `${base}IfExists is ${withIf}, ${base} is ${plain} for present ${entry.key}=${JSON.stringify(ctx[entry.key])}`);
        }
      },
    ),
};

// ---------------------------------------------------------------------------------------------
// Reference, glob, explain

/** Every request of the scenario: the engine's decision and decidedBy set equal the reference evaluator's. */
function agreeWithReference(engine: Engine, sc: Scenario): void {
  const set = compileWorld(engine, sc.world);
  for (const req of sc.requests) {
    const o = decide(engine, set, req);
    stats.reference++;
    const ref = referenceDecide(sc.world, realRequest(req));
    const refBy = [...ref.decidedBy].sort();
    check(o.decision === ref.decision && o.decidedBy.join() === refBy.join(), () => `engine ${show(o)} vs reference ${ref.decision} [${refBy.join(', ')}] for ${JSON.stringify(req)}`);
  }
}

export const agreesWithReference: Invariant<Scenario> = {
  id: 'reference',
  title: 'the compiled engine agrees with the plain reference evaluator (decision and decidedBy set)',
  runs: 150,
  property: (engine) => fc.property(scenarioArb(2 * BATCH), (sc) => agreeWithReference(engine, sc)),
};

export const endpointAgreesWithReference: Invariant<Scenario> = {
  id: 'endpoint-reference',
  title: 'through a VPC endpoint, the engine agrees with the reference evaluator (the endpoint policy is a ceiling, §1.8)',
  runs: 100,
  property: (engine) => fc.property(endpointScenarioArb(BATCH), (sc) => agreeWithReference(engine, sc)),
};

type GlobToken = string | { literal: string } | { slot: number };

const globCaseArb = fc.record({
  tokens: fc.array(
    fc.oneof(
      { arbitrary: fc.stringMatching(/^[ab*?]{0,4}$/), weight: 6 },
      { arbitrary: fc.stringMatching(/^[ab*?]{1,2}$/).map((literal) => ({ literal })), weight: 1 },
      { arbitrary: fc.constant({ slot: 0 }), weight: 1 },
    ),
    { maxLength: 4 },
  ),
  slot: fc.stringMatching(/^[ab*]{0,2}$/),
  input: fc.stringMatching(/^[abAB*]{0,9}$/),
  ignoreCase: fc.boolean(),
});

export const globAgrees: Invariant<{ tokens: GlobToken[]; slot: string; input: string; ignoreCase: boolean }> = {
  id: 'glob',
  title: 'glob matching (with literals and variable slots) agrees with a naive backtracking matcher, and every match starts with the glob\'s lead',
  runs: 3000,
  property: (engine) =>
    fc.property(globCaseArb, ({ tokens, slot, input, ignoreCase }) => {
      stats.glob++;
      const chars: PChar[] = tokens.flatMap((t) =>
        typeof t === 'string' ? [...t].map((c) => ({ c, wild: c === '*' || c === '?' })) : 'literal' in t ? [...t.literal].map((c) => ({ c, wild: false })) : [...slot].map((c) => ({ c, wild: false })),
      );
      const expected = refGlob(chars, ignoreCase ? input.toLowerCase() : input, ignoreCase);
      const g = new engine.glob.Glob(tokens, ignoreCase);
      const subject = ignoreCase ? input.toLowerCase() : input;
      const got = g.match(subject, [ignoreCase ? slot.toLowerCase() : slot]);
      check(got === expected, () => `Glob ${JSON.stringify(tokens)} (slot ${JSON.stringify(slot)}) on ${JSON.stringify(input)}: ${got}, naive ${expected}`);
      // ArnPattern rejects by `lead` before matching: every match must start with it.
      check(!got || subject.startsWith(g.lead), () => `Glob ${JSON.stringify(tokens)} matches ${JSON.stringify(subject)}, which does not start with its lead ${JSON.stringify(g.lead)}`);
      const plain = tokens.filter((t): t is string => typeof t === 'string').join('');
      const viaCompile = engine.glob.compileGlob(plain, { ignoreCase })(input);
      const naive = refGlobString(plain, input, ignoreCase);
      check(viaCompile === naive, () => `compileGlob(${JSON.stringify(plain)}, ignoreCase ${ignoreCase}) on ${JSON.stringify(input)}: ${viaCompile}, naive ${naive}`);
    }),
};

/** Patterns that make a backtracking matcher exponential (many stars, near misses). */
export const globAdversarial: Invariant<{ stars: number; seg: string; n: number; tail: string }> = {
  id: 'glob-adversarial',
  title: 'glob matching stays linear-ish on adversarial patterns (many stars, long near-miss inputs)',
  runs: 40,
  property: (engine) =>
    fc.property(
      fc.record({ stars: fc.integer({ min: 2, max: 30 }), seg: fc.constantFrom('a', 'aa', 'a?', '?a?', 'aaaa'), n: fc.integer({ min: 1000, max: 20000 }), tail: fc.constantFrom('b', '?b', 'ab') }),
      ({ stars, seg, n, tail }) => {
        const pattern = `*${seg}`.repeat(stars) + `*${tail}`;
        const input = 'a'.repeat(n);
        const m = engine.glob.compileGlob(pattern);
        const t = performance.now();
        const r = m(input);
        const ms = performance.now() - t;
        stats.glob++;
        check(!r, () => `${pattern} matched ${n} a's`);
        check(ms < 250, () => `${pattern} on ${n} a's took ${ms.toFixed(1)} ms`);
      },
    ),
};

export const fastAgreesWithExplain: Invariant<Scenario> = {
  id: 'fast-vs-explain',
  title: 'the fast path (evaluate) and the traced path (explain) agree on the decision, decidedBy and missing context',
  runs: 100,
  property: (engine) =>
    fc.property(scenarioArb(2 * BATCH), (sc) => {
      const set = compileWorld(engine, sc.world);
      for (const req of sc.requests) {
        const r = engine.api.makeRequest(req);
        const fast = engine.api.evaluate(r, set);
        const traced = engine.api.explain(r, set);
        stats.engine++;
        stats.explain++;
        const a = fast.decidedBy.map((x) => `${x.policy}#${x.index}`).join();
        const b = traced.decidedBy.map((x) => `${x.policy}#${x.index}`).join();
        check(fast.decision === traced.decision && a === b, () => `evaluate ${fast.decision} [${a}] vs explain ${traced.decision} [${b}]`);
        const keys = fast.missingContext.join();
        check(keys === traced.missingContext.join(), () => `missing context: evaluate [${keys}] vs explain [${traced.missingContext.join()}]`);
      }
    }),
};

export const INVARIANTS: readonly Invariant<any>[] = [
  denyWins,
  denyNeverAllows,
  allowKeepsExplicitDeny,
  identityAllowMonotone,
  ceilingsRestrict,
  boundaryIsIntersection,
  orderIrrelevant,
  actionCaseIrrelevant,
  keyCaseIrrelevant,
  resourceCaseMatters,
  negationIsComplement,
  ifExistsSemantics,
  agreesWithReference,
  endpointAgreesWithReference,
  globAgrees,
  globAdversarial,
  fastAgreesWithExplain,
];

/** Outcome counts of the scenario arbitrary (for the report and the ≥10 % check). */
export function outcomeDistribution(engine: Engine, samples: number, seed: number): Record<Decision, number> {
  const counts: Record<Decision, number> = { allowed: 0, explicitDeny: 0, implicitDeny: 0 };
  for (const sc of fc.sample(scenarioArb(2 * BATCH), { numRuns: samples, seed })) {
    const set = compileWorld(engine, sc.world);
    for (const req of sc.requests) counts[decide(engine, set, req).decision]++;
  }
  return counts;
}
