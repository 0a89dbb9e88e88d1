// Policy variables in values that may hold them: Version, syntax, operator support (spec §5, §4.13).

import type { JsonNode } from '../model.ts';
import type { ParsedOperator } from '../operators.ts';
import { parseTemplate } from '../variables.ts';
import type { Checker } from './checker.ts';
import { posIn } from './nodes.ts';

/** Variables in a value that may hold them: malformed ones, version, operator support. */
export function checkTemplate(c: Checker, node: JsonNode, v: string, from: number, path: string, op: ParsedOperator | undefined): boolean {
  const text = from > 0 ? v.slice(from) : v;
  if (!c.variables) {
    c.add(
      'Variable unsupported in version',
      'warning',
      `${c.versionText ? `under "Version": "${c.versionText}"` : 'without "Version"'} policy variables are literal text (spec §2.1, §5): add "Version": "2012-10-17" if \${…} should be substituted`,
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
    c.add(err.code, 'error', message, posIn(node, v, from + err.offset), path);
  }
  if (t.hasVariables && op && !op.base.variables) {
    c.add(
      'Invalid variable for operator',
      'error',
      `${op.canonical} does not substitute policy variables, only String and Arn operators do (spec §4.13): the value would be compared literally; use a fixed value`,
      posIn(node, v, from + text.indexOf('${')),
      path,
    );
  }
  return t.hasVariables;
}
