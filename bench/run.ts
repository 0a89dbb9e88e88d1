// `npm run bench`: every performance figure the issues ask for, as medians of several runs.
//   1. engine throughput (in-process): decisions per CPU-second on (a) the seed MFA policies and
//      (b) 100 generated policies / 1,000 statements, with compile time;
//   2. scale: a generated 100,000-case suite through `npx iamspec test --reporter json` (a real
//      child process, as a user runs it), wall time and peak RSS.
// Pass `--quick` to skip the scale runs.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { engineBench, printEngine } from './engine.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const quick = process.argv.includes('--quick');

printEngine(engineBench());
if (!quick) {
  console.log('\nscale: 100,000 cases through `npx iamspec test --reporter json` (median of 5 runs)');
  const r = spawnSync(process.execPath, ['bin/run-ts.js', 'bench/scale.ts', '--npx', '--runs', '5'], { cwd: root, stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
}
