import type { Protocol } from '../../protocol';
import type { DurableEventLog } from '../event-log-file';
import type { Logger } from '../logger';
import { unfinishedToolCompleted } from '../outgoing';
import { RunStopped, type Run, type RunEventBody, type RunStopKind } from '../run';
import { isRecord } from '../../util/records';
import { buildEvent, problemsOf, trackEvent } from './event-checks';
import { encodeEvent } from './event-text';
import type { RunRegistry } from './runs';
import { isPromise, type CommittedEvent, type HubSeams } from './seams';

/**
 * TEST-ONLY fault injection. `corruptEvent` sees every run event the agents cause (after the provider built it,
 * before validation) and may return a broken one, to prove that an invalid event never reaches the wire: the run
 * ends with agent_error CONTRACT_VIOLATION instead. Never set it outside tests.
 */
export interface FaultInjection {
  corruptEvent?: (event: Record<string, unknown>) => Record<string, unknown>;
}

/** What the pipeline needs around it. */
export interface PipelineDeps {
  protocol: Protocol;
  logger: Logger;
  seams: HubSeams;
  runs: RunRegistry;
  maxEventsPerRun: number;
  /** Run events checked by the generated validator too (see ProviderOptions.validateOutgoing). */
  validateOutgoing: boolean;
  eventLog?: DurableEventLog;
  faultInjection?: FaultInjection;
  /** The run's terminal event is committed (the hub updates its registries and counters). */
  onEnded(run: Run): void;
}

const TOO_MANY_EVENTS: RunEventBody = {
  type: 'agent_error',
  code: 'AGENT_FAILED',
  message: 'The run produced too many events and was stopped.',
  retryable: false,
};

const VIOLATION: RunEventBody = {
  type: 'agent_error',
  code: 'CONTRACT_VIOLATION',
  message: 'The server caught itself about to send an invalid event and stopped the run.',
  retryable: false,
};

/**
 * The event pipeline: every run event is built, checked (run invariants + generated validator) ONCE, serialised
 * ONCE, written ahead to the durable log, appended to the run and the run log seam, then published through the
 * fan-out seam as the same string, all in one synchronous step with the in-memory seams (so a resume can never
 * interleave with an emission).
 */
export class EventPipeline {
  readonly counters = { eventsCommitted: 0, contractViolations: 0 };

  constructor(private readonly deps: PipelineDeps) {}

  /**
   * Emits one event the agents caused. Returns false when it was not sent: the run already ended, or the event
   * broke the contract, in which case the run has just ended with agent_error CONTRACT_VIOLATION.
   */
  emit(run: Run, body: RunEventBody): boolean {
    const { logger } = this.deps;
    if (run.ended) {
      logger.error('run event after the terminal event dropped', { run_id: run.ctx.runId, type: body.type });
      return false;
    }
    if (run.head >= this.deps.maxEventsPerRun) {
      this.finish(run, TOO_MANY_EVENTS, 'violation');
      return false;
    }
    let event = buildEvent(run, body);
    const corrupt = this.deps.faultInjection?.corruptEvent;
    if (corrupt !== undefined) {
      try {
        event = corrupt(event);
      } catch (err) {
        logger.error('faultInjection.corruptEvent threw', { error: err });
      }
    }
    const problems = problemsOf(this.deps.protocol, run, event, this.deps.validateOutgoing);
    if (problems !== undefined) {
      this.counters.contractViolations++;
      logger.error('contract violation: an invalid run event was not sent; the run ends with CONTRACT_VIOLATION', {
        run_id: run.ctx.runId,
        user_id: run.ctx.userId,
        seq: run.head + 1,
        type: isRecord(event) ? event.type : typeof event,
        errors: problems.slice(0, 10),
      });
      this.finish(run, VIOLATION, 'violation');
      return false;
    }
    this.commit(run, event);
    return true;
  }

  /**
   * Ends a run from the provider's side (cancel, timeout, shutdown, contract violation): agent_started if the run
   * has none yet, a tool_completed (status error) for every open tool call, then `terminal`; then aborts the
   * agent with `stopKind` so it stops calling its AgentIO.
   */
  finish(run: Run, terminal: RunEventBody, stopKind?: RunStopKind): void {
    if (run.ended) return;
    if (run.head === 0) this.commitTrusted(run, { type: 'agent_started', request_id: run.ctx.requestId });
    this.closeOpenToolCalls(run, typeof terminal.code === 'string' ? terminal.code : 'CANCELLED');
    this.commitTrusted(run, terminal);
    if (!run.ended) {
      // Only possible if the provider itself cannot build a valid terminal event: end the run without one.
      this.deps.logger.error('run ended without a terminal event', { run_id: run.ctx.runId });
      this.deps.onEnded(run);
    }
    if (stopKind !== undefined && !run.abort.signal.aborted) run.abort.abort(new RunStopped(stopKind));
  }

  /** A tool_completed (status error, `code`) for every open tool call: every tool_executing is paired. */
  closeOpenToolCalls(run: Run, code: string): void {
    const now = performance.now();
    for (const [callId, call] of [...run.openToolCalls]) {
      this.commitTrusted(run, unfinishedToolCompleted(callId, call, code, now));
    }
  }

  /** Commits an event the provider itself built (no fault injection); false if even that is invalid. */
  private commitTrusted(run: Run, body: RunEventBody): boolean {
    if (run.ended) return false;
    const event = buildEvent(run, body);
    const problems = problemsOf(this.deps.protocol, run, event, this.deps.validateOutgoing);
    if (problems !== undefined) {
      this.counters.contractViolations++;
      this.deps.logger.error('provider could not build a valid event', {
        run_id: run.ctx.runId,
        type: body.type,
        errors: problems,
      });
      return false;
    }
    this.commit(run, event);
    return true;
  }

  private seamFailed(event: CommittedEvent, err: unknown): void {
    this.deps.logger.error('run log or fan-out failed', { run_id: event.runId, seq: event.seq, error: err });
  }

  private commit(run: Run, event: Record<string, unknown>): void {
    const { seams, logger } = this.deps;
    const { text, frame } = encodeEvent(event);
    const seq = run.head + 1;
    const terminal = this.deps.protocol.isTerminal(event.type);
    run.events.push(text);
    run.bytes += text.length;
    this.deps.runs.retainedBytes += text.length;
    this.counters.eventsCommitted++;
    trackEvent(run, event);
    if (terminal) run.ended = true;
    // Write-ahead: the durable log has the event before any socket does.
    this.deps.eventLog?.append(text);
    const { userId, runId } = run.ctx;
    const committed: CommittedEvent = { userId, runId, seq, text, terminal, frame };
    // The in-memory seams answer synchronously: no closure per event unless a shared store answers with a promise.
    const appended = seams.runLog.append(committed);
    if (isPromise(appended)) appended.then(undefined, (err: unknown) => this.seamFailed(committed, err));
    const published = seams.fanOut.publish(committed);
    if (isPromise(published)) published.then(undefined, (err: unknown) => this.seamFailed(committed, err));
    if (terminal) {
      this.deps.onEnded(run);
      logger.info('run ended', {
        run_id: run.ctx.runId,
        user_id: run.ctx.userId,
        type: event.type,
        ...(event.type === 'agent_completed' ? { status: event.status } : { code: event.code }),
        events: seq,
        duration_ms: Math.round(performance.now() - run.startedAt),
      });
    }
  }
}
