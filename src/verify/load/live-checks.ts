import { createChecker, loadRules, type Checker, type Profile, type RuleSet, type Violation } from '../../rules';
import type { SessionWriter } from '../../sessions';
import { REDACTED } from '../../util/redact';

const MAX_SAMPLES = 50;
const RETAIN_MS = 10_000;
/**
 * A settled run (every tab of its user that had it holds all of it, none cut off part-way, no other run or start of
 * the user in flight) is finalised as soon as it settled: under load nearly every run settles at its terminal, and
 * keeping finished runs' state (10 s, and even 0.25 or 1 s: it then outlives a scavenge) was most of the checker's
 * cost (`npm run bench:load`). What can still come for it is checked without that state: a new seq
 * (order.nothing-after-terminal, order.single-terminal), a copy on a tab that held it (seq.no-repeat), another user's
 * connection (isolation). A run still owed to a tab keeps the 10 s.
 */
const SETTLED_RETAIN_MS = 0;

/**
 * The load run's view of the ONE rules engine: a single `createChecker` instance fed every frame of every connection
 * live (open / frame / close on the run's clock), counting violations per rule as they are found.
 *
 * @example
 * const live = new LiveChecks(loadProfiles().get('ci'), () => performance.now() - t0);
 * live.open('u1-t0-c1', 'load-u1');
 * live.frame('u1-t0-c1', 's2c', msg);
 * live.finish(); live.violationCounts; // Map { 'seq.contiguous' => 1 }
 */
export class LiveChecks {
  readonly violationCounts = new Map<string, number>();
  readonly warningCounts = new Map<string, number>();
  readonly samples: { rule: string; conn: string; run_id?: string; message: string }[] = [];
  total = 0;
  private readonly checker: Checker;

  constructor(
    profile: Profile,
    private readonly now: () => number,
    rules: RuleSet = loadRules(),
    /** Also writes every record to a session file (`--record`), for `netra-contracts verify` later. */
    private readonly recorder?: SessionWriter,
  ) {
    // A finished run's state is kept retainMs for late replays; under load that is thousands of runs with every
    // parsed frame, so keep it shorter than the checker's default, and shorter still once the run settled. Later
    // replays are still checked per connection, and a new event of a finalised run is still an order violation.
    // Findings are counted (and sampled) as they come; the checker need not keep them all with their frames.
    this.checker = createChecker({
      rules,
      profile,
      retainMs: RETAIN_MS,
      settledRetainMs: SETTLED_RETAIN_MS,
      maxViolations: 0,
      onViolation: (v) => this.count(v),
      // Counts and samples need no frame: each message is let go once checked instead of living as long as its run.
      keepFrames: false,
    });
  }

  open(conn: string, user: string): void {
    const t = this.now();
    this.checker.open(conn, user, t);
    this.recorder?.open(conn, user, t);
  }

  /**
   * A frame as it went over the wire; `raw` when it was not JSON. Tokens in auth_refresh are redacted. `t` is the
   * run's clock when the caller read it already (a received frame: its arrival time is also a latency's end).
   */
  frame(conn: string, dir: 'c2s' | 's2c', msg: unknown, raw?: string, t: number = this.now()): void {
    const shown = dir === 'c2s' && isAuthRefresh(msg) ? { ...msg, token: REDACTED } : msg;
    this.checker.frame(conn, dir, shown, raw, t);
    if (this.recorder === undefined) return;
    if (raw !== undefined) this.recorder.frameText(conn, dir, raw, t);
    else this.recorder.frame(conn, dir, shown, t);
  }

  close(conn: string, code: number, reason: string, by: 'client' | 'server'): void {
    const t = this.now();
    this.checker.close(conn, code, reason, by, t);
    this.recorder?.close(conn, code, reason, by, t);
  }

  /** Ends the session: end-of-run findings (runs that never ended, fan-out gaps) are counted now. */
  finish(): void {
    this.checker.finish(this.now());
  }

  private count(violation: Violation): void {
    const counts = violation.severity === 'warning' ? this.warningCounts : this.violationCounts;
    counts.set(violation.rule, (counts.get(violation.rule) ?? 0) + 1);
    if (violation.severity === 'warning') return;
    this.total++;
    if (this.samples.length < MAX_SAMPLES) {
      const sample: LiveChecks['samples'][number] = {
        rule: violation.rule,
        conn: violation.conn,
        message: violation.message,
      };
      if (violation.run_id !== undefined) sample.run_id = violation.run_id;
      this.samples.push(sample);
    }
  }
}

function isAuthRefresh(msg: unknown): msg is Record<string, unknown> {
  return typeof msg === 'object' && msg !== null && (msg as Record<string, unknown>).type === 'auth_refresh';
}
