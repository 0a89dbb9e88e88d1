// Engine throughput: decisions per second with policies compiled once (issue: the evaluator).
//   (a) the seed documents' MFA-enforcement policies against a mix of 64 requests;
//   (b) 100 generated policies with 1,000 statements against 1,000 requests.
// Each figure is the median of several timed rounds, single-threaded; compile time is reported
// separately. The machines are shared and noisy: read medians, not single rounds.

import { compilePolicy, compilePolicySet, evaluate, makeRequest, type Decision, type PolicySet, type Request } from '../src/engine/index.ts';
import { largeWorkload, mfaWorkload, type BenchRequest, type NamedPolicy } from './generate.ts';

export interface EngineFigures {
  name: string;
  policies: number;
  statements: number;
  requests: number;
  compileMs: number;
  /** Median over rounds, per CPU-second of this process. */
  decisionsPerSecond: number;
  /** Median over rounds, per wall-clock second (lower when the machine is shared). */
  wallDecisionsPerSecond: number;
  rounds: number[];
  outcomes: Record<Decision, number>;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function toRequest(r: BenchRequest): Request {
  return makeRequest({ principal: { arn: r.principal }, action: r.action, resource: r.resource, context: r.context });
}

/**
 * One pass over the request mix. A function of its own, called per pass, so V8 optimizes it like
 * any caller's loop: timed inline in `measure`, the loop was compiled on-stack mid-run, and
 * whether evaluate was inlined there varied from run to run (rates of one build split into two
 * clusters, e.g. 0.6 and 1.1 M/s on (b)).
 */
function pass(reqs: readonly Request[], set: PolicySet): number {
  let sink = 0;
  for (let i = 0; i < reqs.length; i++) sink += evaluate(reqs[i]!, set).decidedBy.length;
  return sink;
}

export function measure(name: string, policies: NamedPolicy[], requests: BenchRequest[], rounds = 7, roundMs = 400): EngineFigures {
  const t0 = performance.now();
  const compiled = policies.map((p) => compilePolicy(p.doc, { name: p.name, type: 'identity' }));
  const set = compilePolicySet({ identity: compiled });
  const compileMs = performance.now() - t0;
  const reqs = requests.map(toRequest);

  const outcomes: Record<Decision, number> = { allowed: 0, explicitDeny: 0, implicitDeny: 0 };
  for (const r of reqs) outcomes[evaluate(r, set).decision]++;

  // Warm up the JIT, then time rounds of whole passes over the request mix.
  let sink = 0;
  for (let i = 0; i < Math.ceil(20_000 / reqs.length); i++) sink += pass(reqs, set);
  // Rates are per second of this process's CPU time: on a shared machine, wall time also counts
  // the time other processes held the core (both are printed).
  const perSecond: number[] = [];
  const wallPerSecond: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let n = 0;
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    let elapsed = 0;
    while (elapsed < roundMs) {
      sink += pass(reqs, set);
      n += reqs.length;
      elapsed = performance.now() - start;
    }
    const cpu = process.cpuUsage(cpu0);
    perSecond.push(n / ((cpu.user + cpu.system) / 1e6));
    wallPerSecond.push((n / elapsed) * 1000);
  }
  if (sink < 0) console.log(sink); // keep the work observable
  return {
    name,
    policies: policies.length,
    statements: compiled.reduce((a, p) => a + p.statements.length, 0),
    requests: reqs.length,
    compileMs,
    decisionsPerSecond: median(perSecond),
    wallDecisionsPerSecond: median(wallPerSecond),
    rounds: perSecond,
    outcomes,
  };
}

export function engineBench(): EngineFigures[] {
  const mfa = mfaWorkload();
  const large = largeWorkload();
  return [measure('(a) MFA seed policies', mfa.identityPolicies, mfa.requests), measure('(b) 100 policies / 1,000 statements', large.policies, large.requests)];
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export function printEngine(figures: EngineFigures[]): void {
  console.log('engine: decisions per CPU-second, single-threaded, policies compiled once (median of rounds; wall-clock median in brackets)');
  for (const f of figures) {
    const spread = `${fmt(Math.min(...f.rounds))}–${fmt(Math.max(...f.rounds))}`;
    console.log(
      `  ${f.name.padEnd(38)} ${fmt(f.decisionsPerSecond).padStart(11)} /s [wall ${fmt(f.wallDecisionsPerSecond)} /s]  (rounds ${spread}; ` +
        `${f.policies} policies, ${f.statements} statements, ${f.requests} requests; compile ${f.compileMs.toFixed(1)} ms; ` +
        `outcomes ${f.outcomes.allowed}/${f.outcomes.explicitDeny}/${f.outcomes.implicitDeny} allowed/explicit/implicit)`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) printEngine(engineBench());
