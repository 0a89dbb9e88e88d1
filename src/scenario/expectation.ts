// What an expectation means and how a property's domain is shown: used by the runner, the property
// checker and the simulator's differential report, so none of them imports another for it.
import type { Decision } from '../engine/types.ts';
import type { Expectation, PropertySpec } from './model.ts';

/** Does the decision satisfy the expectation (`denied` = either deny)? */
export function satisfies(expect: Expectation, actual: Decision): boolean {
  return expect === actual || (expect === 'denied' && actual !== 'allowed');
}

/** A property's `action` and `resource` as its results show them: `s3:* except s3:PutObject`, `any`. */
export function describeForAll(p: PropertySpec): { action: string; resource: string } {
  const a = p.forAll.action;
  let action: string;
  if (!a) action = '*';
  else if ('oneOf' in a) action = a.oneOf.join('|');
  else {
    const svc = a.service === '*' ? '*' : `${a.service}:*`;
    action = a.except.length ? `${svc} except ${a.except.join(', ')}` : svc;
  }
  return { action, resource: p.forAll.resource ?? 'any' };
}
