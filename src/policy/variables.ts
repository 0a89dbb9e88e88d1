// Policy-variable templates (spec §5): `${key}`, `${key, 'default'}`, and the fixed `${*}`,
// `${?}`, `${$}`. Parsing lives here so the validator and the engine read templates the same way.

export type TemplatePart =
  | { kind: 'text'; text: string } // literal text; may contain `*` / `?` that act as globs
  | { kind: 'literal'; text: string } // `${*}` `${?}` `${$}`: never a glob
  | { kind: 'var'; key: string; keyLower: string; default?: string };

export interface TemplateError {
  code: 'Missing brace' | 'Missing quote' | 'Unsupported space in variable' | 'Empty variable';
  message: string;
  offset: number; // index into the string where the bad variable starts
}

export interface Template {
  parts: TemplatePart[];
  /** True when at least one `${key}` (not a fixed `${*}`-style literal) occurs. */
  hasVariables: boolean;
  errors: TemplateError[];
}

const FIXED: Record<string, string> = { '*': '*', '?': '?', $: '$' };

/** Splits a string into text, fixed literals and variables. Never throws. */
export function parseTemplate(input: string): Template {
  const parts: TemplatePart[] = [];
  const errors: TemplateError[] = [];
  let hasVariables = false;
  let text = '';
  let i = 0;
  while (i < input.length) {
    const start = input.indexOf('${', i);
    if (start < 0) {
      text += input.slice(i);
      break;
    }
    text += input.slice(i, start);
    const close = input.indexOf('}', start + 2);
    if (close < 0) {
      errors.push({ code: 'Missing brace', message: `policy variable at offset ${start} has no closing "}"`, offset: start });
      text += input.slice(start);
      break;
    }
    const body = input.slice(start + 2, close);
    i = close + 1;
    // Own keys only: `in` would also accept "toString", "constructor" … from Object.prototype.
    if (Object.hasOwn(FIXED, body)) {
      if (text) parts.push({ kind: 'text', text });
      text = '';
      parts.push({ kind: 'literal', text: FIXED[body]! });
      continue;
    }
    if (body.trim() === '') {
      errors.push({ code: 'Empty variable', message: 'empty policy variable "${}"', offset: start });
      continue;
    }
    const comma = body.indexOf(',');
    let key = comma < 0 ? body : body.slice(0, comma);
    let def: string | undefined;
    if (comma >= 0) {
      // The documented form is exactly `, 'default'` (comma, one space, single-quoted value).
      const rest = body.slice(comma + 1);
      const m = /^ ?'([^']*)'$/.exec(rest);
      if (!m) {
        errors.push({
          code: 'Missing quote',
          message: `default value in "\${${body}}" must be written as , 'value'`,
          offset: start,
        });
        continue;
      }
      def = m[1];
    }
    if (/\s/.test(key)) {
      errors.push({
        code: 'Unsupported space in variable',
        message: `policy variable "\${${body}}" contains a space in its key`,
        offset: start,
      });
      key = key.trim();
      if (!key) continue;
    }
    if (text) parts.push({ kind: 'text', text });
    text = '';
    hasVariables = true;
    parts.push(def === undefined ? { kind: 'var', key, keyLower: key.toLowerCase() } : { kind: 'var', key, keyLower: key.toLowerCase(), default: def });
  }
  if (text) parts.push({ kind: 'text', text });
  return { parts, hasVariables, errors };
}
