// The CDKTF stack: the deploy model (stacks/model.ts) as Terraform resources, once the gate
// (stacks/gate.ts) has passed. Provider classes come from deep paths: the package's root barrel
// loads all ~2,100 resource modules (about 13 s here, against ~0.1 s for these five).

import { S3Backend, TerraformLocal, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { DataAwsIamPolicy } from '@cdktf/provider-aws/lib/data-aws-iam-policy/index.js';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition/index.js';
import { IamGroup } from '@cdktf/provider-aws/lib/iam-group/index.js';
import { IamGroupPolicyAttachment } from '@cdktf/provider-aws/lib/iam-group-policy-attachment/index.js';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy/index.js';
import { OrganizationsPolicy } from '@cdktf/provider-aws/lib/organizations-policy/index.js';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { escapeTerraform } from './escape.ts';
import { keyOf, type GateResult } from './gate.ts';
import { attachmentId, sanitizeDescription, type DeployModel, type SuiteRef } from './model.ts';

export const UNVERIFIED_TAG = 'iamspec:unverified';
export const SUITES_TAG = 'iamspec:suites';

export interface BackendOptions {
  bucket: string;
  key: string;
  region?: string;
  /** S3 native locking (Terraform ≥ 1.10). Default true. */
  useLockfile?: boolean;
  dynamodbTable?: string;
}

export interface IamspecStackProps {
  model: DeployModel;
  gate: GateResult;
  /** Provider region (IAM is global; the provider needs one). Default us-east-1. */
  region?: string;
  /** State in S3 instead of the local file CDKTF writes by default. */
  backend?: BackendOptions;
}

/** AWS tag values: letters, digits, spaces and `_ . : / = + - @`, at most 256 characters. */
export function tagValue(text: string): string {
  const s = text.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_');
  return s.length > 256 ? `${s.slice(0, 253)}...` : s;
}

function suitesTag(suites: SuiteRef[]): string {
  return tagValue(suites.map((s) => s.file).join(' '));
}

export class IamspecStack extends TerraformStack {
  /** Terraform resource name → the exact string given to the `policy` / `content` attribute. */
  readonly documents = new Map<string, { type: 'aws_iam_policy' | 'aws_organizations_policy' | 'locals'; attribute: string; value: string; json: string }>();

  constructor(scope: Construct, id: string, props: IamspecStackProps) {
    super(scope, id);
    const { model, gate } = props;
    if (!gate.ok) throw new Error('IamspecStack: the verification gate is closed; nothing may be synthesized');
    const unverified = new Set(gate.unverified.map((e) => e.key));

    new AwsProvider(this, 'aws', { region: props.region ?? 'us-east-1' });
    if (props.backend) {
      const b = props.backend;
      new S3Backend(this, {
        bucket: b.bucket,
        key: b.key,
        ...(b.region ? { region: b.region } : {}),
        ...(b.dynamodbTable ? { dynamodbTable: b.dynamodbTable } : {}),
        encrypt: true,
      });
      if (b.useLockfile !== false) this.addOverride('terraform.backend.s3.use_lockfile', true);
    }

    const policyArns: Record<string, string> = {};
    const policies = new Map<string, { arn: string; id: string }>();
    let partition: DataAwsPartition | undefined;
    for (const p of model.policies) {
      if (p.awsManaged === undefined) continue;
      // An AWS managed policy is AWS's, not ours to create: attach it, and fail the plan unless its
      // live document is the copy the suites verified.
      partition ??= new DataAwsPartition(this, 'partition');
      const value = escapeTerraform(p.json);
      const localName = `${p.id}_verified`;
      new TerraformLocal(this, localName, value);
      const data = new DataAwsIamPolicy(this, p.id, {
        arn: `arn:${partition.partition}:iam::aws:policy/${escapeTerraform(p.awsManaged)}`,
        lifecycle: {
          postcondition: [
            {
              condition: `\${jsondecode(self.policy) == jsondecode(local.${localName})}`,
              errorMessage: escapeTerraform(
                `AWS managed policy ${p.awsManaged} is not the document the suites verified (suite policy "${p.name}"): AWS has changed it. Update the local copy, re-run the suites, and synthesize again.`,
              ),
            },
          ],
        },
      });
      policies.set(p.name, { arn: data.arn, id: p.id });
      policyArns[escapeTerraform(p.name)] = data.arn;
      this.documents.set(localName, { type: 'locals', attribute: '', value, json: p.json });
    }
    for (const p of model.policies) {
      if (p.awsManaged !== undefined) continue;
      const value = escapeTerraform(p.json);
      const tags: Record<string, string> = { [SUITES_TAG]: suitesTag(p.suites) };
      if (unverified.has(keyOf('policy', p.name))) tags[UNVERIFIED_TAG] = 'true';
      const res = new IamPolicy(this, p.id, {
        name: p.awsName,
        path: model.path,
        // Stable on purpose: description and path force replacement of an IAM policy (and of its
        // attachments), so the suites that verified it live in a tag, which updates in place.
        description: escapeTerraform(sanitizeDescription(`Managed by iamspec: scenario policy "${p.name}"`)),
        policy: value,
        tags: escapeTags(tags),
      });
      policies.set(p.name, { arn: res.arn, id: p.id });
      policyArns[escapeTerraform(p.name)] = res.arn;
      this.documents.set(p.id, { type: 'aws_iam_policy', attribute: 'policy', value, json: p.json });
    }

    const groupArns: Record<string, string> = {};
    for (const g of model.groups) {
      const unverifiedGroup = unverified.has(keyOf('group', g.name));
      // IAM groups take no tags: an unverified group is marked by its path instead.
      const group = new IamGroup(this, g.id, { name: g.awsName, path: unverifiedGroup ? `${model.path}unverified/` : model.path });
      groupArns[escapeTerraform(g.name)] = group.arn;
      for (const name of g.policies) {
        const policy = policies.get(name);
        if (!policy) throw new Error(`group "${g.name}" attaches policy "${name}", which the model does not deploy`);
        new IamGroupPolicyAttachment(this, attachmentId(g.id, policy.id), {
          group: group.name,
          policyArn: policy.arn,
        });
      }
    }

    const orgIds: Record<string, string> = {};
    for (const p of model.orgPolicies) {
      const value = escapeTerraform(p.json);
      const kind = p.type === 'SERVICE_CONTROL_POLICY' ? 'scp' : 'rcp';
      const tags: Record<string, string> = { [SUITES_TAG]: suitesTag(p.suites) };
      if (unverified.has(keyOf(kind, p.name))) tags[UNVERIFIED_TAG] = 'true';
      const res = new OrganizationsPolicy(this, p.id, {
        name: p.awsName,
        type: p.type,
        description: escapeTerraform(p.description),
        content: value,
        tags: escapeTags(tags),
      });
      orgIds[escapeTerraform(`${kind}:${p.name}`)] = res.id;
      this.documents.set(p.id, { type: 'aws_organizations_policy', attribute: 'content', value, json: p.json });
    }

    new TerraformOutput(this, 'iamspec_policies', {
      description: 'IAM policy ARNs by suite policy name',
      value: policyArns,
    });
    new TerraformOutput(this, 'iamspec_groups', {
      description: 'IAM group ARNs by suite group name',
      value: groupArns,
    });
    if (model.orgPolicies.length) {
      new TerraformOutput(this, 'iamspec_org_policies', {
        description: 'Organizations policy ids by kind:name (created unattached)',
        value: orgIds,
      });
    }
    new TerraformOutput(this, 'iamspec_unverified', {
      description: 'Deployed WITHOUT passing the verification gate (IAMSPEC_ALLOW_UNVERIFIED); empty when everything is verified',
      value: gate.unverified.map((e) => escapeTerraform(e.key)),
    });
    new TerraformOutput(this, 'iamspec_gate', {
      description: 'The verification gate at synthesis',
      value: {
        cases_total: gate.cases.total,
        cases_passed: gate.cases.passed,
        verified: gate.entries.filter((e) => e.status === 'verified').map((e) => escapeTerraform(e.key)),
      },
    });
  }
}

function escapeTags(tags: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) out[escapeTerraform(k)] = escapeTerraform(v);
  return out;
}
