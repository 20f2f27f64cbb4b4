// The per-user fan-out pacer (a leaky bucket per user, one second of burst): pure, no sockets.
import { FanoutPacer } from '../../../src/provider/hub/fanout-pacer';

test('under the rate (one second of burst included) a user is never paused', () => {
  const pacer = new FanoutPacer(1000);
  expect(pacer.charge('alice', 600, 0)).toBe(0);
  expect(pacer.charge('alice', 400, 0)).toBe(0);
  // Half a second later 500 bytes have drained: 500 more still fit.
  expect(pacer.charge('alice', 500, 500)).toBe(0);
});

test('over the rate, the pause is what it takes to drain back to the burst', () => {
  const pacer = new FanoutPacer(1000);
  // 3000 bytes at once: 2000 over the 1000-byte burst, 2 s at 1000 B/s.
  expect(pacer.charge('greedy', 3000, 0)).toBe(2000);
  expect(pacer.delayMs('greedy', 1000)).toBe(1000);
  expect(pacer.delayMs('greedy', 2000)).toBe(0);
});

test('users are paced independently, and an emptied bucket is forgotten', () => {
  const pacer = new FanoutPacer(1000);
  pacer.charge('greedy', 10_000, 0);
  expect(pacer.charge('bystander', 500, 0)).toBe(0);
  expect(pacer.delayMs('greedy', 0)).toBe(9000);
  expect(pacer.size).toBe(2);
  pacer.delayMs('bystander', 10_000);
  pacer.delayMs('greedy', 10_000);
  expect(pacer.size).toBe(0);
});
