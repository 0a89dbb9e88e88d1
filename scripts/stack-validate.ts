// npm run validate: `terraform init -backend=false` (offline with the provider plugin directory
// when there is one) and `terraform validate` in the synthesized stack directory.
// Run `npm run synth` first. Exit code: terraform validate's (2 when there is nothing to validate).

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findPluginDir, findTerraform, initArgs, runTerraform, terraformEnv } from '../stacks/terraform.ts';

async function main(): Promise<number> {
  const stack = process.env.IAMSPEC_STACK || 'iamspec';
  const dir = resolve(process.env.CDKTF_OUTDIR || 'cdktf.out', 'stacks', stack);
  if (!existsSync(join(dir, 'cdk.tf.json'))) {
    process.stderr.write(`validate: ${join(dir, 'cdk.tf.json')} does not exist; run \`npm run synth\` first\n`);
    return 2;
  }
  if (!findTerraform()) {
    process.stderr.write('validate: terraform not found on PATH (or set TERRAFORM)\n');
    return 2;
  }
  const pluginDir = findPluginDir();
  process.stdout.write(
    pluginDir ? `validate: providers from ${pluginDir} (offline)\n` : 'validate: no provider plugin directory found (TF_PLUGIN_DIR); terraform init downloads hashicorp/aws from the registry\n',
  );
  // The private CLI configuration lives in a temp dir of our own, removed when done.
  const configDir = mkdtempSync(join(tmpdir(), 'iamspec-tfrc-'));
  try {
    const env = terraformEnv({ configDir, pluginDir });
    const echo = (s: string) => process.stdout.write(s);
    const init = await runTerraform(initArgs(pluginDir, false), { cwd: dir, env });
    if (init.code !== 0) {
      process.stderr.write(`${init.stdout}${init.stderr}`);
      return init.code;
    }
    process.stdout.write(`validate: terraform init ok (${init.ms} ms)\n`);
    const v = await runTerraform(['validate', '-no-color'], { cwd: dir, env, echo });
    return v.code;
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
