// The live/recorded adapter (src/aws/index.ts), imported only when asked: local runs must not load
// the AWS SDK. (The type import below is erased at run time.)

import type { runAgainst } from '../aws/index.ts';
import { requirePackages, SDK_PACKAGES } from './peers.ts';

/**
 * runAgainst of src/aws/index.ts, loaded on first use. Live runs need the AWS SDK, an optional
 * package: a usage error says how to install it. Replaying recordings needs none of it.
 */
export async function loadRunAgainst(mode: 'aws' | 'recorded'): Promise<typeof runAgainst> {
  if (mode === 'aws') requirePackages('--against aws', SDK_PACKAGES);
  return (await import('../aws/index.ts')).runAgainst;
}
