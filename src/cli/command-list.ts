// Every command of `netra-contracts`, in the order `--help` lists them: its module under ./commands, and the line the
// top-level help prints for it. The top-level help is built from this table alone, so `netra-contracts --help` loads
// none of the command modules (each pulls in its own layer: the parser, ajv, ws, jose...). A unit test checks that
// these lines are exactly what the command modules themselves declare.

export interface CommandEntry {
  /** The command's name, and its module under ./commands. */
  name: string;
  /** The usage after the name, as commander prints it in the command list. */
  usage: string;
  description: string;
}

export const COMMAND_LIST: readonly CommandEntry[] = [
  {
    name: 'pipeline',
    usage: '[options]',
    description: 'The main job: generate+check, registry, target, record+verify, replay, load, docs.',
  },
  {
    name: 'generate',
    usage: '[options]',
    description: 'Generate JSON Schemas, TypeScript types, ajv standalone validators and the docs site from the spec.',
  },
  {
    name: 'corpus',
    usage: '[options]',
    description: 'Run parse, generate, tsc and example validation over every root document of an AsyncAPI corpus.',
  },
  {
    name: 'docs',
    usage: '[options]',
    description: 'Write the static docs site (one offline index.html + JSON Schema downloads) from the contract.',
  },
  {
    name: 'registry',
    usage: '',
    description: 'Schema registry: every published version of every message, and a gate against breaking changes.',
  },
  {
    name: 'serve',
    usage: '[options]',
    description: 'Start the auth service and the reference WebSocket provider (ws://HOST:PORT/ws); SIGTERM drains.',
  },
  {
    name: 'chat',
    usage: '[options] <message...>',
    description: 'Ask the agent something over the WebSocket and watch every event arrive (for newcomers).',
  },
  {
    name: 'record',
    usage: '[options]',
    description: 'Run scenarios (contracts/scenarios) against a live provider and write the recorded sessions.',
  },
  {
    name: 'verify',
    usage: '[options] <files...>',
    description: 'Check recorded sessions against the message schemas and the behavioural rules (contracts/rules).',
  },
  {
    name: 'replay',
    usage: '[options] <files...>',
    description:
      "Replay recorded sessions' client side against a live provider; the live traffic must keep every rule and match the recording in what the contract fixes.",
  },
  {
    name: 'replay-server',
    usage: '[options] <files...>',
    description:
      'Serve recorded sessions over a real WebSocket to test a consumer (frontend, SDK) against real traffic.',
  },
  {
    name: 'conformance',
    usage: '[options]',
    description:
      'Run the scenario catalogue (by tier) against a provider: each scenario recorded live and verified against the schemas and every rule.',
  },
  {
    name: 'load',
    usage: '[options]',
    description:
      'Load a provider with virtual users (own tokens, request mix, drops + resume), check every frame live, report and apply thresholds.',
  },
  {
    name: 'chaos',
    usage: '[options]',
    description: 'Run a TCP fault-injection proxy between loopback clients and a loopback upstream',
  },
];
