// Case-insensitive globs for catalog look-ups: `*` (any run, incl. empty) and `?` (one character),
// as IAM action patterns use them (spec §3.1). Matching is the engine's linear-time Glob (no
// regular expression is built from the pattern); pattern and text are lower-cased here.

import { Glob, type GlobPiece } from '../engine/glob.ts';

export type CompiledGlob = Glob;

/** Compiles a glob (`*`, `?`); matching is case-insensitive. */
export function compileGlob(pattern: string): CompiledGlob {
  return new Glob([pattern.toLowerCase()]);
}

/**
 * Compiles a template such as `s3:ExistingObjectTag/<key>` or `aws:RequestTag/${TagKey}`:
 * each placeholder matches one or more characters, everything else is literal (a `*` or `?`
 * in the template is literal too).
 */
export function compileTemplate(template: string): CompiledGlob {
  const lower = template.toLowerCase();
  const pieces: GlobPiece[] = [];
  let text = '';
  let i = 0;
  while (i < lower.length) {
    const open = lower.startsWith('${', i) ? '}' : lower[i] === '<' ? '>' : undefined;
    const close = open ? lower.indexOf(open, i + 1) : -1;
    if (open && close > i) {
      if (text) pieces.push({ literal: text });
      text = '';
      pieces.push('?*'); // one or more characters
      i = close + 1;
    } else {
      text += lower[i];
      i++;
    }
  }
  if (text) pieces.push({ literal: text });
  return new Glob(pieces);
}

/** True if the compiled glob matches the whole text (text compared lower-cased). */
export function globMatches(glob: CompiledGlob, text: string): boolean {
  return glob.match(text.toLowerCase());
}
