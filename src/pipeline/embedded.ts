import { readFileSync } from 'fs';
import { CLOCK_TOLERANCE_S } from '../auth';
import { startStack, type Stack, type StackOptions } from '../provider';
import { projectPath } from '../util/paths';
import { createDevSource } from '../verify/auth';
import { resolveTarget } from '../verify/targets';
import type { Target } from '../verify/targets/types';

/**
 * Provider settings of the embedded reference provider that recordings are made on (and that the contract tests
 * replay them on): model and tool latencies of a few hundred ms, so that a run lasts a few seconds as a real one
 * does and a drop, a refresh or an expiry lands in the middle of it; a 100 ms expiry sweep so an expired token is
 * noticed promptly.
 */
export const RECORDING_PROVIDER_OPTIONS: NonNullable<StackOptions['provider']> = {
  thinkMs: 250,
  toolMs: 300,
  jitter: 0.2,
  sweepMs: 100,
  // The handshake and the expiry sweep grant the same clock tolerance; none here (declared as the target's clock
  // leeway, 0), so that a 1-second token expires in the middle of a run of a few seconds, on any machine.
  clockToleranceS: 0,
};

/**
 * Provider settings of the embedded reference provider in the main job: short model and tool latencies (the
 * scenarios wait on protocol events, not on our provider's pace), the recording sweep.
 */
export const PIPELINE_PROVIDER_OPTIONS: NonNullable<StackOptions['provider']> = {
  thinkMs: 40,
  toolMs: 60,
  jitter: 0.2,
  sweepMs: 100,
};

function packageVersion(): string {
  try {
    return String(JSON.parse(readFileSync(projectPath('package.json'), 'utf8')).version);
  } catch {
    return '0.0.0';
  }
}

/** `netra-reference@<package version>`: the target (and session `provider`) name of the embedded provider. */
export const REFERENCE_PROVIDER = `netra-reference@${packageVersion()}`;

/** The reference provider and its auth service, started in this process, as a Target for the live tools. */
export interface EmbeddedTarget {
  target: Target;
  stack: Stack;
  /** Drains the provider, then stops the auth service. */
  close(): Promise<void>;
}

/**
 * Starts the embedded reference provider (auth service + provider on free loopback ports) and hands it to the live
 * tools as a Target with development tokens: `verify/` never imports the provider. Its name is
 * {@link REFERENCE_PROVIDER} (the `provider` of the sessions recorded on it).
 *
 * @example
 * const embedded = await startEmbeddedTarget({ provider: { thinkMs: 10, toolMs: 10 } });
 * await runLoad({ target: embedded.target, embedded: true, users: 10, durationS: 8 });
 * await embedded.close();
 */
export async function startEmbeddedTarget(opts: Pick<StackOptions, 'provider' | 'auth'> = {}): Promise<EmbeddedTarget> {
  const stack = await startStack(opts);
  const leewayS = opts.provider?.clockToleranceS ?? CLOCK_TOLERANCE_S;
  const target: Target = {
    name: REFERENCE_PROVIDER,
    url: stack.wsUrl,
    urls: [stack.wsUrl],
    remote: false,
    headers: {},
    limits: {},
    clockLeewayS: leewayS,
    // The auth service runs in this process: with it as signer the dev strategy makes every token kind.
    auth: createDevSource({ url: stack.authUrl, clockLeewayS: leewayS, signer: stack.auth }),
  };
  return { target, stack, close: () => stack.close() };
}

/** The target flags of record, replay and conformance. */
export interface TargetFlags {
  /** A targets-file entry, or `reference` for the embedded reference provider. */
  target?: string;
  targets?: string;
  url?: string;
  authUrl?: string;
}

/** A target opened for one command, and whether it is the embedded provider this command started. */
export interface OpenedTarget {
  target: Target;
  /** True for the embedded reference provider started for this command (nobody else uses it). */
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * The target of record, replay and conformance: nothing or `--target reference` is the embedded reference provider
 * (started here with {@link RECORDING_PROVIDER_OPTIONS}); anything else goes to the targets file and the `--url`
 * shorthand (`resolveTarget`: TargetError / TokenSourceError, exit 2).
 *
 * @example
 * const opened = await openTarget({ target: 'python', targets: 'netra-contracts.targets.yaml' });
 * try { ... } finally { await opened.close(); }
 */
export async function openTarget(flags: TargetFlags, provider: StackOptions['provider'] = {}): Promise<OpenedTarget> {
  const reference = flags.target === 'reference' || (flags.target === undefined && flags.targets === undefined);
  if (reference && flags.url === undefined) {
    const embedded = await startEmbeddedTarget({ provider: { ...RECORDING_PROVIDER_OPTIONS, ...provider } });
    return { target: embedded.target, embedded: true, close: embedded.close };
  }
  const target = await resolveTarget(flags);
  return { target, embedded: false, close: async () => void (await target.auth.close?.()) };
}
