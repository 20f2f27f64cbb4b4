import { chooseAgent, type AgentRequest, type Workload } from '../../agents';
import type { Connection } from '../connection';
import { sendError, type ProviderContext } from '../context';
import { executeRun } from '../run-loop';
import { deepFreeze } from '../../util/deep-freeze';

const DRAINING = 'The server is shutting down; reconnect and send the request again.';

/** `start_agent`: refusals (draining, duplicate request_id, foreign thread, too many runs) or a new run. */
export async function handleStartAgent(
  ctx: ProviderContext,
  conn: Connection,
  msg: Record<string, unknown>,
): Promise<void> {
  const requestId = msg.request_id as string;
  const threadId = msg.thread_id as string | undefined;
  if (ctx.draining()) return sendError(ctx, conn, 'SERVER_DRAINING', DRAINING, { requestId });
  // Each run gets its own copy of the workload, frozen: nothing mutable is shared between runs or users, and its
  // tools check it once (checkedWorkload). Without one the agent works on the user's sample workload and says so
  // (resolveWorkload in the run loop).
  const request: AgentRequest = { userId: conn.userId, userRequest: msg.user_request as string };
  if (msg.context !== undefined) request.workload = deepFreeze(structuredClone(msg.context) as Workload);
  if (typeof msg.agent_name === 'string') request.agentName = msg.agent_name;
  const agentName = request.agentName ?? chooseAgent(request);
  const outcome = await ctx.hub.start({ userId: conn.userId, requestId, threadId, connectionId: conn.id, agentName });
  if (!outcome.ok) return refuse(ctx, conn, requestId, outcome);
  const { run } = outcome;
  ctx.logger.info('run started', {
    run_id: run.ctx.runId,
    thread_id: run.ctx.threadId,
    user_id: conn.userId,
    conn: conn.id,
    agent_name: agentName,
  });
  executeRun(run, { ...request, agentName }, ctx.runLoop).catch((err: unknown) => {
    ctx.logger.error('run loop failed', { run_id: run.ctx.runId, error: err });
  });
}

function refuse(
  ctx: ProviderContext,
  conn: Connection,
  requestId: string,
  outcome: { refusal: string; started?: { runId: string; threadId: string } },
): void {
  const { refusal, started } = outcome;
  if (refusal === 'DUPLICATE_REQUEST') {
    // Says which run the first one started, so a client whose connection died before agent_started can resume it.
    return sendError(
      ctx,
      conn,
      refusal,
      `request_id ${JSON.stringify(requestId)} was already used; use a new one for a new request.`,
      started ? { requestId, runId: started.runId, details: { thread_id: started.threadId } } : { requestId },
    );
  }
  if (refusal === 'FORBIDDEN') {
    return sendError(ctx, conn, refusal, 'This thread does not exist or is not available to you.', { requestId });
  }
  const max = ctx.settings.maxRunsPerUser;
  sendError(ctx, conn, refusal, `You already have ${max} runs in progress; wait for one to end.`, { requestId });
}
