// Builds small, valid sessions for rule tests: events in the style of asyncapi.yaml's examples, seq and ids filled
// in. Used by the unit tests and by tests/contracts/negative/make-fixtures.ts.
import type { Direction } from '../../../src/sessions';

const EPOCH = Date.parse('2026-11-24T10:15:30.000Z');

export type Msg = Record<string, unknown>;
export type Record_ = Record<string, unknown>;

export interface RunOptions {
  runId: string;
  user: string;
  requestId?: string;
  threadId?: string;
  agentName?: string;
}

export const RECOMMENDATIONS = [
  {
    id: 'rec_route_gpt-4o',
    title: 'Route simple gpt-4o requests to gpt-4o-mini',
    category: 'model_routing',
    model: 'gpt-4o',
    estimated_monthly_savings_usd: 2400,
  },
  {
    id: 'rec_cache_claude',
    title: 'Cache repeated claude-3-5-sonnet prompts',
    category: 'caching',
    model: 'claude-3-5-sonnet',
    estimated_monthly_savings_usd: 1125.5,
  },
  {
    id: 'rec_batch_claude',
    title: 'Batch latency-tolerant claude-3-5-sonnet jobs',
    category: 'batching',
    model: 'claude-3-5-sonnet',
    estimated_monthly_savings_usd: 600,
  },
];

export const FINAL_RESPONSE =
  'Your 2 models cost about $12,960.00 a month. Three changes save an estimated $4,125.50 a month: route simple ' +
  'gpt-4o traffic to gpt-4o-mini ($2,400.00), cache repeated claude-3-5-sonnet prompts ($1,125.50), batch the ' +
  'latency-tolerant jobs ($600.00).';

export function timestamp(t: number): string {
  return new Date(EPOCH + Math.round(t)).toISOString();
}

/** One run's events, numbered 1, 2, 3, ... */
export class RunBuilder {
  seq = 0;
  private step = 0;
  readonly runId: string;
  readonly user: string;
  readonly requestId: string;
  readonly threadId: string;
  readonly agentName: string;

  constructor(options: RunOptions) {
    this.runId = options.runId;
    this.user = options.user;
    this.requestId = options.requestId ?? `req-${options.runId.slice(4)}`;
    this.threadId = options.threadId ?? `thr_${options.runId.slice(4)}`;
    this.agentName = options.agentName ?? 'cost_optimizer';
  }

  event(type: string, t: number, fields: Msg = {}): Msg {
    this.seq++;
    return {
      type,
      event_id: `evt_${this.runId.slice(4)}_${this.seq}`,
      run_id: this.runId,
      thread_id: this.threadId,
      user_id: this.user,
      agent_name: this.agentName,
      seq: this.seq,
      timestamp: timestamp(t),
      ...fields,
    };
  }

  startAgent(userRequest = 'Where can I cut our LLM inference spend without hurting latency?'): Msg {
    return { type: 'start_agent', request_id: this.requestId, user_request: userRequest };
  }

  started(t: number): Msg {
    return this.event('agent_started', t, { request_id: this.requestId });
  }

  thinking(t: number, reasoning = '2 models, 1,600,000 requests a month; pricing the current spend first.'): Msg {
    this.step++;
    return this.event('agent_thinking', t, { reasoning, step_number: this.step });
  }

  toolExecuting(t: number, callId: string, toolName: string, parameters: Msg = { models: 2 }): Msg {
    return this.event('tool_executing', t, { tool_call_id: callId, tool_name: toolName, parameters });
  }

  toolCompleted(
    t: number,
    callId: string,
    toolName: string,
    results: Msg = { monthly_spend_usd: 12960 },
    extra: Msg = {},
  ): Msg {
    return this.event('tool_completed', t, {
      tool_call_id: callId,
      tool_name: toolName,
      status: 'success',
      results,
      execution_time_ms: 190,
      ...extra,
    });
  }

  completed(t: number, fields: Msg = {}): Msg {
    return this.event('agent_completed', t, {
      status: 'success',
      final_response: FINAL_RESPONSE,
      result: {
        currency: 'USD',
        current_monthly_spend_usd: 12960,
        total_estimated_monthly_savings_usd: 4125.5,
        recommendations: RECOMMENDATIONS,
      },
      execution_time_ms: 1400,
      ...fields,
    });
  }

  error(
    t: number,
    code = 'TOOL_FAILED',
    message = "The spend forecaster could not price model 'mystery-llm'.",
    retryable = false,
  ): Msg {
    return this.event('agent_error', t, { code, message, retryable });
  }
}

/** Appends session records; `text()` gives the JSONL with the header on line 1. */
export class SessionBuilder {
  readonly records: Record_[] = [];
  private readonly header: Record_;

  constructor(scenario = 'unit', provider = 'session-builder') {
    this.header = {
      kind: 'header',
      spec: 'Netra Agent WebSocket@1.0.0',
      scenario,
      recorded_at: '2026-11-24T10:15:30.000Z',
      provider,
    };
  }

  /** An open record; `tokenKind` (other than valid) is written as `token_kind`: the credential presented. */
  open(conn: string, user: string | null, t: number, tokenKind?: string): this {
    this.records.push({ kind: 'open', t, conn, user, ...(tokenKind ? { token_kind: tokenKind } : {}) });
    return this;
  }

  /** open + connection_established (10 ms later). */
  connect(conn: string, user: string, t: number): this {
    this.open(conn, user, t);
    return this.s2c(conn, established(conn, user, t + 10), t + 10);
  }

  frame(conn: string, dir: Direction, msg: unknown, t: number): this {
    this.records.push({ kind: 'frame', t, conn, dir, msg });
    return this;
  }

  c2s(conn: string, msg: unknown, t: number): this {
    return this.frame(conn, 'c2s', msg, t);
  }

  /** An auth_refresh (token redacted, as recorded) presenting a credential of this kind. */
  refresh(conn: string, t: number, tokenKind = 'valid', requestId?: string): this {
    const msg = { type: 'auth_refresh', token: '<redacted>', ...(requestId ? { request_id: requestId } : {}) };
    this.records.push({
      kind: 'frame',
      t,
      conn,
      dir: 'c2s',
      msg,
      ...(tokenKind !== 'valid' ? { token_kind: tokenKind } : {}),
    });
    return this;
  }

  s2c(conn: string, msg: unknown, t: number): this {
    return this.frame(conn, 's2c', msg, t);
  }

  raw(conn: string, dir: Direction, text: string, t: number): this {
    this.records.push({ kind: 'frame', t, conn, dir, raw: text });
    return this;
  }

  /** The same server message to several connections, 1 ms apart (the order fan-out reaches them). */
  emit(conns: string[], msg: Msg, t: number): this {
    conns.forEach((conn, i) => this.s2c(conn, msg, t + i));
    return this;
  }

  close(conn: string, code: number, by: 'client' | 'server', t: number, reason = ''): this {
    this.records.push({ kind: 'close', t, conn, code, reason, by });
    return this;
  }

  text(): string {
    return `${[this.header, ...this.records].map((r) => JSON.stringify(r)).join('\n')}\n`;
  }
}

export function established(conn: string, user: string, t: number): Msg {
  return {
    type: 'connection_established',
    connection_id: `conn_${conn.replace(/[^A-Za-z0-9_-]/g, '')}000000`,
    user_id: user,
    server_time: timestamp(t),
    protocol_version: '1.0',
    heartbeat_interval_ms: 15000,
    max_frame_bytes: 65536,
  };
}

export function errorMessage(code: string, text: string, t: number, extra: Msg = {}): Msg {
  return { type: 'error_message', error_code: code, error_message: text, timestamp: timestamp(t), ...extra };
}

/**
 * A complete, valid run for `user` on `conns`: start_agent on conns[0], agent_started, thinking, a tool pair,
 * agent_completed. Returns the time after the last event.
 */
export function happyRun(b: SessionBuilder, run: RunBuilder, conns: string[], t0: number): number {
  b.c2s(conns[0], run.startAgent(), t0);
  b.emit(conns, run.started(t0 + 30), t0 + 30);
  b.emit(conns, run.thinking(t0 + 100), t0 + 100);
  b.emit(conns, run.toolExecuting(t0 + 200, 'call_1', 'cost_analyzer'), t0 + 200);
  b.emit(conns, run.toolCompleted(t0 + 400, 'call_1', 'cost_analyzer'), t0 + 400);
  b.emit(conns, run.completed(t0 + 600), t0 + 600);
  return t0 + 610;
}
