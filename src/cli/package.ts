// The iamspec package itself: its directory (the init templates, the JSON Schema) and its
// package.json (version, optional peers). The same code runs from src/cli/ (this repository,
// through tsx or the esbuild bundle in node_modules/.cache) and from dist/src/cli/ (the installed
// package), at different depths: the root is the nearest directory above with iamspec's
// package.json.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PackageJson {
  name: string;
  version: string;
  peerDependencies?: Record<string, string>;
  /** The versions iamspec is tested with (the published package.json keeps them). */
  devDependencies?: Record<string, string>;
}

let found: { root: string; json: PackageJson } | undefined;

function find(): { root: string; json: PackageJson } {
  if (found) return found;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const json = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
      if (json.name === 'iamspec') return (found = { root: dir, json });
    }
    if (dirname(dir) === dir) throw new Error(`iamspec's package.json not found above ${fileURLToPath(import.meta.url)}`);
  }
}

/** The directory holding iamspec's package.json. */
export function packageRoot(): string {
  return find().root;
}

export function packageJson(): PackageJson {
  return find().json;
}
