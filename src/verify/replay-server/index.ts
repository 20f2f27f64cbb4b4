/** The replay server (consumer verification): recorded sessions served over a real WebSocket. */
export { ReplayServer, startReplayServer } from './server';
export type { ReplayMismatch, ReplayServerOptions, ReplayServerSummary, ServedConn, ServedSession } from './types';
export { buildScript } from './script';
export type { ConnScript, ScriptItem, SessionScript } from './script';
export { compareClientFrame, emptyIdMap, liveServerFrame } from './compare';
export type { LiveFrame, RequestIdMap } from './compare';
