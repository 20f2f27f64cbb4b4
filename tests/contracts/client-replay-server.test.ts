// Consumer verification of every committed session: the generated client (generated/client.ts) is driven through
// the replay server, which serves the recording over a real WebSocket and checks every client frame. The client must
// receive exactly the recorded events, resume by itself after the recorded drop and expiry, and the replay server
// must find no mismatch.
import { performance } from 'perf_hooks';
import { readSession } from '../../src/sessions';
import { startReplayServer } from '../../src/verify/replay-server';
import { driveClientThroughSession } from './support/drive-client';
import { nameOf, sessionFiles } from './support/sessions';

describe('the generated client through the replay server', () => {
  it.each(sessionFiles().map((f) => [nameOf(f), f]))(
    '%s',
    async (_name, file) => {
      const session = await readSession(file);
      const server = await startReplayServer({ sessions: [session], speed: 0 });
      try {
        const outcomes = await driveClientThroughSession(session, server, 30_000);
        const summary = await server.done;
        expect(summary.sessions[0].mismatches).toEqual([]);
        expect(summary.sessions[0].complete).toBe(true);
        expect(summary.ok).toBe(true);
        for (const outcome of outcomes) {
          expect({ chain: outcome.chain, received: outcome.received }).toEqual({
            chain: outcome.chain,
            received: outcome.expected,
          });
          expect(outcome.invalid).toBe(0);
          expect(outcome.refusedWith).toBe(outcome.expectedRefusal);
        }
        // Every recorded server frame was delivered, every recorded client frame was sent.
        const served = summary.sessions[0].conns;
        const recorded = (dir: string, conn: string): number =>
          session.records.filter((r) => r.kind === 'frame' && r.dir === dir && r.conn === conn).length;
        for (const c of served) {
          expect([c.conn, c.framesSent]).toEqual([c.conn, recorded('s2c', c.conn)]);
          expect([c.conn, c.framesReceived]).toEqual([c.conn, recorded('c2s', c.conn)]);
        }
      } finally {
        await server.close();
      }
    },
    60_000,
  );

  it('resumes by itself after the recorded drop, each event once and in seq order', async () => {
    const session = await readSession(sessionFiles().find((f) => nameOf(f) === 'drop-resume') as string);
    const server = await startReplayServer({ sessions: [session], speed: 0 });
    try {
      const [omar] = await driveClientThroughSession(session, server, 30_000);
      expect(omar.chain).toEqual(['omar-1', 'omar-2']);
      const seqs = omar.received.filter((r) => r.includes(':')).map((r) => Number(r.split(':')[1]));
      expect(seqs).toEqual(seqs.map((_s, i) => i + 1));
      expect(omar.received.at(-1)).toMatch(/^agent_completed:/);
      expect(omar.received.filter((r) => r === 'connection_established')).toHaveLength(2);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('serves several sessions one after the other', async () => {
    const files = sessionFiles().filter((f) => ['first-message', 'agent-error'].includes(nameOf(f)));
    const sessions = await Promise.all(files.map((f) => readSession(f)));
    const server = await startReplayServer({ sessions, speed: 0 });
    try {
      for (const session of sessions) {
        const outcomes = await driveClientThroughSession(session, server, 30_000);
        for (const o of outcomes) expect(o.received).toEqual(o.expected);
      }
      const summary = await server.done;
      expect(summary.sessions.map((s) => [s.scenario, s.complete, s.mismatches.length])).toEqual([
        ['agent-error', true, 0],
        ['first-message', true, 0],
      ]);
      expect(summary.ok).toBe(true);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('serves at the recorded pace, and twice as fast with speed 2', async () => {
    const session = await readSession(sessionFiles().find((f) => nameOf(f) === 'cancelled-run') as string);
    const recordedMs = session.records.at(-1)!.t - session.records[0].t;
    const elapsed = async (speed: number): Promise<number> => {
      const server = await startReplayServer({ sessions: [session], speed });
      try {
        const t0 = performance.now();
        await driveClientThroughSession(session, server, 30_000);
        expect((await server.done).ok).toBe(true);
        return performance.now() - t0;
      } finally {
        await server.close();
      }
    };
    const normal = await elapsed(1);
    expect(normal).toBeGreaterThanOrEqual(recordedMs * 0.8);
    const fast = await elapsed(2);
    expect(fast).toBeGreaterThanOrEqual(recordedMs * 0.4);
    expect(fast).toBeLessThan(normal);
  }, 60_000);
});
