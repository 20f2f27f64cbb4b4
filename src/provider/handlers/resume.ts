import type { Connection } from '../connection';
import { sendError, type ProviderContext } from '../context';

const FORBIDDEN = 'This run does not exist or is not available to you.';

/** `resume`: replays what the connection is missing after `last_seq` and follows the run live. */
export async function handleResume(
  ctx: ProviderContext,
  conn: Connection,
  msg: Record<string, unknown>,
): Promise<void> {
  const runId = msg.run_id as string;
  const requestId = msg.request_id as string | undefined;
  if ((await ctx.hub.resume(conn, runId, msg.last_seq as number)) === 'forbidden') {
    sendError(ctx, conn, 'FORBIDDEN', FORBIDDEN, { requestId, runId });
  }
}
