import { isLoopbackHost } from '../../chaos';
import type { Target } from '../targets/types';
import { devTokenSource } from './dev-token-source';
import { DevTargetError } from './errors';

/** Clock leeway assumed for a `--url` target (the reference provider's verifier uses 5 s). */
export const DEFAULT_CLOCK_LEEWAY_S = 5;

function parse(value: string, flag: string, protocols: string[]): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DevTargetError('TARGET_OPTIONS_INVALID', `${flag} is not a URL: ${JSON.stringify(value)}`);
  }
  if (!protocols.includes(url.protocol)) {
    const want = protocols.map((p) => `${p}//`).join(' or ');
    throw new DevTargetError('TARGET_OPTIONS_INVALID', `${flag} must be ${want}, got ${url.protocol}`);
  }
  return url;
}

/**
 * The `--url ws://... --auth-url http://...` shorthand: a loopback target whose tokens come from a development auth
 * service. A host that is not loopback is refused (`TARGET_NOT_LOOPBACK`: remote providers are declared in a targets
 * file with `remote: true`). Interim: the targets file (src/verify/targets) resolves this shorthand once it lands.
 *
 * @example
 * const target = shorthandTarget('ws://127.0.0.1:8000/ws', 'http://127.0.0.1:8001');
 */
export function shorthandTarget(
  wsUrl: string,
  authUrl: string | undefined,
  clockLeewayS = DEFAULT_CLOCK_LEEWAY_S,
): Target {
  const url = parse(wsUrl, '--url', ['ws:', 'wss:']);
  if (authUrl === undefined) {
    throw new DevTargetError(
      'TARGET_OPTIONS_INVALID',
      '--auth-url is required with --url: tokens come from its POST /auth/token',
    );
  }
  const auth = parse(authUrl, '--auth-url', ['http:', 'https:']);
  for (const host of [url.hostname, auth.hostname]) {
    if (!isLoopbackHost(host)) {
      throw new DevTargetError(
        'TARGET_NOT_LOOPBACK',
        `${host} is not a loopback host: declare a remote provider in a targets file with remote: true`,
      );
    }
  }
  return {
    name: url.host,
    url: wsUrl,
    urls: [wsUrl],
    remote: false,
    headers: {},
    limits: {},
    clockLeewayS,
    auth: devTokenSource(authUrl, { clockLeewayS }),
  };
}
