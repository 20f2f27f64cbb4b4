import { accessSync, constants } from 'node:fs';
import * as path from 'node:path';
import { isLoopback as isLoopbackHost } from '../../util/loopback';
import { createTokenSource } from '../auth/create';
import { createDevSource, type DevSigner } from '../auth/dev';
import { TokenSourceError } from '../auth/errors';
import { TargetError } from './errors';
import { DEFAULT_TARGETS_FILE, loadTargetsFile, type TargetEntry, type TargetsFile } from './load';
import type { Target } from './types';

/** The auth port `serve` uses by default: the `--url` shorthand assumes it when `--auth-url` is not given. */
export const DEFAULT_AUTH_PORT = 8001;
/** Clock leeway assumed when a target does not declare one (the reference provider's verifier uses 5 s). */
export const DEFAULT_CLOCK_LEEWAY_S = 5;

/** The target flags every live command takes (`--targets`, `--target`, `--url`, `--auth-url`). */
export interface TargetFlags {
  /** `--targets FILE`. Default `netra-contracts.targets.yaml` in `cwd`. */
  targets?: string;
  /** `--target NAME`: an entry of the targets file. */
  target?: string;
  /** `--url`: the shorthand for a loopback provider with development tokens. */
  url?: string;
  /** `--auth-url`: that provider's auth service. Default: port 8001 of the `--url` host. */
  authUrl?: string;
  /** Where the default targets file is looked for. Default `process.cwd()`. */
  cwd?: string;
  /** `dev` targets only: an in-process signer, so that every token kind can be made. */
  signer?: DevSigner;
}

/**
 * Resolves the target flags of a live command into a {@link Target} with its token source ready (secrets read, keys
 * loaded, nothing sent yet):
 *
 * - `--url [--auth-url]`: a loopback target with `auth: {kind: dev}`; without `--auth-url` the auth service is assumed
 *   on port 8001 of the same host, and an unreachable one is reported naming `--auth-url`.
 * - `--target NAME [--targets FILE]`: that entry of the targets file.
 * - `--targets FILE` alone: the file's `default`, or its only target.
 *
 * A host that is not loopback needs `remote: true` in its entry (never for `--url`). Throws TargetError
 * (`TARGET_USAGE`, `TARGETS_UNREADABLE`, `TARGETS_INVALID`, `TARGET_UNKNOWN`, `NOT_LOOPBACK`) or TokenSourceError
 * (a secret, a key, an auth entry), all exit 2 and none with a secret in its message.
 *
 * @example
 * const target = await resolveTarget({ targets: 'netra-contracts.targets.yaml', target: 'python' });
 * const { token } = await target.auth.token({ user: 'run1-alice' });
 * const ws = new WebSocket(target.url, { headers: { ...target.headers, authorization: `Bearer ${token}` } });
 */
export async function resolveTarget(flags: TargetFlags): Promise<Target> {
  if (flags.url !== undefined) {
    if (flags.target !== undefined || flags.targets !== undefined) {
      throw new TargetError('TARGET_USAGE', 'give --url (with --auth-url) or --target/--targets, not both');
    }
    return shorthandTarget(flags.url, flags.authUrl, flags.signer);
  }
  if (flags.authUrl !== undefined) throw new TargetError('TARGET_USAGE', '--auth-url needs --url');
  if (flags.target === undefined && flags.targets === undefined) {
    throw new TargetError(
      'TARGET_USAGE',
      'name a target: --target NAME (from --targets FILE), or --url ws://127.0.0.1:PORT/ws',
    );
  }
  const file = loadTargetsFile(flags.targets ?? path.join(flags.cwd ?? process.cwd(), DEFAULT_TARGETS_FILE));
  const name = flags.target ?? file.default ?? (file.targets.size === 1 ? [...file.targets.keys()][0] : undefined);
  if (name === undefined) {
    throw new TargetError(
      'TARGET_USAGE',
      `${file.file} has ${file.targets.size} targets and no default: give --target (${names(file)})`,
    );
  }
  const entry = file.targets.get(name);
  if (entry === undefined)
    throw new TargetError(
      'TARGET_UNKNOWN',
      `no target ${JSON.stringify(name)} in ${file.file} (it has: ${names(file)})`,
    );
  return targetFromEntry(file, name, entry, flags.signer);
}

function names(file: TargetsFile): string {
  return [...file.targets.keys()].join(', ');
}

async function targetFromEntry(
  file: TargetsFile,
  name: string,
  entry: TargetEntry,
  signer?: DevSigner,
): Promise<Target> {
  const urls = entry.urls ?? [entry.url as string];
  const hosts = urls.map((raw, i) => ({ host: new URL(raw).hostname, at: entry.urls ? ['urls', i] : ['url'] }));
  if (entry.auth.kind === 'dev') hosts.push({ host: new URL(entry.auth.url).hostname, at: ['auth', 'url'] });
  const remote = hosts.some(({ host }) => !isLoopbackHost(host));
  if (remote && entry.remote !== true) {
    const far = hosts.find(({ host }) => !isLoopbackHost(host))!;
    throw new TargetError(
      'NOT_LOOPBACK',
      `${file.where(['targets', name, ...far.at])}  target ${name}: ${far.host} is not a loopback host; ` +
        'declare remote: true to verify a provider on another machine',
    );
  }
  let caFile: string | undefined;
  if (entry.ca_file !== undefined) {
    caFile = path.resolve(file.dir, entry.ca_file);
    try {
      accessSync(caFile, constants.R_OK);
    } catch {
      throw new TargetError(
        'TARGETS_INVALID',
        `${file.where(['targets', name, 'ca_file'])}  file-missing  ca_file ${caFile} cannot be read`,
      );
    }
  }
  const clockLeewayS = entry.clock_leeway_s ?? DEFAULT_CLOCK_LEEWAY_S;
  const auth = await withTargetName(name, () =>
    createTokenSource(entry.auth, { baseDir: file.dir, clockLeewayS, ...(signer ? { signer } : {}) }),
  );
  return {
    name,
    url: urls[0],
    urls,
    remote,
    ...(entry.profile !== undefined ? { profile: entry.profile } : {}),
    headers: { ...entry.headers },
    ...(caFile !== undefined ? { caFile } : {}),
    limits: {
      ...(entry.limits?.max_users !== undefined ? { maxUsers: entry.limits.max_users } : {}),
      ...(entry.limits?.max_duration_s !== undefined ? { maxDurationS: entry.limits.max_duration_s } : {}),
    },
    clockLeewayS,
    auth,
  };
}

async function withTargetName<T>(name: string, build: () => Promise<T>): Promise<T> {
  try {
    return await build();
  } catch (err) {
    if (err instanceof TokenSourceError) throw new TokenSourceError(err.code, `target ${name}: ${err.message}`);
    throw err;
  }
}

function parseUrl(raw: string, flag: string, protocols: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TargetError('TARGET_USAGE', `${flag} is not a URL: ${JSON.stringify(raw.slice(0, 200))}`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new TargetError(
      'TARGET_USAGE',
      `${flag} must be ${protocols.map((p) => `${p}//`).join(' or ')}, got ${url.protocol}//`,
    );
  }
  if (!isLoopbackHost(url.hostname)) {
    throw new TargetError(
      'NOT_LOOPBACK',
      `${flag} host ${url.hostname} is not loopback (127.0.0.0/8, ::1, localhost): a provider on another machine ` +
        'needs a targets-file entry with remote: true (--targets FILE --target NAME)',
    );
  }
  return url;
}

/**
 * The `--url [--auth-url]` shorthand alone: a loopback target with development tokens (see {@link resolveTarget}).
 *
 * @example
 * const target = shorthandTarget('ws://127.0.0.1:8000/ws'); // auth assumed at http://127.0.0.1:8001
 */
export function shorthandTarget(wsUrl: string, authUrl?: string, signer?: DevSigner): Target {
  const url = parseUrl(wsUrl, '--url', ['ws:', 'wss:']);
  let auth: string;
  let assumedFrom: string | undefined;
  if (authUrl !== undefined) {
    parseUrl(authUrl, '--auth-url', ['http:', 'https:']);
    auth = authUrl;
  } else {
    auth = `${url.protocol === 'wss:' ? 'https' : 'http'}://${url.hostname}:${DEFAULT_AUTH_PORT}`;
    assumedFrom = `--url ${wsUrl} (serve's default auth port ${DEFAULT_AUTH_PORT})`;
  }
  return {
    name: url.host,
    url: wsUrl,
    urls: [wsUrl],
    remote: false,
    headers: {},
    limits: {},
    clockLeewayS: DEFAULT_CLOCK_LEEWAY_S,
    auth: createDevSource({
      url: auth,
      clockLeewayS: DEFAULT_CLOCK_LEEWAY_S,
      ...(assumedFrom !== undefined ? { assumedFrom } : {}),
      ...(signer ? { signer } : {}),
    }),
  };
}
