// Size quotas (spec §8.1): the API transport limit and the per-type quotas.

import type { JsonNode } from '../model.ts';
import type { Checker } from './checker.ts';

/** API transport limit on a policy string, whitespace included (spec §8.1). */
export const MAX_POLICY_TEXT = 131_072;

export function checkSize(c: Checker, root: JsonNode): void {
  const text = c.opts.text;
  const compact = text !== undefined ? sizeWithoutWhitespace(text) : compactLength(root);
  const transport = text !== undefined ? text.length : compact;
  if (transport > MAX_POLICY_TEXT) {
    c.add(
      'Policy size exceeds API limit',
      'error',
      `the policy text is ${transport} characters; IAM APIs accept at most ${MAX_POLICY_TEXT} (spec §8.1): split it into several policies`,
      root.span.start,
      '',
    );
  }
  // Whitespace is not counted for the quotas (spec §8.1). Organizations counts every character
  // an API caller sends for SCPs/RCPs, so a deployer must minify; we count as the console does.
  const q = c.rules.size;
  const size = q.withWhitespace ? transport : compact;
  if (size > q.limit) {
    c.add(
      q.code,
      q.severity,
      `the policy is ${size} characters${q.withWhitespace ? '' : ' without whitespace'}, over the ${q.limit}-character quota for ${q.what} (spec §8.1): split it or remove redundant entries`,
      root.span.start,
      '',
    );
  }
}

/** Characters outside whitespace that lies outside strings (spec §8.1). */
function sizeWithoutWhitespace(text: string): number {
  let n = 0;
  let inString = false;
  for (let k = 0; k < text.length; k++) {
    const c = text.charCodeAt(k);
    if (inString) {
      n++;
      if (c === 0x5c) {
        k++;
        n++;
      } else if (c === 0x22) inString = false;
    } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      continue;
    } else {
      n++;
      if (c === 0x22) inString = true;
    }
  }
  return n;
}

/** Length of the node written as compact JSON (for nodes that came from YAML or objects). */
function compactLength(root: JsonNode): number {
  let n = 0;
  const stack: JsonNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    switch (node.kind) {
      case 'string':
        n += JSON.stringify(node.value).length;
        break;
      case 'number':
        n += (node.raw || String(node.value)).length;
        break;
      case 'boolean':
        n += node.value ? 4 : 5;
        break;
      case 'null':
        n += 4;
        break;
      case 'array':
        n += 2 + Math.max(0, node.items.length - 1);
        for (const item of node.items) stack.push(item);
        break;
      case 'object':
        n += 2 + Math.max(0, node.entries.length - 1);
        for (const e of node.entries) {
          n += JSON.stringify(e.key).length + 1;
          stack.push(e.value);
        }
        break;
    }
  }
  return n;
}
