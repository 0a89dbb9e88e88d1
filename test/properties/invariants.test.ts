// Property-based verification of the engine, part 1: metamorphic invariants (what adding, removing,
// reordering or recasing policy text may and may not change). Part 2 is agreement.test.ts.
// `npm test`: a fixed seed and modest runs. `npm run test:props`: IAMSPEC_PROPS_RUNS scales the runs
// (see harness.ts) and a summary line reports how many evaluations were done.

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { SEED, TIMEOUT, realEngine, reportStats, runs } from './harness.ts';
import {
  actionCaseIrrelevant,
  allowKeepsExplicitDeny,
  boundaryIsIntersection,
  ceilingsRestrict,
  denyNeverAllows,
  denyWins,
  identityAllowMonotone,
  keyCaseIrrelevant,
  orderIrrelevant,
  outcomeDistribution,
  resourceCaseMatters,
  type Invariant,
} from './invariants.ts';

const started = performance.now();
afterAll(() => reportStats('invariants', (performance.now() - started) / 1000));

describe('metamorphic invariants of the engine', () => {
  const list: Invariant<any>[] = [denyWins, denyNeverAllows, allowKeepsExplicitDeny, identityAllowMonotone, ceilingsRestrict, boundaryIsIntersection, orderIrrelevant, actionCaseIrrelevant, keyCaseIrrelevant];
  for (const inv of list) {
    it(`${inv.id}: ${inv.title}`, () => {
      fc.assert(inv.property(realEngine), { seed: SEED, numRuns: runs(inv.runs) });
    }, TIMEOUT);
  }

  it(`${resourceCaseMatters.id}: ${resourceCaseMatters.title}`, () => {
    const r = fc.check(resourceCaseMatters.property(realEngine), { seed: SEED, numRuns: runs(resourceCaseMatters.runs) });
    expect(r.failed, 'no request found whose decision depends on the case of its resource id').toBe(true);
    console.log(`[iamspec props] resource-case witness: ${String(r.errorInstance).split('\n')[0]}`);
  }, TIMEOUT);
});

describe('the arbitraries', () => {
  it('produce every outcome often: allowed, explicitDeny and implicitDeny each ≥ 10 %', () => {
    const counts = outcomeDistribution(realEngine, runs(60), SEED);
    const total = counts.allowed + counts.explicitDeny + counts.implicitDeny;
    const pct = (n: number) => ((100 * n) / total).toFixed(1) + ' %';
    console.log(`[iamspec props] outcomes over ${total} random requests: allowed ${pct(counts.allowed)}, explicitDeny ${pct(counts.explicitDeny)}, implicitDeny ${pct(counts.implicitDeny)}`);
    for (const n of Object.values(counts)) expect(n / total).toBeGreaterThanOrEqual(0.1);
  }, TIMEOUT);
});
