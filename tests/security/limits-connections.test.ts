// Per-user connection limit (asyncapi.yaml x-netra-limits max_connections_per_user; issue 12 item 4). One user with
// many connections once fanned every event out to all of them. Past the limit a connection gets one error_message
// TOO_MANY_CONNECTIONS and close 1008, the user's open connections are untouched, other users are unaffected, and a
// slot freed by a close is usable again. `serve --max-connections-per-user` sets it.
import { loadProtocol } from '../../src/protocol';
import {
  connectUser,
  createTestSession,
  expectNoViolations,
  killAllServe,
  QUICK,
  spawnServe,
  startTestStack,
  waitUntil,
  type RecordingClient,
  type TestStack,
} from '../support';

const LIMIT = loadProtocol().limits.max_connections_per_user;

describe('the contract default', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ provider: QUICK });
  });
  afterAll(() => stack.close());

  test(`connection ${LIMIT + 1} of one user: TOO_MANY_CONNECTIONS, close 1008; the first ${LIMIT} keep working`, async () => {
    expect(LIMIT).toBe(5);
    const session = createTestSession('limits-connections');
    const held: RecordingClient[] = [];
    for (let i = 0; i < LIMIT; i++) held.push(await connectUser(session, stack, 'greedy'));
    const extra = await connectUser(session, stack, 'greedy', { expect: 'refused' });
    expect(extra.frames).toEqual([
      expect.objectContaining({ type: 'error_message', error_code: 'TOO_MANY_CONNECTIONS' }),
    ]);
    expect(extra.closeInfo?.code).toBe(1008);
    // The held connections are untouched: a run started on one reaches all of them.
    const runId = await held[0].startRun('g-1');
    for (const conn of held) await conn.waitForTerminal(runId);
    // Another user is not counted against the greedy one.
    const other = await connectUser(session, stack, 'bystander');
    expect(other.isOpen).toBe(true);
    await expectNoViolations(session);
  });

  test('a slot freed by a close can be used again', async () => {
    const session = createTestSession('limits-connections-freed');
    const held: RecordingClient[] = [];
    for (let i = 0; i < LIMIT; i++) held.push(await connectUser(session, stack, 'cycler'));
    await held[0].close();
    // The server counts the close once its close handler ran; the next connection then fits.
    await waitUntil(() => held[0].closeInfo !== undefined, 'the close');
    let again: RecordingClient | undefined;
    for (let attempt = 0; attempt < 20 && again === undefined; attempt++) {
      const c = await connectUser(session, stack, 'cycler', { expect: 'any' });
      if (c.frames[0]?.type === 'connection_established') again = c;
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(again?.frames[0]).toMatchObject({ type: 'connection_established' });
    await expectNoViolations(session);
  });

  test('ten simultaneous handshakes of one user: exactly the limit is admitted, the rest refused typed', async () => {
    const session = createTestSession('limits-connections-race');
    const all = await Promise.all(
      Array.from({ length: 10 }, () => connectUser(session, stack, 'racer', { expect: 'any' })),
    );
    const firsts = all.map((c) => (c.frames[0]?.type === 'error_message' ? c.frames[0].error_code : c.frames[0]?.type));
    expect(firsts.filter((t) => t === 'connection_established')).toHaveLength(LIMIT);
    expect(firsts.filter((t) => t === 'TOO_MANY_CONNECTIONS')).toHaveLength(10 - LIMIT);
    for (const c of all.filter((c) => c.frames[0]?.type === 'error_message')) expect((await c.closed).code).toBe(1008);
    await expectNoViolations(session);
  });
});

describe('serve --max-connections-per-user', () => {
  afterAll(() => killAllServe());

  test('serve --max-connections-per-user 2: the third connection is refused TOO_MANY_CONNECTIONS', async () => {
    const serve = await spawnServe({ ...QUICK, args: ['--max-connections-per-user', '2'] });
    const session = createTestSession({ scenario: 'limits-connections-serve', profile: 'ci' });
    await connectUser(session, serve, 'alice');
    await connectUser(session, serve, 'alice');
    const third = await connectUser(session, serve, 'alice', { expect: 'refused' });
    expect(third.frames[0]).toMatchObject({ type: 'error_message', error_code: 'TOO_MANY_CONNECTIONS' });
    expect(third.closeInfo?.code).toBe(1008);
    // The contract's limit is 5: the rules checker would flag an early refusal; this session stays under both.
    await session.abandon();
    expect(await serve.stop()).toBe(0);
  }, 45_000);

  test('a value that is not a positive integer exits 2 with a one-line reason', async () => {
    await expect(spawnServe({ args: ['--max-connections-per-user', '0'] })).rejects.toThrow(/max-connections-per-user/);
  }, 30_000);
});
