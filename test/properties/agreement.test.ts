// Property-based verification of the engine, part 2: agreement with independent oracles (the plain
// reference evaluator, a naive glob, the traced path) and the operator laws of spec §4.

import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { SEED, TIMEOUT, realEngine, reportStats, runs } from './harness.ts';
import { agreesWithReference, endpointAgreesWithReference, fastAgreesWithExplain, globAdversarial, globAgrees, ifExistsSemantics, negationIsComplement, type Invariant } from './invariants.ts';

const started = performance.now();
afterAll(() => reportStats('agreement', (performance.now() - started) / 1000));

describe('the engine agrees with independent oracles and the operator laws', () => {
  const list: Invariant<any>[] = [agreesWithReference, endpointAgreesWithReference, fastAgreesWithExplain, negationIsComplement, ifExistsSemantics, globAgrees, globAdversarial];
  for (const inv of list) {
    it(`${inv.id}: ${inv.title}`, () => {
      fc.assert(inv.property(realEngine), { seed: SEED, numRuns: runs(inv.runs) });
    }, TIMEOUT);
  }
});
