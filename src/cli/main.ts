import { Command, CommanderError } from 'commander';
import { NetraError } from '../errors';
import { register as registerGenerate } from './commands/generate';
import { register as registerCorpus } from './commands/corpus';
import { register as registerDocs } from './commands/docs';
import { register as registerRegistry } from './commands/registry';
import { register as registerServe } from './commands/serve';
import { register as registerChat } from './commands/chat';
import { register as registerRecord } from './commands/record';
import { register as registerVerify } from './commands/verify';
import { register as registerReplay } from './commands/replay';
import { register as registerReplayServer } from './commands/replay-server';
import { register as registerLoad } from './commands/load';
import { register as registerChaos } from './commands/chaos';
import { register as registerPipeline } from './commands/pipeline';

/** Builds the `netra-contracts` program. Exported for tests that drive the CLI in-process. */
export function buildProgram(): Command {
  const program = new Command('netra-contracts')
    .description("Netra's agent WebSocket contract: generate, check, serve, record, verify, replay, load.")
    .exitOverride()
    .showHelpAfterError(false);
  for (const register of [
    registerPipeline,
    registerGenerate,
    registerCorpus,
    registerDocs,
    registerRegistry,
    registerServe,
    registerChat,
    registerRecord,
    registerVerify,
    registerReplay,
    registerReplayServer,
    registerLoad,
    registerChaos,
  ]) {
    register(program);
  }
  return program;
}

/** Prints a one-line reason and returns the exit code for anything a command threw. */
export function reportFailure(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander already printed its own one-line message (or help/version, which exit 0).
    return err.exitCode === 0 ? 0 : 2;
  }
  if (err instanceof NetraError) {
    process.stderr.write(`netra-contracts: ${err.code}: ${err.message}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`netra-contracts: INTERNAL_ERROR: ${message.split('\n')[0]}\n`);
  if (process.env.NETRA_DEBUG) process.stderr.write(`${err instanceof Error ? err.stack : ''}\n`);
  return 2;
}

/** CLI entry: parses argv, runs the command, sets the exit code. Never prints a stack trace unless NETRA_DEBUG is set. */
export function main(argv: string[]): void {
  buildProgram()
    .parseAsync(argv)
    .then(
      () => undefined,
      (err: unknown) => {
        process.exitCode = reportFailure(err);
      },
    );
}
