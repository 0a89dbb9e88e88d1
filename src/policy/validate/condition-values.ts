// Condition values against their operator's type: Bool, Numeric, Date, IP, Binary, ARN, and
// wildcards under non-Like String operators (spec §4.4–§4.12). Type mismatches are warnings: a
// wrong value never matches but IAM does not reject it (§4.12).

import type { ParsedOperator } from '../operators.ts';
import { decodeBase64, parseBool, parseCidr, parseDecimal, parseInstant } from '../values.ts';
import type { Checker } from './checker.ts';
import { posIn, scalarText, type ScalarNode } from './nodes.ts';
import { firstWildcard, firstWildcardOutsideVariables } from './text.ts';
import { checkTemplate } from './variables.ts';

export function checkConditionValue(c: Checker, op: ParsedOperator | undefined, node: ScalarNode, path: string): void {
  const text = scalarText(node);
  let vars = false;
  if (node.kind === 'string' && text.includes('${')) vars = checkTemplate(c, node, text, 0, path, op);
  if (!op) return;
  const show = JSON.stringify(text);
  switch (op.base.family) {
    case 'Bool':
    case 'Null': {
      if (vars) return;
      if (parseBool(text) < 0) {
        c.add(
          'Type mismatch Boolean',
          'warning',
          op.base.family === 'Null'
            ? `Null takes "true" (key absent) or "false" (key present), not ${show}`
            : `Bool compares with "true" or "false"; ${show} never matches`,
          node.span.start,
          path,
        );
      }
      return;
    }
    case 'Numeric':
      if (!vars && parseDecimal(text) === null) {
        c.add('Type mismatch number', 'warning', `${op.canonical} needs a decimal number such as "10" or "2.5"; ${show} never matches (spec §4.5)`, node.span.start, path);
      }
      return;
    case 'Date': {
      if (vars) return;
      // The engine's parser decides what matches; checkDate only words the warning.
      const d = Number.isNaN(parseInstant(text)) ? checkDate(text) : checkDate(text) === 'no-zone' ? 'no-zone' : 'ok';
      if (d === 'mismatch') {
        c.add(
          'Type mismatch date',
          'warning',
          `${op.canonical} needs an ISO 8601 date such as "2025-01-31" or "2025-01-31T12:00:00Z", or epoch seconds; ${show} never matches (spec §4.6)`,
          node.span.start,
          path,
        );
      } else if (d === 'no-zone') {
        c.add(
          'Type mismatch date',
          'warning',
          `${show} has a time but no time zone, so it is read as UTC: write "Z" or an offset such as "+01:00" to say so (W3C ISO 8601 profile, spec §4.6)`,
          node.span.start,
          path,
        );
      } else if (d === 'invalid') {
        c.add('Invalid date value', 'warning', `${show} is not a real date or time (month, day, hour or minute out of range)`, node.span.start, path);
      }
      return;
    }
    case 'Ip':
      if (!vars && parseCidr(text) === null) {
        c.add(
          'Type mismatch IP range',
          'warning',
          `${op.canonical} needs an IPv4 or IPv6 address or CIDR such as "203.0.113.0/24"; ${show} never matches (spec §4.10)`,
          node.span.start,
          path,
        );
      }
      return;
    case 'Binary':
      if (!vars && decodeBase64(text) === null) {
        c.add('Type mismatch binary', 'warning', `BinaryEquals needs a base64 value; ${show} is not base64 (spec §4.9)`, node.span.start, path);
      }
      return;
    case 'String': {
      if (op.base.wildcards) return;
      // AA warns on all non-Like string operators; IgnoreCase variants compare literally too.
      const w = firstWildcardOutsideVariables(text);
      if (w >= 0) {
        const like = op.base.negated ? 'StringNotLike' : 'StringLike';
        c.add(
          'Wildcard without like operator',
          'warning',
          `${op.base.name} compares "${text[w]}" literally (spec §4.4): use ${like} for a pattern, or \${${text[w]}} to say the literal character`,
          posIn(node, text, w),
          path,
        );
      }
      return;
    }
    case 'Arn':
      if (!text.startsWith('arn:') && firstWildcard(text) < 0 && !vars) {
        c.add('Type mismatch ARN', 'warning', `${op.canonical} compares ARNs; ${show} is not an ARN and never matches (spec §4.7)`, node.span.start, path);
      }
      return;
  }
}

const DATE_RE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;

/** W3C profile of ISO 8601, or epoch seconds (spec §4.6). */
function checkDate(s: string): 'ok' | 'mismatch' | 'no-zone' | 'invalid' {
  if (/^-?\d+$/.test(s)) return 'ok'; // epoch seconds (and plain YYYY)
  const m = DATE_RE.exec(s);
  if (!m) return 'mismatch';
  const [, y, mo, d, h, mi, sec, tz] = m;
  if (h !== undefined && tz === undefined) return 'no-zone'; // a time needs Z or ±hh:mm
  const year = Number(y);
  if (mo !== undefined) {
    const month = Number(mo);
    if (month < 1 || month > 12) return 'invalid';
    if (d !== undefined) {
      const day = Number(d);
      const dim = new Date(Date.UTC(year, month, 0)).getUTCDate();
      if (day < 1 || day > dim) return 'invalid';
    }
  }
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59)) return 'invalid';
  if (sec !== undefined && Number(sec) > 59) return 'invalid';
  if (tz !== undefined && tz !== 'Z' && (Number(tz.slice(1, 3)) > 23 || Number(tz.slice(4, 6)) > 59)) return 'invalid';
  return 'ok';
}
