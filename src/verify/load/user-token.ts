import type { IssuedToken } from '../auth/types';
import type { LoadContext } from './run-context';
import { WheelTimer } from './timer-wheel';
import type { TokenGate } from './token-gate';

/**
 * A virtual user's access token over the run: fetched once (retried with backoff while the target's token source
 * fails), refreshed before it expires (a fifth of its lifetime early, at most a minute) through the source's refresh
 * where it has one, and renewed at once when the server says TOKEN_EXPIRED. Each renewal is pushed to the user's
 * open tabs (auth_refresh).
 *
 * @example
 * const token = new UserToken(ctx, gate, 'load-u1', 900, (access) => tabs.forEach((t) => t.refreshToken(access)));
 * if (await token.acquire()) connectTabs();
 */
export class UserToken {
  private issued: IssuedToken | undefined;
  private refreshing: Promise<void> | undefined;
  private readonly refreshTimer = new WheelTimer(() => void this.refresh());

  constructor(
    private readonly ctx: LoadContext,
    private readonly gate: TokenGate,
    readonly userId: string,
    private readonly ttlS: number,
    private readonly onRenewed: (access: string) => void,
  ) {}

  /** The current access token ('' before the first one). */
  get access(): string {
    return this.issued?.token ?? '';
  }

  /** Gets the first token; false when the run stopped before one could be had. */
  async acquire(): Promise<boolean> {
    let backoff = 250;
    while (!this.ctx.stopping) {
      try {
        this.set(await this.gate.token(this.userId, this.ttlS));
        this.ctx.counters.tokensIssued++;
        return true;
      } catch (err) {
        this.ctx.counters.error(codeOf(err, 'AUTH_FAILED'));
        await this.ctx.wheel.sleep(backoff);
        backoff = Math.min(5_000, backoff * 2);
      }
    }
    return false;
  }

  /** Renews the token now (one renewal at a time); on failure, tries again a second later. */
  refresh(): Promise<void> {
    this.refreshing ??= this.renew().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** End of the run: no more refreshes. */
  cancel(): void {
    this.ctx.wheel.cancel(this.refreshTimer);
  }

  private async renew(): Promise<void> {
    const counters = this.ctx.counters;
    try {
      let next: IssuedToken;
      try {
        if (this.issued === undefined) throw new Error('no token yet');
        next = await this.gate.refresh(this.userId, this.issued, this.ttlS);
      } catch (err) {
        counters.error(`REFRESH_${codeOf(err, 'FAILED')}`);
        next = await this.gate.token(this.userId, this.ttlS);
      }
      if (this.ctx.closing) return;
      counters.tokenRefreshes++;
      this.set(next);
      this.onRenewed(next.token);
    } catch (err) {
      counters.error(codeOf(err, 'AUTH_FAILED'));
      if (!this.ctx.closing) this.ctx.wheel.arm(this.refreshTimer, 1_000);
    }
  }

  private set(issued: IssuedToken): void {
    this.issued = issued;
    this.ctx.wheel.cancel(this.refreshTimer);
    if (issued.expiresAt === undefined) return; // the source does not say: renewed when the server says TOKEN_EXPIRED
    const lifetimeMs = issued.expiresAt - Date.now();
    const marginMs = Math.min(60_000, lifetimeMs * 0.2);
    this.ctx.wheel.arm(this.refreshTimer, Math.max(1_000, lifetimeMs - marginMs));
  }
}

/** The typed error code of a failure (UPPER_SNAKE), or the fallback. */
function codeOf(err: unknown, fallback: string): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) ? code : fallback;
}
