import { projectPath } from '../../util/paths';
import { ChatError } from './errors';

/** The module codegen writes to `generated/client.ts`: the typed client of the channel. */
export type GeneratedClientModule = typeof import('../../../generated/client');

let cached: GeneratedClientModule | undefined;

/**
 * The generated client module, loaded from the repository's `generated/client` at run time (like the generated
 * validators: generated code is not part of the sources). Throws ChatError `CHAT_CLIENT_MISSING` when codegen has
 * not run.
 *
 * @example
 * const { NetraClient } = loadGeneratedClient();
 */
export function loadGeneratedClient(): GeneratedClientModule {
  if (cached) return cached;
  const file = projectPath('generated', 'client');
  try {
    // generated/client.ts is TypeScript: the compiled CLI (dist/) has no hook for it until tsx is registered here.
    if (!('.ts' in require.extensions)) require('tsx/cjs');
    cached = require(file) as GeneratedClientModule;
  } catch (err) {
    const why = (err as Error).message.split('\n')[0];
    throw new ChatError(
      'CHAT_CLIENT_MISSING',
      `cannot load the generated client (${file}): run 'netra-contracts generate' first (${why})`,
      {
        cause: err,
      },
    );
  }
  return cached;
}
