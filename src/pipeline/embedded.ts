import { startStack, type Stack, type StackOptions } from '../provider';
import { CLOCK_TOLERANCE_S } from '../auth';
import { createDevSource } from '../verify/auth';
import type { Target } from '../verify/targets/types';

/** The reference provider and its auth service, started in this process, as a Target for the live tools. */
export interface EmbeddedTarget {
  target: Target;
  stack: Stack;
  /** Drains the provider, then stops the auth service. */
  close(): Promise<void>;
}

/**
 * Starts the embedded reference provider (auth service + provider on free loopback ports) and hands it to the live
 * tools as a Target with development tokens: `verify/` never imports the provider.
 *
 * @example
 * const embedded = await startEmbeddedTarget({ provider: { thinkMs: 10, toolMs: 10 } });
 * await runLoad({ target: embedded.target, embedded: true, users: 10, durationS: 8 });
 * await embedded.close();
 */
export async function startEmbeddedTarget(opts: Pick<StackOptions, 'provider' | 'auth'> = {}): Promise<EmbeddedTarget> {
  const stack = await startStack(opts);
  const target: Target = {
    name: 'embedded',
    url: stack.wsUrl,
    urls: [stack.wsUrl],
    remote: false,
    headers: {},
    limits: {},
    clockLeewayS: CLOCK_TOLERANCE_S,
    // The auth service runs in this process: with it as signer the dev strategy makes every token kind.
    auth: createDevSource({ url: stack.authUrl, clockLeewayS: CLOCK_TOLERANCE_S, signer: stack.auth }),
  };
  return { target, stack, close: () => stack.close() };
}
