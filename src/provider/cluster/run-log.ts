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
 * One script per event: XADD at the explicit id `0-<seq>` after checking that seq is the stream's length + 1 (ids
 * are 1..n with no trimming in practice: MAXLEN is above the provider's cap), so two writers of one run, or a
 * replayed append, are detected instead of interleaved; PEXPIRE on the first event (live TTL) and the terminal one
 * (the retention); then PUBLISH to the fan-out channel. One round trip, atomic, and in this order:
 * a subscriber that sees the message can always read the event back from the stream.
 * Returns 1 when appended, 0 when the same event is already there (idempotent re-append), -1 on a gap
 * (seq > top + 1), -2 when another event holds the seq (another writer: a reaper ended the run meanwhile).
 */
const APPEND_SCRIPT = `
local head = redis.call('XLEN', KEYS[1])
local seq = tonumber(ARGV[1])
if seq <= head then
  local have = redis.call('XRANGE', KEYS[1], '0-' .. ARGV[1], '0-' .. ARGV[1])
  if #have > 0 and have[1][2][2] == ARGV[2] then return 0 end
  return -2
end
if seq > head + 1 then return -1 end
redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[4], '0-' .. ARGV[1], 'e', ARGV[2])
if seq == 1 or ARGV[7] == '1' then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
if ARGV[5] ~= '' then redis.call('PUBLISH', ARGV[5], ARGV[6]) end
return 1
`;

interface AppendCommand {
  netraAppend(key: string, ...args: (string | number)[]): Promise<number>;
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
    const [appended] = await this.appendBatch(userId, runId, [{ event, terminal, publish }]);
    return appended;
  }

  /**
   * Appends several consecutive events of one run in ONE round trip (a pipeline of the append script: Redis runs
   * them in order), as the owner's outbox does with what piled up during the previous round trip. Answers, per
   * event, whether it was appended (false: already there); throws at the first gap or conflict, after the events
   * before it were appended.
   */
  async appendBatch(
    userId: string,
    runId: string,
    items: readonly { event: LoggedEvent; terminal: boolean; publish?: Publish }[],
  ): Promise<boolean[]> {
    const key = this.key(userId, runId);
    const results = await this.link.call('run log append', async (redis) => {
      const pipeline = redis.pipeline() as unknown as AppendCommand & { exec(): Promise<[Error | null, unknown][]> };
      for (const { event, terminal, publish } of items) {
        const ttl = terminal ? this.opts.retentionMs : this.opts.liveTtlMs;
        const m = this.opts.maxEvents;
        void pipeline.netraAppend(
          key,
          event.seq,
          event.text,
          ttl,
          m,
          publish?.channel ?? '',
          publish?.message ?? '',
          terminal ? '1' : '0',
        );
      }
      const answers = await pipeline.exec();
      return answers.map(([err, value]) => {
        if (err !== null) throw err;
        return value as number;
      });
    });
    return results.map((result, i) => {
      const seq = items[i].event.seq;
      if (result === -1) throw new ClusterError('RUN_LOG_GAP', `run ${runId}: seq ${seq} would leave a gap in the log`);
      if (result === -2)
        throw new ClusterError('RUN_LOG_CONFLICT', `run ${runId}: seq ${seq} is already another event`);
      return result === 1;
    });
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
