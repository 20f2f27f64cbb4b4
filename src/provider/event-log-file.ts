import { closeSync, existsSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import type { Logger } from './logger';

/**
 * The durable event log: an append-only JSON-lines file holding every run event exactly as it was sent (the same
 * serialised string), one per line. Each line is written synchronously *before* the event reaches any socket, so a
 * client can never hold an event the log does not have, even if the process is killed right after.
 */
export class DurableEventLog {
  private fd: number;
  private bytes = 0;

  private constructor(
    readonly file: string,
    private readonly logger: Logger,
  ) {
    this.fd = openSync(file, 'a');
  }

  /**
   * Reads the events an earlier process left in `file` (missing file: none), tolerating a torn last line, and
   * opens the file for appending.
   */
  static open(file: string, logger: Logger): { log: DurableEventLog; events: Record<string, unknown>[] } {
    const events: Record<string, unknown>[] = [];
    if (existsSync(file)) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, index) => {
        if (line.trim() === '') return;
        try {
          const value = JSON.parse(line) as unknown;
          if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
            events.push(value as Record<string, unknown>);
            return;
          }
        } catch {
          // fall through: logged below
        }
        logger.warn('event log: unreadable line skipped', { file, line: index + 1 });
      });
    }
    return { log: new DurableEventLog(file, logger), events };
  }

  /** Appends one serialised event. */
  append(text: string): void {
    const line = `${text}\n`;
    try {
      writeSync(this.fd, line);
      this.bytes += line.length;
    } catch (err) {
      this.logger.error('event log: append failed', { file: this.file, error: err });
    }
  }

  /** Characters appended since the last rewrite (compaction trigger). */
  get appendedBytes(): number {
    return this.bytes;
  }

  /** Replaces the file with `lines` (the events still retained), atomically through a rename. */
  rewrite(lines: string[]): void {
    const tmp = `${this.file}.tmp`;
    try {
      writeFileSync(tmp, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
      renameSync(tmp, this.file);
    } catch (err) {
      this.logger.error('event log: compaction failed', { file: this.file, error: err });
      return;
    }
    // The old descriptor points at the replaced file: switch to the new one.
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = openSync(this.file, 'a');
    this.bytes = 0;
  }

  close(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }
}
