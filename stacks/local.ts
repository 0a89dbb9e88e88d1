// Deploying the synthesized stack to a local AWS emulator (moto_server), shared by
// `npm run deploy:local` (scripts/stack-deploy-local.ts) and the end-to-end test.
//
// The synthesized cdk.tf.json is copied unchanged into a work directory; a Terraform override file
// beside it points the provider at the emulator (custom endpoints for iam/sts/organizations, fake
// credentials, no credential/account/metadata lookups) and keeps the state in the work directory.
// The original stack directory never gets the override, so a later real `terraform apply` there
// cannot be pointed at an emulator by accident.

import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListGroupsCommand,
  ListPoliciesCommand,
  type AttachedPolicy,
  type ListAttachedGroupPoliciesCommandOutput,
  type ListGroupsCommandOutput,
  type ListPoliciesCommandOutput,
  type Group,
  type Policy,
} from '@aws-sdk/client-iam';

export const OVERRIDE_FILE = 'zz_iamspec_local_override.tf.json';
export const FAKE_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' } as const;

/** The override that points the aws provider at `endpoint` and keeps state in the work dir. */
export function localOverride(endpoint: string, region = 'us-east-1'): Record<string, unknown> {
  return {
    terraform: { backend: { local: { path: 'terraform.tfstate' } } },
    provider: {
      aws: [
        {
          region,
          access_key: FAKE_CREDENTIALS.accessKeyId,
          secret_key: FAKE_CREDENTIALS.secretAccessKey,
          skip_credentials_validation: true,
          skip_requesting_account_id: true,
          skip_metadata_api_check: 'true',
          skip_region_validation: true,
          endpoints: [{ iam: endpoint, sts: endpoint, organizations: endpoint }],
        },
      ],
    },
  };
}

/** Copies the synthesized configuration into `workDir` and adds the local override. */
export function prepareLocalWorkDir(stackFile: string, workDir: string, endpoint: string, region?: string): void {
  mkdirSync(workDir, { recursive: true });
  copyFileSync(stackFile, join(workDir, 'cdk.tf.json'));
  writeFileSync(join(workDir, OVERRIDE_FILE), `${JSON.stringify(localOverride(endpoint, region), null, 2)}\n`);
}

/** Environment for Terraform and the SDK against the emulator: no real credentials can leak in. */
export function localAwsEnv(workDir: string): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: '',
    AWS_PROFILE: '',
    AWS_CONFIG_FILE: join(workDir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(workDir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

export function localIamClient(endpoint: string, region = 'us-east-1'): IAMClient {
  return new IAMClient({ endpoint, region, credentials: FAKE_CREDENTIALS, maxAttempts: 2 });
}

/**
 * A policy document as GetPolicyVersion returns it. AWS returns it URL-encoded (RFC 3986), so it
 * starts with `%7B`; moto 5.2 returns the JSON text as stored, unencoded (observed: `100%`, `%41`
 * and `+` come back literally, so decoding moto's answer would corrupt it or throw URIError).
 * A URL-encoded JSON object never starts with `{`, so the first character tells the two apart.
 */
export function decodePolicyDocument(raw: string): unknown {
  const text = raw.trimStart().startsWith('{') ? raw : decodeURIComponent(raw);
  return JSON.parse(text);
}

export interface DeployedPolicy {
  name: string;
  arn: string;
  path: string;
  description?: string;
  tags: Record<string, string>;
  /** The default version's document, decoded and parsed. */
  document: unknown;
  /** As the API returned it. */
  raw: string;
}

export interface DeployedState {
  policies: Map<string, DeployedPolicy>;
  /** Group name → attached policy ARNs (sorted). */
  groups: Map<string, { arn: string; path: string; attached: string[] }>;
}

/** Reads back what is deployed under an IAM path prefix. */
export async function readDeployed(iam: IAMClient, pathPrefix = '/iamspec/'): Promise<DeployedState> {
  const policies = new Map<string, DeployedPolicy>();
  const listed: Policy[] = [];
  let marker: string | undefined;
  do {
    const r: ListPoliciesCommandOutput = await iam.send(
      new ListPoliciesCommand({ Scope: 'Local', PathPrefix: pathPrefix, ...(marker ? { Marker: marker } : {}) }),
    );
    listed.push(...(r.Policies ?? []));
    marker = r.IsTruncated ? r.Marker : undefined;
  } while (marker);
  for (const p of listed) {
    const got = await iam.send(new GetPolicyCommand({ PolicyArn: p.Arn! }));
    const pol = got.Policy!;
    const ver = await iam.send(new GetPolicyVersionCommand({ PolicyArn: p.Arn!, VersionId: pol.DefaultVersionId! }));
    const raw = ver.PolicyVersion!.Document!;
    policies.set(pol.PolicyName!, {
      name: pol.PolicyName!,
      arn: pol.Arn!,
      path: pol.Path ?? '/',
      ...(pol.Description ? { description: pol.Description } : {}),
      tags: Object.fromEntries((pol.Tags ?? []).map((t) => [t.Key!, t.Value ?? ''])),
      document: decodePolicyDocument(raw),
      raw,
    });
  }
  const groups = new Map<string, { arn: string; path: string; attached: string[] }>();
  const gl: Group[] = [];
  marker = undefined;
  do {
    const r: ListGroupsCommandOutput = await iam.send(new ListGroupsCommand({ PathPrefix: pathPrefix, ...(marker ? { Marker: marker } : {}) }));
    gl.push(...(r.Groups ?? []));
    marker = r.IsTruncated ? r.Marker : undefined;
  } while (marker);
  for (const g of gl) {
    const attached: AttachedPolicy[] = [];
    let m: string | undefined;
    do {
      const page: ListAttachedGroupPoliciesCommandOutput = await iam.send(
        new ListAttachedGroupPoliciesCommand({ GroupName: g.GroupName!, ...(m ? { Marker: m } : {}) }),
      );
      attached.push(...(page.AttachedPolicies ?? []));
      m = page.IsTruncated ? page.Marker : undefined;
    } while (m);
    groups.set(g.GroupName!, { arn: g.Arn!, path: g.Path ?? '/', attached: attached.map((a) => a.PolicyArn!).sort() });
  }
  return { policies, groups };
}
