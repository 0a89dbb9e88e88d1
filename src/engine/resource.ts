// Resource matching (spec §3.2, variables §5) and the ARN pattern shared with the Arn condition
// operators (spec §4.7).
//
// An ARN pattern is split at its first five colons into arn/partition/service/region/account
// components (matched per component against the request's parsed ARN, so a `*` in the region
// never swallows a colon) and a resource component matched against the whole remainder of the
// request ARN (which may contain `:` and `/`; `*` spans both). All components are
// case-sensitive: the resource component is documented so; for partition/service/region/account
// real ARNs are lower-case anyway (iam-simulate compares those case-insensitively [SECONDARY]).
//
// Short patterns (fewer than six components, spec §3.2 "expands beyond colon boundaries", §10):
// when the last component ends with a wildcard `*`, it matches the rest of the request ARN from
// that component on (`arn:aws:s3:*` matches every S3 ARN); otherwise the pattern matches nothing.

import { Glob, type GlobToken } from './glob.ts';
import type { Request } from './request.ts';
import { compileTemplate, fillSlots, firstUnresolved, resolveTemplate, type CompiledTemplate } from './template.ts';
import { parseArn, type ParsedArn } from './arn.ts';
import type { AssumptionId } from './assumption-rules.ts';

// ---------------------------------------------------------------------------------------------
// Colon positions of an ARN, in module scratch (single-threaded; never retained): compile time only.

const colons = new Int32Array(5);

/** Finds the first five colons of an ARN (`arn:` prefix required); false if it is not an ARN. */
export function scanArnColons(s: string): boolean {
  if (!s.startsWith('arn:')) return false;
  colons[0] = 3;
  let from = 4;
  for (let i = 1; i < 5; i++) {
    const c = s.indexOf(':', from);
    if (c < 0) return false;
    colons[i] = c;
    from = c + 1;
  }
  return true;
}

let lastArnText = '';
let lastArn: ParsedArn | null = null;

/**
 * parseArn, remembering the last ARN read: one request's `aws:PrincipalArn` is read by every
 * statement with an Arn condition on it.
 */
export function readArn(s: string): ParsedArn | null {
  if (s !== lastArnText) {
    lastArnText = s;
    lastArn = parseArn(s);
  }
  return lastArn;
}

/**
 * One of the first five components of a pattern, compiled for the request's parsed component:
 * null matches anything (`*`), a string only itself, a glob what it matches. A string compare is
 * what most components need: the per-character glob is the exception.
 */
type Component = Glob | string | null;

function component(g: Glob): Component {
  if (g.matchesAll) return null;
  return g.exact ?? g;
}

function componentMatches(c: Component, value: string, slots: readonly string[]): boolean {
  if (c === null) return true;
  return typeof c === 'string' ? c === value : c.match(value, slots);
}

/** The i-th of an ARN's first five components (the first is always `arn`: parseArn requires it). */
function part(a: ParsedArn, i: number): string {
  switch (i) {
    case 0:
      return 'arn';
    case 1:
      return a.partition;
    case 2:
      return a.service;
    case 3:
      return a.region;
    default:
      return a.account;
  }
}

const NO_SLOTS: readonly string[] = [];

/** A compiled ARN pattern: each component matched against the request ARN's parsed component. */
export class ArnPattern {
  /** arn, partition, service, region, account, resource (a short pattern: fewer, its last in `rest`). */
  private readonly comps: Component[];
  /** A short pattern's last component, matched against the rest of the ARN from its position. */
  private readonly rest: Glob | null;
  /** Six components, or a short pattern whose last component ends with `*`. */
  private readonly usable: boolean;
  /** Fewer than six components (spec §3.2 "expands beyond colon boundaries"). */
  readonly short: boolean;
  /** The first five components when all are plain text (`arn:aws:s3:::`): one compare with the ARN's head. */
  private readonly head: string | null;
  /**
   * Plain text the resource component starts with (`instance/`, `home-bucket/home/`; '' if none).
   * Most patterns a request meets name another resource type: this rejects them with one compare.
   */
  private readonly lead: string;

  /** `components`: the pattern's tokens already split at its first five colons. */
  constructor(components: GlobToken[][]) {
    const globs = components.map((c) => new Glob(c));
    const last = globs[globs.length - 1]!;
    this.short = globs.length < 6;
    this.usable = !this.short || last.endsWithStar;
    this.comps = (this.short ? globs.slice(0, -1) : globs).map(component);
    this.rest = this.short ? last : null;
    const first5 = this.comps.slice(0, 5);
    this.head = !this.short && first5.every((c) => typeof c === 'string') ? `${first5.join(':')}:` : null;
    this.lead = this.short ? '' : globs[5]!.lead;
  }

  /** Cheap: false when the ARN's resource component cannot match (before filling slots, which costs more). */
  mayMatch(a: ParsedArn): boolean {
    return a.resource.startsWith(this.lead);
  }

  /** Matches a parsed ARN; `slots` supplies variable values. */
  matchArn(a: ParsedArn, slots: readonly string[] = NO_SLOTS): boolean {
    if (this.rest !== null) return this.usable && this.matchShort(a, slots);
    if (!a.resource.startsWith(this.lead)) return false;
    const c = this.comps;
    if (this.head !== null) return a.head === this.head && componentMatches(c[5]!, a.resource, slots);
    // The most selective components first: the service, the account, the resource.
    return (
      componentMatches(c[2]!, a.service, slots) &&
      componentMatches(c[4]!, a.account, slots) &&
      componentMatches(c[5]!, a.resource, slots) &&
      componentMatches(c[3]!, a.region, slots) &&
      componentMatches(c[1]!, a.partition, slots) &&
      componentMatches(c[0]!, 'arn', slots)
    );
  }

  private matchShort(a: ParsedArn, slots: readonly string[]): boolean {
    const c = this.comps;
    let start = 0;
    for (let i = 0; i < c.length; i++) {
      const value = part(a, i);
      if (!componentMatches(c[i]!, value, slots)) return false;
      start += value.length + 1;
    }
    return this.rest!.matchRange(a.raw, start, a.raw.length, slots);
  }

  /** Matches a string that must be an ARN. */
  match(s: string, slots?: readonly string[]): boolean {
    const a = readArn(s);
    return a !== null && this.matchArn(a, slots);
  }
}

/** Splits tokens at the first five colons of plain-string tokens (slots and literals are atomic). */
export function splitArnTokens(tokens: readonly GlobToken[]): GlobToken[][] {
  const comps: GlobToken[][] = [[]];
  for (const tok of tokens) {
    if (typeof tok !== 'string') {
      comps[comps.length - 1]!.push(tok);
      continue;
    }
    let rest = tok;
    while (comps.length < 6) {
      const c = rest.indexOf(':');
      if (c < 0) break;
      if (c > 0) comps[comps.length - 1]!.push(rest.slice(0, c));
      comps.push([]);
      rest = rest.slice(c + 1);
    }
    if (rest.length > 0) comps[comps.length - 1]!.push(rest);
  }
  return comps;
}

/** Compiles an Arn-operator condition value (spec §4.7): variables anywhere in the value. */
export function compileArnCondition(template: CompiledTemplate): ArnPattern {
  return new ArnPattern(splitArnTokens(template.tokens));
}

// ---------------------------------------------------------------------------------------------
// Resource / NotResource

export interface ResourceMatcher {
  /** True if ANY listed pattern matches the request's resource (the caller negates for NotResource). */
  test(req: Request): boolean;
  /** Lower-cased context keys referenced by variables (for MissingContextValues). */
  keys: string[];
  patterns: string[];
  /** Why no pattern matched, when there is something worth saying (for explanations). */
  note(req: Request): string | undefined;
  /** Cheap: could a recorded assumption decide `test` for this request? (src/engine/assumptions.ts) */
  mayAssume(req: Request): boolean;
  /**
   * For each recorded assumption that decides `test` here, the result under its alternative
   * reading (only those that differ). `negated`: the element is NotResource. Allocates.
   */
  alternatives(req: Request, negated: boolean): [AssumptionId, boolean][];
  /** An entry's policy variable has no value in the request. */
  unresolved(req: Request): boolean;
  /** `test` reads only the request's resource (no policy variables): its answer can be remembered per resource. */
  readonly contextFree: boolean;
}

type Entry =
  | { kind: 'all' }
  | { kind: 'exact'; text: string } // not an ARN pattern: matches only the identical string
  | { kind: 'arn'; text: string; pattern: ArnPattern; template: CompiledTemplate | null; head: string };

function compileEntry(written: string, variables: boolean): Entry {
  if (written === '*') return { kind: 'all' };
  if (!written.startsWith('arn:')) return { kind: 'exact', text: written };
  // Variables are recognised only in the resource component (after the pattern's fifth colon,
  // spec §5); the first five components are plain text.
  if (!scanArnColons(written)) {
    return { kind: 'arn', text: written, pattern: new ArnPattern(splitArnTokens([written])), template: null, head: written };
  }
  const cut = colons[4]!;
  const prefixComps = splitArnTokens([written.slice(0, cut)]);
  const template = compileTemplate(written.slice(cut + 1), variables);
  const pattern = new ArnPattern([...prefixComps, template.tokens]);
  return { kind: 'arn', text: written, pattern, template: template.vars.length > 0 ? template : null, head: written.slice(0, cut + 1) };
}

/** The ARN's text up to and including its fifth colon, lower-cased (arn-prefix-case). */
function lowerHead(arn: string): string {
  return scanArnColons(arn) ? arn.slice(0, colons[4]! + 1).toLowerCase() + arn.slice(colons[4]! + 1) : arn;
}

class CompiledResourceMatcher implements ResourceMatcher {
  private readonly hasShort: boolean;
  private readonly upperHead: boolean;
  // The entries again, one array per kind, so `test` loops over objects of one shape.
  /** Every entry's text: what a resource that is not an ARN may equal. */
  private readonly texts: string[] = [];
  /** Entries that are not ARN patterns. */
  private readonly exactTexts: string[] = [];
  /** ARN patterns without variables, and with them. */
  private readonly fixed: ArnPattern[] = [];
  private readonly templated: { pattern: ArnPattern; template: CompiledTemplate }[] = [];
  readonly contextFree: boolean;

  constructor(
    readonly patterns: string[],
    readonly keys: string[],
    private readonly entries: Entry[],
    private readonly hasAll: boolean,
    private readonly variables: boolean,
  ) {
    this.hasShort = entries.some((e) => e.kind === 'arn' && e.pattern.short);
    this.upperHead = entries.some((e) => e.kind === 'arn' && e.head !== e.head.toLowerCase());
    for (const e of entries) {
      if (e.kind === 'all') continue;
      this.texts.push(e.text);
      if (e.kind === 'exact') this.exactTexts.push(e.text);
      else if (e.template === null) this.fixed.push(e.pattern);
      else this.templated.push({ pattern: e.pattern, template: e.template });
    }
    this.contextFree = this.templated.length === 0;
  }

  test(req: Request): boolean {
    if (this.hasAll) return true;
    const resource = req.resource;
    if (resource === '*') return false; // only a pattern that is exactly `*` matches `*`
    const arn = req.arn;
    if (arn === null) return this.texts.includes(resource);
    const exact = this.exactTexts;
    for (let i = 0; i < exact.length; i++) if (exact[i] === resource) return true;
    const fixed = this.fixed;
    for (let i = 0; i < fixed.length; i++) if (fixed[i]!.matchArn(arn)) return true;
    const templated = this.templated;
    for (let i = 0; i < templated.length; i++) {
      const t = templated[i]!;
      if (t.pattern.mayMatch(arn) && fillSlots(t.template, req.context) && t.pattern.matchArn(arn, t.template.slots)) return true;
    }
    return false;
  }

  mayAssume(req: Request): boolean {
    if (this.hasAll) return false;
    if (req.resource === '*' || this.hasShort || this.upperHead || this.keys.length > 0) return true;
    return req.arn !== null && lowerHead(req.resource) !== req.resource;
  }

  unresolved(req: Request): boolean {
    return this.entries.some((e) => e.kind === 'arn' && e.template !== null && firstUnresolved(e.template, req.context) !== undefined);
  }

  alternatives(req: Request, negated: boolean): [AssumptionId, boolean][] {
    const out: [AssumptionId, boolean][] = [];
    if (this.hasAll) return out;
    const ours = this.test(req);
    const add = (id: AssumptionId, alt: boolean): void => {
      if (alt !== ours) out.push([id, alt]);
    };
    if (req.resource === '*') {
      // The alternative: any Resource element applies to an action without resource types (NotResource is not consulted either).
      if (!negated) add('wildcard-only-resource', true);
      return out;
    }
    if (this.hasShort) {
      // The alternative: a wildcard never leaves its component, so a short pattern matches nothing.
      add('short-arn-trailing-star', this.withEntries(this.entries.filter((e) => !(e.kind === 'arn' && e.pattern.short)), this.variables).test(req));
    }
    if (this.keys.length > 0) {
      // The alternative: `*` and `?` in substituted values are wildcards.
      let wild = false;
      const resolved = this.entries.map((e) => {
        if (e.kind !== 'arn' || e.template === null) return e.kind === 'all' ? '*' : e.text;
        const text = resolveTemplate(e.template, req.context);
        if (text === null) return e.text;
        wild ||= e.template.slots.some((v) => /[*?]/.test(v));
        return e.head + text;
      });
      if (wild) {
        add('substituted-values-literal', compileResourceMatcher(resolved, { variables: false }).test(req));
      }
    }
    const reqHead = lowerHead(req.resource);
    if (this.upperHead || reqHead !== req.resource) {
      // The alternative: partition, service, region and account compare case-insensitively.
      const folded = compileResourceMatcher(this.patterns.map(lowerHead), { variables: this.variables });
      add('arn-prefix-case', folded.test({ ...req, resource: reqHead, arn: parseArn(reqHead) }));
    }
    return out;
  }

  private withEntries(entries: Entry[], variables: boolean): CompiledResourceMatcher {
    return new CompiledResourceMatcher(this.patterns, this.keys, entries, false, variables);
  }

  note(req: Request): string | undefined {
    if (this.hasAll) return undefined;
    if (req.resource === '*') {
      return 'the action has no resource-level permissions (resource "*"): only Resource "*" matches it (spec §3.1)';
    }
    for (const e of this.entries) {
      if (e.kind === 'arn' && e.template) {
        const v = firstUnresolved(e.template, req.context);
        if (v) return `policy variable \${${v.key}} has no value in the request, so "${e.text}" matches nothing (spec §5)`;
      }
    }
    if (req.arn === null) return `"${req.resource}" is not an ARN: only "*" or the identical string matches it`;
    return undefined;
  }
}

/** Compiles Resource / NotResource patterns. `variables`: the policy's Version is 2012-10-17. */
export function compileResourceMatcher(patterns: string[], opts: { variables: boolean }): ResourceMatcher {
  const entries = patterns.map((p) => compileEntry(p, opts.variables));
  const keys = new Set<string>();
  for (const e of entries) if (e.kind === 'arn' && e.template) for (const v of e.template.vars) keys.add(v.keyLower);
  return new CompiledResourceMatcher([...patterns], [...keys], entries, entries.some((e) => e.kind === 'all'), opts.variables);
}
