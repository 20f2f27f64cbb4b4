import type { TokenKind } from '../auth/types';
import type { TokenVia } from '../client';

/**
 * The credential a connection (or an `auth_refresh`) presents: a {@link TokenKind} made by the target's token
 * source, or `none` (no token at all).
 */
export type ScenarioTokenKind = TokenKind | 'none';

/** Older names of token kinds, still accepted in scenario files. */
export const TOKEN_KIND_ALIASES: Readonly<Record<string, TokenKind>> = {
  tampered: 'bad_signature',
  refresh: 'wrong_type',
  no_permission: 'missing_permission',
};

/** What token to make: its kind, and for a valid one its wanted lifetime. */
export interface TokenSpec {
  kind: ScenarioTokenKind;
  ttlS?: number;
}

/** The test plan's tiers; `conformance` selects scenarios by them. */
export const TIERS = ['easy', 'medium', 'hard', 'stress'] as const;
export type Tier = (typeof TIERS)[number];

export interface ScenarioUser {
  name: string;
  token: TokenSpec;
}

export interface ScenarioConnection {
  /** Readable and stable, e.g. `alice-1`: the `conn` of every record of this connection. */
  id: string;
  user: string;
  via: TokenVia;
  /** The user's token spec with the connection's overrides applied. */
  token: TokenSpec;
  /** Which of the target's URLs (nodes of a cluster) it connects to, by index (modulo the number of URLs). */
  node: number;
}

export interface StepBase {
  /** 0-based index in `steps`. */
  index: number;
  /** 1-based line of the step in the scenario file. */
  line: number;
}

/** A wait on one connection, or on every connection of a user (`user`). */
export interface WaitForStep extends StepBase {
  action: 'wait_for';
  conn?: string;
  user?: string;
  /** A message type, `terminal` (a run's terminal event) or `any`. */
  type: string;
  /** Request id naming a run. */
  run?: string;
  errorCode?: string;
  count: number;
  seq?: number;
  /**
   * The assumption the wait rests on beyond the contract (e.g. "the agent calls at least one tool"): when the run
   * ends without what is awaited, the scenario is skipped with this reason instead of failed.
   */
  assume?: string;
  /** With `run`: the request refused by an `error_message` also counts as what is awaited. */
  acceptRefusal?: boolean;
  timeoutMs: number;
}

/** One step of a scenario, normalised from its YAML form. */
export type ScenarioStep = StepBase &
  (
    | { action: 'connect'; conn: string; timeoutMs: number }
    | { action: 'send'; conn: string; msg: unknown }
    | { action: 'send_raw'; conn: string; text?: string; binary?: string; oversize?: number }
    | Omit<WaitForStep, keyof StepBase>
    | { action: 'wait_close'; conn: string; code?: number; timeoutMs: number }
    | { action: 'sleep'; ms: number }
    | { action: 'drop'; conn: string; timeoutMs: number }
    | { action: 'close'; conn: string; code: number; reason: string }
    | { action: 'reconnect'; conn: string; resume?: string[]; timeoutMs: number }
    | { action: 'resume'; conn: string; run: string; lastSeq?: number }
    | { action: 'cancel'; conn: string; run: string }
    | { action: 'refresh'; conn: string; asUser?: string; token: TokenSpec }
    | { action: 'wait_token_expiry'; conn: string; timeoutMs: number }
    | { action: 'assume_running'; conn: string; run: string; assume: string }
  );

/** The action names of {@link ScenarioStep}. */
export type StepAction = ScenarioStep['action'];

/** A loaded, checked scenario. */
export interface Scenario {
  file: string;
  name: string;
  description: string;
  tier: Tier;
  /** Default timeout of every wait, ms. */
  timeoutMs: number;
  /** The users, connections and steps are run this many times at once, each copy with its own users. */
  copies: number;
  /** The copies start spread evenly over this many ms. */
  rampMs: number;
  /** Faults injected between the client and a loopback target (`src/chaos` toxics, CLI syntax). */
  chaos?: { toxics: string[]; seed?: number };
  users: Map<string, ScenarioUser>;
  connections: Map<string, ScenarioConnection>;
  steps: ScenarioStep[];
}

/** Every token kind a scenario presents (connections and refreshes). */
export function tokenKindsOf(scenario: Scenario): Set<ScenarioTokenKind> {
  const kinds = new Set<ScenarioTokenKind>();
  for (const conn of scenario.connections.values()) kinds.add(conn.token.kind);
  for (const step of scenario.steps) if (step.action === 'refresh') kinds.add(step.token.kind);
  return kinds;
}
