// readPolicy: policy JSON text, a positioned JsonNode (from the YAML loader) or a plain JS value
// → validated, typed Policy. The model is built only from a document that validated without
// errors, so the builder can rely on the shapes the validator checked.

import { byPosition, checkNodeCharacters, parseJson } from './json.ts';
import type {
  ConditionEntry,
  Effect,
  Finding,
  JsonEntry,
  JsonNode,
  Located,
  Policy,
  PolicyType,
  PrincipalElement,
  PrincipalKey,
  PrincipalValue,
  Statement,
} from './model.ts';
import { catalogFindings } from './validate/catalog.ts';
import { validatePolicy } from './validate/index.ts';
import { scalarText } from './validate/nodes.ts';

export interface ReadOptions {
  name: string;
  type: PolicyType;
  /** The file positions refer to (policy JSON or the suite YAML that holds the policy). */
  file?: string;
  /** Also run the checks that need the IAM catalog (validate/catalog.ts); they load catalog data. */
  catalog?: boolean;
}

export interface ReadResult {
  /** Present only when no finding has severity 'error'. */
  policy?: Policy;
  /** Every finding (errors, warnings, suggestions), sorted by position. */
  findings: Finding[];
}

/** For a file given without a type: resource when a statement names a Principal, else identity. */
export function guessPolicyType(text: string): PolicyType {
  try {
    const doc = JSON.parse(text) as { Statement?: unknown };
    const st = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
    return st.some((s) => s && typeof s === 'object' && ('Principal' in s || 'NotPrincipal' in s)) ? 'resource' : 'identity';
  } catch {
    return 'identity';
  }
}

const NODE_KINDS = new Set(['object', 'array', 'string', 'number', 'boolean', 'null']);

/** True for a JsonNode (a plain policy object never has both `kind` and `span`). */
export function isJsonNode(x: unknown): x is JsonNode {
  if (typeof x !== 'object' || x === null) return false;
  const o = x as { kind?: unknown; span?: unknown };
  return typeof o.kind === 'string' && NODE_KINDS.has(o.kind) && typeof o.span === 'object' && o.span !== null;
}

/**
 * Reads and validates one policy. A string is JSON text; a JsonNode is used as is; any other
 * value is serialised with JSON.stringify(value, null, 2) and read from that text, so positions
 * refer to the pretty-printed form. Never throws.
 */
export function readPolicy(input: string | JsonNode | object, opts: ReadOptions): ReadResult {
  const findings: Finding[] = [];
  let node: JsonNode | undefined;
  let text: string | undefined;

  if (typeof input === 'string') {
    text = input;
  } else if (isJsonNode(input)) {
    node = input;
    findings.push(...checkNodeCharacters(input));
  } else {
    let serialised: string | undefined;
    let why = 'it is undefined';
    try {
      serialised = JSON.stringify(input, null, 2) as string | undefined;
    } catch (e) {
      why = e instanceof Error ? e.message : String(e);
    }
    if (serialised === undefined) {
      findings.push({
        code: 'Json syntax error',
        severity: 'error',
        message: `the policy cannot be written as JSON (${why}): pass JSON text or a plain object`,
        position: { line: 1, column: 1 },
        path: '',
      });
      return { findings: tag(findings, opts) };
    }
    text = serialised;
  }

  if (text !== undefined) {
    const r = parseJson(text);
    findings.push(...r.findings);
    node = r.node;
  }
  if (!node) return { findings: tag(findings, opts) };

  // Size quotas count the original text only when there is one the user wrote.
  const sizeText = typeof input === 'string' ? input : undefined;
  findings.push(...validatePolicy(node, sizeText === undefined ? { type: opts.type } : { type: opts.type, text: sizeText }));
  findings.sort(byPosition);
  tag(findings, opts);
  if (findings.some((f) => f.severity === 'error')) return { findings };
  const policy = buildPolicy(node, opts);
  if (!opts.catalog) return { policy, findings };
  const more = tag(catalogFindings(policy), opts);
  const all = [...findings, ...more].sort(byPosition);
  return more.some((f) => f.severity === 'error') ? { findings: all } : { policy, findings: all };
}

function tag(findings: Finding[], opts: ReadOptions): Finding[] {
  for (const f of findings) {
    f.policy = opts.name;
    if (opts.file !== undefined) f.file = opts.file;
  }
  return findings;
}

// ---- model building (input already validated) ----

function entry(obj: JsonNode, key: string): JsonEntry | undefined {
  return obj.kind === 'object' ? obj.entries.find((e) => e.key === key) : undefined;
}

function located(n: JsonNode): Located<string> | undefined {
  if (n.kind === 'string' || n.kind === 'number' || n.kind === 'boolean') return { value: scalarText(n), span: n.span };
  return undefined;
}

/** String-or-array → list; JSON numbers and booleans become their text (spec §2.1). */
function list(n: JsonNode | undefined): Located<string>[] {
  if (!n) return [];
  if (n.kind === 'array') {
    const out: Located<string>[] = [];
    for (const item of n.items) {
      const l = located(item);
      if (l) out.push(l);
    }
    return out;
  }
  const l = located(n);
  return l ? [l] : [];
}

function principal(n: JsonNode): PrincipalElement {
  if (n.kind === 'string') return { kind: 'wildcard', span: n.span };
  const values: PrincipalValue[] = [];
  if (n.kind === 'object') {
    for (const e of n.entries) {
      for (const v of list(e.value)) values.push({ key: e.key as PrincipalKey, value: v });
    }
  }
  return { kind: 'map', values, span: n.span };
}

function conditions(n: JsonNode | undefined): ConditionEntry[] {
  const out: ConditionEntry[] = [];
  if (!n || n.kind !== 'object') return out;
  for (const op of n.entries) {
    if (op.value.kind !== 'object') continue;
    for (const k of op.value.entries) {
      out.push({
        operator: { value: op.key, span: op.keySpan },
        key: { value: k.key, span: k.keySpan },
        values: list(k.value),
      });
    }
  }
  return out;
}

function statement(n: JsonNode, index: number): Statement {
  const get = (k: string): JsonNode | undefined => entry(n, k)?.value;
  const effect = get('Effect') as Extract<JsonNode, { kind: 'string' }>;
  const st: Statement = {
    index,
    effect: { value: effect.value as Effect, span: effect.span },
    condition: conditions(get('Condition')),
    span: n.span,
  };
  const sid = get('Sid');
  if (sid?.kind === 'string') st.sid = { value: sid.value, span: sid.span };
  const action = get('Action');
  if (action) st.action = list(action);
  const notAction = get('NotAction');
  if (notAction) st.notAction = list(notAction);
  const resource = get('Resource');
  if (resource) st.resource = list(resource);
  const notResource = get('NotResource');
  if (notResource) st.notResource = list(notResource);
  const p = get('Principal');
  if (p) st.principal = principal(p);
  const np = get('NotPrincipal');
  if (np) st.notPrincipal = principal(np);
  return st;
}

/** Builds the model from a document that validated without errors. */
function buildPolicy(root: JsonNode, opts: ReadOptions): Policy {
  const policy: Policy = { name: opts.name, type: opts.type, statements: [] };
  if (opts.file !== undefined) policy.file = opts.file;
  const version = entry(root, 'Version')?.value;
  if (version?.kind === 'string') policy.version = { value: version.value, span: version.span };
  const id = entry(root, 'Id')?.value;
  if (id?.kind === 'string') policy.id = { value: id.value, span: id.span };
  const st = entry(root, 'Statement')?.value;
  if (st?.kind === 'array') policy.statements = st.items.map((s, k) => statement(s, k));
  else if (st?.kind === 'object') policy.statements = [statement(st, 0)];
  return policy;
}
