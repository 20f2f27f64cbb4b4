import { loadGeneratedValidators, loadProtocol, type Protocol } from '../../protocol';
import {
  readSessionLines,
  sessionTextLines,
  SessionError,
  visitSessionFile,
  visitSessionText,
  type Direction,
  type SessionHeader,
  type SessionRecord,
  type SessionVisitor,
  type TokenKind,
} from '../../sessions';
import { createChecker, loadProfiles, loadRules } from '../../rules';
import type { Checker, CheckerStats, MessageValidators, Profile, RuleDef, RuleSet, Violation } from '../../rules';

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
  /** The contract to check against (default `loadProtocol()`). */
  protocol?: Protocol;
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

interface SessionCheckOptions {
  rules: RuleSet;
  profile: Profile;
  validate?: MessageValidators;
  protocol?: Protocol;
  retainMs?: number;
}

/**
 * Checks session files against the message schemas and every behavioural rule. Each file is streamed line by line
 * through one checker, so its size does not matter (memory is the checker's state). A file that cannot be read as a
 * session gets a report with `error` (the CLI exits 2 for it); rule and profile problems throw `RulesError`.
 *
 * @example
 * const report = await verifySessions(['contracts/fixtures/base/base.session.jsonl'], { profile: 'local' });
 * report.ok; // true
 */
export async function verifySessions(files: string[], options: VerifyOptions = {}): Promise<VerifyReport> {
  const rules = options.rules ?? loadRules(options.rulesDir);
  const profile = loadProfiles(options.profilesFile).get(options.profile);
  const check: SessionCheckOptions = {
    rules,
    profile,
    validate: options.validate ?? loadGeneratedValidators(),
    protocol: options.protocol,
    retainMs: options.retainMs,
  };
  const sessions: SessionReport[] = [];
  for (const file of files) {
    try {
      sessions.push(await verifySessionFile(file, check));
    } catch (err) {
      if (!(err instanceof SessionError)) throw err;
      sessions.push({ file, ok: false, violations: [], warnings: [], error: { code: err.code, message: err.message } });
    }
  }
  return { ok: sessions.every((s) => s.ok), profile, rules: rules.rules, sessions };
}

/**
 * Checks one session file, streamed. Throws `SessionError` when it is not a valid session.
 *
 * @example
 * const report = await verifySessionFile('x.session.jsonl', { rules: loadRules(), profile: loadProfiles().get() });
 */
export async function verifySessionFile(file: string, options: SessionCheckOptions): Promise<SessionReport> {
  const run = new SessionCheck(options);
  const lines = await visitSessionFile(file, run);
  const report = run.report(file, lines);
  attachFrames(report, await readSessionLines(file, frameLines(report)));
  return report;
}

/**
 * Checks one session given as text. Throws `SessionError` when the text is not a valid session.
 *
 * @example
 * const report = verifySessionText(text, 'x.session.jsonl', { rules: loadRules(), profile: loadProfiles().get() });
 */
export function verifySessionText(text: string, file: string, options: SessionCheckOptions): SessionReport {
  const run = new SessionCheck(options);
  const lines = visitSessionText(text, file, run);
  const report = run.report(file, lines);
  attachFrames(report, sessionTextLines(text, frameLines(report)));
  return report;
}

/** The lines of frames findings refer to that the checker let go (it keeps no frames in verify). */
function frameLines(report: SessionReport): Set<number> {
  const lines = new Set<number>();
  for (const v of [...report.violations, ...report.warnings]) if (v.frameLine !== undefined) lines.add(v.frameLine);
  return lines;
}

/** Reads the frames back from their lines, for the text report (one pass, only when a finding needs one). */
function attachFrames(report: SessionReport, lines: Map<number, string>): void {
  for (const v of [...report.violations, ...report.warnings]) {
    if (v.frameLine === undefined) continue;
    const text = lines.get(v.frameLine);
    delete v.frameLine;
    if (text === undefined) continue;
    const record = JSON.parse(text) as { msg?: unknown; raw?: string };
    v.frame = record.raw ?? record.msg;
  }
}

/** One session's records fed to one checker, as a session visitor. */
class SessionCheck implements SessionVisitor {
  private readonly checker: Checker;
  private readonly protocol: Protocol;
  private seenHeader: SessionHeader | undefined;
  private lastT = 0;

  constructor(options: SessionCheckOptions) {
    this.protocol = options.protocol ?? loadProtocol();
    this.checker = createChecker({
      rules: options.rules,
      profile: options.profile,
      validate: options.validate,
      protocol: this.protocol,
      retainMs: options.retainMs,
      // Messages are let go once processed (the session file still holds them): findings name their lines.
      keepFrames: false,
    });
  }

  header(header: SessionHeader): void {
    this.seenHeader = header;
  }

  record(r: SessionRecord): void {
    if (r.t > this.lastT) this.lastT = r.t;
    if (r.kind === 'frame') this.checker.frame(r.conn, r.dir, r.msg, r.raw, r.t, r.line, r.token_kind);
    else if (r.kind === 'open') this.checker.open(r.conn, r.user, r.t, r.line, r.token_kind);
    else this.checker.close(r.conn, r.code, r.reason, r.by, r.t, r.line);
  }

  frame(
    conn: string,
    dir: Direction,
    msg: unknown,
    raw: string | undefined,
    t: number,
    line: number,
    tokenKind: TokenKind | undefined,
  ): void {
    if (t > this.lastT) this.lastT = t;
    this.checker.frame(conn, dir, msg, raw, t, line, tokenKind);
  }

  report(file: string, lines: number): SessionReport {
    const violations = byLine(this.checker.finish(this.lastT));
    const warnings = byLine([...this.checker.warnings]);
    for (const v of [...violations, ...warnings]) v.line ??= lines;
    const report: SessionReport = {
      file,
      ok: violations.length === 0,
      violations,
      warnings,
      header: this.seenHeader,
      stats: { ...this.checker.stats(), lines },
    };
    const contract = this.protocol.specName;
    if (this.seenHeader && this.seenHeader.spec !== contract) {
      report.note = `recorded against ${this.seenHeader.spec}; the contract is ${contract}`;
    }
    return report;
  }
}

function byLine(list: Violation[]): Violation[] {
  return list
    .map((v, i) => ({ v, i }))
    .sort((a, b) => (a.v.line ?? 0) - (b.v.line ?? 0) || a.i - b.i)
    .map(({ v }) => v);
}
