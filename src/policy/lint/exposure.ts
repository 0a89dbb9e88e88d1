// Statements that grant more than they seem to: Allow with NotAction / NotResource (everything
// not listed, in every service), a resource policy open to Principal "*" without a condition
// that narrows who, and a permissions boundary or session policy with no Allow (a ceiling that
// allows nothing, spec §1.1).

import type { Policy, Statement } from '../model.ts';
import { parseOperator } from '../operators.ts';
import { pointer, type FindingList } from '../validate/findings.ts';

export function allowWithNot(st: Statement, out: FindingList): void {
  if (st.effect.value !== 'Allow') return;
  if (st.notAction?.[0]) {
    out.add(
      'Allow with NotAction',
      'warning',
      'Allow with NotAction grants every action of every service except those listed (spec §3.1), including services added later: list the actions to allow in "Action" instead',
      st.notAction[0],
      pointer(st, 'NotAction', 0),
    );
  }
  if (st.notResource?.[0]) {
    out.add(
      'Allow with NotResource',
      'warning',
      'Allow with NotResource grants the actions on every resource except those listed, in every account (spec §3.2): list the resources to allow in "Resource" instead',
      st.notResource[0],
      pointer(st, 'NotResource', 0),
    );
  }
}

/** Global keys that narrow who or where a request comes from (Access Analyzer's public-access reading). */
const NARROWING = new Set(
  [
    'aws:PrincipalAccount', 'aws:PrincipalArn', 'aws:PrincipalOrgID', 'aws:PrincipalOrgPaths', 'aws:PrincipalServiceName',
    'aws:PrincipalServiceNamesList', 'aws:SourceAccount', 'aws:SourceArn', 'aws:SourceOrgID', 'aws:SourceOrgPaths',
    'aws:SourceOwner', 'aws:SourceIp', 'aws:SourceVpc', 'aws:SourceVpce', 'aws:userid', 'aws:username',
    'aws:VpceAccount', 'aws:VpceOrgID', 'aws:VpceOrgPaths',
  ].map((k) => k.toLowerCase()),
);

function everyone(st: Statement): boolean {
  const p = st.principal;
  if (!p) return false;
  return p.kind === 'wildcard' || p.values.some((v) => v.key === 'AWS' && v.value.value === '*');
}

function narrowed(st: Statement): boolean {
  return st.condition.some((c) => {
    const key = c.key.value.toLowerCase();
    const op = parseOperator(c.operator.value);
    // A negated or IfExists test, or a bare "*", still lets strangers in.
    return (
      (NARROWING.has(key) || key.slice(0, key.indexOf(':')).includes('.')) && // or an identity provider's claim
      !!op &&
      !op.base.negated &&
      !op.ifExists &&
      op.base.family !== 'Null' &&
      c.values.some((v) => v.value !== '*')
    );
  });
}

export function publicAccess(policy: Policy, st: Statement, out: FindingList): void {
  if ((policy.type !== 'resource' && policy.type !== 'trust') || st.effect.value !== 'Allow' || !everyone(st) || narrowed(st)) return;
  out.add(
    'Public access',
    'warning',
    'Principal "*" with no condition on who calls (aws:PrincipalOrgID, aws:PrincipalAccount, aws:SourceArn, aws:SourceVpce, …) lets anyone, in any account or none, make these requests: name the principals or add such a condition',
    st.principal!.span.start,
    `/Statement/${st.index}/Principal`,
  );
}

export function ceilingAllowsNothing(policy: Policy, out: FindingList): void {
  if (policy.type !== 'boundary' && policy.type !== 'session') return;
  if (policy.statements.some((s) => s.effect.value === 'Allow')) return;
  const first = policy.statements[0];
  if (!first) return;
  out.add(
    'Ceiling allows nothing',
    'warning',
    `used as a ${policy.type === 'boundary' ? 'permissions boundary' : 'session policy'}, a policy is a ceiling that must also allow (spec §1.1): with only Deny statements it allows nothing, so every request is denied; add an Allow for what the ${policy.type === 'boundary' ? 'boundary' : 'session'} permits`,
    first.span.start,
    `/Statement/${first.index}`,
  );
}
