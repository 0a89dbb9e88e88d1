// The policy and its statements: top-level elements, Version, Id, Sid, Effect, element pairs that
// exclude each other, and the dispatch to each element's rule family.

import type { JsonEntry, JsonNode } from '../model.ts';
import { POLICY_TYPES } from '../model.ts';
import { checkAction } from './actions.ts';
import { checkResources } from './arns.ts';
import type { Checker } from './checker.ts';
import { checkCondition } from './conditions.ts';
import { before, posIn, show } from './nodes.ts';
import { isRcpFullAccess } from './per-type.ts';
import { checkPrincipals } from './principals.ts';
import { checkSize } from './size.ts';
import { isAlnum } from './text.ts';

const TOP_KEYS = ['Version', 'Id', 'Statement'];

const STATEMENT_KEYS = [
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
];

const VERSION_CURRENT = '2012-10-17';

const VERSION_LEGACY = '2008-10-17';

export function checkPolicy(c: Checker, root: JsonNode): void {
  if (!POLICY_TYPES.includes(c.type)) {
    c.add(
      'Invalid policy type',
      'error',
      `unknown policy type ${JSON.stringify(c.type)}: use one of ${POLICY_TYPES.join(', ')}`,
      root.span.start,
      '',
    );
    return;
  }
  checkSize(c, root);
  if (root.kind !== 'object') {
    c.add(
      'Invalid policy element',
      'error',
      `a policy is a JSON object {"Version": "2012-10-17", "Statement": [...]}, not ${show(root)}`,
      root.span.start,
      '',
    );
    return;
  }
  const els = c.elements(root, TOP_KEYS, '', 'the policy');
  checkVersion(c, root, els.get('Version'));
  checkId(c, els.get('Id'));
  const st = els.get('Statement');
  if (!st) {
    c.add(
      'Missing statement',
      'error',
      'the policy has no "Statement": add "Statement": [{"Effect": ..., "Action": ..., ...}]',
      root.span.start,
      '',
    );
    return;
  }
  const v = st.value;
  if (v.kind === 'array') {
    if (v.items.length === 0) {
      c.add('Missing statement', 'error', '"Statement" is an empty array: add at least one statement', v.span.start, '/Statement');
    }
    v.items.forEach((item, k) => checkStatement(c, item, k, `/Statement/${k}`));
  } else if (v.kind === 'object') {
    checkStatement(c, v, 0, '/Statement');
  } else {
    c.add(
      'Invalid policy element',
      'error',
      `"Statement" must be an object or an array of objects, not ${show(v)}`,
      v.span.start,
      '/Statement',
    );
  }
}

function checkVersion(c: Checker, root: JsonNode, e: JsonEntry | undefined): void {
  if (!e) {
    if (c.rules.versionRequired) {
      c.add('Missing version', 'error', `${c.rules.label} must state "Version": "2012-10-17"`, root.span.start, '');
    } else {
      c.add(
        'Missing version',
        'warning',
        'no "Version": policy variables such as ${aws:username} are then literal text; add "Version": "2012-10-17"',
        root.span.start,
        '',
      );
    }
    return;
  }
  const v = e.value;
  if (v.kind === 'string' && v.value === VERSION_CURRENT) {
    c.versionText = v.value;
    c.variables = true;
    return;
  }
  if (v.kind === 'string' && v.value === VERSION_LEGACY) {
    c.versionText = v.value;
    if (c.rules.versionRequired) {
      c.add('Invalid version', 'error', `${c.rules.label} must use "Version": "2012-10-17", not "2008-10-17"`, v.span.start, '/Version');
    }
    return;
  }
  c.add(
    'Invalid version',
    'error',
    `Version must be "2012-10-17" (or the legacy "2008-10-17"), not ${show(v)}: use "2012-10-17"`,
    v.span.start,
    '/Version',
  );
}

function checkId(c: Checker, e: JsonEntry | undefined): void {
  if (!e) return;
  if (e.value.kind !== 'string') {
    c.add('Invalid policy element', 'error', `"Id" must be a string, not ${show(e.value)}`, e.value.span.start, '/Id');
  } else if (c.rules.idWarning) {
    // The grammar notes say Id must not appear in identity-based policies; whether IAM rejects
    // it is [UNDOCUMENTED] (spec §2.1), so this is a warning.
    c.add(
      'Unsupported Id',
      'warning',
      `"Id" is meant for resource-based policies; AWS documents that ${c.rules.label} should not have one: remove it`,
      e.keySpan.start,
      '/Id',
    );
  }
}

function checkStatement(c: Checker, st: JsonNode, index: number, path: string): void {
  if (st.kind !== 'object') {
    c.add('Invalid policy element', 'error', `a statement must be a JSON object, not ${show(st)}`, st.span.start, path);
    return;
  }
  const els = c.elements(st, STATEMENT_KEYS, path, 'a statement');
  const sid = els.get('Sid');
  if (sid) checkSid(c, sid, index, `${path}/Sid`);
  const effect = checkEffect(c, st, els.get('Effect'), path);

  for (const [a, b] of [
    ['Action', 'NotAction'],
    ['Resource', 'NotResource'],
    ['Principal', 'NotPrincipal'],
  ] as const) {
    const ea = els.get(a);
    const eb = els.get(b);
    if (ea && eb) {
      const later = before(ea.keySpan.start, eb.keySpan.start) ? eb : ea;
      c.add(
        'Unsupported element combination',
        'error',
        `a statement may have "${a}" or "${b}", not both: remove one of them`,
        later.keySpan.start,
        `${path}/${later.key}`,
      );
    }
  }

  // Action / NotAction
  const act = els.get('Action');
  const nact = els.get('NotAction');
  if (!act && !nact) {
    c.add('Missing action', 'error', 'the statement has neither "Action" nor "NotAction": add "Action": ["service:Name"]', st.span.start, path);
  }
  for (const e of [act, nact]) {
    if (!e) continue;
    for (const [node, p] of c.stringList(e, `${path}/${e.key}`, 'Empty array action', 'action')) checkAction(c, node, p);
  }

  checkResources(c, st, els, path);
  checkPrincipals(c, st, els, effect, path);

  const cond = els.get('Condition');
  if (cond) checkCondition(c, cond, `${path}/Condition`);

  if (c.type === 'rcp' && effect === 'Allow' && !isRcpFullAccess(els)) {
    const eff = els.get('Effect')!;
    c.add(
      'RCP syntax error allow',
      'error',
      'customer RCPs can only Deny: the only Allow is the AWS-managed RCPFullAWSAccess (Allow "*" on "*" to Principal "*", no Condition); use "Effect": "Deny"',
      eff.value.span.start,
      `${path}/Effect`,
    );
  }
}

function checkSid(c: Checker, e: JsonEntry, index: number, path: string): void {
  const v = e.value;
  if (v.kind !== 'string') {
    c.add('Unsupported Sid', 'error', `"Sid" must be a string, not ${show(v)}`, v.span.start, path);
    return;
  }
  if (v.value === '') {
    c.add('Empty Sid value', 'suggestion', 'the Sid is empty: give the statement a name or remove "Sid"', v.span.start, path);
    return;
  }
  if (c.rules.strictSid) {
    for (let k = 0; k < v.value.length; k++) {
      if (!isAlnum(v.value.charCodeAt(k))) {
        const cleaned = [...v.value].filter((c) => isAlnum(c.charCodeAt(0))).join('');
        c.add(
          'Unsupported Sid',
          'error',
          `Sid ${JSON.stringify(v.value)} contains ${JSON.stringify(v.value[k])}: ${c.rules.label} allows only A-Z, a-z and 0-9 in a Sid (spec §2.1)` +
            (cleaned ? `; use ${JSON.stringify(cleaned)} instead` : ''),
          posIn(v, v.value, k),
          path,
        );
        break;
      }
    }
  }
  const prev = c.sids.get(v.value);
  if (prev) {
    const p = prev.node.span.start;
    c.add(
      c.rules.strictSid ? 'Unique Sids required' : 'Unique Sids recommended',
      c.rules.strictSid ? 'error' : 'warning',
      `Sid ${JSON.stringify(v.value)} is already used by statement ${prev.index} (line ${p.line}): give each statement its own Sid`,
      v.span.start,
      path,
    );
  } else {
    c.sids.set(v.value, { index, node: v });
  }
}

function checkEffect(c: Checker, st: JsonNode, e: JsonEntry | undefined, path: string): 'Allow' | 'Deny' | undefined {
  if (!e) {
    c.add('Missing effect', 'error', 'the statement has no "Effect": add "Effect": "Allow" or "Effect": "Deny"', st.span.start, path);
    return undefined;
  }
  const v = e.value;
  if (v.kind === 'string' && (v.value === 'Allow' || v.value === 'Deny')) return v.value;
  const lower = v.kind === 'string' ? v.value.toLowerCase() : '';
  const canon = lower === 'allow' ? 'Allow' : lower === 'deny' ? 'Deny' : undefined;
  c.add(
    'Invalid effect',
    'error',
    canon
      ? `Effect is case-sensitive (spec §2.1): use "${canon}" instead of ${show(v)}`
      : `Effect must be "Allow" or "Deny", not ${show(v)}`,
    v.span.start,
    `${path}/Effect`,
  );
  return undefined;
}
