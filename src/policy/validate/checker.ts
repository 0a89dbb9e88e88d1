// The state one validation run shares across the rule families: the findings (one Finding type for
// the validator and lint), the policy type's rules, what the Version allows, Sids seen so far, and
// the reporting helpers for elements every family reads (string lists, scalar lists, objects).

import { escapePointer } from '../json.ts';
import type { Finding, JsonEntry, JsonNode, PolicyType, Position, Severity } from '../model.ts';
import { editDistance } from '../names.ts';
import { isScalar, scalarText, show, type ScalarNode, type StringNode } from './nodes.ts';
import { RULES, type TypeRules } from './per-type.ts';

export interface ValidateOptions {
  type: PolicyType;
  name?: string;
  file?: string;
  /**
   * The JSON text the node was read from, when there is one. Size quotas then count its
   * characters outside whitespace; without it the compact serialisation of the node is counted.
   */
  text?: string;
}

/** "Did you mean" hints cost an edit-distance scan each: at most this many per policy. */
const MAX_HINTS = 50;

export class Checker {
  readonly findings: Finding[] = [];
  readonly type: PolicyType;
  readonly rules: TypeRules;
  /** Policy variables are substituted only under Version 2012-10-17 (spec §2.1, §5). */
  variables = false;
  versionText: string | undefined;
  readonly sids = new Map<string, { index: number; node: StringNode }>();
  private hintBudget = MAX_HINTS;

  constructor(readonly opts: ValidateOptions) {
    this.type = opts.type;
    this.rules = RULES[opts.type] ?? RULES.identity;
  }

  add(code: string, severity: Severity, message: string, position: Position, path: string): void {
    this.findings.push({ code, severity, message, position, path });
  }

  /** The candidate within `max` edits of `word` (case-insensitive), if any; used for hints only. */
  closest(word: string, candidates: readonly string[], max: number): string | undefined {
    if (word.length > 64 || this.hintBudget <= 0) return undefined;
    this.hintBudget--;
    const w = word.toLowerCase();
    let best: string | undefined;
    let bestD = max + 1;
    for (const c of candidates) {
      if (Math.abs(c.length - w.length) >= bestD) continue;
      const d = editDistance(w, c, bestD - 1);
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    return best;
  }

  /**
   * Collects the known elements of an object (first occurrence of each) and reports unknown and
   * repeated ones. A repeated element is an error: JSON readers keep only one of the two (spec §2.1).
   */
  elements(obj: Extract<JsonNode, { kind: 'object' }>, allowed: string[], path: string, where: string): Map<string, JsonEntry> {
    const map = new Map<string, JsonEntry>();
    for (const e of obj.entries) {
      const p = `${path}/${escapePointer(e.key)}`;
      if (!allowed.includes(e.key)) {
        const near = this.closest(e.key, allowed, 2);
        this.add(
          'Invalid policy element',
          'error',
          `unknown element ${JSON.stringify(e.key)} in ${where}` +
            (near
              ? near.toLowerCase() === e.key.toLowerCase()
                ? `: element names are case-sensitive, use ${JSON.stringify(near)} instead`
                : `: did you mean ${JSON.stringify(near)}?`
              : `: allowed are ${allowed.join(', ')}`),
          e.keySpan.start,
          p,
        );
      } else if (map.has(e.key)) {
        const first = map.get(e.key)!.keySpan.start;
        this.add(
          'Repeated element',
          'error',
          `${JSON.stringify(e.key)} appears twice in ${where} (first at ${first.line}:${first.column}); JSON readers silently keep only one of them: merge them into one element`,
          e.keySpan.start,
          p,
        );
      } else {
        map.set(e.key, e);
      }
    }
    return map;
  }

  /** A string-or-array element as [node, path] pairs; reports wrong JSON types and empty arrays. */
  stringList(e: JsonEntry, path: string, emptyCode: string, what: string): [StringNode, string][] {
    const v = e.value;
    if (v.kind === 'string') return [[v, path]];
    if (v.kind !== 'array') {
      this.add('Invalid policy element', 'error', `"${e.key}" must be a string or an array of strings, not ${show(v)}`, v.span.start, path);
      return [];
    }
    if (v.items.length === 0) {
      this.add(
        emptyCode,
        'suggestion',
        `"${e.key}" is an empty array, so this element matches nothing (spec §8.2): list at least one ${what} or remove the statement`,
        v.span.start,
        path,
      );
    }
    const out: [StringNode, string][] = [];
    v.items.forEach((item, k) => {
      if (item.kind === 'string') out.push([item, `${path}/${k}`]);
      else this.add('Invalid policy element', 'error', `each ${what} in "${e.key}" must be a string, not ${show(item)}`, item.span.start, `${path}/${k}`);
    });
    return out;
  }

  /**
   * A scalar-or-array value (Principal and Condition values) as [node, text, path] triples. JSON
   * numbers and booleans count as their text (spec §2.1).
   */
  scalarList(v: JsonNode, path: string, emptyCode: string, badCode: string, what: string): [ScalarNode, string, string][] {
    if (isScalar(v)) return [[v, scalarText(v), path]];
    if (v.kind !== 'array') {
      this.add(badCode, 'error', `a ${what} value must be a string (or an array of strings), not ${show(v)}`, v.span.start, path);
      return [];
    }
    if (v.items.length === 0) {
      this.add(emptyCode, 'suggestion', `an empty array of ${what} values has murky semantics (spec §8.2): list values or remove it`, v.span.start, path);
    }
    const out: [ScalarNode, string, string][] = [];
    v.items.forEach((item, k) => {
      if (isScalar(item)) out.push([item, scalarText(item), `${path}/${k}`]);
      else this.add(badCode, 'error', `a ${what} value must be a string, not ${show(item)}`, item.span.start, `${path}/${k}`);
    });
    return out;
  }
}
