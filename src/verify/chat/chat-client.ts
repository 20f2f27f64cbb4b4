import { randomBytes } from 'crypto';
import WebSocket from 'ws';
import { asRecord } from '../../util/records';
import { PROVIDER_CHOSEN_AUTH_CODES } from '../client';
import type { TokenSource } from '../auth/types';
import { ChatError } from './errors';
import { loadGeneratedClient } from './generated-client';

/** One frame the chat client received, with its arrival time and what the generated validators said about it. */
export interface ChatFrame {
  /** Milliseconds since the chat started (the token request included). */
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
  /** Where tokens come from (ignored when `token` is given). */
  tokens?: TokenSource;
  /** The user (token `sub`). */
  user: string;
  /** What to ask. */
  message: string;
  /** An access token to use instead of one from `tokens`. */
  token?: string;
  /** Agent to ask (`start_agent.agent_name`); default: the server chooses. */
  agentName?: string;
  /** Extra handshake headers. */
  headers?: Record<string, string>;
  /** Give up after this long. Default 60000. */
  timeoutMs?: number;
  /** Called for every frame received, in order. */
  onFrame?: (frame: ChatFrame) => void;
}

/** How a chat ended: the terminal event of its run. */
export interface ChatOutcome {
  /** `agent_completed.status`, or `error` for agent_error or a refused request. */
  status: 'success' | 'partial' | 'cancelled' | 'error';
  /** The terminal event (or the error_message that refused the request). */
  terminal: Record<string, unknown>;
  /** Frames that failed validation. */
  invalidFrames: number;
}

async function firstToken(opts: ChatOptions): Promise<string> {
  if (opts.token !== undefined) return opts.token;
  if (opts.tokens === undefined) throw new ChatError('CHAT_CONNECT_FAILED', 'no token and no token source');
  try {
    return (await opts.tokens.token({ user: opts.user })).token;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const detail = `${typeof code === 'string' ? `${code}: ` : ''}${(err as Error).message}`;
    throw new ChatError('CHAT_CONNECT_FAILED', `cannot get a token for ${opts.user} (${detail})`, { cause: err });
  }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new ChatError('CHAT_TIMEOUT', `no answer within ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function failure(err: unknown, url: string, established: boolean): ChatError {
  if (err instanceof ChatError) return err;
  const code = String((err as { code?: unknown }).code ?? '');
  const message = (err as Error).message;
  if (PROVIDER_CHOSEN_AUTH_CODES.has(code))
    return new ChatError('CHAT_AUTH_REFUSED', `${code}: ${message}`, { cause: err });
  if (!established) return new ChatError('CHAT_CONNECT_FAILED', `cannot connect to ${url}: ${message}`, { cause: err });
  return new ChatError('CHAT_CLOSED', `${code}: ${message}`, { cause: err });
}

/**
 * A one-shot terminal client on the generated client (`generated/client.ts`): gets a token (unless given one),
 * connects with `Authorization: Bearer`, sends one `start_agent` and reports every frame until the run's terminal
 * event; after a drop it reconnects and resumes by itself, as the generated client does. Rejects with ChatError.
 *
 * @example
 * const outcome = await runChat({ url, tokens, user: 'alice', message: 'Optimise my AI costs.', onFrame: (f) => console.log(f.t, f.msg?.type) });
 * outcome.status; // 'success'
 */
export async function runChat(opts: ChatOptions): Promise<ChatOutcome> {
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const { NetraClient, SERVER_MESSAGE_TYPES } = loadGeneratedClient();
  let token = await firstToken(opts);
  const client = new NetraClient({
    url: opts.url,
    getToken: async () => token,
    via: 'header',
    WebSocket: class extends WebSocket {
      constructor(url: string, protocols?: string | string[], options?: { headers?: Record<string, string> }) {
        super(url, protocols, { ...options, headers: { ...opts.headers, ...options?.headers } });
      }
    },
  });
  let invalidFrames = 0;
  const report = (msg: unknown, problems: ChatFrame['problems'] = []): void => {
    const raw = typeof msg === 'string' ? msg : JSON.stringify(msg);
    const parsed = asRecord(msg);
    opts.onFrame?.({ t: elapsed(), raw, ...(parsed ? { msg: parsed } : {}), problems });
  };
  for (const type of SERVER_MESSAGE_TYPES) client.on(type, (msg) => report(msg));
  client.on('invalid', ({ frame, errors }) => {
    invalidFrames++;
    report(frame, errors);
  });
  client.on('reconnecting', () => {
    if (opts.tokens !== undefined && opts.token === undefined)
      void firstToken(opts)
        .then((t) => (token = t))
        .catch(() => undefined);
  });
  let established = false;
  try {
    const answer = (async (): Promise<ChatOutcome> => {
      await client.connect();
      established = true;
      const request_id = `chat-${randomBytes(6).toString('hex')}`;
      const started = await client.startAgent({
        request_id,
        user_request: opts.message,
        ...(opts.agentName ? { agent_name: opts.agentName } : {}),
      });
      const terminal = (await client.waitForRun(started.run_id)) as unknown as Record<string, unknown>;
      const status = terminal.type === 'agent_error' ? 'error' : (terminal.status as ChatOutcome['status']);
      return { status, terminal, invalidFrames };
    })();
    return await withTimeout(answer, opts.timeoutMs ?? 60_000);
  } catch (err) {
    const refused = (err as { errorMessage?: Record<string, unknown> }).errorMessage;
    if (established && refused !== undefined && refused.request_id !== undefined)
      return { status: 'error', terminal: refused, invalidFrames };
    throw failure(err, opts.url, established);
  } finally {
    await client.close().catch(() => undefined);
  }
}
