// Builds Suite objects by hand (what the loader produces), for runner and reporter tests that must
// not depend on YAML parsing. Policies are left uncompiled: the resolver compiles them on demand.

import { dirname } from 'node:path';
import type { ContextValue } from '../../src/engine/request.ts';
import { bool, num } from '../engine/helpers.ts';
import type {
  Case,
  Expectation,
  PropertySpec,
  SourceRef,
  Suite,
  SuitePolicy,
  SuitePrincipal,
  SuiteResource,
} from '../../src/scenario/model.ts';

export interface CaseSpec {
  name: string;
  principal: string;
  action: string | string[];
  resource: string | string[];
  context?: Record<string, ContextValue | null>;
  expect: Expectation;
  decidedBy?: string[];
}

export interface SuiteSpec {
  name?: string;
  file?: string;
  /** name → a document (its text is JSON.stringify(doc, null, 2)) or the exact JSON text. */
  policies?: Record<string, unknown>;
  /** Give every policy a file path, as file policies have (the engine then compiles the exact text). */
  policyFiles?: boolean;
  groups?: Record<string, string[]>;
  principals: Record<string, { arn: string } & Partial<Omit<SuitePrincipal, 'name' | 'defined'>>>;
  resources?: ({ arn: string } & Partial<Omit<SuiteResource, 'defined'>>)[];
  organization?: { id?: string; scps?: string[][]; rcps?: string[][]; managementAccount?: string; accounts?: string[] };
  context?: Record<string, ContextValue | null>;
  cases: CaseSpec[];
  properties?: Omit<PropertySpec, 'defined'>[];
}

export { bool, num };
export const str = (v: string): ContextValue => ({ type: 'string', list: false, values: [v] });

export function buildSuite(spec: SuiteSpec): Suite {
  const file = spec.file ?? '/work/project/scenarios/test.yaml';
  let line = 1;
  const at = (): SourceRef => ({ file, line: line++, column: 3 });
  const policies = new Map<string, SuitePolicy>();
  for (const [name, doc] of Object.entries(spec.policies ?? {})) {
    const text = typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2);
    policies.set(name, {
      name,
      document: typeof doc === 'string' ? JSON.parse(doc) : doc,
      text,
      ...(spec.policyFiles ? { path: `${dirname(file)}/policies/${name}.json` } : {}),
      defined: at(),
      usedAs: [],
      compiled: new Map(),
    });
  }
  const groups = new Map(Object.entries(spec.groups ?? {}).map(([name, ps]) => [name, { name, policies: ps, defined: at() }]));
  const principals = new Map(
    Object.entries(spec.principals).map(([name, p]) => [
      name,
      { name, groups: [], policies: [], tags: {}, inAccount: false, defined: at(), ...p } as SuitePrincipal,
    ]),
  );
  const resources: SuiteResource[] = (spec.resources ?? []).map((r) => ({ tags: {}, defined: at(), ...r }));
  const context = spec.context ?? {};
  const cases: Case[] = [];
  for (const c of spec.cases) {
    const actions = Array.isArray(c.action) ? c.action : [c.action];
    const res = Array.isArray(c.resource) ? c.resource : [c.resource];
    const matrix = actions.length * res.length > 1;
    const defined = at();
    for (const a of actions) {
      for (const r of res) {
        cases.push({
          name: matrix ? `${c.name} [${a} @ ${r}]` : c.name,
          baseName: c.name,
          principal: c.principal,
          action: a,
          resource: r,
          context: { ...context, ...(c.context ?? {}) },
          expect: c.expect,
          ...(c.decidedBy ? { decidedBy: c.decidedBy } : {}),
          defined,
        });
      }
    }
  }
  return {
    file,
    name: spec.name ?? 'test suite',
    policies,
    groups,
    principals,
    resources,
    ...(spec.organization
      ? {
          organization: {
            scps: spec.organization.scps ?? [],
            rcps: spec.organization.rcps ?? [],
            ...(spec.organization.id ? { id: spec.organization.id } : {}),
            ...(spec.organization.managementAccount ? { managementAccount: spec.organization.managementAccount } : {}),
            ...(spec.organization.accounts ? { accounts: spec.organization.accounts } : {}),
            defined: at(),
          },
        }
      : {}),
    context,
    cases,
    properties: (spec.properties ?? []).map((p) => ({ ...p, defined: at() })),
  };
}

export const ACCOUNT = '123456789012';
export const OTHER = '210987654321';

/** The MFA enforcement policy of the seed documents (All-Staff group). */
export const MFA_ENFORCEMENT = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowViewAccountInfo',
      Effect: 'Allow',
      Action: ['iam:ListVirtualMFADevices', 'iam:ListUsers'],
      Resource: '*',
    },
    {
      Sid: 'AllowManageOwnVirtualMFADevice',
      Effect: 'Allow',
      Action: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices', 'iam:ResyncMFADevice'],
      Resource: [`arn:aws:iam::${ACCOUNT}:mfa/*`, `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`],
    },
    {
      Sid: 'BlockMostAccessUnlessSignedInWithMFA',
      Effect: 'Deny',
      NotAction: [
        'iam:CreateVirtualMFADevice',
        'iam:EnableMFADevice',
        'iam:ListMFADevices',
        'iam:ListUsers',
        'iam:ListVirtualMFADevices',
        'iam:ResyncMFADevice',
        'sts:GetSessionToken',
      ],
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    },
  ],
};

export const DEV_TEAM_S3 = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'AllowS3BucketAccessWithMFA',
      Effect: 'Allow',
      Action: ['s3:ListBucket', 's3:GetObject', 's3:PutObject'],
      Resource: ['arn:aws:s3:::your-bucket-name', 'arn:aws:s3:::your-bucket-name/*'],
      Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
    },
  ],
};

/** The format page's example suite, by hand. */
export function mfaSuite(extra: Partial<SuiteSpec> = {}): Suite {
  return buildSuite({
    name: 'All-Staff MFA enforcement',
    policies: { 'mfa-enforcement': MFA_ENFORCEMENT, 'dev-team-s3': DEV_TEAM_S3 },
    groups: { 'All-Staff': ['mfa-enforcement'], 'Dev-Team': ['dev-team-s3'] },
    principals: {
      john: { arn: `arn:aws:iam::${ACCOUNT}:user/john.doe`, groups: ['All-Staff', 'Dev-Team'], tags: { team: 'dev' } },
      anyone: { arn: 'anonymous' },
    },
    context: { 'aws:MultiFactorAuthPresent': bool(true), 'aws:MultiFactorAuthAge': num(600) },
    cases: [
      {
        name: 'with MFA, Dev-Team reads the bucket',
        principal: 'john',
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::your-bucket-name/report.csv',
        expect: 'allowed',
        decidedBy: ['dev-team-s3#AllowS3BucketAccessWithMFA'],
      },
      {
        name: 'without MFA, only MFA self-service',
        principal: 'john',
        action: ['s3:GetObject', 'ec2:DescribeInstances'],
        resource: '*',
        context: { 'aws:MultiFactorAuthPresent': bool(false) },
        expect: 'explicitDeny',
        decidedBy: ['mfa-enforcement#BlockMostAccessUnlessSignedInWithMFA'],
      },
      {
        name: 'long-term access keys carry no MFA key at all',
        principal: 'john',
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::your-bucket-name/report.csv',
        context: { 'aws:MultiFactorAuthPresent': null, 'aws:MultiFactorAuthAge': null },
        expect: 'denied',
      },
    ],
    ...extra,
  });
}
