import { readFileSync } from 'node:fs';
import { isLoopback as isLoopbackHost } from '../../util/loopback';
import type { Target } from '../targets/types';
import { createDevSource } from '../auth';
import { LoadError } from './errors';
import type { LoadOptions, LoadSettings } from './options';
import { assertLoopbackUrl, defaultAuthUrl } from './target';

/** The target of a run, and how to explain a failure to reach its token source. */
export interface ResolvedTarget {
  target: Target;
  /** Said when the probe cannot get a token (e.g. which flag is missing). */
  authHint?: string;
}

/**
 * The Target a run goes against: `opts.target` (a targets-file entry or the embedded provider), or the `--url`
 * shorthand (loopback URLs with development tokens from `--auth-url`). Refuses, before any traffic, a target with a
 * URL that is not loopback unless it declares `remote: true` (LoadError NOT_LOOPBACK), and a target and `--url`
 * together or neither (LOAD_USAGE).
 *
 * @example
 * resolveLoadTarget({ url: ['ws://127.0.0.1:8000/ws', 'ws://127.0.0.1:8100/ws'], users: 10, durationS: 5 }).target.urls;
 */
export function resolveLoadTarget(opts: LoadOptions): ResolvedTarget {
  const urls = opts.url === undefined ? [] : Array.isArray(opts.url) ? opts.url : [opts.url];
  if (opts.target !== undefined && (urls.length > 0 || opts.authUrl !== undefined))
    throw new LoadError('LOAD_USAGE', 'give either a target (--targets/--target) or --url/--auth-url, not both');
  if (opts.target !== undefined) {
    assertTargetAllowed(opts.target);
    return { target: opts.target };
  }
  if (urls.length === 0)
    throw new LoadError(
      'LOAD_USAGE',
      'no target: give --url, or --targets FILE --target NAME (or run the embedded provider)',
    );
  return loadShorthandTarget(urls, opts.authUrl);
}

/**
 * `--url U [--url U2 ...] [--auth-url A]`: loopback URLs only, development tokens from the auth service.
 *
 * @example
 * loadShorthandTarget(['ws://127.0.0.1:8000/ws'], 'http://127.0.0.1:8001').target.auth.kind; // 'dev'
 */
export function loadShorthandTarget(urls: readonly string[], authUrl: string | undefined): ResolvedTarget {
  const parsed = urls.map((url) => assertLoopbackUrl(url, '--url'));
  const auth =
    authUrl !== undefined
      ? assertLoopbackUrl(authUrl, '--auth-url', ['http:', 'https:'])
      : assertLoopbackUrl(defaultAuthUrl(parsed[0]), '--auth-url', ['http:', 'https:']);
  const target: Target = {
    name: '--url',
    url: parsed[0].toString(),
    urls: parsed.map(String),
    remote: false,
    headers: {},
    limits: {},
    clockLeewayS: 5,
    auth: createDevSource({ url: auth.toString(), clockLeewayS: 5 }),
  };
  if (authUrl !== undefined) return { target };
  return {
    target,
    authHint:
      `--auth-url was not given, so tokens were asked of the auth service at ${auth.origin} (port 8001 of the --url ` +
      `host); if the provider's auth service listens elsewhere (serve --auth-port), give --auth-url with its URL ` +
      `(netra-contracts serve prints it when it starts)`,
  };
}

/**
 * Refuses a target that would send load off this machine without saying so: every URL must be ws:// or wss://, and
 * loopback unless the target declares `remote: true`.
 *
 * @example
 * assertTargetAllowed({ ...target, url: 'ws://10.1.2.3/ws', urls: ['ws://10.1.2.3/ws'], remote: false }); // NOT_LOOPBACK
 */
export function assertTargetAllowed(target: Target): void {
  if (target.urls.length === 0) throw new LoadError('LOAD_USAGE', `target ${target.name} has no URL`);
  for (const raw of target.urls) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new LoadError('LOAD_USAGE', `target ${target.name}: ${JSON.stringify(raw)} is not a URL`);
    }
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:')
      throw new LoadError('LOAD_USAGE', `target ${target.name}: ${raw} must be ws:// or wss://`);
    if (!target.remote && !isLoopbackHost(url.hostname)) {
      throw new LoadError(
        'NOT_LOOPBACK',
        `target ${target.name}: host '${url.hostname}' is not loopback; load goes elsewhere only to a target that declares remote: true in the targets file`,
      );
    }
  }
}

/**
 * Applies the target's `limits` as hard caps: more users or a longer `--duration` than allowed is refused
 * (LoadError TARGET_LIMIT); the drain is shortened so that duration + drain stays within `max_duration_s`. Returns
 * the settings to run with.
 *
 * @example
 * applyTargetLimits(target, settings).drainS; // 15 with max_duration_s 60 and --duration 45
 */
export function applyTargetLimits(target: Target, settings: LoadSettings): LoadSettings {
  const { maxUsers, maxDurationS } = target.limits;
  if (maxUsers !== undefined && settings.users > maxUsers)
    throw new LoadError(
      'TARGET_LIMIT',
      `target ${target.name} allows at most ${maxUsers} users (limits.max_users); --users is ${settings.users}`,
    );
  if (maxDurationS === undefined) return settings;
  if (settings.durationS > maxDurationS)
    throw new LoadError(
      'TARGET_LIMIT',
      `target ${target.name} allows runs of at most ${maxDurationS} s (limits.max_duration_s); --duration is ${settings.durationS}`,
    );
  return { ...settings, drainS: Math.min(settings.drainS, maxDurationS - settings.durationS) };
}

/**
 * The target's CA bundle for wss://, read once (LoadError LOAD_USAGE when it cannot be read).
 *
 * @example
 * readCa(target); // Buffer, or undefined without ca_file
 */
export function readCa(target: Target): Buffer | undefined {
  if (target.caFile === undefined) return undefined;
  try {
    return readFileSync(target.caFile);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new LoadError('LOAD_USAGE', `target ${target.name}: cannot read ca_file ${target.caFile} (${reason})`, {
      cause: err,
    });
  }
}
