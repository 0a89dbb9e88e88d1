import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileGlob, Glob, globMatch } from '../../src/engine/glob.ts';

describe('glob basics (spec §3.1, §3.2, §4.4)', () => {
  it('§4.4 `*` matches any run including the empty one', () => {
    expect(globMatch('a*b', 'ab')).toBe(true);
    expect(globMatch('a*b', 'axxxb')).toBe(true);
    expect(globMatch('a*b', 'axxxbc')).toBe(false);
    expect(globMatch('*', '')).toBe(true);
    expect(globMatch('**', 'anything')).toBe(true);
  });

  it('§4.4 `?` matches exactly one character', () => {
    expect(globMatch('a?c', 'abc')).toBe(true);
    expect(globMatch('a?c', 'ac')).toBe(false);
    expect(globMatch('a?c', 'abbc')).toBe(false);
    expect(globMatch('???', 'abc')).toBe(true);
    expect(globMatch('???', 'abcd')).toBe(false);
  });

  it('§4.4 matching is anchored at both ends (whole string)', () => {
    expect(globMatch('abc', 'xabc')).toBe(false);
    expect(globMatch('abc', 'abcx')).toBe(false);
    expect(globMatch('b*', 'abc')).toBe(false);
    expect(globMatch('*b', 'abc')).toBe(false);
    expect(globMatch('*b*', 'abc')).toBe(true);
  });

  it('§4.4 matching is case-sensitive unless ignoreCase is asked for', () => {
    expect(globMatch('Get*', 'getObject')).toBe(false);
    expect(globMatch('Get*', 'getObject', true)).toBe(true);
    expect(globMatch('ÉTÉ*', 'été-2020', true)).toBe(true); // Latin-1 folding
    expect(compileGlob('ABC', { ignoreCase: true })('abc')).toBe(true);
  });

  it('§4.4 prefix and suffix segments must not overlap', () => {
    expect(globMatch('ab*ba', 'aba')).toBe(false);
    expect(globMatch('ab*ba', 'abba')).toBe(true);
    expect(globMatch('a*a*a', 'aa')).toBe(false);
    expect(globMatch('a*a*a', 'aaa')).toBe(true);
  });

  it('§4.4 a middle segment found greedily still lets later segments match', () => {
    expect(globMatch('*ab*abc*', 'xxabyyabcz')).toBe(true);
    expect(globMatch('*a?c*a?c', 'abcxadc')).toBe(true);
    expect(globMatch('*a?c*a?c', 'abcxad')).toBe(false);
  });

  it('§4.4 {literal} pieces never act as wildcards (${*} ${?} and substituted values)', () => {
    const star = compileGlob(['home/', { literal: '*' }]);
    expect(star('home/*')).toBe(true);
    expect(star('home/x')).toBe(false);
    const q = compileGlob([{ literal: 'a?' }, '*']);
    expect(q('a?zzz')).toBe(true);
    expect(q('abzzz')).toBe(false);
    // string pieces keep their wildcards next to literal pieces
    const mixed = compileGlob(['*-', { literal: '*' }, '-?']);
    expect(mixed('xx-*-1')).toBe(true);
    expect(mixed('xx-y-1')).toBe(false);
  });

  it('§5 slots (substituted variable values) are literal and supplied per call', () => {
    const g = new Glob(['home/', { slot: 0 }, '/*']);
    expect(g.match('home/alice/x', ['alice'])).toBe(true);
    expect(g.match('home/bob/x', ['alice'])).toBe(false);
    expect(g.match('home/a*/x', ['a*'])).toBe(true);
    expect(g.match('home/ab/x', ['a*'])).toBe(false);
    expect(g.match('home//x', [''])).toBe(true);
  });

  it('§3.2 matchRange matches only inside the given component range', () => {
    const g = new Glob(['b*d']);
    expect(g.matchRange('abcde', 1, 4)).toBe(true);
    expect(g.matchRange('abcde', 1, 5)).toBe(false);
    expect(g.matchRange('abcde', 0, 4)).toBe(false);
  });

  it('§4.4 a pattern without wildcards is an exact comparison', () => {
    const g = compileGlob('abc');
    expect(g('abc')).toBe(true);
    expect(g('abd')).toBe(false);
    expect(compileGlob('')('')).toBe(true);
    expect(compileGlob('')('a')).toBe(false);
  });
});

describe('glob complexity guard (architecture: never exponential)', () => {
  const big = 'a'.repeat(100_000);
  const time = (f: () => boolean): { ms: number; result: boolean } => {
    const t0 = performance.now();
    const result = f();
    return { ms: performance.now() - t0, result };
  };

  it('a 50-star pattern matches a 100 KB string well within a second', () => {
    const pattern = '*a'.repeat(49) + '*';
    const { ms, result } = time(() => globMatch(pattern, big));
    expect(result).toBe(true);
    expect(ms).toBeLessThan(1000);
  });

  it('adversarial `*a*a*…*b` against `aaaa…` fails well within a second', () => {
    const pattern = '*a'.repeat(49) + '*b';
    const { ms, result } = time(() => globMatch(pattern, big));
    expect(result).toBe(false);
    expect(ms).toBeLessThan(1000);
  });

  it('adversarial `*a*a*…*a*b*` (missing middle segment) fails well within a second', () => {
    const pattern = '*a'.repeat(49) + '*b*';
    const { ms, result } = time(() => globMatch(pattern, big));
    expect(result).toBe(false);
    expect(ms).toBeLessThan(1000);
  });

  it('adversarial `?`-segments `*?b*?b…` against `aaaa…` fail well within a second', () => {
    const pattern = '*?b'.repeat(50) + '*';
    const { ms, result } = time(() => globMatch(pattern, big));
    expect(result).toBe(false);
    expect(ms).toBeLessThan(1000);
  });

  it('50 stars with multi-character segments on a 100 KB path match and fail quickly', () => {
    const s = 'x/'.repeat(50_000);
    const yes = '*x/'.repeat(50) + '*';
    const no = '*x/'.repeat(49) + '*y/*';
    const a = time(() => globMatch(yes, s));
    const b = time(() => globMatch(no, s));
    expect(a.result).toBe(true);
    expect(b.result).toBe(false);
    expect(a.ms + b.ms).toBeLessThan(1000);
  });
});

describe('glob agrees with a reference implementation (property)', () => {
  // Test-only oracle: a RegExp built from generated patterns over a tiny alphabet.
  const oracle = (p: string, s: string): boolean =>
    new RegExp('^' + [...p].map((c) => (c === '*' ? '[^]*' : c === '?' ? '[^]' : c)).join('') + '$').test(s);

  it('random patterns over {a, b, *, ?} and strings over {a, b}', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', '*', '?'), maxLength: 10 }),
        fc.string({ unit: fc.constantFrom('a', 'b'), maxLength: 12 }),
        (p, s) => globMatch(p, s) === oracle(p, s),
      ),
      { numRuns: 3000 },
    );
  });

  it('matchRange on a slice agrees with matching the slice (every pattern shape, text-then-star included)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', '*', '?'), maxLength: 8 }),
        fc.string({ unit: fc.constantFrom('a', 'b'), maxLength: 12 }),
        fc.nat(12),
        fc.nat(12),
        (p, s, i, j) => {
          const [from, to] = [Math.min(i, j, s.length), Math.min(Math.max(i, j), s.length)];
          return new Glob([p]).matchRange(s, from, to) === oracle(p, s.slice(from, to));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
