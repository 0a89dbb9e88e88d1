// `iamspec explain`: one decision in full. Either a case of a suite (--case NAME), or an ad-hoc
// request against policy files (--policy …, --principal, --action, --resource, --context …).

import { compilePolicy, type CompiledPolicy } from '../engine/compile.ts';
import { compilePolicySet } from '../engine/decide.ts';
import { explain } from '../engine/evaluate.ts';
import { makeRequest, type ContextValue } from '../engine/request.ts';
import type { Explanation } from '../engine/types.ts';
import { formatFinding } from '../policy/index.ts';
import type { PolicyType } from '../policy/model.ts';
import { formatExplanation, palette, useColor } from '../scenario/format-explanation.ts';
import { EXPECTATIONS, type Case, type Expectation, type Suite } from '../scenario/model.ts';
import { EXIT } from '../scenario/report.ts';
import { resourcePolicyType, resolverFor } from '../scenario/resolve.ts';
import { displayPath } from '../display-path.ts';
import { satisfies } from '../scenario/expectation.ts';
import { runCase } from '../scenario/runner.ts';
import { actionProblem, arnProblem, loadSuites } from '../scenario/loader.ts';
import { lintPolicyFile } from '../scenario/lint.ts';
import { CliUsageError, keyValues, oneOf, parse, suggestions } from './args.ts';
import { parseContextArg } from './context-arg.ts';
import { EXPLAIN_HELP } from './help.ts';
import { readPolicyArg, type IO } from './io.ts';

const OPTIONS = {
  case: { type: 'string' },
  policy: { type: 'string', multiple: true },
  boundary: { type: 'string' },
  session: { type: 'string', multiple: true },
  'resource-policy': { type: 'string' },
  'resource-owner': { type: 'string' },
  'endpoint-policy': { type: 'string' },
  scp: { type: 'string', multiple: true },
  rcp: { type: 'string', multiple: true },
  principal: { type: 'string' },
  action: { type: 'string' },
  resource: { type: 'string' },
  context: { type: 'string', multiple: true },
  'principal-tag': { type: 'string', multiple: true },
  'resource-tag': { type: 'string', multiple: true },
  expect: { type: 'string' },
  'allow-outside': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function explainCommand(argv: string[], io: IO): Promise<number> {
  const { values: o, positionals } = parse(argv, OPTIONS, EXPLAIN_HELP);
  if (o.help) {
    io.stdout.write(EXPLAIN_HELP);
    return EXIT.ok;
  }
  const color = !o.json && useColor(io.stdout, io.env);
  if (positionals.length > 0) {
    if (positionals.length > 1) throw new CliUsageError('explain takes one suite file', EXPLAIN_HELP);
    if (o.case === undefined) throw new CliUsageError('explain <suite.yaml> needs --case NAME', EXPLAIN_HELP);
    if (o.policy || o.principal || o.action || o.resource) {
      throw new CliUsageError('give either a suite file with --case, or --policy/--principal/--action/--resource', EXPLAIN_HELP);
    }
    return explainCase(positionals[0]!, o.case, { json: o.json === true, color, allowOutside: o['allow-outside'] === true }, io);
  }
  if (o.case !== undefined) throw new CliUsageError('--case needs the suite file: iamspec explain <suite.yaml> --case NAME', EXPLAIN_HELP);
  return explainAdHoc(o, color, io);
}

// ---------------------------------------------------------------------------------------------
// a case of a suite

function explainCase(file: string, name: string, opts: { json: boolean; color: boolean; allowOutside: boolean }, io: IO): number {
  const { json, color } = opts;
  const suites = loadSuites([file], { cwd: io.cwd, allowOutside: opts.allowOutside });
  const found = findCases(suites, name);
  if (found.length === 0) {
    const names = suites.flatMap((s) => s.cases.flatMap((c) => (c.name === c.baseName ? [c.name] : [c.name, c.baseName])));
    const near = suggestions(name, names);
    const hint = near.length ? `did you mean:\n${near.map((n) => `  ${n}`).join('\n')}` : `the suite has ${countText(suites)}; iamspec test ${file} lists them`;
    throw new CliUsageError(`no case named "${name}" in ${file}`, hint);
  }
  const p = palette(color);
  let allPass = true;
  const blocks: string[] = [];
  const jsonOut: unknown[] = [];
  for (const { suite, c } of found) {
    const { result, explanation } = runCase(suite, c, io.cwd);
    let e = explanation; // runCase explains failures only
    if (!e) {
      const { request, set } = resolverFor(suite).resolve(c);
      e = explain(request, set);
    }
    allPass &&= result.pass;
    if (json) {
      jsonOut.push({ ...result, explanation: e });
      continue;
    }
    const lines = [
      `${p.bold(`${suite.name} › ${c.name}`)}  ${p.dim(`${displayPath(c.defined.file, io.cwd)}:${c.defined.line}:${c.defined.column}`)}`,
      `${p.bold('request')}   ${result.principal} → ${c.action} on ${c.resource}`,
      ...contextLines(c.context, p),
      `${p.bold('expected')}  ${c.expect}${c.decidedBy?.length ? ` (decided by ${c.decidedBy.join(', ')})` : ''}  ${result.pass ? p.green('✓ as expected') : p.red('✗ not as expected')}`,
      ...(result.reason ? [`${p.bold('reason')}    ${result.reason}`] : []),
      formatExplanation(e, { color, cwd: io.cwd, maxActionMisses: Infinity }),
    ];
    blocks.push(lines.join('\n'));
  }
  io.stdout.write(json ? JSON.stringify(jsonOut.length === 1 ? jsonOut[0] : jsonOut, null, 2) + '\n' : blocks.join('\n\n') + '\n');
  return allPass ? EXIT.ok : EXIT.failed;
}

/** What `test` counts, in words: one case per action × resource of a matrix, and the properties. */
function countText(suites: Suite[]): string {
  const cases = suites.reduce((n, s) => n + s.cases.length, 0);
  const properties = suites.reduce((n, s) => n + s.properties.length, 0);
  const text = `${cases} case${cases === 1 ? '' : 's'}`;
  return properties ? `${text} and ${properties} propert${properties === 1 ? 'y' : 'ies'}` : text;
}

function findCases(suites: Suite[], name: string): { suite: Suite; c: Case }[] {
  const exact: { suite: Suite; c: Case }[] = [];
  const base: { suite: Suite; c: Case }[] = [];
  for (const suite of suites) {
    for (const c of suite.cases) {
      if (c.name === name) exact.push({ suite, c });
      else if (c.baseName === name) base.push({ suite, c });
    }
  }
  if (exact.length) return exact;
  if (base.length) return base;
  const lower = name.toLowerCase();
  return suites.flatMap((suite) => suite.cases.filter((c) => c.name.toLowerCase() === lower).map((c) => ({ suite, c })));
}

function contextLines(ctx: Record<string, ContextValue | null>, p: ReturnType<typeof palette>): string[] {
  const entries = Object.entries(ctx);
  if (!entries.length) return [];
  return [
    p.bold('context'),
    ...entries.map(([k, v]) =>
      v === null ? `  ${k} ${p.dim('(absent)')}` : `  ${k} = ${v.list ? JSON.stringify(v.values) : v.values[0]} ${p.dim(`(${v.type}${v.list ? ' list' : ''})`)}`,
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// an ad-hoc request

type Values = ReturnType<typeof parse<typeof OPTIONS>>['values'];

function readPolicyFile(file: string, type: PolicyType, io: IO, level?: number): CompiledPolicy {
  const { path, text, name } = readPolicyArg(io, file, 'policy ');
  const compiled = compilePolicy(text, { name, type, file: path, ...(level !== undefined ? { level } : {}) });
  // The same lint a suite's policies get: an error stops (exit 2), warnings go to stderr.
  for (const f of lintPolicyFile(compiled, path, io.cwd)) io.stderr.write(`${formatFinding({ ...f, file: displayPath(path, io.cwd) })}\n`);
  return compiled;
}

/** The request's action, resource and owner, checked as a suite's cases are (src/scenario/loader.ts). */
function checkRequestArgs(o: Values): void {
  const action = actionProblem(o.action!, false);
  if (action) throw new CliUsageError(`--action: ${action}`, EXPLAIN_HELP);
  const resource = o.resource === '*' ? undefined : arnProblem(o.resource!, false);
  if (resource) throw new CliUsageError(`--resource ${JSON.stringify(o.resource)}: ${resource}`, EXPLAIN_HELP);
  const owner = o['resource-owner'];
  if (owner !== undefined && !/^\d{12}$/.test(owner)) {
    throw new CliUsageError(`--resource-owner takes the owning account's 12-digit id (got "${owner}")`, EXPLAIN_HELP);
  }
}

function explainAdHoc(o: Values, color: boolean, io: IO): number {
  const missing = (['principal', 'action', 'resource'] as const).filter((k) => !o[k]);
  if (missing.length) {
    throw new CliUsageError(`explain needs ${missing.map((m) => `--${m}`).join(', ')} (or a suite file with --case)`, EXPLAIN_HELP);
  }
  const expect: Expectation | undefined = o.expect ? oneOf(o.expect, EXPECTATIONS, '--expect', EXPLAIN_HELP) : undefined;
  checkRequestArgs(o);
  const levels = (items: string[] | undefined, type: 'scp' | 'rcp') =>
    (items ?? []).map((level, i) => {
      const files = level.split(',').map((f) => f.trim()).filter(Boolean);
      if (files.length === 0) throw new CliUsageError(`--${type} level ${i + 1} names no policy file: give one or more files per level, root first`, EXPLAIN_HELP);
      return files.map((f) => readPolicyFile(f, type, io, i));
    });
  const context: Record<string, ContextValue | null> = {};
  for (const item of o.context ?? []) {
    const [k, v] = parseContextArg(item, EXPLAIN_HELP, (message) => io.stderr.write(`iamspec: warning: --context ${message}\n`));
    context[k] = v;
  }
  const set = compilePolicySet({
    identity: (o.policy ?? []).map((f) => readPolicyFile(f, 'identity', io)),
    boundary: o.boundary ? readPolicyFile(o.boundary, 'boundary', io) : null,
    session: o.session?.length ? o.session.map((f) => readPolicyFile(f, 'session', io)) : null,
    resource: o['resource-policy'] ? readPolicyFile(o['resource-policy'], resourcePolicyType(o.resource!), io) : null,
    endpoint: o['endpoint-policy'] ? readPolicyFile(o['endpoint-policy'], 'endpoint', io) : null,
    scps: levels(o.scp, 'scp'),
    rcps: levels(o.rcp, 'rcp'),
  });
  const request = makeRequest({
    principal: { arn: o.principal!, tags: keyValues(o['principal-tag'], '--principal-tag', EXPLAIN_HELP) },
    action: o.action!,
    resource: o.resource!,
    ...(o['resource-owner'] ? { resourceAccount: o['resource-owner'] } : {}),
    resourceTags: keyValues(o['resource-tag'], '--resource-tag', EXPLAIN_HELP),
    context,
  });
  const e: Explanation = explain(request, set);
  const decision = e.decision;
  const pass = expect === undefined || satisfies(expect, decision);
  if (o.json) {
    io.stdout.write(JSON.stringify({ decision, ...(expect ? { expected: expect, pass } : {}), explanation: e }, null, 2) + '\n');
  } else {
    const p = palette(color);
    const lines = [
      `${p.bold('request')}   ${request.principal.arn} → ${request.action} on ${request.resource}`,
      ...contextLines(context, p),
      ...(expect ? [`${p.bold('expected')}  ${expect}  ${pass ? p.green('✓ as expected') : p.red('✗ not as expected')}`] : []),
      formatExplanation(e, { color, cwd: io.cwd, maxActionMisses: Infinity }),
    ];
    io.stdout.write(lines.join('\n') + '\n');
  }
  return pass ? EXIT.ok : EXIT.failed;
}
