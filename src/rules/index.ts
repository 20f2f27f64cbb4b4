/**
 * Behavioural rules: the rule files (`contracts/rules/*.yaml`), the timing profiles, the one streaming checker that
 * enforces them on real traffic, and `verifySessions` behind `netra-contracts verify`.
 */
export { createChecker } from './checker';
export { CHECK_KINDS } from './checks';
export { RulesError } from './errors';
export { DEFAULT_RULES_DIR, RULES_SCHEMA_FILE, loadRuleFile, loadRules } from './load';
export { DEFAULT_PROFILES_FILE, loadProfiles } from './profiles';
export { FAMILIES } from './types';
export type {
  Checker,
  CheckerOptions,
  CheckerStats,
  Family,
  MessageValidators,
  Profile,
  ProfileSet,
  RuleDef,
  RuleSet,
  SchemaError,
  Severity,
  ValidationResult,
  Violation,
} from './types';
