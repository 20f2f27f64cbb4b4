/** How a connection presents its access token. */
export type TokenVia = 'header' | 'subprotocol';

/**
 * The kind of token a connection (or an `auth_refresh`) presents. `valid` is a real access token; the others are
 * deliberately bad: `none` (no token at all), `expired`, `refresh` (a refresh token instead of an access token),
 * `wrong_audience`, `wrong_issuer`, `tampered` (signature broken), `malformed` (not a JWT), `no_permission` (no `chat`).
 */
export type TokenKind =
  | 'valid'
  | 'none'
  | 'expired'
  | 'refresh'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'tampered'
  | 'malformed'
  | 'no_permission';

/** The token kinds of {@link TokenKind}, in documentation order. */
export const TOKEN_KINDS: readonly TokenKind[] = [
  'valid',
  'none',
  'expired',
  'refresh',
  'wrong_audience',
  'wrong_issuer',
  'tampered',
  'malformed',
  'no_permission',
];

/** What token to make: its kind, and for real tokens their lifetime and permissions. */
export interface TokenSpec {
  kind: TokenKind;
  ttlS?: number;
  permissions?: string[];
}

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
}

interface StepBase {
  /** 0-based index in `steps`. */
  index: number;
  /** 1-based line of the step in the scenario file. */
  line: number;
}

/** One step of a scenario, normalised from its YAML form. */
export type ScenarioStep = StepBase &
  (
    | { action: 'connect'; conn: string; timeoutMs: number }
    | { action: 'send'; conn: string; msg: unknown }
    | { action: 'send_raw'; conn: string; text?: string; binary?: string; oversize?: number }
    | {
        action: 'wait_for';
        conn: string;
        /** A message type, `terminal` (agent_completed or agent_error) or `any`. */
        type: string;
        /** Request id naming a run. */
        run?: string;
        errorCode?: string;
        count: number;
        seq?: number;
        timeoutMs: number;
      }
    | { action: 'wait_close'; conn: string; code?: number; timeoutMs: number }
    | { action: 'sleep'; ms: number }
    | { action: 'drop'; conn: string; timeoutMs: number }
    | { action: 'close'; conn: string; code: number; reason: string }
    | { action: 'reconnect'; conn: string; resume?: string[]; timeoutMs: number }
    | { action: 'resume'; conn: string; run: string; lastSeq?: number }
    | { action: 'cancel'; conn: string; run: string }
    | { action: 'refresh'; conn: string; asUser?: string; token: TokenSpec }
  );

/** The action names of {@link ScenarioStep}. */
export type StepAction = ScenarioStep['action'];

/** A loaded, checked scenario. */
export interface Scenario {
  file: string;
  name: string;
  description: string;
  /** Default timeout of every wait, ms. */
  timeoutMs: number;
  users: Map<string, ScenarioUser>;
  connections: Map<string, ScenarioConnection>;
  steps: ScenarioStep[];
}
