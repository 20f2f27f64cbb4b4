import type { TokenKind } from '../auth/types';
import { TOKEN_KIND_ALIASES, type TokenSpec } from './model';

/** A token as written in a scenario file. */
export interface RawToken {
  kind?: string;
  ttl_s?: number;
}

/** A token spec: `base` with the raw overrides applied (old kind names mapped to the current ones). */
export function tokenSpec(base: TokenSpec, raw: RawToken | undefined): TokenSpec {
  const spec: TokenSpec = { ...base };
  if (raw?.kind !== undefined) spec.kind = (TOKEN_KIND_ALIASES[raw.kind] ?? raw.kind) as TokenKind | 'none';
  if (raw?.ttl_s !== undefined) spec.ttlS = raw.ttl_s;
  return spec;
}
