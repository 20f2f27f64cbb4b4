import type { Command } from 'commander';
import { NetraError } from '../../errors';

// Placeholder until the 'verify' capability lands; replaced wholesale by its owner.
export function register(program: Command): void {
  program
    .command('verify')
    .description('(not built yet)')
    .allowUnknownOption(true)
    .action(() => {
      throw new NetraError('NOT_IMPLEMENTED', "'verify' is not built yet");
    });
}
