import { TimerWheel, WheelTimer } from '../../../../src/verify/load';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
    await sleep(150);
    expect(fired.map(([name]) => name)).toEqual(['a', 'b', 'c']);
    expect(fired[0][1]).toBeGreaterThanOrEqual(9);
    expect(fired[2][1]).toBeGreaterThanOrEqual(59);
    expect(wheel.size).toBe(0);
  });

  test('re-arming moves a timer; cancelling disarms it; a stopped wheel arms nothing', async () => {
    wheel = new TimerWheel(2);
    let moved = 0;
    let cancelled = 0;
    const move = new WheelTimer(() => moved++);
    const cancel = new WheelTimer(() => cancelled++);
    wheel.arm(move, 10);
    wheel.arm(move, 80);
    wheel.arm(cancel, 10);
    wheel.cancel(cancel);
    expect(cancel.armed).toBe(false);
    await sleep(40);
    expect(moved).toBe(0);
    await sleep(100);
    expect([moved, cancelled]).toEqual([1, 0]);
    wheel.stop();
    wheel.arm(move, 1);
    await sleep(20);
    expect(moved).toBe(1);
  });

  test('a timer further away than one turn of the wheel waits for its own tick', async () => {
    wheel = new TimerWheel(0.05); // 1024 slots * 0.05 ms: one turn is about 51 ms
    const t0 = performance.now();
    let at = 0;
    wheel.arm(new WheelTimer(() => (at = performance.now() - t0)), 120);
    await sleep(250);
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
    await sleep(120);
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
