// Condition blocks: operators, keys and the shape of their values (spec §4.1–§4.3, §8.2).

import { escapePointer } from '../json.ts';
import type { JsonEntry, JsonNode } from '../model.ts';
import { BASE_OPERATORS, parseOperator, type ParsedOperator } from '../operators.ts';
import type { Checker } from './checker.ts';
import { checkConditionValue } from './condition-values.ts';
import { isScalar, posIn, show, type ScalarNode, type StringNode } from './nodes.ts';
import { isAlnum } from './text.ts';

const ALL_OPERATORS: string[] = (() => {
  const out: string[] = [];
  for (const q of ['', 'ForAllValues:', 'ForAnyValue:']) for (const b of BASE_OPERATORS) for (const s of ['', 'IfExists']) out.push(q + b.name + s);
  return out;
})();

export function checkCondition(c: Checker, e: JsonEntry, path: string): void {
  const v = e.value;
  if (v.kind !== 'object') {
    c.add(
      'Invalid policy element',
      'error',
      `"Condition" must be an object such as {"StringEquals": {"aws:PrincipalTag/team": "dev"}}, not ${show(v)}`,
      v.span.start,
      path,
    );
    return;
  }
  if (v.entries.length === 0) {
    c.add('Empty object condition', 'suggestion', '"Condition" is empty and has no effect: remove it', v.span.start, path);
  }
  const seenOps = new Map<string, JsonEntry>();
  for (const opEntry of v.entries) {
    const opPath = `${path}/${escapePointer(opEntry.key)}`;
    const op = parseOperator(opEntry.key);
    if (!op) {
      const near = c.closest(opEntry.key, ALL_OPERATORS, 3);
      c.add(
        'Invalid condition operator',
        'error',
        `unknown condition operator ${JSON.stringify(opEntry.key)}` +
          (near ? `: did you mean ${JSON.stringify(near)}?` : '') +
          ' An unknown operator is an error, never a silent no-match (spec §4.1).',
        opEntry.keySpan.start,
        opPath,
      );
    } else {
      const prev = seenOps.get(op.canonical);
      if (prev) {
        const same = prev.key === opEntry.key;
        c.add(
          same ? 'Repeated element' : 'Duplicate keys with different case',
          'error',
          `${JSON.stringify(opEntry.key)} is already used in this Condition (${JSON.stringify(prev.key)} at ${prev.keySpan.start.line}:${prev.keySpan.start.column})${same ? '; JSON readers keep only one' : ''}: merge the two blocks`,
          opEntry.keySpan.start,
          opPath,
        );
      } else {
        seenOps.set(op.canonical, opEntry);
      }
      if (op.caseDiffers) {
        c.add(
          'Condition operator case',
          'warning',
          `write ${JSON.stringify(op.canonical)}: whether IAM accepts other spellings is [UNDOCUMENTED] (spec §4.1)`,
          opEntry.keySpan.start,
          opPath,
        );
      }
      if (op.base.name === 'Null' && op.ifExists) {
        c.add(
          'Null with if exists',
          'error',
          'Null cannot take IfExists: Null itself tests whether the key exists (spec §4.2); use "Null"',
          opEntry.keySpan.start,
          opPath,
        );
      }
      if (op.base.name === 'Null' && op.qualifier) {
        c.add(
          'Null with qualifier',
          'suggestion',
          `${op.qualifier}:Null is constant (always ${op.qualifier === 'ForAllValues' ? 'true' : 'false'}, spec §4.2): use plain "Null"`,
          opEntry.keySpan.start,
          opPath,
        );
      }
    }
    const block = opEntry.value;
    if (block.kind !== 'object') {
      c.add(
        'Invalid policy element',
        'error',
        `the value of ${JSON.stringify(opEntry.key)} must be an object mapping condition keys to values, not ${show(block)}`,
        block.span.start,
        opPath,
      );
      continue;
    }
    if (block.entries.length === 0) {
      c.add('Empty object condition', 'suggestion', `${JSON.stringify(opEntry.key)} has no condition keys and no effect: remove it`, block.span.start, opPath);
    }
    const seenKeys = new Map<string, JsonEntry>();
    for (const ke of block.entries) {
      const kPath = `${opPath}/${escapePointer(ke.key)}`;
      checkConditionKey(c, ke, kPath);
      const lower = ke.key.toLowerCase();
      const prev = seenKeys.get(lower);
      if (prev) {
        // Keys are case-insensitive (spec §4.1): two spellings are the same key twice.
        const same = prev.key === ke.key;
        c.add(
          same ? 'Repeated element' : 'Duplicate keys with different case',
          'error',
          `${JSON.stringify(ke.key)} is already used in this ${opEntry.key} block (${JSON.stringify(prev.key)} at ${prev.keySpan.start.line}:${prev.keySpan.start.column}); condition keys are case-insensitive: merge the values into one key`,
          ke.keySpan.start,
          kPath,
        );
      } else {
        seenKeys.set(lower, ke);
      }
      checkConditionValues(c, op, ke, kPath);
    }
  }
}

function checkConditionKey(c: Checker, ke: JsonEntry, path: string): void {
  const key = ke.key;
  const keyNode: StringNode = { kind: 'string', value: key, span: ke.keySpan };
  const dollar = key.indexOf('${');
  if (dollar >= 0) {
    c.add('Variable unsupported in element', 'error', 'policy variables are not allowed in condition keys (spec §5): write the key name', posIn(keyNode, key, dollar), path);
    return;
  }
  const colon = key.indexOf(':');
  // Only the prefix is constrained: tag keys after it may contain spaces ("aws:ResourceTag/Cost Center").
  let ok = colon > 0 && colon < key.length - 1;
  for (let k = 0; ok && k < colon; k++) {
    const ch = key.charCodeAt(k);
    // OIDC provider keys carry a URL path in the prefix: oidc.eks.….amazonaws.com/id/X:sub
    if (!isAlnum(ch) && ch !== 0x2d && ch !== 0x2e && ch !== 0x2f && ch !== 0x5f) ok = false;
  }
  if (!ok) {
    c.add(
      'Invalid condition key format',
      'error',
      `${JSON.stringify(key)} is not a condition key: keys are written prefix:name, e.g. "aws:SourceIp" or "s3:prefix"`,
      ke.keySpan.start,
      path,
    );
  }
}

function checkConditionValues(c: Checker, op: ParsedOperator | undefined, ke: JsonEntry, path: string): void {
  const v = ke.value;
  let items: [JsonNode, string][];
  if (v.kind === 'array') {
    if (v.items.length === 0) {
      const q = op?.qualifier;
      c.add(
        'Empty array condition',
        'suggestion',
        q === 'ForAllValues'
          ? 'an empty value list under ForAllValues matches only when the key is missing (spec §8.2): list values or remove the key'
          : 'an empty value list; its meaning is murky (spec §8.2): list values or remove the key',
        v.span.start,
        path,
      );
    }
    items = v.items.map((item, k) => [item, `${path}/${k}`]);
  } else if (isScalar(v)) {
    items = [[v, path]];
  } else {
    c.add(
      'Invalid condition data type',
      'error',
      `a condition value must be a string, number or boolean, or an array of them, not ${show(v)}`,
      v.span.start,
      path,
    );
    return;
  }
  let firstKind: string | undefined;
  let mixedReported = false;
  const scalars: [ScalarNode, string][] = [];
  for (const [item, p] of items) {
    if (!isScalar(item)) {
      c.add('Invalid condition data type', 'error', `a condition value must be a string, number or boolean, not ${show(item)}`, item.span.start, p);
      continue;
    }
    if (firstKind === undefined) firstKind = item.kind;
    else if (item.kind !== firstKind && !mixedReported) {
      mixedReported = true;
      c.add(
        'Invalid condition data type',
        'error',
        `this list mixes JSON ${firstKind}s and ${item.kind}s: write every value the same way, e.g. all as strings`,
        item.span.start,
        p,
      );
    }
    scalars.push([item, p]);
  }
  if (op && op.base.family === 'Bool' && v.kind === 'array' && v.items.length > 1) {
    c.add(
      'Invalid condition multiple Boolean',
      'error',
      'Bool takes one value (spec §4.8): keep either "true" or "false"',
      v.items[1]!.span.start,
      `${path}/1`,
    );
  }
  for (const [item, p] of scalars) checkConditionValue(c, op, item, p);
}
