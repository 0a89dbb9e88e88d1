// Character and name tests shared by the rule families (no RegExp built from policy text).

export function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

export function isUpperAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a);
}

export function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

export function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

export function isAccount(s: string): boolean {
  return s.length === 12 && isDigits(s);
}

export function hasWildcard(s: string): boolean {
  return s.includes('*') || s.includes('?');
}

export function firstWildcard(s: string): number {
  for (let k = 0; k < s.length; k++) if (s[k] === '*' || s[k] === '?') return k;
  return -1;
}

/** First `*`/`?` not inside `${…}` (which are variables or the literals `${*}` `${?}`). */
export function firstWildcardOutsideVariables(s: string): number {
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

export function firstWhitespace(s: string): number {
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xa0) return k;
  }
  return -1;
}

/** IAM names: [\w+=,.@-] (user, role, session names). */
export function isIamName(s: string): boolean {
  if (s.length === 0) return false;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (!isAlnum(c) && !'+=,.@_-'.includes(s[k]!)) return false;
  }
  return true;
}

/** `[path/]name` after user/ or role/. */
export function isIamPath(s: string): boolean {
  if (s === '' || s.endsWith('/')) return false;
  return s.split('/').every((seg, k, all) => (k === all.length - 1 ? isIamName(seg) : seg === '' || isIamName(seg)));
}
