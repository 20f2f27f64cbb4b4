// The plugin API of the engine: what a check kind (src/rules/checks) is given and what it subscribes to.
import type { Protocol } from '../protocol';
import type { ConnState, FrameInfo, RunConnState, RunState, SeqHole, UserState } from './model';
import type { Profile, RuleDef } from './types';

/** What a check may read about the session beyond the frame in hand. */
export interface EngineView {
  readonly users: ReadonlyMap<string, UserState>;
  /** Connection still there when the session ended (open, or closed by the client in the closing records). */
  presentAtEnd(conn: ConnState): boolean;
  /** A connection of the run's user that listened from the run's last event (or resumed it) to the end. */
  listener(run: RunState): ConnState | undefined;
  /** Session time at `finish`. */
  readonly finishT: number;
  /** Live connections (not yet closed). */
  readonly openConns: ReadonlyMap<string, ConnState>;
}

/** Where a violation is and what the message placeholders say. */
export interface ReportAt {
  conn: string;
  line?: number;
  t?: number;
  frame?: unknown;
  /** The line of a frame the checker no longer holds (not keeping frames): a report may read it back from there. */
  frameLine?: number;
  run_id?: string;
  user?: string | null;
  seq?: number;
  type?: string;
}

export interface CheckContext {
  rule: RuleDef;
  /** The protocol the session is checked against: run events, start and terminal types, limits. */
  protocol: Protocol;
  /** Parameters, `{ profile: key }` already replaced by the profile's number. */
  params: Record<string, any>;
  profile: Profile;
  engine: EngineView;
  report(at: ReportAt, vars: Record<string, unknown>): void;
  /** This check's state for a connection, created by `init` on first use. */
  connState<T>(conn: ConnState, init: () => T): T;
  /** This check's state for a run (dropped with the run), created by `init` on first use. */
  runState<T>(run: RunState, init: () => T): T;
  /** This check's state for a user, created by `init` on first use. */
  userState<T>(user: UserState, init: () => T): T;
  /**
   * Run state shared by every check that asks with the same key (e.g. the ledger of a run's tool-call pairs, kept once
   * for the three pair rules): returns the accessor, to call per event.
   */
  sharedRunState<T>(key: string): (run: RunState, init: () => T) => T;
  /**
   * One object of this checker shared by every check that asks with the same key, made by `init` on first ask: for
   * what checks sharing run state settle between them at load time (which fields a shared ledger keeps).
   */
  shared<T>(key: string, init: () => T): T;
  /** The small integer id of a message type, as frames carry it (`FrameInfo.typeId`): for tables indexed by type. */
  typeId(type: string): number;
}

/** Hooks the engine can call for only some message types (`CheckHooks.types`). */
export const FRAME_HOOKS = ['serverFrame', 'clientFrame', 'runEvent', 'runEventFirst'] as const;
export type FrameHookName = (typeof FRAME_HOOKS)[number];

/** What a check kind subscribes to. All optional; each is called in stream order. */
export interface CheckHooks {
  /**
   * The message types each frame hook can fire on; a frame hook not named here sees every type. The engine indexes
   * hooks by type when the rules are loaded, so per-frame work is only that of the checks that can fire.
   */
  types?: Partial<Record<FrameHookName, readonly string[]>>;
  connOpen?(conn: ConnState): void;
  serverFrame?(f: FrameInfo): void;
  clientFrame?(f: FrameInfo): void;
  /** A run event on a connection of the run's owner (every copy). */
  runEvent?(f: FrameInfo, run: RunState, rc: RunConnState): void;
  /** The first copy of each event of a run that the owner's connections see. */
  runEventFirst?(f: FrameInfo, run: RunState): void;
  /** A run event on a connection of another user. */
  foreignRunEvent?(f: FrameInfo, run: RunState): void;
  /**
   * A run event of a run already finalised, on a connection of its owner (a late replay, or a new event: then
   * `f.first`, its seq is past every seq the run had). The run keeps only its id, owner, seq range and `end`.
   */
  lateRunEvent?(f: FrameInfo, run: RunState): void;
  /** Gaps after a resume that the replay never filled (at the close of the connection or the run's end). */
  seqHoles?(rc: RunConnState, holes: readonly SeqHole[]): void;
  connClose?(conn: ConnState, close: CloseInfo): void;
  /** The run is done (terminal + retain) or the session ended (`atFinish`). */
  runFinalize?(run: RunState, atFinish: boolean): void;
  finish?(): void;
}

export interface CloseInfo {
  code: number;
  reason: string;
  by: 'client' | 'server';
  t: number;
  line?: number;
}

/** A check kind: TypeScript behind a `check:` name in the rule files. */
export interface CheckKind {
  kind: string;
  family: string;
  /** Placeholders its messages may use besides COMMON_VARS. */
  vars: readonly string[];
  /** Semantic checks of params beyond the JSON Schema; returns a problem or undefined. */
  validateParams?(params: Record<string, any>): string | undefined;
  create(ctx: CheckContext): CheckHooks;
}
