/** Getting tokens for a target: today the reference auth service's dev-token endpoints. */
export { fetchDevToken, refreshDevToken } from './dev-client';
export type { DevTokenOptions, RefreshOptions } from './dev-client';
