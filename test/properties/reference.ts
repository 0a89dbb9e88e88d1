// A deliberately plain, slow reference evaluator, written straight from
// ../shared/spec/iam-evaluation.md §1.7 (decision flow), §2.2/§3 (matching), §4 (conditions) and
// §5 (variables). It reads the policy JSON documents as they are written: no compilation, no
// indexing, no caching, its own backtracking glob and its own condition evaluation. It shares only
// the engine's normalised Request (principal kind, context map) — building a request is not
// evaluation — the catalog's list of RCP-supported services (spec §1.5: "keep it data-driven"), and
// the tables of §1.9 (no-permission actions, protected resources: data, each row citing AWS).
//
// Where the spec leaves a choice open, the choice is written next to the code with its section.

import { catalog } from '../../src/catalog/index.ts';
import { NO_PERMISSION_ACTIONS, PROTECTED_RESOURCES } from '../../src/engine/aws-rules.ts';
import type { ContextValue, Decision, Principal, Request } from '../../src/engine/index.ts';

/** A named policy document as the JSON a user writes. */
export interface PolicyDoc {
  name: string;
  type: 'identity' | 'resource' | 'boundary' | 'session' | 'scp' | 'rcp' | 'endpoint';
  doc: Record<string, unknown>;
}

/** Every policy that may apply to a request: the reference and the engine read the same world. */
export interface World {
  identity: PolicyDoc[];
  boundary: PolicyDoc | null;
  /** null: no session policy was passed. */
  session: PolicyDoc[] | null;
  resource: PolicyDoc | null;
  /** The VPC endpoint the request comes through, when there is one (§1.8). */
  endpoint?: PolicyDoc | null;
  /** Per organization level, root first. */
  scps: PolicyDoc[][];
  rcps: PolicyDoc[][];
  organization?: { managementAccount?: string; accounts?: string[] };
}

export interface RefResult {
  decision: Decision;
  /** `policy#index` of the deciding statements (denies for explicitDeny, allows for allowed). */
  decidedBy: string[];
}

// ---------------------------------------------------------------------------------------------
// A naive glob (spec §3.1, §3.2, §4.4): `*` any run, `?` one character, whole-string. Pattern
// characters carry a flag: literal characters from `${*}` or from substituted variables never glob.

export interface PChar {
  c: string;
  wild: boolean;
}

export function plain(text: string): PChar[] {
  return [...text].map((c) => ({ c, wild: c === '*' || c === '?' }));
}

function literal(text: string): PChar[] {
  return [...text].map((c) => ({ c, wild: false }));
}

/** Backtracking match with a memo table (exponential without it; the inputs here are short). */
export function refGlob(p: readonly PChar[], s: string, fold = false): boolean {
  const f = (x: string): string => (fold ? foldText(x) : x);
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * 100003 + j;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === p.length) r = j === s.length;
    else {
      const pc = p[i]!;
      if (pc.wild && pc.c === '*') r = go(i + 1, j) || (j < s.length && go(i, j + 1));
      else if (pc.wild && pc.c === '?') r = j < s.length && go(i + 1, j + 1);
      else r = j < s.length && f(s[j]!) === f(pc.c) && go(i + 1, j + 1);
    }
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

/** Plain string glob for tests: `*` and `?` are wildcards everywhere. */
export function refGlobString(pattern: string, s: string, ignoreCase = false): boolean {
  return refGlob(plain(pattern), s, ignoreCase);
}

/** Latin-1 lower-casing (spec §4.4 [UNDOCUMENTED]: policy text is U+0000–U+00FF). */
function foldText(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += (c >= 0x41 && c <= 0x5a) || (c >= 0xc0 && c <= 0xde && c !== 0xd7) ? String.fromCharCode(c + 0x20) : ch;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Policy variables (spec §5)

type Part = { kind: 'text'; text: string } | { kind: 'lit'; text: string } | { kind: 'var'; key: string; def?: string };

/** Splits `${…}` out of a value. Without variables (Version ≠ 2012-10-17) it is all text. */
function templateParts(s: string, variables: boolean): Part[] {
  if (!variables) return [{ kind: 'text', text: s }];
  const out: Part[] = [];
  let i = 0;
  while (i < s.length) {
    const a = s.indexOf('${', i);
    if (a < 0) {
      out.push({ kind: 'text', text: s.slice(i) });
      break;
    }
    if (a > i) out.push({ kind: 'text', text: s.slice(i, a) });
    const b = s.indexOf('}', a);
    const body = s.slice(a + 2, b);
    i = b + 1;
    if (body === '*' || body === '?' || body === '$') {
      out.push({ kind: 'lit', text: body });
      continue;
    }
    const comma = body.indexOf(',');
    if (comma < 0) out.push({ kind: 'var', key: body });
    else {
      // `${key, 'default'}` (comma, one space, quoted default)
      const rest = body.slice(comma + 1).trim();
      out.push({ kind: 'var', key: body.slice(0, comma), def: rest.slice(1, -1) });
    }
  }
  return out;
}

/** A single-valued key's value, or undefined (absent, empty, or multivalued: spec §5). */
function variableValue(ctx: ReadonlyMap<string, ContextValue>, key: string): string | undefined {
  for (const [k, v] of ctx) {
    if (k.toLowerCase() === key.toLowerCase()) {
      if (v.list || v.values.length !== 1) return undefined;
      return v.values[0];
    }
  }
  return undefined;
}

/** Resolves parts to pattern characters; null when a variable has no value and no default. */
function resolveParts(parts: Part[], ctx: ReadonlyMap<string, ContextValue>, wildcards: boolean): PChar[] | null {
  const out: PChar[] = [];
  for (const p of parts) {
    if (p.kind === 'text') out.push(...(wildcards ? plain(p.text) : literal(p.text)));
    else if (p.kind === 'lit') out.push(...literal(p.text));
    else {
      const v = variableValue(ctx, p.key) ?? p.def;
      if (v === undefined) return null;
      out.push(...literal(v)); // substituted values are literal text ([UNDOCUMENTED], spec §5)
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// ARNs (spec §3.2, §4.7): six colon-separated components, the last one is the rest of the string.

function arnComponents(s: string): string[] | null {
  if (!s.startsWith('arn:')) return null;
  const out: string[] = [];
  let rest = s;
  for (let i = 0; i < 5; i++) {
    const c = rest.indexOf(':');
    if (c < 0) return null;
    out.push(rest.slice(0, c));
    rest = rest.slice(c + 1);
  }
  out.push(rest);
  return out;
}

/** Splits a pattern (already as characters) at its first five non-variable colons. */
function splitPattern(p: PChar[], colonable: boolean[]): PChar[][] {
  const comps: PChar[][] = [[]];
  p.forEach((pc, k) => {
    if (pc.c === ':' && colonable[k] && comps.length < 6) comps.push([]);
    else comps[comps.length - 1]!.push(pc);
  });
  return comps;
}

/**
 * ARN pattern vs ARN value: per-component globs for the first five components, the sixth against
 * the remainder (spec §3.2 recommended implementation). A short pattern (fewer than six
 * components) matches only when its last component ends with a wildcard `*`; that component then
 * covers the rest of the value from there on (§3.2 "expands beyond colon boundaries", §10).
 */
function arnMatch(parts: Part[], value: string, ctx: ReadonlyMap<string, ContextValue>): boolean | null {
  const chars: PChar[] = [];
  const colonable: boolean[] = [];
  for (const p of parts) {
    if (p.kind === 'text') {
      for (const pc of plain(p.text)) {
        chars.push(pc);
        colonable.push(true);
      }
    } else if (p.kind === 'lit') {
      chars.push({ c: p.text, wild: false });
      colonable.push(false);
    } else {
      const v = variableValue(ctx, p.key) ?? p.def;
      if (v === undefined) return null;
      for (const pc of literal(v)) {
        chars.push(pc);
        colonable.push(false);
      }
    }
  }
  const comps = splitPattern(chars, colonable);
  const vc = arnComponents(value);
  if (vc === null) return false;
  if (comps.length < 6) {
    const last = comps[comps.length - 1]!;
    if (last.length === 0 || !(last[last.length - 1]!.wild && last[last.length - 1]!.c === '*')) return false;
    for (let i = 0; i < comps.length - 1; i++) if (!refGlob(comps[i]!, vc[i]!)) return false;
    return refGlob(last, vc.slice(comps.length - 1).join(':'));
  }
  for (let i = 0; i < 6; i++) if (!refGlob(comps[i]!, vc[i]!)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Statements as written

type Json = Record<string, unknown>;

function list(v: unknown): unknown[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function statements(doc: Json): Json[] {
  return list(doc.Statement) as Json[];
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : String(v);
}

/** Action element (spec §3.1): both parts case-insensitive, `*` alone is everything. */
function actionListed(patterns: unknown[], action: string): boolean {
  const a = action.toLowerCase();
  const colon = a.indexOf(':');
  for (const raw of patterns) {
    const p = text(raw).toLowerCase();
    if (p === '*') return true;
    const pc = p.indexOf(':');
    if (pc < 0 || colon < 0) continue;
    if (refGlobString(p.slice(0, pc), a.slice(0, colon)) && refGlobString(p.slice(pc + 1), a.slice(colon + 1))) return true;
  }
  return false;
}

/** Resource element (spec §3.2, §5): `*` matches everything incl. `*`; variables in the resource part. */
function resourceListed(patterns: unknown[], resource: string, ctx: ReadonlyMap<string, ContextValue>, variables: boolean): boolean {
  for (const raw of patterns) {
    const p = text(raw);
    if (p === '*') return true;
    if (resource === '*') continue; // only the lone `*` matches "no resource" (§3.1)
    if (!p.startsWith('arn:')) {
      if (p === resource) return true;
      continue;
    }
    // Variables are only allowed after the fifth colon (validated); split the text first.
    let cut = -1;
    let from = 0;
    for (let i = 0; i < 5; i++) {
      cut = p.indexOf(':', from);
      if (cut < 0) break;
      from = cut + 1;
    }
    const parts: Part[] =
      cut < 0 ? [{ kind: 'text', text: p }] : [{ kind: 'text', text: p.slice(0, cut + 1) }, ...templateParts(p.slice(cut + 1), variables)];
    if (arnMatch(parts, resource, ctx) === true) return true; // null: a variable without value matches nothing
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Conditions (spec §4)

interface Op {
  qualifier: 'ForAllValues' | 'ForAnyValue' | null;
  base: string;
  ifExists: boolean;
  family: 'String' | 'Numeric' | 'Date' | 'Bool' | 'Binary' | 'Ip' | 'Arn' | 'Null';
  negated: boolean;
}

function parseOp(written: string): Op {
  let rest = written;
  let qualifier: Op['qualifier'] = null;
  if (rest.startsWith('ForAllValues:')) {
    qualifier = 'ForAllValues';
    rest = rest.slice('ForAllValues:'.length);
  } else if (rest.startsWith('ForAnyValue:')) {
    qualifier = 'ForAnyValue';
    rest = rest.slice('ForAnyValue:'.length);
  }
  const ifExists = rest.endsWith('IfExists');
  const base = ifExists ? rest.slice(0, -'IfExists'.length) : rest;
  const family: Op['family'] = base.startsWith('String')
    ? 'String'
    : base.startsWith('Numeric')
      ? 'Numeric'
      : base.startsWith('Date')
        ? 'Date'
        : base === 'Bool'
          ? 'Bool'
          : base === 'BinaryEquals'
            ? 'Binary'
            : base === 'IpAddress' || base === 'NotIpAddress'
              ? 'Ip'
              : base.startsWith('Arn')
                ? 'Arn'
                : 'Null';
  const negated = base.includes('Not');
  return { qualifier, base, ifExists, family, negated };
}

function parseNumber(s: string): number | null {
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(s) ? Number(s) : null;
}

function parseDate(s: string): number | null {
  if (/^-?\d+(\.\d+)?$/.test(s) && !/^\d{4}$/.test(s)) return Number(s) * 1000; // epoch seconds
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(s);
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', sec = '00', frac = '', tz = 'Z'] = m;
  const Y = +y!;
  const M = +mo;
  const D = +d;
  if (M < 1 || M > 12 || D < 1 || D > new Date(Date.UTC(Y, M, 0)).getUTCDate()) return null;
  if (+h > 23 || +mi > 59 || +sec > 59) return null;
  let off = 0;
  if (tz !== 'Z') {
    const oh = +tz.slice(1, 3);
    const om = +tz.slice(4, 6);
    if (oh > 23 || om > 59) return null;
    off = (tz[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const base = Date.UTC(Y, M - 1, D, +h, +mi, +sec);
  const fracMs = frac ? Number('0.' + frac) * 1000 : 0;
  return base - off * 60_000 + fracMs;
}

function parseBool(s: string): boolean | null {
  const l = s.toLowerCase();
  return l === 'true' ? true : l === 'false' ? false : null;
}

/** IPv4 / IPv6 address → [version, 32- or 128-bit value]. */
function parseIp(s: string): [4 | 6, bigint] | null {
  if (s.includes(':')) {
    if (!/^[0-9a-fA-F:.]+$/.test(s)) return null;
    const halves = s.split('::');
    if (halves.length > 2) return null;
    const groups = (h: string): string[] => (h === '' ? [] : h.split(':'));
    const head = groups(halves[0]!);
    const tail = halves.length === 2 ? groups(halves[1]!) : [];
    const expand = (gs: string[]): string[] | null => {
      const out: string[] = [];
      for (const g of gs) {
        if (g.includes('.')) {
          const v4 = parseIp(g);
          if (!v4 || v4[0] !== 4) return null;
          out.push(((v4[1] >> 16n) & 0xffffn).toString(16), (v4[1] & 0xffffn).toString(16));
        } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) out.push(g);
        else return null;
      }
      return out;
    };
    const h = expand(head);
    const t = expand(tail);
    if (!h || !t) return null;
    const missing = 8 - h.length - t.length;
    if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
    const all = [...h, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...t];
    return [6, all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n)];
  }
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const octets = m.slice(1).map((o) => (o.length > 1 && o.startsWith('0') ? 256 : +o));
  if (octets.some((o) => o > 255)) return null;
  return [4, octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n)];
}

function parseCidr(s: string): { v: 4 | 6; net: bigint; bits: number } | null {
  const [addr, prefix] = s.split('/');
  const ip = parseIp(addr!);
  if (!ip) return null;
  const max = ip[0] === 4 ? 32 : 128;
  const bits = prefix === undefined ? max : /^\d{1,3}$/.test(prefix) ? +prefix : NaN;
  if (!(bits >= 0 && bits <= max)) return null;
  const shift = BigInt(max - bits);
  return { v: ip[0], net: (ip[1] >> shift) << shift, bits };
}

function b64(s: string): string | null {
  const t = s.replace(/-/g, '+').replace(/_/g, '/');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(t)) return null;
  const body = t.replace(/=+$/, '');
  if (body.length % 4 === 1) return null;
  if (t.length !== body.length && t.length % 4 !== 0) return null;
  return Buffer.from(body, 'base64').toString('hex');
}

const UNREADABLE = Symbol('unreadable');

/**
 * Does the request value stand in the operator's positive relation to ANY policy value (OR)?
 * UNREADABLE when the request value cannot be read for the family (spec §4.12: such a value fails
 * for positive and negated operators alike). Policy values that cannot be read never match.
 */
function anyValue(op: Op, r: string, values: string[], ctx: ReadonlyMap<string, ContextValue>, variables: boolean): boolean | typeof UNREADABLE {
  const rel = (cmp: number): boolean => {
    const b = op.base.replace('Not', '');
    if (b.endsWith('GreaterThanEquals')) return cmp >= 0;
    if (b.endsWith('GreaterThan')) return cmp > 0;
    if (b.endsWith('LessThanEquals')) return cmp <= 0;
    if (b.endsWith('LessThan')) return cmp < 0;
    return cmp === 0;
  };
  switch (op.family) {
    case 'String': {
      const like = op.base.includes('Like');
      const fold = op.base.includes('IgnoreCase');
      return values.some((v) => {
        const p = resolveParts(templateParts(v, variables), ctx, like);
        if (p === null) return false; // a variable without value matches nothing (§5)
        return refGlob(p, r, fold);
      });
    }
    case 'Numeric': {
      const x = parseNumber(r);
      if (x === null) return UNREADABLE;
      return values.some((v) => {
        const y = parseNumber(v);
        return y !== null && rel(Math.sign(x - y));
      });
    }
    case 'Date': {
      const x = parseDate(r);
      if (x === null) return UNREADABLE;
      return values.some((v) => {
        const y = parseDate(v);
        return y !== null && rel(Math.sign(x - y));
      });
    }
    case 'Bool': {
      const x = parseBool(r);
      if (x === null) return UNREADABLE;
      return values.some((v) => parseBool(v) === x);
    }
    case 'Binary': {
      const x = b64(r);
      if (x === null) return UNREADABLE;
      return values.some((v) => b64(v) === x);
    }
    case 'Ip': {
      const ip = parseIp(r);
      if (!ip) return UNREADABLE;
      return values.some((v) => {
        const c = parseCidr(v);
        if (!c || c.v !== ip[0]) return false;
        const shift = BigInt((c.v === 4 ? 32 : 128) - c.bits);
        return (ip[1] >> shift) << shift === c.net;
      });
    }
    case 'Arn': {
      if (arnComponents(r) === null) return UNREADABLE;
      return values.some((v) => arnMatch(templateParts(v, variables), r, ctx) === true);
    }
    case 'Null':
      return false;
  }
}

function contextGet(ctx: ReadonlyMap<string, ContextValue>, key: string): string[] | null {
  for (const [k, v] of ctx) if (k.toLowerCase() === key.toLowerCase()) return v.values;
  return null;
}

function conditionEntry(written: string, key: string, rawValues: unknown, ctx: ReadonlyMap<string, ContextValue>, variables: boolean): boolean {
  const op = parseOp(written);
  const values = list(rawValues).map(text);
  const got = contextGet(ctx, key);
  const absent = got === null || got.length === 0; // an empty value list counts as absent (§4.2)
  const ifExists = op.ifExists;
  if (op.family === 'Null') {
    // §4.2: under ForAllValues always true, under ForAnyValue always false (Access Analyzer).
    if (op.qualifier === 'ForAllValues') return true;
    if (op.qualifier === 'ForAnyValue') return false;
    return values.some((v) => parseBool(v) === absent);
  }
  const single = (r: string): boolean => {
    const m = anyValue(op, r, values, ctx, variables);
    if (m === UNREADABLE) return false;
    return op.negated ? !m : m; // NOR for negated operators (§4.1)
  };
  if (op.qualifier === 'ForAllValues') {
    if (absent) return true;
    return got!.every(single);
  }
  if (op.qualifier === 'ForAnyValue') {
    if (absent) return ifExists;
    return got!.some(single);
  }
  if (absent) return ifExists || op.negated;
  if (got!.length > 1) return false; // plain operator on a multivalued key: no match (§4.3)
  return single(got![0]!);
}

function conditionHolds(cond: unknown, ctx: ReadonlyMap<string, ContextValue>, variables: boolean): boolean {
  if (cond === undefined) return true;
  for (const [op, block] of Object.entries(cond as Json)) {
    for (const [key, values] of Object.entries(block as Json)) {
      if (!conditionEntry(op, key, values, ctx, variables)) return false;
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Principals (spec §2.2, §3.3) and the strength of a resource-policy grant (§1.3)

type Strength = 'none' | 'account' | 'roleArn' | 'viaFedUserParent' | 'direct';
const RANK: Record<Strength, number> = { none: 0, account: 1, roleArn: 2, viaFedUserParent: 2, direct: 3 };

function principalValue(key: string, v: string, p: Principal): Strength {
  if (key === 'AWS') {
    if (v === '*') return 'direct';
    // An account id ≡ the account root ARN: the whole account (delegation), not just the root user.
    const account = /^\d{12}$/.test(v) ? v : /^arn:aws:iam::(\d{12}):root$/.exec(v)?.[1];
    if (account !== undefined) return p.account === account ? 'account' : 'none';
    // A unique id stands for the user or role it was stored for (spec §2.2).
    if (/^A[A-Z0-9]{20}$/.test(v)) return p.uniqueId === v ? (p.kind === 'role' ? 'roleArn' : 'direct') : 'none';
    if (/^arn:aws:iam::\d{12}:user\//.test(v)) {
      if (p.kind === 'user' && p.arn === v) return 'direct';
      if (p.kind === 'federated-user' && p.parentUserArn === v) return 'viaFedUserParent';
      return 'none';
    }
    if (/^arn:aws:iam::\d{12}:role\//.test(v)) return p.kind === 'role' && p.roleArn === v ? 'roleArn' : 'none';
    if (/^arn:aws:sts::\d{12}:(assumed-role|federated-user)\//.test(v)) {
      return (p.kind === 'role' || p.kind === 'federated-user') && p.arn === v ? 'direct' : 'none';
    }
    return 'none';
  }
  if (key === 'Service') return p.kind === 'service' && p.serviceName === v ? 'direct' : 'none';
  return 'none'; // Federated / CanonicalUser callers are not modelled as request principals
}

function principalStrength(el: unknown, p: Principal): Strength {
  if (el === '*') return 'direct';
  let best: Strength = 'none';
  for (const [key, vals] of Object.entries(el as Json)) {
    for (const v of list(vals)) {
      const s = principalValue(key, text(v), p);
      if (RANK[s] > RANK[best]) best = s;
    }
  }
  return best;
}

/**
 * NotPrincipal excludes the caller only when every link AWS may check is listed (spec §2.2):
 * the account, and the user / federated user / role (for a role session) itself.
 */
function notPrincipalExcludes(el: unknown, p: Principal): boolean {
  const values: string[] = [];
  if (el === '*') return true;
  for (const [key, vals] of Object.entries(el as Json)) for (const v of list(vals)) values.push(`${key} ${text(v)}`);
  if (values.includes('AWS *')) return true;
  const listed = (v: string | undefined) => v !== undefined && values.includes(`AWS ${v}`);
  const account = p.account !== undefined && (listed(p.account) || values.some((v) => v.startsWith('AWS arn:') && v.endsWith(`:iam::${p.account}:root`)));
  if (p.kind === 'root') return account;
  if (p.kind === 'user' || p.kind === 'federated-user') return account && (listed(p.arn) || listed(p.uniqueId));
  if (p.kind === 'role') return account && (listed(p.roleArn) || listed(p.uniqueId));
  if (p.kind === 'service') return values.includes(`Service ${p.serviceName}`);
  return false;
}

// ---------------------------------------------------------------------------------------------
// The decision (spec §1.1–§1.7)

interface Hit {
  id: string;
  deny: boolean;
  strength: Strength;
}

/** Which policy groups apply to a request (spec §1.1, §1.4, §1.5). */
export interface Applicability {
  identity: boolean;
  boundary: boolean;
  session: boolean;
  scp: boolean;
  rcp: boolean;
}

export function applicability(world: World, req: Request): Applicability {
  const p = req.principal;
  const signed = p.kind !== 'anonymous' && p.kind !== 'service';
  // The root user has no identity policies, boundary or session.
  const iam = p.kind === 'user' || p.kind === 'role' || p.kind === 'federated-user';
  const org = world.organization;
  const inOrg = (account: string | undefined): boolean =>
    account !== undefined && account !== org?.managementAccount && (org?.accounts === undefined || org.accounts.includes(account));
  return {
    identity: iam,
    boundary: iam && world.boundary !== null,
    session: p.kind === 'role' || p.kind === 'federated-user',
    // SCPs: principals of member accounts; never anonymous or service callers, the management
    // account or service-linked roles (§1.4, §1.5).
    scp: world.scps.length > 0 && signed && !p.serviceLinked && inOrg(p.account),
    // RCPs: resources of member accounts, of the services RCPs support, except kms:RetireGrant (§1.5).
    rcp:
      world.rcps.length > 0 &&
      !p.serviceLinked &&
      inOrg(req.resourceAccount) &&
      catalog.rcpServices().has(req.action.toLowerCase().split(':')[0]!) &&
      req.action.toLowerCase() !== 'kms:retiregrant',
  };
}

/**
 * §1.9: what AWS does before any policy. The tables are data (src/engine/aws-rules.ts, each row
 * with its AWS source); looking a request up in them is written here, independently.
 */
export function awsRule(req: Request): 'allowed' | 'refused' | null {
  const action = req.action.toLowerCase();
  const p = req.principal;
  for (const r of NO_PERMISSION_ACTIONS) {
    if (r.action.toLowerCase() !== action) continue;
    if (r.callers.includes(p.kind)) return 'allowed';
    return r.refused?.callers.includes(p.kind) ? 'refused' : null;
  }
  const arn = arnComponents(req.resource);
  if (!arn) return null;
  for (const r of PROTECTED_RESOURCES) {
    if (!r.actions.some((a) => a.toLowerCase() === action)) continue;
    if (arn[2] !== r.service || (r.account !== undefined && arn[4] !== r.account) || !arn[5]!.startsWith(r.resourcePrefix)) continue;
    // The owning service (a service principal or one of its service-linked roles) may change it.
    if (r.ownerMayChange && (p.kind === 'service' || p.serviceLinked)) continue;
    return 'refused';
  }
  return null;
}

export function referenceDecide(world: World, req: Request): RefResult {
  const p = req.principal;
  const ctx = req.context;
  // §1.9: no permission is required — not even an explicit Deny stops it.
  const rule = awsRule(req);
  if (rule === 'allowed') return { decision: 'allowed', decidedBy: [] };
  const signed = p.kind !== 'anonymous' && p.kind !== 'service';
  const isSession = p.kind === 'role' || p.kind === 'federated-user';
  const app = applicability(world, req);

  /** The matching statements of one policy group. `rbp`: resource policy (Principal decides). */
  const matching = (docs: PolicyDoc[], rbp: boolean): Hit[] => {
    const hits: Hit[] = [];
    for (const pd of docs) {
      const variables = pd.doc.Version === '2012-10-17';
      statements(pd.doc).forEach((s, index) => {
        const actionOk = s.Action !== undefined ? actionListed(list(s.Action), req.action) : !actionListed(list(s.NotAction), req.action);
        if (!actionOk) return;
        let resourceOk = true;
        if (s.Resource !== undefined) resourceOk = resourceListed(list(s.Resource), req.resource, ctx, variables);
        else if (s.NotResource !== undefined) {
          const listed = resourceListed(list(s.NotResource), req.resource, ctx, variables);
          resourceOk = !listed;
        }
        if (!resourceOk) return;
        let strength: Strength = 'direct';
        if (rbp) {
          if (s.Principal !== undefined) strength = principalStrength(s.Principal, p);
          else if (s.NotPrincipal !== undefined) {
            // NotPrincipal (Deny only): applies unless the caller is excluded — and always to a
            // principal with a permissions boundary (§1.3 NotPrincipal trap).
            strength = app.boundary || !notPrincipalExcludes(s.NotPrincipal, p) ? 'direct' : 'none';
          } else strength = 'none'; // no Principal in a resource policy never matches (§3.3)
          if (strength === 'none') return;
        }
        if (!conditionHolds(s.Condition, ctx, variables)) return;
        hits.push({ id: `${pd.name}#${index}`, deny: s.Effect === 'Deny', strength });
      });
    }
    return hits;
  };

  const identity = app.identity ? matching(world.identity, false) : [];
  const boundary = app.boundary ? matching([world.boundary!], false) : [];
  const session = app.session && world.session ? matching(world.session, false) : [];
  const resource = world.resource ? matching([world.resource], true) : [];
  // §1.8: the endpoint policy names principals like a resource policy (any form that names the caller counts).
  const endpoint = world.endpoint ? matching([world.endpoint], true) : [];
  const scps = app.scp ? world.scps.map((level) => matching(level, false)) : [];
  const rcps = app.rcp ? world.rcps.map((level) => matching(level, false)) : [];

  const all = [...identity, ...boundary, ...session, ...resource, ...endpoint, ...scps.flat(), ...rcps.flat()];
  const denies = all.filter((h) => h.deny);
  if (denies.length > 0) return { decision: 'explicitDeny', decidedBy: denies.map((h) => h.id) };
  // §1.9: a refusal outranks every Allow (matching Denies above still name themselves).
  if (rule === 'refused') return { decision: 'explicitDeny', decidedBy: [] };

  const allows = (hits: Hit[]): Hit[] => hits.filter((h) => !h.deny);
  const allowed = (): RefResult => ({ decision: 'allowed', decidedBy: allows(all).map((h) => h.id) });
  const implicitDeny: RefResult = { decision: 'implicitDeny', decidedBy: [] };

  // RCPs (§1.1 step 3): RCPFullAWSAccess is attached to every level and cannot be detached, so
  // every level has a matching Allow whether or not the world lists it: only Denies restrict, and
  // they were swept above. (Listed RCPFullAWSAccess statements still count among the allows.)

  // SCPs (§1.1 step 4): an Allow at every level, root to account.
  if (app.scp && scps.some((level) => allows(level).length === 0)) return implicitDeny;

  // §1.8: the endpoint policy is a ceiling on every request through it, whoever the caller.
  if (world.endpoint && allows(endpoint).length === 0) return implicitDeny;

  const rbp = allows(resource).reduce<Strength>((best, h) => (RANK[h.strength] > RANK[best] ? h.strength : best), 'none');

  // Anonymous callers and service principals: only a resource-policy Allow naming them grants (§1.7).
  if (!signed) return rbp === 'direct' ? allowed() : implicitDeny;

  // The root user is identity-allowed for everything (§1.1 step 1, §1.7).
  const idAllow = p.kind === 'root' || allows(identity).length > 0;
  const boundaryOk = !app.boundary || allows(boundary).length > 0;
  // §1.1 step 8: no session policy passed → role sessions keep the role's permissions,
  // federated-user sessions have none.
  const sessionOk = !isSession || (world.session === null ? p.kind === 'role' : allows(session).length > 0);

  const crossAccount = req.resourceAccount !== undefined && req.resourceAccount !== p.account;
  if (crossAccount) {
    if (rbp === 'none') return implicitDeny;
    if (!idAllow || !boundaryOk || !sessionOk) return implicitDeny;
    return allowed();
  }
  if (rbp === 'direct') return allowed();
  if (rbp === 'roleArn' || rbp === 'viaFedUserParent' || idAllow) {
    if (mustHaveResourceAllow(req) && rbp === 'none') return implicitDeny;
    if (rbp === 'account' && !idAllow) return implicitDeny;
    if (!boundaryOk || !sessionOk) return implicitDeny;
    return allowed();
  }
  return implicitDeny;
}

/** §1.2: KMS key policies and role trust policies must themselves allow, even in the same account. */
function mustHaveResourceAllow(req: Request): boolean {
  const arn = arnComponents(req.resource);
  if (!arn) return false;
  const a = req.action.toLowerCase();
  if (a.startsWith('kms:') && arn[2] === 'kms' && arn[5]!.startsWith('key/')) return true;
  return a.startsWith('sts:assumerole') && arn[2] === 'iam' && arn[5]!.startsWith('role/');
}
