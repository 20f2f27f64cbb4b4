/**
 * Interim: the `--url/--auth-url` shorthand target and a token source on the development token endpoint, until the
 * targets file and its auth strategies (src/verify/targets, src/verify/auth) replace them.
 */
export { algNoneCopy, MALFORMED_TOKEN, tamperSignature } from './bad-tokens';
export { devTokenSource } from './dev-token-source';
export { DevTargetError } from './errors';
export type { DevTargetErrorCode } from './errors';
export { DEFAULT_CLOCK_LEEWAY_S, shorthandTarget } from './shorthand';
