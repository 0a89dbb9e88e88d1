// Running Terraform offline for the stack: find the binary and the provider plugin directory, write
// a private CLI configuration (never the user's ~/.terraformrc), and run commands asynchronously
// with CHECKPOINT_DISABLE=1, no input, no colour.
//
// The plugin directory holds providers in Terraform's unpacked mirror layout:
//   <dir>/registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64/terraform-provider-aws_v5.100.0_x5
// It is $TF_PLUGIN_DIR, else the first of a few well-known places that holds the pinned provider.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** hashicorp/aws as pinned by @cdktf/provider-aws 20.1.0. */
export const AWS_PROVIDER_VERSION = '5.100.0';

export function platform(): string {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'ia32' ? '386' : process.arch;
  return `${os}_${arch}`;
}

/** The terraform executable: $TERRAFORM, else the first `terraform` on $PATH. */
export function findTerraform(): string | undefined {
  const env = process.env.TERRAFORM;
  if (env) return existsSync(env) ? env : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, process.platform === 'win32' ? 'terraform.exe' : 'terraform');
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Places searched for a plugin directory when $TF_PLUGIN_DIR is not set. */
export function pluginDirCandidates(): string[] {
  const home = homedir();
  const xdg = process.env.XDG_DATA_HOME || join(home, '.local/share');
  return [
    '/opt/tf-plugins',
    join(home, '.terraform.d/plugins'),
    join(xdg, 'terraform/plugins'),
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
  ];
}

/** Whether `dir` holds hashicorp/aws `version` for this platform (unpacked or packed layout). */
export function hasAwsProvider(dir: string, version = AWS_PROVIDER_VERSION): boolean {
  const base = join(dir, 'registry.terraform.io/hashicorp/aws');
  const unpacked = join(base, version, platform());
  if (existsSync(unpacked)) {
    try {
      return readdirSync(unpacked).some((f) => f.startsWith('terraform-provider-aws'));
    } catch {
      return false;
    }
  }
  return existsSync(join(base, `terraform-provider-aws_${version}_${platform()}.zip`));
}

/**
 * The provider plugin directory: $TF_PLUGIN_DIR (must hold the provider, else an error), or the
 * first well-known place that does, or undefined (Terraform would have to download it).
 */
export function findPluginDir(): string | undefined {
  const env = process.env.TF_PLUGIN_DIR;
  if (env) {
    if (!hasAwsProvider(env)) {
      throw new Error(`TF_PLUGIN_DIR=${env} does not hold registry.terraform.io/hashicorp/aws/${AWS_PROVIDER_VERSION}/${platform()}`);
    }
    return env;
  }
  return pluginDirCandidates().find((d) => hasAwsProvider(d));
}

/**
 * Writes a private Terraform CLI configuration and returns its path. With a plugin directory, the
 * providers come only from it (filesystem_mirror; direct installation excluded), so nothing is
 * downloaded; without one, providers come from the registry.
 */
export function writeCliConfig(dir: string, pluginDir: string | undefined): string {
  const file = join(dir, 'terraform.tfrc');
  const body = pluginDir
    ? `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(pluginDir)}\n    include = ["registry.terraform.io/*/*"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n}\n`
    : `provider_installation {\n  direct {}\n}\n`;
  writeFileSync(file, body);
  return file;
}

export interface TerraformEnvOptions {
  /** Directory for the CLI configuration (the caller's work directory: it owns and removes it). */
  configDir: string;
  /** Default: findPluginDir(); pass undefined to let Terraform download providers. */
  pluginDir?: string | undefined;
}

/** The environment every Terraform run gets: private CLI config, no checkpoint calls, no input. */
export function terraformEnv(opts: TerraformEnvOptions, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const pluginDir = 'pluginDir' in opts ? opts.pluginDir : findPluginDir();
  return {
    ...process.env,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    TF_CLI_CONFIG_FILE: writeCliConfig(opts.configDir, pluginDir),
    ...extra,
  };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Kill Terraform after this long (default 5 minutes). */
  timeoutMs?: number;
  /** Stream output lines (e.g. to the console) as well as collecting them. */
  echo?: (chunk: string) => void;
  terraform?: string;
}

/** Terraform processes still running: killed if this process exits first (a test timed out). */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  running.add(child);
  child.once('close', () => running.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of running) c.kill('SIGKILL');
  });
}

/** Runs `terraform <args>`; resolves with the exit code (never rejects on a non-zero exit). */
export function runTerraform(args: string[], opts: RunOptions): Promise<RunResult> {
  const bin = opts.terraform ?? findTerraform();
  if (!bin) return Promise.reject(new Error('terraform not found on PATH (set TERRAFORM to its path)'));
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(bin, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString('utf8');
      opts.echo?.(b.toString('utf8'));
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString('utf8');
      opts.echo?.(b.toString('utf8'));
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), opts.timeoutMs ?? 300_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? (signal ? 128 : 1), stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Like runTerraform, but throws with Terraform's output unless the exit code is allowed. */
export async function terraform(args: string[], opts: RunOptions, okCodes: number[] = [0]): Promise<RunResult> {
  const r = await runTerraform(args, opts);
  if (!okCodes.includes(r.code)) {
    throw new Error(`terraform ${args.join(' ')} exited ${r.code} in ${opts.cwd}:\n${(r.stderr || r.stdout).trim()}`);
  }
  return r;
}

/** The flags every command that takes them gets. */
export const COMMON = ['-input=false', '-no-color'] as const;

/** `terraform init` offline: providers only from the plugin dir when there is one. */
export function initArgs(pluginDir: string | undefined, backend = true): string[] {
  return ['init', ...COMMON, ...(backend ? [] : ['-backend=false']), ...(pluginDir ? [`-plugin-dir=${pluginDir}`] : [])];
}
