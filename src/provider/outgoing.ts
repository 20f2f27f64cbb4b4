import { generatedValidators } from '../protocol';
import { nowIso } from './ids';
import type { Logger } from './logger';

/** One schema error, as the generated validators report it and as `error_message.details.errors` carries it. */
export interface SchemaErrorItem {
  pointer: string;
  keyword: string;
  message: string;
}

/** Extra fields of an error_message. */
export interface ErrorExtras {
  requestId?: string;
  runId?: string;
  details?: Record<string, unknown>;
}

const MAX_TEXT = 2000;

function clip(text: string): string {
  const t = text.trim() === '' ? 'error' : text;
  return t.length > MAX_TEXT ? `${t.slice(0, MAX_TEXT - 1)}…` : t;
}

/** Validates a server message once and serialises it once; undefined (and logged) when it is not valid. */
export function encodeServerMessage(msg: Record<string, unknown>, logger: Logger): string | undefined {
  const checked = generatedValidators().validateServerMessage(msg);
  if (!checked.ok) {
    logger.error('refused to send an invalid server message', { type: msg.type, errors: checked.errors });
    return undefined;
  }
  return JSON.stringify(msg);
}

// One answer for every valid message: run events are checked one by one, and nothing reads or changes the answer.
const VALID: { readonly ok: true } = Object.freeze({ ok: true });

/** Validation result of a server message (run events are checked by the hub, which must react to a failure). */
export function checkServerMessage(msg: unknown): { ok: true } | { ok: false; errors: SchemaErrorItem[] } {
  const checked = generatedValidators().validateServerMessage(msg);
  return checked.ok ? VALID : { ok: false, errors: checked.errors as SchemaErrorItem[] };
}

/** Builds an `error_message`. */
export function errorMessage(code: string, message: string, extras: ErrorExtras = {}): Record<string, unknown> {
  const msg: Record<string, unknown> = { type: 'error_message', error_code: code, error_message: clip(message) };
  if (extras.details !== undefined) msg.details = extras.details;
  if (extras.requestId !== undefined) msg.request_id = extras.requestId;
  if (extras.runId !== undefined) msg.run_id = extras.runId;
  msg.timestamp = nowIso();
  return msg;
}

/**
 * Serialises an error_message; if it somehow fails validation (a provider bug), a bare INTERNAL_ERROR is sent
 * instead so the client is never left without an answer.
 */
export function encodeError(code: string, message: string, extras: ErrorExtras, logger: Logger): string {
  return (
    encodeServerMessage(errorMessage(code, message, extras), logger) ??
    JSON.stringify(errorMessage('INTERNAL_ERROR', 'The server could not describe this error.'))
  );
}

/** Clips free text to the 2000 characters error and agent_error messages allow. */
export function clipMessage(text: string): string {
  return clip(text);
}

/**
 * The `tool_completed` (status `error`, `code`) that pairs a tool call a run left open when it ended: written by the
 * run's own node, or by a surviving node for a dead one's run, with the same fields.
 *
 * @example
 * unfinishedToolCompleted('call_1', { toolName: 'cost_analyzer', startedAt: 10 }, 'CANCELLED', 250);
 */
export function unfinishedToolCompleted(
  callId: string,
  call: { toolName: string; startedAt: number },
  code: string,
  now: number,
): { type: 'tool_completed' } & Record<string, unknown> {
  return {
    type: 'tool_completed',
    tool_call_id: callId,
    tool_name: call.toolName,
    status: 'error',
    results: {},
    error: { code, message: 'The run ended before this tool call finished.' },
    execution_time_ms: Math.max(0, Math.round(now - call.startedAt)),
  };
}
