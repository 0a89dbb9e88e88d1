// End to end: synthesize the fixture suite, deploy it with real Terraform and the real AWS provider
// (offline, from the plugin directory) to moto_server on a free loopback port, read the deployed
// documents and attachments back with @aws-sdk/client-iam, check `terraform plan` shows no changes,
// destroy, and stop moto by its pid. Each missing tool skips with a message naming it.
//
// moto and `%` / `+` (moto 5.2.1, observed): GetPolicyVersion returns a managed policy's document
// exactly as stored, NOT URL-encoded as AWS does (moto encodes only inline and trust policies). The
// AWS provider URL-decodes that answer (QueryUnescape), so with stock moto a lone `%` fails the
// apply ("invalid URL escape"), `%41` would come back as `A` and `+` as a space. The stack is not at
// fault, so this test runs moto with its own url_encode transformer added to GetPolicyVersion
// (startMoto({awsPolicyDocumentEncoding: true}), i.e. AWS's behaviour) and keeps `+`, `%`, `%41`
// in the documents; the last describe shows the stock behaviour, so a moto that fixes it is noticed.

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreatePolicyCommand, GetPolicyVersionCommand, type IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/policy/json.ts';
import { decodePolicyDocument, localAwsEnv, localIamClient, prepareLocalWorkDir, readDeployed, type DeployedState } from '../../stacks/local.ts';
import { synthesize, type SynthResult } from '../../stacks/main.ts';
import { startMoto, type MotoServer } from '../../stacks/moto.ts';
import { SUITES_TAG } from '../../stacks/stack.ts';
import { initArgs, runTerraform, terraform, terraformEnv, type RunOptions } from '../../stacks/terraform.ts';
import { deploySuite, DEV_TEAM_S3 } from './fixture.ts';
import { missing, tempDir, tools } from './helpers.ts';

const t = tools();
const skip = missing('the moto_server + Terraform end-to-end deploy', {
  terraform: t.terraform,
  moto_server: t.moto,
  'the hashicorp/aws 5.100.0 plugin directory (TF_PLUGIN_DIR)': t.pluginDir,
});
const TF = ['-input=false', '-no-color', '-lock=false'];

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(skip)('deploying the verified stack to moto_server with Terraform', () => {
  // Created in beforeAll, not here: a skipped describe's body still runs, but its hooks do not.
  let work: ReturnType<typeof tempDir> | undefined;
  let tfDir: string;
  const started = Date.now();
  let moto: MotoServer | undefined;
  let synth: SynthResult;
  let run: RunOptions;
  let iam: IAMClient;
  let deployed: DeployedState;
  const timings: string[] = [];
  const timed = async <T>(label: string, f: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    try {
      return await f();
    } finally {
      timings.push(`${label} ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    }
  };

  beforeAll(async () => {
    work = tempDir('e2e');
    tfDir = join(work.dir, 'tf');
    const outdir = join(work.dir, 'cdktf.out');
    moto = await timed('moto', () => startMoto({ awsPolicyDocumentEncoding: true }));
    synth = await timed('synth', () =>
      synthesize({ suites: [deploySuite()], root: '/work/project', outdir, log: () => undefined, warn: () => undefined }),
    );
    prepareLocalWorkDir(synth.file, tfDir, moto.endpoint);
    run = { cwd: tfDir, env: terraformEnv({ configDir: tfDir, pluginDir: t.pluginDir }, localAwsEnv(tfDir)) };
    await timed('init', () => terraform(initArgs(t.pluginDir), run));
    await timed('apply', () => terraform(['apply', '-auto-approve', ...TF, '-parallelism=10'], run));
    iam = localIamClient(moto.endpoint);
    deployed = await readDeployed(iam, '/iamspec/');
  }, 300_000);

  afterAll(async () => {
    const pid = moto?.pid;
    try {
      await moto?.stop();
    } finally {
      work?.remove();
      console.info(`[iamspec stack e2e] ${timings.join(', ')}; total ${((Date.now() - started) / 1000).toFixed(1)}s`);
    }
    if (pid !== undefined) expect(alive(pid)).toBe(false);
  }, 30_000);

  it('applies the synthesized file unchanged (the emulator settings live in a separate override file)', () => {
    expect(readFileSync(join(tfDir, 'cdk.tf.json'), 'utf8')).toBe(readFileSync(synth.file, 'utf8'));
  });

  it('deploys every verified policy, and only those, with the verified document', () => {
    const own = synth.model.policies.filter((p) => p.awsManaged === undefined);
    expect([...deployed.policies.keys()].sort()).toEqual(own.map((p) => p.awsName).sort());
    for (const p of own) {
      const d = deployed.policies.get(p.awsName)!;
      // semantic comparison: the provider re-serialises the JSON (sorted keys) before sending it
      expect(d.document, p.name).toEqual(p.document);
      expect(canonicalJson(d.document)).toBe(canonicalJson(p.document));
      expect(d.path).toBe('/iamspec/');
      expect(d.description).toBe(`Managed by iamspec: scenario policy "${p.name}"`);
      expect(d.tags[SUITES_TAG]).toBe('scenarios/deploy-fixture.yaml');
      expect(d.tags['iamspec:unverified']).toBeUndefined();
    }
  });

  it('keeps policy variables, `+`, `%`, `%41`, `$$`, backslashes, quotes, Latin-1 and newlines intact', () => {
    const d = deployed.policies.get('dev-team-s3')!;
    // What came back on the wire was URL-encoded (AWS's behaviour, here from the patched moto) …
    expect(d.raw.startsWith('%7B')).toBe(true);
    expect(d.raw).toContain('a%2Bb%20c'); // `+` travels as %2B, a space as %20
    // … and decodes to exactly the verified values.
    const st = (d.document as typeof DEV_TEAM_S3).Statement;
    expect(st[1]!.Condition!.StringEquals!['s3:prefix']).toEqual(['a+b c', '100%', '%41%2B', '%{x}', '$$', '$${aws:username}', 'back\\slash "quoted"', 'Zürich ÿ é', 'line\nbreak']);
    expect(st[0]!.Resource).toEqual(['arn:aws:s3:::team-bucket/home/${aws:username}/*', "arn:aws:s3:::team-bucket/teams/${aws:PrincipalTag/team, 'none'}/*"]);
  });

  it('attaches each group exactly its policies (AWS managed ones by their AWS ARN)', () => {
    expect([...deployed.groups.keys()].sort()).toEqual(['Admins', 'All-Staff', 'Dev-Team']);
    const arnOf = (name: string) => {
      const p = synth.model.policies.find((x) => x.name === name)!;
      return p.awsManaged !== undefined ? `arn:aws:iam::aws:policy/${p.awsManaged}` : deployed.policies.get(p.awsName)!.arn;
    };
    expect(deployed.groups.get('Admins')!.attached).toEqual(['arn:aws:iam::aws:policy/AdministratorAccess']);
    for (const g of synth.model.groups) {
      const want = g.policies.map(arnOf).sort();
      expect(deployed.groups.get(g.awsName)!.attached).toEqual(want);
      expect(deployed.groups.get(g.awsName)!.path).toBe('/iamspec/');
    }
  });

  it('terraform plan -detailed-exitcode shows no changes after apply', async () => {
    const plan = await timed('plan', () => terraform(['plan', '-detailed-exitcode', ...TF], run, [0, 2]));
    expect(plan.code, plan.stdout).toBe(0);
  }, 180_000);

  it("the plan fails if AWS's managed policy is not the copy the suites verified", async () => {
    // Stand-in for AWS changing AdministratorAccess: override the verified copy the postcondition
    // compares with (an override file beside the configuration; removed afterwards).
    const stale = join(tfDir, 'zz_stale_override.tf.json');
    writeFileSync(stale, JSON.stringify({ locals: { aws_managed_AdministratorAccess_verified: JSON.stringify({ Version: '2012-10-17', Statement: [] }) } }));
    try {
      const plan = await timed('plan (stale copy)', () => runTerraform(['plan', ...TF, '-refresh=false'], run));
      expect(plan.code).toBe(1);
      expect(plan.stderr.replace(/\s+/g, ' ')).toMatch(/AWS managed policy AdministratorAccess is not the document the suites verified/);
    } finally {
      rmSync(stale);
    }
  }, 180_000);

  it('terraform destroy removes every policy and group', async () => {
    await timed('destroy', () => terraform(['destroy', '-auto-approve', ...TF, '-parallelism=10'], run));
    const after = await readDeployed(iam, '/iamspec/');
    expect(after.policies.size).toBe(0);
    expect(after.groups.size).toBe(0);
  }, 180_000);
});

// ---------------------------------------------------------------------------------------------

const motoMissing = missing("the moto_server GetPolicyVersion encoding check", { moto_server: t.moto });

describe.skipIf(motoMissing)('moto_server 5.2 and managed policy documents (the emulator, not the stack)', () => {
  const servers: MotoServer[] = [];
  afterAll(async () => {
    for (const s of servers) await s.stop();
    for (const s of servers) expect(alive(s.pid)).toBe(false);
  });

  const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: '*', Condition: { StringEquals: { 's3:prefix': ['a+b c', '100%', '%41'] } } }] };
  const text = JSON.stringify(doc);

  async function roundTrip(m: MotoServer): Promise<string> {
    const iam = localIamClient(m.endpoint);
    const p = await iam.send(new CreatePolicyCommand({ PolicyName: 'probe', PolicyDocument: text }));
    const v = await iam.send(new GetPolicyVersionCommand({ PolicyArn: p.Policy!.Arn!, VersionId: p.Policy!.DefaultVersionId! }));
    return v.PolicyVersion!.Document!;
  }

  it('stock moto returns the document as stored (AWS returns it URL-encoded): decoding it blindly breaks `%`', async () => {
    const m = await startMoto();
    servers.push(m);
    const raw = await roundTrip(m);
    expect(raw).toBe(text); // `+`, `%` and `%41` literally, no `%7B`
    expect(() => decodeURIComponent(raw)).toThrow(URIError); // what a URL-decoding client meets
    expect(decodePolicyDocument(raw)).toEqual(doc); // ours tells the two forms apart
  }, 60_000);

  it('with awsPolicyDocumentEncoding moto answers like AWS (RFC 3986 encoding)', async () => {
    const m = await startMoto({ awsPolicyDocumentEncoding: true });
    servers.push(m);
    const raw = await roundTrip(m);
    expect(raw.startsWith('%7B')).toBe(true);
    expect(raw).toContain('a%2Bb%20c');
    expect(decodeURIComponent(raw)).toBe(text);
    expect(decodePolicyDocument(raw)).toEqual(doc);
  }, 60_000);
});
