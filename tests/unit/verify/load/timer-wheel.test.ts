import { TimerWheel, WheelTimer } from '../../../../src/verify/load';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `done()` holds, for at most `limitMs` (a generous bound: the assertions that follow judge timing). */
async function until(done: () => boolean, limitMs: number): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!done() && performance.now() < deadline) await sleep(5);
}

describe('TimerWheel', () => {
  let wheel: TimerWheel;
  afterEach(() => wheel.stop());

  test('fires each timer once, no earlier than asked, in due order', async () => {
    wheel = new TimerWheel(2);
    const fired: [string, number][] = [];
    const t0 = performance.now();
    for (const [name, ms] of [
      ['c', 60],
      ['a', 10],
      ['b', 30],
    ] as const) {
      wheel.arm(new WheelTimer(() => fired.push([name, performance.now() - t0])), ms);
    }
    expect(wheel.size).toBe(3);
    await until(() => fired.length === 3, 5_000);
    expect(fired.map(([name]) => name)).toEqual(['a', 'b', 'c']);
    expect(fired[0][1]).toBeGreaterThanOrEqual(9);
    expect(fired[2][1]).toBeGreaterThanOrEqual(59);
    expect(wheel.size).toBe(0);
  });

  test('re-arming moves a timer; cancelling disarms it; a stopped wheel arms nothing', async () => {
    wheel = new TimerWheel(2);
    const t0 = performance.now();
    const movedAt: number[] = [];
    let cancelled = 0;
    const move = new WheelTimer(() => movedAt.push(performance.now() - t0));
    const cancel = new WheelTimer(() => cancelled++);
    wheel.arm(move, 10);
    wheel.arm(move, 80);
    wheel.arm(cancel, 10);
    wheel.cancel(cancel);
    expect(cancel.armed).toBe(false);
    expect(wheel.size).toBe(1);
    // Judged by the clock, not by a sleep: on a loaded machine a 40 ms sleep may itself last past 80 ms.
    await until(() => movedAt.length > 0, 5_000);
    await sleep(30);
    expect(movedAt).toHaveLength(1);
    expect(movedAt[0]).toBeGreaterThanOrEqual(79);
    expect(cancelled).toBe(0);
    wheel.stop();
    wheel.arm(move, 1);
    expect(wheel.size).toBe(0);
    await sleep(20);
    expect(movedAt).toHaveLength(1);
  });

  test('a timer further away than one turn of the wheel waits for its own tick', async () => {
    wheel = new TimerWheel(0.05); // 1024 slots * 0.05 ms: one turn is about 51 ms
    const t0 = performance.now();
    let at = 0;
    wheel.arm(new WheelTimer(() => (at = performance.now() - t0)), 120);
    await until(() => at > 0, 5_000);
    expect(at).toBeGreaterThanOrEqual(119);
  });

  test('a callback may cancel or re-arm the next due timer, or arm new ones', async () => {
    wheel = new TimerWheel(5);
    const fired: string[] = [];
    const second = new WheelTimer(() => fired.push('second'));
    const third = new WheelTimer(() => fired.push('third'));
    const first = new WheelTimer(() => {
      fired.push('first');
      wheel.cancel(second);
      wheel.arm(third, 20);
      wheel.arm(new WheelTimer(() => fired.push('new')), 1);
    });
    // Same tick for all three: the first one's callback changes the others while the tick is being fired.
    wheel.arm(first, 10);
    wheel.arm(second, 10);
    wheel.arm(third, 10);
    await until(() => fired.length >= 3, 5_000);
    await sleep(30);
    expect(fired).toEqual(['first', 'new', 'third']);
  });

  test('sleep resolves after the pause; stop releases everything so the process can exit', async () => {
    wheel = new TimerWheel(2);
    const t0 = performance.now();
    await wheel.sleep(20);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(19);
    wheel.arm(new WheelTimer(() => undefined), 60_000);
    wheel.stop();
    expect(wheel.size).toBe(0);
    await expect(wheel.sleep(10_000)).resolves.toBeUndefined();
  });
});
