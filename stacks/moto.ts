// Starts and stops a local moto_server (a real AWS API emulator) on a free loopback port, for
// `npm run deploy:local` and the stack's end-to-end test. The server runs in its own process
// group and is stopped by its process id (SIGTERM, then SIGKILL after a grace period); an exit
// hook kills it too, so a crashed test or script leaves no orphan behind.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';

export interface MotoServer {
  /** e.g. http://127.0.0.1:50123 */
  endpoint: string;
  host: string;
  port: number;
  pid: number;
  /** Everything the server printed so far (for error messages). */
  output(): string;
  /** Stops the server (idempotent) and resolves once the process has exited. */
  stop(): Promise<void>;
}

export interface MotoOptions {
  /** The moto_server executable; default: findMotoServer(). */
  bin?: string;
  /** Loopback only by default. */
  host?: string;
  /** Default: a free port chosen by the OS. */
  port?: number;
  /** How long to wait for the server to answer HTTP; default 30 s (first start compiles .pyc files). */
  readyTimeoutMs?: number;
  /**
   * Make GetPolicyVersion return the document URL-encoded, as AWS does (RFC 3986). moto 5.2 encodes
   * inline and trust policy documents (GetGroupPolicy, GetRole …) but returns managed policy
   * versions as stored, so the AWS provider — which URL-decodes what GetPolicyVersion returns —
   * fails on a lone `%` ("invalid URL escape"), turns `%41` into `A` and `+` into a space. With
   * this option moto runs through python with that one response transformer added (see
   * MOTO_AWS_ENCODING_PATCH); test/stacks/e2e.test.ts shows the stock behaviour as well.
   */
  awsPolicyDocumentEncoding?: boolean;
  /** The python that has moto installed (for awsPolicyDocumentEncoding); default findMotoPython(). */
  python?: string;
  /** Preload AWS managed policies (arn:aws:iam::aws:policy/…), as a real account has. Default true. */
  awsManagedPolicies?: boolean;
}

/** The patch: moto's own url_encode transformer, applied to GetPolicyVersion's Document. */
export const MOTO_AWS_ENCODING_PATCH = [
  'import sys',
  'from moto.core.serialize import url_encode',
  'from moto.iam.responses import IamResponse',
  'IamResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER["GetPolicyVersionResponse.PolicyVersion.Document"] = url_encode',
  'from moto.server import main',
  'main(sys.argv[1:])',
].join('\n');

/** A python with moto: $MOTO_PYTHON, else python3 beside moto_server (pyenv shims), else on $PATH. */
export function findMotoPython(): string | undefined {
  const env = process.env.MOTO_PYTHON;
  if (env) return existsSync(env) ? env : undefined;
  const server = findMotoServer();
  if (server) {
    const beside = join(dirname(server), 'python3');
    if (existsSync(beside)) return beside;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, 'python3'))) return join(dir, 'python3');
  }
  return undefined;
}

/** Well-known places for moto_server besides $MOTO_SERVER and $PATH. */
const MOTO_CANDIDATES = [
  '/root/.pyenv/shims/moto_server',
  '/usr/local/bin/moto_server',
  '/usr/bin/moto_server',
  join(process.env.HOME ?? '/root', '.local/bin/moto_server'),
];

/** The moto_server executable: $MOTO_SERVER, then $PATH, then a few well-known places. */
export function findMotoServer(): string | undefined {
  const env = process.env.MOTO_SERVER;
  if (env) return existsSync(env) ? env : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, 'moto_server');
    if (existsSync(p)) return p;
  }
  return MOTO_CANDIDATES.find((p) => existsSync(p));
}

/** A TCP port that was free a moment ago on `host`. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the whole process group (shim + python)
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of running) killGroup(c, 'SIGKILL');
  });
}

/** Starts moto_server and waits until it answers HTTP. Retries on a port race. */
export async function startMoto(opts: MotoOptions = {}): Promise<MotoServer> {
  let command: string[];
  if (opts.awsPolicyDocumentEncoding) {
    const py = opts.python ?? findMotoPython();
    if (!py) throw new Error('no python with moto found (set MOTO_PYTHON)');
    command = [py, '-c', MOTO_AWS_ENCODING_PATCH];
  } else {
    const bin = opts.bin ?? findMotoServer();
    if (!bin) throw new Error('moto_server not found (set MOTO_SERVER or put it on PATH; `pip install "moto[server]"`)');
    command = [bin];
  }
  const host = opts.host ?? '127.0.0.1';
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = opts.port ?? (await freePort(host));
    try {
      return await startOnce(command, host, port, opts.readyTimeoutMs ?? 30_000, opts.awsManagedPolicies !== false);
    } catch (e) {
      lastError = e;
      if (opts.port !== undefined) break;
    }
  }
  throw lastError;
}

async function startOnce(command: string[], host: string, port: number, timeoutMs: number, managed: boolean): Promise<MotoServer> {
  installExitHook();
  const child = spawn(command[0]!, [...command.slice(1), '-H', host, '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group, so stop() reaches python behind the pyenv shim
    env: { ...process.env, PYTHONUNBUFFERED: '1', MOTO_IAM_LOAD_MANAGED_POLICIES: managed ? 'true' : 'false' },
  });
  running.add(child);
  let out = '';
  const keep = (b: Buffer) => {
    out += b.toString('utf8');
    if (out.length > 20_000) out = out.slice(-10_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      running.delete(child);
      resolve();
    });
    child.once('error', (e) => {
      out += `\nspawn error: ${e.message}`;
      running.delete(child);
      resolve();
    });
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (!stopped) {
      stopped = true;
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3_000);
      void exited.then(() => clearTimeout(timer));
    }
    await exited;
  };
  const endpoint = `http://${host}:${port}`;
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  void exited.then(() => (dead = true));
  while (Date.now() < deadline) {
    if (dead) break;
    try {
      const res = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      return { endpoint, host, port, pid: child.pid ?? -1, output: () => out, stop };
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  await stop();
  throw new Error(`moto_server did not become ready on ${endpoint} within ${timeoutMs} ms${dead ? ' (it exited)' : ''}:\n${out.trim()}`);
}
