import { readFileSync } from 'fs';
import YAML from 'yaml';
import { RulesError } from './errors';
import type { Profile, ProfileSet } from './types';
import { projectPath } from '../util/paths';
import { isRecord } from '../util/records';

/** `contracts/profiles.yaml` of this repository. */
export const DEFAULT_PROFILES_FILE = projectPath('contracts', 'profiles.yaml');

const REQUIRED_KEYS = ['first_event_ms', 'terminal_ms', 'silence_ms'] as const;

/**
 * Loads the timing profiles (`default:` and `profiles: { name: { first_event_ms, terminal_ms, silence_ms, ... } }`).
 * Throws `RulesError` `PROFILES_INVALID` (exit code 2) naming the file and the bad key.
 *
 * @example
 * const profile = loadProfiles().get('ci'); // { name: 'ci', first_event_ms: 500, ... }
 */
export function loadProfiles(file: string = DEFAULT_PROFILES_FILE): ProfileSet {
  let doc: unknown;
  try {
    doc = YAML.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new RulesError('PROFILES_INVALID', `${file}: cannot read timing profiles (${reason})`, { cause: err });
  }
  const bad = (what: string): RulesError => new RulesError('PROFILES_INVALID', `${file}: ${what}`);
  if (!isRecord(doc) || !isRecord(doc.profiles)) throw bad('expected a mapping with "profiles"');
  const profiles: Record<string, Profile> = {};
  for (const [name, value] of Object.entries(doc.profiles)) {
    if (!/^[a-z][a-z0-9_-]*$/.test(name)) throw bad(`profile name "${name}" must be lower-case`);
    if (!isRecord(value)) throw bad(`profile ${name}: expected a mapping`);
    const profile: Profile = { name, first_event_ms: 0, terminal_ms: 0, silence_ms: 0 };
    for (const [key, v] of Object.entries(value)) {
      if (key === 'description') {
        if (typeof v !== 'string') throw bad(`profile ${name}: description must be a string`);
        profile.description = v;
      } else if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw bad(`profile ${name}: ${key} must be a non-negative number of milliseconds, got ${JSON.stringify(v)}`);
      } else {
        profile[key] = v;
      }
    }
    for (const key of REQUIRED_KEYS) {
      if (!(key in value)) throw bad(`profile ${name}: missing ${key}`);
    }
    profiles[name] = profile;
  }
  const names = Object.keys(profiles);
  if (names.length === 0) throw bad('no profiles');
  const defaultProfile = doc.default === undefined ? names[0] : doc.default;
  if (typeof defaultProfile !== 'string' || !(defaultProfile in profiles)) {
    throw bad(`default "${String(defaultProfile)}" is not one of ${names.join(', ')}`);
  }
  return {
    file,
    defaultProfile,
    profiles,
    get(name) {
      const wanted = name ?? defaultProfile;
      const profile = profiles[wanted];
      if (!profile) {
        throw new RulesError('PROFILE_UNKNOWN', `unknown timing profile "${wanted}" (known: ${names.join(', ')})`);
      }
      return profile;
    },
  };
}
