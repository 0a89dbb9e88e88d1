// Policy-variable resolution (spec §5). Templates are parsed once (src/policy/variables.ts) and
// turned into glob tokens: text (where `*` and `?` are wildcards), literals (`${*}`, `${?}`,
// `${$}`: never wildcards) and numbered slots (variables). At evaluation time the slots are filled
// from the request context into a per-template scratch array, so resolving allocates nothing.
//
// A variable resolves from a *single-valued* context key (looked up lower-cased): a key that is
// absent, holds no value, or is a list (`list: true`, spec §5 "multivalued keys cannot") has no
// value (an empty string is a value); then the default (`${key, 'x'}`) is used, and without a
// default the whole template has no value.

import { parseTemplate, type TemplatePart } from '../policy/variables.ts';
import type { ContextMap } from './request.ts';
import type { GlobToken } from './glob.ts';

export interface TemplateVar {
  key: string; // as written
  keyLower: string;
  default?: string;
}

export interface CompiledTemplate {
  /** The text as written. */
  source: string;
  tokens: GlobToken[];
  vars: TemplateVar[];
  /** Resolved slot values, refilled by `fillSlots` (one array per template; never reallocated). */
  slots: string[];
}

/** The value of a single-valued context key usable as a variable, or undefined. */
export function lookupVariable(ctx: ContextMap, keyLower: string): string | undefined {
  const cv = ctx.get(keyLower);
  if (cv === undefined || cv.list || cv.values.length !== 1) return undefined;
  return cv.values[0];
}

/**
 * Tokenises a template. With `variables` false (policy Version other than 2012-10-17), the whole
 * string is plain text: `${aws:username}` is literal and its `*`/`?` would be wildcards (spec §2.1).
 * Malformed variables are validator errors, so a compiled policy never has one; unvalidated input
 * gets parseTemplate's recovery (an unclosed `${` stays text, `${}` and a badly quoted default
 * drop out, a key with spaces is trimmed).
 */
export function compileTemplate(source: string, variables: boolean): CompiledTemplate {
  if (!variables || !source.includes('${')) return { source, tokens: [source], vars: [], slots: [] };
  const { parts } = parseTemplate(source);
  return fromParts(source, parts);
}

function fromParts(source: string, parts: TemplatePart[]): CompiledTemplate {
  const tokens: GlobToken[] = [];
  const vars: TemplateVar[] = [];
  for (const p of parts) {
    if (p.kind === 'text') tokens.push(p.text);
    else if (p.kind === 'literal') tokens.push({ literal: p.text });
    else {
      tokens.push({ slot: vars.length });
      vars.push(p.default === undefined ? { key: p.key, keyLower: p.keyLower } : { key: p.key, keyLower: p.keyLower, default: p.default });
    }
  }
  return { source, tokens, vars, slots: vars.map(() => '') };
}

/** Fills `t.slots` from the context; false when a variable has neither a value nor a default. */
export function fillSlots(t: CompiledTemplate, ctx: ContextMap): boolean {
  const vars = t.vars;
  for (let i = 0; i < vars.length; i++) {
    const v = vars[i]!;
    const value = lookupVariable(ctx, v.keyLower);
    if (value !== undefined) t.slots[i] = value;
    else if (v.default !== undefined) t.slots[i] = v.default;
    else return false;
  }
  return true;
}

/** The first variable of `t` that has neither a value nor a default in `ctx` (for explanations). */
export function firstUnresolved(t: CompiledTemplate, ctx: ContextMap): TemplateVar | undefined {
  for (const v of t.vars) {
    if (lookupVariable(ctx, v.keyLower) === undefined && v.default === undefined) return v;
  }
  return undefined;
}

/**
 * Resolves a template to plain text (variables substituted, `${*}` → `*`); null when a variable
 * has no value. Allocates; for explanations and tests, not for hot paths.
 */
export function resolveTemplate(t: CompiledTemplate, ctx: ContextMap): string | null {
  if (!fillSlots(t, ctx)) return null;
  let out = '';
  for (const tok of t.tokens) {
    if (typeof tok === 'string') out += tok;
    else if ('literal' in tok) out += tok.literal;
    else out += t.slots[tok.slot]!;
  }
  return out;
}
