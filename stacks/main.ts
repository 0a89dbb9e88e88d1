// The CDKTF app (cdktf.json "app"): loads the scenario suites, runs them through src/ (the runner,
// never an evaluation of its own), builds the deploy model, closes the stack unless the
// verification gate passes, synthesizes cdktf.out/stacks/<name>/cdk.tf.json, and re-reads it to
// check that every policy document reached the file exactly as verified.
//
//   iamspec synth [suite paths…] [--outdir dir] [--stack name]   (src/cli/synth-command.ts;
//   npm run synth; cdktf.json "app")
//
// Environment:
//   IAMSPEC_SCENARIOS         suite paths, comma-separated; arguments win; default: the deploy set
//                             in cdktf.json context["iamspec:scenarios"], else scenarios/
// cdktf.json context["iamspec:notDeployed"]: {name: reason}: policies and groups of the suites kept
//                             out of the deployment (tested, never deployed), each with its reason
//   IAMSPEC_ALLOW_UNVERIFIED  escape hatch: policy/group names deployed even if unverified
//                             (loud warning on every synth, tag iamspec:unverified, output)
//   IAMSPEC_DEPLOY_ORG=1      also deploy SCPs/RCPs as aws_organizations_policy (management account)
//   IAMSPEC_STACK             stack name (default iamspec);  CDKTF_OUTDIR  output dir (cdktf.out)
//   IAMSPEC_IAM_PATH          IAM path of policies and groups (default /iamspec/)
//   IAMSPEC_AWS_MANAGED       policy names that stand for AWS managed policies (besides policy
//                             files under a directory named aws-managed/): attached, not created
//   IAMSPEC_AWS_REGION        provider region (default $AWS_REGION, else us-east-1)
//   IAMSPEC_STATE_BUCKET, IAMSPEC_STATE_KEY, IAMSPEC_STATE_REGION, IAMSPEC_STATE_LOCK_TABLE
//                             S3 state backend (default: CDKTF's local state file)
// Writes the gate report (every deployable, its status, and the cases that prove it) to
// <outdir>/stacks/<name>/iamspec-gate.json, also when the gate refuses.
// Exit codes: 0 synthesized; 1 the gate refused (failing, missing, unproven, unexercised, or
// rejected by AWS's create-time rules); 2 unusable input.

import { App } from 'cdktf';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadSuites } from '../src/scenario/loader.ts';
import { SuiteError, type Suite } from '../src/scenario/model.ts';
import type { Report } from '../src/scenario/report.ts';
import { displayPath } from '../src/display-path.ts';
import { loadPropertyChecker, runSuites } from '../src/scenario/runner.ts';
import { unescapeTerraform } from './escape.ts';
import { formatGate, GateError, gateJson, parseAllowList, runGate, unverifiedBanner, type GateResult } from './gate.ts';
import { canonicalJson } from '../src/policy/json.ts';
import { didYouMean } from '../src/policy/names.ts';
import { attachmentId, buildDeployModel, DeployModelError, type DeployModel } from './model.ts';
import { IamspecStack, type BackendOptions } from './stack.ts';

export interface SynthOptions {
  /** Suite files or directories (default: cdktf.json context["iamspec:scenarios"], else `scenarios`). */
  paths?: string[];
  /** Project directory: paths, report files and the output dir are relative to it. Default cwd. */
  root?: string;
  /** Default: $CDKTF_OUTDIR, else `cdktf.out` (under root). */
  outdir?: string;
  stackName?: string;
  allowUnverified?: string[];
  organization?: boolean;
  /** Policy names that stand for AWS managed policies (besides files under aws-managed/). */
  awsManaged?: string[];
  /** Policy or group names kept out of the deployment → why. Default: cdktf.json context["iamspec:notDeployed"]. */
  notDeployed?: ReadonlyMap<string, string>;
  iamPath?: string;
  region?: string;
  backend?: BackendOptions;
  /** Already-loaded suites (tests); they are still run through the runner. */
  suites?: Suite[];
  log?: (line: string) => void;
  warn?: (line: string) => void;
}

export interface SynthResult {
  stackName: string;
  stackDir: string;
  /** cdk.tf.json */
  file: string;
  /** Its parsed content. */
  config: TerraformJson;
  model: DeployModel;
  gate: GateResult;
  report: Report;
}

// The parts of cdk.tf.json this module reads.
export interface TerraformJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown }>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  locals?: Record<string, unknown>;
  provider?: Record<string, unknown>;
  terraform?: Record<string, unknown>;
}

/** The synthesized file disagrees with the model (CDKTF changed a document, an extra resource …). */
export class SynthCheckError extends Error {
  override readonly name = 'SynthCheckError';
}

/** Options from the environment (the npm scripts' interface). */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): SynthOptions {
  const o: SynthOptions = {};
  const scen = parseAllowList(env.IAMSPEC_SCENARIOS);
  if (scen.length) o.paths = scen;
  const managed = parseAllowList(env.IAMSPEC_AWS_MANAGED);
  if (managed.length) o.awsManaged = managed;
  const allow = parseAllowList(env.IAMSPEC_ALLOW_UNVERIFIED);
  if (allow.length) o.allowUnverified = allow;
  if (env.IAMSPEC_DEPLOY_ORG && !/^(0|false|no)?$/i.test(env.IAMSPEC_DEPLOY_ORG)) o.organization = true;
  if (env.IAMSPEC_STACK) o.stackName = env.IAMSPEC_STACK;
  if (env.IAMSPEC_IAM_PATH) o.iamPath = env.IAMSPEC_IAM_PATH;
  const region = env.IAMSPEC_AWS_REGION || env.AWS_REGION;
  if (region) o.region = region;
  if (env.IAMSPEC_STATE_BUCKET) {
    o.backend = {
      bucket: env.IAMSPEC_STATE_BUCKET,
      key: env.IAMSPEC_STATE_KEY || 'iamspec/terraform.tfstate',
      ...(env.IAMSPEC_STATE_REGION ? { region: env.IAMSPEC_STATE_REGION } : region ? { region } : {}),
      ...(env.IAMSPEC_STATE_LOCK_TABLE ? { dynamodbTable: env.IAMSPEC_STATE_LOCK_TABLE } : {}),
    };
  }
  return o;
}

/** The context key in cdktf.json that lists the suites the stack deploys (the deploy set). */
export const DEPLOY_SET_KEY = 'iamspec:scenarios';

/**
 * The committed deploy set: cdktf.json's context["iamspec:scenarios"] (files or directories,
 * relative to the project). Suites are separate worlds; the deploy set names those that together
 * describe one account, so that two suites' different "Developers" groups cannot both be deployed.
 */
export function deploySetFromConfig(root: string): string[] | undefined {
  const file = join(root, 'cdktf.json');
  if (!existsSync(file)) return undefined;
  const ctx = (JSON.parse(readFileSync(file, 'utf8')) as { context?: Record<string, unknown> }).context;
  const v = ctx?.[DEPLOY_SET_KEY];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string') || v.length === 0) {
    throw new DeployModelError([`cdktf.json: context["${DEPLOY_SET_KEY}"] must be a non-empty list of suite files or directories`]);
  }
  return v as string[];
}

/** The context key in cdktf.json that keeps named policies and groups out of the deployment, each with a reason. */
export const NOT_DEPLOYED_KEY = 'iamspec:notDeployed';

/** cdktf.json's context["iamspec:notDeployed"]: {name: reason}; empty when absent. */
export function notDeployedFromConfig(root: string): Map<string, string> {
  const file = join(root, 'cdktf.json');
  if (!existsSync(file)) return new Map();
  const v = (JSON.parse(readFileSync(file, 'utf8')) as { context?: Record<string, unknown> }).context?.[NOT_DEPLOYED_KEY];
  if (v === undefined) return new Map();
  const entries = typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.entries(v) : null;
  if (!entries || !entries.every(([, why]) => typeof why === 'string' && why.trim() !== '')) {
    throw new DeployModelError([`cdktf.json: context["${NOT_DEPLOYED_KEY}"] must map each policy or group name to the reason it is not deployed (a non-empty string)`]);
  }
  return new Map(entries as [string, string][]);
}

/**
 * The whole synthesis: load → run (src/) → model → gate → CDKTF synth → check the file.
 * Throws SuiteError / DeployModelError (unusable input), GateError (refused), SynthCheckError.
 */
export async function synthesize(opts: SynthOptions = {}): Promise<SynthResult> {
  const root = resolve(opts.root ?? process.cwd());
  const warn = opts.warn ?? ((l: string) => process.stderr.write(`${l}\n`));
  const outdir = resolve(root, opts.outdir || process.env.CDKTF_OUTDIR || 'cdktf.out');
  const stackName = opts.stackName ?? 'iamspec';
  const stackDir = join(outdir, 'stacks', stackName);
  const file = join(stackDir, 'cdk.tf.json');
  try {
    return await synthesizeInto({ root, outdir, stackName, stackDir, file }, opts, warn);
  } catch (e) {
    // Never leave an older (or a just-written, unchecked) configuration behind a refused synthesis.
    if (existsSync(file)) {
      rmSync(file);
      warn(`removed ${displayPath(file, root)}: the current suites do not verify it`);
    }
    throw e;
  }
}

interface Target {
  root: string;
  outdir: string;
  stackName: string;
  stackDir: string;
  /** stackDir/cdk.tf.json */
  file: string;
}

async function synthesizeInto(target: Target, opts: SynthOptions, warn: (l: string) => void): Promise<SynthResult> {
  const { root, outdir, stackName, stackDir, file } = target;
  const log = opts.log ?? ((l: string) => process.stdout.write(`${l}\n`));

  const paths = opts.paths ?? deploySetFromConfig(root) ?? ['scenarios'];
  const suites = opts.suites ?? loadSuites(paths.map((p) => resolve(root, p)), { cwd: root });
  if (suites.length === 0) throw new DeployModelError(['no suites: nothing was verified, so nothing is deployed']);
  const report = runSuites(suites, { cwd: root, checkProperty: await loadPropertyChecker() });
  const notDeployed = opts.notDeployed ?? notDeployedFromConfig(root);
  const known = new Set(suites.flatMap((s) => [...s.policies.keys(), ...s.groups.keys()]));
  for (const name of notDeployed.keys()) {
    if (!known.has(name)) warn(`cdktf.json context["${NOT_DEPLOYED_KEY}"] names "${name}", which no policy or group of the deployed suites has;${didYouMean(name, known) || ' it keeps nothing out'}`);
  }
  const model = buildDeployModel(suites, {
    root,
    notDeployed,
    ...(opts.organization ? { organization: true } : {}),
    ...(opts.iamPath ? { path: opts.iamPath } : {}),
    ...(opts.awsManaged ? { awsManaged: opts.awsManaged } : {}),
  });
  const gate = runGate({ suites, report, model, allowUnverified: opts.allowUnverified ?? [], root });
  mkdirSync(stackDir, { recursive: true });
  writeFileSync(join(stackDir, 'iamspec-gate.json'), `${JSON.stringify(gateJson(gate), null, 2)}\n`);
  if (!gate.ok) throw new GateError(gate);
  const banner = unverifiedBanner(gate);
  if (banner) warn(banner);
  log(formatGate(gate));
  const managed = model.policies.filter((p) => p.awsManaged !== undefined);
  if (managed.length) {
    log(`  - AWS managed, attached not created (the plan fails if AWS's document differs from the verified copy): ${managed.map((p) => p.awsManaged).join(', ')}`);
  }
  if (model.orgPoliciesAwsManaged.length) log(`  - AWS managed SCPs/RCPs, never created: ${model.orgPoliciesAwsManaged.join(', ')}`);
  for (const n of model.notDeployed) log(`  - not deployed (cdktf.json ${NOT_DEPLOYED_KEY}): ${n.name} — ${n.reason}`);
  if (model.orgPoliciesNotDeployed.length) {
    log(`  - SCPs/RCPs not deployed (set IAMSPEC_DEPLOY_ORG=1 in the management account): ${model.orgPoliciesNotDeployed.join(', ')}`);
  }

  const app = new App({ outdir, stackTraces: false });
  const stack = new IamspecStack(app, stackName, {
    model,
    gate,
    ...(opts.region ? { region: opts.region } : {}),
    ...(opts.backend ? { backend: opts.backend } : {}),
  });
  app.synth();

  const config = JSON.parse(readFileSync(file, 'utf8')) as TerraformJson;
  checkSynthesized(config, model, stack);
  log(
    `synthesized ${displayPath(file, root)}: ${model.policies.length - managed.length} IAM policies${managed.length ? ` (+${managed.length} AWS managed)` : ''}, ${model.groups.length} groups, ${model.groups.reduce((n, g) => n + g.policies.length, 0)} attachments${
      model.orgPolicies.length ? `, ${model.orgPolicies.length} organization policies` : ''
    }`,
  );
  return { stackName, stackDir, file, config, model, gate, report };
}

/**
 * Re-reads the synthesized configuration: exactly the model's resources, and every document is
 * the escaped verified JSON, byte for byte (so neither CDKTF nor escaping changed it).
 */
export function checkSynthesized(config: TerraformJson, model: DeployModel, stack: IamspecStack): void {
  const problems: string[] = [];
  const res = config.resource ?? {};
  const expected: Record<string, string[]> = {
    aws_iam_policy: model.policies.filter((p) => p.awsManaged === undefined).map((p) => p.id),
    aws_iam_group: model.groups.map((g) => g.id),
    aws_iam_group_policy_attachment: model.groups.flatMap((g) =>
      g.policies.map((n) => attachmentId(g.id, model.policies.find((p) => p.name === n)!.id)),
    ),
    aws_organizations_policy: model.orgPolicies.map((p) => p.id),
  };
  for (const type of new Set([...Object.keys(res), ...Object.keys(expected)])) {
    const want = [...(expected[type] ?? [])].sort();
    const got = Object.keys(res[type] ?? {}).sort();
    if (want.join('\n') !== got.join('\n')) {
      problems.push(`${type}: expected [${want.join(', ')}], synthesized [${got.join(', ')}]`);
    }
  }
  const data = config.data ?? {};
  const wantData = model.policies.filter((p) => p.awsManaged !== undefined).map((p) => p.id).sort();
  const gotData = Object.keys(data.aws_iam_policy ?? {}).sort();
  if (wantData.join('\n') !== gotData.join('\n')) problems.push(`data.aws_iam_policy: expected [${wantData.join(', ')}], synthesized [${gotData.join(', ')}]`);
  for (const [id, d] of stack.documents) {
    const got = d.type === 'locals' ? config.locals?.[id] : res[d.type]?.[id]?.[d.attribute];
    if (got !== d.value || typeof got !== 'string') {
      problems.push(`${d.type}.${id}${d.attribute ? `.${d.attribute}` : ''} is not the escaped verified document`);
      continue;
    }
    const back = unescapeTerraform(got);
    if (back !== d.json) problems.push(`${d.type}.${id}: the escaped document does not round-trip`);
    else if (canonicalJson(JSON.parse(back)) !== canonicalJson(JSON.parse(d.json))) problems.push(`${d.type}.${id}: document differs`);
  }
  if (problems.length) throw new SynthCheckError(`the synthesized configuration does not match the verified model:\n  - ${problems.join('\n  - ')}`);
}

/**
 * Prints a synthesis error (exit code per the header comment) and returns the exit code; anything
 * else is rethrown: an internal error.
 */
export function reportError(e: unknown, write: (s: string) => unknown = (s) => process.stderr.write(s)): number {
  if (e instanceof GateError) {
    write(`${e.message}\n`);
    return 1;
  }
  if (e instanceof SuiteError) {
    write(`${e.where.file}:${e.where.line}:${e.where.column}: ${e.message}\n`);
    for (const d of e.details) write(`  ${d.where.file}:${d.where.line}:${d.where.column}: ${d.message}\n`);
    return 2;
  }
  if (e instanceof DeployModelError || e instanceof SynthCheckError) {
    write(`iamspec stack: ${e.message}\n`);
    return 2;
  }
  throw e;
}
