// Running the real `iamspec` command in a child process (`node bin/iamspec.js …`).

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/iamspec.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall time of a child process. */
  ms?: number;
  /** The child was killed at its time bound. */
  killed?: boolean;
}

/** A stack-trace line. */
export const STACK = /^\s+at /m;

export interface ChildOptions {
  env?: NodeJS.ProcessEnv;
  /** Kill the child after this long (a hang regression); `killed` then says so. */
  timeoutMs?: number;
}

export function iamspec(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, opts: Omit<ChildOptions, 'env'> = {}): Promise<Run> {
  return child(process.execPath, [BIN, ...args], cwd, { env, ...opts });
}

/** A bash command line, with `$IAMSPEC` standing for `node bin/iamspec.js` (pipes, redirections; paths without spaces). */
export function shell(line: string, cwd: string, opts: ChildOptions = {}): Promise<Run> {
  return child('bash', ['-c', line], cwd, { ...opts, env: { ...opts.env, IAMSPEC: `${process.execPath} ${BIN}` } });
}

function child(file: string, args: string[], cwd: string, opts: ChildOptions): Promise<Run> {
  return new Promise((resolve) => {
    const started = performance.now();
    execFile(
      file,
      args,
      { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', ...opts.env }, maxBuffer: 64 << 20, ...(opts.timeoutMs ? { timeout: opts.timeoutMs } : {}) },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr, ms: performance.now() - started, killed: err?.killed === true });
      },
    );
  });
}

/** Runs the jobs two at a time (the machine has two cores shared by everyone). */
export async function batch(jobs: Record<string, [string[], string]>): Promise<Record<string, Run>> {
  const entries = Object.entries(jobs);
  const out: Record<string, Run> = {};
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const [name, [args, cwd]] = entries[next++]!;
      out[name] = await iamspec(args, cwd);
    }
  };
  await Promise.all([worker(), worker()]);
  return out;
}
