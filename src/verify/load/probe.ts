import WebSocket from 'ws';
import type { Target } from '../targets/types';
import { LoadError } from './errors';

/** Options of {@link probeTarget}. */
export interface ProbeOptions {
  timeoutMs?: number;
  /** Added to the error when no token could be had (e.g. which flag is missing). */
  authHint?: string;
  /** The target's CA bundle (wss:// with a private CA). */
  ca?: Buffer;
}

/**
 * Before any load: one token from the target's token source and one connection to each of its URLs up to
 * `connection_established`, so that a wrong URL, a provider that is not running or an auth service that is not where
 * it was looked for fails in seconds (LoadError TARGET_UNAVAILABLE, exit 2) instead of after the whole duration.
 *
 * @example
 * await probeTarget(target, 'load-ab12-probe');
 */
export async function probeTarget(target: Target, user: string, opts: ProbeOptions = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let token: string;
  try {
    token = (await target.auth.token({ user })).token;
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'AUTH_FAILED';
    const hint = opts.authHint ?? `is the ${target.auth.kind} token source of target '${target.name}' reachable?`;
    throw new LoadError('TARGET_UNAVAILABLE', `cannot get a token (${code}: ${(err as Error).message}); ${hint}`, {
      cause: err,
    });
  }
  for (const url of target.urls) {
    try {
      await probeUrl(url, token, target.headers, timeoutMs, opts.ca);
    } catch (err) {
      // An auth service that answered where one was assumed may belong to another provider (serve started with
      // another --auth-port, a second stack on this host): its token is refused at the upgrade. Say which flag.
      if (opts.authHint !== undefined && err instanceof LoadError && REFUSED_UPGRADE.test(err.message))
        throw new LoadError('TARGET_UNAVAILABLE', `${err.message}; ${opts.authHint}`, { cause: err });
      throw err;
    }
  }
}

/**
 * The probe's words for a connection refused for want of a token the provider accepts: a 401/403 to the upgrade, or
 * (the reference provider) an `error_message` with a code the spec gives to a token it cannot verify.
 */
const REFUSED_UPGRADE = /HTTP 40[13] to the upgrade|"error_code":"(AUTH_FAILED|TOKEN_INVALID)"/;

function probeUrl(
  url: string,
  token: string,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
  ca: Buffer | undefined,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(url, {
      headers: { ...headers, Authorization: `Bearer ${token}` },
      handshakeTimeout: timeoutMs,
      perMessageDeflate: false,
      ...(ca !== undefined ? { ca } : {}),
    });
    const fail = (why: string): void => {
      clearTimeout(timer);
      ws.terminate();
      reject(new LoadError('TARGET_UNAVAILABLE', `cannot open a connection to ${url}: ${why}`));
    };
    const timer = setTimeout(() => fail(`no connection_established within ${timeoutMs} ms`), timeoutMs);
    ws.once('message', (data: Buffer) => {
      const text = data.toString();
      if (!text.includes('"connection_established"'))
        return fail(`the first frame was not connection_established: ${text.slice(0, 200)}`);
      clearTimeout(timer);
      ws.once('close', () => resolve());
      ws.close(1000, 'probe');
    });
    ws.once('unexpected-response', (_req, res) => fail(`HTTP ${res.statusCode ?? '?'} to the upgrade`));
    ws.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
  });
}
