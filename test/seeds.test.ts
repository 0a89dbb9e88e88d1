// Claims of the seed documents (../shared/seeds/) that are about policy text rather than
// decisions; the decisions themselves are the suites under scenarios/.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readPolicy } from '../src/policy/index.ts';

const published = readFileSync(new URL('./fixtures/seeds/blog-policy-as-published.json', import.meta.url), 'utf8');

describe('seed 004: the blog policy as published', () => {
  it('is not valid IAM: "orga_id" stands where an ARN takes the 12-digit account id, not an organization id (§2.3, §3.2)', () => {
    const { policy, findings } = readPolicy(published, { name: 'blog', type: 'identity' });
    expect(policy).toBeUndefined();
    const errors = findings.filter((f) => f.severity === 'error');
    expect(errors).toHaveLength(12); // every user/mfa ARN in the document
    expect(new Set(errors.map((f) => f.code))).toEqual(new Set(['Invalid ARN account']));
    expect(errors[0]!.position).toEqual({ line: 13, column: 23 });
  });

  it('with a real account id it is valid, and "$${aws:username}" reads as "$" followed by a variable (Terraform escaping pasted verbatim)', () => {
    const { policy, findings } = readPolicy(published.replaceAll('orga_id', '123456789012'), { name: 'blog', type: 'identity' });
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(policy!.statements[1]!.resource![0]!.value).toBe('arn:aws:iam::123456789012:user/$${aws:username}');
  });
});
