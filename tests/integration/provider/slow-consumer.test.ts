import type { Socket } from 'node:net';
import type { Stack } from '../../../src/provider';
import {
  afterEachCheck,
  connectAs,
  expectCompleteRun,
  mergeExactlyOnce,
  judgeBy,
  startTestStack,
} from '../../support/provider-harness';
import { sleep } from '../../support/util';

const prices = require('../../../src/agents/pricing/prices.json') as { models: Record<string, unknown> };

const SEND_BUFFER = 256 * 1024;
const MAX_RUNS = 1_000;
const FANOUT_BYTES_PER_S = 1_000_000_000;
const FRAMES_PER_S = 1_000;
let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack({
    thinkMs: 0,
    toolMs: 0,
    sendBufferBytes: SEND_BUFFER,
    slowCloseGraceMs: 30_000,
    maxRunsPerUser: MAX_RUNS,
    // Overflowing the kernel buffers needs megabytes for one user fast: lift the fan-out pacing (a contract limit the
    // limits tests cover) so the pacer does not slow alice's runs down before the buffer fills.
    maxFanoutBytesPerUserPerSecond: FANOUT_BYTES_PER_S,
    // Loopback kernel buffers swallow ~4 MB before the server sees any backpressure: let one tab start runs fast
    // enough to produce that much.
    limits: { client_frames_per_second: FRAMES_PER_S, client_frames_burst: FRAMES_PER_S },
  });
});
afterEach(afterEachCheck);
afterAll(async () => {
  await stack.close();
});

test('a client that stops reading is closed 1013 with a bounded buffer, and resume then gets everything', async () => {
  // Every priced model: runs of ~16 events, ~22 KB each.
  const context = {
    workload: Object.keys(prices.models).map((model, i) => ({
      model,
      requests_per_month: 1_000_000 + i * 1000,
      avg_input_tokens: 1500,
      avg_output_tokens: 300,
    })),
  };
  // Every rule judges by the limits this provider runs with. The test starts many large runs at once to overflow
  // the buffer fast; on a loaded 2-core machine their first events can take longer than the ci profile's 500 ms:
  // latency is the load tool's and the tiers' business, so the first-event limit here is the terminal one.
  judgeBy({
    limits: {
      max_concurrent_runs_per_user: MAX_RUNS,
      max_fanout_bytes_per_user_per_second: FANOUT_BYTES_PER_S,
      max_send_buffer_bytes: SEND_BUFFER,
      client_frames_per_second: FRAMES_PER_S,
      client_frames_burst: FRAMES_PER_S,
    },
    profile: { first_event_ms: 45_000 },
  });
  // The paused tab reads, late, what the server sent long before: on its clock those frames arrive after events it
  // never got (dropped at overflow), which no recorder would see. It is left out of the rules session; what it got,
  // and what resume adds, is checked below (exactly once, complete, the same events as the fast tab's).
  const slow = await connectAs(stack, 'alice', { judged: false });
  const socket = (slow.ws as unknown as { _socket: Socket })._socket;
  socket.pause(); // stops reading: the server's writes pile up in the kernel, then in its send buffer
  const fast = await connectAs(stack, 'alice');

  const runIds: string[] = [];
  fast.ws.on('message', (data) => {
    const m = JSON.parse(data.toString()) as Record<string, unknown>;
    if (m.type === 'agent_started') runIds.push(String(m.run_id));
  });
  let sent = 0;
  const deadline = Date.now() + 60_000;
  while (stack.provider.stats().slowConsumerCloses === 0) {
    if (Date.now() > deadline || sent >= 2_000) throw new Error(`no slow-consumer close after ${sent} runs`);
    for (let i = 0; i < 25; i++)
      fast.send({ type: 'start_agent', request_id: `flood-${sent++}`, user_request: 'Cut costs.', context });
    await sleep(50);
  }
  const stats = stack.provider.stats();
  expect(stats.peakBufferedBytes).toBeLessThanOrEqual(SEND_BUFFER);
  expect(fast.ws.readyState).toBe(fast.ws.OPEN); // only the slow tab is closed

  socket.resume();
  expect((await slow.closed).code).toBe(1013);
  await fast.waitFor((m) => m.request_id === `flood-${sent - 1}`, { timeoutMs: 30_000 });
  await Promise.all(runIds.map((id) => fast.waitForTerminal(id, 30_000)));

  // Reconnect and resume every run from what the slow tab holds: every run complete, nothing twice.
  const back = await connectAs(stack, 'alice');
  for (const runId of runIds) back.send({ type: 'resume', run_id: runId, last_seq: slow.runEvents(runId).length });
  for (const runId of runIds) {
    const complete = fast.runEvents(runId);
    const held = slow.runEvents(runId);
    if (held.length < complete.length) await back.waitForTerminal(runId, 30_000);
    const union = mergeExactlyOnce(held, back.runEvents(runId));
    expectCompleteRun(union);
    expect(union.map((m) => m.event_id)).toEqual(complete.map((m) => m.event_id));
  }
  expect(runIds.some((id) => slow.runEvents(id).length < fast.runEvents(id).length)).toBe(true);
}, 120_000);
