// Leftovers: actions listed twice or already covered by a pattern in the same list, Terraform's
// `$${` escape pasted into IAM (a literal "$" followed by the variable: matches nothing real), and
// AWS's documentation account ids left in a policy.

import { globMatch } from '../../engine/glob.ts';
import type { Located, Policy, Statement } from '../model.ts';
import { pointer, type FindingList } from '../validate/findings.ts';
import { posIn } from '../validate/nodes.ts';
import { hasWildcard } from '../validate/text.ts';

export function redundantActions(st: Statement, out: FindingList): void {
  for (const [element, list] of [
    ['Action', st.action],
    ['NotAction', st.notAction],
  ] as const) {
    if (!list) continue;
    const patterns = list.filter((a) => hasWildcard(a.value));
    const seen = new Map<string, Located<string>>();
    list.forEach((a, k) => {
      const lower = a.value.toLowerCase();
      const twin = seen.get(lower);
      if (twin) {
        out.add('Redundant action', 'suggestion', `${a.value} is listed twice in ${element} (also at line ${twin.span.start.line}): remove one`, a, pointer(st, element, k));
        return;
      }
      seen.set(lower, a);
      if (hasWildcard(a.value)) return;
      const by = patterns.find((p) => globMatch(p.value, a.value, true));
      if (by) out.add('Redundant action', 'suggestion', `${a.value} is already matched by ${JSON.stringify(by.value)} in ${element}: remove it, or narrow the pattern`, a, pointer(st, element, k));
    });
  }
}

/** Every string of a statement a value could be written in, with its pointer. */
function strings(st: Statement): [Located<string>, string][] {
  const out: [Located<string>, string][] = [];
  for (const [element, list] of [
    ['Resource', st.resource],
    ['NotResource', st.notResource],
  ] as const) {
    list?.forEach((r, k) => out.push([r, pointer(st, element, k)]));
  }
  for (const p of [st.principal, st.notPrincipal]) {
    if (p?.kind === 'map') for (const v of p.values) out.push([v.value, `/Statement/${st.index}/Principal/${v.key}`]);
  }
  for (const c of st.condition) for (const v of c.values) out.push([v, `/Statement/${st.index}/Condition/${c.operator.value}/${c.key.value}`]);
  return out;
}

function at(l: Located<string>, offset: number) {
  return posIn({ kind: 'string', value: l.value, span: l.span }, l.value, offset);
}

export function terraformEscape(st: Statement, out: FindingList): void {
  for (const [l, path] of strings(st)) {
    const k = l.value.indexOf('$${');
    if (k < 0) continue;
    out.add(
      'Terraform escape',
      'error',
      `"$\${" is Terraform's escape for "\${": IAM reads a literal "$" followed by the variable, so this value matches nothing real: write "\${" in the policy IAM receives (keep "$\${" only in Terraform source)`,
      at(l, k),
      path,
    );
  }
}

/** Account ids of AWS's documentation and samples. */
const PLACEHOLDER_ACCOUNTS = new Set([
  '123456789012', '111122223333', '444455556666', '555555555555', '777788889999',
  '012345678901', '000000000000', '111111111111', '222222222222', '999999999999',
]);

export function placeholderAccounts(policy: Policy, out: FindingList): void {
  const reported = new Set<string>();
  for (const st of policy.statements) {
    for (const [l, path] of strings(st)) {
      for (const m of l.value.matchAll(/(?<!\d)\d{12}(?!\d)/g)) {
        const id = m[0];
        if (!PLACEHOLDER_ACCOUNTS.has(id) || reported.has(id)) continue;
        reported.add(id);
        out.add(
          'Placeholder account',
          'suggestion',
          `${id} is an account id from AWS's documentation: replace it with your account id before deploying (every later use in this policy is the same id)`,
          at(l, m.index!),
          path,
        );
      }
    }
  }
}
