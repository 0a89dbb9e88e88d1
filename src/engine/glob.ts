// Linear-time glob matching for IAM patterns (spec §3.1, §3.2, §4.4): `*` matches any run of
// characters (including none), `?` exactly one character, and the whole string must match.
//
// No regular expression is ever built from policy text (ReDoS). A pattern is split at `*` into
// segments; the first segment must match at the start, the last at the end, and the middle ones
// are found greedily, left to right, at their leftmost occurrence. Greedy-leftmost is complete for
// `*`-separated patterns of fixed-length segments, so there is no backtracking: the cost is at most
// O(|s| × |segment|) per segment, and O(|s|) per segment with `indexOf` for segments without `?`.
//
// Tokens: a plain string's `*` and `?` are wildcards; `{literal}` text never is (from `${*}`,
// `${?}`, `${$}`); `{slot: n}` is a policy-variable value supplied per evaluation (also literal,
// spec §5 [UNDOCUMENTED]: we escape substituted values).

import { foldLatin1 } from '../policy/values.ts';

export type GlobPiece = string | { literal: string };
export type GlobToken = GlobPiece | { slot: number };

interface Fixed {
  text: string;
  /** mask[i] === 1: position i is a `?` wildcard. Null when the text has none. */
  mask: Uint8Array | null;
}
interface SlotRef {
  slot: number;
}
type Item = Fixed | SlotRef;

interface Segment {
  items: Item[];
  /** Total length of the fixed items. */
  fixedLen: number;
  /** The segment is one fixed item without wildcards: search it with indexOf. */
  simple: string | null;
  hasSlots: boolean;
}

const EMPTY_SLOTS: readonly string[] = [];

function segLen(seg: Segment, slots: readonly string[]): number {
  if (!seg.hasSlots) return seg.fixedLen;
  let n = seg.fixedLen;
  for (const it of seg.items) if ('slot' in it) n += slots[it.slot]!.length;
  return n;
}

function matchAt(seg: Segment, s: string, p: number, slots: readonly string[]): boolean {
  const items = seg.items;
  for (let k = 0; k < items.length; k++) {
    const it = items[k]!;
    if ('slot' in it) {
      const v = slots[it.slot]!;
      if (!s.startsWith(v, p)) return false;
      p += v.length;
      continue;
    }
    const t = it.text;
    const mask = it.mask;
    if (mask === null) {
      if (!s.startsWith(t, p)) return false;
    } else {
      for (let i = 0; i < t.length; i++) {
        if (mask[i] === 0 && s.charCodeAt(p + i) !== t.charCodeAt(i)) return false;
      }
    }
    p += t.length;
  }
  return true;
}

/** Leftmost q in [from, end - len] where the segment matches; -1 if none. */
function find(seg: Segment, len: number, s: string, from: number, end: number, slots: readonly string[]): number {
  if (seg.simple !== null) {
    const q = s.indexOf(seg.simple, from);
    return q >= 0 && q + len <= end ? q : -1;
  }
  for (let q = from; q + len <= end; q++) if (matchAt(seg, s, q, slots)) return q;
  return -1;
}

/** A compiled glob. Immutable; safe to share. */
export class Glob {
  /** No wildcard star: `only` is the single segment that must cover the whole input. */
  private readonly only: Segment | null;
  private readonly head: Segment | null;
  private readonly mids: Segment[];
  private readonly tail: Segment | null;
  /** The pattern is only stars: matches everything. */
  readonly matchesAll: boolean;
  /** The pattern has no wildcard and no slot: it matches exactly this string. */
  readonly exact: string | null;
  /** The pattern is plain text then one final `*` (`s3:Get*`, `bucket/*`): it matches what starts with this. */
  private readonly prefix: string | null;
  /** The pattern ends with a wildcard `*` (used for short ARN patterns, spec §3.2). */
  readonly endsWithStar: boolean;
  /** Plain text every match starts with (up to the first wildcard or slot; '' if none): a cheap first test. */
  readonly lead: string;
  readonly hasSlots: boolean;

  constructor(tokens: readonly GlobToken[], fold = false) {
    const segs: Segment[] = [];
    let items: Item[] = [];
    let text = '';
    let mask: number[] = [];
    let wild = false;
    let stars = 0;
    let lastWasStar = false;
    const flushFixed = (): void => {
      if (text.length === 0) return;
      items.push({ text, mask: wild ? Uint8Array.from(mask) : null });
      text = '';
      mask = [];
      wild = false;
    };
    const flushSegment = (): void => {
      flushFixed();
      segs.push(makeSegment(items));
      items = [];
    };
    for (const tok of tokens) {
      if (typeof tok === 'string') {
        const t = fold ? foldLatin1(tok) : tok;
        for (let i = 0; i < t.length; i++) {
          const c = t[i]!;
          if (c === '*') {
            flushSegment();
            stars++;
            lastWasStar = true;
            continue;
          }
          lastWasStar = false;
          text += c;
          if (c === '?') {
            mask.push(1);
            wild = true;
          } else mask.push(0);
        }
      } else if ('literal' in tok) {
        const t = fold ? foldLatin1(tok.literal) : tok.literal;
        if (t.length === 0) continue;
        lastWasStar = false;
        text += t;
        for (let i = 0; i < t.length; i++) mask.push(0);
      } else {
        lastWasStar = false;
        flushFixed();
        items.push({ slot: tok.slot });
      }
    }
    flushSegment();
    this.endsWithStar = lastWasStar;
    this.hasSlots = segs.some((g) => g.hasSlots);
    // Case-folded globs match other spellings of the text: no lead to compare with.
    this.lead = fold ? '' : leadOf(segs[0]!);
    if (stars === 0) {
      this.only = segs[0]!;
      this.head = this.tail = null;
      this.mids = [];
      this.matchesAll = false;
      const o = this.only;
      this.exact = o.items.length === 0 ? '' : o.simple;
      this.prefix = null;
    } else {
      this.only = null;
      const first = segs[0]!;
      const last = segs[segs.length - 1]!;
      this.head = first.items.length ? first : null;
      this.tail = last.items.length ? last : null;
      this.mids = segs.slice(1, -1).filter((g) => g.items.length > 0);
      this.matchesAll = !this.head && !this.tail && this.mids.length === 0;
      this.exact = null;
      this.prefix = this.head !== null && this.tail === null && this.mids.length === 0 ? this.head.simple : null;
    }
  }

  /** Does the pattern match s[from, to) exactly? `slots` supplies variable values. */
  matchRange(s: string, from: number, to: number, slots: readonly string[] = EMPTY_SLOTS): boolean {
    const prefix = this.prefix;
    if (prefix !== null) return to - from >= prefix.length && s.startsWith(prefix, from);
    const only = this.only;
    if (only !== null) {
      return segLen(only, slots) === to - from && matchAt(only, s, from, slots);
    }
    if (this.matchesAll) return true;
    let p = from;
    let end = to;
    const head = this.head;
    if (head !== null) {
      const hl = segLen(head, slots);
      if (hl > end - p || !matchAt(head, s, p, slots)) return false;
      p += hl;
    }
    const tail = this.tail;
    if (tail !== null) {
      const tl = segLen(tail, slots);
      if (tl > end - p || !matchAt(tail, s, end - tl, slots)) return false;
      end -= tl;
    }
    const mids = this.mids;
    for (let k = 0; k < mids.length; k++) {
      const seg = mids[k]!;
      const len = segLen(seg, slots);
      const q = find(seg, len, s, p, end, slots);
      if (q < 0) return false;
      p = q + len;
    }
    return true;
  }

  /** Does the pattern match the whole string? */
  match(s: string, slots: readonly string[] = EMPTY_SLOTS): boolean {
    const exact = this.exact;
    if (exact !== null) return s === exact;
    return this.matchRange(s, 0, s.length, slots);
  }
}

function leadOf(seg: Segment): string {
  const first = seg.items[0];
  if (first === undefined || 'slot' in first) return '';
  const wild = first.mask === null ? -1 : first.mask.indexOf(1);
  return wild < 0 ? first.text : first.text.slice(0, wild);
}

function makeSegment(items: Item[]): Segment {
  let fixedLen = 0;
  let hasSlots = false;
  for (const it of items) {
    if ('slot' in it) hasSlots = true;
    else fixedLen += it.text.length;
  }
  const only = items.length === 1 ? items[0]! : null;
  const simple = only !== null && !('slot' in only) && only.mask === null ? only.text : null;
  return { items, fixedLen, simple, hasSlots };
}

/** Does the pattern (a plain string, or pieces where `{literal}` never globs) have a wildcard? */
export function hasWildcard(pattern: string | readonly GlobPiece[]): boolean {
  if (typeof pattern === 'string') return pattern.includes('*') || pattern.includes('?');
  return pattern.some((p) => typeof p === 'string' && (p.includes('*') || p.includes('?')));
}

/**
 * Compiles a whole-string glob. With `ignoreCase`, pattern and input are folded with Latin-1
 * rules (spec §4.4); callers that already pass folded input should fold the pattern themselves
 * and leave `ignoreCase` off (that path allocates nothing per call).
 */
export function compileGlob(
  pattern: string | GlobPiece[],
  opts?: { ignoreCase?: boolean },
): (s: string) => boolean {
  const ignoreCase = opts?.ignoreCase === true;
  const g = new Glob(typeof pattern === 'string' ? [pattern] : pattern, ignoreCase);
  if (g.matchesAll) return () => true;
  const exact = g.exact;
  if (exact !== null) return ignoreCase ? (s) => foldLatin1(s) === exact : (s) => s === exact;
  return ignoreCase ? (s) => g.match(foldLatin1(s)) : (s) => g.match(s);
}

/** One-off convenience: compiles and matches (prefer `compileGlob` for repeated use). */
export function globMatch(pattern: string, s: string, ignoreCase?: boolean): boolean {
  return compileGlob(pattern, { ignoreCase: ignoreCase === true })(s);
}
