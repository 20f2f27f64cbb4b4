import type { Command } from 'commander';
import { NetraError } from '../../errors';

// Placeholder until the 'replay-server' capability lands; replaced wholesale by its owner.
export function register(program: Command): void {
  program
    .command('replay-server')
    .description('(not built yet)')
    .allowUnknownOption(true)
    .action(() => {
      throw new NetraError('NOT_IMPLEMENTED', "'replay-server' is not built yet");
    });
}
