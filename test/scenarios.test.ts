// `npm test` runs every suite under scenarios/: one vitest test per case, named `suite › case`,
// whose failure message is the pretty explanation; property checks likewise. It never passes
// silently: a loader error, or no suites at all, fails this file loudly.

import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { formatFailure } from '../src/scenario/format-explanation.ts';
import { loadSuites } from '../src/scenario/loader.ts';
import type { Suite } from '../src/scenario/model.ts';
import { formatProblem, toProblem } from '../src/scenario/reporters/index.ts';
import { displayPath } from '../src/display-path.ts';
import { loadPropertyChecker, runCase } from '../src/scenario/runner.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCENARIOS = 'scenarios/';

/** A failure whose message is the whole story (vitest prints the message; the stack adds nothing). */
class ScenarioFailure extends Error {
  override name = 'ScenarioFailure';
  constructor(message: string) {
    super(message);
    this.stack = `${this.name}: ${message}`;
  }
}

function load(): Suite[] {
  return loadSuites([SCENARIOS], { cwd: ROOT });
}

let suites: Suite[] = [];
let problem: string | null = null;
try {
  suites = load();
} catch (e) {
  const p = toProblem(e);
  if (p) problem = formatProblem(p, { cwd: ROOT, color: false });
  else throw e;
}
const checkProperty = await loadPropertyChecker();

if (problem !== null) {
  it(`${SCENARIOS} loads`, () => {
    throw new ScenarioFailure(problem!);
  });
} else if (suites.length === 0 || suites.every((s) => s.cases.length === 0 && s.properties.length === 0)) {
  it(`${SCENARIOS} has suites with cases`, () => {
    throw new ScenarioFailure(`no suite with cases under ${SCENARIOS}: a scenario run that checks nothing must not pass`);
  });
} else {
  for (const suite of suites) {
    const file = displayPath(suite.file, ROOT);
    describe(file, () => {
      for (const c of suite.cases) {
        it(`${suite.name} › ${c.name}`, () => {
          const { result, explanation } = runCase(suite, c, ROOT, file);
          if (!result.pass) {
            const detail = explanation ? { defined: c.defined, explanation } : { defined: c.defined };
            throw new ScenarioFailure(`${result.reason ?? 'failed'}\n${formatFailure(result, detail, { cwd: ROOT })}`);
          }
        });
      }
      for (const p of suite.properties) {
        it(`${suite.name} › ${p.name} (property)`, () => {
          const result = checkProperty(suite, p, { cwd: ROOT });
          if (!result.pass) {
            throw new ScenarioFailure(`${result.reason ?? 'property failed'}\n${formatFailure(result, { defined: p.defined }, { cwd: ROOT })}`);
          }
        });
      }
    });
  }
}
