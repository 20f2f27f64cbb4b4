import { handleAuthRefresh } from './auth-refresh';
import { handleCancelRun } from './cancel-run';
import { handleResume } from './resume';
import { handleStartAgent } from './start-agent';
import type { MessageHandler } from './types';

/**
 * One handler per client message type of asyncapi.yaml. A type the spec adds without a handler here is answered
 * INTERNAL_ERROR by the frame router (and a unit test checks the table against the protocol's client types).
 */
export const messageHandlers: Readonly<Record<string, MessageHandler>> = {
  start_agent: handleStartAgent,
  resume: handleResume,
  cancel_run: handleCancelRun,
  auth_refresh: handleAuthRefresh,
};

export type { MessageHandler } from './types';
export { answerFailure } from './failure';
