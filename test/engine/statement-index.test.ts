// The fast path's per-(action, resource) memo (StatementIndex.forRequest): a policy set answers
// alike whether a resource was seen before, seen under another context, or never, and whether the
// memo is still on for the action or has turned itself off because resources keep changing.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicySet, evaluate, explain, makeRequest, type PolicySet } from '../../src/engine/index.ts';
import { actionPatternArb, conditionArb, prng, recase, requestArb, resourcePatternArb, worldArb } from '../properties/arbitraries.ts';
import { compileWorld, realEngine, runs, SEED, TIMEOUT } from '../properties/harness.ts';
import { id, str } from './helpers.ts';

const ACCOUNT = '123456789012';
const POLICIES = [
  id(
    'team',
    { Sid: 'OwnPrefix', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b1/${aws:username}/*' },
    { Sid: 'Shared', Effect: 'Allow', Action: 's3:Get*', Resource: ['arn:aws:s3:::b1/shared/*', 'arn:aws:s3:::b2/*'] },
    { Sid: 'NotSecret', Effect: 'Deny', Action: '*', NotResource: ['arn:aws:s3:::b1/*', 'arn:aws:s3:::b2/*'] },
    { Sid: 'NoTmp', Effect: 'Deny', NotAction: 'iam:*', Resource: 'arn:aws:s3:::b*/tmp/*', Condition: { StringNotEquals: { 'aws:PrincipalTag/team': 'ops' } } },
  ),
];

const fresh = (): PolicySet => compilePolicySet({ identity: POLICIES });

function request(user: string, resource: string, action = 's3:GetObject', team?: string) {
  return makeRequest({
    principal: { arn: `arn:aws:iam::${ACCOUNT}:user/${user}` },
    action,
    resource,
    context: team ? { 'aws:PrincipalTag/team': str(team) } : {},
  });
}

/** Decision and decidedBy of one request on a set that has seen nothing. */
function reference(req: ReturnType<typeof request>) {
  const r = evaluate(req, fresh());
  return { decision: r.decision, decidedBy: r.decidedBy.map((s) => s.sid) };
}

describe('the per-resource memo of the fast path', () => {
  it('a resource seen before under another caller and context decides as on a fresh set (variables are tested per request)', () => {
    const set = fresh();
    const cases = [
      request('alice', 'arn:aws:s3:::b1/alice/x'),
      request('bob', 'arn:aws:s3:::b1/alice/x'), // same action and resource: ${aws:username} differs
      request('alice', 'arn:aws:s3:::b1/tmp/x'),
      request('alice', 'arn:aws:s3:::b1/tmp/x', 's3:GetObject', 'ops'), // same pair, the Deny's condition differs
      request('alice', 'arn:aws:s3:::b3/x'), // outside NotResource: denied
      request('alice', 'arn:aws:s3:::b2/y', 's3:GetObjectTagging'),
      request('alice', 'arn:aws:s3:::b1/alice/x'),
    ];
    const got = cases.map((req) => {
      const r = evaluate(req, set);
      return { decision: r.decision, decidedBy: r.decidedBy.map((s) => s.sid) };
    });
    expect(got).toEqual(cases.map(reference));
    expect(got.map((g) => g.decision)).toEqual(['allowed', 'implicitDeny', 'explicitDeny', 'implicitDeny', 'explicitDeny', 'allowed', 'allowed']);
  });

  it('an action whose requests keep naming new resources (the memo turns off) decides as on a fresh set and as explain does', () => {
    const set = fresh();
    const resources = Array.from({ length: 300 }, (_, i) => {
      const folder = ['alice', 'bob', 'shared', 'tmp'][i % 4];
      return `arn:aws:s3:::${i % 7 === 0 ? 'b3' : 'b1'}/${folder}/key-${i}`;
    });
    for (const [i, resource] of resources.entries()) {
      const req = request(i % 3 === 0 ? 'bob' : 'alice', resource, 's3:GetObject', i % 5 === 0 ? 'ops' : undefined);
      const r = evaluate(req, set);
      const ref = reference(req);
      expect({ decision: r.decision, decidedBy: r.decidedBy.map((s) => s.sid) }, resource).toEqual(ref);
      expect(explain(req, set).decision, resource).toBe(r.decision);
    }
    // …and after it turned off, a resource it saw while it was on
    const again = request('alice', resources[1]!);
    const r = evaluate(again, set);
    expect({ decision: r.decision, decidedBy: r.decidedBy.map((s) => s.sid) }).toEqual(reference(again));
  });
});

// Action patterns the index files under a service, under every service, or tests per request.
const ACTION_PATTERNS = ['*', 's3:*', 'iam:Get*', 's3:Get*', 'ec2:Describe*', 'iam:*MFA*', '*:Get*', 'S3:getobject', 'IAM:GetUser', 's3:PutObject', 'kms:Decrypt'];

const identityDocArb = fc
  .array(
    fc.record({
      effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
      notAction: fc.integer({ min: 0, max: 99 }),
      actions: fc.array(fc.oneof(fc.constantFrom(...ACTION_PATTERNS), actionPatternArb), { minLength: 1, maxLength: 3 }),
      notResource: fc.integer({ min: 0, max: 99 }),
      resources: fc.array(resourcePatternArb, { minLength: 1, maxLength: 3 }),
      condition: fc.option(conditionArb, { freq: 2, nil: undefined }),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((statements) => ({
    Version: '2012-10-17',
    Statement: statements.map((s) => ({
      Effect: s.effect,
      [s.notAction < 25 ? 'NotAction' : 'Action']: s.actions,
      [s.notResource < 25 ? 'NotResource' : 'Resource']: s.resources,
      ...(s.condition ? { Condition: s.condition } : {}),
    })),
  }));

describe('the indexed fast path agrees with the unindexed traced path (property)', () => {
  it('requests that repeat an action (in any case) and a resource under other callers and contexts decide as explain, which tests every statement', () => {
    const arb = fc.record({
      world: worldArb(),
      extra: fc.array(identityDocArb, { minLength: 1, maxLength: 3 }),
      pairs: fc.array(requestArb(), { minLength: 1, maxLength: 4 }),
      variants: fc.array(fc.tuple(fc.nat(), requestArb(), fc.nat()), { minLength: 4, maxLength: 24 }),
    });
    fc.assert(
      fc.property(arb, ({ world, extra, pairs, variants }) => {
        const w = { ...world, identity: [...world.identity, ...extra.map((doc, i) => ({ name: `extra${i}`, type: 'identity' as const, doc }))] };
        const set = compileWorld(realEngine, w);
        const requests = variants.map(([pick, other, seed]) => {
          const pair = pairs[pick % pairs.length]!;
          return { ...other, action: recase(pair.action, prng(seed)), resource: pair.resource };
        });
        // Twice over: the second pass meets every (action, resource) already remembered.
        for (const input of [...requests, ...requests]) {
          const req = makeRequest(input);
          const fast = evaluate(req, set);
          const traced = explain(req, set);
          const label = JSON.stringify(input);
          expect(fast.decision, label).toBe(traced.decision);
          expect(fast.decidedBy, label).toEqual(traced.decidedBy);
          expect(fast.missingContext, label).toEqual(traced.missingContext);
        }
      }),
      { seed: SEED, numRuns: runs(150) },
    );
  }, TIMEOUT);
});
