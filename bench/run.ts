// `npm run bench`: every performance figure the issues ask for, as medians of several runs.
//   1. engine throughput (in-process): decisions per CPU-second on (a) the seed MFA policies and
//      (b) 100 generated policies / 1,000 statements, with compile time;
//   2. scale: a generated 100,000-case suite through `npx iamspec test --reporter json` (a real
//      child process, as a user runs it), wall time and peak RSS;
//   3. the suite written one case per entry (a 25 MB file, what the YAML readers feel most),
//      without and with one anchor and alias, through `node bin/iamspec.js` (issue 11: one anchor
//      or tab must not send the file to the slow YAML reader; target < 3 s and < 500 MB);
//   4. `iamspec mutate` on the seed suites and `iamspec diff` with full catalog enumeration on the
//      seed policies, through `node bin/iamspec.js` (issue 10: targets < 10 s and < 5 s).
// Pass `--quick` to skip the scale runs (and run the analyses 3 times instead of 5).

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { analysisBench } from './analysis.ts';
import { engineBench, printEngine } from './engine.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');

printEngine(engineBench());
console.log('\nanalyses on the seed project: `iamspec mutate` and `iamspec diff` (full catalog enumeration)');
analysisBench(quick ? 3 : 5);
if (!quick) {
  console.log('\nscale: 100,000 cases through `npx iamspec test --reporter json` (median of 5 runs)');
  const r = spawnSync(process.execPath, ['bin/run-ts.js', 'bench/scale.ts', '--npx', '--runs', '5'], { cwd: root, stdio: 'inherit' });
  const statuses = [r.status];
  for (const variant of ['plain', 'anchor']) {
    console.log(`\nscale, one case per entry${variant === 'anchor' ? ', with one anchor and alias' : ''}: 100,000 cases through \`node bin/iamspec.js test --reporter json\` (median of 5 runs)`);
    statuses.push(spawnSync(process.execPath, ['bin/run-ts.js', 'bench/scale.ts', '--layout', 'flat', '--variant', variant, '--runs', '5'], { cwd: root, stdio: 'inherit' }).status);
  }
  process.exitCode = statuses.every((s) => s === 0) ? 0 : 1;
}
