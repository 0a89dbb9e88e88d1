// Deliberately broken engines, built without touching src/engine: every engine file is copied into
// a temporary directory with one textual mutation applied, its imports of the rest of the project
// pointed back at src/, and the copy is imported as a separate module graph. A mutation whose
// anchor text is no longer in the engine fails loudly (update the anchor, don't drop the mutant).

import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Engine } from './harness.ts';
import { realEngine } from './harness.ts';
import type { Json } from './arbitraries.ts';

const here = dirname(fileURLToPath(import.meta.url));
const SRC = resolve(here, '../../src');
const ENGINE = join(SRC, 'engine');

export interface TextMutant {
  id: string;
  /** The defect, in words. */
  defect: string;
  file: string;
  /** Textual edits, each anchor must occur exactly once. */
  edits: [find: string, replace: string][];
  /** Invariant ids expected to find a counterexample. */
  caughtBy: string[];
}

export interface WrapMutant {
  id: string;
  defect: string;
  wrap(engine: Engine): Engine;
  caughtBy: string[];
}

export type Mutant = TextMutant | WrapMutant;

export const MUTANTS: readonly Mutant[] = [
  {
    id: 'deny-sweep-skips-boundary',
    defect: 'the explicit-deny sweep skips Deny statements of the permissions boundary',
    file: 'decide.ts',
    edits: [['  if (app.boundary) visitGroup(set.boundary!, req, scan.denies, scan.boundaryAllows);', '  if (app.boundary) visitGroup(set.boundary!, req, [], scan.boundaryAllows);']],
    caughtBy: ['deny-wins', 'reference', 'fast-vs-explain'],
  },
  {
    id: 'boundary-effect-ignored',
    defect: 'the Effect of permissions-boundary statements is ignored (a boundary Deny counts as an Allow)',
    file: 'decide.ts',
    edits: [['  if (app.boundary) visitGroup(set.boundary!, req, scan.denies, scan.boundaryAllows);', '  if (app.boundary) visitGroup(set.boundary!, req, scan.boundaryAllows, scan.boundaryAllows);']],
    caughtBy: ['deny-monotone', 'deny-wins', 'reference'],
  },
  {
    id: 'identity-policies-anded',
    defect: 'identity policies are AND-ed: every identity policy must allow (spec §1.1: Allows are OR-ed)',
    file: 'decide.ts',
    edits: [
      [
        "const idAllow = p.kind === 'root' || scan.identityAllows.length > 0;",
        "const idAllow = p.kind === 'root' || (scan.identityAllows.length > 0 && new Set(scan.identityAllows.map((s) => s.ref.policy)).size === set.policies.filter((x) => x.type === 'identity').length);",
      ],
    ],
    caughtBy: ['identity-allow-monotone', 'reference'],
  },
  {
    id: 'boundary-grants',
    defect: 'a permissions boundary grants on its own (union with the identity policies instead of a ceiling)',
    file: 'decide.ts',
    edits: [["const idAllow = p.kind === 'root' || scan.identityAllows.length > 0;", "const idAllow = p.kind === 'root' || scan.identityAllows.length > 0 || scan.boundaryAllows.length > 0;"]],
    caughtBy: ['ceilings-restrict', 'boundary-intersection', 'reference'],
  },
  {
    id: 'first-match-wins',
    defect: 'statements are evaluated in order and the first matching one decides (fast path)',
    file: 'decide.ts',
    edits: [['    if (s.condition === null || s.condition.test(ctx)) (s.deny ? denies : allows).push(s);', '    if (s.condition === null || s.condition.test(ctx)) { (s.deny ? denies : allows).push(s); return; }']],
    caughtBy: ['deny-wins', 'allow-keeps-deny', 'order-irrelevant', 'reference', 'fast-vs-explain'],
  },
  {
    id: 'boundary-ignored',
    defect: 'the permissions boundary is never applied',
    file: 'decide.ts',
    edits: [['    boundary: identity && set.boundary !== null,', '    boundary: false,']],
    caughtBy: ['deny-wins', 'boundary-intersection', 'reference'],
  },
  {
    id: 'scp-root-level-only',
    defect: 'the SCP Allow gate checks only the root level',
    file: 'decide.ts',
    edits: [['    const missing = firstEmptyLevel(scan.scpAllows);', '    const missing = scan.scpAllows[0]!.length === 0 ? 0 : -1;']],
    caughtBy: ['order-irrelevant', 'reference'],
  },
  {
    id: 'rbp-role-pierces-boundary',
    defect: 'a same-account resource policy naming the role ARN pierces boundary and session policy (it must not, spec §1.3)',
    file: 'principal.ts',
    edits: [["    return (p) => (p.kind === 'role' && p.roleArn === v ? 'roleArn' : 'none');", "    return (p) => (p.kind === 'role' && p.roleArn === v ? 'direct' : 'none');"]],
    caughtBy: ['reference'],
  },
  {
    id: 'federated-session-keeps-permissions',
    defect: 'a federated-user session without a session policy keeps its permissions (spec §1.1 step 8: it has none)',
    file: 'decide.ts',
    edits: [["    if (p.kind === 'role' || alt.federatedSessionAllows === true) return null;", '    return null;']],
    caughtBy: ['reference'],
  },
  {
    id: 'no-permission-ignored',
    defect: 'actions that need no permission (sts:GetCallerIdentity) are decided by the policies (spec §1.9)',
    file: 'decide.ts',
    edits: [
      ["  if (ruling !== null && ruling.outcome === 'allowed') return ruled(ruling, gates);", ''],
      ['  if (ruling !== null && alt.refusalIgnored !== true) return ruled(ruling, gates);', "  if (ruling !== null && ruling.outcome === 'refused' && alt.refusalIgnored !== true) return ruled(ruling, gates);"],
    ],
    caughtBy: ['deny-wins', 'reference'],
  },
  {
    id: 'protection-ignored',
    defect: 'protected resources (AWS managed policies …) are changed when a policy allows it (spec §1.9)',
    file: 'decide.ts',
    edits: [['  if (ruling !== null && alt.refusalIgnored !== true) return ruled(ruling, gates);', '']],
    caughtBy: ['reference'],
  },
  {
    id: 'endpoint-ignored',
    defect: 'a VPC endpoint policy does not cap requests through the endpoint (spec §1.8)',
    file: 'decide.ts',
    edits: [['    endpoint: set.endpoint !== null,', '    endpoint: false,']],
    caughtBy: ['endpoint-reference'],
  },
  {
    id: 'action-case-sensitive',
    defect: 'actions are compared case-sensitively',
    file: 'action.ts',
    edits: [['    const p = written.toLowerCase();', '    const p = written;']],
    caughtBy: ['action-case', 'reference'],
  },
  {
    id: 'not-resource-as-resource',
    defect: 'NotResource is treated as Resource',
    file: 'compile.ts',
    edits: [['  return s.resource === null || s.resource.test(req) !== s.notResource;', '  return s.resource === null || s.resource.test(req);']],
    caughtBy: ['reference', 'deny-wins'],
  },
  {
    id: 'if-exists-ignored',
    defect: '…IfExists is ignored (treated as the base operator)',
    file: 'conditions.ts',
    edits: [["    this.ifExists = op.ifExists && op.base.family !== 'Null';", '    this.ifExists = false;']],
    caughtBy: ['if-exists', 'reference'],
  },
  {
    id: 'negated-absent-false',
    defect: 'a negated operator on an absent key is false (it must be true, spec §4.2)',
    file: 'conditions.ts',
    edits: [['    if (n === 0) return this.ifExists || this.negated;', '    if (n === 0) return this.ifExists;']],
    caughtBy: ['reference'],
  },
  {
    id: 'negated-not-negated',
    defect: 'a negated operator on a present key behaves like its positive form',
    file: 'conditions.ts',
    edits: [['    return this.negated ? m === NO_MATCH : m === MATCH;', '    return m === MATCH;']],
    caughtBy: ['negation-complement', 'reference'],
  },
  {
    id: 'forall-empty-false',
    defect: 'ForAllValues is false for an absent key or an empty set (it must be vacuously true, spec §4.3)',
    file: 'conditions.ts',
    edits: [['      return true; // vacuously true when absent or empty', '      return n > 0;']],
    caughtBy: ['reference'],
  },
  {
    id: 'condition-key-case-sensitive',
    defect: 'condition keys are looked up with the case written in the policy',
    file: 'conditions.ts',
    edits: [['    this.keyLower = source.key.value.toLowerCase();', '    this.keyLower = source.key.value;']],
    caughtBy: ['key-case', 'reference'],
  },
  {
    id: 'glob-rightmost-segment',
    defect: 'glob: a middle segment is searched at its rightmost occurrence instead of the leftmost',
    file: 'glob.ts',
    edits: [['    const q = s.indexOf(seg.simple, from);', '    const q = s.lastIndexOf(seg.simple, end - len);']],
    caughtBy: ['glob'],
  },
  {
    id: 'glob-backtracking',
    defect: 'glob: a naive backtracking matcher (exponential on many stars) instead of the linear one',
    file: 'glob.ts',
    edits: [
      ['    this.endsWithStar = lastWasStar;\n', '    this.endsWithStar = lastWasStar;\n    this.source = tokens.length === 1 && typeof tokens[0] === "string" ? tokens[0] : null;\n'],
      ['  readonly hasSlots: boolean;\n', '  readonly hasSlots: boolean;\n  readonly source: string | null;\n'],
      [
        '    return this.matchRange(s, 0, s.length, slots);',
        '    const p = this.source;\n' +
          '    if (p === null) return this.matchRange(s, 0, s.length, slots);\n' +
          '    let steps = 0;\n' +
          '    const go = (i: number, j: number): boolean => {\n' +
          '      if (++steps > 3e7) return false; // a regex engine giving up\n' +
          '      if (i === p.length) return j === s.length;\n' +
          "      if (p[i] === '*') { for (let k = j; k <= s.length; k++) if (go(i + 1, k)) return true; return false; }\n" +
          "      return j < s.length && (p[i] === '?' || p[i] === s[j]) && go(i + 1, j + 1);\n" +
          '    };\n' +
          '    return go(0, 0);',
      ],
    ],
    caughtBy: ['glob-adversarial'],
  },
  {
    id: 'explain-skips-conditions',
    defect: 'the traced path (explain) does not evaluate conditions',
    file: 'decide.ts',
    edits: [['        const failure = s.condition?.firstFailure(ctx) ?? null;', '        const failure = null;']],
    caughtBy: ['fast-vs-explain'],
  },
  {
    id: 'resource-memo-ignores-variables',
    defect: 'the per-(action, resource) memo also remembers Resource elements with policy variables, so the first request\'s context decides for later ones',
    file: 'compile.ts',
    edits: [['    resourceReadsContext: resource !== null && !resource.contextFree,', '    resourceReadsContext: false,']],
    caughtBy: ['fast-vs-explain', 'reference'],
  },
  {
    id: 'resources-case-insensitive',
    defect: 'resource ARNs are compared case-insensitively (wrapper: policies and requests lower-cased)',
    wrap: (engine) => ({
      name: 'resources-case-insensitive',
      glob: engine.glob,
      api: {
        ...engine.api,
        compilePolicy: (doc, opts) => engine.api.compilePolicy(lowerResources(doc as Json), opts),
        makeRequest: (input) => engine.api.makeRequest({ ...input, resource: input.resource.toLowerCase() }),
      },
    }),
    caughtBy: ['resource-case'],
  },
];

function lowerResources(doc: Json): Json {
  const low = (v: unknown): unknown => (Array.isArray(v) ? v.map(low) : typeof v === 'string' ? v.toLowerCase() : v);
  const st = (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]) as Json[];
  const out = st.map((s) => {
    const c = { ...s };
    if (c.Resource !== undefined) c.Resource = low(c.Resource);
    if (c.NotResource !== undefined) c.NotResource = low(c.NotResource);
    return c;
  });
  return { ...doc, Statement: out };
}

const ROOT = join(tmpdir(), `iamspec-mutants-${process.pid}`);

/** Writes the mutated copy of the engine (under the OS temp directory) and imports it. */
export async function loadMutant(m: Mutant): Promise<Engine> {
  if ('wrap' in m) return m.wrap(realEngine);
  const dir = join(ROOT, m.id);
  mkdirSync(dir, { recursive: true });
  let found = false;
  for (const f of readdirSync(ENGINE)) {
    if (!f.endsWith('.ts')) continue;
    let text = readFileSync(join(ENGINE, f), 'utf8');
    // The copy lives elsewhere: point its imports of the rest of src/ back at the real files.
    text = text.replace(/from '\.\.\/([a-z]+)\//g, (_, folder: string) => `from '${pathToFileURL(join(SRC, folder)).href}/`);
    if (f === m.file) {
      for (const [find, replace] of m.edits) {
        const at = text.indexOf(find);
        if (at < 0 || text.indexOf(find, at + 1) >= 0) {
          throw new Error(`mutant ${m.id}: anchor not found exactly once in src/engine/${m.file}: ${JSON.stringify(find)}`);
        }
        text = text.slice(0, at) + replace + text.slice(at + find.length);
      }
      found = true;
    }
    writeFileSync(join(dir, f), text);
  }
  if (!found) throw new Error(`mutant ${m.id}: src/engine/${m.file} does not exist`);
  const api = (await import(pathToFileURL(join(dir, 'index.ts')).href)) as Engine['api'];
  const glob = (await import(pathToFileURL(join(dir, 'glob.ts')).href)) as Engine['glob'];
  return { name: m.id, api, glob };
}

export function cleanMutants(): void {
  rmSync(ROOT, { recursive: true, force: true });
}

