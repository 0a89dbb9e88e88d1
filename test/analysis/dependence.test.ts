// Does a case depend on a deployable item (src/analysis/dependence.ts)? The engine decides which
// policy types apply (decide.ts `applicability`), so the gate never re-implements those rules.

import { describe, expect, it } from 'vitest';
import { ablationChange, caseItems, decidingItems, withoutItem } from '../../src/analysis/dependence.ts';
import { ACCOUNT, buildSuite } from '../scenario/build-suite.ts';

const allow = (action: string) => ({ Version: '2012-10-17', Statement: [{ Sid: 'A', Effect: 'Allow', Action: action, Resource: '*' }] });
const DENY_DELETE = { Version: '2012-10-17', Statement: [{ Sid: 'NoDelete', Effect: 'Deny', Action: 's3:DeleteObject', Principal: '*', Resource: '*' }] };

const suite = buildSuite({
  policies: { s3: allow('s3:*'), ec2: allow('ec2:*'), all: allow('*'), 'rcp-no-delete': DENY_DELETE },
  groups: { S3: ['s3'], Both: ['s3', 'ec2'] },
  principals: {
    ann: { arn: `arn:aws:iam::${ACCOUNT}:user/ann`, groups: ['S3', 'Both'] },
    linked: { arn: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/elasticmapreduce.amazonaws.com/AWSServiceRoleForEMR`, policies: ['all'] },
  },
  organization: { rcps: [['rcp-no-delete']] },
  cases: [
    { name: 'ann reads', principal: 'ann', action: 's3:GetObject', resource: `arn:aws:s3:::b/k`, expect: 'allowed' },
    { name: 'ann deletes', principal: 'ann', action: 's3:DeleteObject', resource: `arn:aws:s3:::b/k`, expect: 'explicitDeny' },
    { name: 'ann runs', principal: 'ann', action: 'ec2:RunInstances', resource: '*', expect: 'allowed' },
    { name: 'the service-linked role deletes', principal: 'linked', action: 's3:DeleteObject', resource: `arn:aws:s3:::b/k`, expect: 'allowed' },
  ],
});
const c = (name: string) => suite.cases.find((x) => x.name === name)!;

describe('dependence', () => {
  it('involvement: RCPs only for the services and principals the engine applies them to (§1.5)', () => {
    expect(caseItems(suite, c('ann reads')).sort()).toEqual(['group:Both', 'group:S3', 'policy:ec2', 'policy:s3', 'rcp:rcp-no-delete']);
    expect(caseItems(suite, c('ann runs'))).not.toContain('rcp:rcp-no-delete'); // EC2 is no RCP service
    expect(caseItems(suite, c('the service-linked role deletes'))).toEqual(['policy:all']); // RCPs never restrict service-linked roles
  });

  it('decidedBy credits the policy and every group of the principal that holds it', () => {
    expect(decidingItems(suite, c('ann reads'))).toEqual(new Map([['policy:s3', ['s3#A']], ['group:S3', ['s3#A']], ['group:Both', ['s3#A']]]));
    expect(decidingItems(suite, c('ann deletes'))).toEqual(new Map([['rcp:rcp-no-delete', ['rcp-no-delete#NoDelete']]]));
  });

  it('ablation: removing a group the policy is also reached through changes nothing; removing the policy does', () => {
    expect(ablationChange(suite, c('ann reads'), 'group:S3')).toBeNull();
    expect(ablationChange(suite, c('ann reads'), 'policy:s3')).toEqual({ with: 'allowed', without: 'implicitDeny' });
    expect(ablationChange(suite, c('ann deletes'), 'rcp:rcp-no-delete')).toEqual({ with: 'explicitDeny', without: 'allowed' });
    expect(ablationChange(suite, c('the service-linked role deletes'), 'rcp:rcp-no-delete')).toBeNull();
  });

  it('withoutItem leaves the suite itself untouched, and builds each ablated suite once', () => {
    const a = withoutItem(suite, 'policy:s3');
    expect(a.groups.get('Both')!.policies).toEqual(['ec2']);
    expect(suite.groups.get('Both')!.policies).toEqual(['s3', 'ec2']);
    expect(withoutItem(suite, 'policy:s3')).toBe(a);
    expect(withoutItem(suite, 'group:S3').principals.get('ann')!.groups).toEqual(['Both']);
    expect(withoutItem(suite, 'rcp:rcp-no-delete').organization!.rcps).toEqual([[]]);
  });
});
