import type { Protocol } from '../../protocol';
import { newId, nowIso } from '../ids';
import { checkServerMessage, type SchemaErrorItem } from '../outgoing';
import type { Run, RunEventBody } from '../run';
import { isRecord } from '../../util/records';

/** The full run event for `body`: ids, the run's context fields, the next seq and the time. */
export function buildEvent(run: Run, body: RunEventBody): Record<string, unknown> {
  const c = run.ctx;
  const event: Record<string, unknown> = {
    type: body.type,
    event_id: newId('evt'),
    run_id: c.runId,
    thread_id: c.threadId,
    user_id: c.userId,
    agent_name: c.agentName,
    seq: run.head + 1,
    timestamp: nowIso(),
  };
  // The body's own fields after the context ones (a body field of the same name wins, as a spread would), copied
  // without the intermediate object a rest pattern allocates for every event.
  for (const key of Object.keys(body)) if (key !== 'type') event[key] = body[key];
  return event;
}

function broken(pointer: string, message: string): SchemaErrorItem[] {
  return [{ pointer, keyword: 'x-run-invariant', message }];
}

/**
 * Run invariants the schema cannot see (seq, ownership, pairing), then, when `validate`, the generated validator.
 */
export function problemsOf(
  protocol: Protocol,
  run: Run,
  event: unknown,
  validate: boolean,
): SchemaErrorItem[] | undefined {
  if (!isRecord(event)) return broken('', 'run event must be an object');
  const c = run.ctx;
  if (typeof event.type !== 'string' || !protocol.runEventTypes.has(event.type))
    return broken('/type', 'not a run event type');
  if (event.seq !== run.head + 1) return broken('/seq', `must be ${run.head + 1}`);
  if (event.run_id !== c.runId) return broken('/run_id', 'must be the run id');
  if (event.thread_id !== c.threadId) return broken('/thread_id', 'must be the run thread');
  if (event.user_id !== c.userId) return broken('/user_id', 'must be the run owner');
  if (event.agent_name !== c.agentName) return broken('/agent_name', 'must be the run agent');
  if ((event.type === 'agent_started') !== (run.head === 0)) return broken('/type', 'agent_started is exactly seq 1');
  if (event.type === 'agent_started' && event.request_id !== c.requestId)
    return broken('/request_id', 'must echo the request');
  if (event.type === 'tool_executing' && run.openToolCalls.has(String(event.tool_call_id))) {
    return broken('/tool_call_id', 'tool call already open');
  }
  if (
    event.type === 'tool_completed' &&
    run.openToolCalls.get(String(event.tool_call_id))?.toolName !== event.tool_name
  ) {
    return broken('/tool_call_id', 'no open tool call with this id and tool name');
  }
  if (!validate) return undefined;
  const checked = checkServerMessage(event);
  return checked.ok ? undefined : checked.errors;
}

/** Keeps the run's open tool calls and thinking step in step with a committed (or restored) event. */
export function trackEvent(run: Run, event: Record<string, unknown>): void {
  if (event.type === 'tool_executing') {
    run.openToolCalls.set(String(event.tool_call_id), {
      toolName: String(event.tool_name),
      startedAt: performance.now(),
    });
  } else if (event.type === 'tool_completed') {
    run.openToolCalls.delete(String(event.tool_call_id));
  } else if (event.type === 'agent_thinking' && typeof event.step_number === 'number') {
    run.thinkingSteps = event.step_number;
  }
}
