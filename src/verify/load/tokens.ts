import { type TokenPair } from '../../auth';
import { fetchDevToken, refreshDevToken } from '../auth';

/**
 * The auth service as the load tool uses it: development tokens and refreshes with a bounded number of requests in
 * flight, so that a thousand users ramping up do not open a thousand HTTP connections at once.
 *
 * @example
 * const gate = new AuthGate('http://127.0.0.1:8001', 16);
 * const pair = await gate.token('load-u1', 900);
 */
export class AuthGate {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    readonly authUrl: string,
    private readonly concurrency = 16,
  ) {}

  token(sub: string, ttlS: number): Promise<TokenPair> {
    return this.limited(() => fetchDevToken(this.authUrl, sub, { ttlS, timeoutMs: 10_000 }));
  }

  refresh(refreshToken: string, ttlS: number): Promise<TokenPair> {
    return this.limited(() => refreshDevToken(this.authUrl, refreshToken, { ttlS, timeoutMs: 10_000 }));
  }

  private async limited<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}
