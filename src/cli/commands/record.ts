import type { Command } from 'commander';
import { NetraError } from '../../errors';

// Placeholder until the 'record' capability lands; replaced wholesale by its owner.
export function register(program: Command): void {
  program
    .command('record')
    .description('(not built yet)')
    .allowUnknownOption(true)
    .action(() => {
      throw new NetraError('NOT_IMPLEMENTED', "'record' is not built yet");
    });
}
