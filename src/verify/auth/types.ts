import { TOKEN_KINDS as SESSION_TOKEN_KINDS, type TokenKind as SessionTokenKind } from '../../sessions';

/**
 * Kinds of credential a token source can be asked for: every kind the session format records (`token_kind`) except
 * `none` (no credential at all, which needs no source). `valid` is the normal case; every other kind is deliberately
 * bad and must be refused by any provider that keeps the contract (one `error_message` with an auth code, then close
 * 1008), so `verify` can tell a provider that accepted one.
 */
export type TokenKind = Exclude<SessionTokenKind, 'none'>;

export const TOKEN_KINDS: readonly TokenKind[] = SESSION_TOKEN_KINDS.filter((k): k is TokenKind => k !== 'none');

/** What a scenario asks a token source for. */
export interface TokenRequest {
  /** The user (`sub`), already made unique for this run of the tool. */
  user: string;
  /** Default `valid`. */
  kind?: TokenKind;
  /** Wanted lifetime in seconds; a source that cannot honour it says so through `IssuedToken.expiresAt`. */
  ttlS?: number;
}

/** A token a source made. Never logged, never written to a session or a report. */
export interface IssuedToken {
  token: string;
  /** When the token expires (ms since the epoch), when the source knows. */
  expiresAt?: number;
  /** For sources with a refresh grant. */
  refreshToken?: string;
}

/** Why a source cannot make a kind of token (the scenario that needs it is reported as skipped with this reason). */
export interface Unsupported {
  reason: string;
}

/**
 * Where a live tool gets tokens for a target: one implementation per `auth.kind` of the targets file (`dev`, `jwt`,
 * `oauth2`, `command`, `static`).
 */
export interface TokenSource {
  /** The `auth.kind` it implements. */
  readonly kind: string;
  /**
   * Set when every user gets a token for the same principal (an OAuth 2.0 client_credentials grant, one static
   * token): the reason, so that scenarios that need distinct users are skipped with it.
   */
  readonly sharedIdentity?: string;
  /** Whether it can make this kind of token. */
  supports(kind: TokenKind): true | Unsupported;
  /** A token for a user; rejects with a typed error (never one that contains a secret). */
  token(request: TokenRequest): Promise<IssuedToken>;
  /** A new access token for the same user, where the kind can (refresh grant, re-mint, re-run the command). */
  refresh?(user: string, previous: IssuedToken): Promise<IssuedToken>;
  /** Every secret the source holds or has handed out, for redaction of anything printed or written. */
  secrets(): readonly string[];
  /** Releases what it holds (HTTP agents, child processes). */
  close?(): Promise<void>;
}
