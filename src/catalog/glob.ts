// A small case-insensitive glob for catalog look-ups: `*` (any run, incl. empty) and `?` (one
// character), as IAM action patterns use them (spec §3.1). No regular expression is built from the
// pattern: it compiles to an array of char codes and is matched with the classic two-pointer
// algorithm that backtracks only to the last `*` (worst case O(pattern × text), never exponential).

const ANY = -1; // `*`: zero or more characters
const ONE = -2; // `?`: exactly one character

export type CompiledGlob = readonly number[];

/** Compiles a glob (`*`, `?`) to tokens; matching is case-insensitive. */
export function compileGlob(pattern: string): CompiledGlob {
  const lower = pattern.toLowerCase();
  const out: number[] = [];
  for (let i = 0; i < lower.length; i++) {
    const c = lower.charCodeAt(i);
    if (c === 42 /* * */) {
      if (out[out.length - 1] !== ANY) out.push(ANY); // `**` ≡ `*`
    } else if (c === 63 /* ? */) out.push(ONE);
    else out.push(c);
  }
  return out;
}

/**
 * Compiles a template such as `s3:ExistingObjectTag/<key>` or `aws:RequestTag/${TagKey}`:
 * each placeholder matches one or more characters, everything else is literal (a `*` or `?`
 * in the template is literal too).
 */
export function compileTemplate(template: string): CompiledGlob {
  const lower = template.toLowerCase();
  const out: number[] = [];
  let i = 0;
  while (i < lower.length) {
    const open = lower.startsWith('${', i) ? '}' : lower[i] === '<' ? '>' : undefined;
    const close = open ? lower.indexOf(open, i + 1) : -1;
    if (open && close > i) {
      out.push(ONE, ANY);
      i = close + 1;
    } else {
      out.push(lower.charCodeAt(i));
      i++;
    }
  }
  return out;
}

/** True if the compiled glob matches the whole text (text compared lower-cased). */
export function globMatches(glob: CompiledGlob, text: string): boolean {
  const t = text.toLowerCase();
  const n = t.length;
  const m = glob.length;
  let p = 0;
  let i = 0;
  let starP = -1;
  let starI = 0;
  while (i < n) {
    const g = p < m ? glob[p]! : undefined;
    if (g !== undefined && g !== ANY && (g === ONE || g === t.charCodeAt(i))) {
      p++;
      i++;
    } else if (g === ANY) {
      starP = p++;
      starI = i;
    } else if (starP >= 0) {
      p = starP + 1;
      i = ++starI;
    } else {
      return false;
    }
  }
  while (p < m && glob[p] === ANY) p++;
  return p === m;
}

/** True if the text contains a glob wildcard. */
export function hasWildcard(s: string): boolean {
  return s.includes('*') || s.includes('?');
}
