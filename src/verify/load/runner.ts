import { loadRules } from '../../rules';
import { createSessionWriter, type SessionWriter } from '../../sessions';
import { EnvironmentMonitor } from './environment';
import { LoadError } from './errors';
import { LiveChecks } from './live-checks';
import { templatePicker } from './mix';
import type { LoadOptions, LoadProgress } from './options';
import { planLoad, type LoadPlan } from './plan';
import { probeTarget } from './probe';
import { Random } from './random';
import { buildReport } from './report-builder';
import type { LoadReport, ThresholdOutcome } from './report';
import { LoadContext } from './run-context';
import { sourceAddressPool } from './target';
import type { TabSettings } from './tab';
import { evaluateThresholds } from './thresholds';
import { TokenGate } from './token-gate';
import { VirtualUser } from './virtual-user';
import { WheelTimer } from './timer-wheel';

/** What {@link runLoad} returns. */
export interface LoadResult {
  report: LoadReport;
  /** Thresholds of the profile that the run broke. */
  broken: ThresholdOutcome[];
}

/**
 * Runs a bounded load against a target: `users` virtual users (this process's shard of them), each with its own
 * token from the target's token source, tabs looping over the request mix, random drops with resume (to the next URL
 * of the target), every frame checked live by the one rules checker; stops by itself after `durationS` plus a
 * bounded drain, and returns the report with the profile's thresholds evaluated. Throws LoadError (bad options,
 * NOT_LOOPBACK, TARGET_LIMIT, unknown profile, no user could connect).
 *
 * @example
 * const { report, broken } = await runLoad({ url: serve.wsUrl, authUrl: serve.authUrl, users: 20, durationS: 15, profile: 'ci', mix: 'ci' });
 * report.first_event_ms.p99; // e.g. 7.3
 * if (broken.length > 0) process.exitCode = 1;
 */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const plan = planLoad(opts);
  // A tag per run keeps user ids (and so request ids) apart between runs against one long-lived provider.
  const tag = Math.floor(Math.random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0');
  await probeTarget(plan.target, `load-${tag}-probe`, {
    ...(plan.authHint !== undefined ? { authHint: plan.authHint } : {}),
    ...(plan.ca !== undefined ? { ca: plan.ca } : {}),
  });
  return new LoadRun(plan, tag, opts).execute();
}

/**
 * One run, start to report: the shared context, the users, the ramp on the timer wheel, a tick a second (series,
 * progress), the stop after the duration, the bounded drain, the teardown.
 */
class LoadRun {
  private readonly ctx: LoadContext;
  private readonly users: VirtualUser[] = [];
  private readonly environment = new EnvironmentMonitor();
  private readonly recorder: SessionWriter | undefined;
  private readonly addresses = new Set<string>();
  private phase: LoadProgress['phase'] = 'ramp';

  constructor(
    private readonly plan: LoadPlan,
    private readonly tag: string,
    private readonly opts: LoadOptions,
  ) {
    const { settings, mix, target } = plan;
    let recorder: SessionWriter | undefined;
    this.ctx = new LoadContext(target.urls.length, (ctx) => {
      if (opts.recordFile !== undefined) {
        const scenario = `load ${settings.users} users ${settings.durationS} s mix ${mix.name}`;
        recorder = createSessionWriter(
          opts.recordFile,
          { scenario, provider: target.name },
          { clock: () => ctx.now(), secrets: () => target.auth.secrets() },
        );
      }
      return new LiveChecks(plan.profile, () => ctx.now(), loadRules(), recorder);
    });
    this.recorder = recorder;
    this.createUsers();
  }

  async execute(): Promise<LoadResult> {
    try {
      await this.drive();
    } finally {
      await this.teardown();
    }
    const { ctx, plan } = this;
    if (ctx.counters.connectionsOpened === 0) {
      const reasons =
        [...ctx.counters.errors.entries()].map(([code, n]) => `${code} x${n}`).join(', ') || 'no reason recorded';
      throw new LoadError(
        'TARGET_UNAVAILABLE',
        `no virtual user could connect to ${plan.target.urls.join(', ')}: ${reasons}`,
      );
    }
    const report = buildReport({
      ctx,
      settings: plan.settings,
      users: this.users.length,
      target: plan.target,
      embedded: plan.embedded,
      profile: plan.profileName,
      mix: plan.mix.name,
      environment: this.environment.finish(ctx.now()),
      sourceAddresses: this.addresses.size,
    });
    report.thresholds = evaluateThresholds(report, plan.thresholds);
    return { report, broken: report.thresholds.filter((t) => !t.ok) };
  }

  private createUsers(): void {
    const { settings, mix, target } = this.plan;
    const gate = new TokenGate(target.auth);
    const picker = templatePicker(mix);
    const nextAddress = sourceAddressPool(new URL(target.url).hostname);
    const tabSettings: TabSettings = {
      urls: target.urls,
      headers: target.headers,
      sourceAddress: () => {
        const address = nextAddress();
        if (address !== undefined) this.addresses.add(address);
        return address;
      },
      subprotocolShare: mix.subprotocolShare,
      handshakeTimeoutMs: 10_000,
      thinkMs: mix.thinkMs,
      runTimeoutMs: settings.runTimeoutS * 1000,
      fillWaitMs: 10_000,
    };
    if (this.plan.ca !== undefined) tabSettings.ca = this.plan.ca;
    for (const index of this.plan.userIndices) {
      const random = Random.forUser(settings.seed, index);
      this.users.push(
        new VirtualUser({
          index,
          userId: `load-${this.tag}-u${index}`,
          tabs: random.chance(mix.secondTabShare) ? 2 : 1,
          ctx: this.ctx,
          settings: tabSettings,
          gate,
          random,
          mix,
          pickTemplate: picker,
          tokenTtlS: settings.tokenTtlS,
          ...(settings.dropEveryS !== undefined ? { dropEveryMs: settings.dropEveryS * 1000 } : {}),
        }),
      );
    }
  }

  /** Ramp, duration, stop, drain. */
  private async drive(): Promise<void> {
    const { settings } = this.plan;
    const ctx = this.ctx;
    const rampMs = settings.rampS * 1000;
    if (rampMs === 0) this.phase = 'steady';
    for (const user of this.users) {
      const at = settings.users > 1 ? (user.index * rampMs) / settings.users : 0;
      ctx.wheel.arm(new WheelTimer(() => this.startUser(user)), at);
    }
    const ticker = setInterval(() => this.tick(), 1_000);
    try {
      await delay(rampMs);
      this.phase = 'steady';
      await delay(settings.durationS * 1000 - rampMs);
      this.phase = 'drain';
      ctx.stopping = true;
      for (const user of this.users) user.wake();
      let drainTimer: NodeJS.Timeout | undefined;
      await Promise.race([
        ctx.whenDrained(),
        new Promise<void>((resolve) => (drainTimer = setTimeout(resolve, settings.drainS * 1000))),
      ]);
      clearTimeout(drainTimer);
    } finally {
      clearInterval(ticker);
    }
  }

  private startUser(user: VirtualUser): void {
    if (this.ctx.stopping) return;
    user.start().catch((err: unknown) => {
      this.ctx.counters.error('USER_CRASHED');
      process.emitWarning(`load: virtual user ${user.userId} failed: ${(err as Error).message}`);
    });
  }

  private tick(): void {
    const { ctx, plan } = this;
    const c = ctx.counters;
    const eventsPerS = ctx.series.tick(c, ctx.live.total, this.environment.sampleHeapMb());
    this.opts.onTick?.({
      phase: this.phase,
      elapsedS: ctx.series.series.t_s.length,
      durationS: plan.settings.durationS,
      users: this.users.length,
      connections: c.connectionsOpen,
      runsInFlight: c.runsInFlight,
      eventsPerS,
      violations: ctx.live.total,
      runsCompleted: c.runsCompleted,
      runsFailed: c.runsFailed,
    });
  }

  private async teardown(): Promise<void> {
    const ctx = this.ctx;
    ctx.stopping = true;
    ctx.closing = true;
    await Promise.all(this.users.map((user) => user.close()));
    ctx.wheel.stop();
    ctx.live.finish();
    await this.recorder?.end();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
