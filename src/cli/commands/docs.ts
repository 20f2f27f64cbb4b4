import type { Command } from 'commander';
import { NetraError } from '../../errors';

// Placeholder until the 'docs' capability lands; replaced wholesale by its owner.
export function register(program: Command): void {
  program
    .command('docs')
    .description('(not built yet)')
    .allowUnknownOption(true)
    .action(() => {
      throw new NetraError('NOT_IMPLEMENTED', "'docs' is not built yet");
    });
}
