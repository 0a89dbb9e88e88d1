// What the invariants run against: an "engine" (the real one from src/engine, or a mutated copy,
// see mutants.ts), how a generated world is compiled, how runs are counted, and how many runs to do.

import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as realEngineModule from '../../src/engine/index.ts';
import * as realGlobModule from '../../src/engine/glob.ts';
import type { Decision, PolicySet, StatementRef } from '../../src/engine/index.ts';
import type { PolicyDoc, World } from './reference.ts';
import type { Req } from './arbitraries.ts';

export interface Engine {
  name: string;
  api: Pick<typeof realEngineModule, 'compilePolicy' | 'compilePolicySet' | 'evaluate' | 'explain' | 'makeRequest'>;
  glob: Pick<typeof realGlobModule, 'compileGlob' | 'Glob'>;
}

export const realEngine: Engine = { name: 'engine', api: realEngineModule, glob: realGlobModule };

/** Evaluations done, for the summary line of `npm run test:props`. */
export const stats = { engine: 0, explain: 0, reference: 0, glob: 0 };

// ---- run sizes ----

/**
 * `IAMSPEC_PROPS_RUNS` scales every property: it is the number of runs of a property whose default
 * (in `npm test`) is 100, so a property with default 40 gets 0.4 × that. Unset: the defaults.
 */
const SCALE = process.env.IAMSPEC_PROPS_RUNS ? Number(process.env.IAMSPEC_PROPS_RUNS) / 100 : 1;
if (!(SCALE > 0)) throw new Error(`IAMSPEC_PROPS_RUNS must be a positive number, not ${process.env.IAMSPEC_PROPS_RUNS}`);

export function runs(defaultRuns: number): number {
  return Math.max(1, Math.round(defaultRuns * SCALE));
}

/** Per-test timeout: vitest's default (60 s) scaled with the runs. */
export const TIMEOUT = Math.max(60_000, Math.round(60_000 * SCALE));

/** Fixed unless IAMSPEC_PROPS_SEED is set, so CI is deterministic. */
export const SEED = process.env.IAMSPEC_PROPS_SEED ? Number(process.env.IAMSPEC_PROPS_SEED) : 20_260_101;

// ---- compiling and deciding ----

export function compileWorld(engine: Engine, w: World): PolicySet {
  const c = (p: PolicyDoc) => engine.api.compilePolicy(p.doc, { name: p.name, type: p.type });
  return engine.api.compilePolicySet({
    identity: w.identity.map(c),
    boundary: w.boundary ? c(w.boundary) : null,
    session: w.session ? w.session.map(c) : null,
    resource: w.resource ? c(w.resource) : null,
    endpoint: w.endpoint ? c(w.endpoint) : null,
    scps: w.scps.map((level) => level.map(c)),
    rcps: w.rcps.map((level) => level.map(c)),
    ...(w.organization ? { organization: w.organization } : {}),
  });
}

export interface Outcome {
  decision: Decision;
  /** `policy#index`, sorted. */
  decidedBy: string[];
  /** `policy#Sid` (or index when no Sid), sorted. */
  decidedBySid: string[];
}

export const refIndex = (r: StatementRef): string => `${r.policy}#${r.index}`;
export const refSid = (r: StatementRef): string => `${r.policy}#${r.sid ?? r.index}`;

export function decide(engine: Engine, set: PolicySet, req: Req): Outcome {
  stats.engine++;
  const r = engine.api.evaluate(engine.api.makeRequest(req), set);
  return { decision: r.decision, decidedBy: r.decidedBy.map(refIndex).sort(), decidedBySid: r.decidedBy.map(refSid).sort() };
}

/** Compiles the world and decides one request. */
export function decideIn(engine: Engine, w: World, req: Req): Outcome {
  return decide(engine, compileWorld(engine, w), req);
}

export const denied = (d: Decision): boolean => d !== 'allowed';

// ---- the summary line ----

/** The test files that count evaluations; the last one to finish prints the total. */
const COUNTING_FILES = ['invariants', 'agreement'];

/**
 * Records this file's counts (test files run in worker threads of one process) and, once every
 * counting file has reported, prints one summary line for the whole run.
 */
export function reportStats(file: string, seconds: number): void {
  const path = join(tmpdir(), `iamspec-props-${process.pid}.jsonl`);
  appendFileSync(path, JSON.stringify({ file, seconds, ...stats }) + '\n');
  const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as typeof stats & { file: string; seconds: number });
  const mine = `${stats.engine} engine evaluations (${stats.explain} also explained), ${stats.reference} reference evaluations, ${stats.glob} glob matches in ${seconds.toFixed(1)} s`;
  console.log(`[iamspec props] ${file}: seed ${SEED}, ${mine}`);
  if (!COUNTING_FILES.every((f) => lines.some((l) => l.file === f))) return;
  rmSync(path, { force: true });
  const sum = (k: keyof typeof stats) => lines.reduce((n, l) => n + l[k], 0);
  const wall = Math.max(...lines.map((l) => l.seconds));
  console.log(
    `[iamspec props] TOTAL: ${sum('engine')} engine evaluations (${sum('explain')} also explained), ${sum('reference')} reference evaluations, ` +
      `${sum('glob')} glob matches; seed ${SEED}, runs ×${SCALE}; ${wall.toFixed(1)} s`,
  );
}
