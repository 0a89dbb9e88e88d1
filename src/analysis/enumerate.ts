// The requests an access diff (and the mutation search for a killing case) compares: every case
// of the suites, plus requests enumerated from the IAM catalog —
//
//   principals  every principal of the suites;
//   actions     every catalog action of every service the policies name (Action / NotAction
//               entries with a plain service prefix) or the cases use;
//   resources   per action, the resources the suites and policies name that fit one of its
//               resource types (wildcards filled in, `${…}` variables resolved per principal),
//               one ARN built from the type's format for each type nothing named fits, and `*`
//               for actions without resource types (spec §3.1);
//   context     the suite's default context, with the keys the conditions read varied: each key
//               absent, and present with values that satisfy and that fail each condition on it
//               (every combination while there are at most MAX_COMBINATIONS; beyond that, every
//               combination of the keys one statement reads together).
//
// Actions the same statements match (Action / NotAction, in every policy of every suite given)
// and that take the same resource types decide alike for the same principal, resource and
// context: one of them is evaluated for all (a probe stands for its whole class). Actions AWS
// treats specially whatever the policies say (spec §1.2, §1.9: no-permission actions, protected
// resources, trust and key policies, kms:RetireGrant) are always their own class.

import { catalog, contextTypeForKey } from '../catalog/index.ts';
import type { CompiledStatement } from '../engine/compile.ts';
import { NO_PERMISSION_ACTIONS, PROTECTED_RESOURCES } from '../engine/aws-rules.ts';
import { compileGlob } from '../engine/glob.ts';
import { makeRequest, type ContextType, type ContextValue } from '../engine/request.ts';
import { parseOperator, type OperatorFamily } from '../policy/operators.ts';
import { parseCidr, parseInstant } from '../policy/values.ts';
import { parseTemplate } from '../policy/variables.ts';
import type { ConditionEntry, Statement } from '../policy/model.ts';
import type { Suite } from '../scenario/model.ts';
import { resolverFor } from '../scenario/resolve.ts';

/** One request to decide in every version compared. */
export interface Probe {
  principal: string;
  action: string;
  resource: string;
  /** The request's whole context: the suite's default context with `overrides` applied. */
  context: Record<string, ContextValue | null>;
  /** The keys set differently from the suite's default context (what an example case writes). */
  overrides: Record<string, ContextValue | null>;
  /** The actions this probe decides for (its class, `action` first). */
  actions: readonly string[];
  /** The case it is, when it comes from a suite's cases. */
  fromCase?: string;
}

/** Beyond this many combinations of context values, only keys one statement reads together are combined. */
export const MAX_COMBINATIONS = 1024;

/** Keys the evaluator fills from the principal and the resource (src/engine/request.ts makeRequest): not varied. */
const FILLED = /^aws:(username|userid|principalarn|principalaccount|principaltype|principalisawsservice|principalservicename|principalorgid|resourceaccount|resourceorgid|principaltag\/.*|resourcetag\/.*)$/;

const EXAMPLE = 'example';

/**
 * Every probe for a suite, given in each version compared (one suite object per version; the
 * first is the version whose default context the enumerated requests use). Cases come first, in
 * suite order, then the enumeration; no request is given twice.
 */
export function* probes(versions: readonly Suite[]): Generator<Probe> {
  const defaults = versions[0]!.context;
  const cases = new Map<string, Set<string>>(); // principal/action/resource → contexts of cases
  for (const suite of versions) {
    for (const c of suite.cases) {
      const at = `${c.principal}\u0000${c.action}\u0000${c.resource}`;
      const ctx = contextKey(c.context);
      let seen = cases.get(at);
      if (!seen) cases.set(at, (seen = new Set()));
      if (seen.has(ctx)) continue;
      seen.add(ctx);
      yield {
        principal: c.principal,
        action: c.action,
        resource: c.resource,
        context: c.context,
        overrides: difference(defaults, c.context),
        actions: [c.action],
        fromCase: c.name,
      };
    }
  }
  // Enumerated probes differ from each other by construction; only a case may repeat one.
  const space = new Space(versions);
  const contexts = space.variants.map((overrides) => ({ overrides, context: { ...defaults, ...overrides } }));
  for (const principal of space.principals) {
    const resourcesFor = space.resourcesFor(principal);
    for (const cls of space.classes) {
      const action = cls.actions[0]!;
      for (const resource of resourcesFor(cls)) {
        const asCases = cases.get(`${principal}\u0000${action}\u0000${resource}`);
        for (const { overrides, context } of contexts) {
          if (asCases?.has(contextKey(context))) continue;
          yield { principal, action, resource, context, overrides, actions: cls.actions };
        }
      }
    }
  }
}

function contextKey(ctx: Record<string, ContextValue | null>): string {
  return Object.keys(ctx)
    .sort()
    .map((k) => `${k.toLowerCase()}=${valueKey(ctx[k]!)}`)
    .join('\u0001');
}

function valueKey(v: ContextValue | null): string {
  return v === null ? '∅' : `${v.type}${v.list ? '[]' : ''}:${v.values.join('\u0002')}`;
}

/** The keys of `to` that differ from `from` (keys compared case-insensitively; a key only in `from` becomes null). */
function difference(from: Record<string, ContextValue | null>, to: Record<string, ContextValue | null>): Record<string, ContextValue | null> {
  const lower = new Map(Object.entries(from).map(([k, v]) => [k.toLowerCase(), v]));
  const out: Record<string, ContextValue | null> = {};
  const seen = new Set<string>();
  for (const [k, v] of Object.entries(to)) {
    seen.add(k.toLowerCase());
    const was = lower.get(k.toLowerCase());
    if (was === undefined ? v !== null : valueKey(was) !== valueKey(v)) out[k] = v;
  }
  for (const [k, v] of Object.entries(from)) if (!seen.has(k.toLowerCase()) && v !== null) out[k] = null;
  return out;
}

// ---------------------------------------------------------------------------------------------

interface ActionClass {
  actions: string[];
  /** Resource types of the actions (catalog), or [] for actions without resource-level permissions. */
  types: { service: string; name: string; arnFormat: string }[];
}

/** A resource a suite or policy names: plain text, or a template whose variables resolve per principal. */
interface NamedResource {
  text: string;
  variables: boolean;
}

export class Space {
  readonly principals: string[];
  readonly classes: ActionClass[];
  readonly variants: Record<string, ContextValue | null>[];
  private readonly named: NamedResource[];
  private readonly account: string;

  constructor(private readonly versions: readonly Suite[]) {
    this.principals = [...new Set(versions.flatMap((s) => [...s.principals.keys()]))];
    const statements = [...new Set(versions.flatMap((s) => [...s.policies.values()].flatMap((p) => [...p.compiled.values()].flatMap((c) => c.statements))))];
    this.account = versions.flatMap((s) => [...s.principals.values()].map((p) => /^arn:[^:]*:[^:]*::(\d{12}):/.exec(p.arn)?.[1])).find((a) => a !== undefined) ?? '123456789012';
    this.classes = actionClasses(services(versions, statements), statements);
    this.named = namedResources(versions, statements, this.account);
    this.variants = contextVariants(versions);
  }

  /** The resources to try per action class for one principal (computed once per class). */
  resourcesFor(principal: string): (cls: ActionClass) => string[] {
    const version = this.versions.find((s) => s.principals.has(principal))!;
    const implied = makeRequest({ principal: resolverFor(version).principal(principal), action: 'sts:GetCallerIdentity', resource: '*' }).context;
    const concrete = [...new Set(this.named.map((r) => (r.variables ? substitute(r.text, implied) : r.text)).filter((r): r is string => r !== null))];
    const memo = new Map<string, string[]>();
    return (cls) => {
      const k = cls.types.map((t) => `${t.service}:${t.name}`).join(',');
      let out = memo.get(k);
      if (out) return out;
      if (cls.types.length === 0) out = ['*'];
      else {
        const fits = new Set<string>();
        for (const t of cls.types) {
          const test = typeGlob(t.arnFormat);
          const mine = concrete.filter((r) => test(r));
          if (mine.length === 0) mine.push(fromFormat(t.arnFormat, this.account));
          for (const r of mine) fits.add(r);
        }
        out = [...fits];
      }
      memo.set(k, out);
      return out;
    };
  }
}

/** The services whose actions are enumerated: plain service prefixes in Action/NotAction, and the cases' services. */
function services(versions: readonly Suite[], statements: CompiledStatement[]): string[] {
  const out = new Set<string>();
  for (const s of statements) {
    for (const p of s.action.patterns) {
      const colon = p.indexOf(':');
      const svc = p.slice(0, colon).toLowerCase();
      if (colon > 0 && !/[*?]/.test(svc) && catalog.serviceExists(svc)) out.add(svc);
    }
  }
  for (const suite of versions) for (const c of suite.cases) out.add(c.action.slice(0, c.action.indexOf(':')).toLowerCase());
  return [...out].sort();
}

const SPECIAL = new Set<string>([
  ...NO_PERMISSION_ACTIONS.map((r) => r.action.toLowerCase()),
  ...PROTECTED_RESOURCES.flatMap((r) => r.actions.map((a) => a.toLowerCase())),
  'kms:retiregrant',
]);

function actionClasses(svcs: string[], statements: CompiledStatement[]): ActionClass[] {
  const byKey = new Map<string, ActionClass>();
  for (const svc of svcs) {
    for (const a of catalog.actions(svc)) {
      const lower = a.action.toLowerCase();
      const types = a.resourceTypes.map((t) => catalog.resourceType(a.service, t.name)).filter((t) => t !== undefined);
      let k = `${svc}|${types.map((t) => t.name).join(',')}|`;
      for (const s of statements) k += s.action.test(lower) !== s.notAction ? '1' : '0';
      if (SPECIAL.has(lower) || lower.startsWith('sts:assumerole')) k += `|${lower}`;
      const cls = byKey.get(k);
      if (cls) cls.actions.push(a.action);
      else byKey.set(k, { actions: [a.action], types });
    }
  }
  return [...byKey.values()];
}

// ---------------------------------------------------------------------------------------------
// resources

/** `arn:${Partition}:s3:::${BucketName}/${ObjectName}` → a glob where every placeholder is `*`. */
const typeGlobs = new Map<string, (s: string) => boolean>();
function typeGlob(format: string): (s: string) => boolean {
  let g = typeGlobs.get(format);
  if (!g) typeGlobs.set(format, (g = compileGlob(format.replace(/\$\{[^}]*\}/g, '*'))));
  return g;
}

/** An ARN of a resource type built from its format: `aws`, `us-east-1`, the suite's account, `example` for the rest. */
function fromFormat(format: string, account: string): string {
  return format.replace(/\$\{([^}]*)\}/g, (_m, name: string) => {
    const n = name.toLowerCase();
    if (n === 'partition') return 'aws';
    if (n === 'region') return 'us-east-1';
    if (n === 'account' || n === 'accountid') return account;
    return EXAMPLE;
  });
}

/** Resources the suites (cases, `resources:`) and policies (Resource, NotResource) name, wildcards filled in. */
function namedResources(versions: readonly Suite[], statements: CompiledStatement[], account: string): NamedResource[] {
  const out = new Map<string, NamedResource>();
  const add = (text: string, variables: boolean): void => {
    if (text === '*' || !text.startsWith('arn:')) return;
    const concrete = concretize(text, account);
    if (concrete !== null && !out.has(concrete)) out.set(concrete, { text: concrete, variables: variables && concrete.includes('${') });
  };
  for (const suite of versions) {
    for (const c of suite.cases) add(c.resource, false);
    for (const r of suite.resources) add(r.arn, false);
  }
  for (const s of statements) for (const p of s.resource?.patterns ?? []) add(p, true);
  return [...out.values()];
}

/**
 * An ARN pattern made a concrete ARN: per component, `*` alone becomes a plausible value (`aws`,
 * `us-east-1`, the account, `example`), other `*` become `example` and `?` `x`; `${…}` variables are
 * kept for `substitute`. Null when the service is a wildcard (no one service to try).
 */
function concretize(pattern: string, account: string): string | null {
  const parts: string[] = [];
  let rest = pattern;
  for (let i = 0; i < 5; i++) {
    const c = rest.indexOf(':');
    if (c < 0) return null;
    parts.push(rest.slice(0, c));
    rest = rest.slice(c + 1);
  }
  parts.push(rest);
  if (/[*?]/.test(parts[2]!)) return null;
  const whole = ['arn', 'aws', '', 'us-east-1', account, EXAMPLE];
  return parts
    .map((p, i) => (p === '*' ? whole[i]! : fillWildcards(p)))
    .join(':');
}

/** `*` → `example`, `?` → `x`, outside `${…}`. */
function fillWildcards(text: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '$' && text[i + 1] === '{') depth++;
    else if (ch === '}' && depth > 0) depth--;
    out += depth > 0 ? ch : ch === '*' ? EXAMPLE : ch === '?' ? 'x' : ch;
  }
  return out;
}

/** Resolves `${key}` from the principal's implied context (or the default written in the variable); null when one has no value. */
function substitute(text: string, implied: ReadonlyMap<string, ContextValue>): string | null {
  const { parts } = parseTemplate(text);
  let out = '';
  for (const p of parts) {
    if (p.kind !== 'var') {
      out += p.text;
      continue;
    }
    const v = implied.get(p.keyLower);
    const value = v && !v.list && v.values.length === 1 ? v.values[0] : p.default;
    if (value === undefined) return null;
    out += value;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// context

interface KeyValues {
  key: string;
  /** Values to try when present, in first-seen order (deduplicated). */
  values: ContextValue[];
}

function contextVariants(versions: readonly Suite[]): Record<string, ContextValue | null>[] {
  const keys = new Map<string, KeyValues>();
  const blocks: string[][] = [];
  const statements = new Set<Statement>(versions.flatMap((s) => [...s.policies.values()].flatMap((p) => [...p.compiled.values()].flatMap((c) => c.policy.statements))));
  for (const s of statements) {
    const block = new Set<string>();
    for (const e of s.condition) {
      const lower = e.key.value.toLowerCase();
      if (FILLED.test(lower)) continue;
      block.add(lower);
      let kv = keys.get(lower);
      if (!kv) keys.set(lower, (kv = { key: e.key.value, values: [] }));
      for (const v of entryValues(e)) if (!kv.values.some((x) => valueKey(x) === valueKey(v))) kv.values.push(v);
    }
    if (block.size) blocks.push([...block]);
  }
  const defaults = new Map(Object.entries(versions[0]!.context).map(([k, v]) => [k.toLowerCase(), v]));
  // Per key: its default (no override), then absent, then each value; without repeats.
  const choices = new Map<string, (ContextValue | null | undefined)[]>();
  for (const [lower, kv] of keys) {
    const d = defaults.get(lower);
    const list: (ContextValue | null | undefined)[] = [undefined];
    for (const v of [null, ...kv.values]) if (d === undefined ? v !== null : valueKey(d) !== valueKey(v)) list.push(v);
    choices.set(lower, list);
  }
  let total = 1;
  for (const c of choices.values()) total *= c.length;
  const groups = total <= MAX_COMBINATIONS ? [[...keys.keys()]] : blocks;
  const out = new Map<string, Record<string, ContextValue | null>>();
  for (const group of groups) {
    for (const combo of product(group.map((k) => choices.get(k)!))) {
      const o: Record<string, ContextValue | null> = {};
      combo.forEach((v, i) => {
        if (v !== undefined) o[keys.get(group[i]!)!.key] = v;
      });
      const k = contextKey(o);
      if (!out.has(k)) out.set(k, o);
    }
  }
  if (out.size === 0) out.set('', {});
  return [...out.values()];
}

function* product<T>(lists: T[][]): Generator<T[]> {
  if (lists.length === 0) {
    yield [];
    return;
  }
  const [first, ...rest] = lists;
  for (const v of first!) for (const tail of product(rest)) yield [v, ...tail];
}

/** Values of the key that make the entry true and that make it false (spec §4: per operator family). */
function entryValues(e: ConditionEntry): ContextValue[] {
  const op = parseOperator(e.operator.value);
  if (!op || op.base.family === 'Null') return [];
  const known = contextTypeForKey(e.key.value);
  const family = op.base.family;
  const type: ContextType = known?.type ?? FAMILY_TYPE[family];
  const list = known?.list ?? op.qualifier !== undefined;
  const texts = new Set<string>();
  const name = op.base.name;
  for (const { value } of e.values) {
    if (value.includes('${')) continue; // variables resolve per request: the principal's own value is tried by its keys
    switch (family) {
      case 'Bool':
        texts.add('true').add('false');
        break;
      case 'Numeric': {
        const n = Number(value);
        if (Number.isFinite(n)) for (const d of around(name)) texts.add(String(n + d));
        break;
      }
      case 'Date': {
        const t = parseInstant(value);
        if (!Number.isNaN(t)) for (const d of around(name)) texts.add(new Date(t + d * 1000).toISOString().replace('.000Z', 'Z'));
        break;
      }
      case 'Ip':
        for (const a of addresses(value)) texts.add(a);
        break;
      case 'Arn':
        texts.add(fillWildcards(value)).add('arn:aws:iam::000000000000:user/iamspec-other');
        break;
      case 'Binary':
        texts.add(value).add('aWFtc3BlYy1vdGhlcg==');
        break;
      case 'String':
        texts.add(op.base.wildcards ? fillWildcards(value) : value).add('iamspec-other');
        break;
    }
  }
  return [...texts].map((t) => ({ type, list, values: [t] }));
}

const FAMILY_TYPE: Record<OperatorFamily, ContextType> = {
  String: 'string',
  Arn: 'string',
  Numeric: 'numeric',
  Date: 'date',
  Bool: 'boolean',
  Ip: 'ip',
  Binary: 'binary',
  Null: 'string',
};

/** Offsets around a bound that make a numeric or date relation true and false. */
function around(operator: string): number[] {
  if (/LessThan$/.test(operator) || /GreaterThanEquals$/.test(operator)) return [-1, 0];
  return [0, 1]; // Equals, NotEquals, LessThanEquals, GreaterThan
}

/** An address inside the CIDR (its network address) and one outside it. */
function addresses(text: string): string[] {
  const c = parseCidr(text);
  if (!c) return [];
  const slash = text.indexOf('/');
  const inside = (slash < 0 ? text : text.slice(0, slash)).trim();
  if (c.v6) return [inside, '192.0.2.1'];
  if (c.prefix === 0) return [inside, '2001:db8::1'];
  const flipped = (c.words[0]! ^ (2 ** (32 - c.prefix))) >>> 0;
  return [v4(c.words[0]!), v4(flipped)];
}

function v4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
