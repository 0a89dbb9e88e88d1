// Policy validation (spec §2.3 checklist and the catalog-free checks of §8.2), run on the JsonNode
// so it sees duplicate keys and exact positions. Codes are Access Analyzer's check names where one
// exists; the few that are ours are listed in OUR_CODES. Validation never throws and never
// recurses deeper than the fixed policy structure (policy → statement → condition → key → values).
//
// Choices where the spec leaves room (each also commented where it is made):
// - A repeated element or duplicate JSON key is an error: readers keep only one copy (§2.1).
// - Type-specific element codes follow Access Analyzer: 'Unsupported principal' (identity,
//   boundary, session), 'SCP syntax error principal', 'Role trust policy syntax error resource /
//   notprincipal'; for RCPs we use the same pattern ('RCP syntax error allow / notprincipal').
// - Empty arrays/objects are suggestions, as in Access Analyzer (§8.2), even for required elements.
// - Under Version 2008-10-17 or without Version, `${…}` is literal text (§2.1, §5): we emit one
//   'Variable unsupported in version' warning per value and skip the template checks.
// - Variables before the fifth colon of a Resource ARN are an error, including the account
//   component (§3.2, §5), whatever the account rules would otherwise accept.
// - Value type checks (Bool, Numeric, Date, IP, Binary, Arn) are warnings: a wrong value never
//   matches but is not rejected by IAM (§4.12). Mixed JSON types and multiple Bool values are errors.
// - 'Wildcard without like operator' applies to all four non-Like String operators (§4.4).
// - Sizes count characters outside whitespace that lies outside strings (§8.1), or the compact
//   serialisation when there is no source text (YAML, objects).
//
// One module per rule family: structure (policy, statements, Sid, Effect), actions, arns
// (Resource), principals, conditions and condition-values, variables, size, per-type rules and the
// endpoint-only rules. They share one Checker (checker.ts) and report the one Finding type of
// ../model.ts.

import { byPosition } from '../json.ts';
import type { Finding, JsonNode } from '../model.ts';
import { Checker, type ValidateOptions } from './checker.ts';
import { endpointFindings } from './endpoint.ts';
import { checkPolicy } from './structure.ts';

export type { ValidateOptions } from './checker.ts';

/** Codes that Access Analyzer does not have (so no one goes looking for them in its docs). */
export const OUR_CODES = [
  'Invalid character',
  'Repeated element',
  'Unsupported Id',
  'Invalid ARN service',
  'Condition operator case',
  'Deny with NotPrincipal',
  'RCP syntax error allow',
  'RCP syntax error notprincipal',
  'RCP syntax error principal',
  'Type mismatch binary',
  'Type mismatch ARN',
  'Invalid policy type',
  'Policy size exceeds session policy quota',
  'Policy size exceeds RCP quota',
  'Policy size exceeds API limit',
  'Policy size exceeds VPC endpoint policy quota',
  'Endpoint policy account wildcard',
  'Endpoint policy numeric operator on system identifier',
  'Endpoint policy wildcard on system identifier',
  'Endpoint policy short wildcard',
] as const;

/**
 * The validator's warnings and suggestions: the grammar findings a lint `disable` entry may name
 * (its errors make a policy unusable, so they cannot be disabled).
 */
export const NOTICE_CODES = [
  'Condition operator case',
  'Deny with NotPrincipal',
  'Empty Sid value',
  'Empty array action',
  'Empty array condition',
  'Empty array principal',
  'Empty array resource',
  'Empty object condition',
  'Empty object principal',
  'Invalid date value',
  'Invalid service principal format',
  'Missing ARN field',
  'Missing version',
  'Null with qualifier',
  'Policy size exceeds identity policy quota',
  'Policy size exceeds resource policy quota',
  'Policy size exceeds role trust policy quota',
  'Policy size exceeds session policy quota',
  'Type mismatch ARN',
  'Type mismatch Boolean',
  'Type mismatch IP range',
  'Type mismatch binary',
  'Type mismatch date',
  'Type mismatch number',
  'Unique Sids recommended',
  'Unsupported Id',
  'Variable unsupported in version',
  'Wildcard in service name',
  'Wildcard without like operator',
] as const;

/** Validates a policy document. Findings are sorted by position. Never throws. */
export function validatePolicy(root: JsonNode, opts: ValidateOptions): Finding[] {
  const c = new Checker(opts);
  checkPolicy(c, root);
  const findings = opts.type === 'endpoint' ? [...c.findings, ...endpointFindings(root)] : c.findings;
  if (opts.name !== undefined || opts.file !== undefined) {
    for (const f of findings) {
      if (opts.name !== undefined) f.policy = opts.name;
      if (opts.file !== undefined) f.file = opts.file;
    }
  }
  return findings.sort(byPosition);
}
