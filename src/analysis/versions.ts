// The two versions `iamspec diff` compares: the working tree, a folder (another checkout), or a
// git ref, whose files `git archive` writes into a temporary directory. Each version's suites are
// loaded from the same paths relative to its root, and paired by those paths.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { loadSuites } from '../scenario/loader.ts';
import { SuiteError, type Suite } from '../scenario/model.ts';
import { UsageError } from '../scenario/runner.ts';

export interface Version {
  /** How the version is named in reports: the ref or folder as given, or `working tree`. */
  label: string;
  /** The directory suite paths are relative to. */
  root: string;
  /** Removes what was written for the version (a git ref's temporary copy). */
  close(): void;
}

/**
 * Opens a version: undefined is the working tree (`cwd`); an existing directory is used as it
 * is; anything else must be a git commit-ish of the repository around `cwd`.
 */
export function openVersion(spec: string | undefined, cwd: string): Version {
  if (spec === undefined) return { label: 'working tree', root: cwd, close: () => {} };
  const dir = resolve(cwd, spec);
  if (existsSync(dir) && statSync(dir).isDirectory()) return { label: spec, root: dir, close: () => {} };
  const git = (...args: string[]) => spawnSync('git', args, { cwd, encoding: 'buffer', maxBuffer: 1 << 30 });
  const commit = git('rev-parse', '--verify', '--quiet', `${spec}^{commit}`);
  if (commit.error) throw new UsageError(`${spec} is not a folder, and git is not available to read it as a ref (${commit.error.message})`);
  if (commit.status !== 0) throw new UsageError(`${spec} is neither a folder nor a git commit, branch or tag of the repository at ${cwd}`);
  const sha = commit.stdout.toString().trim();
  const prefix = git('rev-parse', '--show-prefix').stdout.toString().trim();
  const tmp = mkdtempSync(join(tmpdir(), 'iamspec-diff-'));
  const close = () => rmSync(tmp, { recursive: true, force: true });
  try {
    const archive = git('archive', '--format=tar', sha);
    if (archive.status !== 0) throw new UsageError(`git archive ${spec} failed: ${archive.stderr.toString().trim()}`);
    const tar = spawnSync('tar', ['-x', '-C', tmp], { input: archive.stdout });
    if (tar.status !== 0) throw new UsageError(`could not unpack ${spec} with tar: ${tar.error?.message ?? tar.stderr.toString().trim()}`);
  } catch (e) {
    close();
    throw e;
  }
  return { label: `${spec} (${sha.slice(0, 12)})`, root: join(tmp, prefix), close };
}

/** A version's suites under the paths (relative to its root), keyed by suite file relative to the root; a path the version lacks holds none. */
export function versionSuites(v: Version, paths: readonly string[]): Map<string, Suite> {
  const present = paths.filter((p) => existsSync(resolve(v.root, p)));
  const out = new Map<string, Suite>();
  if (present.length === 0) return out;
  let suites: Suite[];
  try {
    suites = loadSuites(present, { cwd: v.root });
  } catch (e) {
    if (e instanceof SuiteError) throw new SuiteError(`${v.label}: ${e.message}`, e.where, e.details);
    throw e;
  }
  for (const s of suites) out.set(relative(v.root, s.file).split('\\').join('/'), s);
  return out;
}
