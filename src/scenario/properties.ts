// Quantified checks of a suite (scenario-format.md `properties:`): "for all actions of a service
// (except …), all resources, all these context values, the decision is …". fast-check samples the
// inputs with a fixed seed (deterministic in CI), and on failure shrinks them to a small
// counterexample, reported as a ready-to-paste case.
//
//   forAll.action    {service: "*" | "s3" | …, except: [...]}  catalog actions (except entries may
//                    be catalog actions or patterns such as iam:*MFA*); {oneOf: [...]}; absent: all.
//   forAll.resource  any (or absent): "*", the suite's resource ARNs, ARNs generated for its ARN
//                    patterns, and the resources its cases name; an ARN pattern: ARNs matching it.
//   forAll.context   key → {oneOf: [YAML values, null = absent]} | {range: [a, b]}, merged over
//                    the suite's and the property's fixed context.
//
// A mistake in the property (unknown service, an `except` entry the catalog does not know, an empty
// domain) is a SuiteError at the property's place, never a silent pass over zero samples.

import fc from 'fast-check';
import { catalog, contextTypeForKey } from '../catalog/index.ts';
import { evaluate } from '../engine/evaluate.ts';
import { hasWildcard } from '../engine/glob.ts';
import type { ContextValue } from '../engine/request.ts';
import { refName, type Decision, type EvaluationResult } from '../engine/types.ts';
import { displayPath } from '../display-path.ts';
import { describeForAll, satisfies } from './expectation.ts';
import { caseRequest, resolverFor } from './resolve.ts';
import { contextValueFromYaml, contextValueToYaml, decimalText, type YamlContextValue } from './context.ts';
import { SuiteError, type PropertySpec, type Suite } from './model.ts';
import type { CaseResult } from './report.ts';

export interface PropertyOptions {
  /** fast-check seed; default DEFAULT_SEED, so a run is reproducible. */
  seed?: number;
  /** Samples; default the property's `runs`, else 100. */
  runs?: number;
  /** Paths in the result are relative to this directory (default process.cwd()). */
  cwd?: string;
}

export const DEFAULT_SEED = 20_240_917;
export const DEFAULT_RUNS = 100;

/** One sampled input of a property. */
export interface PropertyInput {
  action: string;
  resource: string;
  /** The quantified context keys only, as YAML values. */
  context: Record<string, YamlContextValue>;
}

// ---------------------------------------------------------------------------------------------
// The domains

function fail(spec: PropertySpec, message: string): never {
  throw new SuiteError(`property "${spec.name}": ${message}`, spec.defined);
}

/** The actions a property quantifies over, validated against the catalog. */
export function propertyActions(spec: PropertySpec): string[] {
  const a = spec.forAll.action;
  if (a && 'oneOf' in a) {
    if (!Array.isArray(a.oneOf) || a.oneOf.length === 0) fail(spec, 'forAll.action.oneOf lists no action');
    for (const x of a.oneOf) {
      if (!catalog.action(x)) fail(spec, `forAll.action.oneOf: "${x}" is not an action of the IAM catalog`);
    }
    return [...new Set(a.oneOf)];
  }
  const service = a?.service ?? '*';
  if (service !== '*' && !catalog.serviceExists(service)) {
    fail(spec, `forAll.action.service: unknown service "${service}" (the IAM catalog has no such prefix)`);
  }
  const all = service === '*' ? catalog.allActions() : catalog.actions(service);
  const excluded = new Set<string>();
  for (const e of a?.except ?? []) {
    const hits = /[*?]/.test(e) ? catalog.expand(e) : [catalog.action(e)].filter((x) => x !== undefined);
    if (hits.length === 0) fail(spec, `forAll.action.except: "${e}" is not an action of the IAM catalog`);
    if (service !== '*' && hits.every((h) => h.service !== service.toLowerCase())) {
      fail(spec, `forAll.action.except: "${e}" is not an action of service "${service}"`);
    }
    for (const h of hits) excluded.add(h.action);
  }
  const actions = all.map((x) => x.action).filter((x) => !excluded.has(x));
  if (actions.length === 0) fail(spec, 'forAll.action leaves no action to check');
  return actions;
}

/** ARNs matching an ARN pattern: each `?` one character, each `*` a short run (12 digits in the account). */
export function arnsMatching(pattern: string, accounts: readonly string[]): fc.Arbitrary<string> {
  if (!hasWildcard(pattern)) return fc.constant(pattern);
  const comps: string[] = [];
  let rest = pattern;
  for (let i = 0; i < 5; i++) {
    const c = rest.indexOf(':');
    if (c < 0) break;
    comps.push(rest.slice(0, c));
    rest = rest.slice(c + 1);
  }
  comps.push(rest);
  const parts: fc.Arbitrary<string>[] = [];
  comps.forEach((comp, i) => {
    if (i > 0) parts.push(fc.constant(':'));
    const isAccount = i === 4 && comps.length === 6;
    const isResource = i === comps.length - 1;
    let text = '';
    for (const ch of comp) {
      if (ch !== '*' && ch !== '?') {
        text += ch;
        continue;
      }
      if (text) parts.push(fc.constant(text));
      text = '';
      if (isAccount && comp === '*') parts.push(accounts.length ? fc.constantFrom(...accounts) : fc.stringMatching(/^\d{12}$/));
      else if (ch === '?') parts.push(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'));
      else parts.push(isResource ? fc.stringMatching(/^[a-z0-9][a-z0-9/._-]{0,9}$|^$/) : fc.stringMatching(/^[a-z0-9-]{0,6}$/));
    }
    if (text) parts.push(fc.constant(text));
  });
  return fc.tuple(...parts).map((xs) => xs.join(''));
}

function suiteAccounts(suite: Suite): string[] {
  const out = new Set<string>();
  for (const p of suite.principals.values()) {
    const m = /^arn:[^:]*:(?:iam|sts)::(\d{12}):/.exec(p.arn);
    if (m) out.add(m[1]!);
  }
  for (const r of suite.resources) if (r.owner) out.add(r.owner);
  return [...out].sort();
}

/** The resources a property quantifies over. */
export function propertyResources(suite: Suite, spec: PropertySpec): fc.Arbitrary<string> {
  const r = spec.forAll.resource ?? 'any';
  const accounts = suiteAccounts(suite);
  if (r !== 'any') {
    if (r !== '*' && !r.startsWith('arn:')) fail(spec, `forAll.resource: "${r}" is neither "any", "*" nor an ARN pattern`);
    return r === '*' ? fc.constant('*') : arnsMatching(r, accounts);
  }
  const exact = new Set<string>(['*']);
  const patterns: string[] = [];
  for (const e of suite.resources) {
    if (hasWildcard(e.arn)) patterns.push(e.arn);
    else exact.add(e.arn);
  }
  for (const c of suite.cases) if (!hasWildcard(c.resource)) exact.add(c.resource);
  const arbs: fc.Arbitrary<string>[] = [fc.constantFrom(...exact)];
  for (const p of patterns) arbs.push(arnsMatching(p, accounts));
  return arbs.length === 1 ? arbs[0]! : fc.oneof({ withCrossShrink: true }, ...arbs);
}

type ContextDomain = { oneOf: unknown[] } | { range: [number, number] };

function yamlScalarOk(v: unknown): v is YamlContextValue {
  return (
    v === null ||
    typeof v === 'string' ||
    typeof v === 'number' ||
    typeof v === 'boolean' ||
    (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean')) ||
    (typeof v === 'object' && v !== null && 'type' in v && 'value' in v)
  );
}

function contextDomain(spec: PropertySpec, key: string, d: ContextDomain): fc.Arbitrary<YamlContextValue> {
  if ('oneOf' in d) {
    if (!Array.isArray(d.oneOf) || d.oneOf.length === 0) fail(spec, `forAll.context "${key}": oneOf lists no value`);
    for (const v of d.oneOf) if (!yamlScalarOk(v)) fail(spec, `forAll.context "${key}": ${JSON.stringify(v)} is not a context value`);
    return fc.constantFrom(...(d.oneOf as YamlContextValue[]));
  }
  if ('range' in d) {
    const [a, b] = d.range ?? [];
    if (typeof a !== 'number' || typeof b !== 'number' || !(a <= b)) fail(spec, `forAll.context "${key}": range must be [low, high] numbers with low ≤ high`);
    if (contextTypeForKey(key)?.type === 'date') {
      // Epoch seconds, written as ISO 8601 so a counterexample reads as a date.
      return fc.integer({ min: Math.ceil(a), max: Math.floor(b) }).map((t) => new Date(t * 1000).toISOString().replace('.000Z', 'Z'));
    }
    return Number.isInteger(a) && Number.isInteger(b) ? fc.integer({ min: a, max: b }) : decimalRange(a, b);
  }
  return fail(spec, `forAll.context "${key}": use {oneOf: [...]} or {range: [low, high]}`);
}

/**
 * Decimals from a to b with three more decimal places than the bounds have (at most 15), drawn as
 * scaled integers: every sample is a short decimal the engine and the simulator read (a double
 * sampler also draws subnormals such as 3.6e-115), and shrinking moves towards the low bound.
 */
function decimalRange(a: number, b: number): fc.Arbitrary<number> {
  const text = [decimalText(a)!, decimalText(b)!];
  const places = Math.min(15, Math.max(...text.map((t) => t.split('.')[1]?.length ?? 0)) + 3);
  const scaled = (t: string): bigint => {
    const [int, frac = ''] = t.split('.');
    return BigInt(int! + frac.slice(0, places).padEnd(places, '0'));
  };
  const unscaled = (k: bigint): number => {
    const digits = (k < 0n ? -k : k).toString().padStart(places + 1, '0');
    return Number(`${k < 0n ? '-' : ''}${digits.slice(0, -places)}.${digits.slice(-places)}`);
  };
  return fc.bigInt({ min: scaled(text[0]!), max: scaled(text[1]!) }).map(unscaled);
}

/**
 * The actions of the domain that the suite's policies name exactly (in Action or NotAction). They
 * are where decisions change (a NotAction exemption, a single granted action), and among 20,000
 * catalog actions uniform sampling would rarely draw them, so a third of the samples come from here.
 */
export function focusActions(suite: Suite, domain: readonly string[]): string[] {
  const named = new Set<string>();
  const add = (v: unknown) => {
    for (const a of Array.isArray(v) ? v : [v]) if (typeof a === 'string' && !hasWildcard(a)) named.add(a.toLowerCase());
  };
  for (const p of suite.policies.values()) {
    const statements = (p.document as { Statement?: unknown } | null)?.Statement;
    for (const st of Array.isArray(statements) ? statements : [statements]) {
      if (st && typeof st === 'object') {
        add((st as { Action?: unknown }).Action);
        add((st as { NotAction?: unknown }).NotAction);
      }
    }
  }
  return domain.filter((a) => named.has(a.toLowerCase()));
}

/** The arbitrary of a property's inputs (exported for tests and tools). */
export function propertyArbitrary(suite: Suite, spec: PropertySpec): fc.Arbitrary<PropertyInput> {
  const actions = propertyActions(spec);
  const focus = focusActions(suite, actions);
  const action =
    focus.length > 0 && focus.length < actions.length
      ? fc.oneof({ arbitrary: fc.constantFrom(...actions), weight: 2 }, { arbitrary: fc.constantFrom(...focus), weight: 1 })
      : fc.constantFrom(...actions);
  const ctx = Object.entries(spec.forAll.context ?? {}).map(([k, d]) => [k, contextDomain(spec, k, d as ContextDomain)] as const);
  return fc.record({
    action,
    resource: propertyResources(suite, spec),
    context: ctx.length ? fc.record(Object.fromEntries(ctx)) : fc.constant({}),
  });
}

// ---------------------------------------------------------------------------------------------
// Checking

function decideInput(suite: Suite, spec: PropertySpec, input: PropertyInput): EvaluationResult {
  // spec.context already holds the suite's defaults (the loader merged them, keys case-folded).
  const context: Record<string, ContextValue | null> = { ...spec.context };
  for (const [k, v] of Object.entries(input.context)) context[k] = contextValueFromYaml(k, v);
  const { request, set } = caseRequest(suite, { principal: spec.principal, action: input.action, resource: input.resource, context, defined: spec.defined });
  return evaluate(request, set);
}

/** Checks one property of a suite: samples its inputs, and on failure shrinks to a counterexample. */
export function checkProperty(suite: Suite, spec: PropertySpec, opts: PropertyOptions = {}): CaseResult {
  const resolver = resolverFor(suite);
  resolver.principal(spec.principal, spec.defined); // an unknown principal is a SuiteError now, not a counterexample
  const arb = propertyArbitrary(suite, spec);
  const seen: Record<Decision, number> = { allowed: 0, explicitDeny: 0, implicitDeny: 0 };
  // An error while deciding (a SuiteError for a sampled resource that two resource patterns
  // match …) is a mistake in the suite, not a counterexample: stop and report it.
  let thrown: unknown;
  const prop = fc.property(arb, (input) => {
    if (thrown !== undefined) return true;
    try {
      const d = decideInput(suite, spec, input).decision;
      seen[d]++;
      return satisfies(spec.expect, d);
    } catch (e) {
      thrown = e;
      return true;
    }
  });
  const runs = opts.runs ?? (spec.runs > 0 ? spec.runs : DEFAULT_RUNS);
  const seed = opts.seed ?? DEFAULT_SEED;
  const out = fc.check(prop, { seed, numRuns: runs });
  if (thrown !== undefined) throw thrown;
  const base = {
    file: displayPath(suite.file, opts.cwd ?? process.cwd()),
    suite: suite.name,
    case: spec.name,
    principal: resolver.principalArn(spec.principal),
    expected: spec.expect,
    property: true as const,
  };
  if (!out.failed) {
    const top = (Object.entries(seen) as [Decision, number][]).sort((a, b) => b[1] - a[1])[0]!;
    return {
      ...base,
      ...describeForAll(spec),
      actual: top[1] > 0 ? top[0] : null,
      pass: true,
      decidedBy: [],
      missingContext: [],
    };
  }
  const input = out.counterexample![0];
  const e = decideInput(suite, spec, input);
  const decidedBy = e.decidedBy.map(refName);
  const context: Record<string, YamlContextValue> = {};
  for (const [k, v] of Object.entries(spec.context)) context[k] = contextValueToYaml(k, v);
  Object.assign(context, input.context);
  return {
    ...base,
    action: input.action,
    resource: input.resource,
    actual: e.decision,
    pass: false,
    decidedBy,
    missingContext: e.missingContext,
    counterexample: {
      name: `${spec.name} (counterexample)`,
      principal: spec.principal,
      action: input.action,
      resource: input.resource,
      context,
      expect: spec.expect,
    },
    reason:
      `counterexample after ${out.numRuns} of ${runs} samples (seed ${seed}, shrunk ${out.numShrinks} times): ` +
      `expected ${spec.expect}, got ${e.decision}${decidedBy.length ? ` by ${decidedBy.join(', ')}` : ''}: ${e.explanation.reason}`,
  };
}
