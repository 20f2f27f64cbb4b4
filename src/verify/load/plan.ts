import type { Profile } from '../../rules';
import { loadProfiles } from '../../rules';
import type { Target } from '../targets/types';
import { assertConnectionsFit } from './fd-limit';
import { applyTargetLimits, readCa, resolveLoadTarget } from './load-target';
import { loadMix, type Mix } from './mix';
import { resolveSettings, type LoadOptions, type LoadSettings } from './options';
import { shardUsers } from './shard';
import { loadThresholds, parseThreshold, type Threshold } from './thresholds';

/** Everything a run needs, checked before any traffic. */
export interface LoadPlan {
  settings: LoadSettings;
  target: Target;
  authHint?: string;
  ca?: Buffer;
  embedded: boolean;
  mix: Mix;
  profileName: string;
  profile: Profile;
  thresholds: Threshold[];
  /** Global indices of the users this process runs (its shard). */
  userIndices: number[];
}

/**
 * Resolves and checks every option of a run before any traffic: numbers, the target (loopback unless `remote: true`,
 * its limits as hard caps), the mix, the profile and its thresholds, and whether the connections fit the open-files
 * limit. Throws LoadError (exit 2) naming what is wrong.
 *
 * @example
 * const plan = planLoad({ url: 'ws://127.0.0.1:8000/ws', users: 20, durationS: 15, profile: 'ci', mix: 'ci' });
 */
export function planLoad(opts: LoadOptions): LoadPlan {
  const requested = resolveSettings(opts);
  const { target, authHint } = resolveLoadTarget(opts);
  const settings = applyTargetLimits(target, requested);
  const mix = typeof opts.mix === 'object' ? opts.mix : loadMix(opts.mix);
  const profileName = opts.profile ?? target.profile ?? 'local';
  const profile = loadProfiles().get(profileName);
  const thresholds = [
    ...loadThresholds(opts.thresholdsFile).get(profileName),
    ...(opts.thresholds ?? []).map(parseThreshold),
  ];
  const userIndices = shardUsers(settings.users, settings.shard);
  const embedded = opts.embedded === true;
  assertConnectionsFit(userIndices.length, 1 + mix.secondTabShare, embedded);
  const plan: LoadPlan = { settings, target, embedded, mix, profileName, profile, thresholds, userIndices };
  if (authHint !== undefined) plan.authHint = authHint;
  const ca = readCa(target);
  if (ca !== undefined) plan.ca = ca;
  return plan;
}
