// Where the CLI writes and what it knows about its surroundings; tests pass their own.

export interface Stream {
  write(s: string): unknown;
  isTTY?: boolean;
}

export interface IO {
  stdout: Stream;
  stderr: Stream;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export function processIO(): IO {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}
