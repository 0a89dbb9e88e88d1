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

import { byPosition, escapePointer } from './json.ts';
import type { Finding, JsonEntry, JsonNode, PolicyType, Position, Severity } from './model.ts';
import { endpointFindings } from './endpoint-rules.ts';
import { POLICY_TYPES } from './model.ts';
import { BASE_OPERATORS, parseOperator, type ParsedOperator } from './operators.ts';
import { decodeBase64, parseBool, parseCidr, parseDecimal, parseInstant } from './values.ts';
import { editDistance } from './names.ts';
import { parseTemplate } from './variables.ts';

export interface ValidateOptions {
  type: PolicyType;
  name?: string;
  file?: string;
  /**
   * The JSON text the node was read from, when there is one. Size quotas then count its
   * characters outside whitespace; without it the compact serialisation of the node is counted.
   */
  text?: string;
}

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

type StringNode = Extract<JsonNode, { kind: 'string' }>;
type ScalarNode = Extract<JsonNode, { kind: 'string' | 'number' | 'boolean' }>;

const TOP_KEYS = ['Version', 'Id', 'Statement'];
const STATEMENT_KEYS = [
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
];
const PRINCIPAL_KEYS = ['AWS', 'Service', 'Federated', 'CanonicalUser'];
const VERSION_CURRENT = '2012-10-17';
const VERSION_LEGACY = '2008-10-17';

export const PARTITIONS: ReadonlySet<string> = new Set([
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
]);

/** Web-identity providers that are named directly in a Federated principal (spec §2.2). */
const WEB_IDENTITY_PROVIDERS = new Set([
  'cognito-identity.amazonaws.com',
  'accounts.google.com',
  'www.amazon.com',
  'graph.facebook.com',
]);

/** API transport limit on a policy string, whitespace included (spec §8.1). */
export const MAX_POLICY_TEXT = 131_072;

interface TypeRules {
  /** With its article, for messages: "an SCP". */
  label: string;
  /** Code reported for Principal / NotPrincipal when the type forbids them; undefined: required. */
  principalForbidden?: string;
  /** Code reported for NotPrincipal when the type forbids it (and requires Principal). */
  notPrincipalForbidden?: string;
  resource: 'required' | 'optional' | 'forbidden';
  /** Sids limited to [A-Za-z0-9] and required unique (error) vs. recommended unique (warning). */
  strictSid: boolean;
  idWarning: boolean;
  versionRequired: boolean;
  size: { limit: number; severity: Severity; code: string; what: string; withWhitespace?: boolean };
}

// Per-type rules, spec §2.1–§2.2 and §8.1.
const RULES: Record<PolicyType, TypeRules> = {
  identity: {
    label: 'an identity-based policy',
    principalForbidden: 'Unsupported principal',
    resource: 'required',
    strictSid: true,
    idWarning: true,
    versionRequired: false,
    size: { limit: 6144, severity: 'warning', code: 'Policy size exceeds identity policy quota', what: 'managed policies' },
  },
  boundary: {
    label: 'a permissions boundary',
    principalForbidden: 'Unsupported principal',
    resource: 'required',
    strictSid: true,
    idWarning: true,
    versionRequired: false,
    size: { limit: 6144, severity: 'warning', code: 'Policy size exceeds identity policy quota', what: 'managed policies' },
  },
  session: {
    label: 'a session policy',
    principalForbidden: 'Unsupported principal',
    resource: 'required',
    strictSid: true,
    idWarning: true,
    versionRequired: false,
    size: { limit: 2048, severity: 'warning', code: 'Policy size exceeds session policy quota', what: 'session policies' },
  },
  scp: {
    label: 'an SCP',
    principalForbidden: 'SCP syntax error principal',
    resource: 'required',
    strictSid: true,
    idWarning: false,
    versionRequired: true,
    size: { limit: 5120, severity: 'error', code: 'Policy size exceeds SCP quota', what: 'SCPs' },
  },
  rcp: {
    label: 'an RCP',
    notPrincipalForbidden: 'RCP syntax error notprincipal',
    resource: 'required',
    strictSid: true,
    idWarning: false,
    versionRequired: true,
    size: { limit: 5120, severity: 'error', code: 'Policy size exceeds RCP quota', what: 'RCPs' },
  },
  trust: {
    label: 'a role trust policy',
    notPrincipalForbidden: 'Role trust policy syntax error notprincipal',
    resource: 'forbidden',
    strictSid: true,
    idWarning: false,
    versionRequired: false,
    size: { limit: 2048, severity: 'warning', code: 'Policy size exceeds role trust policy quota', what: 'role trust policies (the default quota)' },
  },
  endpoint: {
    label: 'a VPC endpoint policy',
    resource: 'optional',
    strictSid: false,
    idWarning: false,
    versionRequired: false,
    size: { limit: 20480, severity: 'error', code: 'Policy size exceeds VPC endpoint policy quota', what: 'VPC endpoint policies', withWhitespace: true },
  },
  resource: {
    label: 'a resource-based policy',
    resource: 'optional',
    strictSid: false,
    idWarning: false,
    versionRequired: false,
    size: { limit: 20480, severity: 'warning', code: 'Policy size exceeds resource policy quota', what: 'resource-based policies (the S3 bucket policy limit)' },
  },
};

/** Validates a policy document. Findings are sorted by position. Never throws. */
export function validatePolicy(root: JsonNode, opts: ValidateOptions): Finding[] {
  hintBudget = MAX_HINTS;
  const v = new Validator(opts);
  v.run(root);
  const findings = opts.type === 'endpoint' ? [...v.findings, ...endpointFindings(root)] : v.findings;
  if (opts.name !== undefined || opts.file !== undefined) {
    for (const f of findings) {
      if (opts.name !== undefined) f.policy = opts.name;
      if (opts.file !== undefined) f.file = opts.file;
    }
  }
  return findings.sort(byPosition);
}

class Validator {
  readonly findings: Finding[] = [];
  private readonly type: PolicyType;
  private readonly rules: TypeRules;
  /** Policy variables are substituted only under Version 2012-10-17 (spec §2.1, §5). */
  private variables = false;
  private versionText: string | undefined;
  private readonly sids = new Map<string, { index: number; node: StringNode }>();

  constructor(private readonly opts: ValidateOptions) {
    this.type = opts.type;
    this.rules = RULES[opts.type] ?? RULES.identity;
  }

  private add(code: string, severity: Severity, message: string, position: Position, path: string): void {
    this.findings.push({ code, severity, message, position, path });
  }

  run(root: JsonNode): void {
    if (!POLICY_TYPES.includes(this.type)) {
      this.add(
        'Invalid policy type',
        'error',
        `unknown policy type ${JSON.stringify(this.type)}: use one of ${POLICY_TYPES.join(', ')}`,
        root.span.start,
        '',
      );
      return;
    }
    this.checkSize(root);
    if (root.kind !== 'object') {
      this.add(
        'Invalid policy element',
        'error',
        `a policy is a JSON object {"Version": "2012-10-17", "Statement": [...]}, not ${show(root)}`,
        root.span.start,
        '',
      );
      return;
    }
    const els = this.elements(root, TOP_KEYS, '', 'the policy');
    this.checkVersion(root, els.get('Version'));
    this.checkId(els.get('Id'));
    const st = els.get('Statement');
    if (!st) {
      this.add(
        'Missing statement',
        'error',
        'the policy has no "Statement": add "Statement": [{"Effect": ..., "Action": ..., ...}]',
        root.span.start,
        '',
      );
      return;
    }
    const v = st.value;
    if (v.kind === 'array') {
      if (v.items.length === 0) {
        this.add('Missing statement', 'error', '"Statement" is an empty array: add at least one statement', v.span.start, '/Statement');
      }
      v.items.forEach((item, k) => this.checkStatement(item, k, `/Statement/${k}`));
    } else if (v.kind === 'object') {
      this.checkStatement(v, 0, '/Statement');
    } else {
      this.add(
        'Invalid policy element',
        'error',
        `"Statement" must be an object or an array of objects, not ${show(v)}`,
        v.span.start,
        '/Statement',
      );
    }
  }

  /**
   * Collects the known elements of an object (first occurrence of each) and reports unknown and
   * repeated ones. A repeated element is an error: JSON readers keep only one of the two (spec §2.1).
   */
  private elements(obj: Extract<JsonNode, { kind: 'object' }>, allowed: string[], path: string, where: string): Map<string, JsonEntry> {
    const map = new Map<string, JsonEntry>();
    for (const e of obj.entries) {
      const p = `${path}/${escapePointer(e.key)}`;
      if (!allowed.includes(e.key)) {
        const near = closest(e.key, allowed, 2);
        this.add(
          'Invalid policy element',
          'error',
          `unknown element ${JSON.stringify(e.key)} in ${where}` +
            (near
              ? near.toLowerCase() === e.key.toLowerCase()
                ? `: element names are case-sensitive, use ${JSON.stringify(near)} instead`
                : `: did you mean ${JSON.stringify(near)}?`
              : `: allowed are ${allowed.join(', ')}`),
          e.keySpan.start,
          p,
        );
      } else if (map.has(e.key)) {
        const first = map.get(e.key)!.keySpan.start;
        this.add(
          'Repeated element',
          'error',
          `${JSON.stringify(e.key)} appears twice in ${where} (first at ${first.line}:${first.column}); JSON readers silently keep only one of them: merge them into one element`,
          e.keySpan.start,
          p,
        );
      } else {
        map.set(e.key, e);
      }
    }
    return map;
  }

  // ---- policy level ----

  private checkVersion(root: JsonNode, e: JsonEntry | undefined): void {
    if (!e) {
      if (this.rules.versionRequired) {
        this.add('Missing version', 'error', `${this.rules.label} must state "Version": "2012-10-17"`, root.span.start, '');
      } else {
        this.add(
          'Missing version',
          'warning',
          'no "Version": policy variables such as ${aws:username} are then literal text; add "Version": "2012-10-17"',
          root.span.start,
          '',
        );
      }
      return;
    }
    const v = e.value;
    if (v.kind === 'string' && v.value === VERSION_CURRENT) {
      this.versionText = v.value;
      this.variables = true;
      return;
    }
    if (v.kind === 'string' && v.value === VERSION_LEGACY) {
      this.versionText = v.value;
      if (this.rules.versionRequired) {
        this.add('Invalid version', 'error', `${this.rules.label} must use "Version": "2012-10-17", not "2008-10-17"`, v.span.start, '/Version');
      }
      return;
    }
    this.add(
      'Invalid version',
      'error',
      `Version must be "2012-10-17" (or the legacy "2008-10-17"), not ${show(v)}: use "2012-10-17"`,
      v.span.start,
      '/Version',
    );
  }

  private checkId(e: JsonEntry | undefined): void {
    if (!e) return;
    if (e.value.kind !== 'string') {
      this.add('Invalid policy element', 'error', `"Id" must be a string, not ${show(e.value)}`, e.value.span.start, '/Id');
    } else if (this.rules.idWarning) {
      // The grammar notes say Id must not appear in identity-based policies; whether IAM rejects
      // it is [UNDOCUMENTED] (spec §2.1), so this is a warning.
      this.add(
        'Unsupported Id',
        'warning',
        `"Id" is meant for resource-based policies; AWS documents that ${this.rules.label} should not have one: remove it`,
        e.keySpan.start,
        '/Id',
      );
    }
  }

  private checkSize(root: JsonNode): void {
    const text = this.opts.text;
    const compact = text !== undefined ? sizeWithoutWhitespace(text) : compactLength(root);
    const transport = text !== undefined ? text.length : compact;
    if (transport > MAX_POLICY_TEXT) {
      this.add(
        'Policy size exceeds API limit',
        'error',
        `the policy text is ${transport} characters; IAM APIs accept at most ${MAX_POLICY_TEXT} (spec §8.1): split it into several policies`,
        root.span.start,
        '',
      );
    }
    // Whitespace is not counted for the quotas (spec §8.1). Organizations counts every character
    // an API caller sends for SCPs/RCPs, so a deployer must minify; we count as the console does.
    const q = this.rules.size;
    const size = q.withWhitespace ? transport : compact;
    if (size > q.limit) {
      this.add(
        q.code,
        q.severity,
        `the policy is ${size} characters${q.withWhitespace ? '' : ' without whitespace'}, over the ${q.limit}-character quota for ${q.what} (spec §8.1): split it or remove redundant entries`,
        root.span.start,
        '',
      );
    }
  }

  // ---- statements ----

  private checkStatement(st: JsonNode, index: number, path: string): void {
    if (st.kind !== 'object') {
      this.add('Invalid policy element', 'error', `a statement must be a JSON object, not ${show(st)}`, st.span.start, path);
      return;
    }
    const els = this.elements(st, STATEMENT_KEYS, path, 'a statement');
    const sid = els.get('Sid');
    if (sid) this.checkSid(sid, index, `${path}/Sid`);
    const effect = this.checkEffect(st, els.get('Effect'), path);

    for (const [a, b] of [
      ['Action', 'NotAction'],
      ['Resource', 'NotResource'],
      ['Principal', 'NotPrincipal'],
    ] as const) {
      const ea = els.get(a);
      const eb = els.get(b);
      if (ea && eb) {
        const later = before(ea.keySpan.start, eb.keySpan.start) ? eb : ea;
        this.add(
          'Unsupported element combination',
          'error',
          `a statement may have "${a}" or "${b}", not both: remove one of them`,
          later.keySpan.start,
          `${path}/${later.key}`,
        );
      }
    }

    // Action / NotAction
    const act = els.get('Action');
    const nact = els.get('NotAction');
    if (!act && !nact) {
      this.add('Missing action', 'error', 'the statement has neither "Action" nor "NotAction": add "Action": ["service:Name"]', st.span.start, path);
    }
    for (const e of [act, nact]) {
      if (!e) continue;
      for (const [node, p] of this.stringList(e, `${path}/${e.key}`, 'Empty array action', 'action')) this.checkAction(node, p);
    }

    this.checkResources(st, els, path);
    this.checkPrincipals(st, els, effect, path);

    const cond = els.get('Condition');
    if (cond) this.checkCondition(cond, `${path}/Condition`);

    if (this.type === 'rcp' && effect === 'Allow' && !isRcpFullAccess(els)) {
      const eff = els.get('Effect')!;
      this.add(
        'RCP syntax error allow',
        'error',
        'customer RCPs can only Deny: the only Allow is the AWS-managed RCPFullAWSAccess (Allow "*" on "*" to Principal "*", no Condition); use "Effect": "Deny"',
        eff.value.span.start,
        `${path}/Effect`,
      );
    }
  }

  private checkSid(e: JsonEntry, index: number, path: string): void {
    const v = e.value;
    if (v.kind !== 'string') {
      this.add('Unsupported Sid', 'error', `"Sid" must be a string, not ${show(v)}`, v.span.start, path);
      return;
    }
    if (v.value === '') {
      this.add('Empty Sid value', 'suggestion', 'the Sid is empty: give the statement a name or remove "Sid"', v.span.start, path);
      return;
    }
    if (this.rules.strictSid) {
      for (let k = 0; k < v.value.length; k++) {
        if (!isAlnum(v.value.charCodeAt(k))) {
          const cleaned = [...v.value].filter((c) => isAlnum(c.charCodeAt(0))).join('');
          this.add(
            'Unsupported Sid',
            'error',
            `Sid ${JSON.stringify(v.value)} contains ${JSON.stringify(v.value[k])}: ${this.rules.label} allows only A-Z, a-z and 0-9 in a Sid (spec §2.1)` +
              (cleaned ? `; use ${JSON.stringify(cleaned)} instead` : ''),
            posIn(v, v.value, k),
            path,
          );
          break;
        }
      }
    }
    const prev = this.sids.get(v.value);
    if (prev) {
      const p = prev.node.span.start;
      this.add(
        this.rules.strictSid ? 'Unique Sids required' : 'Unique Sids recommended',
        this.rules.strictSid ? 'error' : 'warning',
        `Sid ${JSON.stringify(v.value)} is already used by statement ${prev.index} (line ${p.line}): give each statement its own Sid`,
        v.span.start,
        path,
      );
    } else {
      this.sids.set(v.value, { index, node: v });
    }
  }

  private checkEffect(st: JsonNode, e: JsonEntry | undefined, path: string): 'Allow' | 'Deny' | undefined {
    if (!e) {
      this.add('Missing effect', 'error', 'the statement has no "Effect": add "Effect": "Allow" or "Effect": "Deny"', st.span.start, path);
      return undefined;
    }
    const v = e.value;
    if (v.kind === 'string' && (v.value === 'Allow' || v.value === 'Deny')) return v.value;
    const lower = v.kind === 'string' ? v.value.toLowerCase() : '';
    const canon = lower === 'allow' ? 'Allow' : lower === 'deny' ? 'Deny' : undefined;
    this.add(
      'Invalid effect',
      'error',
      canon
        ? `Effect is case-sensitive (spec §2.1): use "${canon}" instead of ${show(v)}`
        : `Effect must be "Allow" or "Deny", not ${show(v)}`,
      v.span.start,
      `${path}/Effect`,
    );
    return undefined;
  }

  /** A string-or-array element as [node, path] pairs; reports wrong JSON types and empty arrays. */
  private stringList(e: JsonEntry, path: string, emptyCode: string, what: string): [StringNode, string][] {
    const v = e.value;
    if (v.kind === 'string') return [[v, path]];
    if (v.kind !== 'array') {
      this.add('Invalid policy element', 'error', `"${e.key}" must be a string or an array of strings, not ${show(v)}`, v.span.start, path);
      return [];
    }
    if (v.items.length === 0) {
      this.add(
        emptyCode,
        'suggestion',
        `"${e.key}" is an empty array, so this element matches nothing (spec §8.2): list at least one ${what} or remove the statement`,
        v.span.start,
        path,
      );
    }
    const out: [StringNode, string][] = [];
    v.items.forEach((item, k) => {
      if (item.kind === 'string') out.push([item, `${path}/${k}`]);
      else this.add('Invalid policy element', 'error', `each ${what} in "${e.key}" must be a string, not ${show(item)}`, item.span.start, `${path}/${k}`);
    });
    return out;
  }

  // ---- Action ----

  private checkAction(node: StringNode, path: string): void {
    const v = node.value;
    if (v === '*') return;
    if (v === '') {
      this.add('Invalid action', 'error', 'an empty action: write "service:ActionName", or "*" for every action', node.span.start, path);
      return;
    }
    const dollar = v.indexOf('${');
    if (dollar >= 0) {
      this.add(
        'Variable unsupported in element',
        'error',
        'policy variables are not allowed in Action or NotAction (spec §5): list the actions, or use a wildcard such as "s3:Get*"',
        posIn(node, v, dollar),
        path,
      );
      return;
    }
    if (v.includes(',')) {
      const parts = v
        .split(',')
        .map((s) => JSON.stringify(s.trim()))
        .join(', ');
      this.add(
        'Invalid action',
        'error',
        `${JSON.stringify(v)} is several actions joined by commas, which IAM reads as one action that never matches: use an array [${parts}] instead`,
        node.span.start,
        path,
      );
      return;
    }
    const ws = firstWhitespace(v);
    if (ws >= 0) {
      this.add('Invalid action', 'error', `${JSON.stringify(v)} contains whitespace: write the action as service:ActionName with no spaces`, posIn(node, v, ws), path);
      return;
    }
    const colon = v.indexOf(':');
    if (colon < 0) {
      this.add(
        'Invalid action',
        'error',
        `${JSON.stringify(v)} has no service prefix: write it as service:ActionName (e.g. "s3:GetObject"), or "*" for every action`,
        node.span.start,
        path,
      );
      return;
    }
    if (v.indexOf(':', colon + 1) >= 0) {
      this.add(
        'Invalid action',
        'error',
        `${JSON.stringify(v)} has more than one ":": an action is service:ActionName`,
        posIn(node, v, v.indexOf(':', colon + 1)),
        path,
      );
      return;
    }
    const service = v.slice(0, colon);
    const name = v.slice(colon + 1);
    if (service === '') {
      this.add('Invalid service in action', 'error', `${JSON.stringify(v)} has an empty service prefix: write e.g. "s3${v}"`, node.span.start, path);
      return;
    }
    let wild = false;
    for (let k = 0; k < service.length; k++) {
      const c = service.charCodeAt(k);
      if (c === 0x2a || c === 0x3f) wild = true;
      else if (!isAlnum(c) && c !== 0x2d) {
        this.add(
          'Invalid service in action',
          'error',
          `${JSON.stringify(service)} is not a service prefix: prefixes use only letters, digits and "-" (e.g. "s3", "execute-api")`,
          posIn(node, v, k),
          path,
        );
        return;
      }
    }
    if (wild) {
      this.add(
        'Wildcard in service name',
        'suggestion',
        `the wildcard in the service prefix ${JSON.stringify(service)} can match services you did not intend (spec §3.1): name the service`,
        node.span.start,
        path,
      );
    }
    if (name === '') {
      this.add('Invalid action', 'error', `${JSON.stringify(v)} has no action name: write e.g. "${service}:*" for every ${service} action`, node.span.start, path);
      return;
    }
    for (let k = 0; k < name.length; k++) {
      const c = name.charCodeAt(k);
      if (!isAlnum(c) && c !== 0x2a && c !== 0x3f && c !== 0x2d && c !== 0x5f) {
        this.add(
          'Invalid action',
          'error',
          `${JSON.stringify(v)}: action names use only letters and digits (with "*" and "?" as wildcards), not ${JSON.stringify(name[k])}`,
          posIn(node, v, colon + 1 + k),
          path,
        );
        return;
      }
    }
  }

  // ---- Resource ----

  private checkResources(st: JsonNode, els: Map<string, JsonEntry>, path: string): void {
    const res = els.get('Resource');
    const nres = els.get('NotResource');
    if (this.rules.resource === 'forbidden') {
      for (const e of [res, nres]) {
        if (!e) continue;
        this.add(
          'Role trust policy syntax error resource',
          'error',
          `a role trust policy must not have "${e.key}": the role itself is the resource (spec §2.1); remove it`,
          e.keySpan.start,
          `${path}/${e.key}`,
        );
      }
      return;
    }
    if (!res && !nres && this.rules.resource === 'required') {
      this.add(
        'Missing resource',
        'error',
        `a statement in ${this.rules.label} needs "Resource" or "NotResource": add "Resource": "*" or the ARNs it applies to`,
        st.span.start,
        path,
      );
    }
    for (const e of [res, nres]) {
      if (!e) continue;
      for (const [node, p] of this.stringList(e, `${path}/${e.key}`, 'Empty array resource', 'resource')) this.checkResource(node, p);
    }
  }

  private checkResource(node: StringNode, path: string): void {
    const v = node.value;
    if (v === '*') return;
    if (!v.startsWith('arn:')) {
      this.add(
        'Invalid ARN prefix',
        'error',
        v.toLowerCase().startsWith('arn:')
          ? `ARNs start with lowercase "arn:": use ${JSON.stringify('arn:' + v.slice(4))}`
          : `${JSON.stringify(v)} is neither "*" nor an ARN: write arn:partition:service:region:account:resource (e.g. "arn:aws:s3:::my-bucket/*")`,
        node.span.start,
        path,
      );
      return;
    }
    const { comps, offs } = splitArn(v);
    // Variables only in the resource component, after the fifth colon (spec §3.2, §5).
    const dollar = v.indexOf('${');
    if (dollar >= 0 && (comps.length < 6 || dollar < offs[5]!)) {
      this.add(
        'Variable unsupported in element',
        'error',
        'policy variables are allowed only in the resource part of an ARN (after the fifth colon): use a fixed value or a wildcard in this component',
        posIn(node, v, dollar),
        path,
      );
      return;
    }
    if (comps.length < 6) {
      const padded = v + ':*'.repeat(6 - comps.length);
      if (v.endsWith('*')) {
        this.add(
          'Missing ARN field',
          'warning',
          `${JSON.stringify(v)} has ${comps.length} of the 6 ARN components; the trailing "*" is read as spanning the missing ones (spec §3.2), which not every evaluator does: write ${JSON.stringify(padded)}`,
          node.span.start,
          path,
        );
      } else {
        this.add(
          'Missing ARN field',
          'error',
          `${JSON.stringify(v)} has ${comps.length} of the 6 ARN components, so it matches nothing: write all six, arn:partition:service:region:account:resource (an S3 bucket leaves Region and account empty: "arn:aws:s3:::my-bucket")`,
          node.span.start,
          path,
        );
      }
    }
    const [, partition, service, region, account, resource] = comps;
    if (partition !== undefined && !this.checkPartition(node, v, partition, offs[1]!, path)) return;
    if (service !== undefined && !this.checkArnService(node, v, service, offs[2]!, path)) return;
    // In a short ARN the later components are ambiguous (the last one may be a resource): stop.
    if (comps.length < 6) return;
    if (region !== undefined && region !== '' && !hasWildcard(region) && !isRegion(region)) {
      this.add(
        'Invalid ARN Region',
        'error',
        `${JSON.stringify(region)} is not a Region: write a Region code such as "us-east-1", "*", or leave it empty`,
        posIn(node, v, offs[3]!),
        path,
      );
      return;
    }
    if (account !== undefined && account !== '' && !hasWildcard(account) && !isAccount(account) && account !== 'aws') {
      this.add(
        'Invalid ARN account',
        'error',
        `${JSON.stringify(account)} is not an account id: write 12 digits, "*", or leave it empty (as for S3)`,
        posIn(node, v, offs[4]!),
        path,
      );
      return;
    }
    if (resource === '') {
      this.add(
        'Missing ARN field',
        'error',
        `${JSON.stringify(v)} has an empty resource component: name the resource, or end with "*"`,
        posIn(node, v, offs[5]!),
        path,
      );
      return;
    }
    if (resource !== undefined && dollar >= 0) this.checkTemplate(node, v, offs[5]!, path, undefined);
  }

  private checkPartition(node: JsonNode, v: string, partition: string, off: number, path: string): boolean {
    if (hasWildcard(partition) || PARTITIONS.has(partition)) return true;
    const lower = partition.toLowerCase();
    this.add(
      'Invalid partition',
      'error',
      `${JSON.stringify(partition)} is not a partition: ` +
        (PARTITIONS.has(lower) ? `partitions are lowercase, use "${lower}"` : `use one of ${[...PARTITIONS].join(', ')} (usually "aws")`),
      posIn(node, v, off),
      path,
    );
    return false;
  }

  private checkArnService(node: JsonNode, v: string, service: string, off: number, path: string): boolean {
    if (service === '') {
      this.add('Missing ARN field', 'error', `${JSON.stringify(v)} has an empty service component: name the service, e.g. "s3"`, posIn(node, v, off), path);
      return false;
    }
    for (let k = 0; k < service.length; k++) {
      const c = service.charCodeAt(k);
      if (c === 0x2a || c === 0x3f) {
        this.add(
          'Invalid ARN service',
          'error',
          `wildcards are not allowed in the service component of an ARN (spec §3.2): name the service instead of ${JSON.stringify(service)}`,
          posIn(node, v, off + k),
          path,
        );
        return false;
      }
    }
    for (let k = 0; k < service.length; k++) {
      const c = service.charCodeAt(k);
      if (c >= 0x41 && c <= 0x5a) {
        this.add(
          'Invalid ARN service case',
          'error',
          `the service component of an ARN is lowercase: use ${JSON.stringify(service.toLowerCase())} instead of ${JSON.stringify(service)}`,
          posIn(node, v, off + k),
          path,
        );
        return false;
      }
      if (!isAlnum(c) && c !== 0x2d) {
        this.add(
          'Invalid ARN service',
          'error',
          `${JSON.stringify(service)} is not a service name: services use only lowercase letters, digits and "-"`,
          posIn(node, v, off + k),
          path,
        );
        return false;
      }
    }
    return true;
  }

  /** Variables in a value that may hold them: malformed ones, version, operator support. */
  private checkTemplate(node: JsonNode, v: string, from: number, path: string, op: ParsedOperator | undefined): boolean {
    const text = from > 0 ? v.slice(from) : v;
    if (!this.variables) {
      this.add(
        'Variable unsupported in version',
        'warning',
        `${this.versionText ? `under "Version": "${this.versionText}"` : 'without "Version"'} policy variables are literal text (spec §2.1, §5): add "Version": "2012-10-17" if \${…} should be substituted`,
        posIn(node, v, from + text.indexOf('${')),
        path,
      );
      return false;
    }
    const t = parseTemplate(text);
    for (const err of t.errors) {
      const message =
        err.code === 'Missing brace'
          ? `the policy variable starting at "${text.slice(err.offset, err.offset + 24)}" has no closing "}": write \${key} (spec §5)`
          : `${err.message}: write \${key} or \${key, 'default'} (spec §5)`;
      this.add(err.code, 'error', message, posIn(node, v, from + err.offset), path);
    }
    if (t.hasVariables && op && !op.base.variables) {
      this.add(
        'Invalid variable for operator',
        'error',
        `${op.canonical} does not substitute policy variables, only String and Arn operators do (spec §4.13): the value would be compared literally; use a fixed value`,
        posIn(node, v, from + text.indexOf('${')),
        path,
      );
    }
    return t.hasVariables;
  }

  // ---- Principal ----

  private checkPrincipals(st: JsonNode, els: Map<string, JsonEntry>, effect: 'Allow' | 'Deny' | undefined, path: string): void {
    const pr = els.get('Principal');
    const npr = els.get('NotPrincipal');
    const r = this.rules;
    if (r.principalForbidden) {
      for (const e of [pr, npr]) {
        if (!e) continue;
        this.add(
          r.principalForbidden,
          'error',
          this.type === 'scp'
            ? `an SCP must not have "${e.key}": it applies to the principals of the accounts it is attached to; remove it and scope with a Condition on aws:PrincipalArn`
            : `${r.label} must not have "${e.key}": the principal is the identity the policy is attached to; remove it`,
          e.keySpan.start,
          `${path}/${e.key}`,
        );
      }
      return;
    }
    if (!pr && !npr) {
      this.add(
        'Missing principal',
        'error',
        `a statement in ${r.label} needs "Principal"` + (this.type === 'rcp' ? ': add "Principal": "*" and scope with conditions' : ': add e.g. "Principal": {"AWS": "arn:aws:iam::123456789012:root"}'),
        st.span.start,
        path,
      );
    }
    if (pr) this.checkPrincipal(pr, `${path}/Principal`);
    // RCPs apply to every principal calling the resources they guard: the Principal element is
    // always "*" and conditions do the scoping (Organizations RCP syntax).
    if (pr && this.type === 'rcp' && !isStar(pr)) {
      this.add(
        'RCP syntax error principal',
        'error',
        'an RCP\'s "Principal" must be "*" (RCPs restrict every caller of the resources they guard); scope callers with a Condition such as StringNotEqualsIfExists on aws:PrincipalOrgID',
        pr.value.span.start,
        `${path}/Principal`,
      );
    }
    if (npr) {
      if (r.notPrincipalForbidden) {
        this.add(
          r.notPrincipalForbidden,
          'error',
          `${r.label} must not have "NotPrincipal" (spec §2.2): use "Principal" with a Condition such as ArnNotEquals on aws:PrincipalArn`,
          npr.keySpan.start,
          `${path}/NotPrincipal`,
        );
        return;
      }
      this.checkPrincipal(npr, `${path}/NotPrincipal`);
      if (effect === 'Allow') {
        this.add(
          'Allow with NotPrincipal',
          'error',
          'NotPrincipal is not supported with Allow (spec §2.2): it would grant access to everyone not listed; list the principals to allow in "Principal" instead',
          npr.keySpan.start,
          `${path}/NotPrincipal`,
        );
      } else if (effect === 'Deny') {
        this.add(
          'Deny with NotPrincipal',
          'suggestion',
          'a Deny with NotPrincipal always denies principals that have a permissions boundary, whatever NotPrincipal lists (spec §1.3): use "Principal": "*" with a Condition ArnNotEquals on aws:PrincipalArn instead',
          npr.keySpan.start,
          `${path}/NotPrincipal`,
        );
      }
    }
  }

  private checkPrincipal(e: JsonEntry, path: string): void {
    const v = e.value;
    if (v.kind === 'string') {
      if (v.value === '*') return;
      const dollar = v.value.indexOf('${');
      if (dollar >= 0) {
        this.add('Variable unsupported in element', 'error', 'policy variables are not allowed in principals (spec §5): name the principal', posIn(v, v.value, dollar), path);
        return;
      }
      this.add(
        'Invalid principal format',
        'error',
        `a string "${e.key}" must be "*"; name specific principals in an object such as {"AWS": ${JSON.stringify(v.value)}}`,
        v.span.start,
        path,
      );
      return;
    }
    if (v.kind !== 'object') {
      this.add('Invalid principal format', 'error', `"${e.key}" must be "*" or an object such as {"AWS": [...]}, not ${show(v)}`, v.span.start, path);
      return;
    }
    if (v.entries.length === 0) {
      this.add('Empty object principal', 'suggestion', `"${e.key}" is an empty object and matches no one: name principals or remove the statement`, v.span.start, path);
    }
    const seen = new Map<string, JsonEntry>();
    for (const k of v.entries) {
      const p = `${path}/${escapePointer(k.key)}`;
      if (!PRINCIPAL_KEYS.includes(k.key)) {
        const near = closest(k.key, PRINCIPAL_KEYS, 3);
        this.add(
          'Invalid principal key',
          'error',
          `${JSON.stringify(k.key)} is not a principal type: use ${near ? JSON.stringify(near) : 'one of AWS, Service, Federated, CanonicalUser'}`,
          k.keySpan.start,
          p,
        );
        continue;
      }
      const prev = seen.get(k.key);
      if (prev) {
        this.add(
          'Repeated element',
          'error',
          `${JSON.stringify(k.key)} appears twice in this principal (first at ${prev.keySpan.start.line}:${prev.keySpan.start.column}); JSON readers keep only one: put all values in one array`,
          k.keySpan.start,
          p,
        );
        continue;
      }
      seen.set(k.key, k);
      for (const [node, text, vp] of this.scalarList(k.value, p, 'Empty array principal', 'Invalid principal format', 'principal')) {
        this.checkPrincipalValue(k.key, node, text, vp);
      }
    }
  }

  private checkPrincipalValue(key: string, node: ScalarNode, text: string, path: string): void {
    const dollar = text.indexOf('${');
    if (dollar >= 0) {
      this.add('Variable unsupported in element', 'error', 'policy variables are not allowed in principals (spec §5): name the principal', posIn(node, text, dollar), path);
      return;
    }
    if (text === '*') return;
    const wild = firstWildcard(text);
    if (wild >= 0) {
      this.add(
        'Unsupported wildcard in principal',
        'error',
        `principals cannot contain partial wildcards (spec §2.2): use "Principal": {"AWS": "*"} with a Condition such as ArnLike on aws:PrincipalArn = ${JSON.stringify(text)}`,
        posIn(node, text, wild),
        path,
      );
      return;
    }
    switch (key) {
      case 'AWS':
        this.checkAwsPrincipal(node, text, path);
        return;
      case 'Service':
        this.checkServicePrincipal(node, text, path);
        return;
      case 'Federated':
        this.checkFederatedPrincipal(node, text, path);
        return;
      case 'CanonicalUser':
        if (text.length !== 64 || ![...text].every((c) => isHex(c.charCodeAt(0)))) {
          this.add('Invalid principal format', 'error', `${JSON.stringify(text)} is not an S3 canonical user id (64 hex digits)`, node.span.start, path);
        }
        return;
    }
  }

  private checkAwsPrincipal(node: ScalarNode, text: string, path: string): void {
    if (isAccount(text)) return;
    // IAM stores unique ids (AIDA…, AROA…) for deleted-and-recreated entities (spec §2.2).
    if (text.length === 21 && text[0] === 'A' && [...text].every((c) => isUpperAlnum(c.charCodeAt(0)))) return;
    const usage =
      'use an account id ("123456789012"), an IAM user or role ARN ("arn:aws:iam::123456789012:role/Name"), an STS session ARN, or "*"';
    if (!text.startsWith('arn:')) {
      this.add('Invalid principal format', 'error', `${JSON.stringify(text)} is not an AWS principal: ${usage}`, node.span.start, path);
      return;
    }
    const arn = this.principalArn(node, text, path, ['iam', 'sts']);
    if (!arn) return;
    const { service, resource } = arn;
    let ok = false;
    let hint = usage;
    if (service === 'iam') {
      if (resource === 'root') ok = true;
      else if (resource.startsWith('user/') || resource.startsWith('role/')) ok = isIamPath(resource.slice(5));
      else if (resource.startsWith('group/')) hint = 'IAM groups cannot be principals: name the users, or use a role';
      else if (resource.startsWith('saml-provider/') || resource.startsWith('oidc-provider/'))
        hint = 'identity providers belong under the "Federated" key, not "AWS"';
    } else {
      if (resource.startsWith('assumed-role/')) {
        const parts = resource.slice(13).split('/');
        ok = parts.length === 2 && parts.every((s) => s !== '' && isIamName(s));
        if (!ok) hint = 'a role session ARN is arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION (no role path)';
      } else if (resource.startsWith('federated-user/')) ok = isIamName(resource.slice(15));
    }
    if (!ok) {
      this.add(
        'Invalid principal format',
        'error',
        hint === usage ? `${JSON.stringify(text)} is not an AWS principal: ${usage}` : `${JSON.stringify(text)} cannot be an AWS principal: ${hint}`,
        node.span.start,
        path,
      );
    }
  }

  /** Checks an IAM/STS ARN's fixed components; reports and returns undefined when they are wrong. */
  private principalArn(node: ScalarNode, text: string, path: string, services: string[]): { service: string; resource: string } | undefined {
    const { comps, offs } = splitArn(text);
    if (comps.length < 6) {
      this.add('Invalid principal format', 'error', `${JSON.stringify(text)} is not a complete ARN (arn:partition:service::account:resource)`, node.span.start, path);
      return undefined;
    }
    const [, partition, service, region, account, resource] = comps as [string, string, string, string, string, string];
    if (!this.checkPartition(node, text, partition, offs[1]!, path)) return undefined;
    if (!services.includes(service)) {
      if (services.includes(service.toLowerCase())) {
        this.add(
          'Invalid ARN service case',
          'error',
          `the service component of an ARN is lowercase: use ${JSON.stringify(service.toLowerCase())}`,
          posIn(node, text, offs[2]!),
          path,
        );
      } else {
        this.add(
          'Invalid principal format',
          'error',
          `${JSON.stringify(text)} is not a principal ARN: principals are ${services.join(' or ')} ARNs such as arn:aws:iam::123456789012:role/Name`,
          posIn(node, text, offs[2]!),
          path,
        );
      }
      return undefined;
    }
    if (region !== '') {
      this.add('Invalid ARN Region', 'error', `${service} ARNs have no Region: write "arn:${partition}:${service}::${account}:${resource}"`, posIn(node, text, offs[3]!), path);
      return undefined;
    }
    if (!isAccount(account)) {
      this.add('Invalid ARN account', 'error', `${JSON.stringify(account)} is not an account id: write the 12-digit account id`, posIn(node, text, offs[4]!), path);
      return undefined;
    }
    return { service, resource };
  }

  private checkServicePrincipal(node: ScalarNode, text: string, path: string): void {
    let dnsLike = text.includes('.') && !text.startsWith('.') && !text.endsWith('.');
    for (let k = 0; k < text.length && dnsLike; k++) {
      const c = text.charCodeAt(k);
      if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d)) dnsLike = false;
    }
    const known = text.endsWith('.amazonaws.com') || text.endsWith('.amazonaws.com.cn');
    if (dnsLike && known) return;
    // Unknown suffixes are only a warning: some partitions use their own service domains.
    this.add(
      'Invalid service principal format',
      dnsLike ? 'warning' : 'error',
      `${JSON.stringify(text)} is not a service principal: write the service's lowercase name, e.g. "lambda.amazonaws.com"`,
      node.span.start,
      path,
    );
  }

  private checkFederatedPrincipal(node: ScalarNode, text: string, path: string): void {
    if (WEB_IDENTITY_PROVIDERS.has(text)) return;
    const usage = `use an IAM identity provider ARN (arn:aws:iam::123456789012:saml-provider/Name or …:oidc-provider/host) or one of ${[...WEB_IDENTITY_PROVIDERS].join(', ')}`;
    if (!text.startsWith('arn:')) {
      this.add('Invalid principal format', 'error', `${JSON.stringify(text)} is not a federated principal: ${usage}`, node.span.start, path);
      return;
    }
    const arn = this.principalArn(node, text, path, ['iam']);
    if (!arn) return;
    const r = arn.resource;
    const ok =
      (r.startsWith('saml-provider/') && r.length > 14) || (r.startsWith('oidc-provider/') && r.length > 14);
    if (!ok) this.add('Invalid principal format', 'error', `${JSON.stringify(text)} is not a federated principal: ${usage}`, node.span.start, path);
  }

  /**
   * A scalar-or-array value (Principal and Condition values) as [node, text, path] triples. JSON
   * numbers and booleans count as their text (spec §2.1).
   */
  private scalarList(v: JsonNode, path: string, emptyCode: string, badCode: string, what: string): [ScalarNode, string, string][] {
    if (isScalar(v)) return [[v, scalarText(v), path]];
    if (v.kind !== 'array') {
      this.add(badCode, 'error', `a ${what} value must be a string (or an array of strings), not ${show(v)}`, v.span.start, path);
      return [];
    }
    if (v.items.length === 0) {
      this.add(emptyCode, 'suggestion', `an empty array of ${what} values has murky semantics (spec §8.2): list values or remove it`, v.span.start, path);
    }
    const out: [ScalarNode, string, string][] = [];
    v.items.forEach((item, k) => {
      if (isScalar(item)) out.push([item, scalarText(item), `${path}/${k}`]);
      else this.add(badCode, 'error', `a ${what} value must be a string, not ${show(item)}`, item.span.start, `${path}/${k}`);
    });
    return out;
  }

  // ---- Condition ----

  private checkCondition(e: JsonEntry, path: string): void {
    const v = e.value;
    if (v.kind !== 'object') {
      this.add(
        'Invalid policy element',
        'error',
        `"Condition" must be an object such as {"StringEquals": {"aws:PrincipalTag/team": "dev"}}, not ${show(v)}`,
        v.span.start,
        path,
      );
      return;
    }
    if (v.entries.length === 0) {
      this.add('Empty object condition', 'suggestion', '"Condition" is empty and has no effect: remove it', v.span.start, path);
    }
    const seenOps = new Map<string, JsonEntry>();
    for (const opEntry of v.entries) {
      const opPath = `${path}/${escapePointer(opEntry.key)}`;
      const op = parseOperator(opEntry.key);
      if (!op) {
        const near = closest(opEntry.key, ALL_OPERATORS, 3);
        this.add(
          'Invalid condition operator',
          'error',
          `unknown condition operator ${JSON.stringify(opEntry.key)}` +
            (near ? `: did you mean ${JSON.stringify(near)}?` : '') +
            ' An unknown operator is an error, never a silent no-match (spec §4.1).',
          opEntry.keySpan.start,
          opPath,
        );
      } else {
        const prev = seenOps.get(op.canonical);
        if (prev) {
          const same = prev.key === opEntry.key;
          this.add(
            same ? 'Repeated element' : 'Duplicate keys with different case',
            'error',
            `${JSON.stringify(opEntry.key)} is already used in this Condition (${JSON.stringify(prev.key)} at ${prev.keySpan.start.line}:${prev.keySpan.start.column})${same ? '; JSON readers keep only one' : ''}: merge the two blocks`,
            opEntry.keySpan.start,
            opPath,
          );
        } else {
          seenOps.set(op.canonical, opEntry);
        }
        if (op.caseDiffers) {
          this.add(
            'Condition operator case',
            'warning',
            `write ${JSON.stringify(op.canonical)}: whether IAM accepts other spellings is [UNDOCUMENTED] (spec §4.1)`,
            opEntry.keySpan.start,
            opPath,
          );
        }
        if (op.base.name === 'Null' && op.ifExists) {
          this.add(
            'Null with if exists',
            'error',
            'Null cannot take IfExists: Null itself tests whether the key exists (spec §4.2); use "Null"',
            opEntry.keySpan.start,
            opPath,
          );
        }
        if (op.base.name === 'Null' && op.qualifier) {
          this.add(
            'Null with qualifier',
            'suggestion',
            `${op.qualifier}:Null is constant (always ${op.qualifier === 'ForAllValues' ? 'true' : 'false'}, spec §4.2): use plain "Null"`,
            opEntry.keySpan.start,
            opPath,
          );
        }
      }
      const block = opEntry.value;
      if (block.kind !== 'object') {
        this.add(
          'Invalid policy element',
          'error',
          `the value of ${JSON.stringify(opEntry.key)} must be an object mapping condition keys to values, not ${show(block)}`,
          block.span.start,
          opPath,
        );
        continue;
      }
      if (block.entries.length === 0) {
        this.add('Empty object condition', 'suggestion', `${JSON.stringify(opEntry.key)} has no condition keys and no effect: remove it`, block.span.start, opPath);
      }
      const seenKeys = new Map<string, JsonEntry>();
      for (const ke of block.entries) {
        const kPath = `${opPath}/${escapePointer(ke.key)}`;
        this.checkConditionKey(ke, kPath);
        const lower = ke.key.toLowerCase();
        const prev = seenKeys.get(lower);
        if (prev) {
          // Keys are case-insensitive (spec §4.1): two spellings are the same key twice.
          const same = prev.key === ke.key;
          this.add(
            same ? 'Repeated element' : 'Duplicate keys with different case',
            'error',
            `${JSON.stringify(ke.key)} is already used in this ${opEntry.key} block (${JSON.stringify(prev.key)} at ${prev.keySpan.start.line}:${prev.keySpan.start.column}); condition keys are case-insensitive: merge the values into one key`,
            ke.keySpan.start,
            kPath,
          );
        } else {
          seenKeys.set(lower, ke);
        }
        this.checkConditionValues(op, ke, kPath);
      }
    }
  }

  private checkConditionKey(ke: JsonEntry, path: string): void {
    const key = ke.key;
    const keyNode: StringNode = { kind: 'string', value: key, span: ke.keySpan };
    const dollar = key.indexOf('${');
    if (dollar >= 0) {
      this.add('Variable unsupported in element', 'error', 'policy variables are not allowed in condition keys (spec §5): write the key name', posIn(keyNode, key, dollar), path);
      return;
    }
    const colon = key.indexOf(':');
    // Only the prefix is constrained: tag keys after it may contain spaces ("aws:ResourceTag/Cost Center").
    let ok = colon > 0 && colon < key.length - 1;
    for (let k = 0; ok && k < colon; k++) {
      const c = key.charCodeAt(k);
      // OIDC provider keys carry a URL path in the prefix: oidc.eks.….amazonaws.com/id/X:sub
      if (!isAlnum(c) && c !== 0x2d && c !== 0x2e && c !== 0x2f && c !== 0x5f) ok = false;
    }
    if (!ok) {
      this.add(
        'Invalid condition key format',
        'error',
        `${JSON.stringify(key)} is not a condition key: keys are written prefix:name, e.g. "aws:SourceIp" or "s3:prefix"`,
        ke.keySpan.start,
        path,
      );
    }
  }

  private checkConditionValues(op: ParsedOperator | undefined, ke: JsonEntry, path: string): void {
    const v = ke.value;
    let items: [JsonNode, string][];
    if (v.kind === 'array') {
      if (v.items.length === 0) {
        const q = op?.qualifier;
        this.add(
          'Empty array condition',
          'suggestion',
          q === 'ForAllValues'
            ? 'an empty value list under ForAllValues matches only when the key is missing (spec §8.2): list values or remove the key'
            : 'an empty value list; its meaning is murky (spec §8.2): list values or remove the key',
          v.span.start,
          path,
        );
      }
      items = v.items.map((item, k) => [item, `${path}/${k}`]);
    } else if (isScalar(v)) {
      items = [[v, path]];
    } else {
      this.add(
        'Invalid condition data type',
        'error',
        `a condition value must be a string, number or boolean, or an array of them, not ${show(v)}`,
        v.span.start,
        path,
      );
      return;
    }
    let firstKind: string | undefined;
    let mixedReported = false;
    const scalars: [ScalarNode, string][] = [];
    for (const [item, p] of items) {
      if (!isScalar(item)) {
        this.add('Invalid condition data type', 'error', `a condition value must be a string, number or boolean, not ${show(item)}`, item.span.start, p);
        continue;
      }
      if (firstKind === undefined) firstKind = item.kind;
      else if (item.kind !== firstKind && !mixedReported) {
        mixedReported = true;
        this.add(
          'Invalid condition data type',
          'error',
          `this list mixes JSON ${firstKind}s and ${item.kind}s: write every value the same way, e.g. all as strings`,
          item.span.start,
          p,
        );
      }
      scalars.push([item, p]);
    }
    if (op && op.base.family === 'Bool' && v.kind === 'array' && v.items.length > 1) {
      this.add(
        'Invalid condition multiple Boolean',
        'error',
        'Bool takes one value (spec §4.8): keep either "true" or "false"',
        v.items[1]!.span.start,
        `${path}/1`,
      );
    }
    for (const [item, p] of scalars) this.checkConditionValue(op, item, p);
  }

  private checkConditionValue(op: ParsedOperator | undefined, node: ScalarNode, path: string): void {
    const text = scalarText(node);
    let vars = false;
    if (node.kind === 'string' && text.includes('${')) vars = this.checkTemplate(node, text, 0, path, op);
    if (!op) return;
    const show = JSON.stringify(text);
    switch (op.base.family) {
      case 'Bool':
      case 'Null': {
        if (vars) return;
        if (parseBool(text) < 0) {
          this.add(
            'Type mismatch Boolean',
            'warning',
            op.base.family === 'Null'
              ? `Null takes "true" (key absent) or "false" (key present), not ${show}`
              : `Bool compares with "true" or "false"; ${show} never matches`,
            node.span.start,
            path,
          );
        }
        return;
      }
      case 'Numeric':
        if (!vars && parseDecimal(text) === null) {
          this.add('Type mismatch number', 'warning', `${op.canonical} needs a decimal number such as "10" or "2.5"; ${show} never matches (spec §4.5)`, node.span.start, path);
        }
        return;
      case 'Date': {
        if (vars) return;
        // The engine's parser decides what matches; checkDate only words the warning.
        const d = Number.isNaN(parseInstant(text)) ? checkDate(text) : checkDate(text) === 'no-zone' ? 'no-zone' : 'ok';
        if (d === 'mismatch') {
          this.add(
            'Type mismatch date',
            'warning',
            `${op.canonical} needs an ISO 8601 date such as "2025-01-31" or "2025-01-31T12:00:00Z", or epoch seconds; ${show} never matches (spec §4.6)`,
            node.span.start,
            path,
          );
        } else if (d === 'no-zone') {
          this.add(
            'Type mismatch date',
            'warning',
            `${show} has a time but no time zone, so it is read as UTC: write "Z" or an offset such as "+01:00" to say so (W3C ISO 8601 profile, spec §4.6)`,
            node.span.start,
            path,
          );
        } else if (d === 'invalid') {
          this.add('Invalid date value', 'warning', `${show} is not a real date or time (month, day, hour or minute out of range)`, node.span.start, path);
        }
        return;
      }
      case 'Ip':
        if (!vars && parseCidr(text) === null) {
          this.add(
            'Type mismatch IP range',
            'warning',
            `${op.canonical} needs an IPv4 or IPv6 address or CIDR such as "203.0.113.0/24"; ${show} never matches (spec §4.10)`,
            node.span.start,
            path,
          );
        }
        return;
      case 'Binary':
        if (!vars && decodeBase64(text) === null) {
          this.add('Type mismatch binary', 'warning', `BinaryEquals needs a base64 value; ${show} is not base64 (spec §4.9)`, node.span.start, path);
        }
        return;
      case 'String': {
        if (op.base.wildcards) return;
        // AA warns on all non-Like string operators; IgnoreCase variants compare literally too.
        const w = firstWildcardOutsideVariables(text);
        if (w >= 0) {
          const like = op.base.negated ? 'StringNotLike' : 'StringLike';
          this.add(
            'Wildcard without like operator',
            'warning',
            `${op.base.name} compares "${text[w]}" literally (spec §4.4): use ${like} for a pattern, or \${${text[w]}} to say the literal character`,
            posIn(node, text, w),
            path,
          );
        }
        return;
      }
      case 'Arn':
        if (!text.startsWith('arn:') && firstWildcard(text) < 0 && !vars) {
          this.add('Type mismatch ARN', 'warning', `${op.canonical} compares ARNs; ${show} is not an ARN and never matches (spec §4.7)`, node.span.start, path);
        }
        return;
    }
  }
}

// ---- helpers ----

const ALL_OPERATORS: string[] = (() => {
  const out: string[] = [];
  for (const q of ['', 'ForAllValues:', 'ForAnyValue:']) for (const b of BASE_OPERATORS) for (const s of ['', 'IfExists']) out.push(q + b.name + s);
  return out;
})();

/** `"*"`, `["*"]`, `{"AWS": "*"}` or `{"AWS": ["*"]}`. */
function isStar(e: JsonEntry): boolean {
  const v = e.value;
  const starItem = (n: JsonNode): boolean => (n.kind === 'string' && n.value === '*') || (n.kind === 'array' && n.items.length === 1 && starItem(n.items[0]!));
  if (starItem(v)) return true;
  return v.kind === 'object' && v.entries.length === 1 && v.entries[0]!.key === 'AWS' && starItem(v.entries[0]!.value);
}

function isRcpFullAccess(els: Map<string, JsonEntry>): boolean {
  const star = (e: JsonEntry | undefined): boolean =>
    !!e &&
    ((e.value.kind === 'string' && e.value.value === '*') ||
      (e.value.kind === 'array' && e.value.items.length === 1 && e.value.items[0]!.kind === 'string' && e.value.items[0]!.value === '*'));
  return (
    star(els.get('Action')) &&
    star(els.get('Resource')) &&
    els.get('Principal')?.value.kind === 'string' &&
    star(els.get('Principal')) &&
    !els.has('Condition') &&
    !els.has('NotAction') &&
    !els.has('NotResource') &&
    !els.has('NotPrincipal')
  );
}

function isScalar(n: JsonNode): n is ScalarNode {
  return n.kind === 'string' || n.kind === 'number' || n.kind === 'boolean';
}

/** JSON numbers and booleans as their text (spec §2.1); numbers as written. */
export function scalarText(n: ScalarNode): string {
  if (n.kind === 'string') return n.value;
  if (n.kind === 'number') return n.raw || String(n.value);
  return n.value ? 'true' : 'false';
}

/** A short description of a node for messages. */
function show(n: JsonNode): string {
  switch (n.kind) {
    case 'string':
      return n.value.length > 60 ? JSON.stringify(n.value.slice(0, 57) + '...') : JSON.stringify(n.value);
    case 'number':
      return `the number ${n.raw || n.value}`;
    case 'boolean':
      return `the boolean ${n.value}`;
    case 'null':
      return 'null';
    case 'array':
      return 'an array';
    case 'object':
      return 'an object';
  }
}

/**
 * The position of character `offset` of a string value. Exact when the value is written on one
 * line without escapes (quoted JSON/YAML, or a plain YAML scalar); otherwise the value's start.
 */
function posIn(node: JsonNode, value: string, offset: number): Position {
  const { start, end } = node.span;
  if (start.line === end.line) {
    const width = end.column - start.column;
    if (node.kind === 'string' && width === value.length + 2) return { line: start.line, column: start.column + 1 + offset };
    if (width === value.length) return { line: start.line, column: start.column + offset };
  }
  return start;
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.column < b.column);
}

/** Splits at the first five colons: comps[0] is "arn"; offs are start offsets of each component. */
function splitArn(v: string): { comps: string[]; offs: number[] } {
  const comps: string[] = [];
  const offs: number[] = [];
  let from = 0;
  for (let k = 0; k < 5; k++) {
    const c = v.indexOf(':', from);
    if (c < 0) break;
    comps.push(v.slice(from, c));
    offs.push(from);
    from = c + 1;
  }
  comps.push(v.slice(from));
  offs.push(from);
  return { comps, offs };
}

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}
function isUpperAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a);
}
function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}
function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}
function isAccount(s: string): boolean {
  return s.length === 12 && isDigits(s);
}
function hasWildcard(s: string): boolean {
  return s.includes('*') || s.includes('?');
}
function firstWildcard(s: string): number {
  for (let k = 0; k < s.length; k++) if (s[k] === '*' || s[k] === '?') return k;
  return -1;
}
/** First `*`/`?` not inside `${…}` (which are variables or the literals `${*}` `${?}`). */
function firstWildcardOutsideVariables(s: string): number {
  for (let k = 0; k < s.length; k++) {
    const c = s[k];
    if (c === '$' && s[k + 1] === '{') {
      const close = s.indexOf('}', k + 2);
      if (close < 0) return -1;
      k = close;
    } else if (c === '*' || c === '?') return k;
  }
  return -1;
}
function firstWhitespace(s: string): number {
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xa0) return k;
  }
  return -1;
}
/** IAM names: [\w+=,.@-] (user, role, session names). */
function isIamName(s: string): boolean {
  if (s.length === 0) return false;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (!isAlnum(c) && !'+=,.@_-'.includes(s[k]!)) return false;
  }
  return true;
}
/** `[path/]name` after user/ or role/. */
function isIamPath(s: string): boolean {
  if (s === '' || s.endsWith('/')) return false;
  return s.split('/').every((seg, k, all) => (k === all.length - 1 ? isIamName(seg) : seg === '' || isIamName(seg)));
}
/** Region codes such as us-east-1, us-gov-west-1, eu-isoe-west-1: [a-z]+(-[a-z0-9]+)*-digits. */
function isRegion(s: string): boolean {
  const parts = s.split('-');
  if (parts.length < 2) return false;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!/^[a-z]+$/.test(first) || !isDigits(last)) return false;
  return parts.slice(1, -1).every((p) => /^[a-z0-9]+$/.test(p));
}

const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** W3C profile of ISO 8601, or epoch seconds (spec §4.6). */
function checkDate(s: string): 'ok' | 'mismatch' | 'no-zone' | 'invalid' {
  if (/^-?\d+$/.test(s)) return 'ok'; // epoch seconds (and plain YYYY)
  const m = DATE_RE.exec(s);
  if (!m) return 'mismatch';
  const [, y, mo, d, h, mi, sec, tz] = m;
  if (h !== undefined && tz === undefined) return 'no-zone'; // a time needs Z or ±hh:mm
  const year = Number(y);
  if (mo !== undefined) {
    const month = Number(mo);
    if (month < 1 || month > 12) return 'invalid';
    if (d !== undefined) {
      const day = Number(d);
      const dim = new Date(Date.UTC(year, month, 0)).getUTCDate();
      if (day < 1 || day > dim) return 'invalid';
    }
  }
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59)) return 'invalid';
  if (sec !== undefined && Number(sec) > 59) return 'invalid';
  if (tz !== undefined && tz !== 'Z' && (Number(tz.slice(1, 3)) > 23 || Number(tz.slice(4, 6)) > 59)) return 'invalid';
  return 'ok';
}

/** Characters outside whitespace that lies outside strings (spec §8.1). */
function sizeWithoutWhitespace(text: string): number {
  let n = 0;
  let inString = false;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (inString) {
      n++;
      if (c === 0x5c) {
        k++;
        n++;
      } else if (c === 0x22) inString = false;
    } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      continue;
    } else {
      n++;
      if (c === 0x22) inString = true;
    }
  }
  return n;
}

/** Length of the node written as compact JSON (for nodes that came from YAML or objects). */
function compactLength(root: JsonNode): number {
  let n = 0;
  const stack: JsonNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    switch (node.kind) {
      case 'string':
        n += JSON.stringify(node.value).length;
        break;
      case 'number':
        n += (node.raw || String(node.value)).length;
        break;
      case 'boolean':
        n += node.value ? 4 : 5;
        break;
      case 'null':
        n += 4;
        break;
      case 'array':
        n += 2 + Math.max(0, node.items.length - 1);
        for (const item of node.items) stack.push(item);
        break;
      case 'object':
        n += 2 + Math.max(0, node.entries.length - 1);
        for (const e of node.entries) {
          n += JSON.stringify(e.key).length + 1;
          stack.push(e.value);
        }
        break;
    }
  }
  return n;
}

/** "Did you mean" hints cost an edit-distance scan each: at most this many per policy. */
const MAX_HINTS = 50;
let hintBudget = MAX_HINTS;

/** The candidate within `max` edits of `word` (case-insensitive), if any; used for hints only. */
function closest(word: string, candidates: readonly string[], max: number): string | undefined {
  if (word.length > 64 || hintBudget <= 0) return undefined;
  hintBudget--;
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = max + 1;
  for (const c of candidates) {
    if (Math.abs(c.length - w.length) >= bestD) continue;
    const d = editDistance(w, c, bestD - 1);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}
