/**
 * Scenarios as data (`contracts/scenarios/*.yaml`, checked against `contracts/scenario.schema.json`): users, their
 * connections and ordered steps, each tagged with its test-plan tier.
 */
export { ScenarioError } from './errors';
export type { ScenarioErrorCode } from './errors';
export { DEFAULT_SCENARIOS_DIR, SCENARIO_SCHEMA_FILE, loadScenario, loadScenarios, parseScenario } from './load';
export { TIERS, TOKEN_KIND_ALIASES, tokenKindsOf } from './model';
export type {
  Scenario,
  ScenarioConnection,
  ScenarioStep,
  ScenarioTokenKind,
  ScenarioUser,
  StepAction,
  Tier,
  TokenSpec,
  WaitForStep,
} from './model';
