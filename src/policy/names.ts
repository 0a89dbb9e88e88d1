// Name suggestions for messages ("did you mean …?"), shared by the policy validator, the loader,
// context typing, the schema's issue messages and the CLI. No dependencies (the CLI loads it without zod).

/** Levenshtein distance, case-insensitive, with an early exit above `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (cur[j]! < rowMin) rowMin = cur[j]!;
    }
    if (rowMin > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length]!;
}

/** The closest candidate, if it is close enough to be a likely typo. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const max = Math.max(2, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestD = max + 1;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    const d = editDistance(word, c, bestD);
    if (d < bestD || (d === bestD && best !== undefined && c < best)) {
      best = c;
      bestD = d;
    }
    // A prefix/suffix relation ("allow" vs "allowed") counts as close too.
    if (best === undefined && lower.length >= 3 && c.toLowerCase().startsWith(lower)) {
      best = c;
      bestD = max;
    }
  }
  return best;
}

/** ` did you mean "x"?` or ''. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c === undefined ? '' : ` did you mean ${JSON.stringify(c)}?`;
}

/** `a, b, c` (at most `max`, then "… and N more"), or "(none)". */
export function listNames(names: readonly string[], max = 20): string {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, … and ${names.length - max} more` : shown;
}
