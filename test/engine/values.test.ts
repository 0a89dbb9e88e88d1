import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  compareDecimal,
  decodeBase64,
  equalsFolded,
  foldLatin1,
  ipInCidr,
  parseBool,
  parseCidr,
  parseDecimal,
  parseInstant,
} from '../../src/policy/values.ts';
import { compileTemplate, lookupVariable, resolveTemplate } from '../../src/engine/template.ts';
import type { ContextValue } from '../../src/engine/request.ts';

describe('Latin-1 folding (spec §4.4 [UNDOCUMENTED])', () => {
  it('§4.4 folds A–Z and À–Þ except ×; leaves other characters alone', () => {
    expect(foldLatin1('ABC xyz ÀÉÞ × ß ÿ')).toBe('abc xyz àéþ × ß ÿ');
    expect(foldLatin1('ĀİΣ')).toBe('ĀİΣ');
    const s = 'already lower';
    expect(foldLatin1(s)).toBe(s);
    expect(equalsFolded('JohnDoe', 'johndoe')).toBe(true);
    expect(equalsFolded('JohnDoe', 'johndo')).toBe(false);
  });
});

describe('booleans (spec §4.8)', () => {
  it('§4.8 reads true/false in any case, nothing else', () => {
    expect(parseBool('true')).toBe(1);
    expect(parseBool('TRUE')).toBe(1);
    expect(parseBool('False')).toBe(0);
    expect(parseBool('1')).toBe(-1);
    expect(parseBool('yes')).toBe(-1);
    expect(parseBool('')).toBe(-1);
  });
});

describe('decimals (spec §4.5)', () => {
  const cmp = (a: string, b: string) => compareDecimal(parseDecimal(a)!, parseDecimal(b)!);
  it('§4.5 accepts integers and decimals with an optional sign; rejects the rest', () => {
    for (const ok of ['0', '-0', '+7', '10', '1.5', '.5', '5.', '-0.001', '00012']) expect(parseDecimal(ok)).not.toBeNull();
    for (const bad of ['', '-', '.', '+.', '1e3', '0x1f', ' 1', '1 ', '1,000', 'NaN', 'Infinity', '1.2.3', '--1']) {
      expect(parseDecimal(bad)).toBeNull();
    }
  });

  it('§4.5 compares exactly', () => {
    expect(cmp('1', '1.0')).toBe(0);
    expect(cmp('-0', '0')).toBe(0);
    expect(cmp('0012', '12')).toBe(0);
    expect(cmp('1.05', '1.5')).toBe(-1);
    expect(cmp('-1.05', '-1.5')).toBe(1);
    expect(cmp('99', '100')).toBe(-1);
    expect(cmp('-100', '99')).toBe(-1);
    expect(cmp('9007199254740993', '9007199254740992')).toBe(1);
  });

  it('§4.5 agrees with JavaScript numbers on small values (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -1e6, max: 1e6 }), fc.nat(3), (a, b, scale) => {
        const x = a / 10 ** scale;
        const y = b / 10 ** scale;
        const sx = x.toFixed(scale);
        const sy = y.toFixed(scale);
        return compareDecimal(parseDecimal(sx)!, parseDecimal(sy)!) === Math.sign(Number(sx) - Number(sy));
      }),
    );
  });
});

describe('instants (spec §4.6)', () => {
  it('§4.6 reads the W3C ISO-8601 profile', () => {
    expect(parseInstant('2020-01-01T00:00:00Z')).toBe(Date.UTC(2020, 0, 1));
    expect(parseInstant('2020-06-30T23:59:59Z')).toBe(Date.UTC(2020, 5, 30, 23, 59, 59));
    expect(parseInstant('2020-06-30T23:59Z')).toBe(Date.UTC(2020, 5, 30, 23, 59));
    expect(parseInstant('2020-06-30T23:59:59.25Z')).toBe(Date.UTC(2020, 5, 30, 23, 59, 59, 250));
    expect(parseInstant('2020-06-30T23:59:59+02:00')).toBe(Date.UTC(2020, 5, 30, 21, 59, 59));
    expect(parseInstant('2020-06-30T23:59:59-05:30')).toBe(Date.UTC(2020, 6, 1, 5, 29, 59));
  });

  it('§4.6 [UNDOCUMENTED] date-only values are midnight UTC; YYYY-MM and YYYY are the first day', () => {
    expect(parseInstant('2020-02-29')).toBe(Date.UTC(2020, 1, 29));
    expect(parseInstant('2020-02')).toBe(Date.UTC(2020, 1, 1));
    expect(parseInstant('2020')).toBe(Date.UTC(2020, 0, 1));
    expect(parseInstant('1969-12-31')).toBe(Date.UTC(1969, 11, 31));
  });

  it('§4.6 [UNDOCUMENTED] a missing time-zone designator means UTC', () => {
    expect(parseInstant('2020-01-01T10:00:00')).toBe(Date.UTC(2020, 0, 1, 10));
  });

  it('§4.6 reads epoch seconds (aws:EpochTime), except a bare four-digit year', () => {
    expect(parseInstant('0')).toBe(0);
    expect(parseInstant('1700000000')).toBe(Date.UTC(2023, 10, 14, 22, 13, 20));
    expect(parseInstant('1700000000.5')).toBe(Date.UTC(2023, 10, 14, 22, 13, 20, 500));
    expect(parseInstant('-86400')).toBe(-86_400_000);
    expect(parseInstant('2020')).not.toBe(2_020_000);
  });

  it('§4.6 rejects malformed values', () => {
    for (const bad of [
      '',
      'now',
      '2020-1-1',
      '2020-00-10',
      '2020-13-01',
      '2019-02-29',
      '2020-04-31',
      '2020-01-01T24:00:00Z',
      '2020-01-01T10:60Z',
      '2020-01-01T10:00:60Z',
      '2020-01-01T10Z',
      '2020-01-01T10:00:00.Z',
      '2020-01-01T10:00:00+1:00',
      '2020-01-01T10:00:00+01',
      '2020-01-01T10:00:00ZZ',
      '2020-01-01t10:00:00z',
      '12a',
    ]) {
      expect(parseInstant(bad), bad).toBeNaN();
    }
  });

  it('§4.6 agrees with Date.parse on generated ISO timestamps (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
        const iso = d.toISOString();
        return parseInstant(iso) === d.getTime();
      }),
    );
  });
});

describe('IP addresses and CIDRs (spec §4.10)', () => {
  it('§4.10 parses IPv4 and IPv6 CIDRs and bare addresses', () => {
    expect(parseCidr('203.0.113.0/24')).toMatchObject({ v6: false, prefix: 24 });
    expect(parseCidr('203.0.113.9')).toMatchObject({ v6: false, prefix: 32 });
    expect(parseCidr('2001:DB8:1234:5678::/64')).toMatchObject({ v6: true, prefix: 64 });
    expect(parseCidr('::1')).toMatchObject({ v6: true, prefix: 128 });
    expect(parseCidr('::')).toMatchObject({ v6: true, prefix: 128 });
    expect(parseCidr('::ffff:10.0.0.1/120')).toMatchObject({ v6: true, prefix: 120 });
  });

  it('§4.10 rejects malformed CIDRs', () => {
    for (const bad of [
      '',
      '1.2.3',
      '1.2.3.4.5',
      '1.2.3.256',
      '01.2.3.4',
      '1.2.3.4/',
      '1.2.3.4/33',
      '1.2.3.4/08',
      '1.2.3.4/-1',
      ':::',
      '1::2::3',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7',
      '12345::',
      ':1::',
      '1:',
      'g::1',
      '::/129',
      'fe80::1%eth0',
      '1:2:3:4:5:6:7:1.2.3.4',
    ]) {
      expect(parseCidr(bad), bad).toBeNull();
    }
  });

  it('§4.10 containment for IPv4 and IPv6, never across families', () => {
    const v4 = parseCidr('10.0.0.0/8')!;
    const v6 = parseCidr('2001:db8::/32')!;
    expect(ipInCidr('10.255.255.255', v4)).toBe(true);
    expect(ipInCidr('11.0.0.0', v4)).toBe(false);
    expect(ipInCidr('2001:db8:ffff::1', v6)).toBe(true);
    expect(ipInCidr('2001:db9::1', v6)).toBe(false);
    expect(ipInCidr('2001:db8::1', v4)).toBe(false);
    expect(ipInCidr('10.0.0.1', v6)).toBe(false);
    expect(ipInCidr('::ffff:10.0.0.1', v4)).toBe(false);
  });

  it('§4.10 expands `::` in every position', () => {
    const full = parseCidr('1:0:0:0:0:0:0:8')!;
    expect(ipInCidr('1::8', full)).toBe(true);
    expect(ipInCidr('1:0::8', full)).toBe(true);
    expect(ipInCidr('1::0:8', full)).toBe(true);
    expect(ipInCidr('1::9', full)).toBe(false);
    const tail = parseCidr('1:2:3:4:5:6:7::')!;
    expect(ipInCidr('1:2:3:4:5:6:7:0', tail)).toBe(true);
    const lead = parseCidr('::2:3:4:5:6:7:8')!;
    expect(ipInCidr('0:2:3:4:5:6:7:8', lead)).toBe(true);
  });

  it('§4.10 IPv4 containment agrees with arithmetic (property)', () => {
    fc.assert(
      fc.property(fc.nat(0xffffffff), fc.nat(0xffffffff), fc.integer({ min: 0, max: 32 }), (net, addr, prefix) => {
        const dotted = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
        const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
        const expected = ((net & mask) >>> 0) === ((addr & mask) >>> 0);
        return ipInCidr(dotted(addr), parseCidr(`${dotted(net)}/${prefix}`)!) === expected;
      }),
    );
  });
});

describe('base64 (spec §4.9)', () => {
  it('§4.9 decodes standard base64 with or without padding', () => {
    expect([...decodeBase64('aGVsbG8=')!]).toEqual([...Buffer.from('hello')]);
    expect([...decodeBase64('aGVsbG8')!]).toEqual([...Buffer.from('hello')]);
    expect([...decodeBase64('')!]).toEqual([]);
    expect([...decodeBase64('/+8=')!]).toEqual([0xff, 0xef]);
  });

  it('§4.9 rejects invalid base64', () => {
    for (const bad of ['a', 'aGVsbG8=x', 'a===', '***', 'aGVs bG8=']) expect(decodeBase64(bad), bad).toBeNull();
  });

  it('§4.9 round-trips arbitrary bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const out = decodeBase64(Buffer.from(bytes).toString('base64'));
        return out !== null && Buffer.from(out).equals(Buffer.from(bytes));
      }),
    );
  });
});

describe('templates (spec §5)', () => {
  const ctx = (o: Record<string, ContextValue>) => new Map(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
  const s = (v: string): ContextValue => ({ type: 'string', list: false, values: [v] });

  it('§5 resolves variables, defaults and ${*}-style literals', () => {
    const t = compileTemplate("a-${aws:username}-${aws:PrincipalTag/x, 'dflt'}-${*}${?}${$}", true);
    expect(resolveTemplate(t, ctx({ 'aws:username': s('bob') }))).toBe('a-bob-dflt-*?$');
    expect(resolveTemplate(t, ctx({ 'aws:username': s('bob'), 'aws:principaltag/x': s('y') }))).toBe('a-bob-y-*?$');
    expect(resolveTemplate(t, ctx({}))).toBeNull();
  });

  it('§2.1 without variables (Version 2008-10-17) the text is literal', () => {
    const t = compileTemplate('a-${aws:username}', false);
    expect(t.vars).toEqual([]);
    expect(resolveTemplate(t, ctx({ 'aws:username': s('bob') }))).toBe('a-${aws:username}');
  });

  it('§5 only single-valued keys can be variables; an empty string is a value', () => {
    const m = ctx({ a: s(''), b: { type: 'string', list: true, values: ['x'] }, c: { type: 'string', list: false, values: [] } });
    expect(lookupVariable(m, 'a')).toBe('');
    expect(lookupVariable(m, 'b')).toBeUndefined();
    expect(lookupVariable(m, 'c')).toBeUndefined();
    expect(lookupVariable(m, 'd')).toBeUndefined();
  });
});
