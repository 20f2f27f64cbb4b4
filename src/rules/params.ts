import { RulesError } from './errors';
import type { Profile, RuleDef } from './types';

/**
 * A rule's params with every `{ profile: key, default? }` replaced by the profile's number (or the default when the
 * profile lacks the key). Throws `RulesError` `RULES_INVALID` when the profile lacks a key without a default.
 *
 * @example
 * resolveParams(timingRule, loadProfiles().get('ci')); // { limit_ms: 500 }
 */
export function resolveParams(rule: RuleDef, profile: Profile): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [key, value] of Object.entries(rule.params)) {
    if (value && typeof value === 'object' && !Array.isArray(value) && 'profile' in value) {
      const { profile: ref, default: fallback } = value as { profile: string; default?: number };
      // A profiles file written before a key existed still works when the rule says what the key defaults to.
      const resolved = profile[ref] ?? fallback;
      if (typeof resolved !== 'number') {
        throw new RulesError(
          'RULES_INVALID',
          `${rule.file}: rule ${rule.id}: params.${key} refers to profile key "${ref}", which profile "${profile.name}" does not have`,
        );
      }
      out[key] = resolved;
    } else {
      out[key] = value;
    }
  }
  return out;
}
