import type { Stack } from '../../../src/provider';
import {
  afterEachCheck,
  connectAs,
  expectCompleteRun,
  mergeExactlyOnce,
  startTestStack,
  type Msg,
} from '../../support/provider-harness';
import { sleep } from '../../support/util';

let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack({ thinkMs: 25, toolMs: 25 });
});
afterEach(afterEachCheck);
afterAll(async () => {
  await stack.close();
});

async function waitUntil(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(10);
  }
}

test('a client that drops mid-run and resumes on a new connection gets every event exactly once', async () => {
  const first = await connectAs(stack, 'alice');
  const started = await first.start('drop-1');
  const runId = String(started.run_id);
  await first.waitFor((m) => m.run_id === runId && m.seq === 3);
  await first.drop(); // an abrupt drop, no close handshake
  const before = first.runEvents(runId);
  const lastSeq = Number(before[before.length - 1].seq);
  await sleep(60); // the run goes on meanwhile

  const second = await connectAs(stack, 'alice');
  second.send({ type: 'resume', run_id: runId, last_seq: lastSeq });
  await second.waitForTerminal(runId);
  const after = second.runEvents(runId);
  expect(Math.min(...after.map((m) => Number(m.seq)))).toBe(lastSeq + 1);
  expectCompleteRun(mergeExactlyOnce(before, after));
});

test('a user with no open connection loses nothing: the run completes and waits for resume', async () => {
  const client = await connectAs(stack, 'bob');
  const started = await client.start('offline-1');
  const runId = String(started.run_id);
  await client.close();
  await waitUntil(() => stack.provider.stats().activeRuns === 0);

  const back = await connectAs(stack, 'bob');
  back.send({ type: 'resume', run_id: runId, last_seq: 0 });
  await back.waitForTerminal(runId);
  const events = back.runEvents(runId);
  expectCompleteRun(events);
  expect(events[0]).toMatchObject({ event_id: started.event_id, request_id: 'offline-1' });
});

test('a tab opened mid-run gets the run live from the moment it connected; resume fills the rest exactly once', async () => {
  const tab1 = await connectAs(stack, 'carol');
  const started = await tab1.start('late-tab');
  const runId = String(started.run_id);
  await tab1.waitFor((m) => m.run_id === runId && m.seq === 4);
  const tab2 = await connectAs(stack, 'carol');
  const firstLive = await tab2.waitFor((m) => m.run_id === runId);
  expect(Number(firstLive.seq)).toBeGreaterThanOrEqual(5);
  const liveBeforeResume = tab2.runEvents(runId).length;
  tab2.send({ type: 'resume', run_id: runId, last_seq: 2 });
  await tab2.waitForTerminal(runId);
  await tab2.waitFor((m) => m.run_id === runId && m.seq === 3);
  const all = tab1.runEvents(runId);
  expectCompleteRun(all);
  const got = tab2.runEvents(runId);
  expect(mergeExactlyOnce(got)).toEqual(all.slice(2));
  // Live events came in order, and the history (3 .. joined) came in order after the resume.
  const history = got.slice(liveBeforeResume).filter((m) => Number(m.seq) < Number(firstLive.seq));
  expect(history.map((m) => m.seq)).toEqual(all.slice(2, Number(firstLive.seq) - 1).map((m) => m.seq));
});

test('resume on a connection that already has the events repeats nothing', async () => {
  const client = await connectAs(stack, 'dave');
  const started = await client.start('same-conn');
  const runId = String(started.run_id);
  await client.waitForTerminal(runId);
  const count = client.runEvents(runId).length;
  client.send({ type: 'resume', run_id: runId, last_seq: 0 });
  client.send({ type: 'resume', run_id: runId, last_seq: 3 });
  await sleep(80);
  expect(client.runEvents(runId)).toHaveLength(count);
  expect(client.frames.filter((m) => m.type === 'error_message')).toEqual([]);
});

test('tabs connecting and resuming while a fast run emits: each gets exactly last_seq+1..n', async () => {
  const fast = await startTestStack({ thinkMs: 1, toolMs: 1, maxConnectionsPerUser: 8 });
  try {
    const owner = await connectAs(fast, 'erin');
    const started = await owner.start('race-1');
    const runId = String(started.run_id);
    // Six tabs open after the run started (seven connections of one user: over the contract's 5, raised here); each resumes the moment it is connected, claiming what the owner holds
    // at that moment, while the run keeps emitting.
    const tabs = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(async (i) => {
        await sleep(i * 3);
        const tab = await connectAs(fast, 'erin');
        const held = owner.runEvents(runId).length;
        tab.send({ type: 'resume', run_id: runId, last_seq: held });
        return { tab, held };
      }),
    );
    await owner.waitForTerminal(runId);
    const all = owner.runEvents(runId);
    expectCompleteRun(all);
    for (const { tab, held } of tabs) {
      await waitForSuffix(tab, all, held);
      expectSuffixFrom(tab.runEvents(runId), all, held);
    }
  } finally {
    await fast.close();
  }
});

test('resume after a reconnect while events are being emitted: no duplicate, no gap', async () => {
  const fast = await startTestStack({ thinkMs: 1, toolMs: 1 });
  try {
    const owner = await connectAs(fast, 'frank');
    for (let round = 0; round < 5; round++) {
      const started = await owner.start(`emit-race-${round}`);
      const runId = String(started.run_id);
      const tab = await connectAs(fast, 'frank');
      const held = owner.runEvents(runId).length;
      tab.send({ type: 'resume', run_id: runId, last_seq: held });
      await owner.waitForTerminal(runId);
      const all = owner.runEvents(runId);
      await waitForSuffix(tab, all, held);
      expectSuffixFrom(tab.runEvents(runId), all, held);
      await tab.close();
    }
  } finally {
    await fast.close();
  }
});

test('ended runs are kept for retentionMs only, and at most maxRetainedRuns of them', async () => {
  const short = await startTestStack({ retentionMs: 300, maxRetainedRuns: 2, sweepMs: 50 });
  try {
    const client = await connectAs(short, 'gina');
    const runs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const started = await client.start(`kept-${i}`);
      runs.push(String(started.run_id));
      await client.waitForTerminal(String(started.run_id));
    }
    const tab = await connectAs(short, 'gina');
    let from = tab.mark();
    tab.send({ type: 'resume', run_id: runs[0], last_seq: 0 }); // evicted by the count cap
    expect(await tab.nextError(from)).toMatchObject({ error_code: 'FORBIDDEN' });
    tab.send({ type: 'resume', run_id: runs[2], last_seq: 0 });
    expectCompleteRun(await waitForRun(tab, runs[2]));
    expect(short.provider.stats().retainedRuns).toBeLessThanOrEqual(2);
    // Expired by a sweep at least 300 ms after the run ended: waited for, not slept for (sweeps run late when loaded).
    await waitUntil(() => short.provider.stats().retainedRuns === 0, 20_000);
    from = tab.mark();
    const other = await connectAs(short, 'gina');
    other.send({ type: 'resume', run_id: runs[2], last_seq: 0 }); // expired by time
    expect(await other.nextError(0)).toMatchObject({ error_code: 'FORBIDDEN' });
    expect(short.provider.stats().retainedRuns).toBe(0);
  } finally {
    await short.close();
  }
});

/**
 * What a tab that joined under way and then resumed from `held` has: every event after `held` exactly once, plus
 * possibly live events at or before `held` that the server emitted after the tab joined but before the resume
 * (the client's own count lagged the server): in seq order, a gapless suffix of the run.
 */
function expectSuffixFrom(got: Msg[], all: Msg[], held: number): void {
  const merged = mergeExactlyOnce(got);
  expect(merged.length).toBeGreaterThanOrEqual(all.length - held);
  expect(merged).toEqual(all.slice(all.length - merged.length));
}

/**
 * Waits (generously) until `tab` holds every seq after `held`: the live terminal can arrive before the replayed
 * history does, so the terminal alone does not mean the tab is done.
 */
async function waitForSuffix(tab: Awaited<ReturnType<typeof connectAs>>, all: Msg[], held: number): Promise<void> {
  const runId = String(all[0].run_id);
  const missing = () => {
    const seqs = new Set(tab.runEvents(runId).map((m) => Number(m.seq)));
    return all.slice(held).some((m) => !seqs.has(Number(m.seq)));
  };
  await waitUntil(() => !missing(), 20_000).catch(() => undefined); // expectSuffixFrom then says what is missing
  await sleep(20); // room for a duplicate to show up
}

async function waitForRun(client: Awaited<ReturnType<typeof connectAs>>, runId: string): Promise<Msg[]> {
  await client.waitForTerminal(runId);
  return client.runEvents(runId);
}
