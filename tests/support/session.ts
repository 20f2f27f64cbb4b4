// One recorded session per test: every record (open / frame / close) any client of the test sees goes, in order and
// on one clock, into ONE rules checker (src/rules, the engine behind `verify`) and, when asked, into a session file.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  createChecker,
  loadProfiles,
  loadRules,
  type Checker,
  type Profile,
  type RuleSet,
  type Violation,
} from '../../src/rules';
import contract from '../../generated/contract.json';
import { createSessionWriter, type Direction, type SessionWriter } from '../../src/sessions';

/** The timing profile tests use: contracts/profiles.yaml `ci` (lenient first-event, the plan's run limits). */
export const TEST_PROFILE = 'ci';

/** Where a session with violations is written so it can be re-checked with `netra-contracts verify`. */
export const FAILED_SESSIONS_DIR = path.resolve(__dirname, '../../reports/test-sessions');

let cachedRules: RuleSet | undefined;
const cachedProfiles = new Map<string, Profile>();

function rules(): RuleSet {
  return (cachedRules ??= loadRules());
}

/** A profile of contracts/profiles.yaml (default {@link TEST_PROFILE}), loaded once. */
export function profile(name: string = TEST_PROFILE): Profile {
  let found = cachedProfiles.get(name);
  if (!found) cachedProfiles.set(name, (found = loadProfiles().get(name)));
  return found;
}

export interface TestSessionOptions {
  /** Names the session (header `scenario`, file name of a failed session). */
  scenario: string;
  /** Timing profile (a name in contracts/profiles.yaml, or a profile object); default {@link TEST_PROFILE}. */
  profile?: string | Profile;
  /** Keep every record in memory so a failing session can be written out (default true; off for long stress runs). */
  keepRecords?: boolean;
  /** Also stream the session to this file as it happens. */
  file?: string;
  /** Provider name for the header. */
  provider?: string;
  /**
   * Feed the rules checker (default true). False only for a load generator whose traffic is not what the test checks
   * (the greedy user of tests/stress/greedy-user.test.ts): its frames are parsed but cost no rule evaluation.
   */
  check?: boolean;
}

/** Something the session can close before it finishes (a client). */
export interface SessionMember {
  close(): Promise<void>;
}

type SessionRecord =
  | { kind: 'open'; t: number; conn: string; user: string | null }
  | { kind: 'frame'; t: number; conn: string; dir: Direction; msg?: unknown; raw?: string }
  | { kind: 'close'; t: number; conn: string; code: number; reason: string; by: 'client' | 'server' };

/**
 * A test's recorded session: a clock (ms since the session began), connection ids, and the one shared checker.
 * Clients created with `connectUser(session, ...)` feed it; `expectNoViolations(session)` finishes it.
 */
export class TestSession {
  readonly scenario: string;
  readonly checker: Checker;
  private readonly check: boolean;
  readonly profile: Profile;
  readonly members = new Set<SessionMember>();
  private readonly started = performance.now();
  private readonly records: SessionRecord[] | undefined;
  private readonly writer: SessionWriter | undefined;
  private readonly providerName: string;
  private nextConn = 1;
  private lines = 1;
  private finished: Violation[] | undefined;

  constructor(options: TestSessionOptions) {
    this.scenario = options.scenario;
    this.profile = typeof options.profile === 'object' ? options.profile : profile(options.profile ?? TEST_PROFILE);
    this.providerName = options.provider ?? 'reference';
    this.checker = createChecker({ rules: rules(), profile: this.profile });
    this.check = options.check ?? true;
    this.records = options.keepRecords === false ? undefined : [];
    unfinished.add(this);
    if (options.file) {
      this.writer = createSessionWriter(
        options.file,
        { scenario: this.scenario, provider: this.providerName },
        { clock: () => this.now() },
      );
    }
  }

  /** Milliseconds since the session began (the session clock every record uses). */
  now(): number {
    return Math.round((performance.now() - this.started) * 10) / 10;
  }

  /** A fresh connection id, e.g. `alice#3`. */
  connId(user: string | null): string {
    return `${user ?? 'anon'}#${this.nextConn++}`;
  }

  open(conn: string, user: string | null): void {
    this.assertOpen();
    const t = this.now();
    this.checker.open(conn, user, t, ++this.lines);
    this.records?.push({ kind: 'open', t, conn, user });
    this.writer?.open(conn, user, t);
  }

  /** A frame as text off the wire (s2c) or as sent (c2s). */
  frameText(conn: string, dir: Direction, text: string): unknown {
    this.assertOpen();
    const t = this.now();
    let msg: unknown;
    let raw: string | undefined;
    try {
      msg = JSON.parse(text);
    } catch {
      raw = text;
    }
    if (this.check) this.checker.frame(conn, dir, msg, raw, t, ++this.lines);
    this.records?.push(raw === undefined ? { kind: 'frame', t, conn, dir, msg } : { kind: 'frame', t, conn, dir, raw });
    this.writer?.frameText(conn, dir, text, t);
    return raw === undefined ? msg : undefined;
  }

  close(conn: string, code: number, reason: string, by: 'client' | 'server'): void {
    if (this.finished) return; // a socket closing after the session was finished (afterAll teardown) is not part of it
    const t = this.now();
    this.checker.close(conn, code, reason, by, t, ++this.lines);
    this.records?.push({ kind: 'close', t, conn, code, reason, by });
    this.writer?.close(conn, code, reason, by, t);
  }

  /**
   * Closes every client still open (client-side close, as a recorder tears a scenario down), finishes the checker
   * and returns its error-severity violations. A session with violations is written to reports/test-sessions/.
   * Idempotent.
   */
  async finish(): Promise<Violation[]> {
    if (this.finished) return this.finished;
    unfinished.delete(this);
    await Promise.all([...this.members].map((m) => m.close()));
    const violations = this.checker.finish(this.now());
    this.finished = violations;
    await this.writer?.end();
    // NETRA_TEST_SESSIONS=1 keeps every session (not only failed ones), e.g. to read or `verify` them by hand.
    if (violations.length > 0 || process.env.NETRA_TEST_SESSIONS) this.dump();
    return violations;
  }

  /** A test that ended without finishing its session (it threw first): close its clients and keep the evidence. */
  async abandon(): Promise<void> {
    if (this.finished) return;
    await this.finish();
    this.dump();
  }

  /** The file a failed (or, with NETRA_TEST_SESSIONS set, any) session was written to by finish(). */
  get failedFile(): string {
    return path.join(
      FAILED_SESSIONS_DIR,
      `${this.scenario.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-|-$/g, '')}.session.jsonl`,
    );
  }

  /** The session as session-file text (header + records, tokens redacted), for `verifySessionText` or a file. */
  toText(): string {
    if (!this.records) throw new Error(`session "${this.scenario}" keeps no records (keepRecords: false)`);
    const header = {
      kind: 'header',
      spec: `${contract.title}@${contract.version}`,
      scenario: this.scenario,
      recorded_at: new Date().toISOString(),
      provider: this.providerName,
    };
    return `${[header, ...this.records].map((r) => redactLine(JSON.stringify(r))).join('\n')}\n`;
  }

  private dump(): void {
    if (!this.records) return;
    try {
      mkdirSync(FAILED_SESSIONS_DIR, { recursive: true });
      writeFileSync(this.failedFile, this.toText());
    } catch {
      // best effort: the violations are reported by the assertion anyway
    }
  }

  private assertOpen(): void {
    if (this.finished) throw new Error(`session "${this.scenario}" was already finished`);
  }
}

// Tokens never reach a file (the session format's promise); the writer does the same for streamed sessions.
function redactLine(line: string): string {
  return line.replace(/eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}/g, '<redacted>');
}

const unfinished = new Set<TestSession>();

// After each test, a session the test did not finish (it failed before expectNoViolations) is finished here: its
// clients are closed (no open handles) and the session is written to reports/test-sessions/ for a look.
if (typeof afterEach === 'function') {
  afterEach(async () => {
    await Promise.all([...unfinished].map((session) => session.abandon()));
  });
}

/** Starts a session for one test. */
export function createTestSession(options: TestSessionOptions | string): TestSession {
  return new TestSession(typeof options === 'string' ? { scenario: options } : options);
}

/** One line per violation, for assertion messages. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations
    .map((v) => `${v.rule} [${v.conn}${v.line !== undefined ? ` line ${v.line}` : ''}]: ${v.message}`)
    .join('\n');
}

/**
 * Finishes the session (closing its clients) and asserts the rules engine found nothing. On failure the message
 * lists every violation and where the session was written.
 */
export async function expectNoViolations(session: TestSession): Promise<void> {
  const violations = await session.finish();
  if (violations.length > 0) {
    throw new Error(
      `${violations.length} contract violation(s) in session "${session.scenario}" (written to ${session.failedFile}; ` +
        `re-check with: node bin/netra-contracts.js verify --profile ${session.profile.name} <file>)\n${formatViolations(violations)}`,
    );
  }
  // A session in which nothing was checked proves nothing.
  expect(session.checker.stats().frames).toBeGreaterThan(0);
}
