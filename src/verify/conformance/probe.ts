import { Writable } from 'stream';
import { createSessionWriter } from '../../sessions/writer';
import { redactText } from '../../util/redact';
import { LiveSession } from '../client';
import type { Target } from '../targets/types';
import { ConformanceError } from './errors';

/**
 * Checks that the target can be verified at all: a valid token from its token source, a WebSocket handshake with each
 * of its URLs, and `connection_established` as the first frame. Throws ConformanceError
 * `CONFORMANCE_TARGET_UNREACHABLE` (exit 2) saying which step failed; never writes a session.
 *
 * @example
 * await probeTarget(target, 'c0ffee.probe');
 */
export async function probeTarget(target: Target, user: string, timeoutMs = 10_000): Promise<void> {
  const unreachable = (why: string, cause?: unknown): ConformanceError =>
    new ConformanceError(
      'CONFORMANCE_TARGET_UNREACHABLE',
      redactText(`target ${target.name}: ${why}`, target.auth.secrets()),
      { cause },
    );
  let token: string;
  try {
    token = (await target.auth.token({ user })).token;
  } catch (err) {
    throw unreachable(`no valid token from its ${target.auth.kind} token source (${(err as Error).message})`, err);
  }
  const discard = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const live = new LiveSession(
    createSessionWriter(
      discard,
      { scenario: 'probe', provider: target.name },
      { secrets: () => target.auth.secrets() },
    ),
  );
  try {
    for (const [i, url] of target.urls.entries()) {
      let conn;
      try {
        conn = await live.connect(`probe-${i + 1}`, {
          url,
          user,
          token,
          tokenKind: 'valid',
          via: 'header',
          headers: target.headers,
          timeoutMs,
        });
      } catch (err) {
        throw unreachable((err as Error).message, err);
      }
      const c = conn;
      await live
        .waitUntil(() => c.received.length > 0 || !c.isOpen, timeoutMs, `${url}: first frame`)
        .catch(() => undefined);
      if (!c.accepted) {
        const first = c.received[0]?.msg;
        const why = first
          ? `${String(first.type)} ${String(first.error_code ?? '')}`
          : `close ${c.closeInfo?.code ?? 'none'}`;
        throw unreachable(`${url} did not accept a valid token (${why.trim()}): check the target's auth`);
      }
    }
  } finally {
    await live.end();
  }
}
