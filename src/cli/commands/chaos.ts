import type { Command } from 'commander';
import { NetraError } from '../../errors';

// Placeholder until the 'chaos' capability lands; replaced wholesale by its owner.
export function register(program: Command): void {
  program
    .command('chaos')
    .description('(not built yet)')
    .allowUnknownOption(true)
    .action(() => {
      throw new NetraError('NOT_IMPLEMENTED', "'chaos' is not built yet");
    });
}
