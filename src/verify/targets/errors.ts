import { NetraError, type NetraErrorOptions } from '../../util/errors';

/**
 * Codes of {@link TargetError}.
 *
 * - `TARGETS_UNREADABLE`: the targets file is missing or cannot be read.
 * - `TARGETS_INVALID`: the targets file breaks `contracts/targets.schema.json` or a rule beside it; the message holds
 *   one `file:line:col  code  message` line per problem.
 * - `TARGET_UNKNOWN`: `--target NAME` is not in the file (the message lists the names).
 * - `TARGET_USAGE`: the flags do not name one target (`--url` with `--target`, `--auth-url` alone, nothing at all).
 * - `NOT_LOOPBACK`: a host that is not loopback, for a target not declared `remote: true` (and always for `--url`).
 *
 * @example
 * if (err instanceof TargetError && err.code === 'NOT_LOOPBACK') console.error('declare it remote: true');
 */
export type TargetErrorCode =
  'TARGETS_UNREADABLE' | 'TARGETS_INVALID' | 'TARGET_UNKNOWN' | 'TARGET_USAGE' | 'NOT_LOOPBACK';

/**
 * A target could not be resolved. Exit code 2 (bad input).
 *
 * @example
 * throw new TargetError('TARGET_UNKNOWN', 'no target "staging" in netra-contracts.targets.yaml (it has: local, python)');
 */
export class TargetError extends NetraError<TargetErrorCode> {
  constructor(code: TargetErrorCode, message: string, options: NetraErrorOptions = {}) {
    super(code, message, { exitCode: options.exitCode ?? 2, cause: options.cause });
  }
}
