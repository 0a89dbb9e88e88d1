// The live/recorded adapter (src/aws/index.ts), imported only when asked: local runs must not load
// the AWS SDK. (The type import below is erased at run time.)

import type { runAgainst } from '../aws/index.ts';

/** runAgainst of src/aws/index.ts, loaded on first use. */
export async function loadRunAgainst(): Promise<typeof runAgainst> {
  return (await import('../aws/index.ts')).runAgainst;
}
