// `iamspec validate-stack` (npm run validate): `terraform init -backend=false` (offline with the
// provider plugin directory when there is one) and `terraform validate` in the stack directory
// `iamspec synth` wrote. Exit code: terraform validate's (2 when there is nothing to validate or
// no terraform).

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findPluginDir, findTerraform, initArgs, runTerraform, terraformEnv } from './terraform.ts';

export interface ValidateOptions {
  /** The directory holding stacks/<stack>/cdk.tf.json, relative to root (default cdktf.out). */
  outdir?: string;
  /** Default iamspec. */
  stackName?: string;
  root: string;
  out: (s: string) => unknown;
  err: (s: string) => unknown;
}

export async function validateStack(opts: ValidateOptions): Promise<number> {
  const dir = resolve(opts.root, opts.outdir || 'cdktf.out', 'stacks', opts.stackName || 'iamspec');
  if (!existsSync(join(dir, 'cdk.tf.json'))) {
    opts.err(`validate-stack: ${join(dir, 'cdk.tf.json')} does not exist; run \`iamspec synth\` first\n`);
    return 2;
  }
  if (!findTerraform()) {
    opts.err('validate-stack: terraform not found on PATH (or set TERRAFORM)\n');
    return 2;
  }
  const pluginDir = findPluginDir();
  opts.out(
    pluginDir
      ? `validate-stack: providers from ${pluginDir} (offline)\n`
      : 'validate-stack: no provider plugin directory found (TF_PLUGIN_DIR); terraform init downloads hashicorp/aws from the registry\n',
  );
  // The private CLI configuration lives in a temp dir of our own, removed when done.
  const configDir = mkdtempSync(join(tmpdir(), 'iamspec-tfrc-'));
  try {
    const env = terraformEnv({ configDir, pluginDir });
    const init = await runTerraform(initArgs(pluginDir, false), { cwd: dir, env });
    if (init.code !== 0) {
      opts.err(`${init.stdout}${init.stderr}`);
      return init.code;
    }
    opts.out(`validate-stack: terraform init ok (${init.ms} ms)\n`);
    const v = await runTerraform(['validate', '-no-color'], { cwd: dir, env, echo: opts.out });
    return v.code;
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}
