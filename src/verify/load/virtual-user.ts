import type { TokenPair } from '../../auth';
import type { RequestTemplate } from './mix';
import type { Random } from './random';
import type { LoadSession } from './session';
import { Tab, type TabOwner, type TabSettings } from './tab';
import type { AuthGate } from './tokens';

/** How a virtual user is set up. */
export interface VirtualUserOptions {
  index: number;
  userId: string;
  tabs: number;
  session: LoadSession;
  settings: TabSettings;
  gate: AuthGate;
  random: Random;
  pickTemplate: (random: Random) => RequestTemplate;
  /** Lifetime asked for each access token; the user refreshes before it ends. */
  tokenTtlS: number;
  /** Mean time between random network drops of this user's tabs (exponential gaps); none when undefined. */
  dropEveryMs?: number;
}

/**
 * A person using the product: their own development token from the auth service (refreshed with its single-use
 * refresh token before it expires, and pushed to open tabs with auth_refresh), one or two tabs each looping over
 * requests of the mix, and, with `dropEveryMs`, a flaky network that drops one of the tabs now and then.
 *
 * @example
 * const user = new VirtualUser({ index: 0, userId: 'load-ab12-u0', tabs: 1, session, settings, gate, random, pickTemplate, tokenTtlS: 900 });
 * await user.run();   // returns after session.stop() and the run in flight
 * await user.close();
 */
export class VirtualUser implements TabOwner {
  readonly index: number;
  readonly userId: string;
  readonly session: LoadSession;
  readonly settings: TabSettings;
  private readonly tabs: Tab[] = [];
  private pair: TokenPair | undefined;
  private requests = 0;
  private refreshTimer: NodeJS.Timeout | undefined;
  private dropTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(private readonly opts: VirtualUserOptions) {
    this.index = opts.index;
    this.userId = opts.userId;
    this.session = opts.session;
    this.settings = opts.settings;
    for (let i = 0; i < opts.tabs; i++) this.tabs.push(new Tab(this, i));
  }

  async run(): Promise<void> {
    await this.acquireToken();
    if (this.session.stopping || this.pair === undefined) return;
    for (const tab of this.tabs) tab.connect();
    this.scheduleDrop();
    await Promise.all(this.tabs.map((tab) => tab.loop()));
  }

  /** Session stopping: loops waiting for a connection return. */
  wake(): void {
    this.session.cancel(this.dropTimer);
    for (const tab of this.tabs) tab.wake();
  }

  /** End of the run: what is still in flight is unfinished; sockets close normally. */
  async close(): Promise<void> {
    this.session.cancel(this.refreshTimer);
    this.session.cancel(this.dropTimer);
    for (const tab of this.tabs) tab.abandon();
    await Promise.all(this.tabs.map((tab) => tab.close()));
  }

  // ---- TabOwner ------------------------------------------------------------------------------------------------

  accessToken(): string {
    return this.pair?.access_token ?? '';
  }

  tokenRejected(): void {
    void this.refresh();
  }

  nextRequestId(): string {
    return `u${this.index}-r${++this.requests}`;
  }

  pickTemplate(): RequestTemplate {
    return this.opts.pickTemplate(this.opts.random);
  }

  pick<T>(items: readonly T[]): T {
    return this.opts.random.pick(items);
  }

  between(min: number, max: number): number {
    return this.opts.random.between(min, max);
  }

  chance(p: number): boolean {
    return p > 0 && this.opts.random.next() < p;
  }

  // ---- tokens --------------------------------------------------------------------------------------------------

  private async acquireToken(): Promise<void> {
    let backoff = 250;
    while (!this.session.stopping) {
      try {
        this.setPair(await this.opts.gate.token(this.userId, this.opts.tokenTtlS));
        this.session.counters.tokensIssued++;
        return;
      } catch (err) {
        this.session.error(codeOf(err, 'AUTH_FAILED'));
        await this.session.sleep(backoff);
        backoff = Math.min(5_000, backoff * 2);
      }
    }
  }

  private setPair(pair: TokenPair): void {
    this.pair = pair;
    this.session.cancel(this.refreshTimer);
    // Refresh with a margin of a fifth of the lifetime (at most a minute) so no connection ever sees its token expire.
    const margin = Math.min(60, pair.expires_in * 0.2);
    this.refreshTimer = this.session.after(
      Math.max(1_000, (pair.expires_in - margin) * 1000),
      () => void this.refresh(),
    );
  }

  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        const current = this.pair;
        let next: TokenPair;
        try {
          if (current === undefined) throw new Error('no token yet');
          next = await this.opts.gate.refresh(current.refresh_token, this.opts.tokenTtlS);
        } catch (err) {
          this.session.error(`REFRESH_${codeOf(err, 'FAILED')}`);
          next = await this.opts.gate.token(this.userId, this.opts.tokenTtlS);
        }
        if (this.session.closing) return;
        this.session.counters.tokenRefreshes++;
        this.setPair(next);
        for (const tab of this.tabs) tab.refreshToken(next.access_token);
      } catch (err) {
        this.session.error(codeOf(err, 'AUTH_FAILED'));
        if (!this.session.closing) this.refreshTimer = this.session.after(1_000, () => void this.refresh());
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  // ---- drops ---------------------------------------------------------------------------------------------------

  private scheduleDrop(): void {
    const mean = this.opts.dropEveryMs;
    if (mean === undefined || this.session.stopping) return;
    this.dropTimer = this.session.after(this.opts.random.exponential(mean), () => {
      if (this.session.stopping) return;
      const open = this.tabs.filter((tab) => tab.isEstablished);
      if (open.length > 0) this.opts.random.pick(open).drop('simulated network drop');
      this.scheduleDrop();
    });
  }
}

function codeOf(err: unknown, fallback: string): string {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) ? code : fallback;
}
