// The suite loader: YAML files → resolved, checked Suites (src/scenario/model.ts).
//
// loadSuites(paths) takes files and directories (searched recursively for *.yaml / *.yml, in
// sorted order). A file with `suite:` is a suite; a file without it is a fragment that suites
// `include:`, skipped when met in a directory (but still read and checked against the schema, and
// an error if it has cases or properties: that is a suite missing its name). Naming a fragment
// explicitly, a path that matches nothing, and a directory without suites are errors.
//
// Every user mistake is a SuiteError carrying file:line:column (the file relative to `cwd`);
// nothing is silently skipped. Policies are validated and compiled once per suite, for each type
// they are used as; the per-case work is lookups only, so a 100,000-case suite loads in about a
// second.

import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { catalog } from '../catalog/index.ts';
import { compilePolicy, type CompiledPolicy } from '../engine/compile.ts';
import { hasWildcard } from '../engine/glob.ts';
import { parsePrincipal, RequestError, type ContextValue, type Principal } from '../engine/request.ts';
import { guessPolicyType, PolicyError, readPolicy, type Finding, type JsonNode, type PolicyType } from '../policy/index.ts';
import { JSON_NUMBER, jsonText } from '../policy/json.ts';
import { ContextValueError, typeContextValue } from './context.ts';
import {
  SuiteError,
  type Case,
  type PropertySpec,
  type SourceRef,
  type Suite,
  type SuiteGroup,
  type SuiteOrganization,
  type SuitePolicy,
  type SuitePrincipal,
  type SuiteResource,
  type SuiteVpcEndpoint,
  type SuiteWarning,
} from './model.ts';
import { closest, didYouMean, listNames } from '../policy/names.ts';
import {
  parseSuiteFile,
  schemaProblems,
  type CaseInput,
  type ContextInput,
  type PolicyDefinition,
  type PrincipalInputSpec,
  type PropertyInput,
  type ResourceInput,
  type SuiteFile,
  type OrganizationInput,
  type VpcEndpointInput,
} from './schema.ts';
import { resourcePolicyType, sourceVpce } from './resolve.ts';
import { parseReference, referenceMatches } from './refs.ts';
import { parseInstant } from '../policy/values.ts';
import { displayPath } from '../display-path.ts';
import { FileReadError, readTextFile } from '../read-file.ts';
import { AWS_MANAGED_ARN, AwsManagedError, awsManagedPolicy, type AwsManagedPolicy } from '../policy/aws-managed.ts';
import { parseYaml, type PathSegment, type YamlDoc } from './yaml.ts';
import { RULE_IDS, type DisableEntry } from '../policy/lint/disable.ts';
import { ruleId } from '../policy/lint/index.ts';
import { blocking, IgnoreFiles, lintCompiled } from './lint.ts';

export interface LoadOptions {
  /** Paths in messages and SourceRefs are relative to this directory (default: process.cwd()). */
  cwd?: string;
  /** `iamspec lint`: keep lint errors in the policies' findings instead of stopping (default: stop). */
  keepLintErrors?: boolean;
  /**
   * Let policy and include paths leave the project root (`--allow-outside`). By default they must
   * stay inside it: the nearest folder above the suite holding package.json, else its git root.
   */
  allowOutside?: boolean;
}

/** Loads every suite found under `paths` (files or directories). Throws SuiteError on any mistake. */
export function loadSuites(paths: readonly string[], opts: LoadOptions = {}): Suite[] {
  const loader = new Loader(opts);
  if (paths.length === 0) {
    throw new SuiteError('no suites to test: give suite files or directories (e.g. scenarios/)', { file: '.', line: 1, column: 1 });
  }
  const files: string[] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    for (const f of loader.suiteFiles(p)) {
      if (!seen.has(f)) {
        seen.add(f);
        files.push(f);
      }
    }
  }
  return files.map((f) => loader.suite(f));
}

/** Loads one suite file. Throws SuiteError on any mistake (a fragment without `suite:` is one). */
export function loadSuite(file: string, opts: LoadOptions = {}): Suite {
  const loader = new Loader(opts);
  const abs = resolve(loader.cwd, file);
  const pf = loader.explicitFile(file, abs);
  if (pf.data.suite === undefined) throw loader.fragmentError(pf);
  return loader.suite(abs);
}

// ---------------------------------------------------------------------------------------------

interface ParsedFile {
  /** Absolute path. */
  path: string;
  /** Relative to cwd, with forward slashes: what messages and SourceRefs show. */
  display: string;
  doc: YamlDoc;
  data: SuiteFile;
}

/** A definition and where it was written. */
interface Def<T> {
  name: string;
  value: T;
  file: ParsedFile;
  path: PathSegment[];
}

interface Definitions {
  policies: Map<string, Def<PolicyDefinition>>;
  groups: Map<string, Def<string[]>>;
  principals: Map<string, Def<PrincipalInputSpec>>;
  resources: Map<string, Def<ResourceInput>>;
  organization?: Def<OrganizationInput>;
  vpcEndpoints: Map<string, Def<VpcEndpointInput>>;
}

/** One use of a policy name, for usedAs and for messages. */
interface PolicyUse {
  type: PolicyType;
  file: ParsedFile;
  path: PathSegment[];
  by: string;
}

const CASES: PathSegment[] = ['cases'];
/** An empty path (no allocation per call). */
const HERE: readonly PathSegment[] = Object.freeze([]);
const YAML_FILE = /\.ya?ml$/i;
/** The customer policy size quotas, which do not bind AWS managed policies. */
const QUOTA = /^Policy size exceeds .* quota$/;
const ACTION_RE = /^[A-Za-z0-9-]+:[A-Za-z0-9]+$/;
const POLICY_TYPE_WORDS: Record<PolicyType, string> = {
  identity: 'an identity policy',
  resource: 'a resource-based policy',
  boundary: 'a permissions boundary',
  session: 'a session policy',
  scp: 'an SCP',
  rcp: 'an RCP',
  trust: 'a role trust policy',
  endpoint: 'a VPC endpoint policy',
};

class Loader {
  readonly cwd: string;
  readonly ignoreFiles: IgnoreFiles;
  readonly keepLintErrors: boolean;
  private readonly allowOutside: boolean;
  private readonly parsed = new Map<string, ParsedFile>();
  /** Project root (real path) per suite directory; null: none found, nothing to confine to. */
  private readonly roots = new Map<string, string | null>();

  constructor(opts: LoadOptions) {
    this.cwd = resolve(opts.cwd ?? process.cwd());
    this.ignoreFiles = new IgnoreFiles(this.cwd);
    this.keepLintErrors = opts.keepLintErrors === true;
    this.allowOutside = opts.allowOutside === true;
  }

  display(abs: string): string {
    return displayPath(abs, this.cwd);
  }

  // ---- errors ----

  where(pf: ParsedFile, path: readonly PathSegment[], atKey = false): SourceRef {
    const span = atKey ? pf.doc.keySpan(path) : pf.doc.span(path);
    return { file: pf.display, line: span.start.line, column: span.start.column };
  }

  error(pf: ParsedFile, path: readonly PathSegment[], message: string, atKey = false, details: SuiteError['details'] = []): SuiteError {
    return new SuiteError(message, this.where(pf, path, atKey), details);
  }

  fragmentError(pf: ParsedFile): SuiteError {
    return new SuiteError(
      `${pf.display} has no "suite:" name, so it is a fragment for include:, not a suite: add suite: <name> at the top` +
        ` (or include it from a suite)`,
      { file: pf.display, line: 1, column: 1 },
    );
  }

  // ---- finding files ----

  /** The suite files a command-line path stands for. */
  suiteFiles(p: string): string[] {
    const abs = resolve(this.cwd, p);
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      throw new SuiteError(`${p}: no such file or directory (nothing to test)`, { file: this.display(abs), line: 1, column: 1 });
    }
    if (!isDir) {
      const pf = this.explicitFile(p, abs);
      if (pf.data.suite === undefined) throw this.fragmentError(pf);
      return [abs];
    }
    const yamls = walk(abs);
    const suites: string[] = [];
    for (const f of yamls) {
      const pf = this.file(f);
      if (pf.data.suite !== undefined) suites.push(f);
      else if (pf.data.cases !== undefined || pf.data.properties !== undefined) {
        const field = pf.data.cases !== undefined ? 'cases' : 'properties';
        throw this.error(pf, [field], `${pf.display} has ${field} but no "suite:" name: add suite: <name> at the top`, true);
      }
    }
    if (suites.length === 0) {
      const why =
        yamls.length === 0
          ? 'it holds no .yaml or .yml files'
          : `its ${yamls.length} YAML file${yamls.length === 1 ? ' is a fragment' : 's are fragments'} without "suite:"`;
      throw new SuiteError(`${p}: no suites to test: ${why}`, { file: this.display(abs), line: 1, column: 1 });
    }
    return suites;
  }

  explicitFile(given: string, abs: string): ParsedFile {
    try {
      if (statSync(abs).isDirectory()) {
        throw new SuiteError(`${given} is a directory; use loadSuites for directories`, { file: this.display(abs), line: 1, column: 1 });
      }
    } catch (e) {
      if (e instanceof SuiteError) throw e;
      throw new SuiteError(`${given}: no such file (nothing to test)`, { file: this.display(abs), line: 1, column: 1 });
    }
    return this.file(abs);
  }

  /**
   * Reads, parses and schema-checks a YAML file (once per loader). A file that cannot be read is
   * an error at `from` (the include naming it) when given, else at the file.
   */
  file(abs: string, from?: SourceRef): ParsedFile {
    const known = this.parsed.get(abs);
    if (known) return known;
    const display = this.display(abs);
    let text: string;
    try {
      text = readTextFile(abs);
    } catch (e) {
      if (!(e instanceof FileReadError)) throw e;
      const message = e.problem === 'missing' ? `cannot read ${display}: no such file` : `${display} ${e.message}`;
      throw new SuiteError(message, e.position ? { file: display, ...e.position } : (from ?? { file: display, line: 1, column: 1 }));
    }
    const { doc, errors } = parseYaml(text);
    if (!doc) {
      const first = errors[0]!;
      throw new SuiteError(
        first.message,
        { file: display, line: first.line, column: first.column },
        errors.map((e) => ({ message: e.message, where: { file: display, line: e.line, column: e.column } })),
      );
    }
    const root = doc.value;
    const pfPartial = { path: abs, display, doc, data: {} as SuiteFile };
    if (root === null || typeof root !== 'object' || Array.isArray(root)) {
      const message =
        root === null
          ? `${display} is empty: a suite starts with suite: <name> and has cases:`
          : `${display} must be a YAML mapping (suite:, policies:, principals:, cases: …), not ${Array.isArray(root) ? 'a list' : 'a single value'}`;
      throw this.error(pfPartial, [], message);
    }
    if (text.includes('__proto__')) {
      const at = protoKeyPath(root);
      if (at) throw this.error(pfPartial, at, PROTO_KEY, true);
    }
    const r = parseSuiteFile(root);
    if (!r.success) {
      const problems = schemaProblems(r.issues, root);
      const all = problems.map((p) => ({ message: p.message, where: this.where(pfPartial, p.path, p.atKey) }));
      const first = all[0]!;
      throw new SuiteError(first.message, first.where, all);
    }
    const pf: ParsedFile = { path: abs, display, doc, data: r.data };
    this.parsed.set(abs, pf);
    return pf;
  }

  // ---- one suite ----

  suite(abs: string): Suite {
    const pf = this.file(abs);
    if (pf.data.suite === undefined) throw this.fragmentError(pf);
    return new SuiteBuilder(this, pf).build();
  }

  /** An included file, resolved against the including file. */
  include(from: ParsedFile, path: PathSegment[], target: string): ParsedFile {
    const abs = resolve(dirname(from.path), target);
    if (!existsSync(abs)) {
      throw this.error(from, path, `include ${JSON.stringify(target)}: no such file (${this.display(abs)}); paths are relative to ${from.display}`);
    }
    this.confine(from, path, abs, `include ${JSON.stringify(target)}`);
    return this.file(abs, this.where(from, path));
  }

  /**
   * A path a suite names (a policy file, an include) must stay inside the project root unless
   * --allow-outside: a suite from a pull request must not make iamspec read, and quote in its
   * errors, files elsewhere on the machine. Symbolic links are followed before the check.
   */
  confine(from: ParsedFile, path: readonly PathSegment[], abs: string, what: string): void {
    if (this.allowOutside) return;
    const root = this.projectRoot(dirname(from.path));
    if (root === null) return;
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      return; // missing: the caller reports it
    }
    if (real === root || real.startsWith(root.endsWith(sep) ? root : root + sep)) return;
    throw this.error(
      from,
      path,
      `${what}: ${this.display(abs)} is outside the project root ${this.display(root) === '.' ? './' : this.display(root)} ` +
        `(the folder holding package.json, else the git root); keep policies and fragments inside the project, or pass --allow-outside`,
    );
  }

  /** The nearest folder at or above `dir` holding package.json, else holding .git; null if neither. */
  private projectRoot(dir: string): string | null {
    const known = this.roots.get(dir);
    if (known !== undefined) return known;
    const find = (marker: string): string | null => {
      for (let d = dir; ; d = dirname(d)) {
        if (existsSync(join(d, marker))) return d;
        if (dirname(d) === d) return null;
      }
    };
    const found = find('package.json') ?? find('.git');
    const root = found === null ? null : realpathSync(found);
    this.roots.set(dir, root);
    return root;
  }
}

const PROTO_KEY =
  '"__proto__" cannot be a name or key in a suite (a tag key, a policy, group or principal name, a context key): ' +
  'JavaScript objects cannot hold it as data, so iamspec would lose it; rename it';

/**
 * The path of the first `__proto__` mapping key outside inline policy documents (whose keys the
 * policy validator reads from positioned nodes, where such a key is kept and reported), or undefined.
 */
function protoKeyPath(root: object): PathSegment[] | undefined {
  const stack: [unknown, PathSegment[]][] = [[root, []]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (path.length === 2 && path[0] === 'policies') continue;
    if (Array.isArray(v)) v.forEach((item, k) => stack.push([item, [...path, k]]));
    else {
      if (Object.hasOwn(v, '__proto__')) return [...path, '__proto__'];
      for (const [k, item] of Object.entries(v)) stack.push([item, [...path, k]]);
    }
  }
  return undefined;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const full = resolve(dir, e.name);
    if (e.isDirectory()) out.push(...walk(full));
    else if (YAML_FILE.test(e.name) && (e.isFile() || (e.isSymbolicLink() && isFile(full)))) out.push(full);
  }
  return out;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Deep equality of plain JSON values. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => sameJson(x, bb[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b as object, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function asList<T>(v: T | T[] | null | undefined): T[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** Tag values as text (YAML numbers and booleans as written by JavaScript). */
function tagMap(tags: Record<string, string | number | boolean> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags ?? {})) out[k] = String(v);
  return out;
}

/** Lower-cased key → key, for case-insensitive overrides. */
function lowerKeys(record: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  for (const k of Object.keys(record)) out.set(k.toLowerCase(), k);
  return out;
}

function posText(ref: SourceRef): string {
  return `${ref.file}:${ref.line}:${ref.column}`;
}

class SuiteBuilder {
  private readonly defs: Definitions = {
    policies: new Map(),
    groups: new Map(),
    principals: new Map(),
    resources: new Map(),
    vpcEndpoints: new Map(),
  };
  private readonly uses = new Map<string, PolicyUse[]>();
  private readonly policies = new Map<string, SuitePolicy>();
  private readonly lintDisable: DisableEntry[] = [];
  private readonly lintPolicyRefs: { name: string; file: ParsedFile; path: PathSegment[] }[] = [];
  private readonly principals = new Map<string, SuitePrincipal>();
  private readonly parsedPrincipals = new Map<string, Principal>();
  private readonly actionProblems = new Map<string, string | null>();
  private readonly warnings: SuiteWarning[] = [];
  private readonly patternProblems = new Map<string, string | null>();

  constructor(
    private readonly loader: Loader,
    private readonly root: ParsedFile,
  ) {}

  private err(pf: ParsedFile, path: readonly PathSegment[], message: string, atKey = false, details: SuiteError['details'] = []): SuiteError {
    return this.loader.error(pf, path, message, atKey, details);
  }

  private ref(pf: ParsedFile, path: readonly PathSegment[], atKey = false): SourceRef {
    return this.loader.where(pf, path, atKey);
  }

  build(): Suite {
    const pf = this.root;
    const context = this.mergeFile(pf, [pf.path], new Set([pf.path]));
    const defaults = this.typeContext(context);

    this.resolvePolicies();
    this.checkLintPolicies();
    const groups = this.resolveGroups();
    this.resolvePrincipals(groups);
    const resources = this.resolveResources();
    const organization = this.resolveOrganization();
    const vpcEndpoints = this.resolveVpcEndpoints();
    this.compilePolicies();

    const cases = this.resolveCases(defaults, vpcEndpoints);
    const properties = pf.data.properties?.length ? this.resolveProperties(defaults, new Set(cases.map((c) => c.baseName))) : [];
    if (cases.length === 0 && properties.length === 0) {
      throw this.err(pf, ['suite'], `suite ${JSON.stringify(pf.data.suite)} has no cases and no properties: add cases: (an empty suite never passes)`, true);
    }
    const suite: Suite = {
      file: pf.path,
      name: pf.data.suite!,
      policies: this.policies,
      groups,
      principals: this.principals,
      resources,
      context: defaults,
      cases,
      properties,
      lintDisable: this.lintDisable,
    };
    if (pf.data.about !== undefined) suite.about = pf.data.about;
    if (organization) suite.organization = organization;
    if (vpcEndpoints.size > 0) suite.vpcEndpoints = vpcEndpoints;
    if (this.warnings.length > 0) suite.warnings = this.warnings;
    return suite;
  }

  // ---- lint settings ----

  /** `lint.disable` entries of one file: rule ids must exist, policy names must be defined (checked in build). */
  private collectLint(pf: ParsedFile): void {
    pf.data.lint?.disable.forEach((e, k) => {
      const path: PathSegment[] = ['lint', 'disable', k];
      const entry = typeof e === 'string' ? { rule: e } : e;
      if (!RULE_IDS.has(ruleId(entry.rule))) {
        throw this.err(pf, path, `lint.disable: unknown rule ${JSON.stringify(entry.rule)};${didYouMean(ruleId(entry.rule), RULE_IDS) || ''} rules are listed in README "Linting"`);
      }
      const ref = this.ref(pf, path);
      this.lintDisable.push({ ...entry, by: `${ref.file}:${ref.line}:${ref.column}` });
      if (entry.policy !== undefined) this.lintPolicyRefs.push({ name: entry.policy, file: pf, path: [...path, 'policy'] });
    });
  }

  /** Lint findings join the policy's findings; an error that no disable entry covers stops the run. */
  private lint(p: SuitePolicy, def: Def<PolicyDefinition>, compiled: CompiledPolicy): void {
    const entries = [
      ...this.lintDisable.filter((e) => e.policy === undefined || e.policy === p.name),
      ...(p.path !== undefined ? this.loader.ignoreFiles.entriesFor(p.path) : []),
    ];
    compiled.findings = lintCompiled(compiled.policy, compiled.findings, entries, p.awsManaged !== undefined);
    const errors = blocking(compiled.findings);
    if (errors.length > 0 && !this.loader.keepLintErrors) {
      throw this.policyError(
        errors,
        `policy ${JSON.stringify(p.name)} has lint errors (a rule can be turned off with lint: {disable: [...]}, README "Linting")`,
        def.file,
        def.path,
      );
    }
  }

  /** A disable entry naming an undefined policy is an error (a typo would silently disable nothing). */
  private checkLintPolicies(): void {
    for (const r of this.lintPolicyRefs) {
      if (this.policies.has(r.name)) continue;
      throw this.err(
        r.file,
        r.path,
        `lint.disable: unknown policy ${JSON.stringify(r.name)};${didYouMean(r.name, this.policies.keys()) || ''} Policies defined: ${listNames([...this.policies.keys()])}`,
      );
    }
  }

  // ---- definitions and include ----

  /**
   * Merges the definitions of `pf` and what it includes (includes first, depth first). Returns its
   * context defaults: those of included files (which must agree), overridden by its own.
   */
  private mergeFile(
    pf: ParsedFile,
    stack: string[],
    visited: Set<string>,
  ): Map<string, Def<ContextInput[string]>> {
    const context = new Map<string, Def<ContextInput[string]>>();
    const includes = pf.data.include === undefined ? [] : asList(pf.data.include);
    const single = !Array.isArray(pf.data.include);
    includes.forEach((target, k) => {
      const path: PathSegment[] = single ? ['include'] : ['include', k];
      const inc = this.loader.include(pf, path, target);
      if (stack.includes(inc.path)) {
        const cycle = [...stack.slice(stack.indexOf(inc.path)), inc.path].map((p) => this.loader.display(p)).join(' → ');
        throw this.err(pf, path, `include cycle: ${cycle}; a fragment cannot include a file that includes it`);
      }
      if (inc.data.suite !== undefined || inc.data.cases !== undefined || inc.data.properties !== undefined) {
        const what = inc.data.suite !== undefined ? `is a suite (it has suite: ${JSON.stringify(inc.data.suite)})` : 'has cases or properties';
        throw this.err(
          pf,
          path,
          `include ${JSON.stringify(target)}: ${inc.display} ${what}; only fragments (definitions without suite:, cases: or properties:) can be included`,
        );
      }
      if (visited.has(inc.path)) return; // included twice (a diamond): its definitions are already in
      visited.add(inc.path);
      const sub = this.mergeFile(inc, [...stack, inc.path], visited);
      for (const [lower, def] of sub) {
        const prev = context.get(lower);
        if (prev && !sameJson(prev.value, def.value)) {
          throw this.err(
            def.file,
            def.path,
            `context key ${def.name} is given two different defaults by included files: here and at ${posText(this.ref(prev.file, prev.path, true))}; ` +
              `make them agree, or set it in ${pf.display} to override both`,
            true,
          );
        }
        if (!prev) context.set(lower, def);
      }
    });

    const d = pf.data;
    for (const [name, value] of Object.entries(d.policies ?? {})) {
      this.define('policy', this.defs.policies, { name, value, file: pf, path: ['policies', name] }, (a, b) =>
        typeof a.value === 'string' && typeof b.value === 'string'
          ? resolve(dirname(a.file.path), a.value) === resolve(dirname(b.file.path), b.value)
          : sameJson(a.value, b.value),
      );
    }
    for (const [name, value] of Object.entries(d.groups ?? {})) {
      this.define('group', this.defs.groups, { name, value, file: pf, path: ['groups', name] });
    }
    for (const [name, value] of Object.entries(d.principals ?? {})) {
      this.define('principal', this.defs.principals, { name, value, file: pf, path: ['principals', name] });
    }
    for (const [arn, value] of Object.entries(d.resources ?? {})) {
      this.define('resource', this.defs.resources, { name: arn, value, file: pf, path: ['resources', arn] });
    }
    for (const [id, value] of Object.entries(d.vpcEndpoints ?? {})) {
      this.define('VPC endpoint', this.defs.vpcEndpoints, { name: id, value, file: pf, path: ['vpcEndpoints', id] });
    }
    this.collectLint(pf);
    if (d.organization) {
      const def: Def<OrganizationInput> = { name: 'organization', value: d.organization, file: pf, path: ['organization'] };
      const prev = this.defs.organization;
      if (prev && !sameJson(prev.value, def.value)) {
        throw this.err(
          pf,
          ['organization'],
          `organization is defined twice with different content: here and at ${posText(this.ref(prev.file, prev.path, true))}; keep one`,
          true,
        );
      }
      this.defs.organization ??= def;
    }
    // Own context overrides what the includes provide.
    const own = new Map<string, string>();
    for (const [key, value] of Object.entries(d.context ?? {})) {
      const lower = key.toLowerCase();
      const twin = own.get(lower);
      if (twin !== undefined) {
        throw this.err(pf, ['context', key], `context key ${key} is given twice (as ${twin} too); keys are case-insensitive: keep one`, true);
      }
      own.set(lower, key);
      context.set(lower, { name: key, value, file: pf, path: ['context', key] });
    }
    return context;
  }

  private define<T>(what: string, map: Map<string, Def<T>>, def: Def<T>, same: (a: Def<T>, b: Def<T>) => boolean = (a, b) => sameJson(a.value, b.value)): void {
    const prev = map.get(def.name);
    if (!prev) {
      map.set(def.name, def);
      return;
    }
    if (same(prev, def)) return;
    throw this.err(
      def.file,
      def.path,
      `${what} ${JSON.stringify(def.name)} is defined twice with different content: here and at ${posText(this.ref(prev.file, prev.path, true))} ` +
        `(first definition); rename one, or make the definitions identical`,
      true,
    );
  }

  // ---- context ----

  private typeContext(ctx: Map<string, Def<ContextInput[string]>>): Record<string, ContextValue | null> {
    const out: Record<string, ContextValue | null> = {};
    for (const def of ctx.values()) out[def.name] = this.typeValue(def.file, def.path.slice(0, -1), def.name, def.value);
    return Object.freeze(out) as Record<string, ContextValue | null>;
  }

  /**
   * Types `value`, found at `[...path, key, ...below]` (`below`: where it sits under the key, e.g.
   * `oneOf, 2` in forAll.context). The path is only built for an error.
   */
  private typeValue(
    pf: ParsedFile,
    path: PathSegment[],
    key: string,
    value: ContextInput[string],
    below: readonly PathSegment[] = HERE,
  ): ContextValue | null {
    const at = (rel: PathSegment[]): PathSegment[] => [...path, key, ...below, ...rel];
    try {
      return typeContextValue(key, value, {
        numberText: (rel) => pf.doc.sourceText(at(rel)),
        warn: (message, rel) => this.warnings.push({ message, where: this.ref(pf, at(rel)) }),
      });
    } catch (e) {
      if (e instanceof ContextValueError) throw this.err(pf, e.atKey ? [...path, key] : [...path, key, ...below, ...e.path], e.message, e.atKey);
      throw e;
    }
  }

  /** Suite defaults overridden per key (case-insensitively) by `own`. */
  private mergeContext(
    defaults: Record<string, ContextValue | null>,
    pf: ParsedFile,
    path: PathSegment[],
    own: ContextInput | undefined,
    defaultKeys: ReadonlyMap<string, string> = lowerKeys(defaults),
  ): Record<string, ContextValue | null> {
    if (own === undefined) return defaults;
    const keys = Object.keys(own);
    if (keys.length === 0) return defaults;
    const out: Record<string, ContextValue | null> = Object.assign({}, defaults);
    let seen: Map<string, string> | undefined;
    for (const key of keys) {
      const lower = key.toLowerCase();
      if (keys.length > 1) {
        seen ??= new Map();
        const twin = seen.get(lower);
        if (twin !== undefined) {
          throw this.err(pf, [...path, key], `context key ${key} is given twice (as ${twin} too); keys are case-insensitive: keep one`, true);
        }
        seen.set(lower, key);
      }
      const typed = this.typeValue(pf, path, key, own[key]!);
      const other = defaultKeys.get(lower);
      if (other !== undefined && other !== key) delete out[other];
      out[key] = typed;
    }
    return out;
  }

  // ---- policies ----

  /** A policy JSON file named by a definition: its absolute path, text and document. */
  private readPolicyFile(def: Def<PolicyDefinition>, value: string, path: PathSegment[]): { abs: string; text: string; document: unknown } {
    const { name, file } = def;
    const abs = resolve(dirname(file.path), value);
    const shown = this.loader.display(abs);
    this.loader.confine(file, path, abs, `policy ${JSON.stringify(name)}`);
    let text: string;
    try {
      text = readTextFile(abs, { keepBom: true }); // IAM rejects a byte-order mark: the validator reports it
    } catch (e) {
      if (!(e instanceof FileReadError)) throw e;
      if (e.problem === 'missing') {
        throw this.err(file, path, `policy ${JSON.stringify(name)}: file ${JSON.stringify(value)} not found (${shown}); paths are relative to ${file.display}`);
      }
      if (e.position) throw new SuiteError(`policy ${JSON.stringify(name)}: ${shown} ${e.message}`, { file: shown, ...e.position });
      throw this.err(file, path, `policy ${JSON.stringify(name)}: ${shown} ${e.message}`);
    }
    try {
      return { abs, text, document: JSON.parse(text) };
    } catch {
      // Not even the start of a policy (a key file, a binary, a YAML file): say so without quoting it.
      if (!/^\uFEFF?\s*\{/.test(text)) {
        throw this.err(file, path, `policy ${JSON.stringify(name)}: ${shown} is not a JSON policy document (a policy is a JSON object: {"Version": …, "Statement": …})`);
      }
      const findings = readPolicy(text, { name, type: 'identity', file: shown }).findings.filter((f) => f.severity === 'error');
      throw this.policyError(findings, `policy ${JSON.stringify(name)}: ${shown} is not valid JSON`, file, path);
    }
  }

  private resolvePolicies(): void {
    for (const def of this.defs.policies.values()) {
      const { name, value, file } = def;
      const defined = this.ref(file, def.path, true);
      if (typeof value === 'string' && AWS_MANAGED_ARN.test(value)) {
        let managed: AwsManagedPolicy;
        try {
          managed = awsManagedPolicy(value);
        } catch (e) {
          if (e instanceof AwsManagedError) throw this.err(file, def.path, `policy ${JSON.stringify(name)}: ${e.message}`);
          throw e;
        }
        const text = JSON.stringify(managed.document, null, 2);
        const awsManaged = { arn: managed.arn, source: `${managed.source} (default version ${managed.versionId})` };
        this.policies.set(name, { name, document: managed.document, text, awsManaged, defined, usedAs: [], compiled: new Map() });
      } else if (typeof value === 'string') {
        const { abs, text, document } = this.readPolicyFile(def, value, def.path);
        this.policies.set(name, { name, document, text, path: abs, defined, usedAs: [], compiled: new Map() });
      } else if (isAwsManagedCopy(value)) {
        const { abs, text, document } = this.readPolicyFile(def, value.file, [...def.path, 'file']);
        const awsManaged = { arn: value.arn, source: this.loader.display(abs) };
        this.policies.set(name, { name, document, text, path: abs, awsManaged, defined, usedAs: [], compiled: new Map() });
      } else {
        // The text sent to the simulator and deployed is the YAML as JSON, numbers as written.
        const node = file.doc.node(def.path);
        const bad = nonJsonNumber(node);
        if (bad) {
          throw new SuiteError(
            `policy ${JSON.stringify(name)}: the number ${bad.raw} is not JSON, and an inline policy is sent to AWS and deployed as JSON: write it as a JSON number or quote it`,
            { file: file.display, ...bad.span.start },
          );
        }
        this.policies.set(name, { name, document: value, text: jsonText(node, 2), defined, usedAs: [], compiled: new Map() });
      }
    }
  }

  /** Records that `name` is used as `type`; an unknown name is an error at the reference. */
  private use(name: string, type: PolicyType, pf: ParsedFile, path: PathSegment[], by: string): void {
    const p = this.policies.get(name);
    if (!p) {
      throw this.err(
        pf,
        path,
        `unknown policy ${JSON.stringify(name)};${didYouMean(name, this.policies.keys()) || ' define it under policies:.'} ` +
          `Policies defined: ${listNames([...this.policies.keys()])}`,
      );
    }
    if (!p.usedAs.includes(type)) p.usedAs.push(type);
    let list = this.uses.get(name);
    if (!list) this.uses.set(name, (list = []));
    list.push({ type, file: pf, path, by });
  }

  private policyError(findings: Finding[], head: string, pf: ParsedFile, path: PathSegment[]): SuiteError {
    const errors = findings.filter((f) => f.severity === 'error');
    const details = errors.map((f) => ({
      message: `${f.code}: ${f.message}`,
      where: { file: f.file ?? pf.display, line: f.position.line, column: f.position.column },
    }));
    const first = details[0];
    const message = first ? `${head}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}` : head;
    return new SuiteError(message, first?.where ?? this.ref(pf, path), details);
  }

  private compilePolicies(): void {
    for (const p of this.policies.values()) {
      const def = this.defs.policies.get(p.name)!;
      // A file's text; an AWS managed policy's document as JSON text, shown as its ARN; an inline document's YAML node.
      const file = p.path !== undefined ? this.loader.display(p.path) : (p.awsManaged?.arn ?? def.file.display);
      const input: string | JsonNode = p.path !== undefined || p.awsManaged ? p.text : def.file.doc.node(def.path);
      if (p.usedAs.length === 0) {
        // Nothing attaches it, but a broken definition is still a mistake: check it as what it looks like.
        const type = guessPolicyType(p.text);
        const errors = readPolicy(input, { name: p.name, type, file }).findings.filter((f) => f.severity === 'error' && !(p.awsManaged && QUOTA.test(f.code)));
        if (errors.length > 0) {
          throw this.policyError(errors, `policy ${JSON.stringify(p.name)} is not valid (nothing in the suite uses it; it was checked as ${POLICY_TYPE_WORDS[type]})`, def.file, def.path);
        }
        continue;
      }
      for (const type of p.usedAs) {
        let compiled: CompiledPolicy;
        try {
          compiled = compilePolicy(input, { name: p.name, type, file });
        } catch (e) {
          if (!(e instanceof PolicyError)) throw e;
          const use = this.uses.get(p.name)!.find((u) => u.type === type)!;
          throw this.policyError(
            e.findings,
            `policy ${JSON.stringify(p.name)} is not valid as ${POLICY_TYPE_WORDS[type]} (used by ${use.by} at ${posText(this.ref(use.file, use.path))})`,
            def.file,
            def.path,
          );
        }
        // The customer quotas (6,144 characters …) do not bind AWS's own policies.
        if (p.awsManaged) compiled.findings = compiled.findings.filter((f) => !QUOTA.test(f.code));
        this.lint(p, def, compiled);
        p.compiled.set(type, compiled);
      }
    }
  }

  // ---- groups, principals, resources, organization ----

  private resolveGroups(): Map<string, SuiteGroup> {
    const groups = new Map<string, SuiteGroup>();
    for (const def of this.defs.groups.values()) {
      def.value.forEach((policy, k) => this.use(policy, 'identity', def.file, [...def.path, k], `group ${def.name}`));
      groups.set(def.name, { name: def.name, policies: [...def.value], defined: this.ref(def.file, def.path, true) });
    }
    return groups;
  }

  private resolvePrincipals(groups: Map<string, SuiteGroup>): void {
    // Parse every ARN first: parentUser may name another principal.
    for (const def of this.defs.principals.values()) {
      this.parsedPrincipals.set(def.name, def.value === 'anonymous' ? parsePrincipal({ arn: 'anonymous' }) : this.parseArn(def, def.value));
    }
    for (const def of this.defs.principals.values()) {
      const { file, path, name } = def;
      const defined = this.ref(file, path, true);
      if (def.value === 'anonymous') {
        this.principals.set(name, { name, arn: 'anonymous', groups: [], policies: [], tags: {}, inAccount: false, defined });
        continue;
      }
      const p = def.value;
      const parsed = this.parsedPrincipals.get(name)!;
      const kind = parsed.kind;
      const who = `principal ${name}`;
      const groupNames = p.groups ?? [];
      if (groupNames.length > 0 && kind !== 'user') {
        throw this.err(file, [...path, 'groups'], `${who} is ${kindText(kind)}: only IAM users belong to groups; attach the policies with policies: instead`);
      }
      groupNames.forEach((g, k) => {
        if (!groups.has(g)) {
          throw this.err(
            file,
            [...path, 'groups', k],
            `unknown group ${JSON.stringify(g)};${didYouMean(g, groups.keys()) || ' define it under groups:.'} Groups defined: ${listNames([...groups.keys()])}`,
          );
        }
      });
      const policies = p.policies ?? [];
      if (policies.length > 0 && (kind === 'anonymous' || kind === 'service')) {
        throw this.err(file, [...path, 'policies'], `${who} is ${kindText(kind)}: it has no identity policies`);
      }
      policies.forEach((pol, k) => this.use(pol, 'identity', file, [...path, 'policies', k], who));
      const boundary = p.boundary ?? undefined;
      if (boundary !== undefined) {
        if (kind === 'anonymous' || kind === 'service' || kind === 'root') {
          throw this.err(file, [...path, 'boundary'], `${who} is ${kindText(kind)}: permissions boundaries apply to IAM users and roles only`);
        }
        this.use(boundary, 'boundary', file, [...path, 'boundary'], who);
      }
      let session: string[] | undefined;
      if (p.session !== undefined && p.session !== null) {
        if (kind !== 'role' && kind !== 'federated-user') {
          throw this.err(
            file,
            [...path, 'session'],
            `${who} is ${kindText(kind)}: session policies apply to role sessions and federated-user sessions only`,
          );
        }
        const single = !Array.isArray(p.session);
        session = asList(p.session);
        session.forEach((s, k) => this.use(s, 'session', file, single ? [...path, 'session'] : [...path, 'session', k], who));
      }
      let parentUserArn: string | undefined;
      if (p.parentUser !== undefined) {
        if (kind !== 'federated-user') {
          throw this.err(
            file,
            [...path, 'parentUser'],
            `${who} is ${kindText(kind)}: parentUser is only for federated-user sessions (arn:aws:sts::<account>:federated-user/<name>)`,
          );
        }
        parentUserArn = this.parentUser(def, p.parentUser);
      }
      const principal: SuitePrincipal = {
        name,
        arn: p.arn.trim(),
        groups: [...groupNames],
        policies: [...policies],
        tags: tagMap(p.tags),
        inAccount: p.inAccount ?? false,
        defined,
      };
      if (boundary !== undefined) principal.boundary = boundary;
      if (session !== undefined) principal.session = session;
      if (p.uniqueId !== undefined) principal.uniqueId = p.uniqueId;
      if (p.sessionName !== undefined) principal.sessionName = p.sessionName;
      if (parentUserArn !== undefined) principal.parentUserArn = parentUserArn;
      this.principals.set(name, principal);
    }
  }

  private parseArn(def: Def<PrincipalInputSpec>, p: Exclude<PrincipalInputSpec, 'anonymous'>): Principal {
    try {
      return parsePrincipal({
        arn: p.arn,
        tags: tagMap(p.tags),
        ...(p.uniqueId !== undefined ? { uniqueId: p.uniqueId } : {}),
        ...(p.sessionName !== undefined ? { sessionName: p.sessionName } : {}),
      });
    } catch (e) {
      if (e instanceof RequestError) {
        throw this.err(
          def.file,
          [...def.path, 'arn'],
          `principal ${def.name}: ${e.message}. Write a user, role, assumed-role, federated-user or root ARN, ` +
            `e.g. arn:aws:iam::123456789012:user/john, or the word anonymous`,
        );
      }
      throw e;
    }
  }

  private parentUser(def: Def<PrincipalInputSpec>, value: string): string {
    const path = [...def.path, 'parentUser'];
    if (!value.startsWith('arn:')) {
      const parsed = this.parsedPrincipals.get(value); // every principal of the suite, parsed
      if (!parsed) {
        throw this.err(
          def.file,
          path,
          `parentUser ${JSON.stringify(value)} is neither an IAM user ARN nor a principal of this suite;` +
            (didYouMean(value, this.defs.principals.keys()) || ' name a principal or write its ARN.') +
            ` Principals defined: ${listNames([...this.defs.principals.keys()])}`,
        );
      }
      if (parsed.kind !== 'user') {
        throw this.err(def.file, path, `parentUser ${JSON.stringify(value)} is ${kindText(parsed.kind)}; the parent of a federated user is an IAM user`);
      }
      return parsed.arn;
    }
    let parsed: Principal | undefined;
    try {
      parsed = parsePrincipal({ arn: value });
    } catch {
      parsed = undefined;
    }
    if (!parsed || parsed.kind !== 'user') {
      throw this.err(def.file, path, `parentUser ${JSON.stringify(value)} is not an IAM user ARN (arn:aws:iam::<account>:user/<name>)`);
    }
    return parsed.arn;
  }

  private resolveResources(): SuiteResource[] {
    const out: SuiteResource[] = [];
    for (const def of this.defs.resources.values()) {
      const arn = def.name;
      const problem = arnProblem(arn, true);
      if (problem) throw this.err(def.file, def.path, `resource ${JSON.stringify(arn)}: ${problem}`, true);
      const r: SuiteResource = { arn, tags: tagMap(def.value.tags), defined: this.ref(def.file, def.path, true) };
      if (def.value.owner !== undefined) r.owner = def.value.owner;
      if (def.value.policy !== undefined && def.value.policy !== null) {
        this.use(def.value.policy, resourcePolicyType(arn), def.file, [...def.path, 'policy'], `resource ${arn}`);
        r.policy = def.value.policy;
      }
      out.push(r);
    }
    return out;
  }

  private resolveOrganization(): SuiteOrganization | undefined {
    const def = this.defs.organization;
    if (!def) return undefined;
    const o = def.value;
    const levels = (field: 'scps' | 'rcps', type: PolicyType): string[][] =>
      (o[field] ?? []).map((level, i) => {
        // No SCP at a level allows nothing: every request of a member account would be denied.
        if (field === 'scps' && level.length === 0) {
          throw this.err(def.file, [...def.path, field, i], `organization scps level ${i} lists no SCP, so it would allow nothing: list at least one (AWS attaches FullAWSAccess by default), or remove the level`);
        }
        level.forEach((name, k) => this.use(name, type, def.file, [...def.path, field, i, k], `organization ${field} level ${i}`));
        return [...level];
      });
    const org: SuiteOrganization = { scps: levels('scps', 'scp'), rcps: levels('rcps', 'rcp'), defined: this.ref(def.file, def.path, true) };
    if (o.managementAccount !== undefined) org.managementAccount = o.managementAccount;
    if (o.accounts !== undefined) org.accounts = [...o.accounts];
    if (o.id !== undefined) org.id = o.id;
    return org;
  }

  private resolveVpcEndpoints(): Map<string, SuiteVpcEndpoint> {
    const out = new Map<string, SuiteVpcEndpoint>();
    for (const def of this.defs.vpcEndpoints.values()) {
      this.use(def.value.policy, 'endpoint', def.file, [...def.path, 'policy'], `VPC endpoint ${def.name}`);
      const e: SuiteVpcEndpoint = { id: def.name, policy: def.value.policy, defined: this.ref(def.file, def.path, true) };
      if (def.value.vpc !== undefined) e.vpc = def.value.vpc;
      out.set(def.name, e);
    }
    return out;
  }

  /** A case's aws:SourceVpce must name a declared endpoint when the suite declares any (a typo would silently skip its policy). */
  private checkEndpoint(pf: ParsedFile, k: number, context: Record<string, ContextValue | null>, endpoints: Map<string, SuiteVpcEndpoint>): void {
    const id = sourceVpce(context);
    if (id === undefined || endpoints.has(id)) return;
    const key = Object.keys(context).find((x) => x.toLowerCase() === 'aws:sourcevpce')!;
    const path: PathSegment[] = pf.data.cases?.[k]?.context && Object.hasOwn(pf.data.cases[k]!.context!, key) ? ['cases', k, 'context', key] : ['context', key];
    throw this.err(
      pf,
      path,
      `aws:SourceVpce ${JSON.stringify(id)} is not one of the suite's vpcEndpoints;${didYouMean(id, endpoints.keys()) || ''} ` +
        `Endpoints declared: ${listNames([...endpoints.keys()])} (a request through an undeclared endpoint would skip its policy)`,
    );
  }

  // ---- cases ----

  private principalName(pf: ParsedFile, path: PathSegment[], name: string): void {
    if (this.principals.has(name)) return;
    throw this.err(
      pf,
      path,
      `unknown principal ${JSON.stringify(name)};${didYouMean(name, this.principals.keys()) || ' define it under principals:.'} ` +
        `Principals defined: ${listNames([...this.principals.keys()])}`,
    );
  }

  /** Why an action cannot be used in a case (cached per action), or undefined. */
  private actionProblem(action: string, wildcards: boolean): string | undefined {
    const cache = wildcards ? this.patternProblems : this.actionProblems;
    const cached = cache.get(action);
    if (cached !== undefined) return cached ?? undefined;
    const problem = actionProblem(action, wildcards);
    cache.set(action, problem ?? null);
    return problem;
  }

  private resolveCases(defaults: Record<string, ContextValue | null>, endpoints: Map<string, SuiteVpcEndpoint>): Case[] {
    const pf = this.root;
    const inputs: CaseInput[] = pf.data.cases ?? [];
    const out: Case[] = [];
    const names = new Map<string, number>();
    const defaultKeys = lowerKeys(defaults);
    const decidedByChecked = new Set<string>();
    // The happy path allocates no paths: they are built only for an error.
    const at = (k: number, field: string, list: boolean, i: number): PathSegment[] => (list ? ['cases', k, field, i] : ['cases', k, field]);
    for (let k = 0; k < inputs.length; k++) {
      const c = inputs[k]!;
      if (!this.principals.has(c.principal)) this.principalName(pf, ['cases', k, 'principal'], c.principal);
      const actions = typeof c.action === 'string' ? [c.action] : c.action;
      for (let i = 0; i < actions.length; i++) {
        const problem = this.actionProblem(actions[i]!, false);
        if (problem) throw this.err(pf, at(k, 'action', typeof c.action !== 'string', i), problem);
      }
      const resources = typeof c.resource === 'string' ? [c.resource] : c.resource;
      for (let i = 0; i < resources.length; i++) {
        const r = resources[i]!;
        const problem = r === '*' ? undefined : arnProblem(r, false);
        if (problem) throw this.err(pf, at(k, 'resource', typeof c.resource !== 'string', i), `resource ${JSON.stringify(r)}: ${problem}`);
      }
      let decidedBy: string[] | undefined;
      if (c.decidedBy !== undefined) {
        decidedBy = typeof c.decidedBy === 'string' ? [c.decidedBy] : c.decidedBy;
        for (let i = 0; i < decidedBy.length; i++) {
          const ref = decidedBy[i]!;
          if (decidedByChecked.has(ref)) continue;
          this.checkDecidedBy(pf, at(k, 'decidedBy', typeof c.decidedBy !== 'string', i), ref);
          decidedByChecked.add(ref);
        }
      }
      const context = c.context === undefined ? defaults : this.mergeContext(defaults, pf, ['cases', k, 'context'], c.context, defaultKeys);
      if (endpoints.size > 0) this.checkEndpoint(pf, k, context, endpoints);
      const defined: SourceRef = pf.doc.itemRef(CASES, k, pf.display);
      const matrix = actions.length * resources.length > 1;
      for (const action of actions) {
        for (const resource of resources) {
          const name = matrix ? `${c.name} [${action} @ ${resource}]` : c.name;
          const first = names.get(name);
          if (first !== undefined) {
            const firstRef = this.ref(pf, ['cases', first]);
            throw this.err(
              pf,
              ['cases', k, 'name'],
              `duplicate case name ${JSON.stringify(name)} (the first is at ${posText(firstRef)}): case names are unique in a suite; rename one`,
            );
          }
          names.set(name, k);
          const expanded: Case = { name, baseName: c.name, principal: c.principal, action, resource, context, expect: c.expect, defined };
          if (decidedBy) expanded.decidedBy = decidedBy;
          out.push(expanded);
        }
      }
    }
    return out;
  }

  private checkDecidedBy(pf: ParsedFile, path: PathSegment[], text: string): void {
    const ref = parseReference(text);
    if (!ref) {
      throw this.err(pf, path, `decidedBy ${JSON.stringify(text)}: write policy#Sid or policy#N (N = statement index from 0), e.g. mfa-enforcement#DenyAllWithoutMFA`);
    }
    const { policy: name, statement: stmt } = ref;
    const p = this.policies.get(name);
    if (!p) {
      throw this.err(
        pf,
        path,
        `decidedBy ${JSON.stringify(text)}: unknown policy ${JSON.stringify(name)};${didYouMean(name, this.policies.keys()) || ''} ` +
          `Policies defined: ${listNames([...this.policies.keys()])}`,
      );
    }
    const compiled = p.compiled.values().next().value as CompiledPolicy | undefined;
    if (!compiled) {
      throw this.err(
        pf,
        path,
        `decidedBy ${JSON.stringify(text)}: policy ${JSON.stringify(name)} is not attached to anything in this suite (no group, principal, resource or organization uses it), so it can never decide a case`,
      );
    }
    const statements = compiled.policy.statements;
    // The runner matches a Sid first, then an index (src/scenario/refs.ts): accept what it can match.
    if (statements.some((s) => s.sid !== undefined && referenceMatches(ref, { policy: name, sid: s.sid.value }))) return;
    if (ref.index >= 0 && ref.index < statements.length) return;
    if (/^\d+$/.test(stmt)) {
      throw this.err(
        pf,
        path,
        ref.index < 0
          ? `decidedBy ${JSON.stringify(text)}: write the statement index without leading zeros (#${Number(stmt)})`
          : `decidedBy ${JSON.stringify(text)}: policy ${JSON.stringify(name)} has ${statements.length} statement${statements.length === 1 ? '' : 's'} (#0–#${statements.length - 1})`,
      );
    }
    const sids = statements.flatMap((s) => (s.sid ? [s.sid.value] : []));
    const near = closest(stmt, sids);
    throw this.err(
      pf,
      path,
      `decidedBy ${JSON.stringify(text)}: policy ${JSON.stringify(name)} has no statement with Sid ${JSON.stringify(stmt)};` +
        (near ? ` did you mean ${JSON.stringify(`${name}#${near}`)}?` : '') +
        ` Sids: ${listNames(sids)} (or use #N, the statement index from 0)`,
    );
  }

  // ---- properties ----

  private resolveProperties(defaults: Record<string, ContextValue | null>, caseNames: Set<string>): PropertySpec[] {
    const pf = this.root;
    const inputs: PropertyInput[] = pf.data.properties ?? [];
    const out: PropertySpec[] = [];
    const names = new Map<string, number>();
    inputs.forEach((p, k) => {
      const base: PathSegment[] = ['properties', k];
      const first = names.get(p.name);
      if (first !== undefined || caseNames.has(p.name)) {
        const where = first !== undefined ? `the property at ${posText(this.ref(pf, ['properties', first]))}` : 'a case';
        throw this.err(pf, [...base, 'name'], `duplicate name ${JSON.stringify(p.name)} (also used by ${where}): names are unique in a suite; rename one`);
      }
      names.set(p.name, k);
      this.principalName(pf, [...base, 'principal'], p.principal);
      const forAll: PropertySpec['forAll'] = {};
      const a = p.forAll.action;
      if ('service' in a) {
        const service = a.service;
        if (service !== '*' && !catalog.serviceExists(service)) {
          throw this.err(
            pf,
            [...base, 'forAll', 'action', 'service'],
            `unknown service ${JSON.stringify(service)};${didYouMean(service, catalog.services()) || ' use a service prefix such as s3 or iam, or "*".'}`,
          );
        }
        (a.except ?? []).forEach((x, i) => {
          const problem = this.actionProblem(x, true);
          if (problem) throw this.err(pf, [...base, 'forAll', 'action', 'except', i], problem);
        });
        forAll.action = { service, except: [...(a.except ?? [])] };
      } else {
        a.oneOf.forEach((x, i) => {
          const problem = this.actionProblem(x, false);
          if (problem) throw this.err(pf, [...base, 'forAll', 'action', 'oneOf', i], problem);
        });
        forAll.action = { oneOf: [...a.oneOf] };
      }
      const resource = p.forAll.resource ?? 'any';
      if (resource !== 'any' && resource !== '*') {
        const problem = arnProblem(resource, true);
        if (problem) throw this.err(pf, [...base, 'forAll', 'resource'], `resource ${JSON.stringify(resource)}: ${problem} (or write any)`);
      }
      forAll.resource = resource;
      if (p.forAll.context) {
        const ctx: NonNullable<PropertySpec['forAll']['context']> = {};
        for (const [key, spec] of Object.entries(p.forAll.context)) {
          const parent: PathSegment[] = [...base, 'forAll', 'context'];
          const path: PathSegment[] = [...parent, key];
          if ('oneOf' in spec) {
            spec.oneOf.forEach((v, i) => this.typeValue(pf, parent, key, v, ['oneOf', i]));
            ctx[key] = { oneOf: [...spec.oneOf] };
          } else {
            const typed = this.typeValue(pf, parent, key, spec.range[0], ['range', 0]);
            this.typeValue(pf, parent, key, spec.range[1], ['range', 1]);
            if (typed && typed.type !== 'numeric' && typed.type !== 'date') {
              throw this.err(pf, [...path, 'range'], `${key} is a ${typed.type} key: a range is for numeric and date keys; use {oneOf: […]}`);
            }
            // Dates become epoch seconds (the generator writes them back as ISO 8601 for date keys).
            const bound = (v: number | string, i: number): number => {
              if (typeof v === 'number') return v;
              const t = typed?.type === 'date' ? parseInstant(v) : Number.NaN;
              if (Number.isNaN(t)) throw this.err(pf, [...path, 'range', i], `range bound ${JSON.stringify(v)}: write a number, or an ISO 8601 date for a date key`);
              return Math.floor(t / 1000);
            };
            const lo = bound(spec.range[0], 0);
            const hi = bound(spec.range[1], 1);
            if (lo > hi) throw this.err(pf, [...path, 'range'], `range [${spec.range.join(', ')}] is empty: write [low, high] with low ≤ high`);
            ctx[key] = { range: [lo, hi] };
          }
        }
        forAll.context = ctx;
      }
      const spec: PropertySpec = {
        name: p.name,
        principal: p.principal,
        context: this.mergeContext(defaults, pf, [...base, 'context'], p.context),
        forAll,
        expect: p.expect,
        runs: p.runs,
        defined: this.ref(pf, base),
      };
      out.push(spec);
    });
    return out;
  }
}

/** The first number in `root` whose text (YAML: 0x1F, +12, .5, .inf) JSON cannot hold, or undefined. */
function nonJsonNumber(root: JsonNode): Extract<JsonNode, { kind: 'number' }> | undefined {
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.kind === 'number' && !JSON_NUMBER.test(n.raw)) return n;
    if (n.kind === 'array') stack.push(...n.items);
    else if (n.kind === 'object') for (const e of n.entries) stack.push(e.value);
  }
  return undefined;
}

function isAwsManagedCopy(v: PolicyDefinition): v is { arn: string; file: string } {
  return typeof v === 'object' && typeof (v as { arn?: unknown }).arn === 'string' && typeof (v as { file?: unknown }).file === 'string';
}

function kindText(kind: Principal['kind']): string {
  switch (kind) {
    case 'user':
      return 'an IAM user';
    case 'role':
      return 'a role session';
    case 'federated-user':
      return 'a federated-user session';
    case 'root':
      return 'the account root user';
    case 'anonymous':
      return 'anonymous';
    case 'service':
      return 'a service principal';
  }
}

/** Why `arn` is not a usable resource ARN (or pattern, when `pattern`), or undefined. */
export function arnProblem(arn: string, pattern: boolean): string | undefined {
  let colons = 0;
  for (let i = arn.indexOf(':'); i >= 0 && colons < 5; i = arn.indexOf(':', i + 1)) colons++;
  if (!arn.startsWith('arn:') || colons < 5) {
    return `not an ARN: write arn:<partition>:<service>:<region>:<account>:<resource>${pattern ? '' : ', or "*" for actions without resource-level permissions'}`;
  }
  if (!pattern && hasWildcard(arn)) {
    return 'a case names one concrete resource, without wildcards (the IAM simulator evaluates concrete ARNs); list the resources, or use a property with forAll.resource';
  }
  return undefined;
}

/** Why `action` is not an action a case (or, with `wildcards`, an `except:` list) can name. */
export function actionProblem(action: string, wildcards: boolean): string | undefined {
  if (!ACTION_RE.test(action)) {
    if (!wildcards && (action.includes('*') || action.includes('?'))) {
      return (
        `action ${JSON.stringify(action)} has a wildcard: a case names exact actions (the IAM simulator rejects wildcards, spec §7.2); ` +
        'list the actions (action: [s3:GetObject, s3:PutObject]), or use a property with forAll.action'
      );
    }
    if (!(wildcards && /^[A-Za-z0-9*?-]+:[A-Za-z0-9*?]+$/.test(action))) {
      return `${JSON.stringify(action)} is not an action: write service:Action, e.g. s3:GetObject`;
    }
  }
  const colon = action.indexOf(':');
  const service = action.slice(0, colon);
  const name = action.slice(colon + 1);
  if (service.includes('*') || service.includes('?')) return undefined;
  if (!catalog.serviceExists(service)) {
    const near = closest(service, catalog.services());
    return `unknown service ${JSON.stringify(service)} in action ${JSON.stringify(action)}:` + (near ? ` did you mean ${JSON.stringify(`${near}:${name}`)}?` : ' check the prefix (s3, iam, ec2 …).');
  }
  if (name.includes('*') || name.includes('?')) {
    return catalog.expand(action).length > 0 ? undefined : `${JSON.stringify(action)} matches no ${service} action`;
  }
  if (catalog.action(action)) return undefined;
  const near = closest(name, catalog.actions(service).map((a) => a.name));
  return (
    `unknown action ${JSON.stringify(action)}: ${service} has no action ${name} in the IAM catalog;` +
    (near ? ` did you mean ${JSON.stringify(`${service}:${near}`)}?` : ' check the spelling.')
  );
}
