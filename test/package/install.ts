// A user's project for the packed-install test: package.json and a package-lock.json that pins
// every package to the version and integrity of this repository's lock, so `npm install --offline`
// takes exactly the tarballs `npm ci` put in the local npm cache (without a lock npm would need the
// registry's package documents to resolve versions, which `npm ci` does not fetch).

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  inBundle?: boolean;
  [k: string]: unknown;
}

interface RepoPackage {
  name: string;
  version: string;
  license: string;
  bin: Record<string, string>;
  engines: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, unknown>;
}

export const repoPackage = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as RepoPackage;
const repoLock = (JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> }).packages;

/** The lock path `name` resolves to from the package at lock path `from` ('' = the root), as Node resolves it. */
function resolveIn(from: string, name: string): string | undefined {
  for (let dir = from; ; ) {
    const path = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (repoLock[path]) return path;
    if (!dir) return undefined;
    const i = dir.lastIndexOf('/node_modules/');
    dir = i < 0 ? '' : dir.slice(0, i);
  }
}

/** The repository lock's entries the packages `names` need (dependencies, required peers, bundled). */
function lockClosure(names: readonly string[]): Record<string, LockEntry> {
  const out: Record<string, LockEntry> = {};
  const queue = names.map((n) => {
    const path = resolveIn('', n);
    if (!path) throw new Error(`${n} is not in package-lock.json`);
    return path;
  });
  while (queue.length) {
    const path = queue.pop()!;
    if (out[path]) continue;
    const e = repoLock[path]!;
    out[path] = e;
    const deps = { ...e.dependencies, ...e.optionalDependencies, ...e.peerDependencies };
    for (const d of Object.keys(deps)) {
      if (e.peerDependenciesMeta?.[d]?.optional) continue;
      const r = resolveIn(path, d);
      if (r) queue.push(r);
    }
    for (const p of Object.keys(repoLock)) if (p.startsWith(`${path}/node_modules/`) && repoLock[p]!.inBundle) queue.push(p);
  }
  return out;
}

/**
 * Writes the project's package.json and package-lock.json: iamspec from `tarball` (copied into the
 * project) and `extra` packages at the versions this repository tests with, all devDependencies
 * (`npm install --save-dev`, as the README says).
 */
export function writeProject(dir: string, tarball: string, extra: readonly string[] = []): void {
  const file = `file:${basename(tarball)}`;
  writeFileSync(join(dir, basename(tarball)), readFileSync(tarball));
  const devDependencies: Record<string, string> = { iamspec: file };
  for (const name of extra) devDependencies[name] = repoPackage.devDependencies[name]!;
  const p = repoPackage;
  const packages: Record<string, unknown> = {
    '': { name: 'policies', devDependencies },
    'node_modules/iamspec': {
      version: p.version,
      resolved: file,
      integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
      dev: true,
      license: p.license,
      dependencies: p.dependencies,
      bin: p.bin,
      engines: p.engines,
      peerDependencies: p.peerDependencies,
      peerDependenciesMeta: p.peerDependenciesMeta,
    },
  };
  const closure = lockClosure([...Object.keys(p.dependencies), ...extra]);
  for (const path of Object.keys(closure).sort()) {
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...entry } = closure[path]!;
    packages[path] = { ...entry, dev: true };
  }
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'policies', private: true, devDependencies }, null, 2)}\n`);
  writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify({ name: 'policies', lockfileVersion: 3, requires: true, packages }, null, 2)}\n`);
}

/** The environment for npm and the CLI in the project: npm's own settings from `npm test` would point at this repository. */
export function projectEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(npm_config_local_prefix|npm_package_.*|npm_lifecycle_.*|npm_command|INIT_CWD|VITEST.*|NODE_OPTIONS|CDKTF_OUTDIR|IAMSPEC_.*|FORCE_COLOR)$/i.test(k)) env[k] = v;
  }
  return { ...env, NO_COLOR: '1', npm_config_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(file: string, args: string[], cwd: string, timeout = 240_000): Promise<Result> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env: projectEnv(), maxBuffer: 64 << 20, timeout }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

/** What `du` counts: allocated blocks of every file and directory under dir (links not followed). */
export function diskUsage(dir: string): { disk: number; apparent: number } {
  let disk = 0;
  let apparent = 0;
  const walk = (p: string) => {
    const st = lstatSync(p);
    disk += st.blocks * 512;
    if (st.isFile()) apparent += st.size;
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(join(p, e));
  };
  walk(dir);
  return { disk, apparent };
}

/** The package npm could not find in the offline cache, from its ENOTCACHED error. */
export function notCached(npmOutput: string): string | undefined {
  if (!/ENOTCACHED/.test(npmOutput)) return undefined;
  const m = /request to (\S+) failed/.exec(npmOutput);
  return m ? decodeURIComponent(m[1]!.replace(/^https?:\/\/[^/]+\//, '')) : 'a package (npm said ENOTCACHED)';
}
