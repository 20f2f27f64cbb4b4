import { Command, CommanderError } from 'commander';
import { configureSpecLoading, warmSpecLoader } from '../asyncapi';
import { NetraError } from '../util/errors';
import { COMMAND_LIST } from './command-list';
type Register = (program: Command) => void;

/** Commands that read AsyncAPI documents; each takes `--allow-ref-outside`. */
const READS_DOCUMENTS = [
  'generate',
  'docs',
  'corpus',
  'pipeline',
  'registry check',
  'registry register',
  'registry diff',
  'registry corpus-diff',
];

/** Adds the document-loading flags to every command that reads documents, and applies them before it runs. */
function addDocumentFlags(command: Command, prefix = ''): void {
  for (const sub of command.commands) {
    const name = `${prefix}${sub.name()}`;
    if (READS_DOCUMENTS.includes(name)) {
      sub
        .option('--allow-ref-outside', "resolve relative $refs that leave the document's folder (monorepos)", false)
        .hook('preAction', (_command, action) => {
          configureSpecLoading({ allowRefOutside: action.opts().allowRefOutside === true });
        });
    }
    addDocumentFlags(sub, `${name} `);
  }
}

function loadRegister(module: string): Register {
  // Loaded on demand: each command pulls in its own capability (parser, ajv, ws, jose...), and loading all of them
  // costs most of a second before any work starts.

  return (require(`./commands/${module}`) as { register: Register }).register;
}

const ROOT_HELP = new Set([undefined, '-h', '--help']);

/**
 * The top-level help (no command, `-h`, `--help`) from the command table alone: one line per command, the same lines
 * the command modules declare, without loading any of them.
 */
function addCommandSummaries(program: Command): void {
  const usage = new Map(COMMAND_LIST.map((c) => [c.name, c.usage]));
  for (const entry of COMMAND_LIST) program.command(entry.name).description(entry.description);
  program.configureHelp({
    subcommandTerm: (cmd) => {
      const term = usage.get(cmd.name());
      if (term === undefined) return `${cmd.name()} [command]`; // commander's own `help [command]`
      return term === '' ? cmd.name() : `${cmd.name()} ${term}`;
    },
  });
}

/** Builds the `netra-contracts` program. Exported for tests that drive the CLI in-process. */
export function buildProgram(argv?: string[]): Command {
  const program = new Command('netra-contracts')
    .description("Netra's agent WebSocket contract: generate, check, serve, record, verify, replay, conformance, load.")
    .exitOverride()
    .showHelpAfterError(false);
  const name = argv?.[2];
  if (argv !== undefined && ROOT_HELP.has(name)) {
    addCommandSummaries(program);
    return program;
  }
  // Only the command being run is loaded; `help` and unknown commands load all of them (to list or suggest them).
  // A command that reads a document starts building the AsyncAPI parser (in the loader's thread) before its own
  // modules load; other commands never build it.
  const full = name === 'registry' ? `registry ${argv?.[3]}` : name;
  if (full !== undefined && READS_DOCUMENTS.includes(full)) warmSpecLoader();
  const known = COMMAND_LIST.find((c) => c.name === name);
  for (const entry of known ? [known] : COMMAND_LIST) loadRegister(entry.name)(program);
  addDocumentFlags(program);
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
  buildProgram(argv)
    .parseAsync(argv)
    .then(
      () => undefined,
      (err: unknown) => {
        process.exitCode = reportFailure(err);
      },
    );
}
