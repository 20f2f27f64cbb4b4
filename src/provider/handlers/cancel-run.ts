import type { Connection } from '../connection';
import { sendError, type ProviderContext } from '../context';

/** `cancel_run`: aborts the user's running run (it ends with agent_completed status cancelled). */
export async function handleCancelRun(
  ctx: ProviderContext,
  conn: Connection,
  msg: Record<string, unknown>,
): Promise<void> {
  const runId = msg.run_id as string;
  const requestId = msg.request_id as string | undefined;
  const outcome = await ctx.hub.cancel(conn, runId);
  if (outcome === 'forbidden') {
    sendError(ctx, conn, 'FORBIDDEN', 'This run does not exist or is not available to you.', { requestId, runId });
  } else if (outcome === 'not_active') {
    sendError(ctx, conn, 'RUN_NOT_ACTIVE', 'This run has already ended.', { requestId, runId });
  }
}
