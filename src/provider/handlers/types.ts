import type { Connection } from '../connection';
import type { ProviderContext } from '../context';

/**
 * Handles one client message that passed the rate limit, parsing and the generated validator. May be async: a
 * rejection (or a throw) goes to the one failure router (`failure.ts`), never unhandled.
 */
export type MessageHandler = (
  ctx: ProviderContext,
  conn: Connection,
  msg: Record<string, unknown>,
) => void | Promise<void>;
