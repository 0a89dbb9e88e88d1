import { describe, expect, it } from 'vitest';
import { compileResourceMatcher, ArnPattern, splitArnTokens } from '../../src/engine/resource.ts';
import { makeRequest, type ContextValue, type Request } from '../../src/engine/request.ts';

const USER = 'arn:aws:iam::123456789012:user/David';
const ROLE = 'arn:aws:iam::123456789012:role/Admin';

function req(resource: string, opts: { principal?: string; tags?: Record<string, string>; context?: Record<string, ContextValue> } = {}): Request {
  return makeRequest({
    principal: { arn: opts.principal ?? USER, ...(opts.tags ? { tags: opts.tags } : {}) },
    action: 's3:GetObject',
    resource,
    ...(opts.context ? { context: opts.context } : {}),
  });
}

const v2012 = { variables: true };
const v2008 = { variables: false };

function matches(pattern: string | string[], resource: string, opts: { variables: boolean } = v2012): boolean {
  return compileResourceMatcher(Array.isArray(pattern) ? pattern : [pattern], opts).test(req(resource));
}

describe('Resource "*" and the request resource "*" (spec §3.1, §3.2)', () => {
  it('§3.2 Resource "*" matches every resource, including the request resource "*"', () => {
    expect(matches('*', 'arn:aws:s3:::bucket/key')).toBe(true);
    expect(matches('*', '*')).toBe(true);
    expect(matches('*', 'not-an-arn')).toBe(true);
  });

  it('§3.1 request resource "*" (no resource-level permissions) is matched only by a pattern that is exactly "*"', () => {
    expect(matches('arn:aws:s3:::*', '*')).toBe(false);
    expect(matches('arn:*', '*')).toBe(false);
    expect(matches(['arn:aws:s3:::*', '*'], '*')).toBe(true);
    const m = compileResourceMatcher(['arn:aws:s3:::*'], v2012);
    expect(m.note(req('*'))).toMatch(/only Resource "\*"/);
  });

  it('§3.2 a request resource that is not an ARN is matched only by "*" or the identical string', () => {
    expect(matches('my-thing', 'my-thing')).toBe(true);
    expect(matches('my-*', 'my-thing')).toBe(false);
    expect(matches('arn:*', 'my-thing')).toBe(false);
    expect(matches('arn:aws:s3:::my-thing', 'my-thing')).toBe(false);
  });
});

describe('Resource wildcards (spec §3.2, E10)', () => {
  const P = 'arn:aws:s3:::B/*/test/*';
  const yes = [
    'B/1/test/object.jpg',
    'B/1/2/test/object.jpg',
    'B/1/2/test/3/object.jpg',
    'B/1/2/3/test/4/object.jpg',
    'B/1///test///object.jpg',
    'B/1/test/.jpg',
    'B//test/object.jpg',
    'B/1/test/',
  ];
  const no = ['B/1-test/object.jpg', 'B/test/object.jpg', 'B/1/2/test.jpg'];

  for (const r of yes) {
    it(`§3.2 E10 ${P} matches arn:aws:s3:::${r}`, () => {
      expect(matches(P, `arn:aws:s3:::${r}`)).toBe(true);
    });
  }
  for (const r of no) {
    it(`§3.2 E10 ${P} does not match arn:aws:s3:::${r}`, () => {
      expect(matches(P, `arn:aws:s3:::${r}`)).toBe(false);
    });
  }

  it('§3.2 bucket ARN and object ARN are different resources', () => {
    expect(matches('arn:aws:s3:::bucket', 'arn:aws:s3:::bucket/key')).toBe(false);
    expect(matches('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket')).toBe(false);
    expect(matches('arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/key')).toBe(true);
    expect(matches('arn:aws:s3:::bucket', 'arn:aws:s3:::bucket')).toBe(true);
  });

  it('§3.2 E1 `*log*` matches an object ARN because `*` spans `/`', () => {
    expect(matches('arn:aws:s3:::*log*', 'arn:aws:s3:::carlossalazar-logs/file.txt')).toBe(true);
    expect(matches('arn:aws:s3:::*log*', 'arn:aws:s3:::carlossalazar/file.txt')).toBe(false);
  });

  it('§3.2 `?` in the resource component matches exactly one character', () => {
    expect(matches('arn:aws:s3:::b?/k', 'arn:aws:s3:::b1/k')).toBe(true);
    expect(matches('arn:aws:s3:::b?/k', 'arn:aws:s3:::b/k')).toBe(false);
    expect(matches('arn:aws:s3:::b?/k', 'arn:aws:s3:::b12/k')).toBe(false);
  });

  it('§3.2 wildcards inside region and account components match within the component', () => {
    expect(matches('arn:aws:ec2:us-*-1:*:instance/*', 'arn:aws:ec2:us-east-1:123456789012:instance/i-1')).toBe(true);
    expect(matches('arn:aws:ec2:us-*-1:*:instance/*', 'arn:aws:ec2:eu-west-1:123456789012:instance/i-1')).toBe(false);
    expect(matches('arn:aws:ec2:*:1234567890??:instance/*', 'arn:aws:ec2:us-east-1:123456789012:instance/i-1')).toBe(true);
    expect(matches('arn:aws:ec2:*:*:*', 'arn:aws:ec2:us-east-1:123456789012:volume/vol-1')).toBe(true);
    expect(matches('arn:aws:ec2:*:*:*', 'arn:aws:s3:::bucket')).toBe(false);
  });

  it('§3.2 E7 an empty region in the pattern matches only an empty region', () => {
    expect(matches('arn:aws:ec2:us-west-2::snapshot/*', 'arn:aws:ec2:us-west-2::snapshot/snap-1')).toBe(true);
    expect(matches('arn:aws:ec2:us-west-2::snapshot/*', 'arn:aws:ec2:us-west-2:123456789012:snapshot/snap-1')).toBe(false);
  });
});

describe('Colons (spec §3.2 colon crossing, §4.7)', () => {
  it('§3.2 the resource component takes the remainder: `*` there spans colons', () => {
    expect(
      matches('arn:aws:lambda:us-east-1:123456789012:function:*', 'arn:aws:lambda:us-east-1:123456789012:function:my-fn:PROD'),
    ).toBe(true);
    expect(
      matches(
        'arn:aws:logs:us-east-1:123456789012:log-group:app*',
        'arn:aws:logs:us-east-1:123456789012:log-group:app/web:log-stream:i-1',
      ),
    ).toBe(true);
    expect(
      matches('arn:aws:lambda:us-east-1:123456789012:function:my-fn', 'arn:aws:lambda:us-east-1:123456789012:function:my-fn:PROD'),
    ).toBe(false);
  });

  it('§3.2/§4.7 a `*` in the region does not swallow colons (per-component matching)', () => {
    const P = 'arn:aws:someservice:*:111122223333:finance/*';
    expect(matches(P, 'arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt')).toBe(false);
    expect(matches(P, 'arn:aws:someservice:us-east-2:111122223333:finance/document.txt')).toBe(true);
  });

  it('§3.2 a colon in the pattern resource component must meet a colon in the request', () => {
    expect(matches('arn:aws:sns:*:*:topic:*', 'arn:aws:sns:us-east-1:123456789012:topic:sub')).toBe(true);
    expect(matches('arn:aws:sns:*:*:topic:*', 'arn:aws:sns:us-east-1:123456789012:topic/sub')).toBe(false);
  });
});

describe('Short ARN patterns (spec §3.2 "expands beyond colon boundaries", §10)', () => {
  it('§3.2 [UNDOCUMENTED] a short pattern whose last component ends with `*` matches the rest of the ARN', () => {
    expect(matches('arn:aws:s3:*', 'arn:aws:s3:::bucket/key')).toBe(true);
    expect(matches('arn:aws:s3:*', 'arn:aws:s3:us-east-1:123456789012:accesspoint/ap')).toBe(true);
    expect(matches('arn:aws:s3:*', 'arn:aws:ec2:us-east-1:123456789012:instance/i-1')).toBe(false);
    expect(matches('arn:*', 'arn:aws:iam::123456789012:user/x')).toBe(true);
    expect(matches('arn:aws:s3*', 'arn:aws:s3-object-lambda:us-east-1:123456789012:accesspoint/x')).toBe(true);
    expect(matches('arn:aws:s3*', 'arn:aws-cn:s3:::bucket')).toBe(false);
    expect(matches('arn:aws:iam::123456789012:*', 'arn:aws:iam::123456789012:user/x')).toBe(true);
    expect(matches('arn:aws:iam::123456789012:*', 'arn:aws:iam::999999999999:user/x')).toBe(false);
  });

  it('§3.2 [UNDOCUMENTED] a short pattern without a trailing `*` matches nothing', () => {
    expect(matches('arn:aws:s3', 'arn:aws:s3:::bucket')).toBe(false);
    expect(matches('arn:aws:s3:::', 'arn:aws:s3:::bucket')).toBe(false);
    expect(matches('arn:aws:s3:*:x', 'arn:aws:s3:us-east-1:x::')).toBe(false);
    // a `*` that is not the last character of the short pattern does not expand across colons
    expect(matches('arn:aws:s3:*key', 'arn:aws:s3:::bucket/key')).toBe(false);
    expect(matches('arn:aws:s3:*key*', 'arn:aws:s3:::bucket/key')).toBe(true);
  });
});

describe('Case (spec §3.2, §9.5)', () => {
  it('§3.2 the resource component is case-sensitive', () => {
    expect(matches('arn:aws:iam::123456789012:user/Alice', 'arn:aws:iam::123456789012:user/alice')).toBe(false);
    expect(matches('arn:aws:iam::123456789012:user/Alice', 'arn:aws:iam::123456789012:user/Alice')).toBe(true);
  });

  it('§3.2 [SECONDARY] partition/service/region/account are compared case-sensitively too (real ARNs are lower-case)', () => {
    expect(matches('arn:aws:S3:::bucket', 'arn:aws:s3:::bucket')).toBe(false);
    expect(matches('arn:AWS:s3:::bucket', 'arn:aws:s3:::bucket')).toBe(false);
  });
});

describe('Resource policy variables (spec §5, E16)', () => {
  const teamBucket = "arn:aws:s3:::DOC-EXAMPLE-BUCKET-${aws:PrincipalTag/team, 'company-wide'}";

  it('§5 E16 a tagged principal (team=yellow) gets only its own bucket', () => {
    const m = compileResourceMatcher([teamBucket], v2012);
    expect(m.test(req('arn:aws:s3:::DOC-EXAMPLE-BUCKET-yellow', { tags: { team: 'yellow' } }))).toBe(true);
    expect(m.test(req('arn:aws:s3:::DOC-EXAMPLE-BUCKET-company-wide', { tags: { team: 'yellow' } }))).toBe(false);
    expect(m.test(req('arn:aws:s3:::DOC-EXAMPLE-BUCKET-blue', { tags: { team: 'yellow' } }))).toBe(false);
  });

  it('§5 E16 an untagged principal gets the default (company-wide) bucket only', () => {
    const m = compileResourceMatcher([teamBucket], v2012);
    expect(m.test(req('arn:aws:s3:::DOC-EXAMPLE-BUCKET-company-wide'))).toBe(true);
    expect(m.test(req('arn:aws:s3:::DOC-EXAMPLE-BUCKET-yellow'))).toBe(false);
    expect(m.keys).toEqual(['aws:principaltag/team']);
  });

  it('§5 E16 ${aws:username}: user David gets his own user ARN; a role session gets nothing', () => {
    const m = compileResourceMatcher(['arn:aws:iam::123456789012:user/${aws:username}'], v2012);
    expect(m.test(req('arn:aws:iam::123456789012:user/David'))).toBe(true);
    expect(m.test(req('arn:aws:iam::123456789012:user/Maria'))).toBe(false);
    expect(m.test(req('arn:aws:iam::123456789012:user/Admin', { principal: ROLE }))).toBe(false);
    expect(m.test(req('arn:aws:iam::123456789012:user/', { principal: ROLE }))).toBe(false);
    expect(m.note(req('arn:aws:iam::123456789012:user/Admin', { principal: ROLE }))).toMatch(/\$\{aws:username\} has no value/);
    expect(m.keys).toEqual(['aws:username']);
  });

  it('§5 variable key names are case-insensitive', () => {
    const m = compileResourceMatcher(['arn:aws:iam::123456789012:user/${AWS:UserName}'], v2012);
    expect(m.test(req('arn:aws:iam::123456789012:user/David'))).toBe(true);
    expect(m.keys).toEqual(['aws:username']);
  });

  it('§3.2 a missing variable makes THAT pattern match nothing; other patterns still match', () => {
    const m = compileResourceMatcher(['arn:aws:s3:::home/${aws:username}/*', 'arn:aws:s3:::public/*'], v2012);
    expect(m.test(req('arn:aws:s3:::home/Admin/x', { principal: ROLE }))).toBe(false);
    expect(m.test(req('arn:aws:s3:::home//x', { principal: ROLE }))).toBe(false);
    expect(m.test(req('arn:aws:s3:::public/x', { principal: ROLE }))).toBe(true);
  });

  it('§5 ${*}, ${?}, ${$} are literal characters, never wildcards', () => {
    const m = compileResourceMatcher(['arn:aws:s3:::bucket/${*}${?}${$}'], v2012);
    expect(m.test(req('arn:aws:s3:::bucket/*?$'))).toBe(true);
    expect(m.test(req('arn:aws:s3:::bucket/ab$'))).toBe(false);
  });

  it('§5 [UNDOCUMENTED] a substituted value is literal: a tag value "*" does not act as a wildcard', () => {
    const m = compileResourceMatcher(['arn:aws:s3:::b-${aws:PrincipalTag/team}'], v2012);
    expect(m.test(req('arn:aws:s3:::b-*', { tags: { team: '*' } }))).toBe(true);
    expect(m.test(req('arn:aws:s3:::b-yellow', { tags: { team: '*' } }))).toBe(false);
  });

  it('§2.1 Version 2008-10-17: ${aws:username} is literal text', () => {
    const m = compileResourceMatcher(['arn:aws:iam::123456789012:user/${aws:username}'], v2008);
    expect(m.test(req('arn:aws:iam::123456789012:user/David'))).toBe(false);
    expect(m.test(req('arn:aws:iam::123456789012:user/${aws:username}'))).toBe(true);
    expect(m.keys).toEqual([]);
  });

  it('§5 a multivalued (list) context key cannot be used as a variable', () => {
    const m = compileResourceMatcher(['arn:aws:s3:::bucket/${s3:prefix}'], v2012);
    const list: ContextValue = { type: 'string', list: true, values: ['home'] };
    const single: ContextValue = { type: 'string', list: false, values: ['home'] };
    expect(m.test(req('arn:aws:s3:::bucket/home', { context: { 's3:prefix': list } }))).toBe(false);
    expect(m.test(req('arn:aws:s3:::bucket/home', { context: { 's3:prefix': single } }))).toBe(true);
  });

  it('§5 a variable and wildcards combine: the variable is literal, the wildcard still globs', () => {
    const m = compileResourceMatcher(['arn:aws:s3:::home/${aws:username}/*'], v2012);
    expect(m.test(req('arn:aws:s3:::home/David/a/b.txt'))).toBe(true);
    expect(m.test(req('arn:aws:s3:::home/Davidx/a'))).toBe(false);
  });

  it('§5 patterns are reported as written and variable keys lower-cased', () => {
    const m = compileResourceMatcher(['arn:aws:s3:::a', 'arn:aws:s3:::${aws:PrincipalTag/Team}'], v2012);
    expect(m.patterns).toEqual(['arn:aws:s3:::a', 'arn:aws:s3:::${aws:PrincipalTag/Team}']);
    expect(m.keys).toEqual(['aws:principaltag/team']);
  });
});

describe('ArnPattern (shared with the Arn condition operators)', () => {
  it('§3.2 splits at the first five colons only', () => {
    expect(splitArnTokens(['arn:aws:s3:::b:c/d'])).toEqual([['arn'], ['aws'], ['s3'], [], [], ['b:c/d']]);
    expect(splitArnTokens(['arn:aws:s3*'])).toEqual([['arn'], ['aws'], ['s3*']]);
  });

  it('§3.2 a pattern decides alike whether its first five components are plain text (one compare) or globs', () => {
    const arns = ['arn:aws:s3:::b/k', 'arn:aws:s3:::b', 'arn:aws:s3:::c/k', 'arn:aws:s4:::b/k', 'arn:aws-cn:s3:::b/k', 'arn:aws:s3:r::b/k', 'arn:aws:s3::1:b/k'];
    const plain = new ArnPattern(splitArnTokens(['arn:aws:s3:::b/*']));
    const globbed = new ArnPattern(splitArnTokens(['arn:aws:s?:::b/*']));
    const exact = new ArnPattern(splitArnTokens(['arn:aws:s3:::b/k']));
    expect(arns.filter((a) => plain.match(a))).toEqual(['arn:aws:s3:::b/k']);
    expect(arns.filter((a) => globbed.match(a))).toEqual(['arn:aws:s3:::b/k', 'arn:aws:s4:::b/k']);
    expect(arns.filter((a) => exact.match(a))).toEqual(['arn:aws:s3:::b/k']);
  });

  it('§4.7 a string that is not an ARN never matches an ARN pattern', () => {
    const p = new ArnPattern(splitArnTokens(['*']));
    expect(p.match('arn:aws:s3:::b')).toBe(true);
    expect(p.match('bucket')).toBe(false);
    expect(p.match('arn:aws:s3')).toBe(false);
  });
});
