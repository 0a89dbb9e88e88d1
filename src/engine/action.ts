// Action matching (spec §3.1): `service:ActionName`, both parts case-insensitive; `*` and `?` in
// either part; the lone `*` matches every action of every service. The matcher answers "does any
// listed pattern match"; the caller negates it for NotAction.
//
// The pattern's service part is matched against the request action up to its first colon, and the
// name part against the rest. A pattern without a colon (other than `*`) matches nothing: the
// validator reports it as an error (spec §2.3); this is the engine's guard.

import { Glob, hasWildcard } from './glob.ts';

export interface ActionMatcher {
  test(actionLower: string): boolean; // caller passes the request action already lower-cased
  /** Lower-cased service prefixes this matcher can match; null when any service can (e.g. "*", "*:Get*", or a wildcard in the prefix). Used by the statement index (compile.ts). */
  services: ReadonlySet<string> | null;
  /** Lower-cased exact `service:action` patterns (no wildcards), for the statement index. */
  exactActions: ReadonlySet<string>;
  /** Lower-cased services that have at least one wildcard name pattern (`s3:Get*`). */
  globServices: ReadonlySet<string>;
  patterns: string[]; // as written, for explanations
}

interface ServiceGlob {
  /** Exact service prefix, lower-cased. */
  service: string;
  name: Glob;
}

interface AnyServiceGlob {
  service: Glob;
  name: Glob;
}

class CompiledActionMatcher implements ActionMatcher {
  readonly globServices: ReadonlySet<string>;

  constructor(
    readonly patterns: string[],
    readonly services: ReadonlySet<string> | null,
    private readonly all: boolean,
    readonly exactActions: ReadonlySet<string>,
    private readonly byService: readonly ServiceGlob[],
    private readonly anyService: readonly AnyServiceGlob[],
  ) {
    this.globServices = new Set(byService.map((g) => g.service));
  }

  test(actionLower: string): boolean {
    if (this.all) return true;
    if (this.exactActions.has(actionLower)) return true;
    const byService = this.byService;
    const anyService = this.anyService;
    if (byService.length === 0 && anyService.length === 0) return false;
    const colon = actionLower.indexOf(':');
    if (colon < 0) return false;
    const n = actionLower.length;
    for (let i = 0; i < byService.length; i++) {
      const g = byService[i]!;
      if (g.service.length === colon && actionLower.startsWith(g.service) && g.name.matchRange(actionLower, colon + 1, n)) {
        return true;
      }
    }
    for (let i = 0; i < anyService.length; i++) {
      const g = anyService[i]!;
      if (g.service.matchRange(actionLower, 0, colon) && g.name.matchRange(actionLower, colon + 1, n)) return true;
    }
    return false;
  }
}

/** Compiles Action / NotAction patterns. Exact patterns become one Set lookup. */
export function compileActionMatcher(patterns: string[]): ActionMatcher {
  let all = false;
  const services = new Set<string>();
  const exact = new Set<string>();
  const byService: ServiceGlob[] = [];
  const anyService: AnyServiceGlob[] = [];
  for (const written of patterns) {
    const p = written.toLowerCase();
    if (p === '*') {
      all = true;
      continue;
    }
    const colon = p.indexOf(':');
    if (colon < 0) continue; // not `service:action`: never matches (validator error)
    const service = p.slice(0, colon);
    const name = p.slice(colon + 1);
    if (hasWildcard(service)) {
      anyService.push({ service: new Glob([service]), name: new Glob([name]) });
      continue;
    }
    services.add(service);
    if (!hasWildcard(name)) exact.add(p);
    else byService.push({ service, name: new Glob([name]) });
  }
  return new CompiledActionMatcher([...patterns], all || anyService.length > 0 ? null : services, all, exact, byService, anyService);
}
