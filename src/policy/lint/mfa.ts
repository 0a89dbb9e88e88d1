// Rules from the MFA incidents of the seed documents (spec §6.1): a Deny meant to force MFA that
// long-term access keys slip past (Bool instead of BoolIfExists), that locks new users out of
// enrolling MFA or setting their password, that is scoped to the caller's own user ARN and so
// blocks nothing else, or that reads aws:MultiFactorAuthAge the wrong way round.

import { globMatch } from '../../engine/glob.ts';
import type { ConditionEntry, Statement } from '../model.ts';
import { parseOperator } from '../operators.ts';
import { pointer, type FindingList } from '../validate/findings.ts';

const MFA_PRESENT = 'aws:multifactorauthpresent';
const MFA_AGE = 'aws:multifactorauthage';

/** What a user without MFA must still be able to do: enroll a virtual MFA device, set a password. */
const SELF_SERVICE = ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices', 'iam:ChangePassword'];

function entries(st: Statement, key: string): ConditionEntry[] {
  return st.condition.filter((c) => c.key.value.toLowerCase() === key);
}

/** A condition that holds for requests without MFA: Bool[IfExists] …Present "false", or Null …Present "true". */
function mfaAbsent(st: Statement): ConditionEntry | undefined {
  return entries(st, MFA_PRESENT).find((c) => {
    const op = parseOperator(c.operator.value);
    if (!op || op.qualifier) return false;
    const v = c.values.map((x) => x.value.toLowerCase());
    return (op.base.name === 'Bool' && v.includes('false')) || (op.base.name === 'Null' && v.includes('true'));
  });
}

export function mfaDenyWithBool(st: Statement, out: FindingList): void {
  if (st.effect.value !== 'Deny') return;
  for (const c of entries(st, MFA_PRESENT)) {
    const op = parseOperator(c.operator.value);
    if (op?.canonical !== 'Bool' || !c.values.some((v) => v.value.toLowerCase() === 'false')) continue;
    out.add(
      'MFA Deny with Bool',
      'warning',
      'requests signed with long-term access keys carry no aws:MultiFactorAuthPresent, so Bool is false for them and this Deny never applies to CLI and SDK calls (spec §6.1): use "BoolIfExists" (or add "Null": {"aws:MultiFactorAuthPresent": "true"} in a second Deny)',
      c.operator,
      `/Statement/${st.index}/Condition/Bool`,
    );
  }
}

/** True when the Deny's Action / NotAction covers `action`. */
function covers(st: Statement, action: string): boolean {
  if (st.action) return st.action.some((a) => globMatch(a.value, action, true));
  return !(st.notAction ?? []).some((a) => globMatch(a.value, action, true));
}

/** True when the statement's resources can include the caller's own IAM user or MFA device. */
function coversOwnUser(st: Statement): boolean {
  if (!st.resource) return !(st.notResource ?? []).some((r) => r.value === '*');
  return st.resource.some((r) => r.value === '*' || /^arn:[^:]*:iam:/.test(r.value));
}

export function mfaDenyLocksOut(st: Statement, out: FindingList): void {
  if (st.effect.value !== 'Deny' || !mfaAbsent(st) || !coversOwnUser(st)) return;
  const blocked = SELF_SERVICE.filter((a) => covers(st, a));
  if (blocked.length === 0) return;
  const element = st.notAction ? 'NotAction' : 'Action';
  const at = (st.notAction ?? st.action)![0]!;
  const cannot = [
    blocked.includes('iam:ChangePassword') ? 'change the password IAM makes them set at first sign-in' : '',
    blocked.some((a) => a !== 'iam:ChangePassword') ? 'enroll an MFA device' : '',
  ].filter(Boolean);
  const them = blocked.length === 1 ? 'it' : 'them';
  out.add(
    'MFA Deny locks out',
    'warning',
    `without MFA this Deny also blocks ${blocked.join(', ')}: a user with no MFA device yet cannot ${cannot.join(' or ')}, and is locked out: ${st.notAction ? `add ${them} to NotAction` : `remove ${them} from Action`} (and allow ${them} on the user's own ARN)`,
    at,
    pointer(st, element, 0),
  );
}

export function mfaAgeDenyInverted(st: Statement, out: FindingList): void {
  if (st.effect.value !== 'Deny') return;
  for (const c of entries(st, MFA_AGE)) {
    const op = parseOperator(c.operator.value);
    if (!op || (op.base.name !== 'NumericLessThan' && op.base.name !== 'NumericLessThanEquals')) continue;
    out.add(
      'MFA age Deny inverted',
      'warning',
      `in a Deny, ${op.base.name} on aws:MultiFactorAuthAge denies the sessions whose MFA is recent and lets older ones through (and never applies to long-term keys, which have no age): to deny sessions older than ${c.values[0]?.value ?? 'N'} seconds use "NumericGreaterThan", or put ${op.base.name} in the Allow`,
      c.operator,
      `/Statement/${st.index}/Condition/${op.canonical}`,
    );
  }
}

const OWN_IAM = /^arn:[^:]+:iam::[^:]*:(user|mfa)\//;

export function denyScopedToOwnUser(st: Statement, out: FindingList): void {
  if (st.effect.value !== 'Deny' || !st.resource || st.resource.length === 0) return;
  if (!st.resource.every((r) => OWN_IAM.test(r.value))) return;
  // Only a Deny meant to reach beyond IAM: NotAction, or an action of another service.
  const beyondIam = !!st.notAction || (st.action ?? []).some((a) => !a.value.toLowerCase().startsWith('iam:'));
  if (!beyondIam) return;
  out.add(
    'Deny scoped to own user',
    'warning',
    'this Deny applies only to requests on IAM user and MFA-device ARNs, so S3, EC2 and every other resource stay reachable whatever its condition says: use "Resource": "*" to block the other services too',
    st.resource[0]!,
    pointer(st, 'Resource', 0),
  );
}
