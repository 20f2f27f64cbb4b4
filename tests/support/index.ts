// The shared harness of the tier tests (tests/e2e, tests/integration/tiers, tests/mission-critical, tests/stress):
// real servers, real ws clients, and ONE rules checker per test fed with every frame any client sees.
export { connectUser, RecordingClient, subOf } from './client';
export type { CloseInfo, ConnectOptions, ConnectTarget, Msg } from './client';
export { isRunEvent, isTerminal, RunLedger, RUN_EVENT_TYPES, TERMINAL_TYPES } from './ledger';
export type { LedgerRun } from './ledger';
export { FORECAST_REQUEST, MINIMAL_REQUEST, MULTI_TOOL_REQUEST, MULTI_TOOL_WORKLOAD } from './requests';
export { killAllServe, spawnServe } from './serve';
export type { ServeOptions, ServeProcess } from './serve';
export {
  createTestSession,
  expectNoViolations,
  FAILED_SESSIONS_DIR,
  formatViolations,
  profile,
  TEST_PROFILE,
  TestSession,
} from './session';
export type { SessionMember, TestSessionOptions } from './session';
export { QUICK, startTestStack } from './stack';
export type { ProxyOptions, TestProviderOptions, TestStack, TestStackOptions } from './stack';
export { freePort, seededRandom, sleep, waitUntil } from './util';
export { nowS, verdict } from './auth';
export { PYTHON, spawnPython } from './python';
export type { PythonProcess } from './python';
export { spawnChaos } from './chaos-process';
export type { ChaosCounters, ChaosProcess, ChaosProcessOptions } from './chaos-process';
export { recordingWebSocket } from './sdk';
export { runCli } from './cli';
export type { CliResult } from './cli';
