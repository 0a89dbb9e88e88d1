// Value parsers shared by condition evaluation (spec §4.4–§4.10): Latin-1 case folding, exact
// decimal numbers, ISO-8601/epoch instants, IPv4/IPv6 addresses and CIDRs, base64.
//
// Policy values are parsed once at compile time into small objects. Request values are parsed on
// every evaluation, so their parsers allocate nothing: they return numbers or write into scratch
// storage owned by this module (JavaScript is single-threaded and none of these functions call
// back into user code, so the scratch is never shared by two evaluations at once).

// ---------------------------------------------------------------------------------------------
// Latin-1 case folding (spec §4.4 [UNDOCUMENTED]: policy text is limited to U+0000–U+00FF, so we
// fold A–Z and À–Þ (except ×) to lower case and leave every other character as it is).

/** Lower-cases one UTF-16 code unit with Latin-1 rules. */
export function foldCode(c: number): number {
  if (c >= 0x41 && c <= 0x5a) return c + 0x20;
  if (c >= 0xc0 && c <= 0xde && c !== 0xd7) return c + 0x20;
  return c;
}

/** Lower-cases a string with Latin-1 rules; returns the input itself when nothing changes. */
export function foldLatin1(s: string): string {
  let i = 0;
  for (; i < s.length; i++) if (foldCode(s.charCodeAt(i)) !== s.charCodeAt(i)) break;
  if (i === s.length) return s;
  let out = s.slice(0, i);
  for (; i < s.length; i++) out += String.fromCharCode(foldCode(s.charCodeAt(i)));
  return out;
}

/** `s.slice(at, at + folded.length)` folds to `folded` (which must already be folded). */
function startsWithFolded(s: string, folded: string, at: number): boolean {
  if (at + folded.length > s.length) return false;
  for (let i = 0; i < folded.length; i++) {
    if (foldCode(s.charCodeAt(at + i)) !== folded.charCodeAt(i)) return false;
  }
  return true;
}

/** Case-insensitive (Latin-1) equality of `s` with an already folded string. */
export function equalsFolded(s: string, folded: string): boolean {
  return s.length === folded.length && startsWithFolded(s, folded, 0);
}

/** ASCII-case-insensitive equality with a lower-case ASCII word, without allocating. */
function equalsAsciiWord(s: string, lowerWord: string): boolean {
  if (s.length !== lowerWord.length) return false;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== lowerWord.charCodeAt(i)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Booleans (spec §4.8): "true"/"false", case-insensitive ([UNDOCUMENTED]; we are lenient).

/** 1 for true, 0 for false, -1 for anything else. */
export function parseBool(s: string): number {
  if (equalsAsciiWord(s, 'true')) return 1;
  if (equalsAsciiWord(s, 'false')) return 0;
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Decimal numbers (spec §4.5): `[+-]digits[.digits]` (also `5.` and `.5`). No exponents, no
// whitespace, no hex. Compared exactly (no floating-point rounding), so `1.0` equals `1` and
// 20-digit integers compare correctly.

/** A parsed decimal: the significant digits of `src` are the index ranges below. */
export interface Decimal {
  src: string;
  neg: boolean;
  /** Integer digits without leading zeros: src[intStart, intEnd). */
  intStart: number;
  intEnd: number;
  /** Fraction digits without trailing zeros: src[fracStart, fracEnd). */
  fracStart: number;
  fracEnd: number;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Parses `s` into `out`; false when `s` is not a decimal number. Allocates nothing. */
export function parseDecimalInto(s: string, out: Decimal): boolean {
  let i = 0;
  const n = s.length;
  let neg = false;
  if (i < n && (s.charCodeAt(i) === 0x2d || s.charCodeAt(i) === 0x2b)) {
    neg = s.charCodeAt(i) === 0x2d;
    i++;
  }
  const intBegin = i;
  while (i < n && isDigit(s.charCodeAt(i))) i++;
  const intStop = i;
  let fracBegin = i;
  let fracStop = i;
  if (i < n && s.charCodeAt(i) === 0x2e) {
    i++;
    fracBegin = i;
    while (i < n && isDigit(s.charCodeAt(i))) i++;
    fracStop = i;
  }
  if (i !== n) return false;
  if (intStop === intBegin && fracStop === fracBegin) return false; // no digits at all
  let a = intBegin;
  while (a < intStop && s.charCodeAt(a) === 0x30) a++;
  let b = fracStop;
  while (b > fracBegin && s.charCodeAt(b - 1) === 0x30) b--;
  out.src = s;
  out.intStart = a;
  out.intEnd = intStop;
  out.fracStart = fracBegin;
  out.fracEnd = b;
  out.neg = neg && (a < intStop || b > fracBegin); // -0 is 0
  return true;
}

/** Parses a decimal into a fresh object (compile time); null when unparseable. */
export function parseDecimal(s: string): Decimal | null {
  const d: Decimal = { src: '', neg: false, intStart: 0, intEnd: 0, fracStart: 0, fracEnd: 0 };
  return parseDecimalInto(s, d) ? d : null;
}

/** Sign of a − b: -1, 0 or 1. */
export function compareDecimal(a: Decimal, b: Decimal): number {
  if (a.neg !== b.neg) return a.neg ? -1 : 1;
  const m = compareMagnitude(a, b);
  return a.neg ? -m : m;
}

function compareMagnitude(a: Decimal, b: Decimal): number {
  const al = a.intEnd - a.intStart;
  const bl = b.intEnd - b.intStart;
  if (al !== bl) return al < bl ? -1 : 1;
  for (let i = 0; i < al; i++) {
    const x = a.src.charCodeAt(a.intStart + i);
    const y = b.src.charCodeAt(b.intStart + i);
    if (x !== y) return x < y ? -1 : 1;
  }
  const af = a.fracEnd - a.fracStart;
  const bf = b.fracEnd - b.fracStart;
  const len = af > bf ? af : bf;
  for (let i = 0; i < len; i++) {
    const x = i < af ? a.src.charCodeAt(a.fracStart + i) : 0x30;
    const y = i < bf ? b.src.charCodeAt(b.fracStart + i) : 0x30;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Instants (spec §4.6): the W3C profile of ISO 8601 or epoch seconds, as milliseconds since the
// epoch (with a fractional part for sub-millisecond precision). NaN when unparseable.
//
//   YYYY | YYYY-MM | YYYY-MM-DD | YYYY-MM-DDThh:mm[:ss[.s+]][TZD]      TZD = Z | ±hh:mm
//   epoch seconds: [-]digits[.digits], except exactly four digits, which is a year (W3C).
//
// [UNDOCUMENTED] choices: date-only values are midnight UTC; a missing TZD means UTC; `T` and `Z`
// must be upper case; exactly four digits is a year, not epoch second 2020.

function digitsAt(s: string, at: number, count: number): number {
  if (at + count > s.length) return -1;
  let v = 0;
  for (let i = 0; i < count; i++) {
    const c = s.charCodeAt(at + i);
    if (!isDigit(c)) return -1;
    v = v * 10 + (c - 0x30);
  }
  return v;
}

/** Days from 1970-01-01 to the civil date (proleptic Gregorian). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

const MS_PER_DAY = 86_400_000;

function parseEpochSeconds(s: string): number {
  let i = 0;
  const n = s.length;
  let neg = false;
  if (s.charCodeAt(0) === 0x2d) {
    neg = true;
    i = 1;
  }
  const start = i;
  let v = 0;
  while (i < n && isDigit(s.charCodeAt(i))) v = v * 10 + (s.charCodeAt(i++) - 0x30);
  if (i === start) return NaN;
  let frac = 0;
  if (i < n && s.charCodeAt(i) === 0x2e) {
    i++;
    let scale = 0.1;
    const fs = i;
    while (i < n && isDigit(s.charCodeAt(i))) {
      frac += (s.charCodeAt(i++) - 0x30) * scale;
      scale /= 10;
    }
    if (i === fs) return NaN;
  }
  if (i !== n) return NaN;
  const ms = (v + frac) * 1000;
  return neg ? -ms : ms;
}

/** Milliseconds since the epoch, or NaN. Allocates nothing. */
export function parseInstant(s: string): number {
  const n = s.length;
  if (n === 0) return NaN;
  // Epoch seconds: digits (optionally signed/fractional) that are not a bare 4-digit year.
  if (!(n >= 5 && s.charCodeAt(4) === 0x2d) && !(n === 4 && digitsAt(s, 0, 4) >= 0)) {
    return parseEpochSeconds(s);
  }
  const year = digitsAt(s, 0, 4);
  if (year < 0) return NaN;
  if (n === 4) return daysFromCivil(year, 1, 1) * MS_PER_DAY;
  // s[4] === '-'
  const month = digitsAt(s, 5, 2);
  if (month < 1 || month > 12) return NaN;
  if (n === 7) return daysFromCivil(year, month, 1) * MS_PER_DAY;
  if (s.charCodeAt(7) !== 0x2d) return NaN;
  const day = digitsAt(s, 8, 2);
  if (day < 1 || day > daysInMonth(year, month)) return NaN;
  const days = daysFromCivil(year, month, day);
  if (n === 10) return days * MS_PER_DAY;
  if (s.charCodeAt(10) !== 0x54 /* T */) return NaN;
  const hour = digitsAt(s, 11, 2);
  if (hour < 0 || hour > 23 || s.charCodeAt(13) !== 0x3a) return NaN;
  const minute = digitsAt(s, 14, 2);
  if (minute < 0 || minute > 59) return NaN;
  let i = 16;
  let second = 0;
  let fraction = 0;
  if (i < n && s.charCodeAt(i) === 0x3a) {
    second = digitsAt(s, i + 1, 2);
    if (second < 0 || second > 59) return NaN;
    i += 3;
    if (i < n && s.charCodeAt(i) === 0x2e) {
      i++;
      const fs = i;
      let scale = 100; // milliseconds per first fraction digit
      while (i < n && isDigit(s.charCodeAt(i))) {
        fraction += (s.charCodeAt(i++) - 0x30) * scale;
        scale /= 10;
      }
      if (i === fs) return NaN;
    }
  }
  let offsetMinutes = 0;
  if (i < n) {
    const c = s.charCodeAt(i);
    if (c === 0x5a /* Z */) {
      if (i + 1 !== n) return NaN;
    } else if (c === 0x2b || c === 0x2d) {
      if (i + 6 !== n || s.charCodeAt(i + 3) !== 0x3a) return NaN;
      const oh = digitsAt(s, i + 1, 2);
      const om = digitsAt(s, i + 4, 2);
      if (oh < 0 || oh > 23 || om < 0 || om > 59) return NaN;
      offsetMinutes = (oh * 60 + om) * (c === 0x2d ? -1 : 1);
    } else {
      return NaN;
    }
  }
  return days * MS_PER_DAY + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + fraction;
}

// ---------------------------------------------------------------------------------------------
// IP addresses and CIDRs (spec §4.10). IPv4 is one unsigned 32-bit number; IPv6 is four 32-bit
// words. A bare address is /32 or /128. Leading zeros in IPv4 octets (`010`) are rejected
// ([UNDOCUMENTED]: octal or decimal is ambiguous). Zone ids (`%eth0`) are rejected. IPv4-mapped
// IPv6 addresses (`::ffff:1.2.3.4`) are IPv6: they never fall inside an IPv4 range.

export interface Cidr {
  v6: boolean;
  /** IPv4: words[0] only. Network bits, already masked. */
  words: Uint32Array;
  prefix: number;
  /** As written, for explanations. */
  text: string;
}

/** Scratch for request addresses (never retained). */
const ipScratch = new Uint32Array(4);

/** Parses an IPv4 address in s[from, to); returns the unsigned value or -1. */
function parseV4(s: string, from: number, to: number): number {
  let value = 0;
  let octets = 0;
  let i = from;
  while (octets < 4) {
    const start = i;
    let v = 0;
    while (i < to && isDigit(s.charCodeAt(i)) && i - start < 3) v = v * 10 + (s.charCodeAt(i++) - 0x30);
    const len = i - start;
    if (len === 0 || v > 255 || (len > 1 && s.charCodeAt(start) === 0x30)) return -1;
    value = value * 256 + v;
    octets++;
    if (octets < 4) {
      if (i >= to || s.charCodeAt(i) !== 0x2e) return -1;
      i++;
    }
  }
  return i === to ? value : -1;
}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

// 8 groups of 16 bits, filled by parseV6.
const groups = new Uint16Array(8);

/** Parses an IPv6 address in s[from, to) into `out` (4 words); false if malformed. */
function parseV6(s: string, from: number, to: number, out: Uint32Array): boolean {
  let count = 0; // groups written before/after the gap, in order
  let gapAt = -1; // index in groups where `::` sits
  let i = from;
  if (to - from >= 2 && s.charCodeAt(i) === 0x3a && s.charCodeAt(i + 1) === 0x3a) {
    gapAt = 0;
    i += 2;
    if (i === to) {
      out[0] = out[1] = out[2] = out[3] = 0;
      return true;
    }
  } else if (i < to && s.charCodeAt(i) === 0x3a) {
    return false;
  }
  for (;;) {
    if (count >= 8) return false;
    // An embedded IPv4 tail (`::ffff:1.2.3.4`) takes two groups.
    let j = i;
    while (j < to && hexVal(s.charCodeAt(j)) >= 0) j++;
    if (j < to && s.charCodeAt(j) === 0x2e) {
      if (count > 6) return false;
      const v4 = parseV4(s, i, to);
      if (v4 < 0) return false;
      groups[count++] = Math.floor(v4 / 65536);
      groups[count++] = v4 % 65536;
      i = to;
      break;
    }
    const len = j - i;
    if (len === 0 || len > 4) return false;
    let v = 0;
    for (let k = i; k < j; k++) v = v * 16 + hexVal(s.charCodeAt(k));
    groups[count++] = v;
    i = j;
    if (i === to) break;
    if (s.charCodeAt(i) !== 0x3a) return false;
    i++;
    if (i < to && s.charCodeAt(i) === 0x3a) {
      if (gapAt >= 0) return false; // two `::`
      gapAt = count;
      i++;
      if (i === to) break;
    } else if (i === to) {
      return false; // trailing single colon
    }
  }
  if (gapAt < 0 ? count !== 8 : count > 7) return false;
  // Expand the gap: groups[gapAt..count) move to the end.
  const missing = 8 - count;
  for (let k = 7; k >= 0; k--) {
    let g: number;
    if (gapAt < 0 || k < gapAt) g = groups[k]!;
    else if (k < gapAt + missing) g = 0;
    else g = groups[k - missing]!;
    if (k % 2 === 1) out[k >> 1] = g;
    else out[k >> 1] = (g * 65536 + out[k >> 1]!) >>> 0;
  }
  return true;
}

/** 4 for IPv4 (value in ipScratch[0]), 6 for IPv6 (ipScratch[0..3]), 0 if not an address. */
function parseAddressInto(s: string, from: number, to: number): number {
  const colon = s.indexOf(':', from);
  if (colon >= 0 && colon < to) return parseV6(s, from, to, ipScratch) ? 6 : 0;
  const v = parseV4(s, from, to);
  if (v < 0) return 0;
  ipScratch[0] = v;
  return 4;
}

function maskWord(bits: number): number {
  if (bits <= 0) return 0;
  if (bits >= 32) return 0xffffffff;
  return (0xffffffff << (32 - bits)) >>> 0;
}

/** Parses `addr` or `addr/prefix` (compile time). Host bits are masked off. Null if malformed. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const end = slash < 0 ? text.length : slash;
  const kind = parseAddressInto(text, 0, end);
  if (kind === 0) return null;
  const max = kind === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const digits = text.length - slash - 1;
    if (digits < 1 || digits > 3) return null;
    prefix = digitsAt(text, slash + 1, digits);
    if (prefix < 0 || prefix > max || (digits > 1 && text.charCodeAt(slash + 1) === 0x30)) return null;
  }
  const words = new Uint32Array(kind === 4 ? 1 : 4);
  for (let w = 0; w < words.length; w++) words[w] = (ipScratch[w]! & maskWord(prefix - 32 * w)) >>> 0;
  return { v6: kind === 6, words, prefix, text };
}

/**
 * Parses a request address (no prefix) into module scratch; returns 4, 6, or 0 when it is not an
 * address. Use `cidrContainsParsed` right after, before parsing another address.
 */
export function parseRequestAddress(s: string): number {
  return parseAddressInto(s, 0, s.length);
}

/** True if the address last parsed by `parseRequestAddress` (of the given kind) is in `cidr`. */
export function cidrContainsParsed(cidr: Cidr, kind: number): boolean {
  if (cidr.v6 !== (kind === 6)) return false;
  for (let w = 0; w < cidr.words.length; w++) {
    const m = maskWord(cidr.prefix - 32 * w);
    if (m === 0) return true;
    if (((ipScratch[w]! & m) >>> 0) !== cidr.words[w]) return false;
  }
  return true;
}

/** Convenience (allocates nothing beyond the scratch): is the address `addr` inside `cidr`? */
export function ipInCidr(addr: string, cidr: Cidr): boolean {
  const kind = parseRequestAddress(addr);
  return kind !== 0 && cidrContainsParsed(cidr, kind);
}

// ---------------------------------------------------------------------------------------------
// Base64 (spec §4.9). Standard alphabet (`+` `/`), URL-safe `-` `_` accepted too; padding optional
// but, when present, must complete the last quantum. No whitespace.

const B64 = new Int8Array(128).fill(-1);
for (let i = 0; i < 64; i++) {
  B64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i;
}
B64[0x2d] = 62; // '-'
B64[0x5f] = 63; // '_'

let b64Scratch = new Uint8Array(256);

/**
 * Decodes a request value into module scratch; returns the byte count or -1 when it is not
 * base64. Compare with `decodedEquals` before decoding anything else. Allocates nothing (the
 * scratch grows when a longer value arrives).
 */
export function decodeRequestBase64(s: string): number {
  let n = s.length;
  if (n % 4 === 0 && n > 0) {
    if (s.charCodeAt(n - 1) === 0x3d) n--;
    if (s.charCodeAt(n - 1) === 0x3d) n--;
  }
  if (n % 4 === 1) return -1;
  const bytes = Math.floor((n * 3) / 4);
  if (bytes > b64Scratch.length) b64Scratch = new Uint8Array(bytes * 2);
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? B64[c]! : -1;
    if (v < 0) return -1;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      b64Scratch[o++] = (acc >> bits) & 0xff;
    }
  }
  return o;
}

/** Decodes base64 (compile time); null if malformed. */
export function decodeBase64(s: string): Uint8Array | null {
  const n = decodeRequestBase64(s);
  return n < 0 ? null : b64Scratch.slice(0, n);
}

/** True if the `n` bytes last decoded by `decodeRequestBase64` equal `bytes`. */
export function decodedEquals(bytes: Uint8Array, n: number): boolean {
  if (n !== bytes.length) return false;
  for (let i = 0; i < n; i++) if (b64Scratch[i] !== bytes[i]) return false;
  return true;
}
