import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ProviderError } from './errors';
import { EVENT_LOG_HEADER, judgeHeader, parseBody, type RequestRecord } from './event-log-format';
import type { Logger } from './logger';

/**
 * When the durable log forces its writes to the disk (fsync). Every write reaches the kernel synchronously, so all
 * three survive a crash of the process; they differ on a crash of the machine (power, kernel):
 * - `every`: fsync after each line: nothing acknowledged is lost; the slowest.
 * - `batched` (default): fsync at most every 100 ms: a machine crash loses at most the last ~100 ms.
 * - `off`: never fsync: a machine crash loses what the OS had not written back yet (tens of seconds on Linux).
 */
export type FsyncPolicy = 'every' | 'batched' | 'off';
export const FSYNC_POLICIES: readonly FsyncPolicy[] = ['every', 'batched', 'off'];
const BATCH_MS = 100;

/** What {@link DurableEventLog.open} read back. */
export interface OpenedEventLog {
  log: DurableEventLog;
  events: Record<string, unknown>[];
  requests: RequestRecord[];
}

/** The file's bytes, or undefined when it does not exist or is empty; refuses what is not a regular file. */
function readExisting(file: string): Buffer | undefined {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) {
      throw new ProviderError('EVENT_LOG_NOT_A_LOG', `${file} is not a regular file; it was left untouched`);
    }
    size = stat.size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return size === 0 ? undefined : readFileSync(file);
}

/**
 * The durable event log (format: `event-log-format.ts`): every run event exactly as it was sent and the request ids
 * still remembered, one JSON line each, behind a header line. Each line is written synchronously *before* the event
 * reaches any socket (write-ahead), so a client never holds an event the log does not have, even if the process is
 * killed right after. Compaction writes a new file and renames it over the old one (atomic).
 */
export class DurableEventLog {
  private fd: number;
  private bytes = 0;
  /** The last write failed part-way: the next line starts on a new line so the fragment stays alone (skipped). */
  private torn = false;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    readonly file: string,
    private readonly logger: Logger,
    private readonly fsync: FsyncPolicy,
    fresh: boolean,
  ) {
    this.fd = openSync(file, 'a');
    if (fresh) this.writeAll(`${EVENT_LOG_HEADER}\n`);
    if (fsync === 'batched') {
      this.timer = setInterval(() => this.flush(), BATCH_MS);
      this.timer.unref();
    }
  }

  /**
   * Reads what an earlier process left in `file` (missing or empty: a new log) and opens it for appending. A file
   * that is not an event log is refused with ProviderError EVENT_LOG_NOT_A_LOG and never written to. Unreadable
   * lines (a torn last line after a crash) are reported and skipped; the rest is kept.
   */
  static open(file: string, logger: Logger, fsync: FsyncPolicy = 'batched'): OpenedEventLog {
    const bytes = readExisting(file);
    if (bytes === undefined) return { log: new DurableEventLog(file, logger, fsync, true), events: [], requests: [] };
    const newline = bytes.indexOf(0x0a);
    const first = bytes.subarray(0, newline === -1 ? Math.min(bytes.length, 4096) : newline).toString('utf8');
    const verdict = judgeHeader(first);
    if (verdict.kind === 'foreign') {
      throw new ProviderError(
        'EVENT_LOG_NOT_A_LOG',
        `${file} is not a netra event log (${verdict.why}); it was left untouched: give --event-log a new file`,
      );
    }
    const lines = bytes.toString('utf8').split('\n');
    const from = verdict.kind === 'v1' ? 1 : 0;
    const contents = parseBody(lines.slice(from), from + 1);
    const last = lines.length; // the line after the final newline is '' when the file ends cleanly
    for (const line of contents.unreadable) {
      const torn = line === last && bytes[bytes.length - 1] !== 0x0a;
      logger.warn(torn ? 'event log: torn last line skipped' : 'event log: unreadable line skipped', { file, line });
    }
    if (verdict.kind === 'legacy') logger.warn('event log: no header (written before format 1); rewritten', { file });
    const log = new DurableEventLog(file, logger, fsync, false);
    // Until compaction rewrites it, a file that ends inside a line gets its next line on a line of its own.
    log.torn = bytes[bytes.length - 1] !== 0x0a;
    return { log, events: contents.events, requests: contents.requests };
  }

  /** Appends one serialised run event; a failure is logged (the run goes on, the event is not durable). */
  append(text: string): void {
    try {
      this.writeAll(`${text}\n`);
    } catch (err) {
      this.logger.error('event log: append failed', { file: this.file, error: err });
    }
  }

  /** Appends one line that must be durable before the caller goes on; throws EVENT_LOG_WRITE_FAILED. */
  appendStrict(line: string): void {
    try {
      this.writeAll(`${line}\n`);
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      throw new ProviderError('EVENT_LOG_WRITE_FAILED', `cannot write to the event log ${this.file}: ${why}`, {
        cause: err,
      });
    }
  }

  /** Characters appended since the last rewrite (compaction trigger). */
  get appendedBytes(): number {
    return this.bytes;
  }

  /** Replaces the file with the header and `lines`: a new file, then an atomic rename over the old one. */
  rewrite(lines: string[]): void {
    const tmp = `${this.file}.tmp`;
    let fd: number | undefined;
    let created = false;
    try {
      fd = openSync(tmp, 'w');
      created = true;
      const body = `${EVENT_LOG_HEADER}\n${lines.length === 0 ? '' : `${lines.join('\n')}\n`}`;
      const buf = Buffer.from(body);
      for (let off = 0; off < buf.length;) off += writeSync(fd, buf, off);
      if (this.fsync !== 'off') fsyncSync(fd);
      closeSync(fd);
      fd = undefined;
      renameSync(tmp, this.file);
      if (this.fsync !== 'off') this.syncDirectory();
    } catch (err) {
      // Only a file this call created is removed (the path may be anything else someone put there).
      if (fd !== undefined) closeSync(fd);
      if (created) rmSync(tmp, { force: true });
      this.logger.error('event log: compaction failed; the old file is kept', { file: this.file, error: err });
      return;
    }
    // The old descriptor points at the replaced file: switch to the new one.
    this.closeFd();
    this.fd = openSync(this.file, 'a');
    this.bytes = 0;
    this.torn = false;
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
    this.closeFd();
  }

  private writeAll(line: string): void {
    const buf = Buffer.from(this.torn ? `\n${line}` : line);
    let off = 0;
    try {
      while (off < buf.length) off += writeSync(this.fd, buf, off);
    } catch (err) {
      if (off > 0) this.torn = true;
      throw err;
    }
    this.torn = false;
    this.bytes += buf.length;
    if (this.fsync === 'every') fsyncSync(this.fd);
    else this.dirty = true;
  }

  private flush(): void {
    if (!this.dirty || this.fsync === 'off') return;
    this.dirty = false;
    try {
      fsyncSync(this.fd);
    } catch (err) {
      this.logger.error('event log: fsync failed', { file: this.file, error: err });
    }
  }

  /** The rename is durable only once the directory entry is. */
  private syncDirectory(): void {
    let dir: number | undefined;
    try {
      dir = openSync(dirname(this.file), 'r');
      fsyncSync(dir);
    } catch {
      // Some filesystems refuse fsync on a directory; the rename itself is still atomic.
    } finally {
      if (dir !== undefined) closeSync(dir);
    }
  }

  private closeFd(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}
