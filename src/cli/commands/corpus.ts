import type { Command } from 'commander';
import { NetraError } from '../../errors';

// Placeholder until the 'corpus' capability lands; replaced wholesale by its owner.
export function register(program: Command): void {
  program
    .command('corpus')
    .description('(not built yet)')
    .allowUnknownOption(true)
    .action(() => {
      throw new NetraError('NOT_IMPLEMENTED', "'corpus' is not built yet");
    });
}
