import { loadProtocol, generatedValidators } from '../protocol';
import type { Connection } from './connection';
import { sendError, type ProviderContext } from './context';
import { parseClientFrame, requestIdOf, sniffRequestId } from './frame-guard';
import { answerFailure, messageHandlers } from './handlers';
import type { SchemaErrorItem } from './outgoing';
import { isRecord } from '../util/records';

const MAX_REPORTED_SCHEMA_ERRORS = 20;

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

/**
 * Every client frame of an authenticated connection: the rate limit, parsing (size, UTF-8, JSON, depth), the
 * message type and the generated validator, then the message's handler. Every refusal is one typed error_message;
 * every handler failure, sync or async, goes to {@link answerFailure}.
 */
export class FrameRouter {
  private readonly clientTypes = loadProtocol().clientTypes;
  private readonly validate = generatedValidators().validateClientMessage;
  private readonly frameLimits: { maxFrameBytes: number; maxJsonDepth: number };

  constructor(private readonly ctx: ProviderContext) {
    const { limits } = ctx.settings;
    this.frameLimits = { maxFrameBytes: limits.max_client_frame_bytes, maxJsonDepth: limits.max_json_depth };
  }

  /**
   * One frame; never throws, never leaves a rejection unhandled. Frames of one connection are handled in order: while
   * an async handler works, later frames queue behind it (at most the burst allowance; past it RATE_LIMITED).
   */
  handle(conn: Connection, data: Buffer, isBinary: boolean): void {
    if (conn.inFlight === undefined) {
      const pending = this.process(conn, data, isBinary);
      if (pending !== undefined) this.hold(conn, pending);
      return;
    }
    if (conn.queued >= this.ctx.settings.limits.client_frames_burst) {
      const requestId = isBinary ? undefined : sniffRequestId(data);
      sendError(this.ctx, conn, 'RATE_LIMITED', 'Too many frames waiting for an answer; this one was dropped.', {
        requestId,
      });
      return;
    }
    conn.queued++;
    const next = conn.inFlight.then(() => {
      conn.queued--;
      return conn.open ? this.process(conn, data, isBinary) : undefined;
    });
    this.hold(conn, next);
  }

  private hold(conn: Connection, pending: Promise<void>): void {
    conn.inFlight = pending;
    void pending.then(() => {
      if (conn.inFlight === pending) conn.inFlight = undefined;
    });
  }

  /** Admits and dispatches one frame; a promise (that never rejects) while an async handler works. */
  private process(conn: Connection, data: Buffer, isBinary: boolean): Promise<void> | undefined {
    let type = 'frame';
    let requestId: string | undefined;
    try {
      const msg = this.admit(conn, data, isBinary);
      if (msg === undefined) return undefined;
      type = msg.type as string;
      requestId = requestIdOf(msg);
      const handler = messageHandlers[type];
      if (handler === undefined) throw new Error(`no handler for the client message type ${type}`);
      const done = handler(this.ctx, conn, msg);
      if (!isPromiseLike(done)) return undefined;
      return Promise.resolve(done).then(
        () => undefined,
        (err: unknown) => answerFailure(this.ctx, conn, type, requestId, err),
      );
    } catch (err) {
      answerFailure(this.ctx, conn, type, requestId, err);
      return undefined;
    }
  }

  /** The frame as a valid client message, or undefined once it was refused (the refusal is sent). */
  private admit(conn: Connection, data: Buffer, isBinary: boolean): Record<string, unknown> | undefined {
    const { limits } = this.ctx.settings;
    if (!conn.bucket.take()) {
      // A bounded look for the request_id: a flood must stay cheap to refuse.
      const requestId = isBinary ? undefined : sniffRequestId(data);
      const rate = limits.client_frames_per_second;
      const text = `Too many frames: at most ${rate} per second (burst ${limits.client_frames_burst}); this one was dropped.`;
      sendError(this.ctx, conn, 'RATE_LIMITED', text, { requestId });
      return undefined;
    }
    const frame = parseClientFrame(data, isBinary, this.frameLimits);
    if (!frame.ok) return void sendError(this.ctx, conn, frame.code, frame.message, { requestId: frame.requestId });
    const msg = frame.value;
    if (!isRecord(msg)) {
      sendError(this.ctx, conn, 'SCHEMA_VALIDATION_FAILED', 'A message must be a JSON object with a "type".', {
        details: { errors: [{ pointer: '', keyword: 'type', message: 'must be object' }] },
      });
      return undefined;
    }
    const requestId = requestIdOf(msg);
    if (typeof msg.type !== 'string' || !this.clientTypes.has(msg.type)) {
      const shown = typeof msg.type === 'string' ? JSON.stringify(msg.type.slice(0, 64)) : 'missing';
      const expected = [...this.clientTypes].join(', ');
      sendError(this.ctx, conn, 'UNKNOWN_MESSAGE_TYPE', `Unknown message type ${shown}; expected one of ${expected}.`, {
        requestId,
      });
      return undefined;
    }
    const checked = this.validate(msg);
    if (!checked.ok) {
      const errors = (checked.errors as SchemaErrorItem[]).slice(0, MAX_REPORTED_SCHEMA_ERRORS);
      const first = errors[0];
      const text = `${msg.type}: ${first ? `${first.pointer || '/'} ${first.message}` : 'invalid'}`;
      sendError(this.ctx, conn, 'SCHEMA_VALIDATION_FAILED', text, { requestId, details: { errors } });
      return undefined;
    }
    return msg;
  }
}
