import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { loadProfiles, loadRules } from '../../rules';
import { lifecycleFromTable, type Lifecycle } from '../lifecycle';
import { isRecord } from '../../util/records';

// The behavioural rules and timing profiles as the docs show them, loaded (and validated) by the rules engine's own
// loaders; each family's title and description, which only the files hold, are read from the same files. A missing
// folder or file degrades to "no rules" / "no profiles".

/** One rule as written in its family file. */
export interface RuleDoc {
  id: string;
  description: string;
  check: string;
  params: Record<string, unknown>;
  message: string;
  severity: 'error' | 'warning';
}

/** One rule family (one file). */
export interface RuleFamilyDoc {
  family: string;
  title?: string;
  description?: string;
  /** The file, as given (relative to the project root when it is inside it). */
  file: string;
  rules: RuleDoc[];
}

/** One timing profile: its values in file order. */
export interface ProfileDoc {
  name: string;
  description?: string;
  values: { key: string; value: number }[];
}

export interface ProfilesDoc {
  file: string;
  defaultProfile: string;
  profiles: ProfileDoc[];
}

/** Everything the docs show from the rules folder. */
export interface RulesDoc {
  families: RuleFamilyDoc[];
  profiles?: ProfilesDoc;
  /** Drawn from the `allowed_transitions` rule (and the tool pair from the pair rules), when there is one. */
  lifecycle?: Lifecycle;
}

/** A family file's `title` and `description` (the loader has validated the file already). */
function familyMeta(file: string): { title?: string; description?: string } {
  const doc = YAML.parse(readFileSync(file, 'utf8')) as unknown;
  if (!isRecord(doc)) return {};
  return {
    ...(typeof doc.title === 'string' ? { title: doc.title } : {}),
    ...(typeof doc.description === 'string' ? { description: doc.description } : {}),
  };
}

function readFamilies(rulesDir: string, displayOf: (file: string) => string): RuleFamilyDoc[] {
  const families: RuleFamilyDoc[] = [];
  for (const rule of loadRules(rulesDir).rules) {
    let family = families.find((f) => f.family === rule.family && f.file === displayOf(rule.file));
    if (family === undefined) {
      family = { family: rule.family, ...familyMeta(rule.file), file: displayOf(rule.file), rules: [] };
      families.push(family);
    }
    family.rules.push({
      id: rule.id,
      description: rule.description,
      check: rule.check,
      params: rule.params,
      message: rule.message,
      severity: rule.severity,
    });
  }
  return families;
}

function readProfiles(file: string, displayOf: (file: string) => string): ProfilesDoc {
  const set = loadProfiles(file);
  const profiles: ProfileDoc[] = Object.values(set.profiles).map((p) => ({
    name: p.name,
    ...(p.description !== undefined ? { description: p.description } : {}),
    values: Object.entries(p)
      .filter((e): e is [string, number] => e[0] !== 'name' && typeof e[1] === 'number')
      .map(([key, value]) => ({ key, value })),
  }));
  return { file: displayOf(file), defaultProfile: set.defaultProfile, profiles };
}

/** The lifecycle from the rule that holds the allowed-transitions table, with the tool pair of the pair rules. */
function lifecycleOfRules(families: RuleFamilyDoc[]): Lifecycle | undefined {
  const rules = families.flatMap((f) => f.rules);
  const table = rules.find((r) => r.check === 'allowed_transitions' || isRecord(r.params.transitions));
  if (table === undefined) return undefined;
  const pairRule = rules.find((r) => typeof r.params.open_type === 'string' && typeof r.params.close_type === 'string');
  const pair =
    pairRule === undefined
      ? undefined
      : {
          open: pairRule.params.open_type as string,
          close: pairRule.params.close_type as string,
          ...(typeof pairRule.params.key_field === 'string' ? { key: pairRule.params.key_field } : {}),
        };
  return lifecycleFromTable(table.params, { rule: table.id, ...(pair !== undefined ? { pair } : {}) });
}

/**
 * Reads `<dir>/rules/*.yaml` (in the engine's family order) and `<dir>/profiles.yaml` with the rules engine's loaders.
 * A missing folder or file is simply absent from the result; one that exists but is malformed throws `RulesError`
 * (exit 2). `displayOf` turns a path into what the page shows.
 *
 * @example
 * const { families, profiles, lifecycle } = readRulesDoc('contracts', (f) => path.relative(process.cwd(), f));
 */
export function readRulesDoc(dir: string, displayOf: (file: string) => string): RulesDoc {
  const rulesDir = path.join(dir, 'rules');
  const hasRules = existsSync(rulesDir) && readdirSync(rulesDir).some((f) => /\.ya?ml$/.test(f));
  const families = hasRules ? readFamilies(rulesDir, displayOf) : [];
  const profilesFile = path.join(dir, 'profiles.yaml');
  const profiles = existsSync(profilesFile) ? readProfiles(profilesFile, displayOf) : undefined;
  const lifecycle = lifecycleOfRules(families);
  return {
    families,
    ...(profiles !== undefined ? { profiles } : {}),
    ...(lifecycle !== undefined ? { lifecycle } : {}),
  };
}
