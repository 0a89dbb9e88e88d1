// The policy documents attached to a principal in the account, read with read-only IAM calls
// (Get*, List*: the read-only client lets nothing else through). SimulatePrincipalPolicy answers
// about these documents, not about the suite's texts; their fingerprint (mapping.ts
// `policyFingerprint`) goes into the recording key, so an account that has drifted from the suite
// shows as stale, never as an agreement (README "Differential runs").

// Types only: the SDK (an optional peer of the package) loads with the first read.
import type { IAMClient } from '@aws-sdk/client-iam';

type Sdk = typeof import('@aws-sdk/client-iam');

/** What IAM attaches to a user (with its groups') or a role: identity documents and the boundary. */
export interface AttachedPolicies {
  identity: string[];
  boundary?: string;
}

/** Runs one API call (retries, counting): the Simulator's policy for every call it makes. */
export type Call = <T>(fn: () => Promise<T>) => Promise<T>;

/** The IAM permissions reading needs, for error messages and the README. */
export const READ_PERMISSIONS = [
  'iam:GetUser',
  'iam:GetRole',
  'iam:ListGroupsForUser',
  'iam:ListUserPolicies',
  'iam:GetUserPolicy',
  'iam:ListAttachedUserPolicies',
  'iam:ListRolePolicies',
  'iam:GetRolePolicy',
  'iam:ListAttachedRolePolicies',
  'iam:ListGroupPolicies',
  'iam:GetGroupPolicy',
  'iam:ListAttachedGroupPolicies',
  'iam:GetPolicy',
  'iam:GetPolicyVersion',
];

interface Page<T> {
  items: T[];
  IsTruncated?: boolean | undefined;
  Marker?: string | undefined;
}

/** Every page of a List* call. */
async function all<T>(call: Call, page: (marker: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  let marker: string | undefined;
  for (;;) {
    const p = await call(() => page(marker));
    out.push(...p.items);
    if (!p.IsTruncated || !p.Marker || p.Marker === marker) return out;
    marker = p.Marker;
  }
}

/** IAM returns policy documents URL-encoded (RFC 3986). */
function decode(document: string | undefined, what: string): string {
  if (document === undefined) throw new Error(`IAM returned no document for ${what}`);
  return decodeURIComponent(document);
}

/** One holder of policies (a user, a group, a role): how to list and read its inline and managed ones. */
interface Holder {
  inlineNames(marker: string | undefined): Promise<Page<string>>;
  inlineDocument(policyName: string): Promise<string | undefined>;
  managed(marker: string | undefined): Promise<Page<{ PolicyArn?: string | undefined }>>;
}

function user(sdk: Sdk, client: IAMClient, UserName: string): Holder {
  return {
    inlineNames: async (Marker) => {
      const r = await client.send(new sdk.ListUserPoliciesCommand({ UserName, Marker }));
      return { ...r, items: r.PolicyNames ?? [] };
    },
    inlineDocument: async (PolicyName) => (await client.send(new sdk.GetUserPolicyCommand({ UserName, PolicyName }))).PolicyDocument,
    managed: async (Marker) => {
      const r = await client.send(new sdk.ListAttachedUserPoliciesCommand({ UserName, Marker }));
      return { ...r, items: r.AttachedPolicies ?? [] };
    },
  };
}

function group(sdk: Sdk, client: IAMClient, GroupName: string): Holder {
  return {
    inlineNames: async (Marker) => {
      const r = await client.send(new sdk.ListGroupPoliciesCommand({ GroupName, Marker }));
      return { ...r, items: r.PolicyNames ?? [] };
    },
    inlineDocument: async (PolicyName) => (await client.send(new sdk.GetGroupPolicyCommand({ GroupName, PolicyName }))).PolicyDocument,
    managed: async (Marker) => {
      const r = await client.send(new sdk.ListAttachedGroupPoliciesCommand({ GroupName, Marker }));
      return { ...r, items: r.AttachedPolicies ?? [] };
    },
  };
}

function role(sdk: Sdk, client: IAMClient, RoleName: string): Holder {
  return {
    inlineNames: async (Marker) => {
      const r = await client.send(new sdk.ListRolePoliciesCommand({ RoleName, Marker }));
      return { ...r, items: r.PolicyNames ?? [] };
    },
    inlineDocument: async (PolicyName) => (await client.send(new sdk.GetRolePolicyCommand({ RoleName, PolicyName }))).PolicyDocument,
    managed: async (Marker) => {
      const r = await client.send(new sdk.ListAttachedRolePoliciesCommand({ RoleName, Marker }));
      return { ...r, items: r.AttachedPolicies ?? [] };
    },
  };
}

/**
 * Reads the documents attached to `arn` (an IAM user or role ARN): inline and managed policies (a
 * user's groups' too) and the permissions boundary. `managed` caches managed policy documents by
 * ARN across principals.
 */
export async function readAttachedPolicies(client: IAMClient, arn: string, call: Call, managed: Map<string, Promise<string>>): Promise<AttachedPolicies> {
  const m = /^arn:[^:]+:iam::\d{12}:(user|role)\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (!m) throw new Error(`${arn} is not an IAM user or role ARN`);
  const name = m[2]!;
  const sdk = await import('@aws-sdk/client-iam');
  const managedDocument = (policyArn: string): Promise<string> => {
    let doc = managed.get(policyArn);
    if (!doc) {
      doc = (async () => {
        const p = await call(() => client.send(new sdk.GetPolicyCommand({ PolicyArn: policyArn })));
        const versionId = p.Policy?.DefaultVersionId;
        if (!versionId) throw new Error(`IAM returned no default version for ${policyArn}`);
        const v = await call(() => client.send(new sdk.GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: versionId })));
        return decode(v.PolicyVersion?.Document, policyArn);
      })();
      managed.set(policyArn, doc);
    }
    return doc;
  };
  const documents = async (h: Holder): Promise<string[]> => {
    const inline = await Promise.all((await all(call, h.inlineNames)).map(async (n) => decode(await call(() => h.inlineDocument(n)), `inline policy ${n}`)));
    const arns = (await all(call, h.managed)).flatMap((p) => (p.PolicyArn ? [p.PolicyArn] : []));
    return [...inline, ...(await Promise.all(arns.map(managedDocument)))];
  };

  let boundaryArn: string | undefined;
  const identity: string[] = [];
  if (m[1] === 'user') {
    const u = await call(() => client.send(new sdk.GetUserCommand({ UserName: name })));
    boundaryArn = u.User?.PermissionsBoundary?.PermissionsBoundaryArn;
    identity.push(...(await documents(user(sdk, client, name))));
    const groups = await all(call, async (Marker) => {
      const r = await client.send(new sdk.ListGroupsForUserCommand({ UserName: name, Marker }));
      return { ...r, items: (r.Groups ?? []).flatMap((g) => (g.GroupName ? [g.GroupName] : [])) };
    });
    for (const g of groups) identity.push(...(await documents(group(sdk, client, g))));
  } else {
    const r = await call(() => client.send(new sdk.GetRoleCommand({ RoleName: name })));
    boundaryArn = r.Role?.PermissionsBoundary?.PermissionsBoundaryArn;
    identity.push(...(await documents(role(sdk, client, name))));
  }
  return { identity, ...(boundaryArn ? { boundary: await managedDocument(boundaryArn) } : {}) };
}
