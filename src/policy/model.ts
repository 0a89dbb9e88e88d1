// The typed IAM policy model. Every element keeps where it came from (1-based line and column in
// the text it was read from: a policy JSON file, or the YAML suite that held an inline policy), so
// findings, explanations and the simulator's MatchedStatements can all point at source.

export type PolicyType = 'identity' | 'resource' | 'boundary' | 'session' | 'scp' | 'rcp' | 'trust' | 'endpoint';

export const POLICY_TYPES: readonly PolicyType[] = [
  'identity',
  'resource',
  'boundary',
  'session',
  'scp',
  'rcp',
  'trust',
  'endpoint',
];

export interface Position {
  line: number; // 1-based
  column: number; // 1-based
}

export interface Span {
  start: Position;
  end: Position;
}

export interface Located<T> {
  value: T;
  span: Span;
}

// ---- a JSON value with positions: what both the JSON reader and the YAML loader produce ----

export type JsonNode =
  | { kind: 'object'; entries: JsonEntry[]; span: Span }
  | { kind: 'array'; items: JsonNode[]; span: Span }
  | { kind: 'string'; value: string; span: Span }
  | { kind: 'number'; value: number; raw: string; span: Span }
  | { kind: 'boolean'; value: boolean; span: Span }
  | { kind: 'null'; span: Span };

export interface JsonEntry {
  key: string;
  keySpan: Span;
  value: JsonNode;
}

// ---- the policy ----

export type Effect = 'Allow' | 'Deny';

export type PrincipalKey = 'AWS' | 'Service' | 'Federated' | 'CanonicalUser';

export interface PrincipalValue {
  key: PrincipalKey;
  value: Located<string>;
}

/** `"Principal": "*"` is `wildcard`; `{"AWS": [...], "Service": ...}` is `map`. */
export type PrincipalElement =
  | { kind: 'wildcard'; span: Span }
  | { kind: 'map'; values: PrincipalValue[]; span: Span };

/** One `operator → key → values` triple of a Condition block. */
export interface ConditionEntry {
  operator: Located<string>; // as written, e.g. "ForAnyValue:StringLikeIfExists"
  key: Located<string>; // as written; compare lower-cased
  values: Located<string>[]; // JSON numbers and booleans normalised to their text (spec §2.1)
}

export interface Statement {
  index: number; // position in the Statement array, from 0
  sid?: Located<string>;
  effect: Located<Effect>;
  action?: Located<string>[];
  notAction?: Located<string>[];
  resource?: Located<string>[];
  notResource?: Located<string>[];
  principal?: PrincipalElement;
  notPrincipal?: PrincipalElement;
  condition: ConditionEntry[];
  span: Span;
}

export interface Policy {
  name: string;
  type: PolicyType;
  version?: Located<string>;
  id?: Located<string>;
  statements: Statement[];
  /** The file the positions refer to (policy JSON or the suite YAML), when known. */
  file?: string;
}

// ---- findings ----

export type Severity = 'error' | 'warning' | 'suggestion';

export interface Finding {
  /** Stable identifier, named after Access Analyzer's check where one exists (spec §8.2). */
  code: string;
  severity: Severity;
  message: string;
  position: Position;
  /** JSON-pointer-like path into the document, e.g. `/Statement/2/Condition/Bool`. */
  path: string;
  file?: string;
  policy?: string;
  /** Lint only: the disable entry that silenced this finding (where it is written, and why). */
  suppressed?: { by: string; reason?: string };
}
