import { buildStartAgent, userWorkload, type Mix, type RequestTemplate, type Workload } from './mix';
import type { Random } from './random';
import type { LoadContext } from './run-context';
import { Tab, type TabOwner, type TabSettings } from './tab';
import { WheelTimer } from './timer-wheel';
import type { TokenGate } from './token-gate';
import { UserToken } from './user-token';

/** How a virtual user is set up. */
export interface VirtualUserOptions {
  /** Global index of the user in the whole run (across shards and workers). */
  index: number;
  userId: string;
  tabs: number;
  ctx: LoadContext;
  settings: TabSettings;
  gate: TokenGate;
  /** The user's own stream of the seeded PRNG. */
  random: Random;
  mix: Mix;
  pickTemplate: (random: Random) => RequestTemplate;
  /** Lifetime asked for each access token; the user renews it before it ends. */
  tokenTtlS: number;
  /** Mean time between random network drops of this user's tabs (exponential gaps); none when undefined. */
  dropEveryMs?: number;
}

/**
 * A person using the product: their own token from the target's token source (renewed before it expires and pushed
 * to open tabs with auth_refresh), one or two tabs each looping over requests of the mix, and, with `dropEveryMs`, a
 * flaky network that drops one of the tabs now and then.
 *
 * @example
 * const user = new VirtualUser({ index: 0, userId: 'load-ab12-u0', tabs: 1, ctx, settings, gate, random, mix, pickTemplate, tokenTtlS: 900 });
 * await user.start();  // token, then the tabs connect and loop on their own
 * await user.close();  // end of the run
 */
export class VirtualUser implements TabOwner {
  readonly index: number;
  readonly userId: string;
  readonly ctx: LoadContext;
  readonly settings: TabSettings;
  readonly random: Random;
  private readonly tabs: Tab[] = [];
  private readonly token: UserToken;
  private readonly workload: Workload | undefined;
  private readonly dropTimer = new WheelTimer(() => this.onDropTimer());
  private requests = 0;

  constructor(private readonly opts: VirtualUserOptions) {
    this.index = opts.index;
    this.userId = opts.userId;
    this.ctx = opts.ctx;
    this.settings = opts.settings;
    this.random = opts.random;
    this.workload = userWorkload(opts.mix, opts.random);
    this.token = new UserToken(opts.ctx, opts.gate, opts.userId, opts.tokenTtlS, (access) => {
      for (const tab of this.tabs) tab.refreshToken(access);
    });
    for (let i = 0; i < opts.tabs; i++) this.tabs.push(new Tab(this, i));
  }

  /** Gets the user's token, then connects its tabs and starts their loops (which go on by themselves). */
  async start(): Promise<void> {
    if (!(await this.token.acquire()) || this.ctx.stopping) return;
    for (const tab of this.tabs) tab.start();
    this.scheduleDrop();
  }

  /** The run is stopping: no more drops; loops without a run in flight end now. */
  wake(): void {
    this.ctx.wheel.cancel(this.dropTimer);
    for (const tab of this.tabs) tab.wake();
  }

  /** End of the run: what is still in flight is unfinished; sockets close normally. */
  async close(): Promise<void> {
    this.token.cancel();
    this.ctx.wheel.cancel(this.dropTimer);
    for (const tab of this.tabs) tab.abandon();
    await Promise.all(this.tabs.map((tab) => tab.close()));
  }

  // ---- TabOwner ------------------------------------------------------------------------------------------------

  accessToken(): string {
    return this.token.access;
  }

  tokenRejected(): void {
    void this.token.refresh();
  }

  nextRequest(): { template: RequestTemplate; requestId: string; msg: Record<string, unknown> } {
    const template = this.opts.pickTemplate(this.random);
    const requestId = `u${this.index}-r${++this.requests}`;
    const msg = buildStartAgent(template, this.random.pick(template.userRequests), requestId, this.workload);
    return { template, requestId, msg };
  }

  // ---- drops ---------------------------------------------------------------------------------------------------

  private scheduleDrop(): void {
    const mean = this.opts.dropEveryMs;
    if (mean === undefined || this.ctx.stopping) return;
    this.ctx.wheel.arm(this.dropTimer, this.random.exponential(mean));
  }

  private onDropTimer(): void {
    if (this.ctx.stopping) return;
    const open = this.tabs.filter((tab) => tab.isEstablished);
    if (open.length > 0) this.random.pick(open).drop('simulated network drop');
    this.scheduleDrop();
  }
}
