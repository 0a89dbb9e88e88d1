// Resource and NotResource: ARN grammar, partitions, services, Regions, accounts, and where
// variables may appear (spec §3.2, §5).

import type { JsonEntry, JsonNode } from '../model.ts';
import type { Checker } from './checker.ts';
import { posIn, type StringNode } from './nodes.ts';
import { hasWildcard, isAccount, isAlnum, isDigits } from './text.ts';
import { checkTemplate } from './variables.ts';

export const PARTITIONS: ReadonlySet<string> = new Set([
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
]);

export function checkResources(c: Checker, st: JsonNode, els: Map<string, JsonEntry>, path: string): void {
  const res = els.get('Resource');
  const nres = els.get('NotResource');
  if (c.rules.resource === 'forbidden') {
    for (const e of [res, nres]) {
      if (!e) continue;
      c.add(
        'Role trust policy syntax error resource',
        'error',
        `a role trust policy must not have "${e.key}": the role itself is the resource (spec §2.1); remove it`,
        e.keySpan.start,
        `${path}/${e.key}`,
      );
    }
    return;
  }
  if (!res && !nres && c.rules.resource === 'required') {
    c.add(
      'Missing resource',
      'error',
      `a statement in ${c.rules.label} needs "Resource" or "NotResource": add "Resource": "*" or the ARNs it applies to`,
      st.span.start,
      path,
    );
  }
  for (const e of [res, nres]) {
    if (!e) continue;
    for (const [node, p] of c.stringList(e, `${path}/${e.key}`, 'Empty array resource', 'resource')) checkResource(c, node, p);
  }
}

function checkResource(c: Checker, node: StringNode, path: string): void {
  const v = node.value;
  if (v === '*') return;
  if (!v.startsWith('arn:')) {
    c.add(
      'Invalid ARN prefix',
      'error',
      v.toLowerCase().startsWith('arn:')
        ? `ARNs start with lowercase "arn:": use ${JSON.stringify('arn:' + v.slice(4))}`
        : `${JSON.stringify(v)} is neither "*" nor an ARN: write arn:partition:service:region:account:resource (e.g. "arn:aws:s3:::my-bucket/*")`,
      node.span.start,
      path,
    );
    return;
  }
  const { comps, offs } = splitArn(v);
  // Variables only in the resource component, after the fifth colon (spec §3.2, §5).
  const dollar = v.indexOf('${');
  if (dollar >= 0 && (comps.length < 6 || dollar < offs[5]!)) {
    c.add(
      'Variable unsupported in element',
      'error',
      'policy variables are allowed only in the resource part of an ARN (after the fifth colon): use a fixed value or a wildcard in this component',
      posIn(node, v, dollar),
      path,
    );
    return;
  }
  if (comps.length < 6) {
    const padded = v + ':*'.repeat(6 - comps.length);
    if (v.endsWith('*')) {
      c.add(
        'Missing ARN field',
        'warning',
        `${JSON.stringify(v)} has ${comps.length} of the 6 ARN components; the trailing "*" is read as spanning the missing ones (spec §3.2), which not every evaluator does: write ${JSON.stringify(padded)}`,
        node.span.start,
        path,
      );
    } else {
      c.add(
        'Missing ARN field',
        'error',
        `${JSON.stringify(v)} has ${comps.length} of the 6 ARN components, so it matches nothing: write all six, arn:partition:service:region:account:resource (an S3 bucket leaves Region and account empty: "arn:aws:s3:::my-bucket")`,
        node.span.start,
        path,
      );
    }
  }
  const [, partition, service, region, account, resource] = comps;
  if (partition !== undefined && !checkPartition(c, node, v, partition, offs[1]!, path)) return;
  if (service !== undefined && !checkArnService(c, node, v, service, offs[2]!, path)) return;
  // In a short ARN the later components are ambiguous (the last one may be a resource): stop.
  if (comps.length < 6) return;
  if (region !== undefined && region !== '' && !hasWildcard(region) && !isRegion(region)) {
    c.add(
      'Invalid ARN Region',
      'error',
      `${JSON.stringify(region)} is not a Region: write a Region code such as "us-east-1", "*", or leave it empty`,
      posIn(node, v, offs[3]!),
      path,
    );
    return;
  }
  if (account !== undefined && account !== '' && !hasWildcard(account) && !isAccount(account) && account !== 'aws') {
    c.add(
      'Invalid ARN account',
      'error',
      `${JSON.stringify(account)} is not an account id: write 12 digits, "*", or leave it empty (as for S3)`,
      posIn(node, v, offs[4]!),
      path,
    );
    return;
  }
  if (resource === '') {
    c.add(
      'Missing ARN field',
      'error',
      `${JSON.stringify(v)} has an empty resource component: name the resource, or end with "*"`,
      posIn(node, v, offs[5]!),
      path,
    );
    return;
  }
  if (resource !== undefined && dollar >= 0) checkTemplate(c, node, v, offs[5]!, path, undefined);
}

export function checkPartition(c: Checker, node: JsonNode, v: string, partition: string, off: number, path: string): boolean {
  if (hasWildcard(partition) || PARTITIONS.has(partition)) return true;
  const lower = partition.toLowerCase();
  c.add(
    'Invalid partition',
    'error',
    `${JSON.stringify(partition)} is not a partition: ` +
      (PARTITIONS.has(lower) ? `partitions are lowercase, use "${lower}"` : `use one of ${[...PARTITIONS].join(', ')} (usually "aws")`),
    posIn(node, v, off),
    path,
  );
  return false;
}

function checkArnService(c: Checker, node: JsonNode, v: string, service: string, off: number, path: string): boolean {
  if (service === '') {
    c.add('Missing ARN field', 'error', `${JSON.stringify(v)} has an empty service component: name the service, e.g. "s3"`, posIn(node, v, off), path);
    return false;
  }
  for (let k = 0; k < service.length; k++) {
    const ch = service.charCodeAt(k);
    if (ch === 0x2a || ch === 0x3f) {
      c.add(
        'Invalid ARN service',
        'error',
        `wildcards are not allowed in the service component of an ARN (spec §3.2): name the service instead of ${JSON.stringify(service)}`,
        posIn(node, v, off + k),
        path,
      );
      return false;
    }
  }
  for (let k = 0; k < service.length; k++) {
    const ch = service.charCodeAt(k);
    if (ch >= 0x41 && ch <= 0x5a) {
      c.add(
        'Invalid ARN service case',
        'error',
        `the service component of an ARN is lowercase: use ${JSON.stringify(service.toLowerCase())} instead of ${JSON.stringify(service)}`,
        posIn(node, v, off + k),
        path,
      );
      return false;
    }
    if (!isAlnum(ch) && ch !== 0x2d) {
      c.add(
        'Invalid ARN service',
        'error',
        `${JSON.stringify(service)} is not a service name: services use only lowercase letters, digits and "-"`,
        posIn(node, v, off + k),
        path,
      );
      return false;
    }
  }
  return true;
}

/** Splits at the first five colons: comps[0] is "arn"; offs are start offsets of each component. */
export function splitArn(v: string): { comps: string[]; offs: number[] } {
  const comps: string[] = [];
  const offs: number[] = [];
  let from = 0;
  for (let k = 0; k < 5; k++) {
    const c = v.indexOf(':', from);
    if (c < 0) break;
    comps.push(v.slice(from, c));
    offs.push(from);
    from = c + 1;
  }
  comps.push(v.slice(from));
  offs.push(from);
  return { comps, offs };
}

/** Region codes such as us-east-1, us-gov-west-1, eu-isoe-west-1: [a-z]+(-[a-z0-9]+)*-digits. */
function isRegion(s: string): boolean {
  const parts = s.split('-');
  if (parts.length < 2) return false;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!/^[a-z]+$/.test(first) || !isDigits(last)) return false;
  return parts.slice(1, -1).every((p) => /^[a-z0-9]+$/.test(p));
}
