/** The replay server (consumer verification): recorded sessions served over a real WebSocket. */
export { startReplayServer } from './replay-server';
export type {
  ReplayMismatch,
  ReplayServer,
  ReplayServerOptions,
  ReplayServerSummary,
  ServedConn,
  ServedSession,
} from './replay-server';
export { buildScript } from './script';
export type { ConnScript, ScriptItem, SessionScript } from './script';
export { compareClientFrame, liveServerFrame } from './compare';
export type { LiveFrame, RequestIdMap } from './compare';
