import { loadProtocol } from '../../protocol';
import { newId, nowIso } from '../ids';
import { checkServerMessage, unfinishedToolCompleted } from '../outgoing';
import { ClusterError } from './errors';

/** What a node records about a run it owns, so that a survivor can end it without the owner's memory. */
export interface RunRef {
  userId: string;
  runId: string;
  threadId: string;
  requestId: string;
  agentName: string;
}

/**
 * The events that end a run whose owner died, built from the run's log alone: agent_started when the log is
 * empty, a tool_completed (status error) for every tool call still open, then agent_error `code` (retryable).
 * Empty when the log already ends with a terminal event (the owner finished it before dying). Every event is
 * checked by the generated validator; an event the provider cannot build validly is REDIS_PROTOCOL (a foreign
 * or corrupt log), never sent.
 */
export function closingEvents(
  ref: RunRef,
  logged: readonly string[],
  code: string,
  message: string,
  now = Date.now(),
): Record<string, unknown>[] {
  const protocol = loadProtocol();
  const open = new Map<string, { toolName: string; startedAt: number }>();
  let head = 0;
  for (const text of logged) {
    const event = JSON.parse(text) as Record<string, unknown>;
    head = typeof event.seq === 'number' ? event.seq : head + 1;
    if (protocol.isTerminal(event.type)) return [];
    const callId = String(event.tool_call_id);
    if (event.type === 'tool_executing') {
      const at = typeof event.timestamp === 'string' ? Date.parse(event.timestamp) : now;
      open.set(callId, { toolName: String(event.tool_name), startedAt: Number.isFinite(at) ? at : now });
    } else if (event.type === 'tool_completed') {
      open.delete(callId);
    }
  }
  const out: Record<string, unknown>[] = [];
  const base = (type: string): Record<string, unknown> => ({
    type,
    event_id: newId('evt'),
    run_id: ref.runId,
    thread_id: ref.threadId,
    user_id: ref.userId,
    agent_name: ref.agentName,
    seq: head + out.length + 1,
    timestamp: nowIso(),
  });
  if (head === 0) out.push({ ...base('agent_started'), request_id: ref.requestId });
  for (const [callId, call] of open) {
    out.push({ ...base('tool_completed'), ...unfinishedToolCompleted(callId, call, code, now) });
  }
  out.push({ ...base('agent_error'), code, message, retryable: true });
  for (const event of out) {
    const checked = checkServerMessage(event);
    if (!checked.ok) {
      throw new ClusterError('REDIS_PROTOCOL', `run ${ref.runId}: closing ${String(event.type)} is invalid`);
    }
  }
  return out;
}
