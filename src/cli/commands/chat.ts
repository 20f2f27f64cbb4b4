import { InvalidArgumentError, type Command } from 'commander';
import { NetraError } from '../../util/errors';
import { createPalette, formatFrame, runChat } from '../../verify/chat';
import { resolveTarget } from '../../verify/targets';
import type { Target } from '../../verify/targets/types';

interface ChatFlags {
  url: string;
  authUrl?: string;
  target?: string;
  targets?: string;
  user: string;
  token?: string;
  agent?: string;
  json?: boolean;
  timeoutS: number;
}

const seconds = (raw: string): number => {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 3600)
    throw new InvalidArgumentError('--timeout-s must be a number from 0 to 3600');
  return value;
};

export function register(program: Command): void {
  program
    .command('chat')
    .description('Ask the agent something over the WebSocket and watch every event arrive (for newcomers).')
    .argument('<message...>', 'what to ask, e.g. "Where can I cut our LLM spend?"')
    .option('--url <ws-url>', 'WebSocket URL', 'ws://127.0.0.1:8000/ws')
    .option('--auth-url <http-url>', 'auth service URL (default: same host as --url, port 8001)')
    .option('--target <name>', 'a target of the targets file instead of --url (its URL, headers and tokens)')
    .option('--targets <file>', 'targets file (default netra-contracts.targets.yaml)')
    .option('--user <name>', 'user to get a development token for', process.env.USER || 'newcomer')
    .option('--token <jwt>', 'use this access token instead of a development token')
    .option('--agent <name>', 'agent to ask (default: the server chooses)')
    .option('--json', 'print the raw frames, one per line')
    .option('--timeout-s <s>', 'give up after this long', seconds, 60)
    .action(async (words: string[], flags: ChatFlags) => {
      const message = words.join(' ').trim();
      if (message === '') throw new NetraError('USAGE', 'the message is empty');
      const named = flags.target !== undefined || flags.targets !== undefined;
      // With --token nothing else is needed (any URL); otherwise the target gives the tokens (a dev auth service
      // for the --url shorthand, loopback only).
      let target: Target | undefined;
      if (named) target = await resolveTarget({ target: flags.target, targets: flags.targets });
      else if (flags.token === undefined) target = await resolveTarget({ url: flags.url, authUrl: flags.authUrl });
      const url = target?.url ?? flags.url;
      const tokens = flags.token === undefined ? target?.auth : undefined;
      const palette = createPalette(process.stdout.isTTY === true && !process.env.NO_COLOR);
      if (!flags.json)
        process.stdout.write(`${palette.dim(`${url} · user ${flags.user}`)}\n${palette.bold('> ')}${message}\n`);
      const outcome = await runChat({
        url,
        ...(tokens !== undefined ? { tokens } : {}),
        ...(target !== undefined ? { headers: target.headers } : {}),
        user: flags.user,
        message,
        timeoutMs: flags.timeoutS * 1000,
        ...(flags.token !== undefined ? { token: flags.token } : {}),
        ...(flags.agent !== undefined ? { agentName: flags.agent } : {}),
        onFrame: (frame) => {
          if (flags.json) {
            process.stdout.write(`${frame.raw}\n`);
            for (const problem of frame.problems) {
              process.stderr.write(
                `netra-contracts chat: frame not valid per asyncapi.yaml: ${problem.pointer || '/'} ${problem.message}\n`,
              );
            }
            return;
          }
          for (const line of formatFrame(frame, palette)) process.stdout.write(`${line}\n`);
        },
      });
      if (outcome.invalidFrames > 0 && !flags.json) {
        process.stdout.write(`${palette.red(`${outcome.invalidFrames} frame(s) did not match asyncapi.yaml`)}\n`);
      }
      if (outcome.status === 'error' || outcome.status === 'cancelled') process.exitCode = 1;
    });
}
