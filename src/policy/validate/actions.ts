// Action and NotAction entries: the service:Action grammar (spec §3.1).

import type { Checker } from './checker.ts';
import { posIn, type StringNode } from './nodes.ts';
import { firstWhitespace, isAlnum } from './text.ts';

export function checkAction(c: Checker, node: StringNode, path: string): void {
  const v = node.value;
  if (v === '*') return;
  if (v === '') {
    c.add('Invalid action', 'error', 'an empty action: write "service:ActionName", or "*" for every action', node.span.start, path);
    return;
  }
  const dollar = v.indexOf('${');
  if (dollar >= 0) {
    c.add(
      'Variable unsupported in element',
      'error',
      'policy variables are not allowed in Action or NotAction (spec §5): list the actions, or use a wildcard such as "s3:Get*"',
      posIn(node, v, dollar),
      path,
    );
    return;
  }
  if (v.includes(',')) {
    const parts = v
      .split(',')
      .map((s) => JSON.stringify(s.trim()))
      .join(', ');
    c.add(
      'Invalid action',
      'error',
      `${JSON.stringify(v)} is several actions joined by commas, which IAM reads as one action that never matches: use an array [${parts}] instead`,
      node.span.start,
      path,
    );
    return;
  }
  const ws = firstWhitespace(v);
  if (ws >= 0) {
    c.add('Invalid action', 'error', `${JSON.stringify(v)} contains whitespace: write the action as service:ActionName with no spaces`, posIn(node, v, ws), path);
    return;
  }
  const colon = v.indexOf(':');
  if (colon < 0) {
    c.add(
      'Invalid action',
      'error',
      `${JSON.stringify(v)} has no service prefix: write it as service:ActionName (e.g. "s3:GetObject"), or "*" for every action`,
      node.span.start,
      path,
    );
    return;
  }
  if (v.indexOf(':', colon + 1) >= 0) {
    c.add(
      'Invalid action',
      'error',
      `${JSON.stringify(v)} has more than one ":": an action is service:ActionName`,
      posIn(node, v, v.indexOf(':', colon + 1)),
      path,
    );
    return;
  }
  const service = v.slice(0, colon);
  const name = v.slice(colon + 1);
  if (service === '') {
    c.add('Invalid service in action', 'error', `${JSON.stringify(v)} has an empty service prefix: write e.g. "s3${v}"`, node.span.start, path);
    return;
  }
  let wild = false;
  for (let k = 0; k < service.length; k++) {
    const ch = service.charCodeAt(k);
    if (ch === 0x2a || ch === 0x3f) wild = true;
    else if (!isAlnum(ch) && ch !== 0x2d) {
      c.add(
        'Invalid service in action',
        'error',
        `${JSON.stringify(service)} is not a service prefix: prefixes use only letters, digits and "-" (e.g. "s3", "execute-api")`,
        posIn(node, v, k),
        path,
      );
      return;
    }
  }
  if (wild) {
    c.add(
      'Wildcard in service name',
      'suggestion',
      `the wildcard in the service prefix ${JSON.stringify(service)} can match services you did not intend (spec §3.1): name the service`,
      node.span.start,
      path,
    );
  }
  if (name === '') {
    c.add('Invalid action', 'error', `${JSON.stringify(v)} has no action name: write e.g. "${service}:*" for every ${service} action`, node.span.start, path);
    return;
  }
  for (let k = 0; k < name.length; k++) {
    const ch = name.charCodeAt(k);
    if (!isAlnum(ch) && ch !== 0x2a && ch !== 0x3f && ch !== 0x2d && ch !== 0x5f) {
      c.add(
        'Invalid action',
        'error',
        `${JSON.stringify(v)}: action names use only letters and digits (with "*" and "?" as wildcards), not ${JSON.stringify(name[k])}`,
        posIn(node, v, colon + 1 + k),
        path,
      );
      return;
    }
  }
}
