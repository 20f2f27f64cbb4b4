import WebSocket from 'ws';
import { validateServerMessage } from '../../../generated/validators';
import { AuthError } from '../../auth';
import { fetchDevToken } from '../auth';
import { ProviderError } from '../../provider/errors';
import { newId } from '../../provider/ids';

/** One frame the chat client received, with its arrival time and what the generated validators said about it. */
export interface ChatFrame {
  /** Milliseconds since the chat started (the dev-token request included). */
  t: number;
  raw: string;
  /** Parsed JSON, when the frame was JSON. */
  msg?: Record<string, unknown>;
  /** Schema problems of the frame (empty when valid). */
  problems: { pointer: string; keyword: string; message: string }[];
}

/** Options of {@link runChat}. */
export interface ChatOptions {
  /** `ws://host:port/ws`. */
  url: string;
  /** The auth service, for a development token (ignored when `token` is given). */
  authUrl: string;
  /** The user (token `sub`). */
  user: string;
  /** What to ask. */
  message: string;
  /** An access token to use instead of fetching a development token. */
  token?: string;
  /** Agent to ask (`start_agent.agent_name`); default: the server chooses. */
  agentName?: string;
  /** Give up after this long. Default 60000. */
  timeoutMs?: number;
  /** Called for every frame received, in order. */
  onFrame?: (frame: ChatFrame) => void;
}

/** How a chat ended: the terminal event of its run. */
export interface ChatOutcome {
  /** `agent_completed.status`, or `error` for agent_error. */
  status: 'success' | 'partial' | 'cancelled' | 'error';
  /** The terminal event. */
  terminal: Record<string, unknown>;
  /** Frames that failed validation. */
  invalidFrames: number;
}

/**
 * A one-shot terminal client: gets a development token (unless given one), connects with `Authorization: Bearer`,
 * sends one `start_agent` and reports every frame until the run's terminal event. Connection and auth problems
 * reject with ProviderError (CHAT_CONNECT_FAILED, CHAT_AUTH_REFUSED, CHAT_CLOSED, CHAT_TIMEOUT; exit code 2).
 *
 * @example
 * const outcome = await runChat({
 *   url: 'ws://127.0.0.1:8000/ws', authUrl: 'http://127.0.0.1:8001', user: 'alice',
 *   message: 'Optimise my AI costs.', onFrame: (f) => console.log(f.t, f.msg?.type),
 * });
 * outcome.status; // 'success'
 */
export async function runChat(opts: ChatOptions): Promise<ChatOutcome> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  let token = opts.token;
  if (token === undefined) {
    try {
      token = (await fetchDevToken(opts.authUrl, opts.user)).access_token;
    } catch (err) {
      const detail = err instanceof AuthError ? `${err.code}: ${err.message}` : (err as Error).message;
      throw new ProviderError(
        'CHAT_CONNECT_FAILED',
        `cannot get a development token from ${opts.authUrl} (${detail}); is 'netra-contracts serve' running?`,
        { cause: err },
      );
    }
  }
  const requestId = `chat-${newId('run').slice(4)}`;
  const ws = new WebSocket(opts.url, { headers: { Authorization: `Bearer ${token}` }, handshakeTimeout: 10_000 });
  return new Promise<ChatOutcome>((resolve, reject) => {
    let established = false;
    let runId: string | undefined;
    let invalidFrames = 0;
    let settled = false;
    const finish = (outcome: ChatOutcome | ProviderError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000);
      if (outcome instanceof ProviderError) reject(outcome);
      else resolve(outcome);
    };
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const timer = setTimeout(
      () => finish(new ProviderError('CHAT_TIMEOUT', `no answer within ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
    ws.on('error', (err: NodeJS.ErrnoException) => {
      finish(
        new ProviderError('CHAT_CONNECT_FAILED', `cannot connect to ${opts.url}: ${err.code ?? err.message}`, {
          cause: err,
        }),
      );
    });
    ws.on('close', (code, reason) => {
      const why = reason.toString() || 'no reason';
      if (!established) {
        finish(
          new ProviderError(
            'CHAT_AUTH_REFUSED',
            `the server closed the connection before accepting it (${code} ${why})`,
          ),
        );
      } else {
        const hint = runId !== undefined ? `; the run goes on: reconnect and resume ${runId}` : '';
        finish(
          new ProviderError('CHAT_CLOSED', `the connection closed with ${code} (${why}) before the answer${hint}`),
        );
      }
    });
    ws.on('message', (data, isBinary) => {
      const raw = isBinary ? `<binary ${(data as Buffer).length} bytes>` : data.toString();
      const frame: ChatFrame = { t: elapsed(), raw, problems: [] };
      try {
        const parsed = JSON.parse(raw) as unknown;
        if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed))
          frame.msg = parsed as Record<string, unknown>;
      } catch {
        // reported below as a problem
      }
      const checked = validateServerMessage(frame.msg ?? raw);
      if (!checked.ok) {
        frame.problems = checked.errors;
        invalidFrames++;
      }
      opts.onFrame?.(frame);
      const msg = frame.msg;
      if (msg === undefined) return;
      if (!established) {
        if (msg.type === 'connection_established') {
          established = true;
          const start: Record<string, unknown> = {
            type: 'start_agent',
            request_id: requestId,
            user_request: opts.message,
          };
          if (opts.agentName !== undefined) start.agent_name = opts.agentName;
          ws.send(JSON.stringify(start));
        } else if (msg.type === 'error_message') {
          finish(new ProviderError('CHAT_AUTH_REFUSED', `${String(msg.error_code)}: ${String(msg.error_message)}`));
        }
        return;
      }
      if (msg.type === 'agent_started' && msg.request_id === requestId) runId = String(msg.run_id);
      if (msg.type === 'error_message' && msg.request_id === requestId) {
        finish({ status: 'error', terminal: msg, invalidFrames });
        return;
      }
      if (
        runId !== undefined &&
        msg.run_id === runId &&
        (msg.type === 'agent_completed' || msg.type === 'agent_error')
      ) {
        const status = msg.type === 'agent_error' ? 'error' : (msg.status as ChatOutcome['status']);
        finish({ status, terminal: msg, invalidFrames });
      }
    });
  });
}
