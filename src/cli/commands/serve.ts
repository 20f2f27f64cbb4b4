import { InvalidArgumentError, type Command } from 'commander';
import { isLoopback, readSigningKeyFile } from '../../auth';
import { number } from '../options';
import { joinCluster, type ClusterSeams } from '../../provider/cluster';
import { loadProtocol } from '../../protocol';
import {
  createJsonLogger,
  DEFAULT_LATENCY,
  FSYNC_POLICIES,
  isLogLevel,
  startStack,
  type Logger,
  type LogFields,
  type LogLevel,
  type FsyncPolicy,
  type Stack,
} from '../../provider';

interface ServeFlags {
  port: number;
  authPort: number;
  host: string;
  thinkMs: number;
  toolMs: number;
  jitter: number;
  devTokens: boolean;
  devTokensAnyInterface: boolean;
  retentionS: number;
  graceS: number;
  eventLog?: string;
  eventLogFsync: FsyncPolicy;
  logLevel: LogLevel;
  maxRunsPerUser: number;
  maxConnectionsPerUser: number;
  maxFanoutBytesPerUser: number;
  heartbeatMs?: number;
  signingKeyFile?: string;
  redis?: string;
  nodeId?: string;
  redisPrefix: string;
  nodeTtlMs: number;
  validateOutgoing: boolean;
}

// The defaults of the per-user limits are the contract's (asyncapi.yaml x-netra-limits).
const LIMITS = loadProtocol().limits;

const fsyncPolicy = (raw: string): FsyncPolicy => {
  if (!(FSYNC_POLICIES as readonly string[]).includes(raw)) {
    throw new InvalidArgumentError(`--event-log-fsync must be one of ${FSYNC_POLICIES.join(', ')}`);
  }
  return raw as FsyncPolicy;
};

const level = (raw: string): LogLevel => {
  if (!isLogLevel(raw)) throw new InvalidArgumentError('log level must be debug, info, warn or error');
  return raw;
};

/**
 * Holds log lines until `release()`, so that the first JSON line `serve` prints is its own `listening` line with
 * the real ports (tests and scripts started with `--port 0` read it).
 */
function heldLogger(target: Logger): Logger & { release(): void } {
  let held: [keyof Logger, string, LogFields | undefined][] | undefined = [];
  const at =
    (method: keyof Logger) =>
    (msg: string, fields?: LogFields): void => {
      if (held !== undefined) held.push([method, msg, fields]);
      else target[method](msg, fields);
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    release() {
      const lines = held ?? [];
      held = undefined;
      for (const [method, msg, fields] of lines) target[method](msg, fields);
    },
  };
}

/** The `serve` flags, with their parsers and defaults. */
function serveCommand(program: Command): Command {
  return program
    .command('serve')
    .description('Start the auth service and the reference WebSocket provider (ws://HOST:PORT/ws); SIGTERM drains.')
    .option('--port <n>', 'WebSocket port (0: any free port)', number('--port', 0, 65535, true), 8000)
    .option('--auth-port <n>', 'auth service port (0: any free port)', number('--auth-port', 0, 65535, true), 8001)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option(
      '--think-ms <ms>',
      'mean simulated model latency before each agent_thinking',
      number('--think-ms', 0, 600_000),
      DEFAULT_LATENCY.thinkMs,
    )
    .option('--tool-ms <ms>', 'mean simulated tool latency', number('--tool-ms', 0, 600_000), DEFAULT_LATENCY.toolMs)
    .option('--jitter <0..1>', 'relative jitter of both latencies', number('--jitter', 0, 1), DEFAULT_LATENCY.jitter)
    .option('--no-dev-tokens', 'refuse POST /auth/token (development tokens)')
    .option(
      '--dev-tokens-any-interface',
      'also mint dev tokens for clients not on loopback (anyone who reaches the auth port gets any user; trusted networks only)',
      false,
    )
    .option(
      '--retention-s <s>',
      'how long ended runs stay available to resume',
      number('--retention-s', 0, 86_400 * 7),
      600,
    )
    .option(
      '--grace-s <s>',
      'on SIGTERM, how long running runs may finish before sockets close with 1001',
      number('--grace-s', 0, 3_600),
      10,
    )
    .option('--event-log <file>', 'durable append-only event log (JSON lines); runs survive a restart')
    .option(
      '--event-log-fsync <when>',
      'force the event log to disk: every (each line), batched (every 100 ms) or off; all survive a process crash',
      fsyncPolicy,
      'batched' as FsyncPolicy,
    )
    .option(
      '--max-runs-per-user <n>',
      'concurrent runs per user (past it: TOO_MANY_RUNS)',
      number('--max-runs-per-user', 1, 10_000, true),
      LIMITS.max_concurrent_runs_per_user,
    )
    .option(
      '--max-connections-per-user <n>',
      'open connections per user (past it: TOO_MANY_CONNECTIONS, close 1008)',
      number('--max-connections-per-user', 1, 100_000, true),
      LIMITS.max_connections_per_user,
    )
    .option(
      '--max-fanout-bytes-per-user <n>',
      "bytes per second one user's runs may send across its connections (past it the user's runs slow down)",
      number('--max-fanout-bytes-per-user', 1024, 1024 ** 3, true),
      LIMITS.max_fanout_bytes_per_user_per_second,
    )
    .option(
      '--heartbeat-ms <ms>',
      'ping interval (default: the contract heartbeat_interval_ms)',
      number('--heartbeat-ms', 100, 3_600_000, true),
    )
    .option(
      '--signing-key-file <file>',
      'sign tokens with this private Ed25519 JWK (JSON) instead of a fresh key: tokens survive a restart',
    )
    .option('--redis <url>', 'run as one node of a cluster sharing redis://HOST:PORT (default: all in this process)')
    .option('--node-id <name>', 'this node in the cluster (default: <hostname>-<pid>)')
    .option('--redis-prefix <prefix>', 'prefix of every Redis key and channel of this cluster', 'netra:')
    .option(
      '--node-ttl-ms <ms>',
      'a node silent this long is dead; its runs end with PROVIDER_RESTARTED (heartbeat: a third of it)',
      number('--node-ttl-ms', 30, 600_000, true),
      3000,
    )
    .option(
      '--no-validate-outgoing',
      'send run events checked only by the run invariants (type, seq, ids, pairing), not by the generated validator',
    )
    .option('--log-level <level>', 'debug, info, warn or error (JSON lines on stdout)', level, 'info' as LogLevel);
}

/** `--redis`: joins the cluster before the provider listens (REDIS_UNAVAILABLE: the node does not start). */
function clusterFromFlags(flags: ServeFlags, logger: Logger): Promise<ClusterSeams | undefined> {
  if (flags.redis === undefined) return Promise.resolve(undefined);
  return joinCluster({
    url: flags.redis,
    nodeId: flags.nodeId,
    keyPrefix: flags.redisPrefix,
    logger,
    retentionMs: flags.retentionS * 1000,
    nodeTtlMs: flags.nodeTtlMs,
  });
}

/** The stack `serve` runs, from its flags. */
function startFromFlags(flags: ServeFlags, logger: Logger, cluster?: ClusterSeams): Promise<Stack> {
  return startStack({
    host: flags.host,
    port: flags.port,
    authPort: flags.authPort,
    devTokens: flags.devTokens,
    // One auth options object: the signing key must not replace the dev-token setting.
    auth: {
      devTokensFromAnyAddress: flags.devTokensAnyInterface,
      ...(flags.signingKeyFile !== undefined ? { signingJwk: readSigningKeyFile(flags.signingKeyFile) } : {}),
    },
    logger,
    provider: {
      thinkMs: flags.thinkMs,
      toolMs: flags.toolMs,
      jitter: flags.jitter,
      retentionMs: flags.retentionS * 1000,
      drainGraceMs: flags.graceS * 1000,
      maxRunsPerUser: flags.maxRunsPerUser,
      maxConnectionsPerUser: flags.maxConnectionsPerUser,
      maxFanoutBytesPerUserPerSecond: flags.maxFanoutBytesPerUser,
      validateOutgoing: flags.validateOutgoing,
      ...(cluster !== undefined ? { seams: cluster.factories() } : {}),
      ...(flags.heartbeatMs !== undefined ? { heartbeatMs: flags.heartbeatMs } : {}),
      ...(flags.eventLog !== undefined ? { eventLogFile: flags.eventLog, eventLogFsync: flags.eventLogFsync } : {}),
    },
  });
}

/** The `listening` JSON line (stdout; how scripts learn the ports) and the human banner (stderr). */
function announce(stack: Stack, flags: ServeFlags, cluster?: ClusterSeams): void {
  const wsPort = stack.provider.port;
  const authPort = stack.auth.port;
  // Printed even at --log-level error: it is how scripts learn the ports.
  createJsonLogger({ level: 'debug' }).info('listening', {
    ws_url: stack.wsUrl,
    ws_port: wsPort,
    auth_url: stack.authUrl,
    auth_port: authPort,
    pid: process.pid,
    dev_tokens: flags.devTokens,
    think_ms: flags.thinkMs,
    tool_ms: flags.toolMs,
    jitter: flags.jitter,
    ...(cluster !== undefined ? { node_id: cluster.node.nodeId, node_ttl_ms: flags.nodeTtlMs } : {}),
  });
  const chatUrl =
    wsPort === 8000 ? '' : ` --url ${stack.wsUrl}${authPort === 8001 ? '' : ` --auth-url ${stack.authUrl}`}`;
  process.stderr.write(
    [
      `netra-contracts serve: WebSocket ${stack.wsUrl}, auth ${stack.authUrl} (dev tokens ${flags.devTokens ? 'on' : 'off'})`,
      flags.devTokens
        ? `  get a token: curl -s -X POST ${stack.authUrl}/auth/token -H 'content-type: application/json' -d '{"sub":"alice"}'`
        : '  dev tokens are off: sign your own with the auth service keys',
      `  chat:        node bin/netra-contracts.js chat${chatUrl} "Where can I cut our LLM spend?"`,
      `  stop:        Ctrl-C or SIGTERM (running runs get ${flags.graceS} s to finish)`,
      '',
    ].join('\n'),
  );
  if (flags.devTokens && flags.devTokensAnyInterface && !isLoopback(stack.auth.host)) {
    process.stderr.write(
      `WARNING: DEV TOKENS ARE OPEN TO THE NETWORK: anyone who can reach ${stack.authUrl} can get a token for any ` +
        "user and read that user's runs (--dev-tokens-any-interface). Trusted networks only, never production.\n",
    );
  }
}

/** Resolves once SIGTERM/SIGINT has drained the stack; a second signal exits at once. */
function untilSignalled(stack: Stack, logger: Logger, graceS: number): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
      if (stopping) {
        logger.warn('second signal: exiting now', { signal });
        process.exit(1);
      }
      stopping = true;
      logger.info('signal received; draining', { signal, grace_s: graceS });
      stack.close(graceS * 1000).then(resolve, (err: unknown) => {
        logger.error('shutdown failed', { error: err });
        process.exitCode = 1;
        resolve();
      });
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}

export function register(program: Command): void {
  serveCommand(program).action(async (flags: ServeFlags) => {
    const logger = heldLogger(createJsonLogger({ level: flags.logLevel }));
    const cluster = await clusterFromFlags(flags, logger);
    const stack = await startFromFlags(flags, logger, cluster).catch(async (err: unknown) => {
      await cluster?.stop();
      throw err;
    });
    announce(stack, flags, cluster);
    logger.release();
    await untilSignalled(stack, logger, flags.graceS);
  });
}
