// Deterministic benchmark inputs: plain JSON IAM policy documents and request descriptions.
// Pure (no engine calls, no I/O beyond the lazily loaded action catalog, no Math.random, no
// clock): the same seed gives byte-identical JSON for the same catalog data version.
//
//  - mfaWorkload():     the MFA-enforcement policies of the seed documents (shared/seeds 000, 001,
//                       002 and 004; 003 shows no policy) and 64 requests for john.doe across
//                       MFA states.
//  - largeWorkload(s):  100 generated identity policies, 1,000 statements, 1,000 requests.

import { catalog, type ActionInfo } from '../src/catalog/index.ts';

// ---------------------------------------------------------------------------------------------
// Types

export type BenchContextType = 'string' | 'numeric' | 'boolean' | 'date' | 'ip';

export interface BenchContextValue {
  type: BenchContextType;
  list: boolean;
  values: string[];
}

export interface BenchRequest {
  /** ARN of the calling principal. */
  principal: string;
  action: string;
  resource: string;
  /** Context keys; `null` = the key is absent (e.g. MFA keys for long-term access keys). */
  context: Record<string, BenchContextValue | null>;
}

export type ConditionBlock = Record<string, Record<string, string | string[]>>;

export interface StatementDoc {
  Sid: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: ConditionBlock;
}

export interface PolicyDoc {
  Version: '2012-10-17';
  Statement: StatementDoc[];
}

export interface NamedPolicy {
  name: string;
  doc: PolicyDoc;
}

export const ACCOUNT = '123456789012';
export const OTHER_ACCOUNT = '210987654321';

const str = (...values: string[]): BenchContextValue => ({ type: 'string', list: false, values });
const strList = (...values: string[]): BenchContextValue => ({ type: 'string', list: true, values });
const bool = (v: boolean): BenchContextValue => ({ type: 'boolean', list: false, values: [String(v)] });
const num = (v: number): BenchContextValue => ({ type: 'numeric', list: false, values: [String(v)] });
const date = (iso: string): BenchContextValue => ({ type: 'date', list: false, values: [iso] });
const ip = (v: string): BenchContextValue => ({ type: 'ip', list: false, values: [v] });

// ---------------------------------------------------------------------------------------------
// MFA workload (seed documents)

const JOHN = `arn:aws:iam::${ACCOUNT}:user/john.doe`;

/**
 * The MFA-enforcement policies of the seed documents, as the JSON IAM receives. 004 is written
 * for Terraform (`$${aws:username}`, `orga_id`): here it is `${aws:username}` and a 12-digit
 * account id. 004's NotAction lists iam:ListMFADevices twice, as the seed does.
 */
export function mfaPolicies(): NamedPolicy[] {
  const user = `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`;
  const mfa = `arn:aws:iam::${ACCOUNT}:mfa/*`;
  return [
    {
      // 002: attached to the All-Staff group.
      name: 'mfa-enforcement',
      doc: {
        Version: '2012-10-17',
        Statement: [
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
      },
    },
    {
      // 002: the Dev-Team resource group's example policy.
      name: 'dev-team-s3',
      doc: {
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
      },
    },
    {
      // 004: "Enforcing an AWS MFA Policy and limiting access".
      name: 'self-manage-mfa',
      doc: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AllowViewAccountInfo',
            Effect: 'Allow',
            Action: ['iam:GetAccountPasswordPolicy', 'iam:GetAccountSummary', 'iam:ListVirtualMFADevices'],
            Resource: [user, mfa],
          },
          { Sid: 'AllowManageOwnPasswords', Effect: 'Allow', Action: ['iam:ChangePassword', 'iam:GetUser'], Resource: user },
          {
            Sid: 'AllowManageOwnAccessKeys',
            Effect: 'Allow',
            Action: ['iam:CreateAccessKey', 'iam:DeleteAccessKey', 'iam:ListAccessKeys', 'iam:UpdateAccessKey'],
            Resource: user,
          },
          {
            Sid: 'AllowManageOwnSigningCertificates',
            Effect: 'Allow',
            Action: [
              'iam:DeleteSigningCertificate',
              'iam:ListSigningCertificates',
              'iam:UpdateSigningCertificate',
              'iam:UploadSigningCertificate',
            ],
            Resource: user,
          },
          {
            Sid: 'AllowManageOwnSSHPublicKeys',
            Effect: 'Allow',
            Action: [
              'iam:DeleteSSHPublicKey',
              'iam:GetSSHPublicKey',
              'iam:ListSSHPublicKeys',
              'iam:UpdateSSHPublicKey',
              'iam:UploadSSHPublicKey',
            ],
            Resource: user,
          },
          {
            Sid: 'AllowManageOwnGitCredentials',
            Effect: 'Allow',
            Action: [
              'iam:CreateServiceSpecificCredential',
              'iam:DeleteServiceSpecificCredential',
              'iam:ListServiceSpecificCredentials',
              'iam:ResetServiceSpecificCredential',
              'iam:UpdateServiceSpecificCredential',
            ],
            Resource: user,
          },
          {
            Sid: 'AllowManageOwnUserMFA',
            Effect: 'Allow',
            Action: ['iam:DeactivateMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices', 'iam:ResyncMFADevice'],
            Resource: user,
          },
          {
            Sid: 'AllowUserToCreateVirtualMFADevice',
            Effect: 'Allow',
            Action: ['iam:CreateVirtualMFADevice', 'iam:DeleteVirtualMFADevice'],
            Resource: mfa,
          },
          {
            Sid: 'AllowUserToDeactivateTheirOwnMFAOnlyWhenUsingMFA',
            Effect: 'Allow',
            Action: ['iam:DeactivateMFADevice'],
            Resource: [user],
            Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
          },
          {
            Sid: 'BlockMostAccessUnlessSignedInWithMFA',
            Effect: 'Deny',
            NotAction: [
              'iam:ChangePassword',
              'iam:CreateVirtualMFADevice',
              'iam:DeleteVirtualMFADevice',
              'iam:EnableMFADevice',
              'iam:GetUser',
              'iam:ListMFADevices',
              'iam:ListMFADevices',
              'iam:ListVirtualMFADevices',
              'iam:ResyncMFADevice',
              'sts:GetSessionToken',
            ],
            Resource: [user, mfa],
            Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false', 'aws:ViaAWSService': 'false' } },
          },
        ],
      },
    },
    {
      // 001: the organization-wide production-writes deny Alex ran into.
      name: 'deny-production-writes-without-mfa',
      doc: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'DenyProductionWritesWithoutMFA',
            Effect: 'Deny',
            Action: ['s3:PutObject', 's3:DeleteObject'],
            Resource: 'arn:aws:s3:::pettracker-*/*',
            Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
          },
        ],
      },
    },
    {
      // 000: the runbook's corrected policy ...
      name: 'require-mfa',
      doc: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'RequireMFA',
            Effect: 'Allow',
            Action: 's3:GetObject',
            Resource: 'arn:aws:s3:::sensitive-bucket/*',
            Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
          },
        ],
      },
    },
    {
      // ... and its session-age condition ("Common Issue 2"), as an Allow for writes.
      name: 'require-recent-mfa',
      doc: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AllowWritesWithRecentMFA',
            Effect: 'Allow',
            Action: 's3:PutObject',
            Resource: 'arn:aws:s3:::sensitive-bucket/*',
            Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } },
          },
        ],
      },
    },
  ];
}

/** The four credential situations of spec §6.1, as context. */
const MFA_STATES: { name: string; context: Record<string, BenchContextValue | null> }[] = [
  // Long-term access keys (CLI/SDK): neither MFA key is present.
  { name: 'long-term-keys', context: { 'aws:MultiFactorAuthPresent': null, 'aws:MultiFactorAuthAge': null } },
  // Console or GetSessionToken session without MFA.
  { name: 'session-without-mfa', context: { 'aws:MultiFactorAuthPresent': bool(false), 'aws:MultiFactorAuthAge': null } },
  // MFA-validated session, signed in 5 minutes ago.
  { name: 'mfa-recent', context: { 'aws:MultiFactorAuthPresent': bool(true), 'aws:MultiFactorAuthAge': num(300) } },
  // MFA-validated session, signed in two hours ago.
  { name: 'mfa-stale', context: { 'aws:MultiFactorAuthPresent': bool(true), 'aws:MultiFactorAuthAge': num(7200) } },
];

/** 16 action/resource pairs: matching and non-matching resources for s3, ec2, iam and sts. */
const MFA_TARGETS: [string, string][] = [
  ['s3:GetObject', 'arn:aws:s3:::your-bucket-name/report.csv'],
  ['s3:PutObject', 'arn:aws:s3:::your-bucket-name/uploads/data.json'],
  ['s3:DeleteBucket', 'arn:aws:s3:::your-bucket-name'],
  ['s3:GetObject', 'arn:aws:s3:::sensitive-bucket/payroll.csv'],
  ['s3:PutObject', 'arn:aws:s3:::sensitive-bucket/payroll.csv'],
  ['s3:PutObject', 'arn:aws:s3:::pettracker-images/test.jpg'],
  ['s3:GetObject', 'arn:aws:s3:::other-team-bucket/notes.txt'],
  ['ec2:DescribeInstances', '*'],
  ['ec2:TerminateInstances', `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0abcd1234ef567890`],
  ['iam:EnableMFADevice', JOHN],
  ['iam:ListMFADevices', JOHN],
  ['iam:DeactivateMFADevice', JOHN],
  ['iam:CreateVirtualMFADevice', `arn:aws:iam::${ACCOUNT}:mfa/john.doe`],
  ['iam:CreateAccessKey', `arn:aws:iam::${ACCOUNT}:user/jane.roe`],
  ['iam:GetAccountPasswordPolicy', '*'],
  ['sts:GetSessionToken', '*'],
];

/** The seed MFA policies (all attached to john.doe through his groups) and 64 requests. */
export function mfaWorkload(): { identityPolicies: NamedPolicy[]; requests: BenchRequest[] } {
  const requests: BenchRequest[] = [];
  for (const state of MFA_STATES) {
    for (const [action, resource] of MFA_TARGETS) {
      requests.push({
        principal: JOHN,
        action,
        resource,
        context: { ...state.context, 'aws:ViaAWSService': bool(false), 'aws:SecureTransport': bool(true) },
      });
    }
  }
  return { identityPolicies: mfaPolicies(), requests };
}

// ---------------------------------------------------------------------------------------------
// Seeded PRNG

/** mulberry32: small, fast, good enough for test data; deterministic for a seed. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    if (xs.length === 0) throw new Error('pick from empty list');
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  /** k distinct elements, in list order. */
  sample<T>(xs: readonly T[], k: number): T[] {
    const idx = xs.map((_, i) => i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [idx[i], idx[j]] = [idx[j]!, idx[i]!];
    }
    return idx.slice(0, Math.min(k, xs.length)).sort((a, b) => a - b).map((i) => xs[i]!);
  }
}

// ---------------------------------------------------------------------------------------------
// Large workload: vocabulary

/** 30 services with resource-level permissions and a realistic share of real-world policies. */
export const LARGE_SERVICES = [
  's3', 'ec2', 'iam', 'sts', 'lambda', 'dynamodb', 'sqs', 'sns', 'kms', 'secretsmanager',
  'logs', 'cloudwatch', 'cloudformation', 'rds', 'ecr', 'ecs', 'eks', 'ssm', 'kinesis', 'firehose',
  'glue', 'athena', 'route53', 'cloudfront', 'apigateway', 'events', 'states', 'codebuild',
  'elasticloadbalancing', 'backup',
] as const;

/** Services no generated policy names: requests to them are denied unless a broad statement applies. */
export const OUTSIDE_SERVICES = ['sagemaker', 'redshift', 'elasticache', 'es', 'bedrock', 'wafv2', 'guardduty', 'securityhub', 'organizations', 'support'] as const;

/** Heavier weight for the services most policies are about. */
const SERVICE_WEIGHTS: Record<string, number> = { s3: 8, ec2: 6, iam: 4, sts: 2, lambda: 3, dynamodb: 3, kms: 2, logs: 2 };

const GLOBAL_SERVICES = new Set(['iam', 'cloudfront', 'route53']);
const REGIONS = ['us-east-1', 'us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'];
const ALLOWED_REGIONS = ['us-east-1', 'eu-west-1'];
const TEAMS = ['platform', 'data', 'web', 'security'];
const TAG_KEYS = ['Owner', 'CostCenter', 'Project', 'Environment'];
const NAMES = ['team-data', 'team-web', 'team-platform', 'prod-logs', 'app', 'reports', 'backend', 'build', 'shared', 'analytics'];
/** Names of the resources requests touch: a wider world than the policies name. */
const REQUEST_NAMES = ['team-data', 'prod-logs', 'app', 'reports', 'backend', 'build', 'shared', 'analytics', 'legacy', 'sandbox', 'customer-db', 'billing', 'ml-training', 'archive'];
const VERBS = ['Get', 'List', 'Describe', 'Put', 'Create', 'Delete', 'Update', 'Tag', 'Start', 'Batch'];
const ALLOWED_CIDRS = ['203.0.113.0/24', '198.51.100.0/24'];
const SOURCE_IPS = ['203.0.113.10', '203.0.113.77', '198.51.100.23', '192.0.2.44', '54.240.143.5', '2001:db8::1f'];

interface BenchPrincipal {
  arn: string;
  kind: 'user' | 'role';
  name: string;
  team?: string;
}

const PRINCIPALS: BenchPrincipal[] = [
  { arn: `arn:aws:iam::${ACCOUNT}:user/john.doe`, kind: 'user', name: 'john.doe', team: 'web' },
  { arn: `arn:aws:iam::${ACCOUNT}:user/jane.roe`, kind: 'user', name: 'jane.roe', team: 'data' },
  { arn: `arn:aws:iam::${ACCOUNT}:user/alice`, kind: 'user', name: 'alice', team: 'platform' },
  { arn: `arn:aws:iam::${ACCOUNT}:user/bob`, kind: 'user', name: 'bob' },
  { arn: `arn:aws:iam::${ACCOUNT}:user/admin-carol`, kind: 'user', name: 'admin-carol', team: 'security' },
  { arn: `arn:aws:iam::${ACCOUNT}:role/ci-deploy`, kind: 'role', name: 'ci-deploy', team: 'platform' },
  { arn: `arn:aws:iam::${ACCOUNT}:role/ci-test`, kind: 'role', name: 'ci-test' },
  { arn: `arn:aws:iam::${ACCOUNT}:role/app-web`, kind: 'role', name: 'app-web', team: 'web' },
  { arn: `arn:aws:iam::${ACCOUNT}:role/data-analyst`, kind: 'role', name: 'data-analyst', team: 'data' },
];

const PRINCIPAL_ARN_PATTERNS = [
  `arn:aws:iam::${ACCOUNT}:role/ci-*`,
  `arn:aws:iam::${ACCOUNT}:user/admin-*`,
  `arn:aws:iam::${ACCOUNT}:role/app-*`,
];

/** Hand-written resource patterns real policies use, per service (besides generated ones). */
const CURATED_RESOURCES: Record<string, string[]> = {
  s3: [
    'arn:aws:s3:::team-*/*',
    'arn:aws:s3:::team-*',
    'arn:aws:s3:::home-bucket/home/${aws:username}/*',
    'arn:aws:s3:::prod-*/*',
    'arn:aws:s3:::reports',
  ],
  ec2: [`arn:aws:ec2:*:${ACCOUNT}:instance/*`, `arn:aws:ec2:us-east-1:${ACCOUNT}:volume/*`, `arn:aws:ec2:*:${ACCOUNT}:security-group/*`],
  iam: [`arn:aws:iam::${ACCOUNT}:user/\${aws:username}`, `arn:aws:iam::${ACCOUNT}:role/app-*`, `arn:aws:iam::${ACCOUNT}:mfa/\${aws:username}`],
  dynamodb: [`arn:aws:dynamodb:*:${ACCOUNT}:table/\${aws:username}-*`, `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/team-*`],
  lambda: [`arn:aws:lambda:*:${ACCOUNT}:function:team-*`],
};

interface ServiceVocab {
  service: string;
  actions: ActionInfo[];
  /** Actions with at least one usable resource type. */
  scoped: ActionInfo[];
  /** Actions without resource-level permissions (policies must name them on "*"). */
  unscoped: ActionInfo[];
  /** Wildcard action patterns that match at least one action of the service. */
  patterns: string[];
}

function vocab(service: string): ServiceVocab {
  const actions = catalog.actions(service);
  if (actions.length === 0) throw new Error(`bench: service ${service} missing from the catalog`);
  const scoped = actions.filter((a) => usableResourceTypes(a).length > 0);
  const patterns: string[] = [];
  for (const verb of VERBS) if (actions.some((a) => a.name.startsWith(verb))) patterns.push(`${service}:${verb}*`);
  if (actions.some((a) => a.name.includes('Tag'))) patterns.push(`${service}:*Tag*`);
  if (service === 'iam') patterns.push('iam:*MFA*', 'iam:*AccessKey*');
  if (service === 'ec2') patterns.push('ec2:*Instances', 'ec2:*SecurityGroup*');
  const unscoped = actions.filter((a) => a.resourceTypes.length === 0);
  return { service, actions, scoped, unscoped, patterns: patterns.filter((p) => catalog.expand(p).length > 0) };
}

/** A resource type's ARN format, if it is one we can fill sensibly. */
function usableResourceTypes(a: ActionInfo): string[] {
  const out: string[] = [];
  for (const rt of a.resourceTypes) {
    const info = catalog.resourceType(a.service, rt.name);
    if (!info) continue;
    const parts = info.arnFormat.split(':');
    // Skip the odd generic format (backup's recoverypoint: `arn:${Partition}:${Vendor}:…:*:…`).
    if (parts.length < 6 || parts[0] !== 'arn' || parts[2]!.includes('${') || info.arnFormat.includes('*')) continue;
    out.push(info.arnFormat);
  }
  return out;
}

/** Splits an ARN format at `${Placeholder}`s. */
function placeholders(format: string): { text: string; name?: string }[] {
  const out: { text: string; name?: string }[] = [];
  let i = 0;
  while (i < format.length) {
    const open = format.indexOf('${', i);
    if (open < 0) {
      out.push({ text: format.slice(i) });
      break;
    }
    if (open > i) out.push({ text: format.slice(i, open) });
    const close = format.indexOf('}', open);
    out.push({ text: '', name: format.slice(open + 2, close) });
    i = close + 1;
  }
  return out;
}

/** Fills an ARN format as a policy pattern (wildcards) or as a concrete request resource. */
function fillArn(rng: Rng, format: string, mode: 'pattern' | 'concrete', service: string): string {
  const parts = placeholders(format);
  const names = parts.filter((p) => p.name && !['Partition', 'Region', 'Account'].includes(p.name));
  const lastName = names[names.length - 1];
  // The resource component starts after the fifth colon; a placeholder leading it may not become
  // a bare `*` when more follow (that would be a wildcard in the resource-type part).
  let colons = 0;
  let atResourceStart = false;
  let out = '';
  for (const p of parts) {
    if (!p.name) {
      for (const ch of p.text) {
        out += ch;
        if (ch === ':') colons++;
      }
      atResourceStart = colons === 5 && out.endsWith(':');
      continue;
    }
    const leading = atResourceStart && names.length > 1;
    atResourceStart = false;
    switch (p.name) {
      case 'Partition':
        out += 'aws';
        break;
      case 'Region':
        out += mode === 'pattern' && rng.chance(0.4) ? '*' : GLOBAL_SERVICES.has(service) ? 'us-east-1' : rng.pick(REGIONS);
        break;
      case 'Account':
        out += mode === 'pattern' ? (rng.chance(0.15) ? '*' : ACCOUNT) : rng.chance(0.9) ? ACCOUNT : OTHER_ACCOUNT;
        break;
      default: {
        const name = rng.pick(mode === 'concrete' ? REQUEST_NAMES : NAMES);
        if (mode === 'concrete') {
          out += p === lastName && p.name.toLowerCase().includes('object') ? `${name}/${rng.int(2024, 2026)}/part-${rng.int(0, 99)}.json` : `${name}${rng.chance(0.5) ? '' : `-${rng.int(1, 9)}`}`;
        } else if (leading) {
          out += name;
        } else if (p === lastName) {
          const r = rng.next();
          out += r < 0.4 ? '*' : r < 0.7 ? `${name.split('-')[0]}-*` : name;
        } else {
          out += rng.chance(0.6) ? '*' : name;
        }
      }
    }
  }
  return out;
}

/** Turns a resource pattern into a concrete ARN it matches (wildcards and ${aws:username} filled). */
function instantiate(rng: Rng, pattern: string, principal: BenchPrincipal, service: string): string {
  if (pattern === '*') return '*';
  const withUser = pattern.split('${aws:username}').join(principal.name);
  const comps = withUser.split(':');
  if (comps.length < 6) return withUser;
  const head = comps.slice(0, 5);
  const resource = comps.slice(5).join(':');
  if (head[3]!.includes('*') || head[3]!.includes('?')) head[3] = GLOBAL_SERVICES.has(service) ? 'us-east-1' : rng.pick(REGIONS);
  if (head[4]!.includes('*') || head[4]!.includes('?')) head[4] = ACCOUNT;
  const fillers = service === 's3' ? ['data', 'x1', 'prod/2026/a.json', 'web', 'q3-report.csv'] : ['data', 'x1', 'web', 'app-7'];
  let res = '';
  for (const ch of resource) {
    if (ch === '*') res += rng.pick(fillers);
    else if (ch === '?') res += 'z';
    else res += ch;
  }
  return `${head.join(':')}:${res}`;
}

// ---------------------------------------------------------------------------------------------
// Conditions

/** A condition entry and how to make a request satisfy it. */
interface CondSpec {
  op: string;
  key: string;
  values: string[];
  /** Context that satisfies the entry (keys mapped to value or null = absent). */
  satisfy(rng: Rng): Record<string, BenchContextValue | null>;
  /** Principals that satisfy it (for aws:PrincipalArn / aws:PrincipalTag); undefined = any. */
  principals?: BenchPrincipal[];
}

function globToTest(pattern: string, s: string): boolean {
  // Tiny matcher for the generator's own `prefix*` / `*` patterns.
  if (pattern.endsWith('*')) return s.startsWith(pattern.slice(0, -1));
  return s === pattern;
}

function isoDate(rng: Rng, from: number, to: number): string {
  // Whole seconds between two epoch-second bounds, formatted without the clock.
  const t = rng.int(from, to);
  return new Date(t * 1000).toISOString().replace('.000Z', 'Z');
}

const T_2025_06 = 1748736000; // 2025-06-01T00:00:00Z
const T_2026_01 = 1767225600; // 2026-01-01T00:00:00Z
const T_2026_07 = 1782864000; // 2026-07-01T00:00:00Z
const T_2027_01 = 1798761600; // 2027-01-01T00:00:00Z

function allowCondition(rng: Rng): CondSpec {
  const r = rng.int(0, 11);
  switch (r) {
    case 0: {
      const teams = rng.sample(TEAMS, rng.int(1, 2));
      return {
        op: 'StringEquals', key: 'aws:PrincipalTag/team', values: teams,
        satisfy: () => ({}), principals: PRINCIPALS.filter((p) => p.team && teams.includes(p.team)),
      };
    }
    case 1: {
      const team = rng.pick(TEAMS);
      const pattern = `${team.slice(0, 3)}*`;
      return {
        op: 'StringLike', key: 'aws:PrincipalTag/team', values: [pattern],
        satisfy: () => ({}), principals: PRINCIPALS.filter((p) => p.team && globToTest(pattern, p.team)),
      };
    }
    case 2: {
      const regions = rng.sample(ALLOWED_REGIONS, rng.int(1, 2));
      return { op: 'StringEquals', key: 'aws:RequestedRegion', values: regions, satisfy: (g) => ({ 'aws:RequestedRegion': str(g.pick(regions)) }) };
    }
    case 3:
      return {
        op: 'NumericLessThan', key: 'aws:MultiFactorAuthAge', values: ['3600'],
        satisfy: (g) => ({ 'aws:MultiFactorAuthPresent': bool(true), 'aws:MultiFactorAuthAge': num(g.int(0, 3599)) }),
      };
    case 4:
      return { op: 'DateGreaterThan', key: 'aws:CurrentTime', values: ['2026-01-01T00:00:00Z'], satisfy: (g) => ({ 'aws:CurrentTime': date(isoDate(g, T_2026_01 + 1, T_2027_01)) }) };
    case 5:
      return { op: 'DateLessThan', key: 'aws:CurrentTime', values: ['2026-07-01T00:00:00Z'], satisfy: (g) => ({ 'aws:CurrentTime': date(isoDate(g, T_2025_06, T_2026_07 - 1)) }) };
    case 6:
      return {
        op: 'Bool', key: 'aws:MultiFactorAuthPresent', values: ['true'],
        satisfy: (g) => ({ 'aws:MultiFactorAuthPresent': bool(true), 'aws:MultiFactorAuthAge': num(g.int(0, 14400)) }),
      };
    case 7: {
      const cidrs = rng.sample(ALLOWED_CIDRS, rng.int(1, 2));
      return { op: 'IpAddress', key: 'aws:SourceIp', values: cidrs, satisfy: (g) => ({ 'aws:SourceIp': ip(g.pick(cidrs).replace('0/24', String(g.int(1, 254)))) }) };
    }
    case 8: {
      const pattern = rng.pick(PRINCIPAL_ARN_PATTERNS);
      return { op: 'ArnLike', key: 'aws:PrincipalArn', values: [pattern], satisfy: () => ({}), principals: PRINCIPALS.filter((p) => globToTest(pattern, p.arn)) };
    }
    case 9: {
      const keys = rng.sample(TAG_KEYS, rng.int(1, 2));
      return { op: 'ForAnyValue:StringEquals', key: 'aws:TagKeys', values: keys, satisfy: (g) => ({ 'aws:TagKeys': strList(g.pick(keys)) }) };
    }
    case 10:
      return { op: 'Null', key: 'aws:RequestTag/Owner', values: ['false'], satisfy: (g) => ({ 'aws:RequestTag/Owner': str(g.pick(NAMES)), 'aws:TagKeys': strList('Owner') }) };
    default:
      return {
        op: 'BoolIfExists', key: 'aws:MultiFactorAuthPresent', values: ['true'],
        satisfy: (g) => (g.chance(0.5) ? { 'aws:MultiFactorAuthPresent': null, 'aws:MultiFactorAuthAge': null } : { 'aws:MultiFactorAuthPresent': bool(true), 'aws:MultiFactorAuthAge': num(g.int(0, 7200)) }),
      };
  }
}

function denyCondition(rng: Rng): CondSpec {
  const r = rng.int(0, 7);
  switch (r) {
    case 0:
      return {
        op: 'BoolIfExists', key: 'aws:MultiFactorAuthPresent', values: ['false'],
        satisfy: (g) => (g.chance(0.5) ? { 'aws:MultiFactorAuthPresent': null, 'aws:MultiFactorAuthAge': null } : { 'aws:MultiFactorAuthPresent': bool(false), 'aws:MultiFactorAuthAge': null }),
      };
    case 1:
      return { op: 'NotIpAddress', key: 'aws:SourceIp', values: [...ALLOWED_CIDRS], satisfy: (g) => ({ 'aws:SourceIp': ip(g.pick(['192.0.2.44', '54.240.143.5', '2001:db8::1f'])) }) };
    case 2:
      return { op: 'StringNotEquals', key: 'aws:RequestedRegion', values: [...ALLOWED_REGIONS], satisfy: (g) => ({ 'aws:RequestedRegion': str(g.pick(['us-west-2', 'eu-central-1', 'ap-southeast-2'])) }) };
    case 3: {
      const pattern = rng.pick(PRINCIPAL_ARN_PATTERNS);
      return { op: 'ArnNotLike', key: 'aws:PrincipalArn', values: [pattern], satisfy: () => ({}), principals: PRINCIPALS.filter((p) => !globToTest(pattern, p.arn)) };
    }
    case 4:
      return { op: 'Null', key: 'aws:RequestTag/Owner', values: ['true'], satisfy: () => ({ 'aws:RequestTag/Owner': null }) };
    case 5:
      return { op: 'NumericGreaterThan', key: 'aws:MultiFactorAuthAge', values: ['43200'], satisfy: (g) => ({ 'aws:MultiFactorAuthPresent': bool(true), 'aws:MultiFactorAuthAge': num(g.int(43201, 90000)) }) };
    case 6:
      return { op: 'DateLessThan', key: 'aws:CurrentTime', values: ['2025-09-01T00:00:00Z'], satisfy: (g) => ({ 'aws:CurrentTime': date(isoDate(g, T_2025_06, 1756684799)) }) };
    default:
      return {
        op: 'Bool', key: 'aws:SecureTransport', values: ['false'],
        satisfy: () => ({ 'aws:SecureTransport': bool(false) }),
      };
  }
}

// ---------------------------------------------------------------------------------------------
// Statements and policies

interface GenStatement {
  doc: StatementDoc;
  conds: CondSpec[];
  /** Concrete actions the statement names or a pattern expands to (for deriving requests). */
  covers: () => ActionInfo[];
  resources: string[];
}

const MANAGED_POLICY_QUOTA = 6144; // characters, whitespace not counted (spec §8.1)
/** Upper bound on the size of minimalStatement()'s output, reserved per statement still to come. */
const MIN_STATEMENT_SIZE = 120;
const MINIMAL_SERVICES = ['s3', 'ec2', 'iam', 'sts', 'sqs', 'sns', 'kms'];

/** A small Allow of one short wildcard-only action on "*", for when the size budget is spent. */
function minimalStatement(rng: Rng, vocabs: Map<string, ServiceVocab>, index: number): GenStatement {
  const v = vocabs.get(rng.pick(MINIMAL_SERVICES))!;
  const short = v.unscoped.filter((a) => a.name.length <= 30);
  const action = rng.pick(short.length ? short : v.unscoped.length ? v.unscoped : v.actions);
  const sid = `Allow${v.service.replace(/^./, (c) => c.toUpperCase())}${index}`;
  const doc: StatementDoc = { Sid: sid, Effect: 'Allow', Action: action.action, Resource: '*' };
  return { doc, conds: [], resources: ['*'], covers: () => [action] };
}

function weightedService(rng: Rng): string {
  const list = LARGE_SERVICES.flatMap((s) => Array<string>(SERVICE_WEIGHTS[s] ?? 1).fill(s));
  return rng.pick(list);
}

function one<T>(xs: T[]): T | T[] {
  return xs.length === 1 ? xs[0]! : xs;
}

/** Deny conditions that rarely hold, for the broad "everything except …" guardrails. */
function rareDenyCondition(rng: Rng): CondSpec {
  const r = rng.int(0, 2);
  if (r === 0) return { op: 'Bool', key: 'aws:SecureTransport', values: ['false'], satisfy: () => ({ 'aws:SecureTransport': bool(false) }) };
  if (r === 1)
    return {
      op: 'NumericGreaterThan', key: 'aws:MultiFactorAuthAge', values: ['43200'],
      satisfy: (g) => ({ 'aws:MultiFactorAuthPresent': bool(true), 'aws:MultiFactorAuthAge': num(g.int(43201, 90000)) }),
    };
  return { op: 'DateLessThan', key: 'aws:CurrentTime', values: ['2025-07-01T00:00:00Z'], satisfy: (g) => ({ 'aws:CurrentTime': date(isoDate(g, T_2025_06, 1751327999)) }) };
}

/** Conditions that hold for a minority of requests: for broad (wildcard action, `*` resource) Allows. */
function selectiveCondition(rng: Rng): CondSpec {
  for (;;) {
    const c = allowCondition(rng);
    if (c.principals || c.op === 'IpAddress' || c.op === 'NumericLessThan' || c.key === 'aws:TagKeys') return c;
  }
}

/** PowerUser-style grants are for admins with MFA only. */
function adminWithMfa(): CondSpec[] {
  const pattern = `arn:aws:iam::${ACCOUNT}:user/admin-*`;
  return [
    { op: 'ArnLike', key: 'aws:PrincipalArn', values: [pattern], satisfy: () => ({}), principals: PRINCIPALS.filter((p) => globToTest(pattern, p.arn)) },
    {
      op: 'Bool', key: 'aws:MultiFactorAuthPresent', values: ['true'],
      satisfy: (g) => ({ 'aws:MultiFactorAuthPresent': bool(true), 'aws:MultiFactorAuthAge': num(g.int(0, 3600)) }),
    },
  ];
}

type Special = 'guardrail' | 'poweruser' | 'listall' | undefined;

function genStatement(rng: Rng, vocabs: Map<string, ServiceVocab>, index: number, lean: boolean, special: Special): GenStatement {
  // Every policy applies to every request, so Deny statements stay narrow (named actions, or
  // broad guardrails whose conditions rarely hold) and broad Allows carry conditions.
  const deny = special ? special === 'guardrail' : rng.chance(0.15);
  const effect = deny ? 'Deny' : 'Allow';
  const service = weightedService(rng);
  const v = vocabs.get(service)!;
  const sid = `${effect}${service.replace(/[^a-z0-9]/gi, '').replace(/^./, (c) => c.toUpperCase())}${index}`;

  // The few broad statements are placed by the caller, a fixed number per workload.
  if (special === 'guardrail' || special === 'poweruser') {
    const guard = special === 'guardrail';
    const except = guard
      ? rng.sample(['iam:*', 'sts:*', 'cloudfront:*', 'route53:*', 'support:*', 'organizations:*'], rng.int(2, 4))
      : ['iam:*', 'organizations:*', 'account:*'];
    const conds = guard ? [rareDenyCondition(rng)] : adminWithMfa();
    const doc: StatementDoc = { Sid: sid, Effect: effect, NotAction: one(except), Resource: '*', Condition: conditionBlock(conds) };
    const excluded = new Set(except.flatMap((p) => catalog.expand(p)).map((a) => a.action));
    return {
      doc, conds, resources: ['*'],
      covers: () => LARGE_SERVICES.flatMap((s) => vocabs.get(s)!.actions).filter((a) => !excluded.has(a.action)),
    };
  }
  if (special === 'listall') {
    const conds = [selectiveCondition(rng)];
    const doc: StatementDoc = { Sid: sid, Effect: effect, Action: '*:List*', Resource: '*', Condition: conditionBlock(conds) };
    return { doc, conds, resources: ['*'], covers: () => catalog.expand('*:List*') };
  }

  // A whole service on its own resources ("s3:*" on team buckets).
  if (!deny && rng.chance(0.02) && CURATED_RESOURCES[service]) {
    const resources = rng.sample(CURATED_RESOURCES[service]!, rng.int(1, 2));
    const doc: StatementDoc = { Sid: sid, Effect: effect, Action: `${service}:*`, Resource: one(resources) };
    return { doc, conds: [], resources, covers: () => vocabs.get(service)!.actions };
  }

  // Action list: mostly concrete actions of one service, some wildcards, rarely `*:List*`.
  const actions: string[] = [];
  // Scoped statements name actions with resource types and ARNs; the others name actions without
  // resource-level permissions on "*", about as often as the service has such actions.
  const unscopedShare = Math.min(0.15, v.unscoped.length / v.actions.length);
  const scopedMode = v.scoped.length > 0 && (deny || v.unscoped.length === 0 || !rng.chance(unscopedShare));
  const nActions = lean || !scopedMode ? rng.int(1, 2) : deny ? rng.int(1, 3) : rng.int(1, 5);
  const deletes = v.patterns.filter((p) => p.endsWith(':Delete*'));
  for (let i = 0; i < nActions; i++) {
    const r = rng.next();
    let a: string;
    if (deny) a = r < 0.1 && deletes.length ? deletes[0]! : rng.pick(scopedMode ? v.scoped : v.unscoped).action;
    else if (r < 0.07) a = rng.pick(v.patterns);
    else a = rng.pick(scopedMode ? v.scoped : v.unscoped).action;
    if (!actions.includes(a)) actions.push(a);
  }
  const wildcardAction = actions.some((a) => a.includes('*') || a.includes('?'));
  const concrete = actions.filter((a) => !a.includes('*') && !a.includes('?')).map((a) => catalog.action(a)!).filter(Boolean);
  const covers = () => {
    const seen = new Map<string, ActionInfo>();
    for (const a of actions) for (const x of catalog.expand(a)) seen.set(x.action, x);
    return [...seen.values()];
  };

  // Resources: `*`, curated patterns, or ARN patterns filled from the actions' resource types.
  const resources: string[] = [];
  // Write-capable wildcards ("s3:Put*") are scoped to resources; read-only ones may take "*".
  const readOnly = actions.every((a) => !a.includes('*') || /:(Get|List|Describe)\*$/.test(a));
  let formats = concrete.flatMap((a) => usableResourceTypes(a));
  if (formats.length === 0 && !readOnly) formats = covers().slice(0, 20).flatMap((a) => usableResourceTypes(a));
  const nRes = lean ? 1 : rng.int(1, 3);
  for (let i = 0; i < nRes; i++) {
    const r = rng.next();
    let res: string;
    if (formats.length === 0 || ((!scopedMode || r < 0.08) && readOnly)) res = '*';
    else if (r < 0.45 && CURATED_RESOURCES[service]) res = rng.pick(CURATED_RESOURCES[service]!);
    else res = fillArn(rng, rng.pick(formats), 'pattern', service);
    if (res === '*') {
      resources.length = 0;
      resources.push('*');
      break;
    }
    if (!resources.includes(res)) resources.push(res);
  }
  const broad = wildcardAction && resources[0] === '*';

  const conds: CondSpec[] = [];
  const nConds = broad ? 0 : lean ? (rng.chance(0.3) ? 1 : 0) : rng.chance(0.45) ? rng.int(1, 3) : 0;
  if (broad) conds.push(selectiveCondition(rng));
  for (let i = 0; i < nConds; i++) {
    const c = deny ? denyCondition(rng) : allowCondition(rng);
    // One entry per operator/key pair, and no contradictory pair on the same key.
    if (conds.some((x) => x.op === c.op || x.key.toLowerCase() === c.key.toLowerCase())) continue;
    if (c.key.startsWith('aws:MultiFactorAuth') && conds.some((x) => x.key.startsWith('aws:MultiFactorAuth'))) continue;
    conds.push(c);
  }

  const doc: StatementDoc = { Sid: sid, Effect: effect, Action: one(actions) };
  if (deny && resources[0] !== '*' && rng.chance(0.1)) doc.NotResource = one(resources);
  else doc.Resource = one(resources);
  if (conds.length) doc.Condition = conditionBlock(conds);
  return { doc, conds, covers, resources: doc.NotResource ? ['*'] : resources };
}

function conditionBlock(conds: CondSpec[]): ConditionBlock {
  const block: ConditionBlock = {};
  for (const c of conds) (block[c.op] ??= {})[c.key] = c.values.length === 1 ? c.values[0]! : [...c.values];
  return block;
}

function policySize(doc: PolicyDoc): number {
  return JSON.stringify(doc).length;
}

/** Statement counts in [1, 25], `total` in all, spread unevenly (many small policies, a few big). */
function statementCounts(rng: Rng, policies: number, total: number): number[] {
  const counts = Array.from({ length: policies }, () => (rng.chance(0.2) ? rng.int(15, 25) : rng.int(1, 12)));
  let sum = counts.reduce((a, b) => a + b, 0);
  while (sum !== total) {
    const i = rng.int(0, policies - 1);
    if (sum < total && counts[i]! < 25) {
      counts[i]!++;
      sum++;
    } else if (sum > total && counts[i]! > 1) {
      counts[i]!--;
      sum--;
    }
  }
  return counts;
}

// ---------------------------------------------------------------------------------------------
// Requests

function baseContext(rng: Rng, principal: BenchPrincipal, action: ActionInfo | undefined): Record<string, BenchContextValue | null> {
  const ctx: Record<string, BenchContextValue | null> = {
    'aws:CurrentTime': date(isoDate(rng, T_2025_06, T_2027_01)),
    'aws:SourceIp': ip(rng.pick(SOURCE_IPS)),
    'aws:RequestedRegion': str(action && GLOBAL_SERVICES.has(action.service) ? 'us-east-1' : rng.pick(REGIONS)),
    'aws:SecureTransport': bool(rng.chance(0.98)),
    'aws:ViaAWSService': bool(false),
  };
  const cred = rng.next();
  if (principal.kind === 'user' && cred < 0.3) {
    ctx['aws:MultiFactorAuthPresent'] = null;
    ctx['aws:MultiFactorAuthAge'] = null;
  } else if (cred < 0.6) {
    ctx['aws:MultiFactorAuthPresent'] = bool(false);
    ctx['aws:MultiFactorAuthAge'] = null;
  } else {
    ctx['aws:MultiFactorAuthPresent'] = bool(true);
    ctx['aws:MultiFactorAuthAge'] = num(rng.int(0, rng.chance(0.95) ? 7200 : 86400));
  }
  if (principal.team) ctx['aws:PrincipalTag/team'] = str(principal.team);
  if (action && /^(Create|Tag|Run|Put)/.test(action.name) && rng.chance(0.6)) {
    const keys = rng.sample(TAG_KEYS, rng.int(1, 3));
    ctx['aws:TagKeys'] = strList(...keys);
    for (const k of keys) ctx[`aws:RequestTag/${k}`] = str(k === 'Owner' ? principal.name : rng.pick(NAMES));
  }
  return ctx;
}

function concreteResource(rng: Rng, action: ActionInfo): string {
  const formats = usableResourceTypes(action);
  if (formats.length === 0) return '*';
  return fillArn(rng, rng.pick(formats), 'concrete', action.service);
}

/** A request aimed at one statement: an action it covers, a resource it names, context that (mostly) satisfies it. */
function derivedRequest(rng: Rng, st: GenStatement): BenchRequest | undefined {
  const covered = st.covers().filter((a) => LARGE_SERVICES.includes(a.service as (typeof LARGE_SERVICES)[number]));
  if (covered.length === 0) return undefined;
  const action = rng.pick(covered);
  let pool = PRINCIPALS;
  for (const c of st.conds) if (c.principals) pool = pool.filter((p) => c.principals!.includes(p));
  if (pool.length === 0) pool = PRINCIPALS;
  const principal = rng.pick(pool);
  const pattern = rng.pick(st.resources);
  const resource = pattern === '*' ? concreteResource(rng, action) : catalog.isWildcardOnly(action.action) ? '*' : instantiate(rng, pattern, principal, action.service);
  const context = baseContext(rng, principal, action);
  for (const c of st.conds) if (rng.chance(0.85)) Object.assign(context, c.satisfy(rng));
  return { principal: principal.arn, action: action.action, resource, context };
}

function randomRequest(rng: Rng, vocabs: Map<string, ServiceVocab>): BenchRequest {
  const v = vocabs.get(rng.chance(0.12) ? rng.pick(OUTSIDE_SERVICES) : weightedService(rng))!;
  const action = rng.pick(v.actions);
  const principal = rng.pick(PRINCIPALS);
  return { principal: principal.arn, action: action.action, resource: concreteResource(rng, action), context: baseContext(rng, principal, action) };
}

// ---------------------------------------------------------------------------------------------
// Large workload

export interface LargeWorkload {
  policies: NamedPolicy[];
  requests: BenchRequest[];
}

export const LARGE_POLICY_COUNT = 100;
export const LARGE_STATEMENT_COUNT = 1000;
export const LARGE_REQUEST_COUNT = 1000;

/**
 * 100 identity policies (1,000 statements, 1–25 each, ~85 % Allow) over 30 real services, and
 * 1,000 requests: ~35 % aimed at an Allow statement, ~10 % at a Deny, the rest random catalog
 * actions on concrete resources of the same services. Every policy stays within the managed
 * policy quota (6,144 characters).
 */
export function largeWorkload(seed = 20260926): LargeWorkload {
  const rng = new Rng(seed);
  const vocabs = new Map<string, ServiceVocab>([...LARGE_SERVICES, ...OUTSIDE_SERVICES].map((s) => [s, vocab(s)]));
  const counts = statementCounts(rng, LARGE_POLICY_COUNT, LARGE_STATEMENT_COUNT);
  // Broad statements: 2 Deny NotAction guardrails, 2 PowerUser-style Allow NotAction, 2 `*:List*`.
  const specialKinds: Special[] = ['guardrail', 'guardrail', 'poweruser', 'poweruser', 'listall', 'listall'];
  const specialAt = new Map<number, Special>();
  rng.sample(Array.from({ length: LARGE_STATEMENT_COUNT }, (_, i) => i), specialKinds.length).forEach((at, k) => specialAt.set(at, specialKinds[k]));
  let globalIndex = 0;

  const policies: NamedPolicy[] = [];
  const allStatements: GenStatement[] = [];
  counts.forEach((n, p) => {
    const statements: GenStatement[] = [];
    for (let i = 0; i < n; i++) {
      // Stay within the managed-policy quota: leave room for the statements still to come, go
      // lean when the budget runs short, and fall back to a minimal statement if nothing fits.
      const docSoFar: PolicyDoc = { Version: '2012-10-17', Statement: statements.map((s) => s.doc) };
      const room = MANAGED_POLICY_QUOTA - policySize(docSoFar) - (n - i - 1) * MIN_STATEMENT_SIZE;
      const lean = room / (n - i) < 260;
      let st: GenStatement | undefined;
      for (let attempt = 0; attempt < 10 && !st; attempt++) {
        const candidate = genStatement(rng, vocabs, i, lean || attempt > 0, specialAt.get(globalIndex));
        if (JSON.stringify(candidate.doc).length + 1 <= room) st = candidate;
      }
      st ??= minimalStatement(rng, vocabs, i);
      statements.push(st);
      globalIndex++;
    }
    const doc: PolicyDoc = { Version: '2012-10-17', Statement: statements.map((s) => s.doc) };
    if (policySize(doc) > MANAGED_POLICY_QUOTA) throw new Error(`bench: policy ${p} exceeds the managed policy quota`);
    policies.push({ name: `bench-policy-${String(p).padStart(3, '0')}`, doc });
    allStatements.push(...statements);
  });

  const allows = allStatements.filter((s) => s.doc.Effect === 'Allow');
  const denies = allStatements.filter((s) => s.doc.Effect === 'Deny');
  const requests: BenchRequest[] = [];
  while (requests.length < LARGE_REQUEST_COUNT) {
    const r = rng.next();
    const req =
      r < 0.15 ? derivedRequest(rng, rng.pick(allows)) : r < 0.2 && denies.length ? derivedRequest(rng, rng.pick(denies)) : randomRequest(rng, vocabs);
    if (req) requests.push(req);
  }
  return { policies, requests };
}
