// The per-user connection counter (a hub seam) admits connections before connection_established: past the limit a
// connection gets one error_message TOO_MANY_CONNECTIONS and close 1008, the open ones are untouched, and a closed
// one frees its place. (The default limit and its flag are the spec's, x-netra-limits; here a small one.)
import type { Stack } from '../../../src/provider';
import { afterEachCheck, connectAs, judgeBy, startTestStack, TestClient } from '../../support/provider-harness';
import { waitUntil } from '../../support/util';

let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack({ maxConnectionsPerUser: 2 });
});
afterEach(afterEachCheck);
afterAll(async () => {
  await stack.close();
});

test('the third connection of a user with a limit of 2: TOO_MANY_CONNECTIONS, 1008; a closed one frees a place', async () => {
  // A limit below the spec's on purpose (to keep the test small): every rule judges by the limit this provider runs
  // with, so a refusal at 2 is justified and a third connection accepted would not be.
  judgeBy({ limits: { max_connections_per_user: 2 } });
  const first = await connectAs(stack, 'alice');
  const second = await connectAs(stack, 'alice');
  const { access_token } = await stack.auth.issueTokens('alice');
  const third = await TestClient.connect(stack.wsUrl, { token: access_token });
  expect(await third.closed).toMatchObject({ code: 1008, reason: 'TOO_MANY_CONNECTIONS' });
  expect(third.frames).toEqual([
    expect.objectContaining({ type: 'error_message', error_code: 'TOO_MANY_CONNECTIONS' }),
  ]);
  // Another user is not counted with alice, and alice's open connections still work.
  await connectAs(stack, 'bob');
  const run = await first.start('still-here');
  await second.waitForTerminal(String(run.run_id));
  expect(stack.provider.stats().connections).toBe(3);

  await first.close();
  // The server counts the close when its side of the socket closes, which can lag the client's on a loaded machine.
  await waitUntil(() => stack.provider.stats().connections === 2, "the server's count to drop to 2");
  const again = await connectAs(stack, 'alice');
  expect(again.frames[0]).toMatchObject({ type: 'connection_established' });
});
