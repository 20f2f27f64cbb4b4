/**
 * One timer of a {@link TimerWheel}: created once by its owner (a tab's think timer, a run's timeout) and armed
 * again and again, so that scheduling allocates nothing. Intrusive list links: arming and cancelling are O(1).
 *
 * @example
 * const think = new WheelTimer(() => tab.onThinkDone());
 * wheel.arm(think, 250);
 */
export class WheelTimer {
  /** @internal */ prev: WheelTimer | null = null;
  /** @internal */ next: WheelTimer | null = null;
  /** @internal */ dueTick = 0;

  constructor(readonly fire: () => void) {}

  /** Armed and not yet fired or cancelled. */
  get armed(): boolean {
    return this.prev !== null;
  }
}

const SLOTS = 1024; // a power of two: the slot of a tick is `tick & (SLOTS - 1)`

/**
 * A hashed timer wheel (Varghese and Lauck) on one Node timer: every think time, run timeout, reconnect backoff and
 * token refresh of every virtual user is a {@link WheelTimer} in a slot, and one interval of `tickMs` fires the due
 * ones. Thousands of users cost one Node timer instead of thousands, and no timer allocates when re-armed. Timers
 * fire at most `tickMs` late (plus event-loop lag); a timer further away than one turn of the wheel stays in its slot
 * until its tick comes round.
 *
 * @example
 * const wheel = new TimerWheel(5);
 * const t = new WheelTimer(() => console.log('fired'));
 * wheel.arm(t, 100); // about 100 ms later
 * wheel.stop();       // at the end of the run: nothing keeps the process alive
 */
export class TimerWheel {
  private readonly slots: WheelTimer[] = [];
  private readonly firing = sentinel();
  private readonly t0 = performance.now();
  private tick = 0;
  private count = 0;
  private interval: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(readonly tickMs = 5) {
    // Each slot is the sentinel of a circular doubly-linked list.
    for (let i = 0; i < SLOTS; i++) this.slots.push(sentinel());
  }

  /** Timers armed now. */
  get size(): number {
    return this.count;
  }

  /** Arms (or re-arms) `timer` to fire in `ms` milliseconds. A stopped wheel ignores it. */
  arm(timer: WheelTimer, ms: number): void {
    if (this.stopped) return;
    if (timer.armed) this.unlink(timer);
    const elapsed = performance.now() - this.t0;
    // Idle (no Node timer): the current tick is wherever the clock is now.
    if (this.interval === undefined) this.tick = Math.max(this.tick, Math.floor(elapsed / this.tickMs));
    timer.dueTick = Math.max(this.tick + 1, Math.ceil((elapsed + Math.max(0, ms)) / this.tickMs));
    this.link(timer, this.slots[timer.dueTick & (SLOTS - 1)]);
    this.interval ??= setInterval(() => this.advance(), this.tickMs);
  }

  /** Disarms `timer` (a no-op when it is not armed). */
  cancel(timer: WheelTimer | undefined): void {
    if (timer?.armed) this.unlink(timer);
  }

  /** Resolves after `ms` (for the rare awaited pause: token retries). Resolves at once on a stopped wheel. */
  sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.arm(new WheelTimer(resolve), ms));
  }

  /** Disarms every timer and releases the Node timer; later `arm` calls are ignored. */
  stop(): void {
    this.stopped = true;
    for (const list of [...this.slots, this.firing]) {
      while (list.next !== list) this.unlink(list.next as WheelTimer);
    }
    this.release();
  }

  private advance(): void {
    const target = Math.floor((performance.now() - this.t0) / this.tickMs);
    while (this.tick < target && this.count > 0) {
      this.tick++;
      this.collectDue(this.slots[this.tick & (SLOTS - 1)]);
      // Fire from a list of their own: a callback may arm or cancel any timer, including the next due one.
      while (this.firing.next !== this.firing) {
        const timer = this.firing.next as WheelTimer;
        this.unlink(timer);
        timer.fire();
      }
    }
    if (this.count === 0) this.release();
  }

  /** Moves the slot's timers that are due now (not those a turn or more away) to the firing list. */
  private collectDue(sentinel: WheelTimer): void {
    let timer = sentinel.next as WheelTimer;
    while (timer !== sentinel) {
      const next = timer.next as WheelTimer;
      if (timer.dueTick <= this.tick) {
        this.unlink(timer);
        this.link(timer, this.firing);
      }
      timer = next;
    }
  }

  private link(timer: WheelTimer, sentinel: WheelTimer): void {
    timer.prev = sentinel.prev;
    timer.next = sentinel;
    (sentinel.prev as WheelTimer).next = timer;
    sentinel.prev = timer;
    this.count++;
  }

  private unlink(timer: WheelTimer): void {
    (timer.prev as WheelTimer).next = timer.next;
    (timer.next as WheelTimer).prev = timer.prev;
    timer.prev = null;
    timer.next = null;
    this.count--;
  }

  private release(): void {
    if (this.interval !== undefined) clearInterval(this.interval);
    this.interval = undefined;
  }
}

function noop(): void {}

/** The head of a circular doubly-linked list of timers (never armed itself). */
function sentinel(): WheelTimer {
  const head = new WheelTimer(noop);
  head.prev = head;
  head.next = head;
  return head;
}
