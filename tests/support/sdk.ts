// The generated typed client (generated/client.ts) in the tier tests: it takes a WebSocket constructor, so it gets
// the real `ws` WebSocket with a recording layer that writes every frame it sends and receives into the test's
// session, and so into the one rules checker. Nothing is faked: the socket is the real one.
import WebSocket from 'ws';
import type { WebSocketConstructorLike } from '../../generated/client';
import { subOf } from './client';
import type { SessionMember, TestSession } from './session';

function tokenOf(
  protocols: string | string[] | undefined,
  options: { headers?: Record<string, string> } | undefined,
): string | undefined {
  const bearer = options?.headers?.Authorization ?? options?.headers?.authorization;
  if (bearer?.startsWith('Bearer ')) return bearer.slice('Bearer '.length);
  const list = typeof protocols === 'string' ? [protocols] : (protocols ?? []);
  const offered = list.find((p) => p.startsWith('jwt.'));
  return offered?.slice('jwt.'.length);
}

/**
 * A WebSocket class for `new NetraClient({ WebSocket: recordingWebSocket(session) })`: each socket the client opens
 * is a real `ws` WebSocket whose every frame is recorded in `session` (open with the token's user, frames both
 * ways, close with who started it).
 *
 * @example
 * const client = new NetraClient({ url: stack.wsUrl, getToken, WebSocket: recordingWebSocket(session) });
 */
export function recordingWebSocket(session: TestSession): WebSocketConstructorLike {
  return class RecordingWebSocket extends WebSocket {
    private readonly connId: string;
    private byClient = false;
    private opened = false;
    private readonly member: SessionMember;

    constructor(url: string, protocols?: string | string[], options?: { headers?: Record<string, string> }) {
      super(url, protocols, { ...options, perMessageDeflate: false });
      const user = subOf(tokenOf(protocols, options));
      this.connId = session.connId(user);
      const closed = new Promise<void>((resolve) => this.once('close', () => resolve()));
      this.member = {
        close: async () => {
          if (this.readyState === WebSocket.CLOSED) return;
          this.close(1000, 'done');
          const timer = setTimeout(() => this.terminate(), 2_000);
          await closed;
          clearTimeout(timer);
        },
      };
      session.members.add(this.member);
      // Registered before the client's own handlers (set after construction), so records come first.
      this.on('open', () => {
        this.opened = true;
        session.open(this.connId, user);
      });
      this.on('message', (data, isBinary) => {
        session.frameText(this.connId, 's2c', isBinary ? `<binary ${String(data)}>` : data.toString());
      });
      this.on('close', (code, reason) => {
        session.members.delete(this.member);
        if (this.opened) session.close(this.connId, code, reason.toString(), this.byClient ? 'client' : 'server');
      });
      this.on('error', () => undefined);
    }

    override send(data: any, ...rest: any[]): void {
      if (this.readyState === WebSocket.OPEN) {
        const text =
          typeof data === 'string' ? data : Buffer.isBuffer(data) ? `<binary ${data.length} bytes>` : String(data);
        session.frameText(this.connId, 'c2s', text);
      }
      (super.send as (...args: any[]) => void)(data, ...rest);
    }

    override close(code?: number, reason?: string): void {
      if (this.readyState !== WebSocket.CLOSED) this.byClient = true;
      super.close(code, reason);
    }

    override terminate(): void {
      if (this.readyState !== WebSocket.CLOSED) this.byClient = true;
      super.terminate();
    }
  } as unknown as WebSocketConstructorLike;
}
