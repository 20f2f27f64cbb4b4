import { loadProtocol } from '../../protocol';
import { LiveClientError, type LiveConn, type LiveRun, type ReceivedFrame } from '../client';
import type { WaitForStep } from '../scenarios';
import { RecordError } from './errors';
import { describeStep, type RunContext } from './run-context';

/** Whether a received frame is one a `wait_for` counts. */
export function matches(frame: ReceivedFrame, type: string, runId?: string, errorCode?: string): boolean {
  const msg = frame.msg;
  if (type === 'any') return runId === undefined || msg?.run_id === runId;
  if (msg === undefined) return false;
  if (type === 'terminal' ? !loadProtocol().terminalTypes.has(String(msg.type)) : msg.type !== type) return false;
  if (runId !== undefined && msg.run_id !== runId) return false;
  return errorCode === undefined || msg.error_code === errorCode;
}

/**
 * Waits until the user's request `requestId` started a run (its agent_started arrived on a connection of the user).
 * A request refused by an `error_message` fails at once (RECORD_EXPECTATION_FAILED), or is skipped with `assume`.
 */
export async function waitForRun(
  ctx: RunContext,
  user: string,
  requestId: string,
  timeoutMs: number,
  what: string,
  assume?: string,
): Promise<LiveRun> {
  const answer = await runOrRefusal(ctx, user, requestId, timeoutMs, what);
  if ('run' in answer) return answer.run;
  const why = `${what}: request ${requestId} was refused with ${String(answer.refusal.error_code)}`;
  const code = assume !== undefined ? 'RECORD_ASSUMPTION_UNMET' : 'RECORD_EXPECTATION_FAILED';
  throw new RecordError(code, assume ? `${assume} (${why})` : why);
}

/** The run the user's request started, or the error_message that refused it, whichever came. */
async function runOrRefusal(
  ctx: RunContext,
  user: string,
  requestId: string,
  timeoutMs: number,
  what: string,
): Promise<{ run: LiveRun } | { refusal: Record<string, unknown> }> {
  const { live } = ctx;
  try {
    await live.waitUntil(
      () => live.runOf(user, requestId) !== undefined || live.refusalOf(user, requestId) !== undefined,
      timeoutMs,
      `${what}: agent_started of ${requestId} for ${user}`,
    );
  } catch (err) {
    throw expectation(err);
  }
  const run = live.runOf(user, requestId);
  return run !== undefined ? { run } : { refusal: live.refusalOf(user, requestId) ?? {} };
}

/** A LiveClientError becomes RECORD_EXPECTATION_FAILED / RECORD_CONNECT_FAILED; anything else is kept. */
export function expectation(err: unknown): unknown {
  if (!(err instanceof LiveClientError)) return err;
  const code = err.code === 'LIVE_CONNECT_FAILED' ? 'RECORD_CONNECT_FAILED' : 'RECORD_EXPECTATION_FAILED';
  return new RecordError(code, err.message, { cause: err });
}

function counted(conns: LiveConn[], step: WaitForStep, runId: string | undefined): number {
  const seen = new Set<string>();
  let n = 0;
  for (const conn of conns) {
    for (const frame of conn.received) {
      if (!matches(frame, step.type, runId, step.errorCode)) continue;
      const msg = frame.msg;
      // Over several connections of a user, a run event counts once (every tab gets it).
      if (conns.length > 1 && msg !== undefined && loadProtocol().isRunEvent(msg)) {
        const key = `${msg.run_id}\u0000${msg.seq}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      n++;
    }
  }
  return n;
}

/**
 * Runs a `wait_for` step: until the connection (or any connection of the user) received what is awaited. On a run,
 * it stops as soon as the run ended without it (a failure, or a skip with `assume`); on one connection, as soon as
 * the connection closed. Every timeout gets the target's clock leeway on top.
 */
export async function waitFor(
  ctx: RunContext,
  step: WaitForStep,
  conns: () => LiveConn[],
  user: string,
  timeoutMs: number,
): Promise<void> {
  let run: LiveRun | undefined;
  if (step.run !== undefined && step.acceptRefusal === true) {
    // The contract lets a provider refuse the request itself (error_message) where another starts a run and ends it
    // with what is awaited: both are the awaited outcome.
    const answer = await runOrRefusal(ctx, user, step.run, timeoutMs, describeStep(step));
    if ('refusal' in answer) return;
    run = answer.run;
  } else if (step.run !== undefined) {
    run = await waitForRun(ctx, user, step.run, timeoutMs, describeStep(step), step.assume);
  }
  const runId = run?.runId;
  const done = (): boolean => {
    const list = conns();
    if (step.seq !== undefined && runId !== undefined) {
      return ctx.live.held.highest(user, runId) >= step.seq || list.some((c) => c.sawEnd(runId));
    }
    return counted(list, step, runId) >= step.count;
  };
  const ended = (): boolean => runId !== undefined && conns().some((c) => c.sawEnd(runId));
  const closed = (): boolean => step.conn !== undefined && conns().every((c) => !c.isOpen);
  const awaited =
    step.seq !== undefined
      ? `seq ${step.seq} of`
      : `${step.count} x ${step.type}${step.errorCode ? ` ${step.errorCode}` : ''} of`;
  const what = `${describeStep(step)}: ${step.conn ?? `user ${step.user}`} waiting for ${awaited} ${step.run ?? 'any run'}`;
  try {
    await ctx.live.waitUntil(() => done() || ended() || closed(), timeoutMs, what);
  } catch (err) {
    throw expectation(err);
  }
  if (done()) return;
  if (ended()) {
    const terminal = ctx.live.runs.get(runId as string)?.terminal;
    const why = `${what}: the run ended (${String(terminal?.type)}) without it`;
    throw new RecordError(
      step.assume ? 'RECORD_ASSUMPTION_UNMET' : 'RECORD_EXPECTATION_FAILED',
      step.assume ? `${step.assume} (${why})` : why,
    );
  }
  const info = conns()[0]?.closeInfo;
  throw new RecordError('RECORD_EXPECTATION_FAILED', `${what}: the connection closed (${info?.code})`);
}
