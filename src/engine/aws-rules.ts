// Requests AWS decides before, or regardless of, any policy (spec §1.9): actions that need no
// permission, and resources AWS never lets anyone change. Two tables, each row with the AWS page
// that says so. `makeRequest` looks the request up once (src/engine/request.ts), so deciding costs
// one property read.

import type { ParsedArn } from './arn.ts';
import type { Principal, PrincipalKind } from './request.ts';

/** Where AWS says so: the page's title and address. */
export interface Source {
  title: string;
  url: string;
  /** [DOC]: an AWS page states it; [SECONDARY]: observed and reported, not stated by AWS. */
  status: 'DOC' | 'SECONDARY';
}

/** An action AWS performs for some callers whatever the policies say. */
export interface NoPermissionAction {
  id: string;
  /** `service:Action` as AWS spells it. */
  action: string;
  /** Callers for whom no permission is required. */
  callers: readonly PrincipalKind[];
  /** Callers AWS refuses outright, and why (e.g. session credentials cannot call GetSessionToken). */
  refused?: { callers: readonly PrincipalKind[]; why: string };
  /** Why no permission is required, in AWS's terms. */
  why: string;
  source: Source;
}

/** Resources nobody may change: the listed actions on them are refused whatever the policies say. */
export interface ProtectedResource {
  id: string;
  /** What is protected, for explanations ("AWS managed policies"). */
  what: string;
  service: string;
  /** The ARN's account component must be this (`aws` for AWS managed policies), when given. */
  account?: string;
  /** The ARN's resource component starts with this. */
  resourcePrefix: string;
  /** The refused actions, `service:Action` as AWS spells them. */
  actions: readonly string[];
  /** The service that owns the resource may still change it (a service principal, or one of its service-linked roles). */
  ownerMayChange: boolean;
  source: Source;
}

const SIGNED: readonly PrincipalKind[] = ['user', 'role', 'federated-user', 'root'];

export const NO_PERMISSION_ACTIONS: readonly NoPermissionAction[] = [
  {
    id: 'no-permission:sts:GetCallerIdentity',
    action: 'sts:GetCallerIdentity',
    callers: SIGNED,
    why: 'no permissions are required to call sts:GetCallerIdentity, even against an explicit Deny: it returns what an access-denied error would reveal anyway',
    source: {
      title: 'AWS STS API Reference: GetCallerIdentity',
      url: 'https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html',
      status: 'DOC',
    },
  },
  {
    id: 'no-permission:sts:GetSessionToken',
    action: 'sts:GetSessionToken',
    callers: ['user', 'root'],
    refused: {
      callers: ['role', 'federated-user'],
      why: 'sts:GetSessionToken must be called with the long-term credentials of an IAM user or the root user; session credentials cannot call it',
    },
    why: 'no permissions are required for a user to call sts:GetSessionToken: it authenticates the user (with MFA), and policies cannot control authentication operations',
    source: {
      title: 'IAM User Guide: Permissions for GetSessionToken; AWS STS API Reference: GetSessionToken',
      url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_getsessiontoken.html',
      status: 'DOC',
    },
  },
];

const ROLE_CHANGES = [
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:UpdateAssumeRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
  'iam:DeleteRole',
];

export const PROTECTED_RESOURCES: readonly ProtectedResource[] = [
  {
    id: 'protected:aws-managed-policy',
    what: 'AWS managed policies (arn:aws:iam::aws:policy/…)',
    service: 'iam',
    account: 'aws',
    resourcePrefix: 'policy/',
    actions: [
      'iam:CreatePolicy',
      'iam:CreatePolicyVersion',
      'iam:DeletePolicy',
      'iam:DeletePolicyVersion',
      'iam:SetDefaultPolicyVersion',
      'iam:TagPolicy',
      'iam:UntagPolicy',
    ],
    ownerMayChange: false,
    source: {
      title: 'IAM User Guide: Managed policies and inline policies, "AWS managed policies" (you cannot change the permissions defined in AWS managed policies)',
      url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies',
      status: 'DOC',
    },
  },
  {
    id: 'protected:service-linked-role',
    what: 'service-linked roles (role/aws-service-role/…)',
    service: 'iam',
    resourcePrefix: 'role/aws-service-role/',
    actions: ROLE_CHANGES,
    ownerMayChange: true,
    source: {
      title:
        'IAM API Reference: UnmodifiableEntity ("service-linked roles are protected AWS resources; only the service that depends on the role can modify or delete it"); IAM User Guide: Update a service-linked role',
      url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_update-service-linked-role.html',
      status: 'DOC',
    },
  },
  {
    id: 'protected:aws-reserved-role',
    what: 'roles under /aws-reserved/ (IAM Identity Center permission-set roles)',
    service: 'iam',
    resourcePrefix: 'role/aws-reserved/',
    actions: [...ROLE_CHANGES, 'iam:UpdateRole', 'iam:UpdateRoleDescription', 'iam:TagRole', 'iam:UntagRole'],
    ownerMayChange: true,
    source: {
      title:
        'AWS Managed Policy Reference: AWSSSOServiceRolePolicy (only IAM Identity Center\'s service-linked role changes role/aws-reserved/sso.amazonaws.com/*); IAM answers UnmodifiableEntity "this role is only modifiable by AWS" (reported in rebuy-de/aws-nuke #441)',
      url: 'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSSSOServiceRolePolicy.html',
      status: 'SECONDARY',
    },
  },
  {
    id: 'protected:kms-aws-alias',
    what: 'KMS aliases under alias/aws/ (the aliases of AWS managed keys)',
    service: 'kms',
    resourcePrefix: 'alias/aws/',
    actions: ['kms:CreateAlias', 'kms:UpdateAlias', 'kms:DeleteAlias'],
    ownerMayChange: false,
    source: {
      title: 'AWS KMS Developer Guide: Create aliases (the alias/aws/ prefix is reserved for AWS managed keys; you cannot manage aliases for AWS managed keys)',
      url: 'https://docs.aws.amazon.com/kms/latest/developerguide/alias-create.html',
      status: 'DOC',
    },
  },
];

/** What AWS does with a request before any policy: allow it, or refuse it. */
export type AwsRuling =
  | { outcome: 'allowed'; rule: NoPermissionAction; reason: string; cited: string; verdict: string }
  | { outcome: 'refused'; rule: NoPermissionAction | ProtectedResource; reason: string; cited: string; verdict: string };

/** The reason with its source, and the decision's one-line reason: built once per request, not per decision. */
function cite<R extends { outcome: 'allowed' | 'refused'; reason: string; rule: { source: Source } }>(r: R): R & { cited: string; verdict: string } {
  const cited = `${r.reason} (${r.rule.source.title})`;
  return { ...r, cited, verdict: `${r.outcome} whatever the policies say: ${cited}` };
}

const byAction = new Map<string, NoPermissionAction>(NO_PERMISSION_ACTIONS.map((r) => [r.action.toLowerCase(), r]));
const protectedByAction = new Map<string, ProtectedResource[]>();
for (const r of PROTECTED_RESOURCES) {
  for (const a of r.actions) {
    const key = a.toLowerCase();
    protectedByAction.set(key, [...(protectedByAction.get(key) ?? []), r]);
  }
}

function protects(r: ProtectedResource, arn: ParsedArn, p: Principal): boolean {
  if (arn.service !== r.service || !arn.resource.startsWith(r.resourcePrefix)) return false;
  if (r.account !== undefined && arn.account !== r.account) return false;
  return !(r.ownerMayChange && (p.kind === 'service' || p.serviceLinked));
}

/** The rule AWS applies to this request regardless of policies, or null (policies decide). */
export function awsRuling(actionLower: string, arn: ParsedArn | null, p: Principal): AwsRuling | null {
  const free = byAction.get(actionLower);
  if (free) {
    if (free.callers.includes(p.kind)) return cite({ outcome: 'allowed' as const, rule: free, reason: free.why });
    if (free.refused?.callers.includes(p.kind)) return cite({ outcome: 'refused' as const, rule: free, reason: free.refused.why });
    return null;
  }
  if (arn === null) return null;
  for (const r of protectedByAction.get(actionLower) ?? []) {
    if (protects(r, arn, p)) {
      const action = r.actions.find((a) => a.toLowerCase() === actionLower)!;
      return cite({ outcome: 'refused' as const, rule: r, reason: `AWS never lets anyone change ${r.what}: ${action} is refused whatever the policies say` });
    }
  }
  return null;
}
