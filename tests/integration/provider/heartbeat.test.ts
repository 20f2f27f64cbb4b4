import type { Stack } from '../../../src/provider';
import {
  afterEachCheck,
  connectAs,
  expectCompleteRun,
  mergeExactlyOnce,
  startTestStack,
} from '../../support/provider-harness';
import { waitUntil } from '../../support/util';

let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack({ heartbeatMs: 100, thinkMs: 40, toolMs: 40 });
});
afterEach(afterEachCheck);
afterAll(async () => {
  await stack.close();
});

test('connection_established announces the configured heartbeat interval', async () => {
  const client = await connectAs(stack, 'alice');
  expect(client.frames[0]).toMatchObject({ heartbeat_interval_ms: 100 });
});

test('a connection that answers pings stays open', async () => {
  const client = await connectAs(stack, 'alice');
  let pings = 0;
  client.ws.on('ping', () => pings++);
  // Four pings answered, however long a loaded machine takes to send them; the connection is open throughout.
  await waitUntil(() => pings >= 4 || client.ws.readyState !== client.ws.OPEN, 'four pings');
  expect(pings).toBeGreaterThanOrEqual(4);
  expect(client.ws.readyState).toBe(client.ws.OPEN);
});

test('a dead connection (no pongs) is terminated after two missed pongs and cleaned up; its run goes on', async () => {
  const before = stack.provider.stats().heartbeatTerminations;
  const dead = await connectAs(stack, 'bob', { autoPong: false });
  let pings = 0;
  dead.ws.on('ping', () => pings++);
  const run = await dead.start('heartbeat-1');
  const { code } = await dead.closed;
  expect(code).toBe(1006); // terminated, no close frame
  // Terminated at the sweep after the second unanswered ping: counted in pings, not in wall-clock time (a loaded
  // machine delays the sweeps, not their count).
  expect(pings).toBeGreaterThanOrEqual(1);
  expect(pings).toBeLessThanOrEqual(2);
  const stats = stack.provider.stats();
  expect(stats.heartbeatTerminations).toBe(before + 1);
  expect(stats.connections).toBe(0);

  const again = await connectAs(stack, 'bob');
  const held = dead.runEvents(String(run.run_id));
  again.send({ type: 'resume', run_id: run.run_id, last_seq: held.length });
  await again.waitForTerminal(String(run.run_id));
  expectCompleteRun(mergeExactlyOnce(held, again.runEvents(String(run.run_id))));
});
