// The deploy model: what the CDKTF stack creates, derived from the loaded suites (never from a
// separate list), so the documents deployed are the documents the suites verified.
//
// Decisions (README "Deploying what the suites verified"):
//  - Every group → aws_iam_group + one aws_iam_group_policy_attachment per policy of the group.
//  - Every policy that a group, a principal's own `policies` or a principal's `boundary` uses →
//    aws_iam_policy (managed policy). Policies used directly by principals and boundaries are
//    created unattached: the stack does not create users or roles (their ARNs fix an account,
//    roles need trust policies, and identities are usually managed elsewhere); attach them by the
//    ARNs in the stack's `iamspec_policies` output.
//  - SCP / RCP levels → aws_organizations_policy (SERVICE_CONTROL_POLICY / RESOURCE_CONTROL_POLICY),
//    only with the explicit opt-in `organization: true` (IAMSPEC_DEPLOY_ORG=1): creating them needs
//    the organization's management account (or a delegated administrator). They are created
//    unattached: the suites name levels, not OU or account ids.
//  - Resource policies and session policies are not deployed (they belong to the bucket, key,
//    role or session they describe).
//  - Names the project keeps out of the deployment (cdktf.json context["iamspec:notDeployed"],
//    each with its reason) are not deployed: a group so named is skipped with its attachments; a
//    policy so named is created nowhere, and a deployed group that attaches it is an error.
//  - A name is deployed once across suites: the same policy name with a different document, or the
//    same group with different policies, in two suites is an error; so are two names that IAM
//    would take for one (IAM names are case-insensitive) after sanitising.

import { createHash } from 'node:crypto';
import type { Suite, SuitePolicy, SourceRef } from '../src/scenario/model.ts';
import { displayPath } from '../src/display-path.ts';
import { canonicalJson } from '../src/policy/json.ts';
import { awsManagedCopy } from '../src/policy/aws-managed.ts';
import { cdktfTokenIndex, documentJson } from './escape.ts';

export type OrgPolicyType = 'SERVICE_CONTROL_POLICY' | 'RESOURCE_CONTROL_POLICY';

/** Why a policy is deployed as an IAM managed policy. */
export type PolicyRole = 'group' | 'principal' | 'boundary';

export interface SuiteRef {
  /** The suite's name. */
  name: string;
  /** Its file, relative to the model's root directory. */
  file: string;
}

export interface DeployPolicy {
  /** The suite policy name (what cases, decidedBy and the gate use). */
  name: string;
  /** The IAM policy name: `name` sanitised to IAM's rules. */
  awsName: string;
  /** The Terraform resource name (construct id). */
  id: string;
  /** The verified document (a plain JSON value). */
  document: unknown;
  /** The exact JSON text deployed: documentJson of the verified text. */
  json: string;
  roles: PolicyRole[];
  suites: SuiteRef[];
  description: string;
  /**
   * Set for AWS managed policies (the suite's copy lives under a directory named `aws-managed`, or
   * IAMSPEC_AWS_MANAGED names it): the path after `arn:<partition>:iam::aws:policy/`, e.g.
   * `AdministratorAccess` or `job-function/ViewOnlyAccess`. Such a policy is not created: groups
   * attach AWS's policy, and a postcondition fails the plan if AWS's document is not the copy the
   * suites verified.
   */
  awsManaged?: string;
}

export interface DeployGroup {
  name: string;
  awsName: string;
  id: string;
  /** Suite policy names, in the group's order. */
  policies: string[];
  suites: SuiteRef[];
}

export interface DeployOrgPolicy {
  name: string;
  awsName: string;
  id: string;
  type: OrgPolicyType;
  document: unknown;
  json: string;
  suites: SuiteRef[];
  description: string;
}

export interface DeployModel {
  /** Sorted by name. */
  policies: DeployPolicy[];
  groups: DeployGroup[];
  /** Empty unless the organization opt-in is on. */
  orgPolicies: DeployOrgPolicy[];
  /** SCP/RCP names the suites declare but that are not deployed (no opt-in). */
  orgPoliciesNotDeployed: string[];
  /** AWS managed SCPs/RCPs (e.g. FullAWSAccess): they exist in every organization, never created. */
  orgPoliciesAwsManaged: string[];
  /** Policies and groups of the suites that the project keeps out of the deployment, with the reason. */
  notDeployed: { name: string; reason: string }[];
  /** IAM path of the policies and groups. */
  path: string;
}

export interface ModelOptions {
  /** Deploy SCPs and RCPs (aws_organizations_policy). Default false. */
  organization?: boolean;
  /** IAM path for policies and groups; default `/iamspec/`. */
  path?: string;
  /** Suite files are shown relative to this directory (default process.cwd()). */
  root?: string;
  /** Policy names to treat as AWS managed besides those whose file is under `aws-managed/`. */
  awsManaged?: string[];
  /** Policy or group names not to deploy → why (cdktf.json context["iamspec:notDeployed"]). */
  notDeployed?: ReadonlyMap<string, string>;
}

/**
 * The AWS managed policy a suite policy stands for: the ARN's path and name when the suite defines
 * it by ARN (or as an {arn, file} copy, in any folder), else the file's path below a directory
 * named `aws-managed` (without `.json`), or the policy name when `names` lists it; else undefined.
 */
export function awsManagedPath(p: SuitePolicy, names: ReadonlySet<string> = new Set()): string | undefined {
  if (p.awsManaged) return p.awsManaged.arn.slice(p.awsManaged.arn.indexOf(':policy/') + ':policy/'.length);
  const copy = p.path ? awsManagedCopy(p.path) : undefined;
  if (copy !== undefined) return copy;
  return names.has(p.name) ? p.name : undefined;
}

/** A suite set that cannot be deployed as one model (conflicting names, over-size documents …). */
export class DeployModelError extends Error {
  override readonly name = 'DeployModelError';
  constructor(readonly problems: string[]) {
    super(`the suites cannot be deployed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

// ---- IAM naming rules -------------------------------------------------------------------------

/** IAM policy and group names: 1–128 of [A-Za-z0-9+=,.@_-]. */
export const IAM_NAME_MAX = 128;

/** `name` made acceptable to IAM: other characters become `-`, cut to 128 (with a hash if cut). */
export function sanitizeIamName(name: string): string {
  let s = name.replace(/[^A-Za-z0-9+=,.@_-]/g, '-');
  if (s.length > IAM_NAME_MAX) s = `${s.slice(0, IAM_NAME_MAX - 9)}-${shortHash(name, 8)}`;
  return s;
}

/** IAM paths: `/` or `/a/b/` of printable ASCII (U+0021–U+007E), at most 512. */
export function checkIamPath(path: string): string | undefined {
  if (path.length > 512) return `IAM path "${path}" is longer than 512 characters`;
  if (!/^\/([\x21-\x7e]*\/)?$/.test(path)) return `IAM path "${path}" must be "/" or start and end with "/" and use printable ASCII`;
  return undefined;
}

/** IAM policy descriptions: tab, LF, CR, printable ASCII and Latin-1 (U+00A1–U+00FF), ≤ 1000. */
export function sanitizeDescription(text: string, max = 1000): string {
  const s = text.replace(/[^\t\n\r\x20-\x7e\u00a1-\u00ff]/g, '?');
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

/** Terraform resource names: a letter or `_` first, then letters, digits, `_`, `-`. */
export function terraformId(prefix: string, name: string): string {
  const slug = name.replace(/[^A-Za-z0-9_-]/g, '_');
  return slug === name ? `${prefix}_${slug}` : `${prefix}_${slug}_${shortHash(name, 6)}`;
}

/** The Terraform name of a group's attachment of a policy (CDKTF keeps ids up to 255 as-is). */
export function attachmentId(groupId: string, policyId: string): string {
  const id = `${groupId}__${policyId}`;
  return id.length <= 255 ? id : `${id.slice(0, 240)}_${shortHash(id, 8)}`;
}

function shortHash(s: string, n: number): string {
  return createHash('sha256').update(s).digest('hex').slice(0, n);
}

// ---- building ---------------------------------------------------------------------------------

function where(ref: SourceRef, root: string): string {
  return `${displayPath(ref.file, root)}:${ref.line}:${ref.column}`;
}

interface PolicyUse {
  suite: Suite;
  policy: SuitePolicy;
  roles: Set<PolicyRole>;
  orgTypes: Set<OrgPolicyType>;
}

/** Builds the deploy model of a set of loaded suites. Throws DeployModelError listing every problem. */
export function buildDeployModel(suites: readonly Suite[], opts: ModelOptions = {}): DeployModel {
  const root = opts.root ?? process.cwd();
  const path = opts.path ?? '/iamspec/';
  const problems: string[] = [];
  const pathProblem = checkIamPath(path);
  if (pathProblem) problems.push(pathProblem);

  // name -> uses across suites (in suite order)
  const uses = new Map<string, PolicyUse[]>();
  const groups = new Map<string, { suite: Suite; policies: string[]; defined: SourceRef }[]>();
  const orgNotDeployed = new Set<string>();
  const orgAwsManaged = new Set<string>();
  const managedNames = new Set(opts.awsManaged ?? []);
  const notDeployed = opts.notDeployed ?? new Map<string, string>();

  const use = (suite: Suite, name: string, role: PolicyRole | OrgPolicyType, ref: SourceRef) => {
    if (notDeployed.has(name)) return;
    const policy = suite.policies.get(name);
    if (!policy) {
      problems.push(`${where(ref, root)}: suite "${suite.name}" uses unknown policy "${name}"`);
      return;
    }
    let list = uses.get(name);
    if (!list) uses.set(name, (list = []));
    let u = list.find((x) => x.suite === suite);
    if (!u) list.push((u = { suite, policy, roles: new Set(), orgTypes: new Set() }));
    if (role === 'SERVICE_CONTROL_POLICY' || role === 'RESOURCE_CONTROL_POLICY') u.orgTypes.add(role);
    else u.roles.add(role);
  };

  for (const suite of suites) {
    for (const g of suite.groups.values()) {
      if (notDeployed.has(g.name)) continue;
      for (const p of g.policies) {
        if (notDeployed.has(p)) {
          problems.push(`${where(g.defined, root)}: group "${g.name}" attaches policy "${p}", which cdktf.json keeps out of the deployment (iamspec:notDeployed): keep the group out too, or deploy the policy`);
        }
      }
      let list = groups.get(g.name);
      if (!list) groups.set(g.name, (list = []));
      list.push({ suite, policies: [...g.policies], defined: g.defined });
      for (const p of g.policies) use(suite, p, 'group', g.defined);
    }
    for (const p of suite.principals.values()) {
      for (const name of p.policies) use(suite, name, 'principal', p.defined);
      if (p.boundary) use(suite, p.boundary, 'boundary', p.defined);
    }
    const org = suite.organization;
    if (org) {
      for (const [levels, type] of [
        [org.scps, 'SERVICE_CONTROL_POLICY'],
        [org.rcps, 'RESOURCE_CONTROL_POLICY'],
      ] as const) {
        for (const name of levels.flat()) {
          if (notDeployed.has(name)) continue;
          if (opts.organization) use(suite, name, type, org.defined);
          else {
            const p = suite.policies.get(name);
            if (p && awsManagedPath(p, managedNames) !== undefined) orgAwsManaged.add(name);
            else orgNotDeployed.add(name);
          }
        }
      }
    }
  }

  const suiteRef = (s: Suite): SuiteRef => ({ name: s.name, file: displayPath(s.file, root) });
  const policies: DeployPolicy[] = [];
  const orgPolicies: DeployOrgPolicy[] = [];
  const awsNames = new Map<string, string>(); // lower-cased IAM name -> suite policy name
  const orgNames = new Map<string, string>();

  for (const name of [...uses.keys()].sort()) {
    const list = uses.get(name)!;
    const first = list[0]!;
    // One document per name across suites.
    const canon = canonicalJson(first.policy.document);
    for (const u of list.slice(1)) {
      if (canonicalJson(u.policy.document) !== canon) {
        problems.push(
          `policy "${name}" has different documents in suite "${first.suite.name}" (${where(first.policy.defined, root)}) and suite "${u.suite.name}" (${where(u.policy.defined, root)}); one name deploys one document`,
        );
      }
    }
    for (const u of list) {
      const p = u.policy;
      if (p.path) {
        // The engine verified the file's text; the stack deploys the parsed document. They must agree.
        let parsed: unknown;
        try {
          parsed = JSON.parse(p.text);
        } catch {
          parsed = Symbol('unparsable');
        }
        if (typeof parsed === 'symbol' || canonicalJson(parsed) !== canonicalJson(p.document)) {
          problems.push(`policy "${name}" (${displayPath(p.path, root)}): the file's text and the loaded document differ (duplicate keys?); refusing to deploy something other than what was verified`);
        }
      }
    }
    const json = documentJson(first.policy.text);
    if (cdktfTokenIndex(json) >= 0) {
      problems.push(
        `policy "${name}" (${where(first.policy.defined, root)}) contains "\${TfToken[", which CDKTF would replace with one of its tokens; it cannot be deployed through CDKTF unchanged`,
      );
    }
    const suitesOf = dedupeSuites(list.map((u) => suiteRef(u.suite)));
    const roles = new Set<PolicyRole>();
    const orgTypes = new Set<OrgPolicyType>();
    for (const u of list) {
      u.roles.forEach((r) => roles.add(r));
      u.orgTypes.forEach((t) => orgTypes.add(t));
    }
    const description = sanitizeDescription(
      `iamspec: verified by ${suitesOf.map((s) => `suite "${s.name}" (${s.file})`).join(', ')}`,
    );
    const managed = awsManagedPath(first.policy, managedNames);
    for (const u of list.slice(1)) {
      if (awsManagedPath(u.policy, managedNames) !== managed) {
        problems.push(`policy "${name}" is AWS managed in one suite and not in another ("${first.suite.name}", "${u.suite.name}")`);
      }
    }
    if (managed !== undefined) {
      if (!/^([\x21-\x7e]+\/)*[A-Za-z0-9+=,.@_-]{1,128}$/.test(managed)) problems.push(`AWS managed policy path "${managed}" (policy "${name}") is not a valid policy path and name`);
      if (roles.size) {
        policies.push({
          name,
          awsName: managed.slice(managed.lastIndexOf('/') + 1),
          id: terraformId('aws_managed', managed),
          document: first.policy.document,
          json,
          roles: [...roles].sort(),
          suites: suitesOf,
          description,
          awsManaged: managed,
        });
      }
      if (orgTypes.size) orgAwsManaged.add(name);
      continue;
    }
    if (roles.size) {
      const awsName = sanitizeIamName(name);
      const clash = awsNames.get(awsName.toLowerCase());
      if (clash !== undefined) {
        problems.push(`policies "${clash}" and "${name}" would both be IAM policy "${awsName}" (IAM names are case-insensitive); rename one`);
      } else awsNames.set(awsName.toLowerCase(), name);
      if (!awsName) problems.push(`policy name "${name}" is empty`);
      policies.push({
        name,
        awsName,
        id: terraformId('policy', awsName),
        document: first.policy.document,
        json,
        roles: [...roles].sort(),
        suites: suitesOf,
        description,
      });
    }
    for (const type of [...orgTypes].sort()) {
      const awsName = sanitizeIamName(name);
      const key = `${type}\u0000${awsName.toLowerCase()}`;
      const clash = orgNames.get(key);
      if (clash !== undefined) problems.push(`organization policies "${clash}" and "${name}" would both be named "${awsName}"; rename one`);
      else orgNames.set(key, name);
      orgPolicies.push({
        name,
        awsName,
        id: terraformId(type === 'SERVICE_CONTROL_POLICY' ? 'scp' : 'rcp', awsName),
        type,
        document: first.policy.document,
        json,
        suites: suitesOf,
        description: sanitizeDescription(description, 512),
      });
    }
  }

  const deployGroups: DeployGroup[] = [];
  const groupNames = new Map<string, string>();
  for (const name of [...groups.keys()].sort()) {
    const list = groups.get(name)!;
    const first = list[0]!;
    const key = [...first.policies].sort().join('\u0000');
    for (const g of list.slice(1)) {
      if ([...g.policies].sort().join('\u0000') !== key) {
        problems.push(
          `group "${name}" has different policies in suite "${first.suite.name}" (${where(first.defined, root)}: ${first.policies.join(', ') || 'none'}) and suite "${g.suite.name}" (${where(g.defined, root)}: ${g.policies.join(', ') || 'none'})`,
        );
      }
    }
    const awsName = sanitizeIamName(name);
    const clash = groupNames.get(awsName.toLowerCase());
    if (clash !== undefined) problems.push(`groups "${clash}" and "${name}" would both be IAM group "${awsName}" (IAM names are case-insensitive); rename one`);
    else groupNames.set(awsName.toLowerCase(), name);
    if (!awsName) problems.push(`group name "${name}" is empty`);
    deployGroups.push({
      name,
      awsName,
      id: terraformId('group', awsName),
      policies: [...new Set(first.policies)],
      suites: dedupeSuites(list.map((g) => suiteRef(g.suite))),
    });
  }

  if (problems.length) throw new DeployModelError(problems);
  const deployed = new Set(orgPolicies.map((p) => p.name));
  return {
    policies,
    groups: deployGroups,
    orgPolicies,
    orgPoliciesNotDeployed: [...orgNotDeployed].filter((n) => !deployed.has(n)).sort(),
    orgPoliciesAwsManaged: [...orgAwsManaged].sort(),
    notDeployed: [...notDeployed]
      .filter(([name]) => suites.some((s) => s.policies.has(name) || s.groups.has(name)))
      .sort((a, b) => a[0].localeCompare(b[0]))
      .map(([name, reason]) => ({ name, reason })),
    path,
  };
}

function dedupeSuites(list: SuiteRef[]): SuiteRef[] {
  const seen = new Set<string>();
  return list.filter((s) => {
    const k = `${s.file}\u0000${s.name}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Every deployable thing of the model, as the gate sees it. */
export type DeployableKind = 'policy' | 'group' | 'scp' | 'rcp';

export interface Deployable {
  kind: DeployableKind;
  /** Suite name of the policy or group. */
  name: string;
}

export function deployables(model: DeployModel): Deployable[] {
  return [
    ...model.policies.map((p) => ({ kind: 'policy' as const, name: p.name })),
    ...model.groups.map((g) => ({ kind: 'group' as const, name: g.name })),
    ...model.orgPolicies.map((p) => ({ kind: p.type === 'SERVICE_CONTROL_POLICY' ? ('scp' as const) : ('rcp' as const), name: p.name })),
  ];
}
