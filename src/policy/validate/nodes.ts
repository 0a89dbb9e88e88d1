// JsonNode helpers shared by the rule families: scalar text, short descriptions for messages,
// positions inside a string value.

import type { JsonNode, Position } from '../model.ts';

export type StringNode = Extract<JsonNode, { kind: 'string' }>;
export type ScalarNode = Extract<JsonNode, { kind: 'string' | 'number' | 'boolean' }>;

export function isScalar(n: JsonNode): n is ScalarNode {
  return n.kind === 'string' || n.kind === 'number' || n.kind === 'boolean';
}

/** JSON numbers and booleans as their text (spec §2.1); numbers as written. */
export function scalarText(n: ScalarNode): string {
  if (n.kind === 'string') return n.value;
  if (n.kind === 'number') return n.raw || String(n.value);
  return n.value ? 'true' : 'false';
}

/** A short description of a node for messages. */
export function show(n: JsonNode): string {
  switch (n.kind) {
    case 'string':
      return n.value.length > 60 ? JSON.stringify(n.value.slice(0, 57) + '...') : JSON.stringify(n.value);
    case 'number':
      return `the number ${n.raw || n.value}`;
    case 'boolean':
      return `the boolean ${n.value}`;
    case 'null':
      return 'null';
    case 'array':
      return 'an array';
    case 'object':
      return 'an object';
  }
}

/**
 * The position of character `offset` of a string value. Exact when the value is written on one
 * line without escapes (quoted JSON/YAML, or a plain YAML scalar); otherwise the value's start.
 */
export function posIn(node: JsonNode, value: string, offset: number): Position {
  const { start, end } = node.span;
  if (start.line === end.line) {
    const width = end.column - start.column;
    if (node.kind === 'string' && width === value.length + 2) return { line: start.line, column: start.column + 1 + offset };
    if (width === value.length) return { line: start.line, column: start.column + offset };
  }
  return start;
}

export function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.column < b.column);
}
