/**
 * Replay: provider verification (`replay`: a recorded session's client side against a live provider, checked by
 * the rules engine and compared in shape with the recording) and consumer verification (`replay-server`: recorded
 * sessions served over a real WebSocket to the consumer under test).
 */
export { ReplayError } from './errors';
export { actorOf, planReplay } from './plan';
export type { Anchor, Gate, PlannedAction, PlannedConn, ReplayPlan } from './plan';
export { compareShapes, sessionShape } from './shape';
export type { ConnShape, RunShape, SessionShape, ShapeDifference } from './shape';
export { formatReplayReport, replayFile, replaySession } from './replay';
export type { ReplayOptions, ReplayReport } from './replay';
export { buildScript, compareClientFrame, liveServerFrame, startReplayServer } from '../replay-server';
export type {
  ConnScript,
  LiveFrame,
  ReplayMismatch,
  ReplayServer,
  ReplayServerOptions,
  ReplayServerSummary,
  RequestIdMap,
  ScriptItem,
  ServedConn,
  ServedSession,
  SessionScript,
} from '../replay-server';
