/**
 * Replay (provider verification): a recorded session's client side against a live target, checked by the rules
 * engine and compared with the recording, by default only in what the contract fixes.
 */
export { ReplayError } from './errors';
export type { ReplayErrorCode } from './errors';
export { actorOf, planReplay } from './plan';
export type { Anchor, Gate, PlannedAction, PlannedConn, ReplayPlan } from './plan';
export { compareShapes, sessionShape, SAME_IDS } from './shape';
export type { ConnShape, IdMapping, RunShape, SessionShape, ShapeDifference } from './shape';
export { contractDifferences } from './contract';
export { replayAll, replayFile, replaySession } from './replay';
export type { ReplayOptions, ReplayReport, ShapeMode } from './replay';
export { formatReplayReport, replayReportJson } from './report';
