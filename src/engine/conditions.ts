// Condition evaluation (spec §4, variables §5), compiled once and evaluated many times.
//
//   * All entries (operator blocks × keys) are AND'ed; an empty condition is true (§4.1).
//   * Several policy values: OR for positive operators, NOR for negated ones (§4.1).
//   * Keys are looked up lower-cased (§4.1). A key absent from the context, or present with zero
//     values, is "absent": positive → false, negated → true, …IfExists → true (§4.2).
//   * ForAllValues: every request value satisfies the base operator; true when absent/empty.
//     ForAnyValue: some request value does; false when absent/empty unless IfExists (§4.3).
//   * A plain operator on a key holding more than one value is false, for positive AND negated
//     operators (§4.3 [SECONDARY], "implement as no-match"); exactly one value is that value.
//   * A request value that cannot be read for the operator's family (not a number, date, boolean,
//     IP address, ARN, base64) makes that value fail, for negated operators too (§4.5, §4.12).
//     A policy value that cannot be read never matches (so it counts as "not matching" in a NOR).
//   * A policy variable without a value (and without a default) makes that policy value "have no
//     value": it matches nothing, i.e. positive operators skip it and negated ones count it as
//     not matching (§5).
//
// Everything the policy says is parsed here, at compile time. `test` allocates nothing: value
// sets are classes (no closures), request values are parsed into module scratch (src/policy/values.ts), and
// variable values are written into per-template slot arrays.

import type { ConditionEntry } from '../policy/model.ts';
import { parseOperator, type ParsedOperator } from '../policy/operators.ts';
import type { ContextMap, ContextValue } from './request.ts';
import type { AssumptionId } from './assumption-rules.ts';
import type { ConditionFailure } from './types.ts';
import { Glob } from './glob.ts';
import { ArnPattern, compileArnCondition, readArn } from './resource.ts';
import { compileTemplate, fillSlots, firstUnresolved, resolveTemplate, type CompiledTemplate } from './template.ts';
import {
  cidrContainsParsed,
  compareDecimal,
  decodeBase64,
  decodedEquals,
  decodeRequestBase64,
  equalsFolded,
  foldCode,
  foldLatin1,
  parseBool,
  parseCidr,
  parseDecimal,
  parseDecimalInto,
  parseInstant,
  parseRequestAddress,
  type Cidr,
  type Decimal,
} from '../policy/values.ts';

export interface CompiledCondition {
  /** AND over all entries. An empty condition is true. */
  test(ctx: ContextMap): boolean;
  /** The first entry (in written order) that is false, with the request's values and the policy's values; null if all are true. Used only for explanations (may allocate). */
  firstFailure(ctx: ContextMap): ConditionFailure | null;
  /** Each entry's truth value for this request, in written order (coverage: src/analysis; allocates). */
  outcomes(ctx: ContextMap): boolean[];
  /** Lower-cased keys the condition reads (condition keys and variables in values). */
  keys: string[];
  /** Cheap: could a recorded assumption decide this condition for this request? (src/engine/assumptions.ts) */
  mayAssume(ctx: ContextMap, anonymous: boolean): boolean;
  /** For each recorded assumption that decides the condition here, its value under the alternative reading (only those that differ). Allocates. */
  alternatives(ctx: ContextMap, anonymous: boolean): [AssumptionId, boolean][];
}

// ---------------------------------------------------------------------------------------------
// Value sets: one per entry, holding the parsed policy values of one operator family.

const MATCH = 1;
const NO_MATCH = 0;
const UNREADABLE = -1;

interface ValueSet {
  /**
   * MATCH if some policy value stands in the family's positive relation to `r` (equals, like,
   * less than, inside the CIDR…), NO_MATCH if none does, UNREADABLE if `r` cannot be read.
   */
  any(r: string, ctx: ContextMap): number;
  /** What an UNREADABLE request value is not, for explanations. */
  readonly unreadable: string;
  /** Policy values that cannot be read (for explanations). */
  readonly badPolicyValues: string[];
  /** Templates with variables (for explanations and `keys`). */
  readonly templates: CompiledTemplate[];
}

const NO_CONTEXT: ContextMap = new Map();

/** Compares `r` to the resolved template exactly (or Latin-1 case-insensitively), without allocating. */
function equalsTemplate(r: string, t: CompiledTemplate, fold: boolean): boolean {
  let p = 0;
  const tokens = t.tokens;
  for (let k = 0; k < tokens.length; k++) {
    const tok = tokens[k]!;
    const s = typeof tok === 'string' ? tok : 'literal' in tok ? tok.literal : t.slots[tok.slot]!;
    if (p + s.length > r.length) return false;
    if (fold) {
      for (let i = 0; i < s.length; i++) {
        if (foldCode(r.charCodeAt(p + i)) !== foldCode(s.charCodeAt(i))) return false;
      }
    } else if (!r.startsWith(s, p)) return false;
    p += s.length;
  }
  return p === r.length;
}

class StringEqualsSet implements ValueSet {
  readonly unreadable = 'a string';
  readonly badPolicyValues: string[] = [];
  private readonly fixed: string[] = [];
  private readonly fixedSet: Set<string> | null;
  readonly templates: CompiledTemplate[] = [];

  constructor(
    values: string[],
    variables: boolean,
    private readonly fold: boolean,
  ) {
    for (const v of values) {
      const t = compileTemplate(v, variables);
      if (t.vars.length > 0) this.templates.push(t);
      else {
        // Without variables the template resolves to plain text (`${*}`-style literals included).
        const text = resolveTemplate(t, NO_CONTEXT)!;
        this.fixed.push(fold ? foldLatin1(text) : text);
      }
    }
    this.fixedSet = !fold && this.fixed.length > 4 ? new Set(this.fixed) : null;
  }

  any(r: string, ctx: ContextMap): number {
    if (this.fixedSet !== null) {
      if (this.fixedSet.has(r)) return MATCH;
    } else {
      const fixed = this.fixed;
      for (let i = 0; i < fixed.length; i++) {
        if (this.fold ? equalsFolded(r, fixed[i]!) : r === fixed[i]) return MATCH;
      }
    }
    const ts = this.templates;
    for (let i = 0; i < ts.length; i++) {
      const t = ts[i]!;
      if (fillSlots(t, ctx) && equalsTemplate(r, t, this.fold)) return MATCH;
    }
    return NO_MATCH;
  }
}

class StringLikeSet implements ValueSet {
  readonly unreadable = 'a string';
  readonly badPolicyValues: string[] = [];
  private readonly globs: Glob[] = [];
  private readonly owners: (CompiledTemplate | null)[] = [];
  readonly templates: CompiledTemplate[] = [];

  constructor(values: string[], variables: boolean) {
    for (const v of values) {
      const t = compileTemplate(v, variables);
      this.globs.push(new Glob(t.tokens));
      this.owners.push(t.vars.length > 0 ? t : null);
      if (t.vars.length > 0) this.templates.push(t);
    }
  }

  any(r: string, ctx: ContextMap): number {
    const globs = this.globs;
    for (let i = 0; i < globs.length; i++) {
      const t = this.owners[i]!;
      if (t === null) {
        if (globs[i]!.match(r)) return MATCH;
      } else if (fillSlots(t, ctx) && globs[i]!.match(r, t.slots)) return MATCH;
    }
    return NO_MATCH;
  }
}

type Relation = 'eq' | 'lt' | 'le' | 'gt' | 'ge';

function relationOf(baseName: string): Relation {
  if (baseName.endsWith('GreaterThanEquals')) return 'ge';
  if (baseName.endsWith('GreaterThan')) return 'gt';
  if (baseName.endsWith('LessThanEquals')) return 'le';
  if (baseName.endsWith('LessThan')) return 'lt';
  return 'eq'; // Equals and NotEquals (negation is applied by the entry)
}

/** Does `cmp` (sign of request − policy) satisfy the relation? */
function holds(rel: Relation, cmp: number): boolean {
  switch (rel) {
    case 'eq':
      return cmp === 0;
    case 'lt':
      return cmp < 0;
    case 'le':
      return cmp <= 0;
    case 'gt':
      return cmp > 0;
    case 'ge':
      return cmp >= 0;
  }
}

const decimalScratch: Decimal = { src: '', neg: false, intStart: 0, intEnd: 0, fracStart: 0, fracEnd: 0 };

class NumericSet implements ValueSet {
  readonly unreadable = 'a number';
  readonly badPolicyValues: string[] = [];
  readonly templates: CompiledTemplate[] = [];
  private readonly nums: Decimal[] = [];

  constructor(
    values: string[],
    private readonly rel: Relation,
  ) {
    for (const v of values) {
      const d = parseDecimal(v);
      if (d) this.nums.push(d);
      else this.badPolicyValues.push(v);
    }
  }

  any(r: string): number {
    if (!parseDecimalInto(r, decimalScratch)) return UNREADABLE;
    const nums = this.nums;
    for (let i = 0; i < nums.length; i++) if (holds(this.rel, compareDecimal(decimalScratch, nums[i]!))) return MATCH;
    return NO_MATCH;
  }
}

let lastInstantText = '';
let lastInstant = Number.NaN;

class DateSet implements ValueSet {
  readonly unreadable = 'a date (ISO 8601 or epoch seconds)';
  readonly badPolicyValues: string[] = [];
  readonly templates: CompiledTemplate[] = [];
  private readonly instants: number[] = [];

  constructor(
    values: string[],
    private readonly rel: Relation,
  ) {
    for (const v of values) {
      const t = parseInstant(v);
      if (Number.isNaN(t)) this.badPolicyValues.push(v);
      else this.instants.push(t);
    }
  }

  any(r: string): number {
    // One request's date (aws:CurrentTime) is read by many statements: remember the last parse.
    let x: number;
    if (r === lastInstantText) x = lastInstant;
    else {
      x = parseInstant(r);
      lastInstantText = r;
      lastInstant = x;
    }
    if (Number.isNaN(x)) return UNREADABLE;
    const xs = this.instants;
    for (let i = 0; i < xs.length; i++) {
      const d = x - xs[i]!;
      if (holds(this.rel, d < 0 ? -1 : d > 0 ? 1 : 0)) return MATCH;
    }
    return NO_MATCH;
  }
}

class BoolSet implements ValueSet {
  readonly unreadable = 'a boolean ("true" or "false")';
  readonly badPolicyValues: string[] = [];
  readonly templates: CompiledTemplate[] = [];
  private wantTrue = false;
  private wantFalse = false;

  constructor(values: string[]) {
    for (const v of values) {
      const b = parseBool(v);
      if (b === 1) this.wantTrue = true;
      else if (b === 0) this.wantFalse = true;
      else this.badPolicyValues.push(v);
    }
  }

  any(r: string): number {
    const b = parseBool(r);
    if (b < 0) return UNREADABLE;
    return (b === 1 ? this.wantTrue : this.wantFalse) ? MATCH : NO_MATCH;
  }
}

class BinarySet implements ValueSet {
  readonly unreadable = 'base64';
  readonly badPolicyValues: string[] = [];
  readonly templates: CompiledTemplate[] = [];
  private readonly bytes: Uint8Array[] = [];

  constructor(values: string[]) {
    for (const v of values) {
      const b = decodeBase64(v);
      if (b) this.bytes.push(b);
      else this.badPolicyValues.push(v);
    }
  }

  any(r: string): number {
    const n = decodeRequestBase64(r);
    if (n < 0) return UNREADABLE;
    const bs = this.bytes;
    for (let i = 0; i < bs.length; i++) if (decodedEquals(bs[i]!, n)) return MATCH;
    return NO_MATCH;
  }
}

class IpSet implements ValueSet {
  readonly unreadable = 'an IP address';
  readonly badPolicyValues: string[] = [];
  readonly templates: CompiledTemplate[] = [];
  private readonly cidrs: Cidr[] = [];

  constructor(values: string[]) {
    for (const v of values) {
      const c = parseCidr(v);
      if (c) this.cidrs.push(c);
      else this.badPolicyValues.push(v);
    }
  }

  any(r: string): number {
    const kind = parseRequestAddress(r);
    if (kind === 0) return UNREADABLE;
    const cs = this.cidrs;
    for (let i = 0; i < cs.length; i++) if (cidrContainsParsed(cs[i]!, kind)) return MATCH;
    return NO_MATCH;
  }
}

class ArnSet implements ValueSet {
  readonly unreadable = 'an ARN';
  readonly badPolicyValues: string[] = [];
  readonly templates: CompiledTemplate[] = [];
  private readonly patterns: ArnPattern[] = [];
  private readonly owners: (CompiledTemplate | null)[] = [];

  constructor(values: string[], variables: boolean) {
    for (const v of values) {
      const t = compileTemplate(v, variables);
      this.patterns.push(compileArnCondition(t));
      this.owners.push(t.vars.length > 0 ? t : null);
      if (t.vars.length > 0) this.templates.push(t);
    }
  }

  any(r: string, ctx: ContextMap): number {
    const arn = readArn(r);
    if (arn === null) return UNREADABLE;
    const ps = this.patterns;
    for (let i = 0; i < ps.length; i++) {
      const t = this.owners[i]!;
      if (t === null) {
        if (ps[i]!.matchArn(arn)) return MATCH;
      } else if (fillSlots(t, ctx) && ps[i]!.matchArn(arn, t.slots)) return MATCH;
    }
    return NO_MATCH;
  }
}

// ---------------------------------------------------------------------------------------------
// Readings of values the assumptions check against (src/engine/assumption-rules.ts)

const ANONYMOUS_KEYS: ReadonlySet<string> = new Set(['aws:userid', 'aws:principalaccount']);
const BARE_V6 = /^[0-9a-f:]*:[0-9a-f:.]*$/i;
const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;
const PLAIN_NUMBER = /^-?\d{1,15}(\.\d{1,15})?$/;
const FULL_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const EPOCH = /^-?\d+(\.\d+)?$/;
const NON_ASCII_LETTER = /[\u00c0-\u00fe]/;

/** date-forms' alternative: four digits are epoch seconds; other incomplete dates are unreadable. */
function altInstant(v: string): number {
  if (/^\d{4}$/.test(v)) return Number(v) * 1000;
  if (FULL_DATE.test(v) || EPOCH.test(v)) return parseInstant(v);
  return Number.NaN;
}

/** numbers-exact-decimal's alternative: an IEEE double, exponents allowed. */
function altNumber(v: string): number {
  return v.trim() === '' ? Number.NaN : Number(v);
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** A value whose reading rests on a recorded assumption of its operator family. */
function oddValue(op: ParsedOperator, v: string, policy: boolean): boolean {
  const base = op.base;
  switch (base.family) {
    case 'Bool':
      return v !== 'true' && v !== 'false';
    case 'Date':
      return !FULL_DATE.test(v) && !(EPOCH.test(v) && !/^\d{4}$/.test(v));
    case 'Numeric':
      return !PLAIN_NUMBER.test(v);
    case 'Ip':
      return policy ? BARE_V6.test(v) : MAPPED_V4.test(v);
    case 'String':
      return base.ignoreCase === true && NON_ASCII_LETTER.test(v);
    default:
      return false;
  }
}

function makeValueSet(op: ParsedOperator, values: string[], variables: boolean): ValueSet | null {
  const base = op.base;
  const vars = variables && base.variables;
  switch (base.family) {
    case 'String':
      return base.wildcards ? new StringLikeSet(values, vars) : new StringEqualsSet(values, vars, base.ignoreCase === true);
    case 'Numeric':
      return new NumericSet(values, relationOf(base.name));
    case 'Date':
      return new DateSet(values, relationOf(base.name));
    case 'Bool':
      return new BoolSet(values);
    case 'Binary':
      return new BinarySet(values);
    case 'Ip':
      return new IpSet(values);
    case 'Arn':
      return new ArnSet(values, vars);
    case 'Null':
      return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Entries

class Entry {
  readonly keyLower: string;
  private readonly negated: boolean;
  private readonly ifExists: boolean;
  private readonly forAll: boolean;
  private readonly forAny: boolean;
  private readonly set: ValueSet | null;
  /** Null: some value is "true" (absent wanted) / "false" (present wanted). */
  private readonly nullWhenAbsent: boolean = false;
  private readonly nullWhenPresent: boolean = false;
  private readonly nullBad: string[] = [];
  private readonly values: string[];
  /** Policy values whose reading rests on an assumption (compile time). */
  private readonly oddPolicyValues: boolean;

  constructor(
    readonly source: ConditionEntry,
    readonly op: ParsedOperator,
    variables: boolean,
  ) {
    this.keyLower = source.key.value.toLowerCase();
    this.values = source.values.map((v) => v.value);
    this.oddPolicyValues = this.values.some((v) => oddValue(op, v, true));
    this.negated = op.base.negated;
    // `Null…IfExists` is invalid (validator error, spec §2.3); IfExists is ignored for Null.
    this.ifExists = op.ifExists && op.base.family !== 'Null';
    this.forAll = op.qualifier === 'ForAllValues';
    this.forAny = op.qualifier === 'ForAnyValue';
    const values = source.values.map((v) => v.value);
    this.set = makeValueSet(op, values, variables);
    if (op.base.family === 'Null') {
      for (const v of values) {
        // "true"/"false", case-insensitive like Bool (spec §4.8 [UNDOCUMENTED]).
        const b = parseBool(v);
        if (b === 1) this.nullWhenAbsent = true;
        else if (b === 0) this.nullWhenPresent = true;
        else this.nullBad.push(v);
      }
    }
  }

  /** Does one request value satisfy the base operator (with OR / NOR over the policy values)? */
  private single(r: string, ctx: ContextMap): boolean {
    const m = this.set!.any(r, ctx);
    if (m === UNREADABLE) return false;
    return this.negated ? m === NO_MATCH : m === MATCH;
  }

  test(ctx: ContextMap): boolean {
    const cv = ctx.get(this.keyLower);
    const vals = cv === undefined ? null : cv.values;
    const n = vals === null ? 0 : vals.length;
    if (this.set === null) {
      // Null (spec §4.2, §4.11): under ForAllValues always true, under ForAnyValue always false.
      if (this.forAll) return true;
      if (this.forAny) return false;
      return n > 0 ? this.nullWhenPresent : this.nullWhenAbsent;
    }
    if (this.forAll) {
      for (let i = 0; i < n; i++) if (!this.single(vals![i]!, ctx)) return false;
      return true; // vacuously true when absent or empty
    }
    if (this.forAny) {
      if (n === 0) return this.ifExists;
      for (let i = 0; i < n; i++) if (this.single(vals![i]!, ctx)) return true;
      return false;
    }
    if (n === 0) return this.ifExists || this.negated;
    if (n > 1) return false; // plain operator on a multivalued key: no match (spec §4.3)
    return this.single(vals![0]!, ctx);
  }

  templates(): CompiledTemplate[] {
    return this.set ? this.set.templates : [];
  }

  // ---- assumptions (src/engine/assumption-rules.ts): off the fast path, may allocate

  /** The entry under another reading of one value comparison, of a multivalued key, or of an empty one. */
  private evalWith(vals: readonly string[] | null, single: (r: string) => boolean, anyOfMany: boolean, emptyIsAbsent: boolean): boolean {
    const absent = vals === null || (vals.length === 0 && emptyIsAbsent);
    const n = vals === null ? 0 : vals.length;
    if (this.set === null) {
      if (this.forAll) return true;
      if (this.forAny) return false;
      return absent ? this.nullWhenAbsent : this.nullWhenPresent;
    }
    if (this.forAll) return vals === null || vals.every(single);
    if (this.forAny) return n === 0 ? absent && this.ifExists : vals!.some(single);
    if (n === 0) return absent ? this.ifExists || this.negated : this.negated;
    if (n > 1) return anyOfMany && vals!.some(single);
    return single(vals![0]!);
  }

  private readsAnonymousKey(): boolean {
    return ANONYMOUS_KEYS.has(this.keyLower) || this.templates().some((t) => t.vars.some((v) => ANONYMOUS_KEYS.has(v.keyLower)));
  }

  mayAssume(ctx: ContextMap, anonymous: boolean): boolean {
    if (anonymous && this.readsAnonymousKey()) return true;
    const cv = ctx.get(this.keyLower);
    if (cv === undefined) return false;
    const vals = cv.values;
    if (vals.length === 0) return true;
    if (this.set === null) return false;
    if (!this.forAll && !this.forAny && vals.length > 1) return true;
    if (this.op.base.family === 'String' && cv.type === 'boolean') return true;
    if (this.oddPolicyValues) return true;
    for (const r of vals) if (oddValue(this.op, r, false) || (this.negated && this.set.any(r, ctx) === UNREADABLE)) return true;
    return this.templates().some((t) => fillSlots(t, ctx) && t.slots.some((v) => /[*?]/.test(v)));
  }

  alternatives(ctx: ContextMap, anonymous: boolean): [AssumptionId, boolean][] {
    const out: [AssumptionId, boolean][] = [];
    const ours = this.test(ctx);
    const add = (id: AssumptionId, alt: boolean): void => {
      if (alt !== ours) out.push([id, alt]);
    };
    if (anonymous && this.readsAnonymousKey()) {
      const without = new Map(ctx);
      for (const k of ANONYMOUS_KEYS) without.delete(k);
      add('anonymous-principal-keys', this.test(without));
    }
    const cv = ctx.get(this.keyLower);
    if (cv === undefined) return out;
    const vals = cv.values;
    const single = (r: string): boolean => this.single(r, ctx);
    if (vals.length === 0) add('empty-values-absent', this.evalWith(vals, single, false, false));
    if (this.set === null || vals.length === 0) return out;
    if (!this.forAll && !this.forAny && vals.length > 1) add('plain-operator-multivalued', this.evalWith(vals, single, true, true));
    for (const [id, altSingle] of this.valueReadings(cv, ctx)) add(id, this.evalWith(vals, altSingle, false, true));
    return out;
  }

  /** The other readings of a single value comparison that apply to this entry. */
  private valueReadings(cv: ContextValue, ctx: ContextMap): [AssumptionId, (r: string) => boolean][] {
    const set = this.set!;
    const base = this.op.base;
    const neg = this.negated;
    const out: [AssumptionId, (r: string) => boolean][] = [];
    const verdict = (m: boolean): boolean => (neg ? !m : m);
    if (neg && base.family !== 'String') {
      out.push(['unreadable-request-value', (r) => (set.any(r, ctx) === UNREADABLE ? true : verdict(set.any(r, ctx) === MATCH))]);
    }
    switch (base.family) {
      case 'String':
        if (cv.type === 'boolean') out.push(['string-operator-on-boolean', () => neg]);
        if (base.ignoreCase) {
          const texts = (): string[] => this.values.map((v) => resolveTemplate(compileTemplate(v, set.templates.length > 0), ctx) ?? '\u0000');
          out.push(['ignorecase-latin1', (r) => verdict(texts().some((t) => asciiLower(t) === asciiLower(r)))]);
        }
        if (base.wildcards) out.push(['substituted-values-literal', (r) => verdict(set.any(r, ctx) === MATCH || this.resolvedPatterns(ctx).some((g) => g.match(r)))]);
        break;
      case 'Arn':
        out.push(['substituted-values-literal', (r) => (set.any(r, ctx) === UNREADABLE ? false : verdict(set.any(r, ctx) === MATCH || this.resolvedPatterns(ctx).some((a) => a.match(r))))]);
        break;
      case 'Bool': {
        const want = (b: string): boolean => this.values.includes(b);
        out.push(['bool-case-insensitive', (r) => (r === 'true' || r === 'false') && want(r)]);
        break;
      }
      case 'Date':
        out.push(['date-forms', this.compareAs(altInstant, verdict)]);
        break;
      case 'Numeric':
        out.push(['numbers-exact-decimal', this.compareAs(altNumber, verdict)]);
        break;
      case 'Ip': {
        const v4only = new IpSet(this.values.filter((v) => !BARE_V6.test(v)));
        const read = (s2: ValueSet, r: string): boolean => {
          const m = s2.any(r, ctx);
          return m !== UNREADABLE && verdict(m === MATCH);
        };
        out.push(['ipv6-bare-128', (r) => read(v4only, r)]);
        out.push(['ipv4-mapped-ipv6', (r) => read(set, MAPPED_V4.exec(r)?.[1] ?? r)]);
        break;
      }
    }
    return out;
  }

  /** A Date or Numeric comparison with values read by `read` (NaN: unreadable, never matches). */
  private compareAs(read: (v: string) => number, verdict: (m: boolean) => boolean): (r: string) => boolean {
    const rel = relationOf(this.op.base.name);
    const policy = this.values.map(read).filter((t) => !Number.isNaN(t));
    return (r) => {
      const x = read(r);
      return !Number.isNaN(x) && verdict(policy.some((y) => holds(rel, Math.sign(x - y))));
    };
  }

  /** StringLike and Arn values with their substituted variables read as wildcards (substituted-values-literal). */
  private resolvedPatterns(ctx: ContextMap): { match(s: string): boolean }[] {
    const arn = this.op.base.family === 'Arn';
    return this.set!.templates.flatMap((t) => {
      const text = resolveTemplate(t, ctx);
      if (text === null) return [];
      const literal = compileTemplate(text, false);
      return [arn ? compileArnCondition(literal) : new Glob(literal.tokens)];
    });
  }

  /** Explains a false entry (allocates; explanations only). */
  failure(ctx: ContextMap): ConditionFailure {
    const s = this.source;
    const cv = ctx.get(this.keyLower);
    const out: ConditionFailure = {
      operator: this.op.canonical,
      key: s.key.value,
      requestValues: cv === undefined ? null : [...cv.values],
      policyValues: s.values.map((v) => v.value),
      span: s.key.span,
    };
    const note = this.note(ctx, cv?.values ?? null);
    if (note !== undefined) out.note = note;
    return out;
  }

  private note(ctx: ContextMap, vals: readonly string[] | null): string | undefined {
    const n = vals === null ? 0 : vals.length;
    const absent = vals === null ? 'the request has no such key' : 'the key is present with no values (treated as absent)';
    if (this.set === null) {
      if (this.forAny) return 'Null under ForAnyValue is always false (spec §4.2)';
      if (this.nullBad.length > 0 && !this.nullWhenAbsent && !this.nullWhenPresent) {
        return `Null takes "true" or "false", not ${this.nullBad.map((v) => `"${v}"`).join(', ')}`;
      }
      return n > 0 ? 'the key is present (Null "true" requires it absent)' : `${absent} (Null "false" requires it present)`;
    }
    if (n === 0) {
      return this.forAny ? `${absent}; ForAnyValue is false for an absent or empty key (spec §4.3)` : `${absent} (spec §4.2)`;
    }
    if (!this.forAll && !this.forAny && n > 1) {
      return `key holds ${n} values; a plain operator needs ForAnyValue/ForAllValues (§4.3)`;
    }
    const parts: string[] = [];
    const culprit = this.forAny ? undefined : vals!.find((r) => !this.single(r, ctx));
    const probe = culprit ?? vals![0]!;
    if (this.set.any(probe, ctx) === UNREADABLE) {
      parts.push(n > 1 ? `request value "${probe}" is not ${this.set.unreadable}` : `request value is not ${this.set.unreadable}`);
    } else if (this.forAll && culprit !== undefined) {
      parts.push(`request value "${culprit}" does not satisfy ${this.op.base.name}`);
    } else if (this.forAny) {
      parts.push(`no request value satisfies ${this.op.base.name}`);
    }
    for (const t of this.set.templates) {
      const v = firstUnresolved(t, ctx);
      if (v) parts.push(`policy variable \${${v.key}} has no value, so "${t.source}" matches nothing (spec §5)`);
    }
    if (this.set.badPolicyValues.length > 0) {
      parts.push(
        `policy value${this.set.badPolicyValues.length > 1 ? 's' : ''} ${this.set.badPolicyValues
          .map((v) => `"${v}"`)
          .join(', ')} ${this.set.badPolicyValues.length > 1 ? 'are' : 'is'} not ${this.set.unreadable} and never match${
          this.set.badPolicyValues.length > 1 ? '' : 'es'
        }`,
      );
    }
    return parts.length > 0 ? parts.join('; ') : undefined;
  }
}

class Compiled implements CompiledCondition {
  constructor(
    private readonly entries: Entry[],
    readonly keys: string[],
  ) {}

  mayAssume(ctx: ContextMap, anonymous: boolean): boolean {
    for (const e of this.entries) if (e.mayAssume(ctx, anonymous)) return true;
    return false;
  }

  alternatives(ctx: ContextMap, anonymous: boolean): [AssumptionId, boolean][] {
    const out: [AssumptionId, boolean][] = [];
    this.entries.forEach((e, i) => {
      const othersHold = this.entries.every((o, k) => k === i || o.test(ctx));
      for (const [id, alt] of e.alternatives(ctx, anonymous)) {
        const whole = othersHold && alt;
        if (whole !== this.test(ctx)) out.push([id, whole]);
      }
    });
    return out;
  }

  test(ctx: ContextMap): boolean {
    const es = this.entries;
    for (let i = 0; i < es.length; i++) if (!es[i]!.test(ctx)) return false;
    return true;
  }

  firstFailure(ctx: ContextMap): ConditionFailure | null {
    for (const e of this.entries) if (!e.test(ctx)) return e.failure(ctx);
    return null;
  }

  outcomes(ctx: ContextMap): boolean[] {
    return this.entries.map((e) => e.test(ctx));
  }
}

/**
 * Compiles a statement's Condition entries. `variables`: the policy's Version is 2012-10-17
 * (otherwise `${…}` is literal text, spec §2.1, §5). Throws on an unknown operator (the validator
 * reports it first; this is a guard).
 */
export function compileCondition(entries: ConditionEntry[], opts: { variables: boolean }): CompiledCondition {
  const compiled: Entry[] = [];
  const keys = new Set<string>();
  for (const e of entries) {
    const op = parseOperator(e.operator.value);
    if (!op) throw new Error(`unknown condition operator "${e.operator.value}" (spec §4)`);
    const entry = new Entry(e, op, opts.variables);
    compiled.push(entry);
    keys.add(entry.keyLower);
    for (const t of entry.templates()) for (const v of t.vars) keys.add(v.keyLower);
  }
  return new Compiled(compiled, [...keys]);
}
