import type { Command } from 'commander';
import { NetraError } from '../../errors';

// Placeholder until the 'pipeline' capability lands; replaced wholesale by its owner.
export function register(program: Command): void {
  program
    .command('pipeline')
    .description('(not built yet)')
    .allowUnknownOption(true)
    .action(() => {
      throw new NetraError('NOT_IMPLEMENTED', "'pipeline' is not built yet");
    });
}
