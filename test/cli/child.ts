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
}

/** A stack-trace line. */
export const STACK = /^\s+at /m;

export function iamspec(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', ...env }, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
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
