import { ClusterError } from './errors';
import type { RedisLink } from './redis-link';

/** One logged event: its seq in the run and the serialised frame, exactly as sent. */
export interface LoggedEvent {
  seq: number;
  text: string;
}

/** Settings of a {@link RunLog}. */
export interface RunLogOptions {
  /** How long an ended run stays readable: the spec's `min_resume_retention_ms` (or more). */
  retentionMs: number;
  /** Expiry of a run still going, refreshed at every append, so a run whose owner and reaper both vanished ends. */
  liveTtlMs: number;
  /** Stream length cap (MAXLEN): the provider's max events per run plus the provider's own closing events. */
  maxEvents: number;
}

/** Optional publish done by the same script, after the append: nobody can receive an event the log lacks. */
export interface Publish {
  channel: string;
  message: string;
}

/**
 * One script per batch of consecutive events of one run, atomic: for each event, in order, check that its seq is
 * the stream's length + 1 (ids are 1..n with no trimming in practice: MAXLEN is above the provider's cap), XADD it
 * at the explicit id `0-<seq>`, set the TTL on the first event (live) and the terminal one (the retention), and
 * PUBLISH it to the user's fan-out channel. The batch stops at the first event that does not fit, with nothing of
 * it or after it written: a seq already holding the same event is skipped (idempotent re-append), a seq holding
 * ANOTHER event (a reaper ended the run meanwhile) is -2, a gap is -1. So a writer that lost its run can never
 * append past the other writer's terminal event. ARGV: live TTL, retention TTL, MAXLEN, channel, then per event
 * seq, frame, pub/sub message, terminal ('1'/'0'). Returns {status, index of the failing event or count appended}.
 */
const APPEND_SCRIPT = `
local head = redis.call('XLEN', KEYS[1])
local appended = 0
local n = (#ARGV - 4) / 4
for i = 0, n - 1 do
  local base = 5 + i * 4
  local seq = tonumber(ARGV[base])
  local text = ARGV[base + 1]
  if seq <= head then
    local have = redis.call('XRANGE', KEYS[1], '0-' .. seq, '0-' .. seq)
    if #have == 0 or have[1][2][2] ~= text then return {-2, i} end
  elseif seq > head + 1 then
    return {-1, i}
  else
    redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[3], '0-' .. seq, 'e', text)
    head = seq
    appended = appended + 1
    if seq == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
    if ARGV[base + 3] == '1' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
    if ARGV[4] ~= '' then redis.call('PUBLISH', ARGV[4], ARGV[base + 2]) end
  end
end
return {1, appended}
`;

interface AppendCommand {
  netraAppend(key: string, ...args: (string | number)[]): Promise<[number, number]>;
}

/**
 * Each run's events in a Redis Stream under the run owner's hash tag (`{u:<user>}:run:<runId>`): a run of another
 * user is simply not found under this user's keys, so `resume` cannot cross users even by a guessed run id.
 * Entry ids are `0-<seq>`, so "after seq N" is the exclusive range `(0-N`.
 */
export class RunLog {
  constructor(
    private readonly link: RedisLink,
    private readonly opts: RunLogOptions,
  ) {
    if (!('netraAppend' in link.cmd)) {
      link.cmd.defineCommand('netraAppend', { numberOfKeys: 1, lua: APPEND_SCRIPT });
    }
  }

  private key(userId: string, runId: string): string {
    return this.link.userKey(userId, 'run', runId);
  }

  /** How long an ended run's log is kept. */
  get retentionMs(): number {
    return this.opts.retentionMs;
  }

  /**
   * Appends the event at `seq` (and publishes `publish` in the same step). Idempotent: re-appending the same event
   * is a no-op returning false. A gap (seq past head + 1) is RUN_LOG_GAP; a different event at that seq is
   * RUN_LOG_CONFLICT.
   */
  async append(
    userId: string,
    runId: string,
    event: LoggedEvent,
    terminal: boolean,
    publish?: Publish,
  ): Promise<boolean> {
    return (await this.appendBatch(userId, runId, [{ event, terminal, publish }])) === 1;
  }

  /**
   * Appends consecutive events of one run (all of one user, so one channel) in ONE atomic script call, as the
   * owner's outbox does with what piled up during the previous round trip. Answers how many were appended (the
   * rest were already there); throws RUN_LOG_GAP or RUN_LOG_CONFLICT at the first event that does not fit, with
   * nothing from it on written.
   */
  async appendBatch(
    userId: string,
    runId: string,
    items: readonly { event: LoggedEvent; terminal: boolean; publish?: Publish }[],
  ): Promise<number> {
    const args: (string | number)[] = [
      this.opts.liveTtlMs,
      this.opts.retentionMs,
      this.opts.maxEvents,
      items[0]?.publish?.channel ?? '',
    ];
    for (const { event, terminal, publish } of items) {
      args.push(event.seq, event.text, publish?.message ?? '', terminal ? '1' : '0');
    }
    const [status, at] = await this.link.call('run log append', (redis) =>
      (redis as unknown as AppendCommand).netraAppend(this.key(userId, runId), ...args),
    );
    const seq = items[at]?.event.seq;
    if (status === -1) throw new ClusterError('RUN_LOG_GAP', `run ${runId}: seq ${seq} would leave a gap in the log`);
    if (status === -2) throw new ClusterError('RUN_LOG_CONFLICT', `run ${runId}: seq ${seq} is already another event`);
    return at;
  }

  /**
   * The events after `afterSeq`, oldest first (at most `count`), or undefined when the run is not in the log
   * (unknown, expired, or another user's: indistinguishable by design).
   */
  async readAfter(userId: string, runId: string, afterSeq: number, count = 10_000): Promise<LoggedEvent[] | undefined> {
    const key = this.key(userId, runId);
    const [entries, exists] = await this.link.call('run log read', (redis) =>
      Promise.all([
        redis.xrange(key, `(0-${Math.max(0, Math.floor(afterSeq))}`, '+', 'COUNT', count),
        redis.exists(key),
      ]),
    );
    if (exists === 0) return undefined;
    return entries.map(([id, fields]) => ({ seq: seqOf(id), text: fieldValue(fields) }));
  }

  /** The highest seq in the log, 0 for an empty or missing log. */
  async head(userId: string, runId: string): Promise<number> {
    const top = await this.link.call('run log head', (redis) =>
      redis.xrevrange(this.key(userId, runId), '+', '-', 'COUNT', 1),
    );
    return top.length === 0 ? 0 : seqOf(top[0][0]);
  }

  /** Drops a run's log now (tests, eviction by a limit). */
  async remove(userId: string, runId: string): Promise<void> {
    await this.link.call('run log remove', (redis) => redis.del(this.key(userId, runId)));
  }

  /** Milliseconds the run's log still lives (-2 missing, -1 no expiry: never the case for our keys). */
  async ttl(userId: string, runId: string): Promise<number> {
    return this.link.call('run log ttl', (redis) => redis.pttl(this.key(userId, runId)));
  }
}

function seqOf(id: string): number {
  const match = /^0-(\d+)$/.exec(id);
  if (match === null) throw new ClusterError('REDIS_PROTOCOL', `run log entry id ${id} is not 0-<seq>`);
  return Number(match[1]);
}

function fieldValue(fields: string[]): string {
  if (fields[0] !== 'e' || typeof fields[1] !== 'string') {
    throw new ClusterError('REDIS_PROTOCOL', 'run log entry without its event field');
  }
  return fields[1];
}
