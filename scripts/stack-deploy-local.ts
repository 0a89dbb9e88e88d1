// npm run deploy:local: synthesize (through the verification gate), start moto_server on a free
// loopback port, point the provider at it (stacks/local.ts), `terraform apply`, read back what was
// deployed with @aws-sdk/client-iam, and check `terraform plan` shows no changes.
//
//   npm run deploy:local [-- [--destroy] [suite paths…]]
//
// Default: moto keeps running in the foreground so the deployment can be inspected (the printed
// commands destroy it from another terminal); Ctrl-C stops moto. --destroy: destroy at once and
// stop (a smoke test for CI). State and the Terraform CLI config stay in the work directory
// (IAMSPEC_LOCAL_DIR, default .tmp/deploy-local), which is reset at the start of every run.

import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { canonicalJson } from '../src/policy/json.ts';
import { optionsFromEnv, reportError, synthesize } from '../stacks/main.ts';
import { startMoto, findMotoPython, findMotoServer, type MotoServer } from '../stacks/moto.ts';
import { localAwsEnv, localIamClient, prepareLocalWorkDir, readDeployed, OVERRIDE_FILE } from '../stacks/local.ts';
import { findPluginDir, findTerraform, initArgs, terraform, terraformEnv } from '../stacks/terraform.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const out = (s: string) => process.stdout.write(`${s}\n`);
const err = (s: string) => process.stderr.write(`${s}\n`);

async function main(argv: string[]): Promise<number> {
  const destroyAtOnce = argv.includes('--destroy');
  const paths = argv.filter((a) => !a.startsWith('--'));
  const root = process.cwd();
  const opts = optionsFromEnv();
  if (paths.length) opts.paths = paths;
  if (opts.backend) {
    err('deploy:local ignores IAMSPEC_STATE_BUCKET: local state only');
    delete opts.backend;
  }
  if (!findTerraform()) return fail('terraform not found on PATH (or set TERRAFORM)');
  if (!findMotoServer()) return fail('moto_server not found (set MOTO_SERVER, or `pip install "moto[server]"`)');
  // moto is started through its python, to answer GetPolicyVersion URL-encoded as AWS does.
  if (!findMotoPython()) return fail('no python with moto found beside moto_server or on PATH (set MOTO_PYTHON)');

  let synth;
  try {
    synth = await synthesize({ ...opts, root });
  } catch (e) {
    return reportError(e);
  }

  const workDir = resolve(root, process.env.IAMSPEC_LOCAL_DIR || '.tmp/deploy-local');
  for (const f of ['cdk.tf.json', OVERRIDE_FILE, 'terraform.tfstate', 'terraform.tfstate.backup', '.terraform.lock.hcl', '.terraform', 'terraform.tfrc']) {
    rmSync(join(workDir, f), { recursive: true, force: true });
  }
  mkdirSync(workDir, { recursive: true });
  const pluginDir = findPluginDir();
  if (!pluginDir) err('no provider plugin directory (TF_PLUGIN_DIR): terraform init will download hashicorp/aws');

  let moto: MotoServer | undefined;
  const stopMoto = async () => {
    if (moto) await moto.stop();
  };
  process.once('SIGINT', () => void stopMoto().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stopMoto().then(() => process.exit(143)));
  try {
    // AWS returns GetPolicyVersion documents URL-encoded and the provider decodes them; stock moto
    // 5.2 does not encode, which breaks documents holding `%` or `+` (see stacks/moto.ts).
    moto = await startMoto({ awsPolicyDocumentEncoding: true });
    out(`moto_server pid ${moto.pid} listening on ${moto.endpoint}`);
    prepareLocalWorkDir(synth.file, workDir, moto.endpoint, opts.region);
    const env = terraformEnv({ configDir: workDir, pluginDir }, localAwsEnv(workDir));
    const run = { cwd: workDir, env };
    const t0 = Date.now();
    await terraform(initArgs(pluginDir), run);
    await terraform(['apply', '-auto-approve', '-input=false', '-no-color', '-lock=false', '-parallelism=10'], run);
    out(`terraform apply done in ${Date.now() - t0} ms (${workDir})`);

    const iam = localIamClient(moto.endpoint, opts.region);
    const deployed = await readDeployed(iam, synth.model.path);
    let mismatches = 0;
    out('deployed IAM policies:');
    for (const p of synth.model.policies) {
      if (p.awsManaged !== undefined) {
        out(`  = ${p.awsManaged}  arn:aws:iam::aws:policy/${p.awsManaged}  (AWS managed: attached, checked against the verified copy at plan time)`);
        continue;
      }
      const d = deployed.policies.get(p.awsName);
      const same = d !== undefined && canonicalJson(d.document) === canonicalJson(p.document);
      if (!same) mismatches++;
      out(`  ${same ? '✓' : '✗'} ${p.awsName}  ${d?.arn ?? '(missing)'}${same ? '  document = verified document' : '  DOCUMENT DIFFERS'}`);
    }
    out('deployed groups and attachments:');
    for (const g of synth.model.groups) {
      const d = deployed.groups.get(g.awsName);
      const want = g.policies
        .map((n) => {
          const p = synth.model.policies.find((x) => x.name === n)!;
          if (p.awsManaged !== undefined) return `arn:aws:iam::aws:policy/${p.awsManaged}`;
          return deployed.policies.get(p.awsName)?.arn ?? `(missing ${n})`;
        })
        .sort();
      const same = d !== undefined && want.join(' ') === d.attached.join(' ');
      if (!same) mismatches++;
      out(`  ${same ? '✓' : '✗'} ${g.awsName}  ${d?.arn ?? '(missing)'}`);
      for (const a of d?.attached ?? []) out(`      ${a}`);
    }
    const plan = await terraform(['plan', '-detailed-exitcode', '-input=false', '-no-color', '-lock=false'], run, [0, 2]);
    out(plan.code === 0 ? 'terraform plan: no changes' : 'terraform plan: CHANGES PENDING (drift)');
    if (plan.code !== 0) mismatches++;

    const envLine = `TF_CLI_CONFIG_FILE=${join(workDir, 'terraform.tfrc')} CHECKPOINT_DISABLE=1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing`;
    if (destroyAtOnce) {
      await terraform(['destroy', '-auto-approve', '-input=false', '-no-color', '-lock=false'], run);
      out('destroyed');
    } else {
      out('');
      out(`state: ${join(workDir, 'terraform.tfstate')}`);
      out('inspect or destroy from another terminal while this one runs:');
      out(`  ${envLine} terraform -chdir=${workDir} output`);
      out(`  ${envLine} terraform -chdir=${workDir} destroy -auto-approve`);
      out(`  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing aws --endpoint-url ${moto.endpoint} iam list-policies --scope Local`);
      out('press Ctrl-C to stop moto_server (its in-memory account, and so the deployment, goes with it)');
      await new Promise<void>(() => {
        setInterval(() => undefined, 1 << 30); // keep the process alive until a signal
      });
    }
    return mismatches ? 1 : 0;
  } catch (e) {
    err(e instanceof Error ? e.message : String(e));
    if (moto) err(`moto_server output:\n${moto.output().trim().split('\n').slice(-20).join('\n')}`);
    return 1;
  } finally {
    await stopMoto();
  }
}

function fail(msg: string): number {
  err(`deploy:local: ${msg}`);
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
