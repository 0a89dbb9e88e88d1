// Principal and NotPrincipal: which types allow them, their forms (AWS, Service, Federated,
// CanonicalUser) and the Allow/Deny rules for NotPrincipal (spec §2.2).

import { escapePointer } from '../json.ts';
import type { JsonEntry, JsonNode } from '../model.ts';
import type { Checker } from './checker.ts';
import { posIn, show, type ScalarNode } from './nodes.ts';
import { checkPartition, splitArn } from './arns.ts';
import { firstWildcard, isAccount, isHex, isIamName, isIamPath, isUpperAlnum } from './text.ts';

const PRINCIPAL_KEYS = ['AWS', 'Service', 'Federated', 'CanonicalUser'];

/** Web-identity providers that are named directly in a Federated principal (spec §2.2). */
const WEB_IDENTITY_PROVIDERS = new Set([
  'cognito-identity.amazonaws.com',
  'accounts.google.com',
  'www.amazon.com',
  'graph.facebook.com',
]);

export function checkPrincipals(c: Checker, st: JsonNode, els: Map<string, JsonEntry>, effect: 'Allow' | 'Deny' | undefined, path: string): void {
  const pr = els.get('Principal');
  const npr = els.get('NotPrincipal');
  const r = c.rules;
  if (r.principalForbidden) {
    for (const e of [pr, npr]) {
      if (!e) continue;
      c.add(
        r.principalForbidden,
        'error',
        c.type === 'scp'
          ? `an SCP must not have "${e.key}": it applies to the principals of the accounts it is attached to; remove it and scope with a Condition on aws:PrincipalArn`
          : `${r.label} must not have "${e.key}": the principal is the identity the policy is attached to; remove it`,
        e.keySpan.start,
        `${path}/${e.key}`,
      );
    }
    return;
  }
  if (!pr && !npr) {
    c.add(
      'Missing principal',
      'error',
      `a statement in ${r.label} needs "Principal"` + (c.type === 'rcp' ? ': add "Principal": "*" and scope with conditions' : ': add e.g. "Principal": {"AWS": "arn:aws:iam::123456789012:root"}'),
      st.span.start,
      path,
    );
  }
  if (pr) checkPrincipal(c, pr, `${path}/Principal`);
  // RCPs apply to every principal calling the resources they guard: the Principal element is
  // always "*" and conditions do the scoping (Organizations RCP syntax).
  if (pr && c.type === 'rcp' && !isStar(pr)) {
    c.add(
      'RCP syntax error principal',
      'error',
      'an RCP\'s "Principal" must be "*" (RCPs restrict every caller of the resources they guard); scope callers with a Condition such as StringNotEqualsIfExists on aws:PrincipalOrgID',
      pr.value.span.start,
      `${path}/Principal`,
    );
  }
  if (npr) {
    if (r.notPrincipalForbidden) {
      c.add(
        r.notPrincipalForbidden,
        'error',
        `${r.label} must not have "NotPrincipal" (spec §2.2): use "Principal" with a Condition such as ArnNotEquals on aws:PrincipalArn`,
        npr.keySpan.start,
        `${path}/NotPrincipal`,
      );
      return;
    }
    checkPrincipal(c, npr, `${path}/NotPrincipal`);
    if (effect === 'Allow') {
      c.add(
        'Allow with NotPrincipal',
        'error',
        'NotPrincipal is not supported with Allow (spec §2.2): it would grant access to everyone not listed; list the principals to allow in "Principal" instead',
        npr.keySpan.start,
        `${path}/NotPrincipal`,
      );
    } else if (effect === 'Deny') {
      c.add(
        'Deny with NotPrincipal',
        'suggestion',
        'a Deny with NotPrincipal always denies principals that have a permissions boundary, whatever NotPrincipal lists (spec §1.3): use "Principal": "*" with a Condition ArnNotEquals on aws:PrincipalArn instead',
        npr.keySpan.start,
        `${path}/NotPrincipal`,
      );
    }
  }
}

function checkPrincipal(c: Checker, e: JsonEntry, path: string): void {
  const v = e.value;
  if (v.kind === 'string') {
    if (v.value === '*') return;
    const dollar = v.value.indexOf('${');
    if (dollar >= 0) {
      c.add('Variable unsupported in element', 'error', 'policy variables are not allowed in principals (spec §5): name the principal', posIn(v, v.value, dollar), path);
      return;
    }
    c.add(
      'Invalid principal format',
      'error',
      `a string "${e.key}" must be "*"; name specific principals in an object such as {"AWS": ${JSON.stringify(v.value)}}`,
      v.span.start,
      path,
    );
    return;
  }
  if (v.kind !== 'object') {
    c.add('Invalid principal format', 'error', `"${e.key}" must be "*" or an object such as {"AWS": [...]}, not ${show(v)}`, v.span.start, path);
    return;
  }
  if (v.entries.length === 0) {
    c.add('Empty object principal', 'suggestion', `"${e.key}" is an empty object and matches no one: name principals or remove the statement`, v.span.start, path);
  }
  const seen = new Map<string, JsonEntry>();
  for (const k of v.entries) {
    const p = `${path}/${escapePointer(k.key)}`;
    if (!PRINCIPAL_KEYS.includes(k.key)) {
      const near = c.closest(k.key, PRINCIPAL_KEYS, 3);
      c.add(
        'Invalid principal key',
        'error',
        `${JSON.stringify(k.key)} is not a principal type: use ${near ? JSON.stringify(near) : 'one of AWS, Service, Federated, CanonicalUser'}`,
        k.keySpan.start,
        p,
      );
      continue;
    }
    const prev = seen.get(k.key);
    if (prev) {
      c.add(
        'Repeated element',
        'error',
        `${JSON.stringify(k.key)} appears twice in this principal (first at ${prev.keySpan.start.line}:${prev.keySpan.start.column}); JSON readers keep only one: put all values in one array`,
        k.keySpan.start,
        p,
      );
      continue;
    }
    seen.set(k.key, k);
    for (const [node, text, vp] of c.scalarList(k.value, p, 'Empty array principal', 'Invalid principal format', 'principal')) {
      checkPrincipalValue(c, k.key, node, text, vp);
    }
  }
}

function checkPrincipalValue(c: Checker, key: string, node: ScalarNode, text: string, path: string): void {
  const dollar = text.indexOf('${');
  if (dollar >= 0) {
    c.add('Variable unsupported in element', 'error', 'policy variables are not allowed in principals (spec §5): name the principal', posIn(node, text, dollar), path);
    return;
  }
  if (text === '*') return;
  const wild = firstWildcard(text);
  if (wild >= 0) {
    c.add(
      'Unsupported wildcard in principal',
      'error',
      `principals cannot contain partial wildcards (spec §2.2): use "Principal": {"AWS": "*"} with a Condition such as ArnLike on aws:PrincipalArn = ${JSON.stringify(text)}`,
      posIn(node, text, wild),
      path,
    );
    return;
  }
  switch (key) {
    case 'AWS':
      checkAwsPrincipal(c, node, text, path);
      return;
    case 'Service':
      checkServicePrincipal(c, node, text, path);
      return;
    case 'Federated':
      checkFederatedPrincipal(c, node, text, path);
      return;
    case 'CanonicalUser':
      if (text.length !== 64 || ![...text].every((c) => isHex(c.charCodeAt(0)))) {
        c.add('Invalid principal format', 'error', `${JSON.stringify(text)} is not an S3 canonical user id (64 hex digits)`, node.span.start, path);
      }
      return;
  }
}

function checkAwsPrincipal(c: Checker, node: ScalarNode, text: string, path: string): void {
  if (isAccount(text)) return;
  // IAM stores unique ids (AIDA…, AROA…) for deleted-and-recreated entities (spec §2.2).
  if (text.length === 21 && text[0] === 'A' && [...text].every((c) => isUpperAlnum(c.charCodeAt(0)))) return;
  const usage =
    'use an account id ("123456789012"), an IAM user or role ARN ("arn:aws:iam::123456789012:role/Name"), an STS session ARN, or "*"';
  if (!text.startsWith('arn:')) {
    c.add('Invalid principal format', 'error', `${JSON.stringify(text)} is not an AWS principal: ${usage}`, node.span.start, path);
    return;
  }
  const arn = principalArn(c, node, text, path, ['iam', 'sts']);
  if (!arn) return;
  const { service, resource } = arn;
  let ok = false;
  let hint = usage;
  if (service === 'iam') {
    if (resource === 'root') ok = true;
    else if (resource.startsWith('user/') || resource.startsWith('role/')) ok = isIamPath(resource.slice(5));
    else if (resource.startsWith('group/')) hint = 'IAM groups cannot be principals: name the users, or use a role';
    else if (resource.startsWith('saml-provider/') || resource.startsWith('oidc-provider/'))
      hint = 'identity providers belong under the "Federated" key, not "AWS"';
  } else {
    if (resource.startsWith('assumed-role/')) {
      const parts = resource.slice(13).split('/');
      ok = parts.length === 2 && parts.every((s) => s !== '' && isIamName(s));
      if (!ok) hint = 'a role session ARN is arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION (no role path)';
    } else if (resource.startsWith('federated-user/')) ok = isIamName(resource.slice(15));
  }
  if (!ok) {
    c.add(
      'Invalid principal format',
      'error',
      hint === usage ? `${JSON.stringify(text)} is not an AWS principal: ${usage}` : `${JSON.stringify(text)} cannot be an AWS principal: ${hint}`,
      node.span.start,
      path,
    );
  }
}

/** Checks an IAM/STS ARN's fixed components; reports and returns undefined when they are wrong. */
function principalArn(c: Checker, node: ScalarNode, text: string, path: string, services: string[]): { service: string; resource: string } | undefined {
  const { comps, offs } = splitArn(text);
  if (comps.length < 6) {
    c.add('Invalid principal format', 'error', `${JSON.stringify(text)} is not a complete ARN (arn:partition:service::account:resource)`, node.span.start, path);
    return undefined;
  }
  const [, partition, service, region, account, resource] = comps as [string, string, string, string, string, string];
  if (!checkPartition(c, node, text, partition, offs[1]!, path)) return undefined;
  if (!services.includes(service)) {
    if (services.includes(service.toLowerCase())) {
      c.add(
        'Invalid ARN service case',
        'error',
        `the service component of an ARN is lowercase: use ${JSON.stringify(service.toLowerCase())}`,
        posIn(node, text, offs[2]!),
        path,
      );
    } else {
      c.add(
        'Invalid principal format',
        'error',
        `${JSON.stringify(text)} is not a principal ARN: principals are ${services.join(' or ')} ARNs such as arn:aws:iam::123456789012:role/Name`,
        posIn(node, text, offs[2]!),
        path,
      );
    }
    return undefined;
  }
  if (region !== '') {
    c.add('Invalid ARN Region', 'error', `${service} ARNs have no Region: write "arn:${partition}:${service}::${account}:${resource}"`, posIn(node, text, offs[3]!), path);
    return undefined;
  }
  if (!isAccount(account)) {
    c.add('Invalid ARN account', 'error', `${JSON.stringify(account)} is not an account id: write the 12-digit account id`, posIn(node, text, offs[4]!), path);
    return undefined;
  }
  return { service, resource };
}

function checkServicePrincipal(c: Checker, node: ScalarNode, text: string, path: string): void {
  let dnsLike = text.includes('.') && !text.startsWith('.') && !text.endsWith('.');
  for (let k = 0; k < text.length && dnsLike; k++) {
    const ch = text.charCodeAt(k);
    if (!((ch >= 0x61 && ch <= 0x7a) || (ch >= 0x30 && ch <= 0x39) || ch === 0x2e || ch === 0x2d)) dnsLike = false;
  }
  const known = text.endsWith('.amazonaws.com') || text.endsWith('.amazonaws.com.cn');
  if (dnsLike && known) return;
  // Unknown suffixes are only a warning: some partitions use their own service domains.
  c.add(
    'Invalid service principal format',
    dnsLike ? 'warning' : 'error',
    `${JSON.stringify(text)} is not a service principal: write the service's lowercase name, e.g. "lambda.amazonaws.com"`,
    node.span.start,
    path,
  );
}

function checkFederatedPrincipal(c: Checker, node: ScalarNode, text: string, path: string): void {
  if (WEB_IDENTITY_PROVIDERS.has(text)) return;
  const usage = `use an IAM identity provider ARN (arn:aws:iam::123456789012:saml-provider/Name or …:oidc-provider/host) or one of ${[...WEB_IDENTITY_PROVIDERS].join(', ')}`;
  if (!text.startsWith('arn:')) {
    c.add('Invalid principal format', 'error', `${JSON.stringify(text)} is not a federated principal: ${usage}`, node.span.start, path);
    return;
  }
  const arn = principalArn(c, node, text, path, ['iam']);
  if (!arn) return;
  const r = arn.resource;
  const ok =
    (r.startsWith('saml-provider/') && r.length > 14) || (r.startsWith('oidc-provider/') && r.length > 14);
  if (!ok) c.add('Invalid principal format', 'error', `${JSON.stringify(text)} is not a federated principal: ${usage}`, node.span.start, path);
}

/** `"*"`, `["*"]`, `{"AWS": "*"}` or `{"AWS": ["*"]}`. */
function isStar(e: JsonEntry): boolean {
  const v = e.value;
  const starItem = (n: JsonNode): boolean => (n.kind === 'string' && n.value === '*') || (n.kind === 'array' && n.items.length === 1 && starItem(n.items[0]!));
  if (starItem(v)) return true;
  return v.kind === 'object' && v.entries.length === 1 && v.entries[0]!.key === 'AWS' && starItem(v.entries[0]!.value);
}
