import type { Command } from 'commander';
import { NetraError } from '../../errors';

// Placeholder until the 'chat' capability lands; replaced wholesale by its owner.
export function register(program: Command): void {
  program
    .command('chat')
    .description('(not built yet)')
    .allowUnknownOption(true)
    .action(() => {
      throw new NetraError('NOT_IMPLEMENTED', "'chat' is not built yet");
    });
}
