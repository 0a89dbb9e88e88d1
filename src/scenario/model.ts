// The loaded, resolved form of a scenario suite (../shared/design/scenario-format.md). The loader
// produces it; the runner, the simulator adapter (src/aws) and the CDKTF stack (stacks/) all read
// it, so what is tested, what is sent to AWS and what is deployed come from one place.

import type { CompiledPolicy } from '../engine/compile.ts';
import type { ContextValue } from '../engine/request.ts';
import type { DisableEntry } from '../policy/lint/disable.ts';
import type { PolicyType } from '../policy/model.ts';

/** A place in a suite or policy file; line and column are 1-based. */
export interface SourceRef {
  file: string;
  line: number;
  column: number;
}

/** The decisions a case may expect: the simulator's three words, or `denied` (either deny). */
export const EXPECTATIONS = ['allowed', 'explicitDeny', 'implicitDeny', 'denied'] as const;

export type Expectation = (typeof EXPECTATIONS)[number];

export interface SuitePolicy {
  name: string;
  /** The document as a plain JSON value (for reading and comparing; numbers are doubles here). */
  document: unknown;
  /**
   * The document's text, what the engine verified and what is sent to the simulator and deployed:
   * the JSON file's exact content for file policies, or the inline YAML document as JSON with
   * two-space indents and its numbers as written.
   */
  text: string;
  /** The policy JSON file, when the suite names one (absolute path). */
  path?: string;
  /**
   * An AWS managed policy (defined by ARN, or as an {arn, file} copy): the stack attaches the ARN,
   * never creates it. `source` says where the tested document came from (the package and its
   * version, or the copy's file).
   */
  awsManaged?: { arn: string; source: string };
  /** Where the suite defines the name. */
  defined: SourceRef;
  /** How the suite uses the policy; a name used with two types is compiled (and validated) per type. */
  usedAs: PolicyType[];
  /** The policy compiled (and so validated) for each type it is used as; filled by the loader. */
  compiled: Map<PolicyType, CompiledPolicy>;
}

export interface SuiteGroup {
  name: string;
  policies: string[];
  defined: SourceRef;
}

export interface SuitePrincipal {
  name: string;
  /** A user, role, assumed-role, federated-user or root ARN, `anonymous`, or `service:<name>`. */
  arn: string;
  groups: string[];
  /** Identity policies attached directly. */
  policies: string[];
  boundary?: string;
  /** Session policies passed when the session was created (role and federated-user sessions). */
  session?: string[];
  tags: Record<string, string>;
  uniqueId?: string;
  sessionName?: string;
  /** Federated-user sessions: the IAM user that called GetFederationToken (ARN). */
  parentUserArn?: string;
  /** The principal exists in the AWS account, so the live simulator may use SimulatePrincipalPolicy. */
  inAccount: boolean;
  defined: SourceRef;
}

export interface SuiteResource {
  /** A resource ARN, or an ARN pattern with `*`/`?` that case resources are matched against. */
  arn: string;
  /** Owning account (12 digits); defaults to the ARN's account, else the principal's. */
  owner?: string;
  /** Name of the resource-based policy (bucket policy, key policy, trust policy …). */
  policy?: string;
  tags: Record<string, string>;
  defined: SourceRef;
}

export interface SuiteOrganization {
  /** The organization id (`o-…`): aws:PrincipalOrgID and aws:ResourceOrgID of accounts in it. */
  id?: string;
  /** Policy names per level, root first, account last. */
  scps: string[][];
  rcps: string[][];
  managementAccount?: string;
  accounts?: string[];
  defined: SourceRef;
}

/** A VPC endpoint: its policy applies to requests whose aws:SourceVpce is its id (spec §1.8). */
export interface SuiteVpcEndpoint {
  id: string;
  policy: string;
  /** The endpoint's VPC: aws:SourceVpc of requests through it. */
  vpc?: string;
  defined: SourceRef;
}

/** One expanded case: a single principal, action and resource. */
export interface Case {
  /** Unique within the suite; matrix cases get ` [action @ resource]` appended. */
  name: string;
  /** The name as written (shared by every case a matrix expands to). */
  baseName: string;
  principal: string;
  action: string;
  resource: string;
  /** The suite's default context merged with the case's own; null = key absent. */
  context: Record<string, ContextValue | null>;
  expect: Expectation;
  /** `policy#Sid` or `policy#N` references that must be among the deciding statements. */
  decidedBy?: string[];
  defined: SourceRef;
}

/** A quantified check (format: `properties:`), sampled and shrunk by fast-check. */
export interface PropertySpec {
  name: string;
  principal: string;
  context: Record<string, ContextValue | null>;
  forAll: {
    action?: { service: string; except: string[] } | { oneOf: string[] };
    resource?: 'any' | string;
    context?: Record<string, { oneOf: unknown[] } | { range: [number, number] }>;
  };
  expect: Expectation;
  runs: number;
  defined: SourceRef;
}

export interface Suite {
  /** The suite's YAML file (absolute path). */
  file: string;
  name: string;
  about?: string;
  policies: Map<string, SuitePolicy>;
  groups: Map<string, SuiteGroup>;
  principals: Map<string, SuitePrincipal>;
  resources: SuiteResource[];
  organization?: SuiteOrganization;
  /** By endpoint id; absent when the suite declares none. */
  vpcEndpoints?: Map<string, SuiteVpcEndpoint>;
  context: Record<string, ContextValue | null>;
  cases: Case[];
  properties: PropertySpec[];
  /** `lint: {disable: [...]}` of the suite and the fragments it includes. */
  lintDisable?: DisableEntry[];
  /** What in the suite looks wrong but is not an error (e.g. epoch milliseconds in a date key). */
  warnings?: SuiteWarning[];
}

export interface SuiteWarning {
  message: string;
  where: SourceRef;
}

/** A user mistake in a suite or policy: printed as file:line:column and exits 2. */
export class SuiteError extends Error {
  override readonly name = 'SuiteError';
  constructor(
    message: string,
    readonly where: SourceRef,
    /** Further findings (e.g. every validation error of a policy), each with its own place. */
    readonly details: { message: string; where: SourceRef }[] = [],
  ) {
    super(message);
  }
}
