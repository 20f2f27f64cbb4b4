import { SingleBar } from 'cli-progress';
import type { LoadProgress } from './options';

/** Shows a load run's progress on a stream. */
export interface ProgressDisplay {
  update(progress: LoadProgress): void;
  stop(): void;
}

/**
 * A progress display: a cli-progress bar (connections, runs in flight, events/s, violations) when the stream is a
 * TTY, otherwise one plain line every `plainEveryS` seconds (CI logs).
 *
 * @example
 * const display = createProgressDisplay(process.stderr);
 * await runLoad({ ..., onTick: (p) => display.update(p) });
 * display.stop();
 */
export function createProgressDisplay(stream: NodeJS.WriteStream = process.stderr, plainEveryS = 5): ProgressDisplay {
  if (stream.isTTY) {
    const bar = new SingleBar({
      stream,
      format:
        '{bar} {value}/{total}s {phase} | conns {connections} | runs in flight {inflight} | {eps} ev/s | done {completed} failed {failed} | violations {violations}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 1,
    });
    let started = false;
    return {
      update(p) {
        const payload = {
          phase: p.phase.padEnd(6),
          connections: p.connections,
          inflight: p.runsInFlight,
          eps: p.eventsPerS,
          completed: p.runsCompleted,
          failed: p.runsFailed,
          violations: p.violations,
        };
        if (!started) {
          bar.start(p.durationS, 0, payload);
          started = true;
        }
        bar.update(Math.min(p.elapsedS, p.durationS), payload);
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  return {
    update(p) {
      if (p.elapsedS % plainEveryS !== 0) return;
      stream.write(
        `load ${p.elapsedS}/${p.durationS}s ${p.phase}: conns ${p.connections}, runs in flight ${p.runsInFlight}, ${p.eventsPerS} ev/s, completed ${p.runsCompleted}, failed ${p.runsFailed}, violations ${p.violations}\n`,
      );
    },
    stop() {},
  };
}
