// The greedy user of greedy-user.test.ts, in its own process so that its 1,000+ frames a second do not share an event
// loop with the bystander whose latency the test measures. Uses the one harness (tests/support). Prints one JSON line
// with what its frames were answered with, on SIGTERM. A line `off` on stdin pauses the greed (no new start_agent),
// `on` resumes it, so that the test can alternate baseline and greed phases against the same processes.
// Usage: node -r tsx/cjs tests/stress/greedy-worker.ts <wsUrl> <authUrl> <connections to try>
import { createInterface } from 'node:readline';
import { connectUser, createTestSession, MULTI_TOOL_REQUEST, sleep, type RecordingClient } from '../support';
import { loadProtocol } from '../../src/protocol';

async function main(): Promise<void> {
  const [wsUrl, authUrl, tries] = process.argv.slice(2);
  const target = { wsUrl, authUrl };
  const session = createTestSession({ scenario: 'greedy-worker', keepRecords: false, check: false });
  const conns: RecordingClient[] = [];
  const counts: Record<string, number> = {};
  const count = (kind: string): void => void (counts[kind] = (counts[kind] ?? 0) + 1);
  for (let i = 0; i < Number(tries); i++) {
    const conn = await connectUser(session, target, 'greedy', { expect: 'any' });
    if (conn.frames[0]?.type === 'connection_established') conns.push(conn);
    else count(`connection:${String(conn.frames[0]?.error_code)}`);
  }
  let running = true;
  let greedy = true;
  process.on('SIGTERM', () => (running = false));
  createInterface({ input: process.stdin }).on('line', (line) => (greedy = line.trim() !== 'off'));
  process.stdout.write(`${JSON.stringify({ ready: conns.length })}\n`);
  const gapMs = 1000 / loadProtocol().limits.client_frames_per_second;
  await Promise.all(
    conns.map(async (conn, c) => {
      for (let i = 0; running && conn.isOpen; i++) {
        if (!greedy) {
          await sleep(50);
          continue;
        }
        const requestId = `greed-${c}-${i}`;
        const answer = await conn.start(requestId, MULTI_TOOL_REQUEST).catch(() => undefined);
        count(
          answer === undefined ? 'none' : answer.type === 'error_message' ? String(answer.error_code) : answer.type,
        );
        await sleep(gapMs);
      }
    }),
  );
  counts.frames_received = conns.reduce((sum, conn) => sum + conn.frames.length, 0);
  process.stdout.write(`${JSON.stringify(counts)}\n`);
  await session.abandon();
  process.exit(0);
}

void main();
