import { InvalidArgumentError, type Command } from 'commander';
import { NetraError } from '../../util/errors';
import { createPalette, formatFrame, runChat } from '../../verify/chat';
import { DEFAULT_CLOCK_LEEWAY_S, devTokenSource } from '../../verify/dev-target';

interface ChatFlags {
  url: string;
  authUrl?: string;
  user: string;
  token?: string;
  agent?: string;
  json?: boolean;
  timeoutS: number;
}

/** Same host as the WebSocket URL, port 8001 (where `serve` puts the auth service by default). */
function defaultAuthUrl(wsUrl: string): string {
  let url: URL;
  try {
    url = new URL(wsUrl);
  } catch {
    throw new NetraError('USAGE', `--url is not a URL: ${wsUrl}`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
    throw new NetraError('USAGE', `--url must be ws:// or wss://, got ${url.protocol}`);
  const host = url.hostname.includes(':') ? `[${url.hostname}]` : url.hostname;
  return `${url.protocol === 'wss:' ? 'https' : 'http'}://${host}:8001`;
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
    .option('--user <name>', 'user to get a development token for', process.env.USER || 'newcomer')
    .option('--token <jwt>', 'use this access token instead of a development token')
    .option('--agent <name>', 'agent to ask (default: the server chooses)')
    .option('--json', 'print the raw frames, one per line')
    .option('--timeout-s <s>', 'give up after this long', seconds, 60)
    .action(async (words: string[], flags: ChatFlags) => {
      const message = words.join(' ').trim();
      if (message === '') throw new NetraError('USAGE', 'the message is empty');
      const authUrl = flags.authUrl ?? defaultAuthUrl(flags.url);
      const tokens =
        flags.token === undefined ? devTokenSource(authUrl, { clockLeewayS: DEFAULT_CLOCK_LEEWAY_S }) : undefined;
      const palette = createPalette(process.stdout.isTTY === true && !process.env.NO_COLOR);
      if (!flags.json)
        process.stdout.write(`${palette.dim(`${flags.url} · user ${flags.user}`)}\n${palette.bold('> ')}${message}\n`);
      const outcome = await runChat({
        url: flags.url,
        ...(tokens !== undefined ? { tokens } : {}),
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
