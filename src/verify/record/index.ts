/**
 * Recording: scenarios (`contracts/scenarios/*.yaml`, checked against `contracts/scenario.schema.json`) run against a
 * live provider, every frame written to a session file (`contracts/sessions/<name>.session.jsonl`). The live-client
 * machinery here is shared with `replay`.
 */
export { RecordError, ScenarioError } from './errors';
export {
  DEFAULT_SCENARIOS_DIR,
  SCENARIO_SCHEMA_FILE,
  loadScenario,
  loadScenarios,
  parseScenario,
} from './load-scenario';
export { TOKEN_KINDS } from './scenario';
export type {
  Scenario,
  ScenarioConnection,
  ScenarioStep,
  ScenarioUser,
  StepAction,
  TokenKind,
  TokenSpec,
  TokenVia,
} from './scenario';
export { devTokens, embeddedTokens } from './tokens';
export type { TokenSource } from './tokens';
export { LiveConn, LiveSession } from './live-session';
export type { CloseInfo, ConnectOptions, LiveRun, ReceivedFrame } from './live-session';
export { runScenario } from './run-scenario';
export type { ScenarioOutcome } from './run-scenario';
export {
  RECORDING_PROVIDER_OPTIONS,
  REFERENCE_PROVIDER,
  externalTarget,
  recordAll,
  recordScenario,
  startRecordingStack,
} from './record';
export type { LiveTarget, RecordResult } from './record';
export { binaryRaw, decodeRaw, oversizeText } from './wire';
