import type { Command } from 'commander';
import { NetraError } from '../../errors';

// Placeholder until the 'registry' capability lands; replaced wholesale by its owner.
export function register(program: Command): void {
  program
    .command('registry')
    .description('(not built yet)')
    .allowUnknownOption(true)
    .action(() => {
      throw new NetraError('NOT_IMPLEMENTED', "'registry' is not built yet");
    });
}
