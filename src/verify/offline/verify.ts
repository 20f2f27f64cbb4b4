import { loadProtocol } from '../../protocol';
import { readSessionText, SessionError, visitSessionText, type SessionHeader } from '../../sessions';
import { createChecker } from '../../rules/checker';
import { loadRules } from '../../rules/load';
import { loadProfiles } from '../../rules/profiles';
import type { CheckerStats, MessageValidators, Profile, RuleDef, RuleSet, Violation } from '../../rules/types';
import { loadGeneratedValidators } from '../../protocol/validators';

export interface VerifyOptions {
  /** Timing profile name (default: the profiles file's default). */
  profile?: string;
  /** Rules folder (default `contracts/rules`). */
  rulesDir?: string;
  /** Profiles file (default `contracts/profiles.yaml`). */
  profilesFile?: string;
  /** Already loaded rules (then `rulesDir` is ignored). */
  rules?: RuleSet;
  validate?: MessageValidators;
  retainMs?: number;
}

export interface SessionReport {
  file: string;
  ok: boolean;
  /** Error-severity violations, by line. */
  violations: Violation[];
  /** Warning-severity findings, by line. */
  warnings: Violation[];
  header?: SessionHeader;
  stats?: CheckerStats & { lines: number };
  /** Set when the file could not be read as a session (then `ok` is false and nothing was checked). */
  error?: { code: string; message: string };
  /** Said in the text report: e.g. the session was recorded against another version of the contract. */
  note?: string;
}

export interface VerifyReport {
  ok: boolean;
  profile: Profile;
  rules: RuleDef[];
  sessions: SessionReport[];
}

/**
 * Checks session files against the message schemas and every behavioural rule. Files are read one at a time and
 * streamed through one checker each. A file that cannot be read as a session gets a report with `error` (the CLI
 * exits 2 for it); rule and profile problems throw `RulesError`.
 *
 * @example
 * const report = await verifySessions(['contracts/fixtures/base/two-users.session.jsonl'], { profile: 'local' });
 * report.ok; // true
 */
export async function verifySessions(files: string[], options: VerifyOptions = {}): Promise<VerifyReport> {
  const rules = options.rules ?? loadRules(options.rulesDir);
  const profile = loadProfiles(options.profilesFile).get(options.profile);
  const validate = options.validate ?? loadGeneratedValidators();
  const sessions: SessionReport[] = [];
  for (const file of files) {
    try {
      const text = await readSessionText(file);
      sessions.push(verifySessionText(text, file, { rules, profile, validate, retainMs: options.retainMs }));
    } catch (err) {
      if (!(err instanceof SessionError)) throw err;
      sessions.push({ file, ok: false, violations: [], warnings: [], error: { code: err.code, message: err.message } });
    }
  }
  return { ok: sessions.every((s) => s.ok), profile, rules: rules.rules, sessions };
}

/**
 * Checks one session given as text. Throws `SessionError` when the text is not a valid session.
 *
 * @example
 * const report = verifySessionText(text, 'x.session.jsonl', { rules: loadRules(), profile: loadProfiles().get() });
 */
export function verifySessionText(
  text: string,
  file: string,
  options: { rules: RuleSet; profile: Profile; validate?: MessageValidators; retainMs?: number },
): SessionReport {
  const checker = createChecker({
    rules: options.rules,
    profile: options.profile,
    validate: options.validate,
    retainMs: options.retainMs,
  });
  let header: SessionHeader | undefined;
  let lastT = 0;
  const lines = visitSessionText(text, file, {
    header: (h) => (header = h),
    record(r) {
      if (r.t > lastT) lastT = r.t;
      if (r.kind === 'frame') checker.frame(r.conn, r.dir, r.msg, r.raw, r.t, r.line);
      else if (r.kind === 'open') checker.open(r.conn, r.user, r.t, r.line);
      else checker.close(r.conn, r.code, r.reason, r.by, r.t, r.line);
    },
  });
  const violations = byLine(checker.finish(lastT));
  const warnings = byLine([...checker.warnings]);
  for (const v of [...violations, ...warnings]) v.line ??= lines;
  const report: SessionReport = {
    file,
    ok: violations.length === 0,
    violations,
    warnings,
    header,
    stats: { ...checker.stats(), lines },
  };
  const contract = contractName();
  if (header && contract && header.spec !== contract) {
    report.note = `recorded against ${header.spec}; the contract is ${contract}`;
  }
  return report;
}

/** `<title>@<version>` of generated/contract.json. */
function contractName(): string {
  return loadProtocol().specName;
}

function byLine(list: Violation[]): Violation[] {
  return list
    .map((v, i) => ({ v, i }))
    .sort((a, b) => (a.v.line ?? 0) - (b.v.line ?? 0) || a.i - b.i)
    .map(({ v }) => v);
}
