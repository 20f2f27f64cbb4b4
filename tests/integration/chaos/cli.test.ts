import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { connectClient, startEchoServer, type TestServer } from './helpers';

const bin = join(__dirname, '../../../bin/netra-contracts.js');

/** A running `netra-contracts chaos` with its stdout parsed as JSON lines. */
class CliRun {
  readonly child: ChildProcess;
  readonly events: Record<string, unknown>[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  private listeners: (() => void)[] = [];

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [bin, 'chaos', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let buffered = '';
    this.child.stdout?.on('data', (data: Buffer) => {
      buffered += data.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) this.events.push(JSON.parse(line) as Record<string, unknown>);
      for (const listener of this.listeners) listener();
    });
    this.child.stderr?.on('data', (data: Buffer) => (this.stderr += data.toString()));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** Resolves with the first event matching `predicate`; rejects after `timeoutMs`. */
  waitFor(
    predicate: (event: Record<string, unknown>) => boolean,
    timeoutMs = 30_000,
  ): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((listener) => listener !== check);
        reject(new Error(`no matching event in ${JSON.stringify(this.events)} / ${this.stderr}`));
      }, timeoutMs);
      const check = (): void => {
        const found = this.events.find(predicate);
        if (!found) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((listener) => listener !== check);
        resolve(found);
      };
      this.listeners.push(check);
      check();
    });
  }
}

describe('netra-contracts chaos (CLI)', () => {
  let echo: TestServer;
  const runs: CliRun[] = [];

  beforeAll(async () => {
    echo = await startEchoServer();
  });
  afterAll(async () => {
    for (const run of runs) if (run.child.exitCode === null) run.child.kill('SIGKILL');
    await Promise.all(runs.map((run) => run.exited));
    await echo.close();
  });

  function run(args: string[]): CliRun {
    const started = new CliRun(args);
    runs.push(started);
    return started;
  }

  it('proxies with toxics, logs one JSON line per event, and stops by itself after --duration', async () => {
    const cli = run([
      '--upstream',
      `127.0.0.1:${echo.port}`,
      '--listen',
      '127.0.0.1:0',
      '--toxic',
      'latency:ms=150',
      '--toxic',
      'slicer:size=2,name=tiny',
      '--duration',
      '3',
      '--stats-every',
      '0.5',
      '--seed',
      '9',
    ]);
    const listening = await cli.waitFor((event) => event.event === 'listening');
    expect(listening).toMatchObject({ host: '127.0.0.1', upstream: `127.0.0.1:${echo.port}` });
    const config = await cli.waitFor((event) => event.event === 'config');
    expect(config).toMatchObject({ seed: 9, durationS: 3 });
    expect((config.toxics as { name: string }[]).map((toxic) => toxic.name)).toEqual(['latency_downstream', 'tiny']);

    const client = (await connectClient(listening.port as number)).read();
    const started = performance.now();
    client.socket.write('hello chaos');
    await client.waitFor(11);
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(client.received.toString()).toBe('hello chaos');
    client.socket.end();
    await client.waitClosed();

    expect(await cli.exited).toBe(0);
    expect(cli.stderr).toBe('');
    expect(cli.events).toContainEqual(expect.objectContaining({ event: 'open', conn: 1 }));
    expect(cli.events).toContainEqual(
      expect.objectContaining({ event: 'close', conn: 1, reason: 'closed', bytesUp: 11, bytesDown: 11 }),
    );
    expect(cli.events.some((event) => event.event === 'stats')).toBe(true);
    expect(cli.events[cli.events.length - 1]).toMatchObject({ event: 'stopped', reason: 'duration', connections: 1 });
  }, 60_000);

  it('stops cleanly on SIGTERM', async () => {
    const cli = run(['--upstream', `127.0.0.1:${echo.port}`, '--duration', '60']);
    await cli.waitFor((event) => event.event === 'config');
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(cli.events[cli.events.length - 1]).toMatchObject({ event: 'stopped', reason: 'SIGTERM' });
  }, 60_000);

  it.each([
    [['--upstream', '127.0.0.1:8000', '--toxic', 'latency:ms=-5'], 'BAD_TOXIC'],
    [['--upstream', '127.0.0.1:8000', '--toxic', 'teleport:ms=5'], 'BAD_TOXIC'],
    [['--upstream', '10.0.0.7:8000'], 'NOT_LOOPBACK'],
    [['--upstream', '127.0.0.1:8000', '--listen', '0.0.0.0:9000'], 'NOT_LOOPBACK'],
    [['--upstream', '127.0.0.1'], 'BAD_ADDRESS'],
    [['--upstream', '127.0.0.1:8000', '--duration', '7200'], 'BAD_OPTION'],
  ])(
    'refuses %j with a one-line %s error and exit code 2',
    async (args, code) => {
      const cli = run(args);
      expect(await cli.exited).toBe(2);
      expect(cli.events).toEqual([]);
      expect(cli.stderr).toMatch(new RegExp(`^netra-contracts: ${code}: [^\\n]+\\n$`));
    },
    60_000,
  );
});
