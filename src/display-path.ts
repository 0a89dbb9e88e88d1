// Shared by the loader, reporters, the simulator adapter, the CLI and the stack: one way to show a path.
import { isAbsolute, relative, sep } from 'node:path';

/**
 * Paths in results and messages: relative to cwd (`.` for cwd itself), with forward slashes. A
 * relative path is kept as it is (the loader's SourceRefs are already relative to its cwd).
 */
export function displayPath(file: string, cwd: string): string {
  const shown = isAbsolute(file) ? relative(cwd, file) || '.' : file;
  return sep === '/' ? shown : shown.split(sep).join('/');
}
