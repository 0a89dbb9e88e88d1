// Terraform escaping for the policy documents the stack deploys.
//
// Every string in a Terraform configuration (HCL or the JSON syntax of cdk.tf.json) is a template:
// `${…}` interpolates and `%{…}` is a directive. IAM policy variables (`${aws:username}`,
// `${aws:PrincipalTag/team, 'default'}`) use the same `${` opener, so a document written as-is
// would either fail to parse or be rewritten by Terraform. The template language's own escapes are
// `$${` → literal `${` and `%%{` → literal `%{`; nothing else is special (a lone `$` or `%`, `$$`
// not followed by `{`, backslashes, quotes and non-ASCII text are literal once the JSON layer has
// been decoded). So escaping is: every `${` becomes `$${`, every `%{` becomes `%%{`.
//
// String.prototype.replace would read `$$` in a replacement string as one `$` (the replacement
// pattern trap), so this uses split/join, which takes the replacement literally. The round trip
// through a real `terraform apply` is tested in test/stacks/escape.test.ts.
//
// CDKTF itself (0.21) passes strings through unchanged: it neither escapes `${` nor interprets it,
// EXCEPT for its own token marker `${TfToken[KEY]}` (KEY of [a-zA-Z0-9:._-]), which it replaces by
// the token's value (or throws "Unrecognized Token Key"), even behind `$$`. A document containing
// that marker cannot reach Terraform intact, so the deploy model refuses it (`cdktfTokenIndex`,
// stacks/model.ts), and the synthesis re-reads cdk.tf.json to check every document byte for byte
// (stacks/main.ts).

import { compactJson } from '../src/policy/json.ts';

/** `${` → `$${` and `%{` → `%%{`: the string Terraform turns back into `s`. */
export function escapeTerraform(s: string): string {
  return s.split('${').join('$${').split('%{').join('%%{');
}

/** The inverse of escapeTerraform, for strings it produced (tests and the post-synth check). */
export function unescapeTerraform(s: string): string {
  return s.split('$${').join('${').split('%%{').join('%{');
}

/** CDKTF's string-token marker prefix (cdktf/lib/tokens/private/encoding.js). */
export const CDKTF_TOKEN_MARKER = '${TfToken[';

/** Where a string contains something CDKTF would take for one of its tokens, or -1. */
export function cdktfTokenIndex(s: string): number {
  return s.indexOf(CDKTF_TOKEN_MARKER);
}

/**
 * The exact JSON text deployed for a verified policy: its text (what the suites evaluated), compact
 * because SCP size limits count whitespace, every number and key as written (re-printing the
 * parsed document would turn 9007199254740993 into 9007199254740992 and 1e3 into 1000).
 */
export function documentJson(verifiedText: string): string {
  return compactJson(verifiedText);
}
