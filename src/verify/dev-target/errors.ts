import { NetraError, type NetraErrorOptions } from '../../util/errors';

/** Codes of {@link DevTargetError}. */
export type DevTargetErrorCode = 'TARGET_OPTIONS_INVALID' | 'TARGET_NOT_LOOPBACK' | 'TARGET_TOKEN_UNSUPPORTED';

/**
 * `--url/--auth-url` do not make a target: not a ws(s):// or http(s):// URL, a missing `--auth-url`
 * (`TARGET_OPTIONS_INVALID`), or a host that is not loopback (`TARGET_NOT_LOOPBACK`: a remote provider needs a
 * targets-file entry with `remote: true`), a token kind its token source cannot make (`TARGET_TOKEN_UNSUPPORTED`). Exit 2.
 *
 * @example
 * throw new DevTargetError('TARGET_OPTIONS_INVALID', '--url must be ws:// or wss://, got http:');
 */
export class DevTargetError extends NetraError<DevTargetErrorCode> {
  constructor(code: DevTargetErrorCode, message: string, options: NetraErrorOptions = {}) {
    super(code, message, { exitCode: options.exitCode ?? 2, cause: options.cause });
  }
}
