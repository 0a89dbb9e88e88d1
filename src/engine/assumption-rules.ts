// Every reading iamspec takes where AWS documents nothing, contradicts itself, or is known only from
// secondary sources (the spec's [UNDOCUMENTED], [DOC-CONFLICT], [SECONDARY]), plus the modelling
// choices listed beside them in README "Known differences / assumptions". One row per rule, by id;
// the README lists the same ids (a test keeps the two in step).
//
// `recorded` rules are choices made while deciding: src/engine/assumptions.ts checks, for each
// decision, whether the outcome would differ under `alternative`, and lists the rule's id on the
// result when it would. The others are validation or modelling choices with no per-decision effect.

export type AssumptionStatus = 'UNDOCUMENTED' | 'DOC-CONFLICT' | 'SECONDARY' | 'DOC' | 'MODEL';

export interface AssumptionRule {
  /** Spec section(s). */
  section: string;
  status: AssumptionStatus;
  /** What iamspec does. */
  reading: string;
  /** The other reading a decision is checked against (recorded rules). */
  alternative?: string;
  recorded: boolean;
}

function rule(section: string, status: AssumptionStatus, reading: string, alternative?: string): AssumptionRule {
  return alternative === undefined ? { section, status, reading, recorded: false } : { section, status, reading, alternative, recorded: true };
}

export const ASSUMPTION_RULES = {
  // ---- decision flow
  'refusal-decision-word': rule(
    '§1.9',
    'UNDOCUMENTED',
    'a request AWS refuses whatever the policies say is reported as explicitDeny',
    'the policies decide (what the simulator answers)',
  ),
  'rbp-account-delegates': rule(
    '§1.3',
    'SECONDARY',
    'a same-account resource policy naming the account delegates: an identity policy must allow too',
    'naming the account grants like naming the caller (within its boundary and session policy)',
  ),
  'rbp-session-arn-boundary': rule(
    '§1.3',
    'UNDOCUMENTED',
    'a same-account resource-policy grant naming the role-session or federated-user ARN is not limited by the permissions boundary',
    'the permissions boundary must allow it (AWS states the exemption for session policies only)',
  ),
  'notprincipal-every-link': rule(
    '§2.2',
    'UNDOCUMENTED',
    'NotPrincipal + Deny excludes a caller only when every link is listed: the account and the user (or federated user); the account and the role for a role session; the account for the root user',
    'listing the caller itself (user, role or session ARN, unique id) is enough',
  ),
  'federated-session-without-policy': rule(
    '§1.1 step 8',
    'DOC-CONFLICT',
    'a federated-user session created without a session policy has no permissions (the STS reference)',
    'a default session policy allows (the 2025 rewrite of the evaluation page)',
  ),
  'anonymous-rcp': rule('§1.4', 'SECONDARY', 'anonymous callers are subject to RCPs', 'RCPs do not apply to anonymous callers'),
  'boundary-without-allow': rule(
    '§7.5, §11 E6a',
    'DOC-CONFLICT',
    'a permissions boundary without a matching Allow denies, also one that holds only Deny statements',
    "a boundary without any Allow statement does not restrict (AWS's SimulateCustomPolicy sample)",
  ),
  'vpce-account-principal': rule(
    '§1.8',
    'UNDOCUMENTED',
    'an endpoint-policy Principal naming an account matches every principal of that account',
    'it matches the root user only (documented for gateway endpoints)',
  ),
  'vpce-every-service': rule('§1.8', 'MODEL', 'a VPC endpoint policy applies to every action of a request through the endpoint; AWS ignores it for services without endpoint-policy support, which iamspec does not check'),
  'root-identity-allowed': rule('§1.1 step 1', 'DOC', 'the root user is identity-allowed for everything, also cross-account (the resource side must still allow); explicit denies, SCPs and RCPs apply'),
  'scp-every-level': rule('§1.1 step 4, §1.5', 'DOC', 'SCPs need an Allow at every level (FullAWSAccess is not implied); they never restrict the management account, service-linked roles, anonymous callers or service principals'),
  'rcp-full-access-implied': rule('§1.1 step 3, §1.5', 'DOC', 'RCPFullAWSAccess is implied at every level (only RCP denies restrict); RCPs apply to the services the IAM catalog lists as RCP-supported, never to service-linked roles or kms:RetireGrant'),
  'resource-policy-declared': rule('§1.2', 'MODEL', 'KMS keys and sts:AssumeRole* on a role need their key/trust policy to allow; with none declared in the suite the decision is implicitDeny'),
  'no-federated-callers': rule('§2.2', 'MODEL', 'Federated and CanonicalUser principal values never match: no such request principals are modelled'),
  'synthetic-unique-id': rule('§5', 'MODEL', 'aws:userid uses the given uniqueId or a stable synthetic AIDA…/AROA… id'),
  'anonymous-principal-keys': rule(
    '§5',
    'UNDOCUMENTED',
    'anonymous callers get aws:PrincipalAccount = aws:userid = "anonymous"',
    'the keys are absent for anonymous callers',
  ),
  // ---- matching
  'arn-prefix-case': rule(
    '§3.2',
    'SECONDARY',
    'the partition, service, region and account components of ARNs are compared case-sensitively',
    'they are compared case-insensitively (iam-simulate)',
  ),
  'short-arn-trailing-star': rule(
    '§3.2, §10',
    'DOC-CONFLICT',
    'in a policy ARN with fewer than six components whose last component ends with *, that * spans the rest of the ARN',
    'a wildcard stays within its component, so the short ARN matches nothing',
  ),
  'wildcard-only-resource': rule('§3.1', 'SECONDARY', 'a request resource * (no resource-level permissions) is matched only by Resource "*"', 'any Resource element applies to an action without resource types'),
  'notresource-unresolved-variable': rule(
    '§3.2, §5',
    'UNDOCUMENTED',
    'a NotResource entry whose policy variable has no value excludes nothing',
    'the whole statement is invalid and does not apply ("the entire statement might be invalid")',
  ),
  'substituted-values-literal': rule('§5', 'UNDOCUMENTED', 'substituted variable values (and ${*}, ${?}, ${$}) are literal, never wildcards', 'a * or ? in a substituted value is a wildcard'),
  // ---- conditions
  'operator-name-case': rule('§4.1', 'UNDOCUMENTED', 'operator names are accepted in any case, with a validation warning'),
  'plain-operator-multivalued': rule(
    '§4.3',
    'SECONDARY',
    'a plain (non-set) operator on a key holding several values is false, negated or not',
    'it is true when any value satisfies it (ForAnyValue)',
  ),
  'set-operator-single-valued': rule('§4.3', 'SECONDARY', 'a set operator on a single-valued key treats it as a one-element set (every reading known gives the same outcome)'),
  'empty-values-absent': rule('§4.2', 'UNDOCUMENTED', 'a key present with no values counts as absent', 'the key counts as present (with no value)'),
  'unreadable-request-value': rule(
    '§4.5, §4.12',
    'UNDOCUMENTED',
    'a request value that cannot be read for the operator (not a number, date, IP, ARN, boolean, base64) makes the entry false, for negated operators too',
    'under a negated operator an unreadable value equals no policy value, so the entry is true',
  ),
  'unreadable-policy-value': rule('§4.12', 'UNDOCUMENTED', 'a policy value that cannot be read never matches (under a negated operator it is "not equal"); the validator warns'),
  'string-operator-on-boolean': rule(
    '§4.12',
    'UNDOCUMENTED',
    'a String operator on a boolean key compares the text "true"/"false"',
    'a String operator never matches a boolean value (type mismatch)',
  ),
  'bool-case-insensitive': rule('§4.8', 'UNDOCUMENTED', 'Bool values are compared case-insensitively ("True" is true)', 'only "true" and "false" are booleans'),
  'bool-no-variables': rule('§4.8', 'DOC-CONFLICT', 'Bool takes no policy variables (a validation error, as Access Analyzer)'),
  'date-forms': rule(
    '§4.6',
    'UNDOCUMENTED',
    'date-only values are midnight UTC, a missing time zone is UTC, exactly four digits are a year',
    'four digits are epoch seconds; other incomplete dates cannot be read',
  ),
  'epoch-time-numeric': rule('§4.6', 'DOC', 'aws:EpochTime is typed as a date in context (the catalog type) and also works with Numeric operators'),
  'ignorecase-latin1': rule('§4.4', 'UNDOCUMENTED', 'IgnoreCase folds Latin-1 letters (À–Þ)', 'IgnoreCase folds ASCII letters only'),
  'numbers-exact-decimal': rule('§4.5', 'UNDOCUMENTED', 'numbers are compared as exact decimals, without exponents', 'numbers are IEEE doubles and may have exponents'),
  'ipv6-bare-128': rule('§4.10', 'UNDOCUMENTED', 'a bare IPv6 address in a policy means /128', 'a bare IPv6 address cannot be read (never matches)'),
  'ipv4-mapped-ipv6': rule('§4.10', 'UNDOCUMENTED', '::ffff:a.b.c.d is an IPv6 address, never inside an IPv4 range', 'it is the IPv4 address a.b.c.d'),
  // ---- validation
  'id-in-identity-policy': rule('§2.1', 'UNDOCUMENTED', 'Id in identity, boundary and session policies is a warning'),
  'allow-notprincipal-error': rule('§2.2, §8.2', 'DOC-CONFLICT', 'Allow with NotPrincipal is an error (Access Analyzer only warns)'),
  'rcp-principal-star': rule('§2.1', 'SECONDARY', 'an RCP Principal must be "*"'),
  'variables-resource-component': rule('§5', 'DOC', 'variables outside the resource component of an ARN are errors; ${…} without Version 2012-10-17 is literal text, with a warning'),
  'managed-policy-version': rule('§2.1, §8', 'SECONDARY', 'the deploy gate refuses to create a managed policy whose Version is not 2012-10-17 (missing or 2008-10-17)'),
} as const satisfies Record<string, AssumptionRule>;

export type AssumptionId = keyof typeof ASSUMPTION_RULES;

export const ASSUMPTION_IDS = Object.keys(ASSUMPTION_RULES) as AssumptionId[];
