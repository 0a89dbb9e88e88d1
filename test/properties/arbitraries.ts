// fast-check arbitraries for IAM policy documents of every type, principals, resources and request
// contexts. Every value domain is small on purpose (three accounts, two buckets, two tag values…)
// so that random policies and random requests match each other often: the outcome distribution is
// measured in invariants.test.ts. Every generated document is valid by construction (compilePolicy
// never throws on it); nothing is filtered.

import fc from 'fast-check';
import { catalog } from '../../src/catalog/index.ts';
import type { ContextType, ContextValue, PrincipalInput, RequestInput } from '../../src/engine/index.ts';
import { BASE_OPERATORS, type BaseOperator, type OperatorFamily } from '../../src/policy/operators.ts';
import type { PolicyDoc, World } from './reference.ts';

export type Json = Record<string, unknown>;
export type DocType = PolicyDoc['type'];

// ---------------------------------------------------------------------------------------------
// Value domains

export const A = '111111111111';
export const B = '222222222222';
/** The organization's management account: never restricted by SCPs/RCPs (spec §1.4). */
export const M = '999999999999';

export type Kind = 'user' | 'role' | 'federated-user' | 'root' | 'anonymous' | 'service';

export interface PrincipalPick {
  kind: Kind;
  input: PrincipalInput;
  /** How often requests pick it (callers that can rarely be allowed are picked less). */
  weight?: number;
}

const USER_ALICE = `arn:aws:iam::${A}:user/alice`;
/** Unique ids IAM stores for principals named in policies (spec §2.2): AIDA… users, AROA… roles. */
const BOB_ID = 'AIDAEXAMPLEBOB0000001';
const OPS_ID = 'AROAEXAMPLEOPS0000001';
const ROLE_APP = `arn:aws:iam::${A}:role/team/app`;

export const PRINCIPALS: readonly PrincipalPick[] = [
  { kind: 'user', input: { arn: USER_ALICE }, weight: 8 },
  { kind: 'user', input: { arn: `arn:aws:iam::${A}:user/dev/bob`, uniqueId: BOB_ID } },
  { kind: 'user', input: { arn: `arn:aws:iam::${B}:user/carol` } },
  { kind: 'role', input: { arn: ROLE_APP }, weight: 6 }, // a session assumed-role/app/iamspec
  { kind: 'role', input: { arn: `arn:aws:sts::${A}:assumed-role/app/s1`, roleArn: ROLE_APP } },
  { kind: 'role', input: { arn: `arn:aws:sts::${A}:assumed-role/app/s1` } }, // role ARN without path
  { kind: 'role', input: { arn: `arn:aws:iam::${B}:role/ops`, uniqueId: OPS_ID } },
  { kind: 'federated-user', input: { arn: `arn:aws:sts::${A}:federated-user/fed1`, parentUserArn: USER_ALICE } },
  { kind: 'federated-user', input: { arn: `arn:aws:sts::${A}:federated-user/fed2` } },
  { kind: 'root', input: { arn: `arn:aws:iam::${A}:root` } },
  { kind: 'user', input: { arn: `arn:aws:iam::${M}:user/admin` } },
  { kind: 'anonymous', input: { arn: 'anonymous' } },
  { kind: 'service', input: { arn: 'service:cloudtrail.amazonaws.com' } },
  { kind: 'role', input: { arn: `arn:aws:iam::${A}:role/aws-service-role/elasticmapreduce.amazonaws.com/AWSServiceRoleForEMR` } },
];

/** Principal values for resource policies (spec §2.2): every form, matching the principals above. */
const PRINCIPAL_VALUES: readonly { key: 'AWS' | 'Service' | 'Federated'; value: string }[] = [
  { key: 'AWS', value: '*' },
  { key: 'AWS', value: A },
  { key: 'AWS', value: `arn:aws:iam::${A}:root` },
  { key: 'AWS', value: B },
  { key: 'AWS', value: USER_ALICE },
  { key: 'AWS', value: `arn:aws:iam::${A}:user/dev/bob` },
  { key: 'AWS', value: `arn:aws:iam::${B}:user/carol` },
  { key: 'AWS', value: ROLE_APP },
  { key: 'AWS', value: `arn:aws:iam::${A}:role/app` },
  { key: 'AWS', value: `arn:aws:sts::${A}:assumed-role/app/s1` },
  { key: 'AWS', value: `arn:aws:sts::${A}:assumed-role/app/iamspec` },
  { key: 'AWS', value: `arn:aws:sts::${A}:federated-user/fed1` },
  { key: 'AWS', value: BOB_ID },
  { key: 'AWS', value: OPS_ID },
  { key: 'Service', value: 'cloudtrail.amazonaws.com' },
  { key: 'Federated', value: 'accounts.google.com' },
];

/** Actions requests ask for: a fixed set that policies name often, plus any catalog action. */
export const REQUEST_ACTIONS: readonly string[] = [
  's3:GetObject',
  's3:PutObject',
  's3:ListBucket',
  's3:DeleteBucket',
  's3:ListAllMyBuckets',
  'iam:ChangePassword',
  'iam:CreateVirtualMFADevice',
  'iam:EnableMFADevice',
  'iam:ListMFADevices',
  'iam:GetUser',
  'ec2:DescribeInstances',
  'ec2:StartInstances',
  'kms:Decrypt',
  'sts:AssumeRole',
  'sqs:SendMessage',
];

/** Actions of §1.9's tables: AWS decides them whatever the policies say (for some callers and resources). */
const RULED_ACTIONS: readonly string[] = ['sts:GetCallerIdentity', 'sts:GetSessionToken', 'iam:DeletePolicy', 'iam:PutRolePolicy', 'kms:DeleteAlias'];

const ACTION_WILDCARDS: readonly string[] = [
  '*',
  's3:*',
  's3:Get*',
  's3:*Object',
  's3:?etObject',
  's3:List*',
  'iam:*MFA*',
  'iam:*',
  'ec2:Describe*',
  'ec2:*',
  'kms:*',
  'sts:Assume*',
  'sqs:*',
  '*:Get*',
  's?:*',
];

let catalogActions: readonly string[] | undefined;
/** Every action of the IAM catalog (read once). */
export function allCatalogActions(): readonly string[] {
  return (catalogActions ??= catalog.allActions().map((a) => a.action));
}

export const requestActionArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...REQUEST_ACTIONS), weight: 12 },
  { arbitrary: fc.constantFrom(...RULED_ACTIONS), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 1 << 30 }).map((i) => allCatalogActions()[i % allCatalogActions().length]!), weight: 1 },
);

export const actionPatternArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...REQUEST_ACTIONS), weight: 5 },
  { arbitrary: fc.constantFrom(...ACTION_WILDCARDS), weight: 5 },
  { arbitrary: fc.constantFrom(...REQUEST_ACTIONS).map((a) => a.toLowerCase()), weight: 1 },
  { arbitrary: fc.integer({ min: 0, max: 1 << 30 }).map((i) => allCatalogActions()[i % allCatalogActions().length]!), weight: 1 },
);

/** Resources requests name (spec §3.2: bucket ≠ object; `*` for actions without resource types). */
export const REQUEST_RESOURCES: readonly string[] = [
  '*',
  'arn:aws:s3:::b1',
  'arn:aws:s3:::b1/alice/x.txt',
  'arn:aws:s3:::b1/bob/y',
  'arn:aws:s3:::b2/alice/z',
  'arn:aws:s3:::dev-bucket/k',
  'arn:aws:s3:::b1/Alice/x.txt',
  `arn:aws:ec2:us-east-1:${A}:instance/i-1`,
  `arn:aws:ec2:eu-west-1:${B}:instance/i-2`,
  `arn:aws:kms:us-east-1:${A}:key/k1`,
  `arn:aws:iam::${A}:role/app`,
  `arn:aws:iam::${A}:user/alice`,
  `arn:aws:sqs:us-east-1:${B}:q1`,
  // §1.9 protected resources (and their unprotected neighbours above)
  'arn:aws:iam::aws:policy/ReadOnlyAccess',
  `arn:aws:iam::${A}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_1`,
  `arn:aws:kms:us-east-1:${A}:alias/aws/s3`,
];

/** Resource patterns (wildcards, variables with and without defaults, `${*}`, a short ARN). */
const RESOURCE_PATTERNS: readonly string[] = [
  '*',
  'arn:aws:s3:::b1',
  'arn:aws:s3:::b1/*',
  'arn:aws:s3:::b*/alice/*',
  'arn:aws:s3:::b?/*',
  'arn:aws:s3:::b1/${aws:username}/*',
  "arn:aws:s3:::b1/${aws:username, 'bob'}/*",
  'arn:aws:s3:::${aws:PrincipalTag/team}-bucket/*',
  'arn:aws:s3:::b1/${*}',
  'arn:aws:s3:*',
  `arn:aws:ec2:*:${A}:instance/*`,
  'arn:aws:ec2:*:*:*',
  `arn:aws:ec2:*:${A}:*`,
  `arn:aws:kms:us-east-1:${A}:key/*`,
  `arn:aws:iam::${A}:role/*`,
  `arn:aws:iam::${A}:user/\${aws:username}`,
  'arn:aws:sqs:*:*:q?',
];

export const resourcePatternArb: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...RESOURCE_PATTERNS), weight: 3 },
  { arbitrary: fc.constantFrom(...REQUEST_RESOURCES), weight: 2 },
);

// ---------------------------------------------------------------------------------------------
// Context keys

export interface KeySpec {
  key: string;
  type: ContextType;
  list: boolean;
  /** Values a request may carry. */
  values: readonly string[];
  /** The operator family that suits the key. */
  family: OperatorFamily;
  /** The key is filled from the principal/resource by makeRequest, not by the request context. */
  derived?: boolean;
}

export const KEYS: readonly KeySpec[] = [
  { key: 'aws:MultiFactorAuthPresent', type: 'boolean', list: false, values: ['true', 'false'], family: 'Bool' },
  { key: 'aws:MultiFactorAuthAge', type: 'numeric', list: false, values: ['30', '3600', '86400'], family: 'Numeric' },
  { key: 'aws:SourceIp', type: 'ip', list: false, values: ['10.0.0.5', '192.168.1.10', '2001:db8::1', '::ffff:10.0.0.5'], family: 'Ip' },
  { key: 'aws:CurrentTime', type: 'date', list: false, values: ['2025-01-15T00:00:00Z', '2026-06-01T12:00:00Z'], family: 'Date' },
  { key: 'aws:SecureTransport', type: 'boolean', list: false, values: ['true', 'false'], family: 'Bool' },
  { key: 'aws:RequestTag/env', type: 'string', list: false, values: ['dev', 'prod', 'Dev'], family: 'String' },
  { key: 'aws:TagKeys', type: 'string', list: true, values: ['env', 'team', 'cost'], family: 'String' },
  { key: 'aws:CalledVia', type: 'string', list: true, values: ['athena.amazonaws.com', 'cloudformation.amazonaws.com'], family: 'String' },
  { key: 's3:prefix', type: 'string', list: false, values: ['alice/', 'bob/', 'home/'], family: 'String' },
  { key: 'aws:SourceArn', type: 'string', list: false, values: ['arn:aws:s3:::b1', `arn:aws:sns:us-east-1:${A}:topic`, 'not-an-arn'], family: 'Arn' },
  { key: 'aws:SourceAccount', type: 'string', list: false, values: [A, B], family: 'String' },
  { key: 'aws:RequestTag/blob', type: 'binary', list: false, values: ['aGVsbG8=', 'd29ybGQ='], family: 'Binary' },
  // Filled by makeRequest from the principal and the resource (spec §5, §6).
  { key: 'aws:username', type: 'string', list: false, values: ['alice', 'bob', 'carol'], family: 'String', derived: true },
  { key: 'aws:PrincipalArn', type: 'string', list: false, values: [USER_ALICE, ROLE_APP], family: 'Arn', derived: true },
  { key: 'aws:userid', type: 'string', list: false, values: [BOB_ID, `${OPS_ID}:iamspec`, `${A}:fed1`, A], family: 'String', derived: true },
  { key: 'aws:PrincipalAccount', type: 'string', list: false, values: [A, B], family: 'String', derived: true },
  { key: 'aws:PrincipalType', type: 'string', list: false, values: ['User', 'AssumedRole', 'FederatedUser', 'Account'], family: 'String', derived: true },
  { key: 'aws:PrincipalTag/team', type: 'string', list: false, values: ['dev', 'ops'], family: 'String', derived: true },
  { key: 'aws:ResourceTag/env', type: 'string', list: false, values: ['dev', 'prod'], family: 'String', derived: true },
  { key: 'aws:ResourceAccount', type: 'string', list: false, values: [A, B], family: 'String', derived: true },
];

export const CONTEXT_KEYS = KEYS.filter((k) => !k.derived);

/** Policy values per family: matching and non-matching ones, some unreadable (they never match). */
const FAMILY_VALUES: Record<Exclude<OperatorFamily, 'String'>, readonly string[]> = {
  Numeric: ['30', '3600', '100', '86400', '-1', '2.5', 'abc'],
  Date: ['2025-01-01', '2026-01-01T00:00:00Z', '2025-06-01T00:00:00+02:00', '1767225600', '2025', '2025-01-15T00:00Z', '2025-01-14T23:59:59.5-01:00', 'soon'],
  Bool: ['true', 'false', 'True'],
  Binary: ['aGVsbG8=', 'd29ybGQ', 'bad!'],
  Ip: ['10.0.0.0/8', '192.168.1.0/24', '2001:db8::/32', '10.0.0.5', '0.0.0.0/0', '::/0', '::ffff:10.0.0.0/104', '2001:DB8:0:0::1/128'],
  Arn: [
    'arn:aws:s3:::b*',
    `arn:aws:sns:*:${A}:*`,
    'arn:aws:s3:::b1',
    'arn:aws:*:*:${aws:PrincipalAccount}:*',
    `arn:aws:iam::${A}:user/*`,
    ROLE_APP,
    'arn:aws:s3:*',
  ],
  Null: ['true', 'false'],
};

const STRING_EXTRAS: readonly string[] = ['${aws:username}', '${aws:username}/', "${aws:PrincipalTag/team, 'dev'}", '${aws:PrincipalAccount}', '${*}'];
const LIKE_EXTRAS: readonly string[] = ['*', 'd?v', 'al*', '*/', '*.amazonaws.com', 'arn:aws:s3:::*'];

const OPERATORS_BY_FAMILY = new Map<OperatorFamily, BaseOperator[]>();
for (const op of BASE_OPERATORS) {
  const l = OPERATORS_BY_FAMILY.get(op.family) ?? [];
  l.push(op);
  OPERATORS_BY_FAMILY.set(op.family, l);
}
export const FAMILIES = [...OPERATORS_BY_FAMILY.keys()];

export function operatorsOf(family: OperatorFamily): BaseOperator[] {
  return OPERATORS_BY_FAMILY.get(family)!;
}

/** Candidate policy values for a key under an operator (any family may meet any key). */
export function valuePool(key: KeySpec, op: BaseOperator): readonly string[] {
  if (op.family === 'String') return op.wildcards ? [...key.values, ...STRING_EXTRAS, ...LIKE_EXTRAS] : [...key.values, ...STRING_EXTRAS];
  if (op.family === key.family && op.family !== 'Arn' && op.family !== 'Null') return [...FAMILY_VALUES[op.family], ...key.values];
  return FAMILY_VALUES[op.family];
}

export interface CondEntry {
  op: string; // canonical spelling
  key: string;
  values: unknown; // a scalar or an array, as written in JSON
}

/** Writes values as JSON: strings, or numbers/booleans where they read the same (spec §2.1). */
function asJson(values: string[], op: BaseOperator, scalar: boolean, jsonTyped: boolean): unknown {
  let vs: unknown[] = values;
  if (jsonTyped && op.family === 'Numeric' && values.every((v) => /^-?\d+(\.\d+)?$/.test(v))) vs = values.map(Number);
  if (jsonTyped && op.family === 'Bool' && values.every((v) => v === 'true' || v === 'false')) vs = values.map((v) => v === 'true');
  return scalar && vs.length === 1 ? vs[0] : vs;
}

/** One condition entry on a key with an operator of (usually) the key's family. */
export function condEntryArb(opts: { keys?: readonly KeySpec[] } = {}): fc.Arbitrary<CondEntry> {
  const keys = opts.keys ?? KEYS;
  return fc
    .record({
      key: fc.constantFrom(...keys),
      familyPick: fc.integer({ min: 0, max: 99 }),
      anyFamily: fc.constantFrom(...FAMILIES),
      opPick: fc.nat(),
      qualPick: fc.integer({ min: 0, max: 99 }),
      ifExists: fc.integer({ min: 0, max: 99 }),
      valuePicks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
      empty: fc.integer({ min: 0, max: 99 }),
      scalar: fc.boolean(),
      jsonTyped: fc.boolean(),
      keyCase: fc.boolean(),
    })
    .map((r) => {
      const family: OperatorFamily = r.familyPick < 10 ? 'Null' : r.familyPick < 80 ? r.key.family : r.anyFamily;
      const ops = operatorsOf(family);
      const base = ops[r.opPick % ops.length]!;
      const qualifier =
        (r.key.list && r.qualPick < 75) || (!r.key.list && r.qualPick < 12) ? (r.qualPick % 2 === 0 ? 'ForAllValues:' : 'ForAnyValue:') : '';
      const ifExists = family !== 'Null' && r.ifExists < 30 ? 'IfExists' : '';
      const pool = valuePool(r.key, base);
      let values = [...new Set(r.valuePicks.map((i) => pool[i % pool.length]!))];
      if (base.family === 'Bool') values = values.slice(0, 1); // Bool takes one value (AA error otherwise)
      if (r.empty < 2 && base.family !== 'Bool') values = [];
      if (!base.variables) values = values.filter((v) => !v.includes('${'));
      if (values.length === 0 && base.family === 'Bool') values = ['true'];
      return {
        op: `${qualifier}${base.name}${ifExists}`,
        key: r.key.key,
        values: asJson(values, base, r.scalar, r.jsonTyped),
      };
    });
}

/** A Condition element: operator blocks with distinct canonical names, keys distinct per block. */
export const conditionArb: fc.Arbitrary<Json> = fc.array(condEntryArb(), { minLength: 1, maxLength: 3 }).map((entries) => {
  const out: Record<string, Record<string, unknown>> = {};
  for (const e of entries) {
    const block = (out[e.op] ??= {});
    if (!Object.keys(block).some((k) => k.toLowerCase() === e.key.toLowerCase())) block[e.key] = e.values;
  }
  return out;
});

// ---------------------------------------------------------------------------------------------
// Statements and policies

function listOrOne<T>(arb: fc.Arbitrary<T>, max = 3): fc.Arbitrary<T | T[]> {
  return fc.tuple(fc.uniqueArray(arb, { minLength: 1, maxLength: max }), fc.boolean()).map(([xs, one]) => (one && xs.length === 1 ? xs[0]! : xs));
}

const principalElementArb: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constant('*'), weight: 2 },
  {
    arbitrary: fc.uniqueArray(fc.constantFrom(...PRINCIPAL_VALUES), { minLength: 1, maxLength: 3, selector: (v) => v.value }).chain((vals) =>
      fc.boolean().map((scalar) => {
        const out: Record<string, string | string[]> = {};
        for (const v of vals) {
          const prev = out[v.key];
          out[v.key] = prev === undefined ? (scalar ? v.value : [v.value]) : [...(Array.isArray(prev) ? prev : [prev]), v.value];
        }
        return out;
      }),
    ),
    weight: 8,
  },
);

export interface StatementOptions {
  effect?: 'Allow' | 'Deny';
}

/** A statement valid for the policy type (spec §2.1, §2.3): which elements are required/forbidden. */
export function statementArb(type: DocType, opts: StatementOptions = {}): fc.Arbitrary<Json> {
  if (type === 'rcp' && opts.effect === 'Allow') return fc.constant(rcpFullAccess());
  return fc
    .record({
      effect: opts.effect ? fc.constant(opts.effect) : type === 'rcp' ? fc.constant('Deny' as const) : fc.constantFrom<'Allow' | 'Deny'>('Allow', 'Allow', 'Deny'),
      notAction: fc.integer({ min: 0, max: 99 }),
      actions: listOrOne(actionPatternArb),
      resourceMode: fc.integer({ min: 0, max: 99 }),
      resources: listOrOne(resourcePatternArb),
      principalMode: fc.integer({ min: 0, max: 99 }),
      principal: principalElementArb,
      rcpPrincipal: fc.constantFrom<unknown>('*', { AWS: '*' }),
      condition: fc.option(conditionArb, { freq: 2, nil: undefined }),
      sid: fc.option(fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,5}$/), { freq: 2, nil: undefined }),
    })
    .map((r) => {
      const s: Json = {};
      if (r.sid !== undefined) s.Sid = r.sid;
      let effect = r.effect;
      if (type === 'resource' || type === 'endpoint') {
        // NotPrincipal is only allowed with Deny (spec §2.2).
        if (r.principalMode < 15 && !(opts.effect === 'Allow')) {
          effect = 'Deny';
          s.NotPrincipal = r.principal === '*' ? { AWS: USER_ALICE } : r.principal;
        } else s.Principal = r.principal;
      } else if (type === 'rcp') s.Principal = r.rcpPrincipal;
      s.Effect = effect;
      if (r.notAction < 15) s.NotAction = r.actions;
      else s.Action = r.actions;
      const resourceOptional = type === 'resource' || type === 'endpoint';
      if (resourceOptional && r.resourceMode < 25) {
        /* no Resource: the statement applies to the resource the policy is attached to */
      } else if (r.resourceMode % 100 >= 85) s.NotResource = r.resources;
      else s.Resource = r.resources;
      if (r.condition !== undefined && !(type === 'endpoint' && endpointRestricted(r.condition))) s.Condition = r.condition;
      // Element order is irrelevant in JSON; put Effect first for readability in counterexamples.
      return { ...(s.Sid !== undefined ? { Sid: s.Sid } : {}), Effect: s.Effect, ...s };
    });
}

/** Conditions a VPC endpoint policy may not hold (Like wildcards, system-generated identifier keys; spec §1.8). */
function endpointRestricted(condition: Json): boolean {
  return Object.entries(condition).some(([op, block]) => /Like/.test(op) || Object.keys(block as Json).some((k) => /^aws:(principalaccount|sourceaccount|resourceaccount|sourcevpce?|principalorgid|resourceorgid)$/i.test(k)));
}

export function rcpFullAccess(): Json {
  return { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' };
}

/** Broad grants identity policies often start with, so that random requests are allowed often. */
const BROAD: readonly (string | string[])[] = ['*', '*', 's3:*', ['s3:Get*', 's3:List*'], 'iam:*', ['ec2:*', 'kms:*', 'sts:*', 'sqs:*']];

const fullAccess = (): Json => ({ Effect: 'Allow', Action: '*', Resource: '*' });

/** Makes Sids unique within a policy (strict types require it) without dropping them. */
export function uniqueSids(statements: Json[]): Json[] {
  const seen = new Set<string>();
  return statements.map((s, i) => {
    if (typeof s.Sid !== 'string') return s;
    let sid = s.Sid;
    if (seen.has(sid)) sid = `${sid}${i}`;
    while (seen.has(sid)) sid += 'x';
    seen.add(sid);
    return { ...s, Sid: sid };
  });
}

/** A policy document of the given type. SCPs often carry FullAWSAccess, RCPs RCPFullAWSAccess. */
export function documentArb(type: DocType, opts: { minStatements?: number; maxStatements?: number } = {}): fc.Arbitrary<Json> {
  return fc
    .record({
      statements: fc.array(statementArb(type), { minLength: opts.minStatements ?? 1, maxLength: opts.maxStatements ?? 4 }),
      full: fc.integer({ min: 0, max: 99 }),
      version: fc.integer({ min: 0, max: 99 }),
      single: fc.boolean(),
    })
    .map((r) => {
      let st = r.statements;
      if (type === 'scp' && r.full < 80) st = [fullAccess(), ...st];
      if (type === 'rcp' && r.full < 50) st = [rcpFullAccess(), ...st];
      if (type === 'identity' && r.full < 60) st = [{ Effect: 'Allow', Action: BROAD[r.full % BROAD.length], Resource: '*' }, ...st];
      if (type === 'boundary' && r.full < 50) st = [{ Effect: 'Allow', Action: ['s3:*', 'iam:*', 'ec2:*'], Resource: '*' }, ...st];
      st = uniqueSids(st);
      const doc: Json = {};
      // SCPs and RCPs must state 2012-10-17; other types may use 2008-10-17 or omit it (then
      // variables are literal text, spec §2.1).
      if (type === 'scp' || type === 'rcp' || r.version < 80) doc.Version = '2012-10-17';
      else if (r.version < 90) doc.Version = '2008-10-17';
      doc.Statement = r.single && st.length === 1 ? st[0] : st;
      return doc;
    });
}

// ---------------------------------------------------------------------------------------------
// Worlds and requests

const policy = (name: string, type: DocType, doc: Json): PolicyDoc => ({ name, type, doc });

export interface WorldOptions {
  resourcePolicy?: 'maybe' | 'never' | 'always';
  boundary?: 'maybe' | 'never' | 'always';
}

export function worldArb(opts: WorldOptions = {}): fc.Arbitrary<World> {
  const maybe = <T>(arb: fc.Arbitrary<T>, mode: 'maybe' | 'never' | 'always', freq: number): fc.Arbitrary<T | null> =>
    mode === 'never' ? fc.constant(null) : mode === 'always' ? arb : fc.option(arb, { freq, nil: null });
  return fc
    .record({
      identity: fc.oneof({ arbitrary: fc.constant([] as Json[]), weight: 1 }, { arbitrary: fc.array(documentArb('identity'), { minLength: 1, maxLength: 3 }), weight: 6 }),
      boundary: maybe(documentArb('boundary'), opts.boundary ?? 'maybe', 3),
      session: fc.option(fc.array(documentArb('session'), { minLength: 1, maxLength: 2 }), { freq: 2, nil: null }),
      resource: maybe(documentArb('resource'), opts.resourcePolicy ?? 'maybe', 3),
      scps: fc.oneof(
        { arbitrary: fc.constant([] as Json[][]), weight: 2 },
        { arbitrary: fc.array(fc.array(documentArb('scp', { maxStatements: 3 }), { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 3 }), weight: 3 },
      ),
      rcps: fc.oneof(
        { arbitrary: fc.constant([] as Json[][]), weight: 2 },
        { arbitrary: fc.array(fc.array(documentArb('rcp', { maxStatements: 2 }), { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 2 }), weight: 1 },
      ),
      organization: fc.constantFrom<World['organization']>({ managementAccount: M }, { managementAccount: M, accounts: [A] }, undefined),
    })
    .map((r) => nameWorld(r));
}

/** Gives every policy a unique name from its place in the world. */
export function nameWorld(r: {
  identity: Json[];
  boundary: Json | null;
  session: Json[] | null;
  resource: Json | null;
  scps: Json[][];
  rcps: Json[][];
  organization?: World['organization'];
}): World {
  const w: World = {
    identity: r.identity.map((d, i) => policy(`id${i}`, 'identity', d)),
    boundary: r.boundary ? policy('boundary', 'boundary', r.boundary) : null,
    session: r.session ? r.session.map((d, i) => policy(`session${i}`, 'session', d)) : null,
    resource: r.resource ? policy('rbp', 'resource', r.resource) : null,
    scps: r.scps.map((level, l) => level.map((d, i) => policy(`scp${l}_${i}`, 'scp', d))),
    rcps: r.rcps.map((level, l) => level.map((d, i) => policy(`rcp${l}_${i}`, 'rcp', d))),
  };
  if (r.organization) w.organization = r.organization;
  return w;
}

function contextValue(spec: KeySpec, values: string[]): ContextValue {
  return { type: spec.type, list: spec.list, values };
}

/** A request context: each key present (single or multivalued, possibly empty) or absent. */
export const contextArb: fc.Arbitrary<Record<string, ContextValue | null>> = fc
  .tuple(
    fc.record(
      Object.fromEntries(
        CONTEXT_KEYS.map((spec) => [
          spec.key,
          fc.option(spec.list ? fc.subarray([...spec.values]) : fc.constantFrom(...spec.values).map((v) => [v]), { freq: 3, nil: undefined }),
        ]),
      ) as Record<string, fc.Arbitrary<string[] | undefined>>,
    ),
    fc.integer({ min: 0, max: 99 }),
  )
  .map(([picks, drop]) => {
    const ctx: Record<string, ContextValue | null> = {};
    for (const spec of CONTEXT_KEYS) {
      const v = picks[spec.key];
      if (v !== undefined) ctx[spec.key] = contextValue(spec, v);
    }
    // Now and then remove a key the principal implies (null = absent), e.g. no aws:username.
    if (drop < 5) ctx['aws:username'] = null;
    return ctx;
  });

export interface RequestOptions {
  kinds?: readonly Kind[];
  /** Force the resource into the principal's own account (no cross-account request). */
  sameAccount?: boolean;
}

export type Req = RequestInput & { principal: PrincipalInput };

export function principalsOf(kinds?: readonly Kind[]): PrincipalPick[] {
  return PRINCIPALS.filter((p) => !kinds || kinds.includes(p.kind));
}

export function accountOf(p: PrincipalInput): string | undefined {
  return /^arn:aws:(?:iam|sts)::(\d{12}):/.exec(p.arn)?.[1];
}

export function requestArb(opts: RequestOptions = {}): fc.Arbitrary<Req> {
  return fc
    .record({
      principal: fc.oneof(...principalsOf(opts.kinds).map((p) => ({ arbitrary: fc.constant(p), weight: p.weight ?? (p.kind === 'anonymous' || p.kind === 'service' ? 1 : 2) }))),
      tags: fc.option(fc.constantFrom('dev', 'ops'), { freq: 3, nil: undefined }),
      action: requestActionArb,
      resource: fc.oneof(
        { arbitrary: fc.constantFrom(...REQUEST_RESOURCES.filter((r) => r === '*' || r.startsWith('arn:aws:s3:'))), weight: 2 },
        { arbitrary: fc.constantFrom(...REQUEST_RESOURCES), weight: 1 },
      ),
      resourceAccount: fc.constantFrom<string | undefined>(undefined, undefined, undefined, undefined, A, B),
      resourceTags: fc.option(fc.constantFrom('dev', 'prod'), { freq: 2, nil: undefined }),
      context: contextArb,
    })
    .map((r) => {
      const principal: PrincipalInput = { ...r.principal.input, ...(r.tags ? { tags: { team: r.tags } } : {}) };
      const req: Req = { principal, action: r.action, resource: r.resource, context: r.context };
      if (opts.sameAccount) {
        const own = accountOf(principal);
        if (own) req.resourceAccount = own;
        if (req.resource !== '*' && !/^arn:aws:s3:/.test(req.resource)) req.resource = 'arn:aws:s3:::b1/alice/x.txt';
      } else if (r.resourceAccount) req.resourceAccount = r.resourceAccount;
      if (r.resourceTags) req.resourceTags = { env: r.resourceTags };
      return req;
    });
}

export interface Scenario {
  world: World;
  requests: Req[];
}

export function scenarioArb(batch: number, world: WorldOptions = {}, request: RequestOptions = {}): fc.Arbitrary<Scenario> {
  return fc.record({ world: worldArb(world), requests: fc.array(requestArb(request), { minLength: Math.ceil(batch / 2), maxLength: batch }) });
}

/** Scenarios whose requests come through a VPC endpoint with a policy (spec §1.8), half the time the default one. */
export function endpointScenarioArb(batch: number): fc.Arbitrary<Scenario> {
  const defaultPolicy: Json = { Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] };
  return fc
    .record({ sc: scenarioArb(batch), doc: fc.oneof(fc.constant(defaultPolicy), documentArb('endpoint', { maxStatements: 3 })) })
    .map(({ sc, doc }) => ({ ...sc, world: { ...sc.world, endpoint: policy('vpce', 'endpoint', doc) } }));
}

// ---------------------------------------------------------------------------------------------
// Deterministic helpers for metamorphic invariants

/** A small PRNG (mulberry32) so a single generated integer drives a whole rewrite. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(xs: readonly T[], rnd: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Flips the case of random letters. */
export function recase(s: string, rnd: () => number): string {
  let out = '';
  for (const c of s) out += rnd() < 0.5 ? c.toUpperCase() : c.toLowerCase();
  return out;
}

export function statementsOf(doc: Json): Json[] {
  const s = doc.Statement;
  return Array.isArray(s) ? (s as Json[]) : [s as Json];
}

/** A deep copy of the world with every document rewritten. */
export function mapWorld(w: World, f: (doc: Json, p: PolicyDoc) => Json): World {
  const m = (p: PolicyDoc): PolicyDoc => ({ ...p, doc: f(structuredClone(p.doc), p) });
  const out: World = {
    identity: w.identity.map(m),
    boundary: w.boundary ? m(w.boundary) : null,
    session: w.session ? w.session.map(m) : null,
    resource: w.resource ? m(w.resource) : null,
    scps: w.scps.map((l) => l.map(m)),
    rcps: w.rcps.map((l) => l.map(m)),
  };
  if (w.organization) out.organization = w.organization;
  return out;
}
