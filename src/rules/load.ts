import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { precompiledRulesValidator } from './precompiled-validator';
import { readdirSync, readFileSync } from 'fs';
import path from 'path';
import YAML from 'yaml';
import { CHECK_KINDS } from './checks';
import { RulesError } from './errors';
import { COMMON_VARS, placeholders } from './template';
import { FAMILIES, type Family, type RuleDef, type RuleSet } from './types';
import { projectPath } from '../util/paths';

/** `contracts/rules` of this repository. */
export const DEFAULT_RULES_DIR = projectPath('contracts', 'rules');
/** The JSON Schema every rule file must match. */
export const RULES_SCHEMA_FILE = projectPath('contracts', 'rules.schema.json');

/** ajv's options for the rule file schema (bin/build-rules-validator.js builds with the same). */
export const RULES_AJV_OPTIONS = { allErrors: true, strict: false } as const;

let compiled: ValidateFunction | undefined;

/** The rule file schema's validator: the build's when it matches the schema (a few ms), else compiled here. */
function ruleFileValidator(): ValidateFunction {
  if (compiled) return compiled;
  let text: string;
  let schema: object;
  try {
    text = readFileSync(RULES_SCHEMA_FILE, 'utf8');
    schema = JSON.parse(text);
  } catch (err) {
    throw new RulesError(
      'RULES_UNREADABLE',
      `${RULES_SCHEMA_FILE}: cannot read the rule file schema (${(err as Error).message})`,
    );
  }
  compiled = precompiledRulesValidator(text, RULES_AJV_OPTIONS) ?? new Ajv(RULES_AJV_OPTIONS).compile(schema);
  return compiled;
}

/**
 * Loads every `*.yaml` rule file of a folder (default `contracts/rules`), validates each against
 * `contracts/rules.schema.json` and against the engine (known check kind of the same family, placeholders the check
 * fills, sound parameters), and returns the rules in family order. Throws `RulesError` (exit code 2) naming the
 * file, the rule id and the problem.
 *
 * @example
 * const { rules } = loadRules();
 * rules.map((r) => r.id); // ['schema.server-message', ..., 'protocol.run-ends']
 */
export function loadRules(dir: string = DEFAULT_RULES_DIR): RuleSet {
  let entries: string[];
  try {
    entries = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name));
  } catch (err) {
    throw new RulesError(
      'RULES_UNREADABLE',
      `${dir}: cannot list rule files (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  if (entries.length === 0) throw new RulesError('RULES_UNREADABLE', `${dir}: no rule files (*.yaml)`);
  const rank = (name: string): number => {
    const index = FAMILIES.indexOf(name.replace(/\.ya?ml$/, '') as Family);
    return index === -1 ? FAMILIES.length : index;
  };
  entries.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const rules: RuleDef[] = [];
  const seen = new Map<string, string>();
  for (const name of entries) {
    for (const rule of loadRuleFile(path.join(dir, name))) {
      const other = seen.get(rule.id);
      if (other) throw new RulesError('RULES_INVALID', `${rule.file}: rule ${rule.id}: id already used in ${other}`);
      seen.set(rule.id, rule.file);
      rules.push(rule);
    }
  }
  return { dir, rules };
}

/**
 * Loads and validates one rule file.
 *
 * @example
 * const rules = loadRuleFile('contracts/rules/order.yaml');
 */
export function loadRuleFile(file: string): RuleDef[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new RulesError(
      'RULES_UNREADABLE',
      `${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  const doc = YAML.parseDocument(text);
  if (doc.errors.length) {
    const error = doc.errors[0];
    const pos = error.linePos?.[0];
    const reason = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new RulesError('RULES_INVALID', `${file}${pos ? `:${pos.line}:${pos.col}` : ''}: not valid YAML: ${reason}`);
  }
  const data = doc.toJS() as any;
  // An unknown check kind first: the schema would only say "must be equal to one of the allowed values".
  if (Array.isArray(data?.rules)) {
    (data.rules as any[]).forEach((raw, index) => {
      if (raw && typeof raw.check === 'string' && !CHECK_KINDS.has(raw.check)) {
        throw unknownCheck(`${file}: rule ${raw.id ?? `#${index + 1}`}`, raw.check);
      }
    });
  }
  const validate = ruleFileValidator();
  const valid = validate(doc.toJS());
  if (!valid) throw new RulesError('RULES_INVALID', describeSchemaErrors(file, data, validate.errors ?? []));

  const family = data.family as Family;
  return (data.rules as any[]).map((raw, index): RuleDef => {
    const where = `${file}: rule ${raw.id ?? `#${index + 1}`}`;
    const ruleFamily = String(raw.id).split('.')[0];
    if (ruleFamily !== family)
      throw new RulesError('RULES_INVALID', `${where}: id must start with "${family}." (the file's family)`);
    const kind = CHECK_KINDS.get(raw.check);
    if (!kind) throw unknownCheck(where, raw.check);
    if (kind.family !== family) {
      throw new RulesError(
        'RULES_INVALID',
        `${where}: check '${raw.check}' belongs to family ${kind.family}, not ${family}`,
      );
    }
    const params = (raw.params ?? {}) as Record<string, unknown>;
    const problem = kind.validateParams?.(params);
    if (problem) throw new RulesError('RULES_INVALID', `${where}: params: ${problem}`);
    const allowed = new Set<string>([...COMMON_VARS, ...kind.vars]);
    const unknown = placeholders(raw.message).filter((name) => !allowed.has(name));
    if (unknown.length) {
      throw new RulesError(
        'RULES_INVALID',
        `${where}: message uses {${unknown.join('}, {')}}, which check '${raw.check}' does not fill (it fills {${[...allowed].join('}, {')}})`,
      );
    }
    return {
      id: raw.id,
      family,
      description: String(raw.description).trim(),
      check: raw.check,
      params,
      message: raw.message,
      severity: raw.severity ?? 'error',
      file,
    };
  });
}

function unknownCheck(where: string, check: unknown): RulesError {
  return new RulesError(
    'RULES_UNKNOWN_CHECK',
    `${where}: unknown check '${String(check)}' (known: ${[...CHECK_KINDS.keys()].sort().join(', ')})`,
  );
}

/** Turns ajv's errors into one line per problem: file, rule id, JSON path, what is wrong. */
function describeSchemaErrors(file: string, data: any, errors: ErrorObject[]): string {
  const problems: string[] = [];
  for (const error of errors) {
    if (error.keyword === 'if') continue; // the failing `then` below says what is wrong
    const parts = error.instancePath.split('/').slice(1);
    let where = file;
    let rest = parts;
    if (parts[0] === 'rules' && parts.length > 1) {
      const rule = data?.rules?.[Number(parts[1])];
      where = `${file}: rule ${rule?.id ?? `#${Number(parts[1]) + 1}`}`;
      rest = parts.slice(2);
      if (rest[0] === 'check' && error.keyword === 'enum') {
        return unknownCheck(where, rule?.check).message;
      }
    }
    let text = error.message ?? 'is invalid';
    if (error.keyword === 'additionalProperties')
      text = `unknown property "${(error.params as any).additionalProperty}"`;
    if (error.keyword === 'enum') text += ` (${((error.params as any).allowedValues as unknown[]).join(', ')})`;
    problems.push(rest.length ? `${where}: ${rest.join('.')}: ${text}` : `${where}: ${text}`);
  }
  const unique = [...new Set(problems)];
  return unique.length ? unique.join('\n') : `${file}: does not match the rule file schema`;
}
