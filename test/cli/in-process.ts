// Running a command through main(argv, io) in-process, with its output captured (no child process).

import { expect } from 'vitest';
import type { IO } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import { STACK, type Run } from './child.ts';

export async function runMain(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const out = { code: 0, stdout: '', stderr: '' };
  const io: IO = {
    stdout: { write: (s: string) => ((out.stdout += s), true) },
    stderr: { write: (s: string) => ((out.stderr += s), true) },
    cwd,
    env,
  };
  out.code = await main(args, io);
  expect(out.stdout + out.stderr, 'no stack trace').not.toMatch(STACK);
  return out;
}
