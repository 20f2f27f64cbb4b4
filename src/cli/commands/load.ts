import type { Command } from 'commander';
import { NetraError } from '../../errors';

// Placeholder until the 'load' capability lands; replaced wholesale by its owner.
export function register(program: Command): void {
  program
    .command('load')
    .description('(not built yet)')
    .allowUnknownOption(true)
    .action(() => {
      throw new NetraError('NOT_IMPLEMENTED', "'load' is not built yet");
    });
}
