// The committed seed suites (scenarios/*.yaml) as the simulator would see them: every case it can
// express maps to a request with no missing context values; every other case is skipped with a
// reason; and the cost of a live run. test/aws/mapping.test.ts covers the same on a fixture suite.

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { planCalls, planSuites } from '../../src/aws/mapping.ts';
import { loadSuites } from '../../src/scenario/loader.ts';
import type { Suite } from '../../src/scenario/model.ts';
import { uncovered } from './helpers.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
function load(): Suite[] {
  return loadSuites(['scenarios/'], { cwd: ROOT });
}

describe('the seed suites under scenarios/', () => {
  it('cases the simulator can express send every context key their policies read', () => {
    const suites = load();
    expect(suites.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const suite of suites) {
      suite.cases.forEach((c, i) => {
        const plan = planSuites([{ ...suite, cases: [c] }])[0]!;
        if (plan.skip) return;
        const missing = uncovered(suite, i);
        if (missing.length) problems.push(`${suite.name} › ${c.name}: ${missing.join(', ')}`);
      });
    }
    expect(problems).toEqual([]);
  });

  it('the others are skipped, each with a reason; the plan counts the calls', () => {
    const suites = load();
    const plan = planCalls(suites);
    expect(plan.simulated + plan.skipped).toBe(plan.cases);
    for (const s of plan.skips) expect(s.reason).toMatch(/^(the simulator|action names|resource ARNs|context key)/);
    expect(plan.calls).toBeGreaterThanOrEqual(plan.batches);
    expect(plan.calls).toBeLessThanOrEqual(plan.simulated);
  });
});
