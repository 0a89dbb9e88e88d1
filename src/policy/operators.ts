// The condition operator table (spec §4.4–§4.13). Shared by the validator (which rejects unknown
// operators and variables where they are not allowed) and the engine (which compiles them).

export type OperatorFamily = 'String' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'Ip' | 'Arn' | 'Null';

export interface BaseOperator {
  name: string; // canonical spelling
  family: OperatorFamily;
  negated: boolean; // NOR over values; true on an absent key (spec §4.1, §4.2)
  wildcards: boolean; // `*` and `?` are globs
  variables: boolean; // `${…}` substituted in values (spec §4.13)
  ignoreCase?: boolean;
}

const table: BaseOperator[] = [
  { name: 'StringEquals', family: 'String', negated: false, wildcards: false, variables: true },
  { name: 'StringNotEquals', family: 'String', negated: true, wildcards: false, variables: true },
  {
    name: 'StringEqualsIgnoreCase',
    family: 'String',
    negated: false,
    wildcards: false,
    variables: true,
    ignoreCase: true,
  },
  {
    name: 'StringNotEqualsIgnoreCase',
    family: 'String',
    negated: true,
    wildcards: false,
    variables: true,
    ignoreCase: true,
  },
  { name: 'StringLike', family: 'String', negated: false, wildcards: true, variables: true },
  { name: 'StringNotLike', family: 'String', negated: true, wildcards: true, variables: true },
  { name: 'NumericEquals', family: 'Numeric', negated: false, wildcards: false, variables: false },
  { name: 'NumericNotEquals', family: 'Numeric', negated: true, wildcards: false, variables: false },
  { name: 'NumericLessThan', family: 'Numeric', negated: false, wildcards: false, variables: false },
  { name: 'NumericLessThanEquals', family: 'Numeric', negated: false, wildcards: false, variables: false },
  { name: 'NumericGreaterThan', family: 'Numeric', negated: false, wildcards: false, variables: false },
  { name: 'NumericGreaterThanEquals', family: 'Numeric', negated: false, wildcards: false, variables: false },
  { name: 'DateEquals', family: 'Date', negated: false, wildcards: false, variables: false },
  { name: 'DateNotEquals', family: 'Date', negated: true, wildcards: false, variables: false },
  { name: 'DateLessThan', family: 'Date', negated: false, wildcards: false, variables: false },
  { name: 'DateLessThanEquals', family: 'Date', negated: false, wildcards: false, variables: false },
  { name: 'DateGreaterThan', family: 'Date', negated: false, wildcards: false, variables: false },
  { name: 'DateGreaterThanEquals', family: 'Date', negated: false, wildcards: false, variables: false },
  // Bool and variables: the AWS pages disagree (spec §4.8, [DOC-CONFLICT]); we follow the
  // variables page and Access Analyzer: no variables.
  { name: 'Bool', family: 'Bool', negated: false, wildcards: false, variables: false },
  { name: 'BinaryEquals', family: 'Binary', negated: false, wildcards: false, variables: false },
  { name: 'IpAddress', family: 'Ip', negated: false, wildcards: false, variables: false },
  { name: 'NotIpAddress', family: 'Ip', negated: true, wildcards: false, variables: false },
  { name: 'ArnEquals', family: 'Arn', negated: false, wildcards: true, variables: true },
  { name: 'ArnLike', family: 'Arn', negated: false, wildcards: true, variables: true },
  { name: 'ArnNotEquals', family: 'Arn', negated: true, wildcards: true, variables: true },
  { name: 'ArnNotLike', family: 'Arn', negated: true, wildcards: true, variables: true },
  { name: 'Null', family: 'Null', negated: false, wildcards: false, variables: false },
];

const byLower = new Map(table.map((op) => [op.name.toLowerCase(), op]));

export const BASE_OPERATORS: readonly BaseOperator[] = table;

export type SetQualifier = 'ForAllValues' | 'ForAnyValue';

export interface ParsedOperator {
  base: BaseOperator;
  qualifier: SetQualifier | null;
  ifExists: boolean;
  /** Canonical spelling, e.g. `ForAnyValue:StringLikeIfExists`. */
  canonical: string;
  /** The operator was written in a different case than the canonical one. */
  caseDiffers: boolean;
}

/**
 * Parses `[ForAllValues:|ForAnyValue:]Base[IfExists]`. Returns undefined for anything unknown
 * (callers must report it: an unknown operator is an error, never a silent no-match).
 * Operator-name case is [UNDOCUMENTED] (spec §4.1); we accept any case and report `caseDiffers`.
 */
export function parseOperator(written: string): ParsedOperator | undefined {
  let rest = written;
  let qualifier: SetQualifier | null = null;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const q = rest.slice(0, colon).toLowerCase();
    if (q === 'forallvalues') qualifier = 'ForAllValues';
    else if (q === 'foranyvalue') qualifier = 'ForAnyValue';
    else return undefined;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  let base = byLower.get(rest.toLowerCase());
  if (!base && rest.toLowerCase().endsWith('ifexists')) {
    base = byLower.get(rest.slice(0, -'ifexists'.length).toLowerCase());
    ifExists = true;
  }
  if (!base) return undefined;
  const canonical = `${qualifier ? qualifier + ':' : ''}${base.name}${ifExists ? 'IfExists' : ''}`;
  return { base, qualifier, ifExists, canonical, caseDiffers: canonical !== written };
}
