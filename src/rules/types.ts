import type { MessageValidators, Protocol } from '../protocol';
import type { Direction, TokenKind } from '../sessions';

/** The rule families; a rule id's first segment. */
export const FAMILIES = [
  'schema',
  'order',
  'pair',
  'seq',
  'correlation',
  'isolation',
  'timing',
  'value',
  'protocol',
] as const;
export type Family = (typeof FAMILIES)[number];

export type Severity = 'error' | 'warning';

/** One rule as loaded from `contracts/rules/<family>.yaml`. */
export interface RuleDef {
  /** `<family>.<name>`, e.g. `order.first-event-is-started`. */
  id: string;
  family: Family;
  description: string;
  /** A check kind implemented under `src/rules/checks/`. */
  check: string;
  params: Record<string, unknown>;
  /** Template with `{placeholders}`. */
  message: string;
  severity: Severity;
  /** File the rule came from. */
  file: string;
}

/** All rules of a rules folder, in file then document order. */
export interface RuleSet {
  dir: string;
  rules: RuleDef[];
}

/** A named set of timing limits (`contracts/profiles.yaml`). */
export interface Profile {
  name: string;
  description?: string;
  first_event_ms: number;
  terminal_ms: number;
  silence_ms: number;
  [key: string]: number | string | undefined;
}

export interface ProfileSet {
  file: string;
  defaultProfile: string;
  profiles: Record<string, Profile>;
  /** The named profile (default when omitted); throws `RulesError` `PROFILE_UNKNOWN`. */
  get(name?: string): Profile;
}

/** One broken rule, found on one connection. */
export interface Violation {
  rule: string;
  conn: string;
  /** Session line of the offending frame; for end-of-run findings the run's last frame or the close. */
  line?: number;
  message: string;
  severity: Severity;
  /** Session time (ms) of the offending record. */
  t?: number;
  run_id?: string;
  /** The offending frame (`msg`, or the raw text), for reports. */
  frame?: unknown;
  /**
   * Instead of `frame`, when the checker kept no frames (`keepFrames: false`): the session line the frame is on
   * (verify reads it back for the text report).
   */
  frameLine?: number;
}

export type { MessageValidators, SchemaError, ValidationResult } from '../protocol';

export interface CheckerOptions {
  rules: RuleSet | RuleDef[];
  /** Timing limits; rules refer to its keys. */
  profile: Profile;
  /** Defaults to the generated validators. */
  validate?: MessageValidators;
  /** Defaults to the generated contract (`loadProtocol()`). */
  protocol?: Protocol;
  /** Called for every finding as it is made (errors and warnings). */
  onViolation?: (violation: Violation) => void;
  /**
   * How long (ms of session time) a run's state is kept after its terminal event before the run is finalised and
   * dropped; late replays of a dropped run are still checked per connection. Default 30000.
   */
  retainMs?: number;
  /**
   * A shorter retention (0: finalised with the next record) for a settled run: its terminal event is in, every
   * connection of the owner that had any of it holds all of it (none cut off part-way, no resume pending), every
   * open one had it, and no other run or start of the user is in flight (the limit rules judge by the server's
   * stamps what was going, which needs the runs that ended around a start). Off by default (every run is kept
   * `retainMs`). `load` sets 0: there thousands of runs end every second, and keeping each one's state is most of
   * what the checker costs. What arrives for a finalised run is still checked: isolation; a new seq past the run's
   * last (order.nothing-after-terminal, order.single-terminal); a copy on a connection that held the whole run when
   * it settled (seq.no-repeat). A replay to a connection opened later is not judged.
   */
  settledRetainMs?: number;
  /**
   * At most this many findings of each severity are kept in `violations` / `warnings` (and returned by `finish`);
   * past it they only go to `onViolation`. A long live run that counts through `onViolation` sets 0 so as not to
   * hold every finding with its frame. Default: no limit.
   */
  maxViolations?: number;
  /**
   * Keep every run event's parsed message while its run is retained (default true). `verify` sets false: a message is
   * let go once its frame is processed, so a session's messages are not carried from young to old memory (the
   * checker's largest cost after parsing); reports then name the frame's line (`frameLine`) instead of holding it.
   */
  keepFrames?: boolean;
}

/** Counts a checker reports about what it saw. */
export interface CheckerStats {
  records: number;
  frames: number;
  conns: number;
  users: number;
  runs: number;
  /** Runs that never showed a terminal event while nobody of their user was listening: not checked for an end. */
  unobservedRuns: number;
}

/** The one streaming rules engine. Feed records in session order, then call `finish`. */
export interface Checker {
  /** A connection opened; `tokenKind` is the credential it presented (`token_kind` of the open record; `valid`). */
  open(conn: string, user: string | null, t: number, line?: number, tokenKind?: TokenKind): void;
  /** A frame; `tokenKind` is the credential a client frame presented (`token_kind` of an `auth_refresh` record). */
  frame(
    conn: string,
    dir: Direction,
    msg: unknown,
    raw: string | undefined,
    t: number,
    line?: number,
    tokenKind?: TokenKind,
  ): void;
  close(conn: string, code: number, reason: string, by: 'client' | 'server', t: number, line?: number): void;
  /** Ends the session: finalises every run and connection. Returns all error-severity violations. Idempotent. */
  finish(t?: number): Violation[];
  /** Error-severity violations so far. */
  readonly violations: readonly Violation[];
  /** Warning-severity findings so far. */
  readonly warnings: readonly Violation[];
  stats(): CheckerStats;
}
