// [hard] One greedy user cannot starve the others (issue 12 item 4). The greedy user opens connections past its cap
// (max_connections_per_user; the extra ones are refused TOO_MANY_CONNECTIONS) and keeps sending start_agent on all of
// them, as fast as the frame rate limit lets it, so that it always has max_concurrent_runs_per_user runs going (the
// rest refused TOO_MANY_RUNS), each fanned out to all its connections. Meanwhile bystanders start runs at a person's
// pace: every one is started and completes, and every rule holds on their traffic. How much the greed moves a
// bystander's first-event p99 is a figure, not a test: `npm run bench:slow-consumers` (ratio
// greedy_vs_baseline_first_event_p99, goal <= 2).
//
// Environment: GREEDY_SAMPLES (default 90 bystander runs under greed), GREEDY_FANOUT (serve
// --max-fanout-bytes-per-user).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  connectUser,
  createTestSession,
  expectNoViolations,
  killAllServe,
  profile,
  sleep,
  spawnServe,
  type RecordingClient,
  type ServeProcess,
  type TestSession,
} from '../support';
import { loadProtocol } from '../../src/protocol';

const SAMPLES = Number(process.env.GREEDY_SAMPLES ?? 90);
const LIMITS = loadProtocol().limits;
/** Two bystanders alternate, each a start every 120 ms: under both the frame rate and the run limit. */
const BYSTANDER_GAP_MS = 60;

/** `count` runs started by the bystanders, one start every BYSTANDER_GAP_MS; each must start and complete. */
async function bystanderRuns(bystanders: RecordingClient[], count: number, tag: string): Promise<number> {
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const client = bystanders[i % bystanders.length];
    pending.push(
      client.start(`${tag}-${i}`).then(async (answer) => {
        if (answer.type !== 'agent_started') throw new Error(`bystander start refused: ${JSON.stringify(answer)}`);
        const terminal = await client.waitForTerminal(String(answer.run_id));
        expect(terminal).toMatchObject({ type: 'agent_completed', status: 'success' });
      }),
    );
    await sleep(BYSTANDER_GAP_MS);
  }
  await Promise.all(pending);
  return count;
}

/** The greedy user in its own process (greedy-worker.ts): resolves once its connections are open. */
async function startGreedyWorker(
  serve: ServeProcess,
  tries: number,
): Promise<{ ready: number; greed(on: boolean): void; stop(): Promise<Record<string, number>> }> {
  const proc = spawn(
    process.execPath,
    ['-r', 'tsx/cjs', path.join(__dirname, 'greedy-worker.ts'), serve.wsUrl, serve.authUrl, String(tries)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines: string[] = [];
  const next = (): Promise<Record<string, number>> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (lines.length > 0) return resolve(JSON.parse(lines.shift()!) as Record<string, number>);
        setTimeout(check, 20);
      };
      proc.once('exit', (code) => lines.length === 0 && reject(new Error(`greedy worker exited ${code}`)));
      check();
    });
  createInterface({ input: proc.stdout! }).on('line', (line) => lines.push(line));
  const { ready } = await next();
  return {
    ready,
    greed: (on) => void proc.stdin!.write(on ? 'on\n' : 'off\n'),
    async stop() {
      proc.kill('SIGTERM');
      return next();
    },
  };
}

describe('[hard] a greedy user at its caps cannot starve a bystander', () => {
  let serve: ServeProcess;
  beforeAll(async () => {
    serve = await spawnServe({
      args: process.env.GREEDY_FANOUT ? ['--max-fanout-bytes-per-user', process.env.GREEDY_FANOUT] : [],
    });
  }, 45_000);
  afterAll(async () => {
    await serve?.stop();
    await killAllServe();
  }, 30_000);

  it('[hard] greedy user at its caps: connections and runs refused past them, every bystander run served', async () => {
    // Every rule holds on the bystanders' traffic; their first events may take longer than the ci profile's 500 ms
    // under greed on a shared 2-core machine (how much longer is bench:slow-consumers' figure), not longer than a run.
    const ci = profile('ci');
    const session: TestSession = createTestSession({
      scenario: 'greedy-user',
      keepRecords: false,
      profile: { ...ci, name: 'ci-greedy', first_event_ms: ci.terminal_ms },
    });
    const bystanders = [await connectUser(session, serve, 'by-1'), await connectUser(session, serve, 'by-2')];
    const worker = await startGreedyWorker(serve, LIMITS.max_connections_per_user + 3);
    expect(worker.ready).toBe(LIMITS.max_connections_per_user);
    worker.greed(true);
    await sleep(2_000); // the greedy user reaches its run cap
    const served = await bystanderRuns(bystanders, SAMPLES, 'greed');
    const counts = await worker.stop();
    process.stdout.write(`greedy user: ${JSON.stringify({ bystander_runs: served, greedy: counts })}\n`);
    expect(counts['connection:TOO_MANY_CONNECTIONS']).toBe(3);
    expect(counts.agent_started).toBeGreaterThan(0);
    expect(counts.TOO_MANY_RUNS).toBeGreaterThan(0);
    // Nothing the greedy user sent went unanswered.
    expect(counts.none ?? 0).toBe(0);
    await expectNoViolations(session);
  }, 180_000);
});
