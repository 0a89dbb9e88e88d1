import { describe, expect, it } from 'vitest';
import { compileCondition, type CompiledCondition } from '../../src/engine/conditions.ts';
import type { ContextMap, ContextValue } from '../../src/engine/request.ts';
import type { ConditionEntry, Span } from '../../src/policy/model.ts';

// ---- helpers -------------------------------------------------------------------------------

let line = 0;
const span = (l: number, c: number): Span => ({ start: { line: l, column: c }, end: { line: l, column: c + 4 } });

/** Fabricates a ConditionEntry with made-up positions (one line per entry). */
function entry(operator: string, key: string, values: string | string[]): ConditionEntry {
  const l = ++line;
  const vs = Array.isArray(values) ? values : [values];
  return {
    operator: { value: operator, span: span(l, 1) },
    key: { value: key, span: span(l, 20) },
    values: vs.map((v, i) => ({ value: v, span: span(l, 40 + 10 * i) })),
  };
}

type CtxInput = Record<string, string | string[] | ContextValue>;

/** A string → single-valued key; an array → a list key; keys lower-cased as makeRequest does. */
function ctx(input: CtxInput = {}): ContextMap {
  const m = new Map<string, ContextValue>();
  for (const [k, v] of Object.entries(input)) {
    const cv: ContextValue =
      typeof v === 'string' ? { type: 'string', list: false, values: [v] } : Array.isArray(v) ? { type: 'string', list: true, values: v } : v;
    m.set(k.toLowerCase(), cv);
  }
  return m;
}

function cond(entries: ConditionEntry | ConditionEntry[], variables = true): CompiledCondition {
  return compileCondition(Array.isArray(entries) ? entries : [entries], { variables });
}

/** Evaluates one operator → key → values entry against a context. */
function check(op: string, key: string, values: string | string[], c: CtxInput = {}, variables = true): boolean {
  return cond(entry(op, key, values), variables).test(ctx(c));
}

// ---- every operator family: present / absent / IfExists / negated / set operators -----------

interface Family {
  name: string;
  pos: string;
  neg?: string;
  key: string;
  policy: string[];
  /** Request values matching policy[0] and policy[1] respectively (in the positive sense). */
  hit: string;
  hit2: string;
  /** Request values matching no policy value. */
  miss: string;
  miss2: string;
  /** A request value the family cannot read. */
  bad?: string;
}

const families: Family[] = [
  { name: 'String', pos: 'StringEquals', neg: 'StringNotEquals', key: 'aws:PrincipalTag/team', policy: ['dev', 'ops'], hit: 'dev', hit2: 'ops', miss: 'Dev', miss2: 'qa' },
  {
    name: 'String IgnoreCase',
    pos: 'StringEqualsIgnoreCase',
    neg: 'StringNotEqualsIgnoreCase',
    key: 'aws:PrincipalTag/team',
    policy: ['Dev', 'OPS'],
    hit: 'dEV',
    hit2: 'ops',
    miss: 'devs',
    miss2: 'qa',
  },
  { name: 'String Like', pos: 'StringLike', neg: 'StringNotLike', key: 's3:prefix', policy: ['home/*', 'tmp/?'], hit: 'home/a/b', hit2: 'tmp/x', miss: 'Home/a', miss2: 'tmp/xy' },
  { name: 'Numeric', pos: 'NumericEquals', neg: 'NumericNotEquals', key: 's3:max-keys', policy: ['10', '20.5'], hit: '10.0', hit2: '20.50', miss: '11', miss2: '-10', bad: 'ten' },
  {
    name: 'Date',
    pos: 'DateEquals',
    neg: 'DateNotEquals',
    key: 'aws:CurrentTime',
    policy: ['2020-01-01T00:00:00Z', '1700000000'],
    hit: '2020-01-01',
    hit2: '2023-11-14T22:13:20Z',
    miss: '2020-01-02',
    miss2: '1577836801',
    bad: 'yesterday',
  },
  { name: 'Bool', pos: 'Bool', key: 'aws:SecureTransport', policy: ['true'], hit: 'true', hit2: 'TRUE', miss: 'false', miss2: 'False', bad: 'yes' },
  { name: 'Binary', pos: 'BinaryEquals', key: 'custom:blob', policy: ['aGVsbG8=', 'd29ybGQ='], hit: 'aGVsbG8=', hit2: 'd29ybGQ', miss: 'aGVsbA==', miss2: '', bad: '***' },
  {
    name: 'Ip',
    pos: 'IpAddress',
    neg: 'NotIpAddress',
    key: 'aws:SourceIp',
    policy: ['203.0.113.0/24', '2001:DB8:1234:5678::/64'],
    hit: '203.0.113.7',
    hit2: '2001:db8:1234:5678:abcd::1',
    miss: '198.51.100.1',
    miss2: '2001:db8:1234:5679::1',
    bad: 'localhost',
  },
  {
    name: 'Arn Like',
    pos: 'ArnLike',
    neg: 'ArnNotLike',
    key: 'aws:PrincipalArn',
    policy: ['arn:aws:iam::111122223333:role/Admin*', 'arn:aws:iam::*:user/Ana'],
    hit: 'arn:aws:iam::111122223333:role/AdminX',
    hit2: 'arn:aws:iam::444455556666:user/Ana',
    miss: 'arn:aws:iam::111122223333:role/admin',
    miss2: 'arn:aws:iam::444455556666:user/Ana/x',
    bad: 'Admin',
  },
  {
    name: 'Arn Equals',
    pos: 'ArnEquals',
    neg: 'ArnNotEquals',
    key: 'aws:SourceArn',
    policy: ['arn:aws:sns:*:111122223333:topic-?', 'arn:aws:s3:::bucket'],
    hit: 'arn:aws:sns:us-east-1:111122223333:topic-a',
    hit2: 'arn:aws:s3:::bucket',
    miss: 'arn:aws:sns:us-east-1:111122223333:topic-ab',
    miss2: 'arn:aws:s3:::bucket/key',
    bad: 'bucket',
  },
];

for (const f of families) {
  const { pos, neg, key, policy, hit, hit2, miss, miss2, bad } = f;
  describe(`${f.name} family (${pos}${neg ? ` / ${neg}` : ''})`, () => {
    it(`§4.1 ${pos}: key present and equal to one of the values (OR) is true`, () => {
      expect(check(pos, key, policy, { [key]: hit })).toBe(true);
      expect(check(pos, key, policy, { [key]: hit2 })).toBe(true);
    });

    it(`§4.1 ${pos}: key present and matching no value is false`, () => {
      expect(check(pos, key, policy, { [key]: miss })).toBe(false);
      expect(check(pos, key, policy, { [key]: miss2 })).toBe(false);
    });

    it(`§4.1 ${pos}: a single policy value matches only its own request value`, () => {
      expect(check(pos, key, [policy[0]!], { [key]: hit })).toBe(true);
      expect(check(pos, key, [policy[0]!], { [key]: miss })).toBe(false);
    });

    it(`§4.1 ${pos}: condition key names are case-insensitive`, () => {
      expect(check(pos, key.toUpperCase(), policy, { [key]: hit })).toBe(true);
      expect(check(pos, key.toLowerCase(), policy, { [key.toUpperCase()]: hit })).toBe(true);
    });

    it(`§4.2 ${pos}: positive operator on an absent key is false`, () => {
      expect(check(pos, key, policy, {})).toBe(false);
      expect(check(pos, key, policy, { 'other:key': hit })).toBe(false);
    });

    it(`§4.2 ${pos}IfExists: absent key is true; present key is tested normally`, () => {
      expect(check(`${pos}IfExists`, key, policy, {})).toBe(true);
      expect(check(`${pos}IfExists`, key, policy, { [key]: hit })).toBe(true);
      expect(check(`${pos}IfExists`, key, policy, { [key]: miss })).toBe(false);
    });

    it(`§4.2 ${pos}: a key present with zero values counts as absent`, () => {
      expect(check(pos, key, policy, { [key]: [] })).toBe(false);
      expect(check(`${pos}IfExists`, key, policy, { [key]: [] })).toBe(true);
    });

    if (neg) {
      it(`§4.1 ${neg}: NOR over several values — false if the request value equals any of them`, () => {
        expect(check(neg, key, policy, { [key]: hit })).toBe(false);
        expect(check(neg, key, policy, { [key]: hit2 })).toBe(false);
      });

      it(`§4.1 ${neg}: NOR over several values — true when it matches none`, () => {
        expect(check(neg, key, policy, { [key]: miss })).toBe(true);
        expect(check(neg, key, policy, { [key]: miss2 })).toBe(true);
      });

      it(`§4.2 ${neg}: negated operator on an absent key is true`, () => {
        expect(check(neg, key, policy, {})).toBe(true);
        expect(check(neg, key, policy, { [key]: [] })).toBe(true);
      });

      it(`§4.2 ${neg}IfExists: absent key is true; present key is tested normally`, () => {
        expect(check(`${neg}IfExists`, key, policy, {})).toBe(true);
        expect(check(`${neg}IfExists`, key, policy, { [key]: hit })).toBe(false);
        expect(check(`${neg}IfExists`, key, policy, { [key]: miss })).toBe(true);
      });

      it(`§4.3 ForAllValues:${neg}: true iff no request value matches any policy value`, () => {
        expect(check(`ForAllValues:${neg}`, key, policy, { [key]: [miss, miss2] })).toBe(true);
        expect(check(`ForAllValues:${neg}`, key, policy, { [key]: [miss, hit] })).toBe(false);
        expect(check(`ForAllValues:${neg}`, key, policy, {})).toBe(true);
      });

      it(`§4.3 ForAnyValue:${neg}: true iff some request value matches no policy value`, () => {
        expect(check(`ForAnyValue:${neg}`, key, policy, { [key]: [hit, miss] })).toBe(true);
        expect(check(`ForAnyValue:${neg}`, key, policy, { [key]: [hit, hit2] })).toBe(false);
        expect(check(`ForAnyValue:${neg}`, key, policy, {})).toBe(false);
      });

      it(`§4.3 [SECONDARY] plain ${neg} on a key holding two values is false (no match)`, () => {
        expect(check(neg, key, policy, { [key]: [miss, miss2] })).toBe(false);
        expect(check(neg, key, policy, { [key]: [hit, miss] })).toBe(false);
      });
    }

    it(`§4.3 ForAllValues:${pos}: true iff every request value matches; true when absent or empty`, () => {
      expect(check(`ForAllValues:${pos}`, key, policy, { [key]: [hit, hit2] })).toBe(true);
      expect(check(`ForAllValues:${pos}`, key, policy, { [key]: [hit, miss] })).toBe(false);
      expect(check(`ForAllValues:${pos}`, key, policy, {})).toBe(true);
      expect(check(`ForAllValues:${pos}`, key, policy, { [key]: [] })).toBe(true);
    });

    it(`§4.3 ForAnyValue:${pos}: true iff some request value matches; false when absent or empty`, () => {
      expect(check(`ForAnyValue:${pos}`, key, policy, { [key]: [miss, hit2] })).toBe(true);
      expect(check(`ForAnyValue:${pos}`, key, policy, { [key]: [miss, miss2] })).toBe(false);
      expect(check(`ForAnyValue:${pos}`, key, policy, {})).toBe(false);
      expect(check(`ForAnyValue:${pos}`, key, policy, { [key]: [] })).toBe(false);
    });

    it(`§4.3 ForAnyValue:${pos}IfExists: absent is true`, () => {
      expect(check(`ForAnyValue:${pos}IfExists`, key, policy, {})).toBe(true);
      expect(check(`ForAnyValue:${pos}IfExists`, key, policy, { [key]: [miss] })).toBe(false);
      expect(check(`ForAnyValue:${pos}IfExists`, key, policy, { [key]: [hit] })).toBe(true);
    });

    it(`§4.3 [SECONDARY] a single-valued key under a set operator is a one-element set (${pos})`, () => {
      expect(check(`ForAnyValue:${pos}`, key, policy, { [key]: hit })).toBe(true);
      expect(check(`ForAnyValue:${pos}`, key, policy, { [key]: miss })).toBe(false);
      expect(check(`ForAllValues:${pos}`, key, policy, { [key]: hit })).toBe(true);
      expect(check(`ForAllValues:${pos}`, key, policy, { [key]: miss })).toBe(false);
    });

    it(`§4.3 [SECONDARY] plain ${pos} on a key holding two values is false (no match), even if both match`, () => {
      expect(check(pos, key, policy, { [key]: [hit, hit2] })).toBe(false);
      expect(check(`${pos}IfExists`, key, policy, { [key]: [hit, hit2] })).toBe(false);
    });

    it(`§4.3 plain ${pos} on a list holding exactly one value treats it as that value`, () => {
      expect(check(pos, key, policy, { [key]: [hit] })).toBe(true);
      expect(check(pos, key, policy, { [key]: [miss] })).toBe(false);
    });

    if (bad !== undefined) {
      it(`§4.12 [UNDOCUMENTED] ${pos}: an unreadable request value never matches`, () => {
        expect(check(pos, key, policy, { [key]: bad })).toBe(false);
        expect(check(`${pos}IfExists`, key, policy, { [key]: bad })).toBe(false);
        expect(check(`ForAnyValue:${pos}`, key, policy, { [key]: [bad, hit] })).toBe(true);
        expect(check(`ForAllValues:${pos}`, key, policy, { [key]: [hit, bad] })).toBe(false);
      });
      if (neg) {
        it(`§4.12 [SECONDARY] ${neg}: an unreadable request value makes the entry false too`, () => {
          expect(check(neg, key, policy, { [key]: bad })).toBe(false);
          expect(check(`${neg}IfExists`, key, policy, { [key]: bad })).toBe(false);
          expect(check(`ForAllValues:${neg}`, key, policy, { [key]: [miss, bad] })).toBe(false);
        });
      }
    }
  });
}

// ---- Null ---------------------------------------------------------------------------------

describe('Null (spec §4.2, §4.11)', () => {
  const key = 'aws:TokenIssueTime';
  it('§4.2 Null "true" is true iff the key is absent', () => {
    expect(check('Null', key, 'true', {})).toBe(true);
    expect(check('Null', key, 'true', { [key]: '2020-01-01T00:00:00Z' })).toBe(false);
  });

  it('§4.2 Null "false" is true iff the key is present', () => {
    expect(check('Null', key, 'false', { [key]: '2020-01-01T00:00:00Z' })).toBe(true);
    expect(check('Null', key, 'false', {})).toBe(false);
  });

  it('§4.2 Null: a present list with zero values counts as absent', () => {
    expect(check('Null', 'aws:TagKeys', 'true', { 'aws:TagKeys': [] })).toBe(true);
    expect(check('Null', 'aws:TagKeys', 'false', { 'aws:TagKeys': [] })).toBe(false);
    expect(check('Null', 'aws:TagKeys', 'false', { 'aws:TagKeys': ['a', 'b'] })).toBe(true);
  });

  it('§4.2 Null: key names are case-insensitive and values accept JSON booleans / any case', () => {
    expect(check('Null', 'AWS:TOKENISSUETIME', 'True', { [key]: 'x' })).toBe(false);
    expect(check('Null', 'AWS:TOKENISSUETIME', 'FALSE', { [key]: 'x' })).toBe(true);
  });

  it('§4.2 Null: several values are OR-ed', () => {
    expect(check('Null', key, ['true', 'false'], {})).toBe(true);
    expect(check('Null', key, ['true', 'false'], { [key]: 'x' })).toBe(true);
  });

  it('§4.2 Null: a value other than true/false never matches', () => {
    expect(check('Null', key, 'yes', {})).toBe(false);
    expect(check('Null', key, 'yes', { [key]: 'x' })).toBe(false);
  });

  it('§4.2 Null under ForAllValues is always true; under ForAnyValue always false', () => {
    const contexts: CtxInput[] = [{}, { [key]: 'x' }, { [key]: ['a', 'b'] }];
    for (const c of contexts) {
      expect(check('ForAllValues:Null', key, 'true', c)).toBe(true);
      expect(check('ForAllValues:Null', key, 'false', c)).toBe(true);
      expect(check('ForAnyValue:Null', key, 'true', c)).toBe(false);
      expect(check('ForAnyValue:Null', key, 'false', c)).toBe(false);
    }
  });
});

// ---- String specifics ---------------------------------------------------------------------

describe('String operators (spec §4.4, E12)', () => {
  it('§4.4 E12 StringEquals "johndoe" does not match user JohnDoe; StringEqualsIgnoreCase matches both', () => {
    expect(check('StringEquals', 'aws:username', 'johndoe', { 'aws:username': 'JohnDoe' })).toBe(false);
    expect(check('StringEquals', 'aws:username', 'johndoe', { 'aws:username': 'johndoe' })).toBe(true);
    expect(check('StringEqualsIgnoreCase', 'aws:username', 'johndoe', { 'aws:username': 'JohnDoe' })).toBe(true);
    expect(check('StringEqualsIgnoreCase', 'aws:username', 'johndoe', { 'aws:username': 'johndoe' })).toBe(true);
  });

  it('§4.1 E12 aws:ResourceTag/TagKey1 matches a tag named TagKey1 or tagkey1 (key case-insensitive, value not)', () => {
    expect(check('StringEquals', 'aws:ResourceTag/TagKey1', 'Value1', { 'aws:resourcetag/tagkey1': 'Value1' })).toBe(true);
    expect(check('StringEquals', 'aws:ResourceTag/TagKey1', 'Value1', { 'aws:ResourceTag/TAGKEY1': 'Value1' })).toBe(true);
    expect(check('StringEquals', 'aws:ResourceTag/TagKey1', 'Value1', { 'aws:resourcetag/tagkey1': 'value1' })).toBe(false);
  });

  it('§4.4/§9.6 StringEquals does not expand `*` or `?`', () => {
    expect(check('StringEquals', 's3:prefix', 'home/*', { 's3:prefix': 'home/alice' })).toBe(false);
    expect(check('StringEquals', 's3:prefix', 'home/*', { 's3:prefix': 'home/*' })).toBe(true);
    expect(check('StringEquals', 's3:prefix', 'a?c', { 's3:prefix': 'abc' })).toBe(false);
  });

  it('§4.4 StringLike is case-sensitive; StringNotLike too', () => {
    expect(check('StringLike', 's3:prefix', 'Home/*', { 's3:prefix': 'home/x' })).toBe(false);
    expect(check('StringNotLike', 's3:prefix', 'Home/*', { 's3:prefix': 'home/x' })).toBe(true);
  });

  it('§4.4 StringLike: `*` spans `/`, `?` is exactly one character, matching is anchored', () => {
    expect(check('StringLike', 's3:prefix', 'home/*/docs', { 's3:prefix': 'home/a/b/docs' })).toBe(true);
    expect(check('StringLike', 's3:prefix', 'home/?', { 's3:prefix': 'home/' })).toBe(false);
    expect(check('StringLike', 's3:prefix', 'home', { 's3:prefix': 'home/x' })).toBe(false);
  });

  it('§4.4 StringLike: ${*}, ${?} and ${$} are literal characters', () => {
    expect(check('StringLike', 's3:prefix', 'a${*}b', { 's3:prefix': 'a*b' })).toBe(true);
    expect(check('StringLike', 's3:prefix', 'a${*}b', { 's3:prefix': 'axxb' })).toBe(false);
    expect(check('StringLike', 's3:prefix', 'a${?}', { 's3:prefix': 'a?' })).toBe(true);
    expect(check('StringLike', 's3:prefix', 'a${?}', { 's3:prefix': 'ab' })).toBe(false);
    expect(check('StringLike', 's3:prefix', 'cost${$}*', { 's3:prefix': 'cost$100' })).toBe(true);
  });

  it('§4.4 [UNDOCUMENTED] IgnoreCase folds Latin-1 letters (É ≡ é) but nothing beyond U+00FF', () => {
    expect(check('StringEqualsIgnoreCase', 'k:x', 'ÉTÉ', { 'k:x': 'été' })).toBe(true);
    expect(check('StringEqualsIgnoreCase', 'k:x', 'Ā', { 'k:x': 'ā' })).toBe(false);
    expect(check('StringNotEqualsIgnoreCase', 'k:x', 'ÉTÉ', { 'k:x': 'été' })).toBe(false);
  });

  it('§4.12 [UNDOCUMENTED] StringEquals "true" compares the textual value of a boolean key', () => {
    const mfa = (v: string): ContextValue => ({ type: 'boolean', list: false, values: [v] });
    expect(check('StringEquals', 'aws:MultiFactorAuthPresent', 'true', { 'aws:MultiFactorAuthPresent': mfa('true') })).toBe(true);
    expect(check('StringEquals', 'aws:MultiFactorAuthPresent', 'true', { 'aws:MultiFactorAuthPresent': mfa('false') })).toBe(false);
  });

  it('§4.4 StringEquals with many values (set lookup) still matches exactly', () => {
    const values = Array.from({ length: 20 }, (_, i) => `v${i}`);
    expect(check('StringEquals', 'k:x', values, { 'k:x': 'v17' })).toBe(true);
    expect(check('StringEquals', 'k:x', values, { 'k:x': 'V17' })).toBe(false);
    expect(check('StringNotEquals', 'k:x', values, { 'k:x': 'v17' })).toBe(false);
    expect(check('StringNotEquals', 'k:x', values, { 'k:x': 'v20' })).toBe(true);
  });
});

// ---- Numeric specifics --------------------------------------------------------------------

describe('Numeric operators (spec §4.5)', () => {
  const k = 's3:max-keys';
  it('§4.5 LessThan / LessThanEquals / GreaterThan / GreaterThanEquals at the boundary', () => {
    expect(check('NumericLessThan', k, '10', { [k]: '9' })).toBe(true);
    expect(check('NumericLessThan', k, '10', { [k]: '10' })).toBe(false);
    expect(check('NumericLessThanEquals', k, '10', { [k]: '10' })).toBe(true);
    expect(check('NumericLessThanEquals', k, '10', { [k]: '10.001' })).toBe(false);
    expect(check('NumericGreaterThan', k, '10', { [k]: '10' })).toBe(false);
    expect(check('NumericGreaterThan', k, '10', { [k]: '10.5' })).toBe(true);
    expect(check('NumericGreaterThanEquals', k, '10', { [k]: '10' })).toBe(true);
    expect(check('NumericGreaterThanEquals', k, '10', { [k]: '9.99' })).toBe(false);
  });

  it('§4.5 decimals and negatives compare by value (1.0 = 1, -2 < -1.5, .5 = 0.5)', () => {
    expect(check('NumericEquals', k, '1', { [k]: '1.000' })).toBe(true);
    expect(check('NumericEquals', k, '0.5', { [k]: '.5' })).toBe(true);
    expect(check('NumericEquals', k, '0', { [k]: '-0' })).toBe(true);
    expect(check('NumericLessThan', k, '-1.5', { [k]: '-2' })).toBe(true);
    expect(check('NumericLessThan', k, '-1.5', { [k]: '-1' })).toBe(false);
    expect(check('NumericGreaterThan', k, '007', { [k]: '8' })).toBe(true);
  });

  it('§4.5 integers beyond double precision compare exactly', () => {
    expect(check('NumericEquals', k, '12345678901234567890', { [k]: '12345678901234567891' })).toBe(false);
    expect(check('NumericLessThan', k, '12345678901234567891', { [k]: '12345678901234567890' })).toBe(true);
  });

  it('§4.5 E12 NumericLessThanEquals aws:MultiFactorAuthAge 3600: ≤ 1 h true, > 1 h false, absent false', () => {
    const e = (v?: string) => check('NumericLessThanEquals', 'aws:MultiFactorAuthAge', '3600', v === undefined ? {} : { 'aws:MultiFactorAuthAge': v });
    expect(e('1200')).toBe(true);
    expect(e('3600')).toBe(true);
    expect(e('3601')).toBe(false);
    expect(e()).toBe(false);
  });

  it('§4.5 [UNDOCUMENTED] an unparseable policy value never matches (NumericEquals false, NumericNotEquals counts it as not matching)', () => {
    expect(check('NumericEquals', k, 'ten', { [k]: '10' })).toBe(false);
    expect(check('NumericEquals', k, ['ten', '10'], { [k]: '10' })).toBe(true);
    expect(check('NumericNotEquals', k, 'ten', { [k]: '10' })).toBe(true);
    expect(check('NumericLessThan', k, '1e3', { [k]: '5' })).toBe(false);
  });

  it('§4.5 [UNDOCUMENTED] unparseable request number never matches (exponents, spaces, hex, empty)', () => {
    for (const bad of ['1e3', ' 5', '0x10', '', '-', '.', '1.2.3']) {
      expect(check('NumericLessThan', k, '100000', { [k]: bad })).toBe(false);
      expect(check('NumericNotEquals', k, '100000', { [k]: bad })).toBe(false);
    }
  });

  it('§4.6 aws:EpochTime works with numeric operators (epoch seconds)', () => {
    expect(check('NumericGreaterThan', 'aws:EpochTime', '1700000000', { 'aws:EpochTime': '1700000001' })).toBe(true);
    expect(check('NumericGreaterThan', 'aws:EpochTime', '1700000000', { 'aws:EpochTime': '1699999999' })).toBe(false);
  });
});

// ---- Date specifics -----------------------------------------------------------------------

describe('Date operators (spec §4.6)', () => {
  const k = 'aws:CurrentTime';
  it('§4.6 E18 DateGreaterThan 2020-04-01T00:00:00Z AND DateLessThan 2020-06-30T23:59:59Z', () => {
    const c = cond([entry('DateGreaterThan', k, '2020-04-01T00:00:00Z'), entry('DateLessThan', k, '2020-06-30T23:59:59Z')]);
    expect(c.test(ctx({ [k]: '2020-05-15T12:00:00Z' }))).toBe(true);
    expect(c.test(ctx({ [k]: '2020-04-01T00:00:00Z' }))).toBe(false);
    expect(c.test(ctx({ [k]: '2020-07-01T00:00:00Z' }))).toBe(false);
    expect(c.test(ctx({ [k]: '2020-03-31T23:59:59Z' }))).toBe(false);
  });

  it('§4.6 LessThanEquals / GreaterThanEquals include the instant itself', () => {
    expect(check('DateLessThanEquals', k, '2020-01-01T00:00:00Z', { [k]: '2020-01-01T00:00:00Z' })).toBe(true);
    expect(check('DateLessThanEquals', k, '2020-01-01T00:00:00Z', { [k]: '2020-01-01T00:00:00.001Z' })).toBe(false);
    expect(check('DateGreaterThanEquals', k, '2020-01-01T00:00:00Z', { [k]: '2020-01-01T00:00:00Z' })).toBe(true);
    expect(check('DateGreaterThanEquals', k, '2020-01-01T00:00:00Z', { [k]: '2019-12-31T23:59:59.999Z' })).toBe(false);
  });

  it('§4.6 values are compared as instants: time-zone offsets and fractional seconds', () => {
    expect(check('DateEquals', k, '2020-01-01T00:00:00Z', { [k]: '2020-01-01T01:00:00+01:00' })).toBe(true);
    expect(check('DateEquals', k, '2020-01-01T00:00:00Z', { [k]: '2019-12-31T19:00-05:00' })).toBe(true);
    expect(check('DateEquals', k, '2020-01-01T00:00:00.5Z', { [k]: '2020-01-01T00:00:00.500Z' })).toBe(true);
    expect(check('DateLessThan', k, '2020-01-01T00:00:00.5Z', { [k]: '2020-01-01T00:00:00.4999Z' })).toBe(true);
  });

  it('§4.6 [UNDOCUMENTED] a date-only value is midnight UTC; YYYY-MM and YYYY are the first instant', () => {
    expect(check('DateEquals', k, '2020-01-01', { [k]: '2020-01-01T00:00:00Z' })).toBe(true);
    expect(check('DateEquals', k, '2020-01-01', { [k]: '2020-01-01T00:00:01Z' })).toBe(false);
    expect(check('DateEquals', k, '2020-03', { [k]: '2020-03-01T00:00:00Z' })).toBe(true);
    expect(check('DateEquals', k, '2020', { [k]: '2020-01-01T00:00:00Z' })).toBe(true);
  });

  it('§4.6 epoch seconds compare with ISO values (aws:EpochTime)', () => {
    expect(check('DateEquals', 'aws:EpochTime', '2020-01-01T00:00:00Z', { 'aws:EpochTime': '1577836800' })).toBe(true);
    expect(check('DateGreaterThan', 'aws:EpochTime', '2020-01-01', { 'aws:EpochTime': '1577836801' })).toBe(true);
    expect(check('DateGreaterThan', 'aws:EpochTime', '2020-01-01', { 'aws:EpochTime': '1577836800' })).toBe(false);
  });

  it('§4.6 [UNDOCUMENTED] malformed dates never match (positive and negated)', () => {
    for (const bad of ['2020-13-01', '2020-02-30', '2020-01-01T25:00Z', '2020-01-01 00:00:00Z', '01/02/2020', '2020-01-01T00:00:00+0100']) {
      expect(check('DateLessThan', k, '2100-01-01', { [k]: bad })).toBe(false);
      expect(check('DateNotEquals', k, '2100-01-01', { [k]: bad })).toBe(false);
    }
    expect(check('DateLessThan', k, 'tomorrow', { [k]: '2020-01-01' })).toBe(false);
  });

  it('§4.6 leap days are valid dates', () => {
    expect(check('DateEquals', k, '2020-02-29', { [k]: '2020-02-29T00:00:00Z' })).toBe(true);
    expect(check('DateEquals', k, '2021-02-29', { [k]: '2021-02-29' })).toBe(false);
  });
});

// ---- Bool specifics -----------------------------------------------------------------------

describe('Bool (spec §4.8, §6.1, E15)', () => {
  const k = 'aws:MultiFactorAuthPresent';
  const b = (v: string): ContextValue => ({ type: 'boolean', list: false, values: [v] });
  it('§4.8 Bool "true" matches true and not false', () => {
    expect(check('Bool', k, 'true', { [k]: b('true') })).toBe(true);
    expect(check('Bool', k, 'true', { [k]: b('false') })).toBe(false);
    expect(check('Bool', k, 'false', { [k]: b('false') })).toBe(true);
  });

  it('§4.8 [UNDOCUMENTED] "True" / "FALSE" are read case-insensitively (lenient)', () => {
    expect(check('Bool', k, 'True', { [k]: b('true') })).toBe(true);
    expect(check('Bool', k, 'FALSE', { [k]: b('false') })).toBe(true);
    expect(check('Bool', k, 'FALSE', { [k]: b('TRUE') })).toBe(false);
  });

  it('§6.1 E15 BoolIfExists MFAPresent false: true when the key is absent (long-term keys) or false', () => {
    expect(check('BoolIfExists', k, 'false', {})).toBe(true);
    expect(check('BoolIfExists', k, 'false', { [k]: b('false') })).toBe(true);
    expect(check('BoolIfExists', k, 'false', { [k]: b('true') })).toBe(false);
    expect(check('Bool', k, 'false', {})).toBe(false);
  });

  it('§4.8 a policy value that is not a boolean never matches', () => {
    expect(check('Bool', k, 'yes', { [k]: b('true') })).toBe(false);
    expect(check('Bool', k, ['yes', 'true'], { [k]: b('true') })).toBe(true);
  });
});

// ---- Binary specifics ---------------------------------------------------------------------

describe('BinaryEquals (spec §4.9)', () => {
  const k = 'custom:blob';
  it('§4.9 compares decoded bytes, not base64 text (padding is optional)', () => {
    expect(check('BinaryEquals', k, 'QUJD', { [k]: 'QUJD' })).toBe(true);
    expect(check('BinaryEquals', k, 'QUI=', { [k]: 'QUI' })).toBe(true);
    expect(check('BinaryEquals', k, 'QUI=', { [k]: 'QUJD' })).toBe(false);
  });

  it('§4.9 a policy value that is not base64 never matches', () => {
    expect(check('BinaryEquals', k, 'not base64!', { [k]: 'QUJD' })).toBe(false);
  });
});

// ---- IP specifics -------------------------------------------------------------------------

describe('IpAddress / NotIpAddress (spec §4.10, E18)', () => {
  const k = 'aws:SourceIp';
  it('§4.10 E18 NotIpAddress [192.0.2.0/24, 203.0.113.0/24]: outside → true, inside → false', () => {
    const ranges = ['192.0.2.0/24', '203.0.113.0/24'];
    expect(check('NotIpAddress', k, ranges, { [k]: '198.51.100.1' })).toBe(true);
    expect(check('NotIpAddress', k, ranges, { [k]: '192.0.2.200' })).toBe(false);
    expect(check('NotIpAddress', k, ranges, { [k]: '203.0.113.1' })).toBe(false);
  });

  it('§4.10 an IPv6 caller is never inside IPv4 ranges: NotIpAddress with only v4 ranges is true', () => {
    expect(check('NotIpAddress', k, ['192.0.2.0/24', '0.0.0.0/0'], { [k]: '2001:db8::1' })).toBe(true);
    expect(check('IpAddress', k, ['0.0.0.0/0'], { [k]: '2001:db8::1' })).toBe(false);
    expect(check('IpAddress', k, ['::/0'], { [k]: '192.0.2.1' })).toBe(false);
    expect(check('IpAddress', k, ['::/0'], { [k]: '2001:db8::1' })).toBe(true);
  });

  it('§4.10 [UNDOCUMENTED] IPv4-mapped IPv6 addresses are IPv6 (not inside IPv4 ranges)', () => {
    expect(check('IpAddress', k, ['192.0.2.0/24'], { [k]: '::ffff:192.0.2.1' })).toBe(false);
    expect(check('IpAddress', k, ['::ffff:192.0.2.0/120'], { [k]: '::ffff:192.0.2.1' })).toBe(true);
  });

  it('§4.10 a bare IPv4 address means /32; a bare IPv6 address means /128 [UNDOCUMENTED]', () => {
    expect(check('IpAddress', k, '203.0.113.5', { [k]: '203.0.113.5' })).toBe(true);
    expect(check('IpAddress', k, '203.0.113.5', { [k]: '203.0.113.6' })).toBe(false);
    expect(check('IpAddress', k, '2001:db8::5', { [k]: '2001:DB8:0:0:0:0:0:5' })).toBe(true);
    expect(check('IpAddress', k, '2001:db8::5', { [k]: '2001:db8::6' })).toBe(false);
  });

  it('§4.10 prefix boundaries for IPv4 and IPv6 (/0, /1, /31, /63, /65)', () => {
    expect(check('IpAddress', k, '0.0.0.0/0', { [k]: '255.255.255.255' })).toBe(true);
    expect(check('IpAddress', k, '128.0.0.0/1', { [k]: '127.255.255.255' })).toBe(false);
    expect(check('IpAddress', k, '128.0.0.0/1', { [k]: '200.1.1.1' })).toBe(true);
    expect(check('IpAddress', k, '10.0.0.0/31', { [k]: '10.0.0.1' })).toBe(true);
    expect(check('IpAddress', k, '10.0.0.0/31', { [k]: '10.0.0.2' })).toBe(false);
    expect(check('IpAddress', k, '2001:db8:0:0::/63', { [k]: '2001:db8:0:1:ffff::' })).toBe(true);
    expect(check('IpAddress', k, '2001:db8:0:0::/63', { [k]: '2001:db8:0:2::' })).toBe(false);
    expect(check('IpAddress', k, '2001:db8::/65', { [k]: '2001:db8::7fff:0:0:1' })).toBe(true);
    expect(check('IpAddress', k, '2001:db8::/65', { [k]: '2001:db8::8000:0:0:1' })).toBe(false);
  });

  it('§4.10 host bits in a policy CIDR are ignored (10.1.2.3/8 ≡ 10.0.0.0/8)', () => {
    expect(check('IpAddress', k, '10.1.2.3/8', { [k]: '10.200.0.1' })).toBe(true);
    expect(check('IpAddress', k, '10.1.2.3/8', { [k]: '11.0.0.1' })).toBe(false);
  });

  it('§4.10 malformed policy CIDRs never match (NotIpAddress then counts them as not matching)', () => {
    for (const bad of ['10.0.0.0/33', '256.0.0.0/8', '10.0.0/8', '2001:db8::/129', '1:2:3:4:5:6:7:8:9', 'abc']) {
      expect(check('IpAddress', k, bad, { [k]: '10.0.0.1' })).toBe(false);
      expect(check('NotIpAddress', k, bad, { [k]: '10.0.0.1' })).toBe(true);
    }
  });

  it('§4.12 [UNDOCUMENTED] a request value that is not an address never matches (a CIDR, a zone id, leading zeros)', () => {
    for (const bad of ['10.0.0.0/8', 'fe80::1%eth0', '010.0.0.1', '1.2.3', '']) {
      expect(check('IpAddress', k, '0.0.0.0/0', { [k]: bad })).toBe(false);
      expect(check('NotIpAddress', k, '192.0.2.0/24', { [k]: bad })).toBe(false);
    }
  });
});

// ---- ARN specifics ------------------------------------------------------------------------

describe('Arn operators (spec §4.7, E8, E11)', () => {
  const pattern = 'arn:aws:someservice:*:111122223333:finance/*';
  const value = 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt';

  it('§4.7 E11 StringLike matches (the `*` eats colons) but ArnLike does not (per-component)', () => {
    expect(check('StringLike', 'aws:SourceArn', pattern, { 'aws:SourceArn': value })).toBe(true);
    expect(check('ArnLike', 'aws:SourceArn', pattern, { 'aws:SourceArn': value })).toBe(false);
    expect(check('ArnEquals', 'aws:SourceArn', pattern, { 'aws:SourceArn': value })).toBe(false);
    expect(check('ArnNotLike', 'aws:SourceArn', pattern, { 'aws:SourceArn': value })).toBe(true);
  });

  it('§4.7 ArnEquals ≡ ArnLike: both expand wildcards; ArnNotEquals ≡ ArnNotLike', () => {
    const v = 'arn:aws:iam::111122223333:role/AdminRole';
    for (const p of ['arn:aws:iam::*:role/Admin*', 'arn:aws:iam::111122223333:role/AdminRol?']) {
      expect(check('ArnEquals', 'aws:PrincipalArn', p, { 'aws:PrincipalArn': v })).toBe(true);
      expect(check('ArnLike', 'aws:PrincipalArn', p, { 'aws:PrincipalArn': v })).toBe(true);
      expect(check('ArnNotEquals', 'aws:PrincipalArn', p, { 'aws:PrincipalArn': v })).toBe(false);
      expect(check('ArnNotLike', 'aws:PrincipalArn', p, { 'aws:PrincipalArn': v })).toBe(false);
    }
  });

  it('§4.7 ARN matching is case-sensitive', () => {
    expect(check('ArnLike', 'aws:PrincipalArn', 'arn:aws:iam::*:role/admin', { 'aws:PrincipalArn': 'arn:aws:iam::1:role/Admin' })).toBe(false);
  });

  it('§4.7 the resource component takes the remainder (colons and slashes)', () => {
    expect(
      check('ArnLike', 'aws:SourceArn', 'arn:aws:lambda:*:111122223333:function:*', {
        'aws:SourceArn': 'arn:aws:lambda:us-east-1:111122223333:function:f:PROD',
      }),
    ).toBe(true);
  });

  it('§4.7 [SECONDARY] a request value that is not an ARN never matches, for ArnNotLike too', () => {
    expect(check('ArnLike', 'aws:SourceArn', '*', { 'aws:SourceArn': 'bucket' })).toBe(false);
    expect(check('ArnNotLike', 'aws:SourceArn', 'arn:aws:s3:::x', { 'aws:SourceArn': 'bucket' })).toBe(false);
    expect(check('ArnNotLike', 'aws:SourceArn', 'arn:aws:s3:::x', { 'aws:SourceArn': 'arn:aws:s3' })).toBe(false);
  });

  it('§4.7 [UNDOCUMENTED] a short pattern ending in `*` matches the rest of the ARN; otherwise nothing', () => {
    expect(check('ArnLike', 'aws:SourceArn', 'arn:aws:s3:*', { 'aws:SourceArn': 'arn:aws:s3:::b/k' })).toBe(true);
    expect(check('ArnLike', 'aws:SourceArn', '*', { 'aws:SourceArn': 'arn:aws:s3:::b/k' })).toBe(true);
    expect(check('ArnLike', 'aws:SourceArn', 'arn:aws:s3', { 'aws:SourceArn': 'arn:aws:s3:::b/k' })).toBe(false);
  });

  describe('§4.1 E8 bucket policy with several keys and values', () => {
    const statement = (arnOp: string) =>
      cond([
        entry('StringEquals', 'aws:PrincipalTag/department', ['finance', 'hr', 'legal']),
        entry('StringEquals', 'aws:PrincipalTag/role', ['audit', 'security']),
        entry(arnOp, 'aws:PrincipalArn', ['arn:aws:iam::222222222222:user/Ana', 'arn:aws:iam::222222222222:user/Mary']),
      ]);
    const who = (dept: string | null, role: string | null, user: string) =>
      ctx({
        ...(dept ? { 'aws:PrincipalTag/department': dept } : {}),
        ...(role ? { 'aws:PrincipalTag/role': role } : {}),
        'aws:PrincipalArn': `arn:aws:iam::222222222222:user/${user}`,
      });

    it('§4.1 E8 ArnLike: (legal, audit, Mary) match; the other four rows do not', () => {
      const s = statement('ArnLike');
      expect(s.test(who('legal', 'audit', 'Mary'))).toBe(true);
      expect(s.test(who('hr', 'audit', 'Nikki'))).toBe(false);
      expect(s.test(who('hr', 'payroll', 'Mary'))).toBe(false);
      expect(s.test(who('hr', null, 'Mary'))).toBe(false);
      expect(s.test(who(null, null, 'Mary'))).toBe(false);
    });

    it('§4.1 E8 ArnNotLike: (legal, audit, Nikki) match; the other four rows do not', () => {
      const s = statement('ArnNotLike');
      expect(s.test(who('legal', 'audit', 'Nikki'))).toBe(true);
      expect(s.test(who('hr', 'audit', 'Mary'))).toBe(false);
      expect(s.test(who('hr', 'payroll', 'Nikki'))).toBe(false);
      expect(s.test(who('hr', null, 'Nikki'))).toBe(false);
      expect(s.test(who(null, null, 'Nikki'))).toBe(false);
    });
  });
});

// ---- documented multivalued examples ------------------------------------------------------

describe('Multivalued keys (spec §4.3, E7, E9)', () => {
  const tagKeys = (...v: string[]) => ({ 'aws:TagKeys': v });

  it('§4.3 E7 ForAllValues:StringNotLike aws:TagKeys "key1*": each documented row', () => {
    const c = (x: CtxInput) => check('ForAllValues:StringNotLike', 'aws:TagKeys', 'key1*', x);
    expect(c(tagKeys('key1:legal'))).toBe(false);
    expect(c(tagKeys('key1:hr', 'key1:personnel'))).toBe(false);
    expect(c(tagKeys('key2:audit'))).toBe(true);
    expect(c({})).toBe(true);
  });

  it('§4.3 E7 ForAllValues:StringNotLike aws:TagKeys ["key1*", "key2*"]: each documented row', () => {
    const c = (x: CtxInput) => check('ForAllValues:StringNotLike', 'aws:TagKeys', ['key1*', 'key2*'], x);
    expect(c(tagKeys('key1:legal'))).toBe(false);
    expect(c(tagKeys('key1:hr', 'key1:personnel'))).toBe(false);
    expect(c(tagKeys('key1:hr', 'key2:audit'))).toBe(false);
    expect(c(tagKeys('key3:legal'))).toBe(true);
    expect(c({})).toBe(true);
  });

  it('§4.3 E7 ForAnyValue:StringEquals aws:TagKeys "webserver": each documented row', () => {
    const c = (x: CtxInput) => check('ForAnyValue:StringEquals', 'aws:TagKeys', 'webserver', x);
    expect(c(tagKeys('webserver'))).toBe(true);
    expect(c(tagKeys('environment', 'webserver', 'test'))).toBe(true);
    expect(c(tagKeys('environment', 'test'))).toBe(false);
    expect(c({})).toBe(false);
  });

  it('§4.3 E9 ForAllValues:StringEquals dynamodb:Attributes [PostDateTime, Message, Tags]', () => {
    const c = (...v: string[]) => check('ForAllValues:StringEquals', 'dynamodb:Attributes', ['PostDateTime', 'Message', 'Tags'], { 'dynamodb:Attributes': v });
    expect(c('PostDateTime', 'UserName')).toBe(false);
    expect(c('Message', 'Tags')).toBe(true);
    const d = (...v: string[]) => check('ForAllValues:StringEquals', 'dynamodb:Attributes', ['ID', 'Message', 'Tags'], { 'dynamodb:Attributes': v });
    expect(d('ID', 'Message', 'Tags')).toBe(true);
    expect(d('ID', 'Message', 'Tags', 'UserName')).toBe(false);
  });

  it('§4.3 E9 ForAnyValue:StringEquals dynamodb:Attributes [ID, PostDateTime]', () => {
    const c = (...v: string[]) => check('ForAnyValue:StringEquals', 'dynamodb:Attributes', ['ID', 'PostDateTime'], { 'dynamodb:Attributes': v });
    expect(c('UserName', 'Message', 'PostDateTime')).toBe(true);
    expect(c('UserName')).toBe(false);
  });

  it('§4.2 E13 StringLike ec2:InstanceType never matches where the key is absent; StringLikeIfExists does', () => {
    const types = ['t1.*', 't2.*', 'm3.*'];
    expect(check('StringLike', 'ec2:InstanceType', types, {})).toBe(false);
    expect(check('StringLikeIfExists', 'ec2:InstanceType', types, {})).toBe(true);
    expect(check('StringLikeIfExists', 'ec2:InstanceType', types, { 'ec2:InstanceType': 't2.micro' })).toBe(true);
    expect(check('StringLikeIfExists', 'ec2:InstanceType', types, { 'ec2:InstanceType': 'c5.large' })).toBe(false);
  });
});

// ---- policy variables in condition values --------------------------------------------------

describe('Policy variables in conditions (spec §5)', () => {
  it('§5 StringEquals with ${aws:username} is resolved per request', () => {
    const c = cond(entry('StringEquals', 's3:prefix', 'home/${aws:username}/'));
    expect(c.test(ctx({ 's3:prefix': 'home/alice/', 'aws:username': 'alice' }))).toBe(true);
    expect(c.test(ctx({ 's3:prefix': 'home/alice/', 'aws:username': 'bob' }))).toBe(false);
    expect(c.keys.sort()).toEqual(['aws:username', 's3:prefix']);
  });

  it('§5 StringLike with a variable and a wildcard: the variable is literal, the `*` globs', () => {
    const c = cond(entry('StringLike', 's3:prefix', 'home/${aws:username}/*'));
    expect(c.test(ctx({ 's3:prefix': 'home/alice/docs/a', 'aws:username': 'alice' }))).toBe(true);
    expect(c.test(ctx({ 's3:prefix': 'home/alicex/docs', 'aws:username': 'alice' }))).toBe(false);
  });

  it('§5 missing variable: positive operators do not match', () => {
    for (const op of ['StringEquals', 'StringLike', 'StringEqualsIgnoreCase']) {
      expect(check(op, 's3:prefix', 'home/${aws:username}', { 's3:prefix': 'home/' })).toBe(false);
      expect(check(op, 's3:prefix', 'home/${aws:username}', { 's3:prefix': 'home/${aws:username}' })).toBe(false);
    }
    expect(check('ArnLike', 'aws:SourceArn', 'arn:aws:s3:::${aws:username}', { 'aws:SourceArn': 'arn:aws:s3:::' })).toBe(false);
  });

  it('§5 missing variable: negated operators match ("not equal to the null value")', () => {
    for (const op of ['StringNotEquals', 'StringNotLike', 'StringNotEqualsIgnoreCase']) {
      expect(check(op, 's3:prefix', 'home/${aws:username}', { 's3:prefix': 'home/' })).toBe(true);
    }
    expect(check('ArnNotLike', 'aws:SourceArn', 'arn:aws:s3:::${aws:username}', { 'aws:SourceArn': 'arn:aws:s3:::x' })).toBe(true);
    // other values of the NOR still count
    expect(check('StringNotEquals', 's3:prefix', ['home/${aws:username}', 'home/'], { 's3:prefix': 'home/' })).toBe(false);
  });

  it('§5 missing variable: a positive operator still matches another value of the OR', () => {
    expect(check('StringEquals', 's3:prefix', ['home/${aws:username}', 'public/'], { 's3:prefix': 'public/' })).toBe(true);
  });

  it("§5 E16 a default value is used when the key is absent: ${aws:PrincipalTag/team, 'company-wide'}", () => {
    const v = "${aws:PrincipalTag/team, 'company-wide'}";
    expect(check('StringEquals', 's3:prefix', v, { 's3:prefix': 'company-wide' })).toBe(true);
    expect(check('StringEquals', 's3:prefix', v, { 's3:prefix': 'yellow', 'aws:PrincipalTag/team': 'yellow' })).toBe(true);
    expect(check('StringEquals', 's3:prefix', v, { 's3:prefix': 'company-wide', 'aws:PrincipalTag/team': 'yellow' })).toBe(false);
  });

  it('§5 [UNDOCUMENTED] a substituted value is literal in StringLike (a tag value "*" is not a wildcard)', () => {
    const c = cond(entry('StringLike', 's3:prefix', 'team-${aws:PrincipalTag/team}'));
    expect(c.test(ctx({ 's3:prefix': 'team-*', 'aws:PrincipalTag/team': '*' }))).toBe(true);
    expect(c.test(ctx({ 's3:prefix': 'team-red', 'aws:PrincipalTag/team': '*' }))).toBe(false);
  });

  it('§5 variables in ArnLike values: ${aws:PrincipalAccount} resolved anywhere in the ARN', () => {
    const c = cond(entry('ArnLike', 'aws:SourceArn', 'arn:aws:sns:*:${aws:PrincipalAccount}:topic'));
    expect(c.test(ctx({ 'aws:SourceArn': 'arn:aws:sns:us-east-1:111122223333:topic', 'aws:PrincipalAccount': '111122223333' }))).toBe(true);
    expect(c.test(ctx({ 'aws:SourceArn': 'arn:aws:sns:us-east-1:444455556666:topic', 'aws:PrincipalAccount': '111122223333' }))).toBe(false);
    expect(c.keys.sort()).toEqual(['aws:principalaccount', 'aws:sourcearn']);
  });

  it('§2.1 Version 2008-10-17: ${aws:username} in a condition value is literal text', () => {
    expect(check('StringEquals', 's3:prefix', 'home/${aws:username}', { 's3:prefix': 'home/alice', 'aws:username': 'alice' }, false)).toBe(false);
    expect(check('StringEquals', 's3:prefix', 'home/${aws:username}', { 's3:prefix': 'home/${aws:username}' }, false)).toBe(true);
    expect(check('StringNotEquals', 's3:prefix', 'home/${aws:username}', { 's3:prefix': 'home/${aws:username}' }, false)).toBe(false);
    expect(cond(entry('StringEquals', 's3:prefix', '${aws:username}'), false).keys).toEqual(['s3:prefix']);
  });

  it('§4.13 variables are not substituted in Numeric values (literal text, unparseable, never matches)', () => {
    expect(check('NumericEquals', 's3:max-keys', '${aws:username}', { 's3:max-keys': '5', 'aws:username': '5' })).toBe(false);
  });

  it('§5 a variable key is case-insensitive and must be single-valued', () => {
    expect(check('StringEquals', 'k:x', '${AWS:USERNAME}', { 'k:x': 'alice', 'aws:username': 'alice' })).toBe(true);
    expect(check('StringEquals', 'k:x', '${aws:CalledVia}', { 'k:x': 'athena.amazonaws.com', 'aws:CalledVia': ['athena.amazonaws.com'] })).toBe(false);
  });
});

// ---- combination, explanations, guards -----------------------------------------------------

describe('Combination (spec §4.1)', () => {
  it('§4.1 an empty condition is true', () => {
    expect(cond([]).test(ctx())).toBe(true);
    expect(cond([]).firstFailure(ctx())).toBeNull();
  });

  it('§4.1 entries (operator blocks and keys) are AND-ed', () => {
    const c = cond([entry('StringEquals', 'k:a', 'x'), entry('StringEquals', 'k:b', 'y')]);
    expect(c.test(ctx({ 'k:a': 'x', 'k:b': 'y' }))).toBe(true);
    expect(c.test(ctx({ 'k:a': 'x', 'k:b': 'z' }))).toBe(false);
    expect(c.test(ctx({ 'k:a': 'z', 'k:b': 'y' }))).toBe(false);
  });

  it('§4.1 operator names are read in any case (canonical spelling reported)', () => {
    expect(check('stringequals', 'k:a', 'x', { 'k:a': 'x' })).toBe(true);
    expect(check('forallvalues:stringequalsifexists', 'k:a', 'x', {})).toBe(true);
  });

  it('§2.3 an unknown operator throws at compile time (validator guard)', () => {
    expect(() => cond(entry('StringEqualz', 'k:a', 'x'))).toThrow(/unknown condition operator "StringEqualz"/);
    expect(() => cond(entry('ForSomeValues:StringEquals', 'k:a', 'x'))).toThrow(/unknown condition operator/);
  });

  it('§4.1/§5 keys lists every condition key and variable key, lower-cased, once', () => {
    const c = cond([
      entry('StringEquals', 'aws:PrincipalTag/Team', '${aws:username}'),
      entry('Null', 'AWS:PRINCIPALTAG/TEAM', 'false'),
      entry('ArnLike', 'aws:SourceArn', 'arn:aws:s3:::${aws:UserName}'),
    ]);
    expect(c.keys.sort()).toEqual(['aws:principaltag/team', 'aws:sourcearn', 'aws:username']);
  });

  it('§4.1 test() does not depend on earlier calls (scratch state is not leaked between values)', () => {
    const c = cond([entry('IpAddress', 'aws:SourceIp', '10.0.0.0/8'), entry('NumericLessThan', 'n:x', '5')]);
    expect(c.test(ctx({ 'aws:SourceIp': '10.1.1.1', 'n:x': '4' }))).toBe(true);
    expect(c.test(ctx({ 'aws:SourceIp': '2001:db8::1', 'n:x': '4' }))).toBe(false);
    expect(c.test(ctx({ 'aws:SourceIp': '10.1.1.1', 'n:x': '6' }))).toBe(false);
    expect(c.test(ctx({ 'aws:SourceIp': '10.1.1.1', 'n:x': '4' }))).toBe(true);
  });
});

describe('firstFailure (explanations, architecture "The engine")', () => {
  it('§4.1 reports the first false entry in written order with operator, key as written, values and span', () => {
    const e1 = entry('StringEquals', 'aws:PrincipalTag/Dept', ['finance', 'hr']);
    const e2 = entry('stringlike', 'S3:Prefix', 'home/*');
    const c = cond([e1, e2]);
    const f = c.firstFailure(ctx({ 'aws:principaltag/dept': 'hr', 's3:prefix': 'tmp/x' }));
    expect(f).toEqual({
      operator: 'StringLike',
      key: 'S3:Prefix',
      requestValues: ['tmp/x'],
      policyValues: ['home/*'],
      span: e2.key.span,
    });
    expect(c.firstFailure(ctx({ 'aws:principaltag/dept': 'hr', 's3:prefix': 'home/x' }))).toBeNull();
  });

  it('§4.2 requestValues is null when the key is absent, with a note', () => {
    const f = cond(entry('forAnyValue:StringEquals', 'aws:TagKeys', 'a')).firstFailure(ctx());
    expect(f?.operator).toBe('ForAnyValue:StringEquals');
    expect(f?.requestValues).toBeNull();
    expect(f?.note).toMatch(/ForAnyValue is false for an absent/);
  });

  it('§4.3 notes a plain operator on a multivalued key', () => {
    const f = cond(entry('StringEquals', 'aws:TagKeys', 'a')).firstFailure(ctx({ 'aws:TagKeys': ['a', 'b'] }));
    expect(f?.requestValues).toEqual(['a', 'b']);
    expect(f?.note).toBe('key holds 2 values; a plain operator needs ForAnyValue/ForAllValues (§4.3)');
  });

  it('§4.12 notes an unreadable request value', () => {
    expect(cond(entry('NumericLessThan', 'n:x', '5')).firstFailure(ctx({ 'n:x': 'five' }))?.note).toBe('request value is not a number');
    expect(cond(entry('IpAddress', 'aws:SourceIp', '10.0.0.0/8')).firstFailure(ctx({ 'aws:SourceIp': 'x' }))?.note).toBe(
      'request value is not an IP address',
    );
    expect(cond(entry('ArnLike', 'aws:SourceArn', '*')).firstFailure(ctx({ 'aws:SourceArn': 'x' }))?.note).toBe('request value is not an ARN');
  });

  it('§5/§4.5 notes an unresolved policy variable and unreadable policy values', () => {
    const f = cond(entry('StringEquals', 's3:prefix', 'home/${aws:username}')).firstFailure(ctx({ 's3:prefix': 'home/' }));
    expect(f?.note).toMatch(/\$\{aws:username\} has no value/);
    const g = cond(entry('NumericEquals', 'n:x', ['ten', '11'])).firstFailure(ctx({ 'n:x': '10' }));
    expect(g?.note).toMatch(/policy value "ten" is not a number/);
  });

  it('§4.3 names the request value that fails ForAllValues', () => {
    const f = cond(entry('ForAllValues:StringEquals', 'aws:TagKeys', ['a', 'b'])).firstFailure(ctx({ 'aws:TagKeys': ['a', 'c'] }));
    expect(f?.note).toBe('request value "c" does not satisfy StringEquals');
  });

  it('§4.11 explains Null failures', () => {
    expect(cond(entry('Null', 'k:x', 'true')).firstFailure(ctx({ 'k:x': 'v' }))?.note).toMatch(/present/);
    expect(cond(entry('ForAnyValue:Null', 'k:x', 'true')).firstFailure(ctx())?.note).toMatch(/always false/);
  });
});
