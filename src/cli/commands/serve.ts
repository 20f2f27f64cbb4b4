import type { Command } from 'commander';
import { NetraError } from '../../errors';

// Placeholder until the 'serve' capability lands; replaced wholesale by its owner.
export function register(program: Command): void {
  program
    .command('serve')
    .description('(not built yet)')
    .allowUnknownOption(true)
    .action(() => {
      throw new NetraError('NOT_IMPLEMENTED', "'serve' is not built yet");
    });
}
