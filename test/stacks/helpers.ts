// Shared by the stack tests: temp directories and tool discovery with skip messages that name what
// is missing (a skipped suite is reported, never a silent pass).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findMotoServer } from '../../stacks/moto.ts';
import { findPluginDir, findTerraform } from '../../stacks/terraform.ts';

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `iamspec-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Tools {
  terraform?: string;
  moto?: string;
  pluginDir?: string;
}

export function tools(): Tools {
  let pluginDir: string | undefined;
  try {
    pluginDir = findPluginDir();
  } catch {
    pluginDir = undefined;
  }
  const t: Tools = {};
  const tf = findTerraform();
  if (tf) t.terraform = tf;
  const moto = findMotoServer();
  if (moto) t.moto = moto;
  if (pluginDir) t.pluginDir = pluginDir;
  return t;
}

/** Names what is missing and says so on the console; returns true when something is. */
export function missing(what: string, needs: Record<string, unknown>): boolean {
  const absent = Object.entries(needs)
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (absent.length) {
    console.warn(`[iamspec stack tests] SKIPPED ${what}: missing ${absent.join(', ')}`);
    return true;
  }
  return false;
}
