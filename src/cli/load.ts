// The CLI's access to the suite loader (src/scenario/loader.ts) and the live/recorded adapter
// (src/aws/index.ts). The adapter is imported lazily: local runs must not load the AWS SDK.

import { loadSuites as load } from '../scenario/loader.ts';
import type { Suite } from '../scenario/model.ts';
import type { Report } from '../scenario/report.ts';

/** loadSuites(paths, {cwd}); throws SuiteError with file:line:column. */
export async function loadSuites(paths: string[], cwd: string): Promise<Suite[]> {
  return load(paths, { cwd });
}

export type AgainstMode = 'aws' | 'recorded';

export interface AgainstOptions {
  record: boolean;
  cwd: string;
  onProgress?: (done: number, total: number) => void;
}

type RunAgainst = (mode: AgainstMode, suites: Suite[], opts: AgainstOptions) => Promise<Report>;

/** runAgainst of src/aws/index.ts, imported only when asked: local runs must not load the AWS SDK. */
export async function loadRunAgainst(): Promise<RunAgainst> {
  return (await import('../aws/index.ts')).runAgainst as RunAgainst;
}
