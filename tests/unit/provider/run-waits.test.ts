import { RunWaits, ZERO_WAITS_PER_TURN } from '../../../src/provider/run-waits';

/** True once a macrotask queued now has run: tells whether a wait left the event-loop turn. */
function turnMarker(): { passed: boolean } {
  const marker = { passed: false };
  setImmediate(() => (marker.passed = true));
  return marker;
}

test('zero waits resolve within the turn, and every ZERO_WAITS_PER_TURN-th one yields a macrotask', async () => {
  const waits = new RunWaits(new AbortController().signal);
  const marker = turnMarker();
  for (let i = 1; i < ZERO_WAITS_PER_TURN; i++) await waits.wait(0);
  expect(marker.passed).toBe(false); // a zero-latency run's events so far went out in one turn
  await waits.wait(0);
  expect(marker.passed).toBe(true); // the run let the event loop turn before going on
  const next = turnMarker();
  await waits.wait(0);
  expect(next.passed).toBe(false); // the count starts again after the yield
});

test('a timed wait leaves the turn and restarts the count of zero waits', async () => {
  const waits = new RunWaits(new AbortController().signal);
  for (let i = 1; i < ZERO_WAITS_PER_TURN; i++) await waits.wait(0);
  await waits.wait(1);
  const marker = turnMarker();
  for (let i = 1; i < ZERO_WAITS_PER_TURN; i++) await waits.wait(0);
  expect(marker.passed).toBe(false);
});

test('an abort rejects the wait in progress and every later wait, zero or not, with the reason', async () => {
  const controller = new AbortController();
  const waits = new RunWaits(controller.signal);
  await waits.wait(0); // no listener yet: the run never left the turn
  const pending = waits.wait(60_000);
  const reason = new Error('stopped');
  controller.abort(reason);
  await expect(pending).rejects.toBe(reason);
  await expect(waits.wait(0)).rejects.toBe(reason);
  await expect(waits.wait(5)).rejects.toBe(reason);
});
