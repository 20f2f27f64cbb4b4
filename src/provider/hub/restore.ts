import type { Protocol } from '../../protocol';
import type { Logger } from '../logger';
import { Run } from '../run';
import { trackEvent } from './event-checks';

/**
 * Rebuilds one run from its events in a durable log left by an earlier process, up to its terminal event or the
 * first seq gap. Undefined (and logged) when its first event is not a usable agent_started.
 */
export function restoreRun(
  protocol: Protocol,
  logger: Logger,
  runId: string,
  list: Record<string, unknown>[],
): Run | undefined {
  const first = list[0];
  if (
    first.type !== 'agent_started' ||
    first.seq !== 1 ||
    typeof first.user_id !== 'string' ||
    typeof first.thread_id !== 'string' ||
    typeof first.agent_name !== 'string' ||
    typeof first.request_id !== 'string'
  ) {
    logger.warn('event log: run without a valid agent_started skipped', { run_id: runId });
    return undefined;
  }
  const run = new Run({
    runId,
    threadId: first.thread_id,
    userId: first.user_id,
    requestId: first.request_id,
    connectionId: 'restored',
    agentName: first.agent_name,
  });
  for (const event of list) {
    if (event.seq !== run.head + 1) {
      logger.warn('event log: run truncated at a seq gap', { run_id: runId, seq: event.seq, head: run.head });
      break;
    }
    const text = JSON.stringify(event);
    run.events.push(text);
    run.bytes += text.length;
    trackEvent(run, event);
    if (protocol.isTerminal(event.type)) {
      run.ended = true;
      const at = typeof event.timestamp === 'string' ? Date.parse(event.timestamp) : NaN;
      run.endedAt = Number.isFinite(at) ? at : Date.now();
      break;
    }
  }
  return run;
}

/** The events of a durable log grouped by run, in log order (events without a run_id are not run events). */
export function groupByRun(events: Record<string, unknown>[]): Map<string, Record<string, unknown>[]> {
  const byRun = new Map<string, Record<string, unknown>[]>();
  for (const event of events) {
    if (typeof event.run_id !== 'string') continue;
    let list = byRun.get(event.run_id);
    if (list === undefined) byRun.set(event.run_id, (list = []));
    list.push(event);
  }
  return byRun;
}
