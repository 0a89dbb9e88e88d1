// The request space of src/analysis/enumerate.ts: which actions, resources and context values an
// access diff (and the mutation search) decides.

import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { probes, type Probe } from '../../src/analysis/enumerate.ts';
import { catalog } from '../../src/catalog/index.ts';
import { decideProbe } from '../../src/analysis/diff.ts';
import { loadSuites } from '../../src/scenario/loader.ts';
import type { Suite } from '../../src/scenario/model.ts';
import { ACCOUNT, project } from '../cli/project.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function suiteOf(policy: object, extra = ''): Suite {
  const dir = project({
    s: `suite: S
policies:
  p: ${JSON.stringify(policy)}
principals:
  ann: {arn: "arn:aws:iam::${ACCOUNT}:user/ann", policies: [p]}
${extra}cases:
  - {name: c, principal: ann, action: s3:GetObject, resource: "arn:aws:s3:::b/k", expect: denied}
`,
  });
  dirs.push(dir);
  return loadSuites(['scenarios'], { cwd: dir })[0]!;
}

const all = (s: Suite): Probe[] => [...probes([s])];
const values = (ps: Probe[], key: string): string[] =>
  [...new Set(ps.map((p) => { const v = p.context[key]; return v === undefined || v === null ? 'absent' : v.values.join(','); }))].sort();

describe('context values the conditions tell apart', () => {
  it('numbers and dates around the bound, addresses inside and outside the CIDR, each key absent too', () => {
    const s = suiteOf({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: '*',
          Condition: {
            NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' },
            IpAddress: { 'aws:SourceIp': '10.0.0.0/8' },
            DateGreaterThan: { 'aws:CurrentTime': '2025-01-01T00:00:00Z' },
          },
        },
      ],
    });
    const ps = all(s); // the case is one of the combinations (every key absent): it is not repeated
    expect(values(ps, 'aws:MultiFactorAuthAge')).toEqual(['3599', '3600', 'absent']);
    expect(values(ps, 'aws:SourceIp')).toEqual(['10.0.0.0', '11.0.0.0', 'absent']);
    expect(values(ps, 'aws:CurrentTime')).toEqual(['2025-01-01T00:00:00Z', '2025-01-01T00:00:01Z', 'absent']);
    // every combination: 3 × 3 × 3 per principal, action class and resource
    const one = ps.filter((p) => p.action === 's3:GetObject' && p.resource === 'arn:aws:s3:::b/k');
    expect(one.length).toBe(27);
    // and one of them is allowed, the others not: the variants do reach both sides of each condition
    expect(one.filter((p) => decideProbe(s, p).decision === 'allowed').length).toBe(1);
  });

  it("a key the suite's default context sets keeps that value as one variant (and overrides say what differs)", () => {
    const s = suiteOf(
      { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }] },
      'context:\n  aws:MultiFactorAuthPresent: true\n',
    );
    const ps = all(s).filter((p) => p.action === 's3:GetObject' && p.resource === 'arn:aws:s3:::b/k');
    expect(ps.map((p) => JSON.stringify(p.overrides)).sort()).toEqual([
      '{"aws:MultiFactorAuthPresent":null}',
      '{"aws:MultiFactorAuthPresent":{"type":"boolean","list":false,"values":["false"]}}',
      '{}',
    ]);
  });

  it('keys the evaluator fills from the principal are not varied', () => {
    const s = suiteOf({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'a' } } }] });
    expect(all(s).every((p) => !('aws:PrincipalTag/team' in p.context))).toBe(true);
  });
});

describe('actions and resources', () => {
  const s = suiteOf({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 's3:Get*', Resource: 'arn:aws:s3:::b/*' },
      { Effect: 'Allow', Action: 'iam:ChangePassword', Resource: 'arn:aws:iam::123456789012:user/${aws:username}' },
    ],
  });
  const ps = all(s).filter((p) => !p.fromCase);

  it('every action of the services the policies name, each once across the probes of a resource and context', () => {
    const covered = new Set(ps.filter((p) => Object.keys(p.overrides).length === 0).flatMap((p) => p.actions));
    for (const svc of ['s3', 'iam']) for (const a of catalog.actions(svc)) expect(covered.has(a.action), a.action).toBe(true);
  });

  it('actions the same statements match and that take the same resource types are one probe', () => {
    const getObject = ps.find((p) => p.actions.includes('s3:GetObject'))!;
    expect(getObject.actions).toContain('s3:GetObjectAcl');
    expect(getObject.actions).not.toContain('s3:PutObject');
  });

  it('policy resources with wildcards filled in and variables resolved for the principal; a built ARN where nothing named fits', () => {
    const resources = (action: string) => [...new Set(all(s).filter((p) => p.actions.includes(action)).map((p) => p.resource))].sort();
    // the policy's b/* and the case's object fit the object type; nothing names an access point
    expect(resources('s3:GetObject')).toEqual(['arn:aws:s3:::b/example', 'arn:aws:s3:::b/k', `arn:aws:s3:us-east-1:${ACCOUNT}:accesspoint/example/object/example`]);
    expect(resources('iam:ChangePassword')).toEqual([`arn:aws:iam::${ACCOUNT}:user/ann`]);
    expect(resources('iam:GetAccountSummary')).toEqual(['*']); // no resource types (spec §3.1)
    expect(resources('iam:GetRole')).toEqual([`arn:aws:iam::${ACCOUNT}:role/example`]);
  });

  it('cases come first, once each', () => {
    const first = all(s)[0]!;
    expect(first.fromCase).toBe('c');
    expect(all(s).filter((p) => p.fromCase).length).toBe(1);
  });
});
