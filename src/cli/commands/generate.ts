import type { Command } from 'commander';
import { NetraError } from '../../errors';

// Placeholder until the 'generate' capability lands; replaced wholesale by its owner.
export function register(program: Command): void {
  program
    .command('generate')
    .description('(not built yet)')
    .allowUnknownOption(true)
    .action(() => {
      throw new NetraError('NOT_IMPLEMENTED', "'generate' is not built yet");
    });
}
