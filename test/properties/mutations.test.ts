// Mutation check: every invariant must catch the deliberately broken engines it targets, i.e.
// fast-check FINDS a counterexample against the mutant. The real engine passes the same invariants
// in invariants.test.ts. With IAMSPEC_MUTATION_MATRIX=1 every invariant is also run against every
// mutant and the full matrix is printed (slow; for the report).

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { SEED, type Engine } from './harness.ts';
import { INVARIANTS, resourceCaseMatters } from './invariants.ts';
import { MUTANTS, cleanMutants, loadMutant } from './mutants.ts';

afterAll(cleanMutants);

/** Does the invariant report the mutant? For the witness invariant: does the witness disappear? */
function catches(inv: (typeof INVARIANTS)[number], engine: Engine, numRuns: number): boolean {
  // Finding one counterexample is enough: no shrinking (it would rerun a slow mutant many times).
  const r = fc.check(inv.property(engine), { seed: SEED, numRuns, endOnFailure: true });
  return inv === resourceCaseMatters ? !r.failed : r.failed;
}

/** Enough runs to catch what an invariant should catch, without waiting for rare events. */
const RUNS = 500;

describe('mutants are caught', () => {
  // The README's claim: each invariant is shown to catch a deliberately broken engine. An invariant
  // no mutant lists could pass against any engine without anyone noticing.
  it('every invariant is listed as catching at least one mutant (the tests below check it does)', () => {
    const listed = new Set(MUTANTS.flatMap((m) => m.caughtBy));
    expect(INVARIANTS.map((i) => i.id).filter((id) => !listed.has(id))).toEqual([]);
  });

  for (const m of MUTANTS) {
    it(`${m.id} (${m.defect}) is caught by ${m.caughtBy.join(', ')}`, async () => {
      const engine = await loadMutant(m);
      for (const id of m.caughtBy) {
        const inv = INVARIANTS.find((i) => i.id === id);
        expect(inv, `no invariant ${id}`).toBeDefined();
        expect(catches(inv!, engine, inv === resourceCaseMatters ? inv.runs : RUNS), `${id} did not catch ${m.id}`).toBe(true);
      }
    });
  }

  it.runIf(process.env.IAMSPEC_MUTATION_MATRIX === '1')('full matrix (printed)', async () => {
    const rows: string[] = [];
    for (const m of MUTANTS) {
      const engine = await loadMutant(m);
      const hit = INVARIANTS.filter((inv) => inv.id !== "glob-adversarial" || m.id.startsWith("glob")).filter((inv) => catches(inv, engine, inv === resourceCaseMatters ? inv.runs : 150));
      rows.push(`| ${m.id} | ${hit.map((i) => i.id).join(', ') || '—'} |`);
    }
    console.log(['| mutant | caught by |', '|---|---|', ...rows].join('\n'));
  }, 1_800_000);
});
