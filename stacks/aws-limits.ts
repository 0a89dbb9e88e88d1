// What IAM and AWS Organizations refuse when the stack creates something, checked on the deploy
// model before synthesis, so `terraform apply` never fails halfway on a document the suites
// verified but AWS will not take. The gate (stacks/gate.ts) refuses every deployable listed here;
// the escape hatch IAMSPEC_ALLOW_UNVERIFIED cannot open it (AWS would refuse all the same).
// Checked where cheap and documented; the policy validator (src/policy) already refuses at load
// time what AWS refuses in every policy type (characters outside TAB/LF/CR/U+0020–U+00FF, SCPs
// and RCPs without "Version": "2012-10-17", …).

import type { DeployModel } from './model.ts';

/** IAM managed policies: 6,144 characters, whitespace not counted (spec §8.1). */
export const IAM_POLICY_MAX = 6144;
/** SCPs and RCPs: 5,120 characters as stored (spec §8.1; the stack sends compact JSON). */
export const ORG_POLICY_MAX = 5120;
/** Managed policies attached to one IAM group (IAM quotas; not adjustable, unlike users' and roles'). */
export const GROUP_POLICIES_MAX = 10;

/** IAM's measure of a managed policy's size: its characters other than whitespace. */
function nonWhitespaceLength(json: string): number {
  return json.replace(/\s/g, '').length;
}

/** Per deployable key (`policy:name`, `group:name`, `scp:name`, `rcp:name`), why AWS would refuse to create it. */
export function awsRejections(model: DeployModel): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const reject = (key: string, why: string) => {
    const list = out.get(key);
    if (list) list.push(why);
    else out.set(key, [why]);
  };
  for (const p of model.policies) {
    if (p.awsManaged !== undefined) continue; // attached by ARN, never created
    const version = (p.document as { Version?: unknown } | null)?.Version;
    // CreatePolicy answers MalformedPolicyDocument "Policy document must be version 2012-10-17 or
    // greater" (the console: "A managed policy must have a version string"); spec §2.1 [SECONDARY].
    if (version !== '2012-10-17') {
      reject(
        `policy:${p.name}`,
        version === undefined
          ? 'no "Version": IAM refuses to create a managed policy without "Version": "2012-10-17" (MalformedPolicyDocument)'
          : `"Version": ${JSON.stringify(version)}: IAM creates managed policies only with "Version": "2012-10-17" (MalformedPolicyDocument)`,
      );
    }
    const size = nonWhitespaceLength(p.json);
    if (size > IAM_POLICY_MAX) {
      reject(`policy:${p.name}`, `${size} characters (whitespace not counted), over IAM's managed-policy limit of ${IAM_POLICY_MAX} (LimitExceeded)`);
    }
  }
  for (const g of model.groups) {
    if (g.policies.length > GROUP_POLICIES_MAX) {
      reject(`group:${g.name}`, `${g.policies.length} managed policies attached, over IAM's limit of ${GROUP_POLICIES_MAX} per group (LimitExceeded)`);
    }
  }
  for (const p of model.orgPolicies) {
    if (p.json.length > ORG_POLICY_MAX) {
      reject(`${p.type === 'SERVICE_CONTROL_POLICY' ? 'scp' : 'rcp'}:${p.name}`, `${p.json.length} characters, over AWS Organizations' limit of ${ORG_POLICY_MAX}`);
    }
  }
  return out;
}
