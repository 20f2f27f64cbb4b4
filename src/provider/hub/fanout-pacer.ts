/**
 * Per-user pacing of fan-out bytes (asyncapi.yaml `max_fanout_bytes_per_user_per_second`): a leaky bucket per user
 * that fills with the bytes delivered to all of the user's connections and drains at the limit. While a user's
 * bucket holds more than one second's worth, that user's runs pause before their next step; nothing is dropped or
 * reordered, and other users' runs are untouched. Idle users cost nothing (an emptied bucket is forgotten).
 */
export class FanoutPacer {
  private readonly levels = new Map<string, { bytes: number; atMs: number }>();

  constructor(private readonly bytesPerSecond: number) {}

  /** Adds `bytes` delivered to `userId`'s connections; answers how long the user's runs should pause (ms). */
  charge(userId: string, bytes: number, nowMs: number): number {
    const level = this.level(userId, nowMs) + bytes;
    // Every delivered event is charged: update the user's entry in place rather than allocate one per event.
    const entry = this.levels.get(userId);
    if (entry === undefined) this.levels.set(userId, { bytes: level, atMs: nowMs });
    else {
      entry.bytes = level;
      entry.atMs = nowMs;
    }
    return this.delayFor(level);
  }

  /** How long `userId`'s runs should pause now (ms); 0 when under the limit. */
  delayMs(userId: string, nowMs: number): number {
    const level = this.level(userId, nowMs);
    if (level === 0) this.levels.delete(userId);
    return this.delayFor(level);
  }

  /** Users with a non-empty bucket (stats, tests). */
  get size(): number {
    return this.levels.size;
  }

  private level(userId: string, nowMs: number): number {
    const entry = this.levels.get(userId);
    if (entry === undefined) return 0;
    return Math.max(0, entry.bytes - ((nowMs - entry.atMs) * this.bytesPerSecond) / 1000);
  }

  // One second of the limit is the burst: a user under the limit on average is never paused.
  private delayFor(level: number): number {
    const over = level - this.bytesPerSecond;
    return over > 0 ? Math.ceil((over * 1000) / this.bytesPerSecond) : 0;
  }
}
