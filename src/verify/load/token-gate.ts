import type { IssuedToken, TokenSource } from '../auth/types';

/**
 * A target's token source as the load tool uses it: a bounded number of requests in flight, so that a thousand users
 * ramping up do not open a thousand HTTP connections (or run a thousand token commands) at once. A refresh uses the
 * source's own refresh where it has one, and mints a new token otherwise.
 *
 * @example
 * const gate = new TokenGate(target.auth, 16);
 * const issued = await gate.token('load-u1', 900);
 * const next = await gate.refresh('load-u1', issued, 900);
 */
export class TokenGate {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    readonly source: TokenSource,
    private readonly concurrency = 16,
  ) {}

  token(user: string, ttlS: number): Promise<IssuedToken> {
    return this.limited(() => this.source.token({ user, ttlS }));
  }

  refresh(user: string, previous: IssuedToken, ttlS: number): Promise<IssuedToken> {
    const source = this.source;
    if (source.refresh === undefined) return this.token(user, ttlS);
    return this.limited(() => (source.refresh as NonNullable<TokenSource['refresh']>).call(source, user, previous));
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
