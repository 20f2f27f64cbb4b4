import type { Command } from 'commander';
import {
  ChaosError,
  parseHostPort,
  parseToxic,
  startFaultProxy,
  type ChaosEvent,
  type ResolvedToxic,
} from '../../chaos';

interface ChaosOptions {
  listen: string;
  upstream: string;
  toxic: string[];
  duration: string;
  seed?: string;
  statsEvery: string;
}

const MAX_DURATION_S = 3600;

function positiveNumber(text: string, option: string, max: number): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || value <= 0 || value > max) {
    throw new ChaosError('BAD_OPTION', `${option} '${text}' must be a number of seconds in (0, ${max}]`);
  }
  return value;
}

function print(line: object): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** `netra-contracts chaos`: runs a fault proxy, one JSON line per event, until --duration or SIGINT/SIGTERM. */
export function register(program: Command): void {
  program
    .command('chaos')
    .description('Run a TCP fault-injection proxy between loopback clients and a loopback upstream')
    .requiredOption('--upstream <host:port>', 'where to forward (loopback only)')
    .option('--listen <host:port>', 'where to listen (loopback only; port 0 = any free port)', '127.0.0.1:0')
    .option(
      '--toxic <spec>',
      "a fault, repeatable: 'latency:ms=100,jitter=20', 'bandwidth:bps=64k', 'reset:rate=0.2', " +
        "'stall:every=5000,duration=1000', 'slicer:size=16,variation=8,delay=1'; keys stream=up|down|both, name=x",
      (spec: string, previous: string[]) => [...previous, spec],
      [] as string[],
    )
    .option('--duration <seconds>', `stop after this long (max ${MAX_DURATION_S})`, '600')
    .option('--seed <n>', 'seed for every random choice (default: random, printed)')
    .option('--stats-every <seconds>', 'interval of the stats line', '5')
    .action(async (options: ChaosOptions) => {
      const listen = parseHostPort(options.listen, 'listen');
      const upstream = parseHostPort(options.upstream, 'upstream');
      const toxics: ResolvedToxic[] = options.toxic.map(parseToxic);
      const durationS = positiveNumber(options.duration, '--duration', MAX_DURATION_S);
      const statsEveryS = positiveNumber(options.statsEvery, '--stats-every', MAX_DURATION_S);
      let seed: number | undefined;
      if (options.seed !== undefined) {
        seed = Number(options.seed);
        if (!/^\d{1,10}$/.test(options.seed) || seed > 0xffffffff) {
          throw new ChaosError('BAD_OPTION', `--seed '${options.seed}' must be an integer in 0..4294967295`);
        }
      }
      // Signal handlers first: a signal that arrives while the proxy starts must still stop it cleanly.
      let stop: (reason: string) => void = () => undefined;
      const stopped = new Promise<string>((resolve) => (stop = resolve));
      const onSigint = () => stop('SIGINT');
      const onSigterm = () => stop('SIGTERM');
      process.once('SIGINT', onSigint);
      process.once('SIGTERM', onSigterm);
      let statsTimer: NodeJS.Timeout | undefined;
      let durationTimer: NodeJS.Timeout | undefined;
      try {
        const proxy = await startFaultProxy({
          listenHost: listen.host,
          listenPort: listen.port,
          upstreamHost: upstream.host,
          upstreamPort: upstream.port,
          toxics,
          seed,
          logger: (event: ChaosEvent) => print(event),
        });
        const startedAt = performance.now();
        const counters = () => {
          const { toxics: _toxics, closed: _closed, ...rest } = proxy.stats();
          return { t: Math.round(performance.now() - startedAt), ...rest };
        };
        print({ event: 'config', seed: proxy.stats().seed, durationS, toxics: proxy.toxics });
        statsTimer = setInterval(() => print({ event: 'stats', ...counters() }), statsEveryS * 1000);
        durationTimer = setTimeout(() => stop('duration'), durationS * 1000);
        const reason = await stopped;
        await proxy.close();
        print({ event: 'stopped', reason, ...counters() });
      } finally {
        clearInterval(statsTimer);
        clearTimeout(durationTimer);
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigterm);
      }
    });
}
