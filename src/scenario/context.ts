// Typing context values (scenario-format.md, "Context"): a YAML value becomes the engine's
// ContextValue (the simulator's ContextKeyType and the values as text).
//
// - `{type, value}` states the type (the simulator's words: string, stringList, numeric, …).
// - Otherwise a key the IAM catalog knows takes the catalog's type (aws:CurrentTime → date,
//   aws:SourceIp → ip, aws:MultiFactorAuthPresent → boolean even when written "true",
//   aws:TagKeys → stringList); a list given for a single-valued key is a list of that type, and a
//   single value given for a multivalued key is a list of one.
// - Otherwise the YAML type decides: booleans → boolean, numbers → numeric, text → string, lists
//   → the list of their elements' type (mixed or empty lists → stringList).
// - null removes the key (it stays in the map as null, so it also removes a key the principal
//   would imply).
// Each value must fit its type, checked with the engine's own parsers (so what loads, the engine
// can compare): numbers are decimals, dates ISO 8601 or epoch seconds, IPs addresses, binary
// base64, booleans true/false. A number keeps the digits it was written with (the loader passes
// the source text), else is written out as a decimal without exponent.
//
// Keys: `prefix:name`. An `aws:` key the catalog does not know, or a key of a service the catalog
// knows that is not among that service's keys, is an error with a did-you-mean, unless the value
// states its type (the escape hatch for keys newer than the catalog). Keys of other prefixes
// (OIDC providers such as token.actions.githubusercontent.com, SAML) are accepted as written.

import { catalog, contextTypeForKey } from '../catalog/index.ts';
import type { ContextType, ContextValue } from '../engine/request.ts';
import { decodeBase64, parseBool, parseDecimal, parseInstant, parseRequestAddress } from '../policy/values.ts';
import { closest } from '../policy/names.ts';
import { CONTEXT_KEY_TYPES, type ContextKeyType, type ContextValueInput } from './schema.ts';
import type { PathSegment } from './yaml.ts';

/** A value that does not fit; `path` is relative to the value (e.g. [2] for a list's third item). */
export class ContextValueError extends Error {
  override readonly name = 'ContextValueError';
  constructor(
    message: string,
    readonly path: PathSegment[] = [],
    /** The problem is the key itself (point at the key, not the value). */
    readonly atKey = false,
  ) {
    super(message);
  }
}

/** `ipList` → {type: 'ip', list: true}. */
export function parseContextKeyType(word: ContextKeyType): { type: ContextType; list: boolean } {
  const list = word.endsWith('List');
  return { type: (list ? word.slice(0, -4) : word) as ContextType, list };
}

/** The simulator's word for a ContextValue's type: {ip, list} → `ipList`. */
export function contextKeyTypeWord(v: Pick<ContextValue, 'type' | 'list'>): ContextKeyType {
  return (v.list ? `${v.type}List` : v.type) as ContextKeyType;
}

const KEY_SYNTAX = /^[^\s:]+:\S+$/;

let globalKeyNames: string[] | undefined;

/** The catalog's global aws: condition keys, for suggestions (read only when a key is unknown). */
function globalKeys(): string[] {
  return (globalKeyNames ??= catalog.globalKeyNames().filter((k) => k.startsWith('aws:')));
}

/**
 * Why a context key cannot be used (malformed, or unknown to the catalog where the catalog
 * should know it), or undefined when it is fine. `explicit`: the value states its type.
 * (Uncached: keyInfo below caches it per key.)
 */
export function contextKeyProblem(key: string, explicit: boolean): string | undefined {
  if (!KEY_SYNTAX.test(key)) {
    return `context key ${JSON.stringify(key)} is not a condition key: keys are written prefix:name, e.g. aws:SourceIp or s3:prefix`;
  }
  if (explicit) return undefined;
  const lower = key.toLowerCase();
  let problem: string | undefined;
  if (contextTypeForKey(key) === undefined) {
    const prefix = lower.slice(0, lower.indexOf(':'));
    const hatch = ' (to use a key the IAM catalog does not list, state its type: {type: string, value: …})';
    if (prefix === 'aws') {
      const bare = globalKeys().map((k) => k.replace(/\/tag-key$/, '/'));
      const near = closest(key, bare);
      problem =
        `unknown global condition key ${JSON.stringify(key)}:` +
        (near ? ` did you mean ${JSON.stringify(near.endsWith('/') ? near + '<key>' : near)}?` : ' check its spelling.') +
        hatch;
    } else if (catalog.serviceExists(prefix)) {
      const keys = catalog.conditionKeys(prefix).map((k) => k.key);
      const near = closest(key, keys);
      problem =
        `unknown condition key ${JSON.stringify(key)} for service ${prefix}:` +
        (near ? ` did you mean ${JSON.stringify(near)}?` : ' check its spelling.') +
        hatch;
    }
  }
  return problem;
}

/**
 * A number as decimal text, never with an exponent (1e-7 → 0.0000001, 1e21 → 1 and 21 zeros: the
 * engine and the simulator read decimals); undefined for NaN and infinities.
 */
export function decimalText(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  const t = String(n);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(t);
  if (!m) return t;
  const digits = m[2]! + (m[3] ?? '');
  const exp = Number(m[4]);
  // String() uses an exponent only below 1e-6 and from 1e21: the digits never reach the point.
  return exp < 0 ? `${m[1]}0.${'0'.repeat(-exp - 1)}${digits}` : `${m[1]}${digits}${'0'.repeat(exp + 1 - digits.length)}`;
}

/** How a number was written, when it was a plain decimal: kept as is (9007199254740993 is no double). */
const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/** Where typeContextValue can learn more than the value says. */
export interface TypingSource {
  /** The source text of the number at `path` (relative to the value), when there is one. */
  numberText?: (path: PathSegment[]) => string | undefined;
  /** Receives what is suspicious but not wrong, e.g. epoch milliseconds in a date key. */
  warn?: (message: string, path: PathSegment[]) => void;
}

/** A number's text: as written when that is a plain decimal, else its decimal expansion. */
function numberText(n: number, path: PathSegment[], from: TypingSource): string | undefined {
  const written = from.numberText?.(path);
  if (written !== undefined && PLAIN_DECIMAL.test(written)) return written;
  return decimalText(n);
}

/** Epoch seconds reach 11 digits in the year 5138: more digits are milliseconds, almost surely. */
const EPOCH_MILLIS = /^-?\d{12,}(\.\d+)?$/;

const TYPE_HELP: Record<ContextType, string> = {
  string: 'text',
  numeric: 'a decimal number, e.g. 600 or 1.5',
  boolean: 'true or false',
  date: 'an ISO 8601 date-time such as 2024-06-01T12:00:00Z (or epoch seconds)',
  ip: 'an IP address such as 203.0.113.5 or 2001:db8::1',
  binary: 'base64 text',
};

function badValue(key: string, type: ContextType, v: unknown, path: PathSegment[]): never {
  const shown = typeof v === 'string' ? JSON.stringify(v) : String(v);
  throw new ContextValueError(`${key} is ${type === 'ip' ? 'an' : 'a'} ${type} key: ${shown} is not ${TYPE_HELP[type]}`, path);
}

/** One value as the text of `type`; throws ContextValueError (with `path`) when it does not fit. */
function valueText(key: string, type: ContextType, v: unknown, path: PathSegment[], from: TypingSource): string {
  switch (type) {
    case 'string':
      if (typeof v === 'string') return v;
      if (typeof v === 'boolean') return String(v);
      if (typeof v === 'number') return numberText(v, path, from) ?? badValue(key, type, v, path);
      return badValue(key, type, v, path);
    case 'boolean':
      if (typeof v === 'boolean') return v ? 'true' : 'false';
      if (typeof v === 'string') {
        const b = parseBool(v);
        if (b >= 0) return b === 1 ? 'true' : 'false';
      }
      return badValue(key, type, v, path);
    case 'numeric':
      if (typeof v === 'number') return numberText(v, path, from) ?? badValue(key, type, v, path);
      if (typeof v === 'string' && parseDecimal(v) !== null) return v;
      return badValue(key, type, v, path);
    case 'date': {
      const t = typeof v === 'number' ? numberText(v, path, from) : typeof v === 'string' ? v : undefined;
      if (t === undefined || Number.isNaN(parseInstant(t))) return badValue(key, type, v, path);
      if (EPOCH_MILLIS.test(t)) {
        const year = new Date(parseInstant(t)).getUTCFullYear();
        from.warn?.(
          `${key}: ${t} read as epoch seconds is the year ${year}; if it is epoch milliseconds, divide by 1000 (or write an ISO 8601 date)`,
          path,
        );
      }
      return t;
    }
    case 'ip':
      if (typeof v === 'string' && parseRequestAddress(v) !== 0) return v;
      return badValue(key, type, v, path);
    case 'binary':
      if (typeof v === 'string' && decodeBase64(v) !== null) return v;
      return badValue(key, type, v, path);
  }
}

function yamlType(v: unknown): ContextType {
  return typeof v === 'boolean' ? 'boolean' : typeof v === 'number' ? 'numeric' : 'string';
}

/**
 * Types one context value. Throws ContextValueError when the key is unknown or the value does
 * not fit its type.
 */
export function typeContextValue(key: string, value: ContextValueInput, from: TypingSource = {}): ContextValue | null {
  if (value === null) return null;
  if (typeof value === 'object' && !Array.isArray(value)) {
    const problem = contextKeyProblem(key, true);
    if (problem) throw new ContextValueError(problem, [], true);
    // Also reached with unchecked input (the CLI's --context): check the stated form here too.
    const word: unknown = (value as { type?: unknown }).type;
    if (typeof word !== 'string' || !(CONTEXT_KEY_TYPES as readonly string[]).includes(word)) {
      const near = typeof word === 'string' ? closest(word, CONTEXT_KEY_TYPES) : undefined;
      throw new ContextValueError(
        `a stated type is one of ${CONTEXT_KEY_TYPES.join(', ')}` + (near ? `; did you mean ${JSON.stringify(near)}?` : ''),
        ['type'],
      );
    }
    const extra = Object.keys(value).filter((k) => k !== 'type' && k !== 'value');
    if (extra.length > 0 || !Object.hasOwn(value, 'value')) {
      throw new ContextValueError('a value with a stated type is written {type: <type>, value: <value>}', []);
    }
    const { type, list } = parseContextKeyType(value.type);
    const raw = value.value;
    if (Array.isArray(raw)) {
      if (!list) {
        throw new ContextValueError(`type ${value.type} takes one value, but this is a list: use ${value.type}List for a list`, ['value']);
      }
      const values: string[] = [];
      for (let i = 0; i < raw.length; i++) values.push(valueText(key, type, raw[i], ['value', i], from));
      return { type, list, values };
    }
    return { type, list, values: [valueText(key, type, raw, ['value'], from)] };
  }
  const info = keyInfo(key);
  if (info.problem) throw new ContextValueError(info.problem, [], true);
  const known = info.known;
  if (Array.isArray(value)) {
    let type: ContextType;
    if (known) type = known.type;
    else if (value.length > 0 && value.every(isBoolean)) type = 'boolean';
    else if (value.length > 0 && value.every(isNumber)) type = 'numeric';
    else type = 'string';
    const values: string[] = [];
    for (let i = 0; i < value.length; i++) values.push(valueText(key, type, value[i], [i], from));
    return { type, list: true, values };
  }
  const type = known ? known.type : yamlType(value);
  return { type, list: known?.list ?? false, values: [valueText(key, type, value, [], from)] };
}

function isBoolean(v: unknown): boolean {
  return typeof v === 'boolean';
}

function isNumber(v: unknown): boolean {
  return typeof v === 'number';
}

interface KeyInfo {
  problem: string | undefined;
  known: { type: ContextType; list: boolean } | undefined;
}

const keyInfoCache = new Map<string, KeyInfo>();

/** The key's problem and catalog type, cached by the key as written (suites repeat their keys). */
function keyInfo(key: string): KeyInfo {
  let info = keyInfoCache.get(key);
  if (!info) {
    info = { problem: contextKeyProblem(key, false), known: contextTypeForKey(key) };
    if (keyInfoCache.size < 10_000) keyInfoCache.set(key, info);
  }
  return info;
}

/** A YAML context value as a user writes it: a scalar, a list, `{type, value}`, or null (absent). */
export type YamlContextValue = string | number | boolean | null | (string | number | boolean)[] | { type: string; value: unknown };

// ---------------------------------------------------------------------------------------------
// Context values: YAML ⇄ the engine's typed values (scenario-format.md "Context")

/** Types a YAML value exactly as suites do (typeContextValue). */
export function contextValueFromYaml(key: string, v: YamlContextValue): ContextValue | null {
  return typeContextValue(key, v as ContextValueInput);
}

function sameValue(a: ContextValue | null, b: ContextValue | null): boolean {
  if (a === null || b === null) return a === b;
  return a.type === b.type && a.list === b.list && a.values.length === b.values.length && a.values.every((x, i) => x === b.values[i]);
}

/** The YAML a user would write for a typed value: plain when it reads back the same, else {type, value}. */
export function contextValueToYaml(key: string, cv: ContextValue | null): YamlContextValue {
  if (cv === null) return null;
  const scalar = (s: string): string | number | boolean => {
    if (cv.type === 'boolean' && (s === 'true' || s === 'false')) return s === 'true';
    if (cv.type === 'numeric' && /^-?\d+(\.\d+)?$/.test(s) && String(Number(s)) === s) return Number(s);
    return s;
  };
  const plain: YamlContextValue = cv.list ? cv.values.map(scalar) : scalar(cv.values[0] ?? '');
  if (sameValue(contextValueFromYaml(key, plain), cv)) return plain;
  return { type: contextKeyTypeWord(cv), value: cv.list ? [...cv.values] : (cv.values[0] ?? '') };
}
